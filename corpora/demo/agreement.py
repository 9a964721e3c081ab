"""Agreement of the two independent annotations of the double-coded sentences.

    python corpora/demo/agreement.py          # prints the table and rewrites it in README.md

Compares annotations/first.jsonl (first annotator, frozen before adjudication) with
annotations/second.jsonl using discourse.framing.frame_agreement.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from discourse.framing import frame_agreement, load_codebook, set_agreement
from discourse.report.html import markdown_table

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
    table = frame_agreement(*codings())
    return table.round({"pct_agree": 3, "kappa": 3, "alpha": 3})


def set_table() -> pd.DataFrame:
    """Agreement on each sentence's whole set of frames (exact match, Jaccard, MASI alpha)."""
    return set_agreement(*codings()).round({"exact_set": 3, "alpha_exact_set": 3, "mean_jaccard": 3, "alpha_masi": 3})


def main() -> None:
    text = markdown_table(agreement_table()) + "\n\nSet level (each sentence's whole set of frames):\n\n" + markdown_table(set_table())
    print(text)
    readme = HERE / "README.md"
    body = readme.read_text(encoding="utf-8")
    body = re.sub(r"(<!-- agreement:start -->\n).*?(\n<!-- agreement:end -->)", lambda m: m.group(1) + text + m.group(2),
                  body, flags=re.S)
    readme.write_text(body, encoding="utf-8")


if __name__ == "__main__":
    main()
