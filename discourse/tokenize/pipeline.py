"""``tokenize(corpus, **settings) -> Tokens``: the corpus-level entry point.

Documents are grouped into shards (:mod:`discourse.tokenize.shards`); each shard is read from
the on-disk cache when an intact entry exists (key: document texts and languages + tokenizer
settings + dictionary/fugashi versions + this code), otherwise tokenized — in this process or in
``n_jobs`` worker processes — and written to the cache. Shards are merged in corpus order, so
the vocabulary (first-occurrence order) and every array are identical whether the tokens came
from one process, several, or the cache. POS, stopword and form choices are applied after the
cache, so changing them re-uses the cached tokens.

Example
-------
>>> from discourse.corpus import Corpus, Document
>>> toks = tokenize(Corpus([Document("d1", "来日外国人による犯罪が増加した。", side="state")]), cache_dir=False)
>>> toks.doc_terms(0)
['来日外国人', '犯罪', '増加']
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import warnings
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import numpy as np
import pandas as pd

from ..cache import CorruptCacheEntry, code_fingerprint as source_fingerprint, default_cache_dir, stable_hash
from ..corpus import Corpus, Document
from ..errors import ConfigError, check_choice
from ..tokens import Tokens
from .compound import MODES, NUMBERS, apply_numbers, number_class
from .lexicon import TermSource, bundled_info, load_terms
from .lexicon import stopwords as bundled_stopwords
from . import shards as _shards_module
from .shards import (SHARD_FORMAT, ShardJob, TokenizerConfig, doc_key, init_worker, load_shard, plan_shards,
                     run_shard, shared_tools, strings_of)
from .token import Interner

POS_CHOICES = ("content", "all")
FORMS = ("lemma", "surface")
#: POS kept by ``pos="content"``: nouns (not numerals), verbs, adjectives, adjectival nouns,
#: adverbs, and English words.
CONTENT_POS = ("名詞", "動詞", "形容詞", "形状詞", "副詞", "word")
NOT_CONTENT_POS = ("名詞-数詞", "形状詞-助動詞語幹")


def tokenize(corpus: Corpus | Iterable[Document] | Sequence[str], *, compound: str = "affix",
             pos: str | Sequence[str] = "content", stopwords: bool | Iterable[str] = True, form: str = "lemma",
             user_terms: TermSource = None, domain_terms: bool | TermSource = True,
             cache_dir: str | os.PathLike | bool | None = None, n_jobs: int = 1, progress: bool | None = None,
             numbers: str = "drop") -> Tokens:
    """Tokenize a corpus into :class:`~discourse.tokens.Tokens`.

    Parameters
    ----------
    corpus : a :class:`~discourse.corpus.Corpus`, documents, or plain strings (Japanese).
    compound : ``"affix"`` (default), ``"noun_sequence"`` or ``"none"`` (see
        :class:`~discourse.tokenize.JapaneseTokenizer`).
    pos : ``"content"`` (nouns except numerals, verbs, adjectives, adjectival nouns, adverbs;
        English words), ``"all"``, or a list of POS prefixes (``["名詞", "動詞"]``).
    stopwords : True = the bundled Japanese and English lists (``corpora/lexicons``), False =
        none, or your own terms. A token is removed when its lemma (or, with
        ``form="surface"``, its surface) is listed.
    form : ``"lemma"`` (default) or ``"surface"`` (the text as written).
    user_terms : terms kept whole (list or file path), e.g. ``["入管難民法"]``.
    domain_terms : the bundled field terms (True), none (False), or your own list/path.
    cache_dir : folder of the on-disk cache (default :func:`discourse.cache.default_cache_dir`);
        False disables the cache.
    n_jobs : worker processes (``-1`` = all cores); the result is identical to ``n_jobs=1``.
    progress : show a progress bar (default: when stderr is a terminal).
    numbers : numbers with their units (平成16年, 1万4,766人, 32.1%減) are one token each:
        ``"drop"`` (default) removes them, ``"keep"`` keeps them as written, ``"class"`` replaces
        each by the one term ``"<number>"``; whatever ``pos`` says.

    Returns
    -------
    Tokens with ``settings`` recording these choices and the fugashi/dictionary versions, and
    ``compounds()`` listing the compounds applied.
    """
    _check(compound, pos, form, n_jobs)
    check_choice("numbers", numbers, NUMBERS)
    texts, languages, docvars = _documents(corpus)
    config = TokenizerConfig(compound, load_terms(user_terms, name="user_terms"), _domain_arg(domain_terms))
    tools = shared_tools(config)
    merged = _Merged()
    for shard in _shards(texts, languages, config, tools, _cache_root(cache_dir), _workers(n_jobs), progress):
        merged.add(shard)
    stop = _stopword_set(stopwords)
    settings = {**_settings(tools, compound, pos, stopwords, form), "numbers": numbers}
    return merged.tokens(texts, docvars, _pos_filter(pos), stop, form, settings, numbers)


# --- arguments ---------------------------------------------------------------------------------
def _check(compound: str, pos: str | Sequence[str], form: str, n_jobs: int) -> None:
    check_choice("compound", compound, MODES)
    check_choice("form", form, FORMS)
    if isinstance(pos, str):
        check_choice("pos", pos, POS_CHOICES)
    elif not all(isinstance(p, str) and p for p in pos):
        raise ConfigError(f"pos={list(pos)!r}: give 'content', 'all' or a list of POS prefixes such as ['名詞', '動詞']")
    if not isinstance(n_jobs, int) or (n_jobs < 1 and n_jobs != -1):
        raise ConfigError(f"n_jobs={n_jobs!r}: give a number of processes >= 1, or -1 for all cores")


def _workers(n_jobs: int) -> int:
    return (os.cpu_count() or 1) if n_jobs == -1 else n_jobs


def _domain_arg(domain_terms: bool | TermSource) -> bool | tuple[str, ...]:
    if isinstance(domain_terms, bool):
        return domain_terms
    return load_terms(domain_terms, name="domain_terms")


def _documents(corpus: Any) -> tuple[list[str], list[str], pd.DataFrame]:
    if not isinstance(corpus, Corpus):
        items = list(corpus)
        if all(isinstance(x, str) for x in items):
            items = [Document(f"d{i}", text) for i, text in enumerate(items)]
        elif not all(isinstance(x, Document) for x in items):
            raise ConfigError("corpus: give a Corpus, a list of Documents or a list of strings")
        corpus = Corpus(items)
    return corpus.texts, [d.language for d in corpus], corpus.docvars


def _cache_root(cache_dir: str | os.PathLike | bool | None) -> Path | None:
    if cache_dir is False:
        return None
    if cache_dir is True or cache_dir is None:
        return default_cache_dir()
    return Path(cache_dir)


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of the tokenizer's source files and ``discourse/text.py`` (part of the cache key)."""
    return source_fingerprint("tokenize", "text")


# --- shards: cache, serial or parallel ----------------------------------------------------------
def _shards(texts: list[str], languages: list[str], config: TokenizerConfig, tools: dict[str, Any],
            cache: Path | None, n_jobs: int, progress: bool | None) -> Iterator[dict[str, np.ndarray]]:
    """Every shard's arrays, in corpus order: from the cache where possible, else computed."""
    keys = [doc_key(t, lang) for t, lang in zip(texts, languages)]
    base = stable_hash({"format": SHARD_FORMAT, "ja": tools["ja"].settings(), "en": tools["en"].settings(),
                        "code": code_fingerprint()}, 24)
    jobs, cached, plan = [], {}, plan_shards(keys, [len(t) for t in texts])
    sizes = [sum(len(t) for t in texts[a:b]) for a, b in plan]
    for i, (a, b) in enumerate(plan):
        shard_keys = tuple(keys[a:b])
        path = _entry_path(cache, base, shard_keys)
        hit = _cached(path, shard_keys) if path else None
        if hit is not None:
            cached[i] = hit
        else:
            jobs.append(ShardJob(i, tuple(texts[a:b]), tuple(languages[a:b]), shard_keys, str(path) if path else None))
    with _computing(jobs, config, tools, n_jobs) as computed, _bar(progress, sum(sizes)) as bar:
        for i in range(len(plan)):
            shard = cached.pop(i, None)
            if shard is None:
                shard, error = next(computed)
                if error:
                    warnings.warn(f"tokenization cache not written: {error}", RuntimeWarning, stacklevel=4)
            bar.update(sizes[i])
            yield shard


def _entry_path(cache: Path | None, base: str, keys: tuple[str, ...]) -> Path | None:
    if cache is None:
        return None
    key = stable_hash([base, list(keys)], 32)
    return cache / "tokens" / base / key[:2] / f"{key}.arr"


def _cached(path: Path, keys: tuple[str, ...]) -> dict[str, np.ndarray] | None:
    try:
        return load_shard(str(path), keys)
    except FileNotFoundError:
        return None
    except CorruptCacheEntry as exc:
        warnings.warn(f"tokenization cache entry {path} is corrupt ({exc}): rebuilding it", RuntimeWarning, stacklevel=5)
    except OSError as exc:
        warnings.warn(f"tokenization cache entry {path} cannot be read ({exc}): tokenizing again", RuntimeWarning,
                      stacklevel=5)
    return None


@contextmanager
def _computing(jobs: list[ShardJob], config: TokenizerConfig, tools: dict[str, Any],
               n_jobs: int) -> Iterator[Iterator[tuple[dict[str, np.ndarray], str | None]]]:
    """Results of the shard jobs in order; worker processes start here, before any progress bar."""
    if n_jobs <= 1 or len(jobs) <= 1:
        yield (run_shard(job, tools) for job in jobs)
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    _shards_module._WORKER.update(config=config, tools=tools)  # inherited by forked workers
    with ProcessPoolExecutor(max_workers=min(n_jobs, len(jobs)), mp_context=context, initializer=init_worker,
                             initargs=(config,)) as pool:
        gc.freeze()  # forked workers then never copy the parent's pages to collect its objects
        try:
            results = pool.map(run_shard, jobs)  # starts the workers
        finally:
            gc.unfreeze()
        yield results


class _NoBar:
    def __enter__(self) -> "_NoBar":
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    def update(self, n: int) -> None:
        return None


def _bar(progress: bool | None, total: int) -> Any:
    show = progress if progress is not None else sys.stderr.isatty()
    if not show:
        return _NoBar()
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="char", unit_scale=True, desc="tokenize", leave=False)


# --- merging and filtering ---------------------------------------------------------------------
class _Merged:
    """Shards merged into one global vocabulary, in corpus order."""

    def __init__(self) -> None:
        self.vocab, self.pos = Interner(), Interner()
        self.cols: dict[str, list[np.ndarray]] = {k: [] for k in ("ids", "pos_ids", "starts", "ends", "sent", "doc_len")}
        self.compounds: Counter = Counter()

    def add(self, shard: dict[str, np.ndarray]) -> None:
        vocab = self.vocab.ids(strings_of(shard, "vocab"))
        pos = self.pos.ids(strings_of(shard, "pos"))
        self.cols["ids"].append(vocab[shard["tid"]] if len(vocab) else np.zeros(0, np.int32))
        self.cols["pos_ids"].append(pos[shard["pid"]] if len(pos) else np.zeros(0, np.int32))
        for name, key in (("starts", "start"), ("ends", "end"), ("sent", "sent"), ("doc_len", "doc_len")):
            self.cols[name].append(shard[key])
        rows = zip(strings_of(shard, "cmp_term"), strings_of(shard, "cmp_parts"), strings_of(shard, "cmp_rule"),
                   shard["cmp_count"].tolist())
        for term, parts, rule, count in rows:
            self.compounds[(term, parts, rule)] += count

    def column(self, name: str, dtype: type) -> np.ndarray:
        parts = self.cols[name]
        return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype)

    def tokens(self, texts: list[str], docvars: pd.DataFrame, pos_ok: Any, stop: frozenset[str], form: str,
               settings: dict[str, Any], numbers: str = "drop") -> Tokens:
        cols = [self.column("ids", np.int32), self.column("pos_ids", np.int32), self.column("starts", np.int32),
                self.column("ends", np.int32), self.column("sent", np.int32)]
        doc_len = self.column("doc_len", np.int64)
        ptr = np.concatenate([[0], np.cumsum(doc_len)]).astype(np.int64)
        keep = np.fromiter(map(pos_ok, self.pos.items), bool, len(self.pos))[cols[1]]
        if stop:
            keep &= ~np.fromiter((t in stop for t in self.vocab.items), bool, len(self.vocab))[cols[0]]
        keep = apply_numbers(keep, cols[0], cols[1], self.vocab.items, self.pos.items, numbers)
        cols, ptr = _select(keep, cols, ptr)
        vocab: list[str] = self.vocab.items
        if form == "surface":
            vocab, cols[0] = _surfaces(texts, cols[2], cols[3], ptr)
            if stop:
                cols, ptr = _select(~np.fromiter((t in stop for t in vocab), bool, len(vocab))[cols[0]], cols, ptr)
        if numbers == "class":
            vocab, cols[0] = number_class(vocab, cols[0], cols[1], self.pos.items)
        vocab_t, ids = _compact(vocab, cols[0], np.int32)
        pos_t, pos_ids = _compact(self.pos.items, cols[1], np.int16)
        counts = tuple((t, p, r, c) for (t, p, r), c in sorted(self.compounds.items(), key=lambda kv: (-kv[1], kv[0])))
        return Tokens(vocab_t, ids, cols[2], cols[3], cols[4], pos_ids, pos_t, ptr, docvars, tuple(texts), settings,
                      compound_counts=counts)


def _select(mask: np.ndarray, cols: list[np.ndarray], ptr: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Keep the masked tokens of every column; recompute the document pointer."""
    if mask.all():
        return cols, ptr
    index = np.flatnonzero(mask)
    return [c.take(index) for c in cols], np.searchsorted(index, ptr).astype(np.int64)


def _surfaces(texts: list[str], starts: np.ndarray, ends: np.ndarray, ptr: np.ndarray) -> tuple[list[str], np.ndarray]:
    vocab = Interner()
    parts = [np.zeros(0, np.int32)]
    for d, text in enumerate(texts):
        a, b = int(ptr[d]), int(ptr[d + 1])
        parts.append(vocab.ids(text[s:e] for s, e in zip(starts[a:b].tolist(), ends[a:b].tolist())))
    return vocab.items, np.concatenate(parts).astype(np.int32)


def _compact(items: list[str], ids: np.ndarray, dtype: type) -> tuple[tuple[str, ...], np.ndarray]:
    """Drop unused vocabulary entries (order kept) and renumber."""
    used = np.zeros(len(items), bool)
    used[ids] = True
    new_id = (np.cumsum(used) - 1).astype(dtype)
    return tuple(t for t, u in zip(items, used.tolist()) if u), new_id.take(ids) if len(ids) else ids.astype(dtype)


def is_content(tag: str) -> bool:
    """Is a POS tag kept by ``pos="content"``?

    >>> is_content("名詞-普通名詞-一般"), is_content("名詞-数詞"), is_content("助詞-格助詞")
    (True, False, False)
    """
    return tag.startswith(CONTENT_POS) and not tag.startswith(NOT_CONTENT_POS)


def _pos_filter(pos: str | Sequence[str]) -> Any:
    if pos == "content":
        return is_content
    if pos == "all":
        return lambda tag: True
    prefixes = tuple(pos)
    return lambda tag: tag.startswith(prefixes)


def _stopword_set(stopwords: bool | Iterable[str]) -> frozenset[str]:
    if stopwords is True:
        return bundled_stopwords()
    if stopwords is False or stopwords is None:
        return frozenset()
    return frozenset(load_terms(stopwords, name="stopwords"))


def _settings(tools: dict[str, Any], compound: str, pos: Any, stopwords: Any, form: str) -> dict[str, Any]:
    ja = tools["ja"].settings()
    if stopwords is True:
        stop: Any = {"ja": bundled_info("stopwords_ja.txt"), "en": bundled_info("stopwords_en.txt")}
    elif stopwords is False or stopwords is None:
        stop = None
    else:
        terms = sorted(_stopword_set(stopwords))
        stop = {"custom": stable_hash(terms, 12), "n_terms": len(terms)}
    return {"tokenizer": "discourse.tokenize", **ja, "pos": pos if isinstance(pos, str) else list(pos),
            "stopwords": stop, "form": form, "english": tools["en"].settings()["english"]}
