"""``discourse run | validate | info``: experiments from their TOML config, and versions.

    discourse run experiments/state_vs_ngo.toml [--set topics.n_topics=12] [--quiet]
    discourse validate experiments/state_vs_ngo.toml
    discourse info
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from .common import OK, SKIPPED, format_value


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add ``run``, ``validate`` and ``info``."""
    p = sub.add_parser("run", help="run an experiment config into runs/<name>/<id>/")
    p.add_argument("config", help="experiment TOML file")
    p.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE", help="override a config value")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.add_argument("--allow-skipped", action="store_true",
                   help="exit 0 instead of 3 when the corpus had skipped documents (listed in tables/corpus_problems.csv)")
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("validate", help="check a config and its inputs without running")
    p.add_argument("config", help="experiment TOML file")
    p.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE", help="override a config value")
    p.set_defaults(func=cmd_validate)
    p = sub.add_parser("info", help="versions of the package, the dictionary and the libraries")
    p.set_defaults(func=cmd_info)


def _load(args: argparse.Namespace) -> Any:
    from ..experiment import load_experiment

    path = Path(args.config)
    if not path.is_file():
        what = "is a folder" if path.is_dir() else "does not exist"
        raise ConfigError(f"config {path} {what}: give an experiment TOML file, e.g. experiments/state_vs_ngo.toml")
    return load_experiment(path, args.set)


def cmd_run(args: argparse.Namespace) -> int:
    """Run the experiment; print what was written; exit 3 when the corpus had skipped documents."""
    from ..experiment import completion_line, run_experiment

    cfg = _load(args)
    started = time.time()
    try:
        out = run_experiment(cfg, progress=not args.quiet and sys.stderr.isatty())
    except BaseException:
        failed = _failed_run(cfg, started)
        if failed is not None:
            print(f"discourse: the run was stopped and kept as {failed} (status 'failed' in its manifest.json)",
                  file=sys.stderr)
        raise
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    print(run_summary(manifest))
    if (out / "report.html").exists():
        print(f"report: {out / 'report.html'}")
    n_problems = int(manifest.get("n_problems", 0))
    # the last line says whether anything was skipped (and where to look)
    print(completion_line(n_problems, table=out / "tables" / "corpus_problems.csv") if n_problems else f"run complete: {out}")
    if n_problems:
        return OK if args.allow_skipped else SKIPPED
    return OK


def run_summary(manifest: dict[str, Any]) -> str:
    """One line: tables and figures written, the timing of each stage, the stage-cache hits.

    Any JSON value in ``timings_s`` is printed (numbers in seconds, lists and dicts nested).
    """
    files = manifest.get("files", [])
    tables = [f for f in files if f.startswith("tables/")]
    figures = [f for f in files if f.startswith("figures/")]
    timings = ", ".join(f"{k} {format_value(v)}s" if isinstance(v, (int, float)) and not isinstance(v, bool)
                        else f"{k} {format_value(v)}" for k, v in manifest.get("timings_s", {}).items())
    hits = ", ".join(k for k, hit in manifest.get("stage_cache_hits", {}).items() if hit) or "none"
    return f"wrote {len(tables)} tables, {len(figures)} figures ({timings}; cached: {hits})"


def _failed_run(cfg: Any, started: float) -> Path | None:
    """The ``<id>-failed`` folder this process's run left behind, if the runner made one."""
    try:
        folder = Path(cfg.outputs.dir) / cfg.name
        failed = [d for d in folder.iterdir() if d.is_dir() and "-failed" in d.name and d.stat().st_mtime >= started - 1]
    except (OSError, AttributeError):
        return None
    return max(failed, key=lambda d: d.stat().st_mtime) if failed else None


def cmd_validate(args: argparse.Namespace) -> int:
    """Check the config and that its inputs exist and load."""
    from ..experiment import validate_inputs

    cfg = _load(args)
    for line in validate_inputs(cfg):
        print(line)
    print(f"{args.config}: OK")
    return OK


def cmd_info(args: argparse.Namespace) -> int:
    """Versions of Python, this package and the libraries that shape the results."""
    from ..experiment.run import versions

    for name, version in versions().items():
        print(f"{name:>18}  {version}")
    return OK
