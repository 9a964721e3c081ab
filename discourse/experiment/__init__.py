"""Reproducible experiments: TOML configs, ``run_experiment``, run folders and manifests."""
from __future__ import annotations

from pathlib import Path

from ..errors import ConfigError
from .config import ExperimentConfig, load_experiment
from .run import run_experiment


def validate_inputs(cfg: ExperimentConfig) -> list[str]:
    """Check that the inputs a config names exist and load; return one line per check."""
    from ..load import read_corpus

    lines = []
    corpus = read_corpus(cfg.corpus.path, strict=cfg.corpus.strict)
    lines.append(f"corpus {cfg.corpus.path}: {len(corpus)} documents, {len(corpus.problems)} problems")
    try:
        kept = corpus.subset(**cfg.corpus.filters)
    except ConfigError as exc:
        raise ConfigError(f"{cfg.source}: corpus.filters: {exc}") from None
    if not len(kept):
        raise ConfigError(f"{cfg.source}: corpus.filters {cfg.corpus.filters} keep no document")
    lines.append(f"corpus.filters keep {len(kept)} documents")
    if cfg.framing.enabled:
        for name in ("annotations", "split"):
            path = Path(getattr(cfg.framing, name))
            if not path.exists():
                raise ConfigError(f"{cfg.source}: framing.{name} = {str(path)!r} does not exist")
            lines.append(f"framing.{name} {path}: found")
    return lines


__all__ = ["ExperimentConfig", "load_experiment", "run_experiment", "validate_inputs"]
