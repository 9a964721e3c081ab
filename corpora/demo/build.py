"""Build the demo corpus files from the hand-written parts (run after editing a part).

    python corpora/demo/build.py

parts/*.jsonl hold each document as paragraphs of sentences, each sentence with its gold frames.
This writes, deterministically:
- corpus.jsonl: one document per line (doc_id, text, side, actor, genre, date, title, source,
  language), sorted by date then doc_id;
- annotations/gold.jsonl: one sentence per line (sent_id, doc_id, start, end, text, frames), with
  character offsets into the document text;
- annotations/split.csv: the fixed train/test split by document, stratified by side and language.
Japanese sentences are concatenated, English ones joined by a space; paragraphs by a newline.
"""
from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
META = ("doc_id", "side", "actor", "genre", "date", "title", "source", "language")
TEST_SHARE = 0.25
SPLIT_SEED = 20070101


def load_parts(folder: Path = HERE / "parts") -> list[dict]:
    docs = []
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                docs.append(json.loads(line))
    return sorted(docs, key=lambda d: (d["date"], d["doc_id"]))


def assemble(doc: dict) -> tuple[str, list[dict]]:
    """The document text and its sentences with offsets."""
    sep = "" if doc["language"] == "ja" else " "
    text, sentences = "", []
    for p, paragraph in enumerate(doc["paragraphs"]):
        if p:
            text += "\n"
        for s, sent in enumerate(paragraph):
            if s:
                text += sep
            start = len(text)
            text += sent["text"]
            sentences.append({"start": start, "end": len(text), "text": sent["text"], "frames": sorted(sent["frames"])})
    return text, sentences


def split(docs: list[dict]) -> dict[str, str]:
    """train/test per document: within each (side, language) stratum, a seeded shuffle puts
    round(25%) of the documents in test."""
    out: dict[str, str] = {}
    strata: dict[tuple[str, str], list[str]] = {}
    for d in docs:
        strata.setdefault((d["side"], d["language"]), []).append(d["doc_id"])
    rng = random.Random(SPLIT_SEED)
    for key in sorted(strata):
        ids = sorted(strata[key])
        rng.shuffle(ids)
        n_test = round(len(ids) * TEST_SHARE)
        out.update({i: ("test" if k < n_test else "train") for k, i in enumerate(ids)})
    return out


def build() -> dict[str, str]:
    """Return {relative path: file content} for every generated file."""
    docs = load_parts()
    corpus, gold = io.StringIO(), io.StringIO()
    for d in docs:
        text, sentences = assemble(d)
        corpus.write(json.dumps({"doc_id": d["doc_id"], "text": text, **{k: d[k] for k in META[1:]}}, ensure_ascii=False) + "\n")
        for n, s in enumerate(sentences):
            gold.write(json.dumps({"sent_id": f"{d['doc_id']}:{n:03d}", "doc_id": d["doc_id"], **s}, ensure_ascii=False) + "\n")
    splits = split(docs)
    table = io.StringIO()
    writer = csv.writer(table, lineterminator="\n")
    writer.writerow(["doc_id", "side", "language", "split"])
    for d in sorted(docs, key=lambda d: d["doc_id"]):
        writer.writerow([d["doc_id"], d["side"], d["language"], splits[d["doc_id"]]])
    return {"corpus.jsonl": corpus.getvalue(), "annotations/gold.jsonl": gold.getvalue(), "annotations/split.csv": table.getvalue()}


def main() -> None:
    for rel, content in build().items():
        path = HERE / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        print(f"wrote {path} ({content.count(chr(10))} lines)")


if __name__ == "__main__":
    main()
