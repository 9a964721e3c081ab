"""``run_experiment``: validate a config, then execute it stage by stage into a run folder with a manifest.

The run first makes the checks of ``discourse validate`` (:func:`~discourse.experiment.validate.validate`,
one code path) and reuses the corpus they loaded. Then the registered stages
(:data:`~discourse.experiment.context.STAGES`: corpus, tokens, dtm, metrics, topics, framing, report;
each timed and recorded) run when the config enables them. Tables go to ``tables/*.csv``, figures
to ``figures/*.png``, then ``report.html`` and ``summary.md``.
"""
from __future__ import annotations

import contextlib
import logging
import platform
import signal
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any

from ..cache import stable_hash
from .config import ExperimentConfig
from .context import STAGES, Context, Stage
from .rundir import RunDir
from .sharded import give_back

log = logging.getLogger("discourse.run")
__all__ = ["Context", "completion_line", "run_experiment", "versions"]


def run_experiment(cfg: ExperimentConfig, *, progress: bool = False) -> Path:
    """Validate ``cfg`` (the checks of ``discourse validate``), then run its stages; return the final
    run folder. A config that fails validation raises :class:`~discourse.errors.ConfigError` before
    any folder is made; a failure during the run leaves ``<id>-failed`` and re-raises."""
    from .validate import validate

    checked = validate(cfg)
    config_hash = stable_hash(_hashable(cfg))
    run = RunDir.create(Path(cfg.outputs.dir), cfg.name, config_hash)
    ctx = Context(cfg, run, progress)
    ctx.results["loaded_corpus"], checked.corpus = checked.corpus, None   # the corpus stage filters and keeps it
    ctx.results["validation"] = checked.lines
    run.write_json("config.json", cfg.to_dict())
    handler = _log_to(run.path("run.log"))
    try:
        with _sigterm_as_exit(), _figure_cache(cfg):
            for stage in _progress([s for s in STAGES.values() if s.enabled(cfg)], progress):
                _timed(ctx, stage)
    except BaseException as exc:  # record, mark failed, re-raise (KeyboardInterrupt, SIGTERM too)
        log.error("run failed: %s: %s", type(exc).__name__, exc)
        _manifest(ctx, config_hash, "failed", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}", handler)
        run.finish(ok=False)
        raise
    log.info(completion_line(ctx.results.get("problems", {}).get("n", 0)))
    _manifest(ctx, config_hash, "ok", None, handler)
    return run.finish(ok=True)


def _figure_cache(cfg: ExperimentConfig) -> contextlib.AbstractContextManager:
    """In a run that writes figures, figures are drawn only when no earlier run drew the same ones
    (:func:`~discourse.report.figures.figure_cache`, in the stage cache)."""
    if not (cfg.outputs.figures and STAGES["report"].enabled(cfg)):
        return contextlib.nullcontext()
    from ..cache import default_cache_dir
    from ..report.figures import figure_cache

    return figure_cache(default_cache_dir() / "stages" / "figures")


def completion_line(n_problems: int | Path, *, table: str | Path = "tables/corpus_problems.csv") -> str:
    """The last line a run prints: ``run complete`` or ``run complete with 3 skipped documents: see
    tables/corpus_problems.csv``. Takes the number of problems or a finished run folder."""
    if isinstance(n_problems, Path):
        import json

        manifest = json.loads((n_problems / "manifest.json").read_text(encoding="utf-8"))
        n_problems = manifest.get("n_problems", 0)
    if not n_problems:
        return "run complete"
    noun = "document" if n_problems == 1 else "documents"
    return f"run complete with {n_problems} skipped {noun}: see {table}"


def _log_to(path: Path) -> logging.Handler:
    """Copy the run's log lines (stages, warnings such as rebuilt caches) into ``run.log``."""
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.getLogger("discourse").addHandler(handler)
    logging.getLogger("discourse").setLevel(logging.INFO)
    return handler


@contextlib.contextmanager
def _sigterm_as_exit():
    """Turn SIGTERM into SystemExit while a run is in progress, so a killed run is marked failed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _progress(stages: list[Stage], show: bool):
    """The stages, with a tqdm bar naming the current one on a terminal (quiet otherwise)."""
    return _with_bar(stages) if show else iter(stages)


def _with_bar(stages: list[Stage]):
    from tqdm.auto import tqdm

    bar = tqdm(stages, unit="stage", desc="run")
    for stage in bar:
        bar.set_postfix_str(stage.name)
        yield stage


def _timed(ctx: Context, stage: Stage) -> None:
    start = time.perf_counter()
    log.info("stage %s ...", stage.name)
    stage.func(ctx, stage.params(ctx.cfg))
    ctx.timings[stage.name] = round(time.perf_counter() - start, 3)
    give_back(ctx)               # a stage's temporary arrays, given back before the next stage draws on memory


def _hashable(cfg: ExperimentConfig) -> dict[str, Any]:
    data = cfg.to_dict()
    data.pop("source", None)
    data.pop("outputs", None)
    return data


def _manifest(ctx: Context, config_hash: str, status: str, error: str | None, handler: logging.Handler) -> None:
    logging.getLogger("discourse").removeHandler(handler)
    handler.close()
    ctx.run.written.append("run.log")
    problems = ctx.results.get("problems", {})
    ctx.run.write_json("manifest.json", {
        "experiment": ctx.cfg.name, "config_file": ctx.cfg.source, "config_hash": config_hash,
        "overrides": list(ctx.cfg.overrides), "seed": ctx.cfg.seed, "status": status, "error": error,
        "versions": versions(), "inputs_sha256": ctx.inputs, "timings_s": ctx.timings,
        "stage_cache_hits": ctx.cache_hits, "measures": ctx.measures, "files": sorted(ctx.run.written),
        "n_problems": problems.get("n", 0), "problems_by_kind": problems.get("by_kind", {}),
        "validation": ctx.results.get("validation", []), "provenance": ctx.results.get("provenance", {}),
        "warnings": ctx.warnings, "stages": list(STAGES),
    })


def versions() -> dict[str, str]:
    """Versions of Python, this package and the libraries that shape the results."""
    from importlib import metadata

    out = {"python": platform.python_version()}
    for dist in ("discourse-frames", "fugashi", "unidic-lite", "gensim", "scikit-learn", "numpy", "pandas", "scipy"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "not installed"
    return out


