"""TF-IDF weighting as scikit-learn's ``TfidfTransformer``: smoothed idf, sublinear tf, L2 rows.

Example
-------
>>> import numpy as np
>>> smooth_idf(np.array([1, 3]), 3).round(4).tolist()
[1.6931, 1.0]
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def smooth_idf(doc_freq: np.ndarray, n_docs: int, *, smooth: bool = True) -> np.ndarray:
    """``ln((1 + n) / (1 + df)) + 1`` (``smooth=True``) or ``ln(n / df) + 1``."""
    add = int(smooth)
    return np.log((n_docs + add) / (np.asarray(doc_freq, dtype=float) + add)) + 1.0


def sublinear_tf(counts: sp.spmatrix) -> sp.csr_matrix:
    """A float copy of ``counts`` with every non-zero value ``c`` replaced by ``1 + ln c`` (stored
    zeros are dropped first, so they stay 0)."""
    x = sp.csr_matrix(counts, dtype=np.float64, copy=True)
    x.eliminate_zeros()
    x.data = 1.0 + np.log(x.data)
    return x


def normalize_rows(x: sp.spmatrix, norm: str = "l2") -> sp.csr_matrix:
    """Rows scaled to unit ``"l2"`` or ``"l1"`` norm; all-zero rows stay zero."""
    x = sp.csr_matrix(x)
    sq = x.multiply(x) if norm == "l2" else abs(x)
    size = np.asarray(sq.sum(axis=1), dtype=float).ravel()
    size = np.sqrt(size) if norm == "l2" else size
    scale = np.divide(1.0, size, out=np.zeros_like(size), where=size > 0)
    return sp.csr_matrix(sp.diags(scale) @ x)


def tfidf(counts: sp.spmatrix, idf: np.ndarray, *, sublinear: bool = True, norm: str | None = "l2") -> sp.csr_matrix:
    """``tf * idf`` of a count matrix (``tf`` = ``1 + ln c`` when ``sublinear``), rows normalized."""
    x = sublinear_tf(counts) if sublinear else sp.csr_matrix(counts, dtype=np.float64)
    if x.shape[1]:
        x = sp.csr_matrix(x @ sp.diags(np.asarray(idf, dtype=float)))
    return normalize_rows(x, norm) if norm is not None else x
