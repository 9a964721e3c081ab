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

from discourse.framing import frame_agreement, load_codebook
from discourse.report.html import markdown_table

HERE = Path(__file__).resolve().parent


def indicator(path: Path, frames: tuple[str, ...]) -> pd.DataFrame:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return pd.DataFrame([{f: int(f in r["frames"]) for f in frames} for r in rows],
                        index=pd.Index([r["sent_id"] for r in rows], name="sent_id"))


def agreement_table() -> pd.DataFrame:
    frames = load_codebook().ids
    first = indicator(HERE / "annotations" / "first.jsonl", frames)
    second = indicator(HERE / "annotations" / "second.jsonl", frames).reindex(first.index)
    table = frame_agreement(first, second, frames)
    return table.round({"pct_agree": 3, "kappa": 3, "alpha": 3})


def main() -> None:
    table = agreement_table()
    text = markdown_table(table)
    print(text)
    readme = HERE / "README.md"
    body = readme.read_text(encoding="utf-8")
    body = re.sub(r"(<!-- agreement:start -->\n).*?(\n<!-- agreement:end -->)", lambda m: m.group(1) + text + m.group(2),
                  body, flags=re.S)
    readme.write_text(body, encoding="utf-8")


if __name__ == "__main__":
    main()
