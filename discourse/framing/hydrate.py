"""Annotations shipped without text, attached to the sentences of a fetched corpus.

The repository ships no third-party text, so the real gold annotations (``corpora/real/annotations/``)
hold, per coded sentence, the document's recipe id, the sha256 of the normalised sentence and the
frames. Once a user has fetched the recipe (``discourse fetch urls``), :func:`hydrate` finds each
sentence in the fetched document by its hash and writes gold annotations in the usual format
(``sent_id``, ``doc_id``, ``start``, ``end``, ``text``, ``frames``), ready for
:func:`discourse.framing.load_gold_set`. A page that changed is reported (which sentences were not
found), never silently mis-aligned: a label attaches only to a sentence with the same hash.

Example
-------
>>> result = hydrate("corpora/real/annotations/gold.jsonl", "corpora/real/texts/corpus.jsonl")  # doctest: +SKIP
>>> result.report.query("status != 'ok'")                                                        # doctest: +SKIP
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import CorpusError, where
from .codebook import Codebook, load_codebook
from .data import corpus_sentences, json_record

ANNOTATION_KEYS = ("doc_id", "sha256", "frames")
_SHA = re.compile(r"[0-9a-f]{64}")


def sentence_sha256(sentence: str) -> str:
    """sha256 hex of a sentence's UTF-8 bytes (the key of a shipped annotation)."""
    return hashlib.sha256(sentence.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Hydrated:
    """Result of :func:`hydrate`.

    Attributes
    ----------
    gold : one row per annotation found: ``sent_id``, ``doc_id``, ``start``, ``end``, ``text``,
        ``frames`` (list), ``sha256``.
    report : one row per annotated document: ``doc_id``, ``n_annotated``, ``n_found``,
        ``n_missing``, ``status`` (``ok``; ``changed``: some sentences not found, the page changed;
        ``missing_document``: not in the corpus).
    missing : the annotations not attached (``doc_id``, ``sha256``, ``reason``).
    """

    gold: pd.DataFrame
    report: pd.DataFrame
    missing: pd.DataFrame

    def write_gold(self, path: str | Path) -> Path:
        """Write :attr:`gold` as a JSONL gold file (atomically)."""
        from ..cache import atomic_write_bytes

        cols = ["sent_id", "doc_id", "start", "end", "text", "frames"]
        lines = [json.dumps({c: _plain(r[c]) for c in cols}, ensure_ascii=False) for r in self.gold.to_dict("records")]
        atomic_write_bytes(Path(path), ("\n".join(lines) + ("\n" if lines else "")).encode("utf-8"))
        return Path(path)


def read_annotations(path: str | Path, *, codebook: Codebook | None = None) -> pd.DataFrame:
    """Read shipped annotations (JSONL: ``doc_id``, ``sha256``, ``frames``, optional ``coder``,
    ``note``), checking every line; errors name the file, line and field."""
    path = Path(path)
    frames = set((codebook or load_codebook()).ids)
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if line.strip():
            rows.append(_annotation(line, path, n, frames))
    table = pd.DataFrame(rows, columns=[*ANNOTATION_KEYS, "line"])
    dup = table.duplicated(["doc_id", "sha256"], keep="first")
    if dup.any():
        first = table[dup].iloc[0]
        raise CorpusError(f"{where(path, int(first.line))}: sentence {first.sha256[:12]}... of {first.doc_id!r} is annotated twice")
    return table


def _annotation(line: str, path: Path, n: int, frames: set[str]) -> dict[str, Any]:
    rec = json_record(line, path, n, ANNOTATION_KEYS)
    if not isinstance(rec["sha256"], str) or not _SHA.fullmatch(rec["sha256"]):
        raise CorpusError(f"{where(path, n)}: field 'sha256' = {rec['sha256']!r}: give the 64 lower-case hex digits")
    unknown = [f for f in rec["frames"] if f not in frames]
    if unknown or not isinstance(rec["frames"], list):
        raise CorpusError(f"{where(path, n)}: field 'frames': unknown frames {unknown}: the codebook has {sorted(frames)}")
    return {"doc_id": str(rec["doc_id"]), "sha256": rec["sha256"], "frames": sorted(rec["frames"]), "line": n}


def hydrate(annotations: str | Path | pd.DataFrame, corpus: Any, *, codebook: Codebook | None = None) -> Hydrated:
    """Attach shipped annotations to the sentences of a fetched corpus by sentence hash.

    Parameters
    ----------
    annotations : the annotations file (or a table from :func:`read_annotations`).
    corpus : a :class:`~discourse.corpus.Corpus` or the path of a corpus (JSONL or folder).
    codebook : frames to accept (default: the bundled codebook).
    """
    from ..load import read_corpus

    table = annotations if isinstance(annotations, pd.DataFrame) else read_annotations(annotations, codebook=codebook)
    corpus = read_corpus(corpus) if isinstance(corpus, (str, Path)) else corpus
    wanted = set(table["doc_id"])
    present = {d.doc_id for d in corpus}
    from ..corpus import Corpus

    docs = [d for d in corpus if d.doc_id in wanted]
    sentences = corpus_sentences(Corpus(docs)) if docs else \
        pd.DataFrame(columns=["doc_id", "sent_id", "start", "end", "text", "language"])
    sentences = sentences.assign(sha256=[sentence_sha256(t) for t in sentences["text"]])
    first = sentences.drop_duplicates(["doc_id", "sha256"], keep="first")
    merged = table.merge(first, on=["doc_id", "sha256"], how="left", indicator=True)
    found = merged[merged["_merge"] == "both"]
    gold = found[["sent_id", "doc_id", "start", "end", "text", "frames", "sha256"]].copy()
    gold[["start", "end"]] = gold[["start", "end"]].astype(int)
    gold = gold.sort_values(["doc_id", "start"], kind="stable").reset_index(drop=True)
    lost = merged[merged["_merge"] != "both"]
    missing = pd.DataFrame({"doc_id": lost["doc_id"], "sha256": lost["sha256"],
                            "reason": ["document not in the corpus" if d not in present else "sentence not found (the page changed)"
                                       for d in lost["doc_id"]]}).reset_index(drop=True)
    return Hydrated(gold, _report(table, gold, present), missing)


def _report(table: pd.DataFrame, gold: pd.DataFrame, present: set[str]) -> pd.DataFrame:
    annotated = table.groupby("doc_id").size().rename("n_annotated")
    found = gold.groupby("doc_id").size().rename("n_found")
    report = pd.concat([annotated, found], axis=1).fillna(0).astype(int).reset_index().rename(columns={"index": "doc_id"})
    report["n_missing"] = report["n_annotated"] - report["n_found"]
    report["status"] = ["missing_document" if d not in present else ("ok" if m == 0 else "changed")
                        for d, m in zip(report["doc_id"], report["n_missing"])]
    return report.sort_values("doc_id", kind="stable").reset_index(drop=True)


def _plain(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return list(value)
    return value.item() if hasattr(value, "item") else value
