"""Regenerate the README's performance table from the benchmarks' result files.

    python benchmarks/table.py [--results DIR] [--readme README.md] [--print]

Reads ``benchmarks/results/<name>.json`` (written by each benchmark through
``benchmarks/_results.py``; ``$DISCOURSE_BENCH_RESULTS`` or ``--results`` for another folder) and
rewrites the lines between ``<!-- perf:start -->`` and ``<!-- perf:end -->`` of the README: one
row per measured number (script, what was measured, the result with the numbers behind it, the
target and whether it was met), then one line saying when and on how many CPUs the numbers were
measured. A benchmark script without a result file gets a "not run yet" row; a run with options
other than the script's defaults is flagged in its rows. ``make bench`` runs this last.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Sequence

from _results import ROOT, results_dir

from discourse.report.html import replace_between_markers

MARKER = "perf"
ORDER = ("tokenizer", "experiment", "memory", "scale", "dictionary", "framing", "metrics", "topics", "topics_backend")
NOT_BENCHMARKS = ("table",)


def benchmark_names(folder: Path = ROOT / "benchmarks") -> list[str]:
    """The benchmark scripts (``benchmarks/*.py`` but helpers ``_*.py`` and this script), in table order."""
    names = [p.stem for p in folder.glob("*.py") if not p.stem.startswith("_") and p.stem not in NOT_BENCHMARKS]
    return _ordered(names)


def _ordered(names: Sequence[str]) -> list[str]:
    rank = {name: i for i, name in enumerate(ORDER)}
    return sorted(names, key=lambda n: (rank.get(n, len(ORDER)), n))


def load_results(folder: Path) -> dict[str, dict[str, Any]]:
    """Every ``<name>.json`` in ``folder`` by benchmark name; a damaged file is an error naming it."""
    out = {}
    for path in sorted(folder.glob("*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise SystemExit(f"{path}: not valid JSON ({exc}): run benchmarks/{path.stem}.py again") from None
        if not isinstance(record, dict) or not isinstance(record.get("results"), list):
            raise SystemExit(f"{path}: not a benchmark result file (no 'results' list): run benchmarks/{path.stem}.py again")
        out[path.stem] = record
    return out


def number(value: float) -> str:
    """3 significant digits, thousands separated: 19.94 → '19.9', 0.004 → '0.004', 12345 → '12,345'."""
    if value != value:   # NaN
        return "n/a"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def rows(name: str, record: dict[str, Any] | None) -> list[str]:
    """The table rows of one benchmark."""
    script = f"`{name}.py`"
    if record is None:
        return [f"| {script} | not run yet: `make bench` writes `benchmarks/results/{name}.json` | | | |"]
    changed = record.get("changed_settings") or {}
    flag = (" (run with " + ", ".join(f"--{k.replace('_', '-')} {v}" for k, v in changed.items()) + ")") if changed else ""
    out = []
    for r in record["results"]:
        unit = r.get("unit", "")
        value = number(float(r["value"])) + (unit if unit in ("x", "%") or not unit else f" {unit}")
        result = value + (f" ({r['detail']})" if r.get("detail") else "")
        met = {True: "yes", False: "**no**", None: ""}[r.get("met")]
        out.append(f"| {script} | {_cell(r['measure'] + flag)} | {_cell(result)} | {_cell(r.get('target', ''))} | {met} |")
    return out


def footer(records: dict[str, dict[str, Any]]) -> str:
    """When, on how many CPUs and at what load the numbers were measured."""
    if not records:
        return "No results yet: run `make bench`."
    times = sorted(r["finished_at"] for r in records.values())
    cpus = sorted({r["machine"]["cpus"] for r in records.values()})
    loads = [r["machine"]["load_average"][0] for r in records.values()]
    first, last = times[0][:16].replace("T", " "), times[-1][:16].replace("T", " ")
    span = first if first == last else f"{first} to {last[11:] if last[:10] == first[:10] else last}"
    return (f"Measured by `make bench` on {' or '.join(map(str, cpus))} CPUs, {span} UTC (load average "
            f"{min(loads):.1f}-{max(loads):.1f} as each script finished). Each row comes from "
            "`benchmarks/results/<script>.json`; `benchmarks/table.py` rewrites this table.")


def render(records: dict[str, dict[str, Any]], names: Sequence[str]) -> str:
    """The Markdown table (and its footer line) for ``names`` (plus any other result file)."""
    lines = ["| script | measure | result | target | met |", "|---|---|---|---|---|"]
    for name in _ordered(list(dict.fromkeys([*names, *records]))):
        lines += rows(name, records.get(name))
    return "\n".join(lines) + "\n\n" + footer(records)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--results", type=Path, default=None, help="result folder (default benchmarks/results)")
    ap.add_argument("--readme", type=Path, default=ROOT / "README.md")
    ap.add_argument("--print", dest="print_only", action="store_true", help="print the table, do not write")
    args = ap.parse_args(argv)
    table = render(load_results(args.results or results_dir()), benchmark_names())
    print(table)
    if not args.print_only:
        replace_between_markers(args.readme, MARKER, table)
        print(f"\nrewrote the {MARKER} table of {args.readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
