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

from typing import Callable, Sequence

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
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        keep = np.flatnonzero(df >= self.min_df)
        names = np.array(list(index), dtype=object)[keep]
        order = np.argsort(names.astype(str), kind="stable")
        keep, names = keep[order], names[order]
        self.vocabulary = names.tolist()
        self.idf = smooth_idf(df[keep], len(docs))
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
    rows = np.repeat(np.arange(len(docs)), np.diff(indptr))
    ok = indices >= 0
    return sp.csr_matrix((np.ones(int(ok.sum())), (rows[ok], indices[ok])), shape=(len(docs), n_cols()))


class FeatureSpace:
    """The stacked word, char and cue blocks of :class:`~discourse.framing.FramingClassifier`."""

    def __init__(self, *, word_ngrams: int = 2, char_ngrams: tuple[int, int] = (2, 4), min_df: int = 2,
                 weights: tuple[float, float, float] = (1.0, 1.0, 1.0), cue_matcher=None):
        self.word_ngrams, self.char_ngrams, self.weights = word_ngrams, tuple(char_ngrams), tuple(weights)
        self.word = TfidfBlock(min_df)
        self.char = TfidfBlock(min_df)
        self.cues = cue_matcher

    def _docs(self, tokens: Sequence[SentenceTokens], texts: Sequence[str]) -> tuple[list, list]:
        words = [word_features(t.lemma, t.pos, self.word_ngrams) for t in tokens]
        chars = [char_features(x, self.char_ngrams) for x in texts]
        return words, chars

    def _cue_block(self, tokens: Sequence[SentenceTokens], texts: Sequence[str], languages: Sequence[str]) -> sp.csr_matrix:
        if self.cues is None:
            return sp.csr_matrix((len(texts), 0))
        counts = np.vstack([self.cues.counts(t, x, lang) for t, x, lang in zip(tokens, texts, languages)]) if len(texts) \
            else np.zeros((0, len(self.cues.frames)))
        return sp.csr_matrix(np.log1p(counts))

    def fit_transform(self, tokens: Sequence[SentenceTokens], texts: Sequence[str], languages: Sequence[str]) -> sp.csr_matrix:
        words, chars = self._docs(tokens, texts)
        blocks = [self.word.fit_transform(words), self.char.fit_transform(chars), self._cue_block(tokens, texts, languages)]
        return self._stack(blocks)

    def transform(self, tokens: Sequence[SentenceTokens], texts: Sequence[str], languages: Sequence[str]) -> sp.csr_matrix:
        words, chars = self._docs(tokens, texts)
        blocks = [self.word.transform(words), self.char.transform(chars), self._cue_block(tokens, texts, languages)]
        return self._stack(blocks)

    def _stack(self, blocks: list[sp.csr_matrix]) -> sp.csr_matrix:
        return sp.csr_matrix(sp.hstack([w * b for w, b in zip(self.weights, blocks)], format="csr"))

    @property
    def feature_names(self) -> list[str]:
        """``word:<lemma n-gram>``, ``char:<n-gram>``, ``cue:<frame>`` in column order."""
        cue = [f"cue:{f}" for f in self.cues.frames] if self.cues is not None else []
        return [f"word:{w}" for w in self.word.vocabulary] + [f"char:{c}" for c in self.char.vocabulary] + cue

    @property
    def block_sizes(self) -> tuple[int, int, int]:
        return len(self.word.vocabulary), len(self.char.vocabulary), len(self.cues.frames) if self.cues is not None else 0
