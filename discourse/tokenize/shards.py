"""Shards: groups of consecutive documents tokenized, cached and sent between processes together.

A shard's result is compact (NumPy arrays plus its own small vocabulary, in first-occurrence
order), so worker processes return it cheaply and the cache stores it as one checked array file
(:func:`discourse.cache.write_arrays`). Shard boundaries depend only on the documents' contents,
so inserting one document changes one or two shards, not all the ones after it.

Example
-------
>>> plan_shards(["ja:" + "0" * 40, "ja:" + "1" * 40, "ja:" + "4" * 40], [10, 10, 10], target=5)
[(0, 1), (1, 3)]
"""
from __future__ import annotations

import hashlib
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ..cache import CorruptCacheEntry, pack_strings, read_arrays, unpack_strings, write_arrays
from .english import EnglishTokenizer
from .japanese import JapaneseTokenizer
from .token import RULES, Batch, Interner, TokenArrays

SHARD_FORMAT = 1
#: A shard closes once it holds this many characters and a content-chosen document ends it.
TARGET_CHARS = 50_000
_STRINGS = ("vocab", "pos", "cmp_term", "cmp_parts", "cmp_rule")


@dataclass(frozen=True)
class TokenizerConfig:
    """The settings that decide a shard's tokens (picklable; workers rebuild tokenizers from it)."""

    compound: str = "affix"
    user_terms: tuple[str, ...] = ()
    domain_terms: bool | tuple[str, ...] = True

    def build(self) -> dict[str, Any]:
        """A Japanese and an English tokenizer sharing one term and one POS vocabulary."""
        terms, pos = Interner(), Interner()
        common = {"user_terms": self.user_terms, "domain_terms": self.domain_terms, "terms": terms, "pos_tags": pos}
        return {"ja": JapaneseTokenizer(compound=self.compound, **common), "en": EnglishTokenizer(**common),
                "terms": terms, "pos": pos}


def doc_key(text: str, language: str) -> str:
    """Content key of one document: its language and the sha256 of its text."""
    return f"{language}:{hashlib.sha256(text.encode('utf-8', 'surrogatepass')).hexdigest()[:40]}"


def plan_shards(keys: list[str], lengths: list[int], *, target: int | None = None) -> list[tuple[int, int]]:
    """Document ranges ``(start, stop)``: a shard ends after a document once it holds ``target``
    characters and the document's key is one of the 1 in 4 that may end a shard (by its last hex
    digit), or once it holds ``4 * target`` characters."""
    target = target or TARGET_CHARS
    out, start, size = [], 0, 0
    for i, (key, length) in enumerate(zip(keys, lengths)):
        size += length
        chosen = int(key[-1], 16) % 4 == 0
        if (size >= target and chosen) or size >= 4 * target:
            out.append((start, i + 1))
            start, size = i + 1, 0
    if start < len(keys):
        out.append((start, len(keys)))
    return out


@dataclass(frozen=True)
class ShardJob:
    """One shard to tokenize: its texts and languages, their keys, and where to cache it."""

    index: int
    texts: tuple[str, ...]
    languages: tuple[str, ...]
    keys: tuple[str, ...]
    path: str | None


def sentence_index(batch: Batch, texts: Sequence[str], language: str) -> np.ndarray:
    """Sentence number (within its text) of each token, from :func:`discourse.text.sentence_spans`."""
    from ..text import sentence_spans

    firsts: list[int] = []
    counts = np.zeros(len(texts), np.int64)
    for d, (text, base) in enumerate(zip(texts, batch.bases.tolist())):
        spans = sentence_spans(text, language)
        firsts.extend(base + s for s, _ in spans)
        counts[d] = len(spans)
    starts = batch.arrays.starts
    if not firsts or not len(starts):
        return np.zeros(len(starts), np.int32)
    index = np.searchsorted(np.array(firsts, np.int64), starts, side="right") - 1
    before = np.concatenate([[0], np.cumsum(counts)[:-1]])
    return np.maximum(index - before[batch.doc_index()], 0).astype(np.int32)


def compute_shard(job: ShardJob, tools: dict[str, Any]) -> dict[str, np.ndarray]:
    """Tokenize a shard's documents into compact arrays (the cache/transfer format)."""
    by_language: dict[str, list[int]] = {}
    for i, lang in enumerate(job.languages):
        by_language.setdefault("en" if lang == "en" else "ja", []).append(i)
    columns: list[list[np.ndarray]] = [[] for _ in range(6)]
    compounds: Counter = Counter()
    for lang, docs in sorted(by_language.items()):
        texts = [job.texts[i] for i in docs]
        batch = tools[lang].tokenize_batch(texts)
        arr = batch.arrays
        starts, ends = batch.local_starts()
        values = (np.asarray(docs, np.int64)[batch.doc_index()], arr.term_ids, arr.pos_ids, starts, ends,
                  sentence_index(batch, texts, lang))
        for column, value in zip(columns, values):
            column.append(value)
        count_compounds(arr, batch.text, tools["terms"].items, compounds)
    doc, tid, pid, start, end, sent = (np.concatenate(c) if c else np.zeros(0, np.int64) for c in columns)
    if len(by_language) > 1:  # documents of both languages: back to corpus order
        order = np.argsort(doc, kind="stable")
        doc, tid, pid, start, end, sent = doc[order], tid[order], pid[order], start[order], end[order], sent[order]
    return _pack(doc, tid, pid, start, end, sent, len(job.texts), tools, compounds)


def _pack(doc: np.ndarray, tid: np.ndarray, pid: np.ndarray, start: np.ndarray, end: np.ndarray, sent: np.ndarray,
          n_docs: int, tools: dict[str, Any], compounds: Counter) -> dict[str, np.ndarray]:
    tid, vocab = _local_vocab(tid, tools["terms"].items)
    pid, pos = _local_vocab(pid, tools["pos"].items)
    out = {"tid": tid.astype(np.int32), "pid": pid.astype(np.int16), "start": start.astype(np.int32),
           "end": end.astype(np.int32), "sent": sent.astype(np.int32),
           "doc_len": np.bincount(doc, minlength=n_docs).astype(np.int64)}
    rows = sorted(compounds.items())
    strings = {"vocab": vocab, "pos": pos, "cmp_term": [r[0][0] for r in rows], "cmp_parts": [r[0][1] for r in rows],
               "cmp_rule": [r[0][2] for r in rows]}
    for name, items in strings.items():
        packed = pack_strings(items)
        out[f"{name}_blob"], out[f"{name}_len"] = packed["blob"], packed["lengths"]
    out["cmp_count"] = np.array([r[1] for r in rows], np.int64)
    return out


def count_compounds(arr: TokenArrays, text: str, terms: list[str], counts: Counter) -> None:
    """Add ``(term, "外国+人", rule) → count`` for the compounds of ``arr`` (vectorised: the
    parts are told apart by a bitmask of their start positions within the compound)."""
    k = np.flatnonzero(arr.rules)
    if not len(k):
        return
    lo, sizes = arr.first[k], arr.first[k + 1] - arr.first[k]
    group_start = np.cumsum(sizes) - sizes
    raw = np.repeat(lo, sizes) + np.arange(int(sizes.sum())) - np.repeat(group_start, sizes)
    rel = arr.raw_starts[raw] - np.repeat(arr.starts[k], sizes)
    wide = np.maximum.reduceat(rel, group_start) > 62
    mask = np.bitwise_or.reduceat(np.left_shift(np.int64(1), np.minimum(rel, 62)), group_start)
    mask[wide] = -np.arange(1, int(wide.sum()) + 1)  # long compounds: one row each
    keys = np.stack([arr.term_ids[k].astype(np.int64), arr.rules[k].astype(np.int64), mask], axis=1)
    uniq, first, n = np.unique(keys, axis=0, return_index=True, return_counts=True)
    lengths = (arr.ends[k] - arr.starts[k])[first].tolist()
    for (t, r, mask), i, c, length in zip(uniq.tolist(), first.tolist(), n.tolist(), lengths):
        term = terms[t]
        if mask >= 0 and len(term) == length:  # the parts follow from the term and the cut positions alone
            parts = _PARTS.get((term, mask))
            if parts is None:
                parts = _PARTS[(term, mask)] = _parts(arr, text, int(k[i]), term)
        else:
            parts = _parts(arr, text, int(k[i]), term)
        counts[(term, parts, RULES[r])] += c
    if len(_PARTS) > 50_000:
        _PARTS.clear()


#: ``(term, cut mask)`` → ``"外国+人"``, for compounds spelled as their term (shared by all shards).
_PARTS: dict[tuple[str, int], str] = {}


def _parts(arr: TokenArrays, text: str, i: int, term: str) -> str:
    a, b = int(arr.first[i]), int(arr.first[i + 1])
    s0, e0 = int(arr.starts[i]), int(arr.ends[i])
    source = term if len(term) == e0 - s0 else text[s0:e0]
    cuts = (arr.raw_starts[a:b] - s0).tolist() + [e0 - s0]
    parts = "+".join(source[x:y].strip() for x, y in zip(cuts, cuts[1:]))
    return parts.lower() if term.islower() else parts  # English terms are lower-cased phrases


def _local_vocab(ids: np.ndarray, items: list[str]) -> tuple[np.ndarray, list[str]]:
    """Renumber ids 0.. in first-occurrence order (hash-based, O(n)); the matching strings."""
    if not len(ids):
        return ids, []
    uniq = pd.unique(ids)  # in order of appearance
    lookup = np.empty(int(uniq.max()) + 1, np.int64)
    lookup[uniq] = np.arange(len(uniq))
    return lookup[ids], [items[k] for k in uniq.tolist()]


def strings_of(shard: dict[str, np.ndarray], name: str) -> list[str]:
    """Decode one of the packed string lists of a shard."""
    return unpack_strings(shard[f"{name}_blob"], shard[f"{name}_len"])


def save_shard(path: str, shard: dict[str, np.ndarray], keys: tuple[str, ...]) -> None:
    """Write a shard to the cache (atomic, checksummed)."""
    write_arrays(Path(path), shard, {"format": SHARD_FORMAT, "keys": list(keys)})


def load_shard(path: str, keys: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Read a cached shard; :class:`CorruptCacheEntry` unless it is intact and for these documents."""
    arrays, meta = read_arrays(Path(path))
    if meta.get("format") != SHARD_FORMAT or tuple(meta.get("keys", ())) != tuple(keys):
        raise CorruptCacheEntry("the entry is for other documents or another format")
    n = len(arrays.get("tid", ()))
    if any(len(arrays.get(k, ())) != n for k in ("pid", "start", "end", "sent")) or \
            int(np.sum(arrays.get("doc_len", np.zeros(0)))) != n or len(arrays["doc_len"]) != len(keys):
        raise CorruptCacheEntry("array lengths disagree")
    return arrays


# --- worker processes ----------------------------------------------------------------------------
_WORKER: dict[str, Any] = {}


def init_worker(config: TokenizerConfig) -> None:
    """Process-pool initializer: build the tokenizers once per worker (a forked worker keeps the
    parent's, whose word-type tables are already filled)."""
    if _WORKER.get("config") != config:
        _WORKER.update(config=config, tools=config.build())


def shared_tools(config: TokenizerConfig) -> dict[str, Any]:
    """This process's tokenizers for ``config``, reused across calls (one set per thread)."""
    key = (config, threading.get_ident())
    if key not in _TOOLS:
        if len(_TOOLS) >= 8:
            _TOOLS.pop(next(iter(_TOOLS)))
        _TOOLS[key] = config.build()
    return _TOOLS[key]


_TOOLS: dict[tuple[TokenizerConfig, int], dict[str, Any]] = {}


def run_shard(job: ShardJob, tools: dict[str, Any] | None = None) -> tuple[dict[str, np.ndarray], str | None]:
    """Tokenize one shard and write its cache entry; returns the arrays and any write error."""
    shard = compute_shard(job, tools if tools is not None else _WORKER["tools"])
    error = None
    if job.path:
        try:
            save_shard(job.path, shard, job.keys)
        except OSError as exc:
            error = f"{job.path}: {exc}"
    return shard, error
