"""Static word vectors read straight from an installed spaCy model package (GiNZA's ``ja_ginza``).

Nothing is downloaded and spaCy is not imported: a spaCy model folder keeps its vectors as a
NumPy file (``vocab/vectors``, rows x dims float32) and the row of each word as a msgpack map
from the word's 64-bit hash (MurmurHash64A, seed 1, of its UTF-8 bytes: spaCy's
``hash_string``) to a row (``vocab/key2row``). ``ja_ginza`` 5.3.0 has 20,000 rows of 300
dimensions and 480,443 keys (pruned words point at their nearest kept row); the wheel is 59 MB.

Experimental: :func:`sentence_vectors` gives the mean of a sentence's token vectors (L2-normalized)
as a dense feature block. The frame classifier does not use it: on the real gold it gained about
0.01 macro-F1 in cross-validation on the training documents and lost 0.035 on the held-out test
documents (``corpora/real/README.md``, 'Static word vectors'; ``corpora/real/vectors_cv.py``).
``ja_ginza`` is not a dependency: install it (``pip install --no-deps ja-ginza`` is enough for the
vectors) or pass the ``vocab`` folder of an unpacked wheel.
"""
from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from ..errors import ConfigError
from ._tok import SentenceTokens, is_punct

_MASK = (1 << 64) - 1
_M = 0xC6A4A7935BD1E995


def hash_string(text: str, seed: int = 1) -> int:
    """spaCy's string hash: MurmurHash64A of the UTF-8 bytes with seed 1 (unsigned 64-bit).

    >>> hash_string("coffee")          # spaCy: nlp.vocab.strings["coffee"]
    3197928453018144401
    """
    data = text.encode("utf-8")
    n = len(data)
    h = (seed ^ (n * _M)) & _MASK
    full = n - n % 8
    for i in range(0, full, 8):
        k = (int.from_bytes(data[i:i + 8], "little") * _M) & _MASK
        k = ((k ^ (k >> 47)) * _M) & _MASK
        h = ((h ^ k) * _M) & _MASK
    if n % 8:
        h = ((h ^ int.from_bytes(data[full:], "little")) * _M) & _MASK
    h = ((h ^ (h >> 47)) * _M) & _MASK
    return h ^ (h >> 47)


def model_vocab(package: str = "ja_ginza") -> Path:
    """The ``vocab`` folder of an installed spaCy model package (found without importing it)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(f"{package} is not installed: pip install {package.replace('_', '-')} (its wheel ships the vectors)")
    root = Path(list(spec.submodule_search_locations)[0])
    found = sorted(root.glob("*/vocab/vectors")) or sorted(root.glob("vocab/vectors"))
    if not found:
        raise ConfigError(f"{root}: no vocab/vectors in the {package} package")
    return found[0].parent


class StaticVectors:
    """Word -> vector lookup over a spaCy ``vocab`` folder (``vectors`` + ``key2row``)."""

    def __init__(self, vocab: str | Path | None = None):
        import msgpack

        folder = Path(vocab) if vocab is not None else model_vocab()
        self.table = np.load(folder / "vectors", allow_pickle=False)
        self.key2row: dict[int, int] = msgpack.unpackb((folder / "key2row").read_bytes(), strict_map_key=False)
        self.dim = int(self.table.shape[1])
        self._rows: dict[str, int] = {}

    def row(self, word: str) -> int:
        """The vector row of ``word`` (-1 when it has none)."""
        r = self._rows.get(word)
        if r is None:
            r = self._rows[word] = self.key2row.get(hash_string(word), -1)
        return r

    def sentence_vectors(self, tokens: Sequence[SentenceTokens]) -> np.ndarray:
        return sentence_vectors(self, tokens)


def sentence_vectors(vectors: StaticVectors, tokens: Sequence[SentenceTokens], weight=None) -> np.ndarray:
    """(n_sentences, dim): the mean vector of each sentence's non-punctuation tokens (the surface's
    vector, else the lemma's; tokens with neither are skipped), L2-normalized; zeros when none has one.
    ``weight`` (a function of the lemma, e.g. its idf) makes it a weighted mean."""
    out = np.zeros((len(tokens), vectors.dim))
    for i, t in enumerate(tokens):
        rows, w = [], []
        for s, lem, p in zip(t.surface, t.lemma, t.pos):
            if is_punct(p):
                continue
            r = vectors.row(s)
            if r < 0:
                r = vectors.row(lem)
            if r >= 0:
                rows.append(r)
                w.append(1.0 if weight is None else weight(lem))
        if rows:
            v = np.asarray(w) @ vectors.table[rows] / len(rows)
            norm = np.linalg.norm(v)
            out[i] = v / norm if norm > 0 else v
    return out


@lru_cache(maxsize=2)
def load_vectors(vocab: str | None = None) -> StaticVectors:
    """:class:`StaticVectors` of ``vocab`` (default: the installed ``ja_ginza``), loaded once."""
    return StaticVectors(vocab)
