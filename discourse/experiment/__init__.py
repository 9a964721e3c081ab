"""Reproducible experiments: TOML configs, ``validate``, ``run_experiment``, run folders and manifests."""
from __future__ import annotations

from .config import ExperimentConfig, load_experiment
from .context import STAGES, Context, register_check, register_metric, register_stage
from .run import completion_line, run_experiment
from .validate import Validation, validate


def validate_inputs(cfg: ExperimentConfig) -> list[str]:
    """Check that the inputs a config names exist, load and fit the config (the checks the run makes
    first); return one line per check. Raises :class:`~discourse.errors.ConfigError` naming the file,
    key, bad value, valid choices and fix."""
    return validate(cfg).lines


__all__ = ["Context", "ExperimentConfig", "STAGES", "Validation", "completion_line", "load_experiment", "register_check",
           "register_metric", "register_stage", "run_experiment", "validate", "validate_inputs"]
