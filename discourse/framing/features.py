"""Sentence features for the frame classifier: lemma n-grams, character n-grams and codebook cues.

Three blocks, each TF-IDF weighted (sublinear tf ``1 + log tf``, smoothed idf
``log((1 + n) / (1 + df)) + 1``, as scikit-learn; :mod:`discourse._internal.tfidf`) and
L2-normalized per sentence, then scaled
by a block weight and stacked:

- ``word``: lemma unigrams and bigrams from the package tokens *with compounds* (来日外国人 is
  one lemma), punctuation dropped, numbers kept as written;
- ``char``: character n-grams (default 2-4) of the case-folded sentence (robust to
  segmentation errors, unknown words and inflection);
- ``cue``: per frame, the number of codebook cues matched in the sentence (``log1p``), the same
  matches as the dictionary coder, in the sentence's language: the codebook's prior knowledge as
  features (weight 0.3 by default; in grouped CV on the demo training documents they added about
  0.01 macro-F1 on Japanese sentences and nothing measurable on the few English ones).

The fitted state is plain data (vocabularies as lists of strings, idf arrays) so models are
saved without pickle.

Example
-------
>>> word_features(["外国人", "の", "犯罪"], ["名詞", "助詞", "名詞"])
['外国人', 'の', '犯罪', '外国人 の', 'の 犯罪']
>>> char_features("治安の", (2, 3))
['治安', '安の', '治安の']
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np
import scipy.sparse as sp

from .._internal.tfidf import smooth_idf, tfidf
from ..errors import ConfigError
from ._tok import SentenceTokens, is_punct


def word_features(lemmas: Sequence[str], pos: Sequence[str], n: int = 2) -> list[str]:
    """Lemma 1..n-grams (joined by a space) over the non-punctuation tokens."""
    kept = [lem for lem, p in zip(lemmas, pos) if not is_punct(p)]
    feats = list(kept)
    for k in range(2, n + 1):
        feats.extend(" ".join(kept[i:i + k]) for i in range(len(kept) - k + 1))
    return feats


def char_features(text: str, ngram_range: tuple[int, int] = (2, 4)) -> list[str]:
    """Character n-grams of the case-folded text (whitespace runs become one space)."""
    text = " ".join(text.casefold().split())
    lo, hi = ngram_range
    return [text[i:i + k] for k in range(lo, hi + 1) for i in range(len(text) - k + 1)]


class _Lookup(dict):
    """Vocabulary lookup that gives -1 for unseen features (``__getitem__`` stays in C)."""

    def __missing__(self, key: str) -> int:
        return -1


class _Growing(dict):
    """Vocabulary that gives an unseen feature the next id."""

    def __missing__(self, key: str) -> int:
        i = self[key] = len(self)
        return i


class TfidfBlock:
    """One TF-IDF feature block over lists of feature strings.

    Attributes (after :meth:`fit_transform`): ``vocabulary`` (list of features, column order) and
    ``idf`` (float array).
    """

    def __init__(self, min_df: int = 1):
        self.min_df = min_df
        self.vocabulary: list[str] = []
        self.idf = np.zeros(0)

    def fit_transform(self, docs: Sequence[Sequence[str]]) -> sp.csr_matrix:
        index = _Growing()
        counts = _counts(docs, index.__getitem__, lambda: len(index))
        return self._fit_counts(counts, np.array(list(index), dtype=object))

    def _fit_counts(self, counts: sp.csr_matrix, names: np.ndarray) -> sp.csr_matrix:
        """Fit on a count matrix whose columns are ``names`` (in order of first occurrence)."""
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        keep = np.flatnonzero(df >= self.min_df)
        names = names[keep]
        order = np.argsort(names.astype(str), kind="stable")
        keep, names = keep[order], names[order]
        self.vocabulary = names.tolist()
        self.idf = smooth_idf(df[keep], counts.shape[0])
        return self._weight(counts[:, keep])

    def set_state(self, vocabulary: list[str], idf: np.ndarray) -> "TfidfBlock":
        """Restore a fitted block (from a saved model)."""
        if len(vocabulary) != len(idf):
            raise ConfigError(f"vocabulary has {len(vocabulary)} entries but idf {len(idf)}: the model files do not match")
        self.vocabulary, self.idf = list(vocabulary), np.asarray(idf, dtype=np.float64)
        return self

    def transform(self, docs: Sequence[Sequence[str]]) -> sp.csr_matrix:
        lookup = _Lookup((f, i) for i, f in enumerate(self.vocabulary))
        counts = _counts(docs, lookup.__getitem__, lambda: len(self.vocabulary))
        return self._weight(counts)

    def _weight(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        return tfidf(counts, self.idf, sublinear=True, norm="l2")


def _counts(docs: Sequence[Sequence[str]], lookup: Callable[[str], int], n_cols: Callable[[], int]) -> sp.csr_matrix:
    """Term counts as CSR (duplicates summed, unknown features (-1) dropped)."""
    indptr = np.zeros(len(docs) + 1, dtype=np.int64)
    chunks = []
    for i, feats in enumerate(docs):
        ids = np.fromiter(map(lookup, feats), dtype=np.int64, count=len(feats))
        chunks.append(ids)
        indptr[i + 1] = indptr[i] + len(ids)
    indices = np.concatenate(chunks) if chunks else np.zeros(0, np.int64)
    return _counts_from_ids(indices, indptr, n_cols())


def _counts_from_ids(indices: np.ndarray, indptr: np.ndarray, n_cols: int) -> sp.csr_matrix:
    """CSR counts of rows given as runs of column ids (``indptr`` as in CSR); ids < 0 are dropped."""
    n = len(indptr) - 1
    rows = np.repeat(np.arange(n), np.diff(indptr))
    ok = indices >= 0
    return sp.csr_matrix((np.ones(int(ok.sum())), (rows[ok], indices[ok])), shape=(n, n_cols))


class FeatureSpace:
    """The stacked blocks of :class:`~discourse.framing.FramingClassifier`: word, char and cue, and
    optionally discourse markers (:mod:`discourse.framing.markers`) and context (the cue counts of
    the previous and next sentence of the same document)."""

    def __init__(self, *, word_ngrams: int = 2, char_ngrams: tuple[int, int] = (2, 4), min_df: int = 2,
                 weights: tuple[float, ...] = (1.0, 1.0, 1.0), cue_matcher=None, markers: bool = False,
                 context: bool = False):
        self.word_ngrams, self.char_ngrams = word_ngrams, tuple(char_ngrams)
        self.weights = tuple(weights) + DEFAULT_EXTRA_WEIGHTS[len(weights) - 2:] if len(weights) < 5 else tuple(weights)
        self.word = TfidfBlock(min_df)
        self.char = TfidfBlock(min_df)
        self.cues = cue_matcher
        self.markers, self.context = markers, context

    def _docs(self, tokens: Sequence[SentenceTokens], texts: Sequence[str]) -> tuple[list, list]:
        words = [word_features(t.lemma, t.pos, self.word_ngrams) for t in tokens]
        chars = [char_features(x, self.char_ngrams) for x in texts]
        return words, chars

    @property
    def _frames(self) -> list[str]:
        return list(self.cues.frames) if self.cues is not None else []

    def _cue_counts(self, tokens: Sequence[SentenceTokens], texts: Sequence[str], languages: Sequence[str]) -> np.ndarray:
        if self.cues is None or not len(texts):
            return np.zeros((len(texts), len(self._frames)))
        return np.vstack([self.cues.counts(t, x, lang) for t, x, lang in zip(tokens, texts, languages)])

    def _extra_blocks(self, counts: np.ndarray, texts: Sequence[str], languages: Sequence[str],
                      docs: Sequence | None) -> list[sp.csr_matrix]:
        from .markers import marker_matrix

        blocks = [sp.csr_matrix(np.log1p(counts))]
        if self.markers:
            blocks.append(sp.csr_matrix(marker_matrix(texts, languages, counts, self._frames)))
        if self.context:
            blocks.append(sp.csr_matrix(np.log1p(neighbour_counts(counts, docs))))
        return blocks

    def fit_transform(self, tokens: Sequence[SentenceTokens], texts: Sequence[str], languages: Sequence[str],
                      docs: Sequence | None = None) -> sp.csr_matrix:
        words, chars = self._docs(tokens, texts)
        counts = self._cue_counts(tokens, texts, languages)
        blocks = [self.word.fit_transform(words), self.char.fit_transform(chars), *self._extra_blocks(counts, texts, languages, docs)]
        return self._stack(blocks)

    def transform(self, tokens: Sequence[SentenceTokens], texts: Sequence[str], languages: Sequence[str],
                  docs: Sequence | None = None) -> sp.csr_matrix:
        words, chars = self._docs(tokens, texts)
        counts = self._cue_counts(tokens, texts, languages)
        blocks = [self.word.transform(words), self.char.transform(chars), *self._extra_blocks(counts, texts, languages, docs)]
        return self._stack(blocks)

    def extraction_key(self) -> tuple:
        """What the per-sentence feature strings and cue counts depend on (n-gram settings, cues);
        a :class:`FeatureCache` serves only a space with the same key."""
        cues = None if self.cues is None else (tuple(self.cues.frames), repr(self.cues.index), repr(self.cues.texts))
        return (self.word_ngrams, self.char_ngrams, cues)

    def fit_transform_rows(self, cache: "FeatureCache", rows: np.ndarray, texts: Sequence[str], languages: Sequence[str],
                           docs: Sequence | None = None) -> sp.csr_matrix:
        """:meth:`fit_transform` of the sentences at ``rows`` of ``cache`` (``texts``, ``languages``,
        ``docs`` are theirs): the same matrix and fitted state, from the features extracted once."""
        words, chars = cache.word.counts_first_seen(rows), cache.char.counts_first_seen(rows)
        blocks = [self.word._fit_counts(*words), self.char._fit_counts(*chars),
                  *self._extra_blocks(cache.cue_counts[rows], texts, languages, docs)]
        return self._stack(blocks)

    def transform_rows(self, cache: "FeatureCache", rows: np.ndarray, texts: Sequence[str], languages: Sequence[str],
                       docs: Sequence | None = None) -> sp.csr_matrix:
        """:meth:`transform` of the sentences at ``rows`` of ``cache``: the same matrix."""
        blocks = [cache.word.counts_in(rows, self.word.vocabulary), cache.char.counts_in(rows, self.char.vocabulary)]
        blocks = [self.word._weight(blocks[0]), self.char._weight(blocks[1]),
                  *self._extra_blocks(cache.cue_counts[rows], texts, languages, docs)]
        return self._stack(blocks)

    def _stack(self, blocks: list[sp.csr_matrix]) -> sp.csr_matrix:
        weights = list(self.weights[:3]) + ([self.weights[3]] if self.markers else []) + ([self.weights[4]] if self.context else [])
        return sp.csr_matrix(sp.hstack([w * b for w, b in zip(weights, blocks)], format="csr"))

    @property
    def feature_names(self) -> list[str]:
        """``word:<lemma n-gram>``, ``char:<n-gram>``, ``cue:<frame>``, then ``marker:<name>`` and
        ``context:prev:<frame>`` / ``context:next:<frame>`` when those blocks are on, in column order."""
        from .markers import marker_names

        names = [f"word:{w}" for w in self.word.vocabulary] + [f"char:{c}" for c in self.char.vocabulary]
        names += [f"cue:{f}" for f in self._frames]
        if self.markers:
            names += [f"marker:{m}" for m in marker_names(self._frames)]
        if self.context:
            names += [f"context:{side}:{f}" for side in ("prev", "next") for f in self._frames]
        return names

    @property
    def block_sizes(self) -> tuple[int, ...]:
        """Columns of each block in order (word, char, cue, then markers and context when on)."""
        from .markers import marker_names

        sizes = [len(self.word.vocabulary), len(self.char.vocabulary), len(self._frames)]
        if self.markers:
            sizes.append(len(marker_names(self._frames)))
        if self.context:
            sizes.append(2 * len(self._frames))
        return tuple(sizes)


class _IdRuns:
    """Every sentence's features as ids over one vocabulary of all features seen, in the order the
    extraction lists them (runs of ids, CSR-style ``indptr``)."""

    def __init__(self, docs: Sequence[Sequence[str]]):
        self.index = _Growing()
        self.indptr = np.zeros(len(docs) + 1, dtype=np.int64)
        chunks = []
        for i, feats in enumerate(docs):
            chunks.append(np.fromiter(map(self.index.__getitem__, feats), dtype=np.int64, count=len(feats)))
            self.indptr[i + 1] = self.indptr[i] + len(feats)
        self.ids = np.concatenate(chunks) if chunks else np.zeros(0, np.int64)
        self.names = np.array(list(self.index), dtype=object)

    def gather(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The ids of ``rows`` (in that order) and their ``indptr``."""
        lengths = np.diff(self.indptr)[rows]
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        pos = np.repeat(self.indptr[rows] - indptr[:-1], lengths) + np.arange(indptr[-1])
        return self.ids[pos], indptr

    def counts_first_seen(self, rows: np.ndarray) -> tuple[sp.csr_matrix, np.ndarray]:
        """Counts of ``rows`` with columns numbered by first occurrence, and the column names: what
        :meth:`TfidfBlock.fit_transform` builds from the strings of these rows."""
        ids, indptr = self.gather(rows)
        uniq, first = np.unique(ids, return_index=True)
        seen = uniq[np.argsort(first, kind="stable")]
        local = np.full(len(self.names), -1, dtype=np.int64)
        local[seen] = np.arange(len(seen))
        return _counts_from_ids(local[ids], indptr, len(seen)), self.names[seen]

    def counts_in(self, rows: np.ndarray, vocabulary: Sequence[str]) -> sp.csr_matrix:
        """Counts of ``rows`` over a fitted ``vocabulary`` (unseen features dropped): what
        :meth:`TfidfBlock.transform` counts from the strings of these rows."""
        ids, indptr = self.gather(rows)
        column = np.full(len(self.names), -1, dtype=np.int64)
        known = [(self.index.get(f, -1), j) for j, f in enumerate(vocabulary)]
        known = np.array([k for k in known if k[0] >= 0], dtype=np.int64).reshape(-1, 2)
        column[known[:, 0]] = known[:, 1]
        return _counts_from_ids(column[ids], indptr, len(vocabulary))


class FeatureCache:
    """The features of one set of sentences, extracted once: word and character n-grams as ids over
    one vocabulary of everything seen, and the cue counts, for each distinct (language, text).

    A :class:`FeatureSpace` fitted on any subset of these sentences
    (:meth:`FeatureSpace.fit_transform_rows`) gives exactly the matrix and fitted state that
    :meth:`FeatureSpace.fit_transform` gives from the strings, at the cost of array operations, so
    cross-validation, C tuning and learning curves extract each sentence's features once.
    ``fitted`` keeps fitted matrices by training rows (the folds of C tuning are the same for every
    C) and ``predictions`` keeps the predictions of identical fits (see
    :func:`discourse.framing.evaluate.fit_predict`).

    Example
    -------
    >>> space = FeatureSpace(min_df=1)
    >>> texts = ["外国人の犯罪", "治安の悪化"]
    >>> cache = FeatureCache(space, tokenize_sentences(texts, ["ja", "ja"]), texts, ["ja", "ja"])  # doctest: +SKIP
    """

    def __init__(self, space: FeatureSpace, tokens: Sequence[SentenceTokens], texts: Sequence[str], languages: Sequence[str]):
        self.key = space.extraction_key()
        self.row_of: dict[tuple[str, str], int] = {}
        first: list[int] = []
        for i, key in enumerate(zip(languages, texts)):
            if key not in self.row_of:
                self.row_of[key] = len(first)
                first.append(i)
        tokens, texts, languages = [tokens[i] for i in first], [texts[i] for i in first], [languages[i] for i in first]
        words, chars = space._docs(tokens, texts)
        self.word, self.char = _IdRuns(words), _IdRuns(chars)
        self.cue_counts = space._cue_counts(tokens, texts, languages)
        self.fitted: dict[Any, Any] = {}
        self.predictions: dict[Any, Any] = {}

    def __len__(self) -> int:
        return len(self.row_of)

    def rows(self, space: FeatureSpace, texts: Sequence[str], languages: Sequence[str]) -> np.ndarray | None:
        """Rows of these sentences, or None when ``space`` extracts other features or a sentence is
        not in the cache (callers then extract from the strings)."""
        if space.extraction_key() != self.key:
            return None
        try:
            return np.array([self.row_of[key] for key in zip(languages, texts)], dtype=np.int64)
        except KeyError:
            return None


DEFAULT_EXTRA_WEIGHTS = (0.3, 0.5, 0.3)   # cue, markers, context when only (word, char) or (word, char, cue) are given


def neighbour_counts(counts: np.ndarray, docs: Sequence | None) -> np.ndarray:
    """``(n, 2 * n_frames)``: the cue counts of each sentence's previous and next sentence in the
    same document (rows in document order; zeros at a document's edges or without ``docs``).

    >>> neighbour_counts(np.array([[1.0], [2.0], [3.0]]), ["a", "a", "b"]).tolist()
    [[0.0, 2.0], [1.0, 0.0], [0.0, 0.0]]
    """
    n, k = counts.shape
    out = np.zeros((n, 2 * k))
    if docs is None or n == 0:
        return out
    docs = np.asarray(list(docs), dtype=object)
    same_prev = np.zeros(n, dtype=bool)
    same_prev[1:] = docs[1:] == docs[:-1]
    out[1:, :k] = np.where(same_prev[1:, None], counts[:-1], 0.0)
    out[:-1, k:] = np.where(same_prev[1:, None], counts[1:], 0.0)
    return out
