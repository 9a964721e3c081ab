"""Agreement of the two independent codings of the double-coded real sentences (no text needed).

    python corpora/real/agreement.py          # prints the tables and rewrites them in README.md

Compares annotations/first.jsonl (first coding, restricted to the double-coded sentences) with
annotations/second.jsonl, keyed by document and sentence sha256, using
discourse.framing.frame_agreement and set_agreement.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from discourse.framing import agreement_tables, load_codebook
from discourse.report.html import markdown_table, replace_between_markers

HERE = Path(__file__).resolve().parent


def _codings(name: str) -> dict[tuple[str, str], list[str]]:
    rows = [json.loads(line) for line in (HERE / "annotations" / name).read_text(encoding="utf-8").splitlines() if line]
    return {(r["doc_id"], r["sha256"]): r["frames"] for r in rows}


def codings() -> tuple[pd.DataFrame, pd.DataFrame, tuple[str, ...]]:
    frames = load_codebook().ids
    first, second = _codings("first.jsonl"), _codings("second.jsonl")
    keys = sorted(second)
    table = lambda coding: pd.DataFrame([{f: int(f in coding[k]) for f in frames} for k in keys])  # noqa: E731
    return table(first), table(second), frames


def agreement_table() -> pd.DataFrame:
    return agreement_tables(*codings())[0]


def set_table() -> pd.DataFrame:
    return agreement_tables(*codings())[1]


def adjudication_counts() -> pd.DataFrame:
    rows = [json.loads(line) for line in (HERE / "annotations" / "adjudication.jsonl").read_text(encoding="utf-8").splitlines() if line]
    kinds = ["first" if r["final"] == r["first"] else "second" if r["final"] == r["second"] else "neither" for r in rows]
    return pd.Series(kinds).value_counts().rename_axis("final equals").reset_index(name="n")


def main() -> None:
    per_frame, sets = agreement_tables(*codings())
    text = (markdown_table(per_frame) + "\n\nSet level (each sentence's whole set of frames):\n\n"
            + markdown_table(sets) + "\n\nAdjudicated disagreements:\n\n" + markdown_table(adjudication_counts()))
    print(text)
    replace_between_markers(HERE / "README.md", "agreement", text)


if __name__ == "__main__":
    main()
