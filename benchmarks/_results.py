"""Machine-readable benchmark results: each ``benchmarks/<name>.py`` ends with one call,

    write_results("dictionary", [Result("speed-up vectorised vs sentence by sentence", 19.9, "x",
                                        target=">= 10", detail="77.6 s vs 3.9 s")], args=args, parser=ap)

which writes ``benchmarks/results/<name>.json`` (or ``$DISCOURSE_BENCH_RESULTS/<name>.json``):
the measured values with their units, targets and whether each target was met, the settings of the
run (and which differ from the script's defaults), the time, CPUs and load average.
``benchmarks/table.py`` turns these files into the README's performance table.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Sequence

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from discourse.cache import atomic_write_text  # noqa: E402

RESULTS_ENV = "DISCOURSE_BENCH_RESULTS"
_TARGET = re.compile(r"^\s*(<=|>=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class Result:
    """One measured number.

    Parameters
    ----------
    measure : what was measured and against which baseline, in words (one table cell).
    value : the number (a ratio, seconds, a share ...).
    unit : ``"x"`` (a ratio written 19.9x), ``"s"``, ``"GB"``, ``""`` (a plain number) ...
    target : ``">= 10"``, ``"<= 1.2"``, ``"< 2"`` ... or ``""`` (no target).
    detail : the numbers behind a ratio, e.g. ``"77.6 s vs 3.9 s, same codes"``.
    """

    measure: str
    value: float
    unit: str = ""
    target: str = ""
    detail: str = ""

    def __post_init__(self) -> None:
        if self.target and not _TARGET.match(self.target):
            raise ValueError(f"target={self.target!r}: write an operator and a number, e.g. '>= 10' or '<= 1.2'")
        object.__setattr__(self, "value", float(self.value))

    @property
    def met(self) -> bool | None:
        """Whether ``value`` meets ``target`` (None without a target)."""
        m = _TARGET.match(self.target)
        if not m:
            return None
        op, bound = m.group(1), float(m.group(2))
        return {"<=": self.value <= bound, ">=": self.value >= bound, "<": self.value < bound,
                ">": self.value > bound}[op]


def results_dir() -> Path:
    """``$DISCOURSE_BENCH_RESULTS`` or ``benchmarks/results``."""
    return Path(os.environ.get(RESULTS_ENV) or ROOT / "benchmarks" / "results")


def write_results(name: str, results: Sequence[Result], *, args: argparse.Namespace | None = None,
                  parser: argparse.ArgumentParser | None = None, note: str = "") -> Path:
    """Write ``<results_dir>/<name>.json`` (replacing the previous run's) and return its path.

    ``args`` are the parsed options (recorded as ``settings``; with ``parser`` the ones that differ
    from its defaults are listed under ``changed_settings``, so the table can flag a run that was
    not the standard one). ``note`` is one sentence about the data or the machine.
    """
    settings = {k: _plain(v) for k, v in sorted(vars(args or argparse.Namespace()).items())}
    changed = {k: v for k, v in settings.items() if parser is not None and _plain(parser.get_default(k)) != v}
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    record = {"benchmark": name, "script": f"benchmarks/{name}.py",
              "finished_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
              "machine": {"cpus": os.cpu_count(), "load_average": [round(x, 2) for x in load],
                          "platform": platform.platform(), "python": platform.python_version()},
              "settings": settings, "changed_settings": changed, "note": note,
              "results": [{**asdict(r), "met": r.met} for r in results]}
    path = results_dir() / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, json.dumps(record, ensure_ascii=False, indent=1) + "\n")
    print(f"results written to {path}")
    return path


def _plain(value: Any) -> Any:
    """A JSON-friendly settings value (paths and other objects as strings)."""
    return value if value is None or isinstance(value, (bool, int, float, str)) else str(value)
