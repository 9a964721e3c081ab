"""``run_experiment``: execute a config stage by stage into a run folder with a manifest.

Stages (each timed and recorded): corpus, tokens, dtm, metrics, topics, framing, report. Tables
go to ``tables/*.csv``, figures to ``figures/*.png``, then ``report.html`` and ``summary.md``.
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
import platform
import signal
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..cache import stable_hash
from .config import ExperimentConfig
from .rundir import RunDir

log = logging.getLogger("discourse.run")


@dataclass
class Context:
    """What the stages share while a run is in progress."""

    cfg: ExperimentConfig
    run: RunDir
    progress: bool = False
    results: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    inputs: dict[str, str] = field(default_factory=dict)
    cache_hits: dict[str, bool] = field(default_factory=dict)

    def table(self, name: str, df) -> None:
        self.run.write_table(name, df, bom=self.cfg.outputs.csv_bom)
        self.results.setdefault("tables", {})[name] = df

    def add_input(self, path: str | Path) -> None:
        """Record the sha256 of a file, or of every file under a folder (each file read once per run)."""
        p = Path(path)
        files = sorted(x for x in p.rglob("*") if x.is_file()) if p.is_dir() else [p]
        for f in files:
            if str(f) not in self.inputs:
                self.inputs[str(f)] = hashlib.sha256(f.read_bytes()).hexdigest()


def run_experiment(cfg: ExperimentConfig, *, progress: bool = False) -> Path:
    """Run ``cfg``; return the final run folder. A failure leaves ``<id>-failed`` and re-raises."""
    from .stages import STAGES

    config_hash = stable_hash(_hashable(cfg))
    run = RunDir.create(Path(cfg.outputs.dir), cfg.name, config_hash)
    ctx = Context(cfg, run, progress)
    run.write_json("config.json", cfg.to_dict())
    handler = _log_to(run.path("run.log"))
    try:
        with _sigterm_as_exit():
            for name, stage in _progress(STAGES, progress):
                _timed(ctx, name, stage)
    except BaseException as exc:  # record, mark failed, re-raise (KeyboardInterrupt, SIGTERM too)
        log.error("run failed: %s: %s", type(exc).__name__, exc)
        _manifest(ctx, config_hash, "failed", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}", handler)
        run.finish(ok=False)
        raise
    _manifest(ctx, config_hash, "ok", None, handler)
    return run.finish(ok=True)


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


def _progress(stages: list, show: bool):
    """The stages, with a tqdm bar naming the current one on a terminal (quiet otherwise)."""
    return _with_bar(stages) if show else iter(stages)


def _with_bar(stages: list):
    from tqdm.auto import tqdm

    bar = tqdm(stages, unit="stage", desc="run")
    for name, stage in bar:
        bar.set_postfix_str(name)
        yield name, stage


def _timed(ctx: Context, name: str, stage: Callable[[Context], None]) -> None:
    start = time.perf_counter()
    log.info("stage %s ...", name)
    stage(ctx)
    ctx.timings[name] = round(time.perf_counter() - start, 3)


def _hashable(cfg: ExperimentConfig) -> dict[str, Any]:
    data = cfg.to_dict()
    data.pop("source", None)
    data.pop("outputs", None)
    return data


def _manifest(ctx: Context, config_hash: str, status: str, error: str | None, handler: logging.Handler) -> None:
    logging.getLogger("discourse").removeHandler(handler)
    handler.close()
    ctx.run.written.append("run.log")
    ctx.run.write_json("manifest.json", {
        "experiment": ctx.cfg.name, "config_file": ctx.cfg.source, "config_hash": config_hash,
        "overrides": list(ctx.cfg.overrides), "seed": ctx.cfg.seed, "status": status, "error": error,
        "versions": versions(), "inputs_sha256": ctx.inputs, "timings_s": ctx.timings,
        "stage_cache_hits": ctx.cache_hits, "files": sorted(ctx.run.written),
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


