"""Streaming: read a large JSON Lines corpus in batches and tokenize batch by batch, so memory
stays bounded by one batch (DESIGN.md, "Scale").

``DocTermMatrix.from_tokens`` accepts the resulting iterator of ``Tokens`` shards and merges
their vocabularies, so a document-term matrix of a corpus that does not fit in memory as tokens
is built shard by shard:

>>> from discourse.dtm import DocTermMatrix
>>> dtm = DocTermMatrix.from_tokens(iter_tokens("corpora/demo/corpus.jsonl", batch_size=100))  # doctest: +SKIP
"""
from __future__ import annotations

from itertools import islice
from pathlib import Path
from typing import Any, Iterator

from .corpus import Corpus
from .errors import ConfigError, CorpusError
from .load import _build, _jsonl_records


def iter_corpus(path: str | Path, *, batch_size: int = 5000, strict: bool = False) -> Iterator[Corpus]:
    """Consecutive corpora of at most ``batch_size`` documents from a ``.jsonl`` file, read lazily.

    Each batch is validated as :func:`~discourse.read_corpus` validates a file (problems are in
    each batch's ``problems``); a doc_id already used in an earlier batch is a problem too
    (fatal with ``strict``). Duplicate *texts* are detected within a batch only.
    """
    if batch_size < 1:
        raise ConfigError(f"batch_size={batch_size}: give 1 or more documents per batch")
    records = _jsonl_records(Path(path))
    seen: set[str] = set()
    while True:
        batch = list(islice(records, batch_size))
        if not batch:
            return
        corpus = _build(iter([_earlier_id(r, seen) for r in batch]), strict)
        seen.update(corpus.doc_ids)
        yield corpus


def _earlier_id(item: tuple, seen: set[str]) -> tuple:
    """A record whose doc_id an earlier batch used becomes a problem with its file and line."""
    path, line, record = item
    if isinstance(record, dict) and str(record.get("doc_id")) in seen:
        return path, line, CorpusError(f"{path} line {line}: field 'doc_id': {record['doc_id']!r} is used twice "
                                       "(in an earlier batch): give each document its own id")
    return item


def iter_tokens(path: str | Path, *, batch_size: int = 5000, strict: bool = False, **settings: Any):
    """``Tokens`` of each batch of :func:`iter_corpus` (``settings`` as for
    :func:`discourse.tokenize.tokenize`; the on-disk cache still applies per document)."""
    from .tokenize import tokenize

    for corpus in iter_corpus(path, batch_size=batch_size, strict=strict):
        if len(corpus):
            yield tokenize(corpus, **settings)
