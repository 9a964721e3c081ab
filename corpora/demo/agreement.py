"""Agreement of the two independent annotations of the double-coded sentences.

    python corpora/demo/agreement.py          # prints the table and rewrites it in README.md

Compares annotations/first.jsonl (first annotator, frozen before adjudication) with
annotations/second.jsonl using discourse.framing.frame_agreement.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from discourse.framing import agreement_tables, load_codebook
from discourse.report.html import markdown_table, replace_between_markers

HERE = Path(__file__).resolve().parent


def indicator(path: Path, frames: tuple[str, ...]) -> pd.DataFrame:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return pd.DataFrame([{f: int(f in r["frames"]) for f in frames} for r in rows],
                        index=pd.Index([r["sent_id"] for r in rows], name="sent_id"))


def codings() -> tuple[pd.DataFrame, pd.DataFrame, tuple[str, ...]]:
    frames = load_codebook().ids
    first = indicator(HERE / "annotations" / "first.jsonl", frames)
    second = indicator(HERE / "annotations" / "second.jsonl", frames).reindex(first.index)
    return first, second, frames


def agreement_table() -> pd.DataFrame:
    """Per frame, and every (sentence, frame) decision pooled."""
    return agreement_tables(*codings())[0]


def set_table() -> pd.DataFrame:
    """Agreement on each sentence's whole set of frames (exact match, Jaccard, MASI alpha)."""
    return agreement_tables(*codings())[1]


def main() -> None:
    per_frame, sets = agreement_tables(*codings())
    text = markdown_table(per_frame) + "\n\nSet level (each sentence's whole set of frames):\n\n" + markdown_table(sets)
    print(text)
    replace_between_markers(HERE / "README.md", "agreement", text)


if __name__ == "__main__":
    main()
