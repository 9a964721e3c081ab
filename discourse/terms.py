"""Term extraction: multiword terms from the noun sequences of a corpus, ranked by C-value.

unidic-lite cuts compounds into short words (外国|人|犯罪, 改正|法|案). Before deciding which
compounds a study should keep whole (``corpora/lexicons/domain_terms.txt``, ``user_terms``), list
the candidates the corpus itself suggests. As KH Coder does with TermExtract, candidates are the
runs of contiguous nominal words (nouns, adjectival nouns, prefixes and nominal suffixes, never
numbers, particles, verbs or punctuation) of the *unjoined* dictionary words, and every
contiguous part of such a run of two or more words (not starting with a suffix, not ending with
a prefix) is a candidate.

C-value (Frantzi, Ananiadou & Mima 2000) scores a candidate ``a`` of ``|a|`` words by its
frequency, discounted when it mostly occurs inside longer candidates::

    C(a) = log2|a| * f(a)                                  if no longer candidate contains a
    C(a) = log2|a| * (f(a) - (1 / P(T_a)) * sum_{b in T_a} f(b))   otherwise

where ``f`` counts every occurrence (nested ones included) and ``T_a`` is the set of candidates
(with ``freq >= min_freq``) that contain ``a``.

References
----------
Frantzi, K., Ananiadou, S. & Mima, H. (2000). Automatic recognition of multi-word terms: the
C-value/NC-value method. International Journal on Digital Libraries 3(2), 115-130.
Nakagawa, H. & Mori, T. (2003). Automatic term recognition based on statistics of compound
nouns and their components. Terminology 9(2), 201-219 (TermExtract, used by KH Coder).

Example
-------
>>> table = extract_terms(["来日外国人犯罪が増えた。", "外国人犯罪の統計。"], min_freq=1)
>>> table.loc[0, "term"], table.loc[0, "parts"], float(table.loc[0, "cvalue"])   # log2(4) * 1
('来日外国人犯罪', '来日+外国+人+犯罪', 2.0)
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Literal, Sequence

import numpy as np
import pandas as pd

from .corpus import Corpus, Document
from .errors import ConfigError, check_choice
from .tokenize.compound import ADJN, NOUN, PREFIX, SUFFIX, number_links, with_base, N_CLASSES, word_class
from .tokenize.token import pos_tuple

Method = Literal["cvalue", "frequency"]
METHODS = ("cvalue", "frequency")
COLUMNS = ["term", "parts", "n_words", "freq", "n_docs", "n_nested", "cvalue"]
_NOMINAL = np.array([c in (with_base({NOUN, ADJN, PREFIX}) | {SUFFIX}) for c in range(N_CLASSES)], dtype=bool)
_PREFIX_LIKE = np.array([c in with_base({PREFIX}) for c in range(N_CLASSES)], dtype=bool)
BATCH = 200


@dataclass(frozen=True)
class Candidate:
    """One candidate: its words, frequency (nested occurrences included) and documents."""

    words: tuple[str, ...]
    freq: int
    n_docs: int


def extract_terms(x: Any, *, method: Method = "cvalue", min_freq: int = 2, max_len: int = 6, min_len: int = 2,
                  n: int | None = None) -> pd.DataFrame:
    """Multiword term candidates of a corpus, best first.

    Parameters
    ----------
    x : a :class:`~discourse.corpus.Corpus`, Documents, plain strings, or
        :class:`~discourse.tokens.Tokens` (its texts are re-read without joining). Only Japanese
        documents are used.
    method : ``"cvalue"`` (default, Frantzi et al. 2000) or ``"frequency"`` (rank by ``freq``).
    min_freq : candidates seen fewer times are dropped (before nesting is computed, as in the paper).
    max_len, min_len : candidate length in dictionary words (``min_len >= 2``).
    n : keep the first ``n`` rows (default all).

    Returns
    -------
    DataFrame with columns ``term`` (the words joined as written), ``parts`` (the words joined by
    ``+``), ``n_words``, ``freq`` (occurrences, nested ones included), ``n_docs``, ``n_nested``
    (``P(T_a)``: longer candidates that contain it) and ``cvalue``; sorted by the method's score,
    then ``freq``, then ``term``.

    Example
    -------
    >>> extract_terms(["改正法案と改正法案"], min_freq=2)[["term", "cvalue"]].round(2).values.tolist()
    [['改正法案', 3.17], ['改正法', 0.0], ['法案', 0.0]]
    """
    check_choice("method", method, METHODS)
    _check_lengths(min_freq, max_len, min_len, n)
    candidates = count_candidates(noun_runs(x), max_len=max_len, min_len=min_len)
    kept = {words: c for words, c in candidates.items() if c.freq >= min_freq}
    frame = _table(kept)
    sort = ["cvalue", "freq", "term"] if method == "cvalue" else ["freq", "cvalue", "term"]
    frame = frame.sort_values(sort, ascending=[False, False, True], kind="mergesort").reset_index(drop=True)
    return frame.head(n) if n is not None else frame


def _check_lengths(min_freq: int, max_len: int, min_len: int, n: int | None) -> None:
    if not isinstance(min_freq, int) or min_freq < 1:
        raise ConfigError(f"min_freq={min_freq!r}: give a whole number of occurrences >= 1")
    if not isinstance(min_len, int) or min_len < 2:
        raise ConfigError(f"min_len={min_len!r}: a multiword term has 2 or more words; give min_len >= 2")
    if not isinstance(max_len, int) or max_len < min_len:
        raise ConfigError(f"max_len={max_len!r}: give a number of words >= min_len ({min_len})")
    if n is not None and (not isinstance(n, int) or n < 1):
        raise ConfigError(f"n={n!r}: give a number of rows >= 1, or None for all")


def cvalue(words: tuple[str, ...], freq: int, nested_in: Sequence[int]) -> float:
    """C-value of one candidate of ``len(words)`` words seen ``freq`` times, given the
    frequencies of the distinct longer candidates that contain it.

    >>> cvalue(("外国", "人"), 5, [3, 1])   # log2(2) * (5 - (3 + 1) / 2)
    3.0
    """
    weight = math.log2(len(words))
    if not nested_in:
        return weight * freq
    return weight * (freq - sum(nested_in) / len(nested_in))


def _table(kept: dict[tuple[str, ...], Candidate]) -> pd.DataFrame:
    containers: dict[tuple[str, ...], set[tuple[str, ...]]] = defaultdict(set)
    for words in kept:
        for sub in _subsequences(words, 2, len(words) - 1):
            if sub in kept:
                containers[sub].add(words)
    rows = []
    for words, c in kept.items():
        longer = [kept[b].freq for b in containers.get(words, ())]
        rows.append(("".join(words), "+".join(words), len(words), c.freq, c.n_docs, len(longer),
                     cvalue(words, c.freq, longer)))
    return pd.DataFrame(rows, columns=COLUMNS).astype({"n_words": "int64", "freq": "int64", "n_docs": "int64",
                                                        "n_nested": "int64", "cvalue": "float64"})


def _subsequences(words: tuple[str, ...], shortest: int, longest: int) -> Iterator[tuple[str, ...]]:
    for length in range(shortest, longest + 1):
        for i in range(len(words) - length + 1):
            yield words[i:i + length]


def count_candidates(runs: Iterable[tuple[int, list[tuple[str, int]]]], *, max_len: int = 6,
                     min_len: int = 2) -> dict[tuple[str, ...], Candidate]:
    """Every contiguous part of every run (``(doc, [(surface, class), ...])``) that may be a term:
    ``min_len`` to ``max_len`` words, not starting with a suffix, not ending with a prefix."""
    freq: Counter = Counter()
    docs: dict[tuple[str, ...], set[int]] = defaultdict(set)
    for doc, run in runs:
        words = tuple(w for w, _ in run)
        classes = [c for _, c in run]
        for length in range(min_len, min(max_len, len(run)) + 1):
            for i in range(len(run) - length + 1):
                if classes[i] == SUFFIX or _PREFIX_LIKE[classes[i + length - 1]]:
                    continue
                key = words[i:i + length]
                freq[key] += 1
                docs[key].add(doc)
    return {k: Candidate(k, f, len(docs[k])) for k, f in freq.items()}


def noun_runs(x: Any) -> Iterator[tuple[int, list[tuple[str, int]]]]:
    """``(document number, [(surface, compound class), ...])`` for every run of two or more
    contiguous nominal words of the unjoined dictionary words (numbers break runs)."""
    from .tokenize import JapaneseTokenizer

    tok = JapaneseTokenizer(compound="none", domain_terms=False)
    classes: dict[tuple[int, int], int] = {}
    texts = list(_japanese_texts(x))
    for a in range(0, len(texts), BATCH):
        chunk = texts[a:a + BATCH]
        batch = tok.tokenize_batch([t for _, t in chunk])
        yield from _runs_of_batch(batch, [d for d, _ in chunk], tok, classes)


def _runs_of_batch(batch: Any, doc_numbers: list[int], tok: Any,
                   classes: dict[tuple[int, int], int]) -> Iterator[tuple[int, list[tuple[str, int]]]]:
    arr = batch.arrays
    if not len(arr):
        return
    terms, tags = tok.terms.items, tok.pos_tags.items
    cls = np.array([classes[k] if k in classes else classes.setdefault(k, word_class(pos_tuple(tags[k[1]]), terms[k[0]]))
                    for k in zip(arr.term_ids.tolist(), arr.pos_ids.tolist())], dtype=np.int64)
    contiguous = arr.ends[:-1] == arr.starts[1:]
    pair = cls[:-1] * N_CLASSES + cls[1:]
    number = number_links(cls, pair, arr.starts, arr.ends, contiguous)
    in_number = np.zeros(len(cls), bool)
    in_number[:-1] |= number
    in_number[1:] |= number
    nominal = _NOMINAL[cls] & ~in_number
    doc = batch.doc_index()
    same_doc = doc[:-1] == doc[1:]
    link = nominal[:-1] & nominal[1:] & contiguous & same_doc
    starts = np.flatnonzero(np.concatenate([[True], ~link]))
    bounds = np.append(starts, len(cls))
    text = batch.text
    for s, e in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
        if e - s >= 2 and nominal[s]:
            run = [(text[arr.starts[i]:arr.ends[i]], int(cls[i])) for i in range(s, e)]
            yield doc_numbers[int(doc[s])], run


def _japanese_texts(x: Any) -> Iterator[tuple[int, str]]:
    """``(document number, text)`` of the Japanese documents of a corpus-like input."""
    from .tokens import Tokens

    if isinstance(x, Tokens):
        languages = x.docvars["language"].tolist() if "language" in x.docvars.columns else ["ja"] * len(x.texts)
        yield from ((d, t) for d, (t, lang) in enumerate(zip(x.texts, languages)) if lang != "en")
        return
    if isinstance(x, str):
        raise ConfigError("x: give a Corpus, Tokens, or a list of texts, not one string (wrap it in a list)")
    items = list(x.documents if isinstance(x, Corpus) else x)
    for d, item in enumerate(items):
        if isinstance(item, Document):
            if item.language != "en":
                yield d, item.text
        elif isinstance(item, str):
            yield d, item
        else:
            raise ConfigError(f"x[{d}] is {type(item).__name__}: give a Corpus, Tokens, Documents or strings")
