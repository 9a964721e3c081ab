"""Agreement of the two independent codings of the double-coded real sentences (no text needed).

    python corpora/real/agreement.py          # prints the tables and rewrites them in README.md

Compares annotations/first.jsonl (first coding, restricted to the double-coded sentences) with
annotations/second.jsonl, keyed by document and sentence sha256, using
discourse.framing.frame_agreement and set_agreement.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from discourse.framing import frame_agreement, load_codebook, set_agreement
from discourse.report.html import markdown_table

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
    return frame_agreement(*codings()).round({"pct_agree": 3, "kappa": 3, "alpha": 3})


def set_table() -> pd.DataFrame:
    return set_agreement(*codings()).round({"exact_set": 3, "alpha_exact_set": 3, "mean_jaccard": 3, "alpha_masi": 3})


def adjudication_counts() -> pd.DataFrame:
    rows = [json.loads(line) for line in (HERE / "annotations" / "adjudication.jsonl").read_text(encoding="utf-8").splitlines() if line]
    kinds = ["first" if r["final"] == r["first"] else "second" if r["final"] == r["second"] else "neither" for r in rows]
    return pd.Series(kinds).value_counts().rename_axis("final equals").reset_index(name="n")


def main() -> None:
    text = (markdown_table(agreement_table()) + "\n\nSet level (each sentence's whole set of frames):\n\n"
            + markdown_table(set_table()) + "\n\nAdjudicated disagreements:\n\n" + markdown_table(adjudication_counts()))
    print(text)
    readme = HERE / "README.md"
    body = readme.read_text(encoding="utf-8")
    body = re.sub(r"(<!-- agreement:start -->\n).*?(\n<!-- agreement:end -->)", lambda m: m.group(1) + text + m.group(2),
                  body, flags=re.S)
    readme.write_text(body, encoding="utf-8")


if __name__ == "__main__":
    main()
