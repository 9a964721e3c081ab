"""Streaming: read a large JSON Lines corpus in batches and tokenize batch by batch, so memory
stays bounded by one batch (``docs/scale.md``).

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

from .corpus import Corpus, Problem
from .errors import ConfigError
from .load import _build, _schema, _Seen, _warn, corpus_files, files_records
from .schema import SchemaLike


def iter_corpus(path: str | Path, *, batch_size: int = 5000, strict: bool = False,
                schema: SchemaLike | None | bool = None) -> Iterator[Corpus]:
    """Consecutive corpora of at most ``batch_size`` documents from a ``.jsonl`` file, a folder
    holding ``corpus.jsonl``, or a shard folder (``part-*.jsonl`` + ``manifest.json``, read in name
    order after the checksums are verified: :func:`discourse.load.corpus_files`), read lazily.

    Each record is validated exactly as :func:`~discourse.read_corpus` validates it (same code,
    same ``schema`` default: the ``schema.toml`` next to the file); each batch's ``problems`` are
    those of its own lines, and one warning after the last batch counts them all. A doc_id
    already used in an earlier batch is a problem too (fatal with ``strict``); duplicate *texts*
    are detected within a batch only, so memory stays bounded.
    """
    if batch_size < 1:
        raise ConfigError(f"batch_size={batch_size}: give 1 or more documents per batch")
    files = corpus_files(path)
    rules = _schema(schema, Path(path))
    records = files_records(files)
    seen = _Seen()
    problems: list[Problem] = []
    while True:
        batch = list(islice(records, batch_size))
        if not batch:
            break
        corpus = _build(iter(batch), strict, schema=rules, seen=seen)
        seen.forget_texts()
        problems.extend(corpus.problems)
        yield corpus
    _warn(Corpus([], problems), files[0] if len(files) == 1 else path, stacklevel=3)


def iter_tokens(path: str | Path, *, batch_size: int = 5000, strict: bool = False,
                schema: SchemaLike | None | bool = None, **settings: Any):
    """``Tokens`` of each batch of :func:`iter_corpus` (``settings`` as for
    :func:`discourse.tokenize.tokenize`; the on-disk cache still applies per document)."""
    from .tokenize import tokenize

    for corpus in iter_corpus(path, batch_size=batch_size, strict=strict, schema=schema):
        if len(corpus):
            yield tokenize(corpus, **settings)
