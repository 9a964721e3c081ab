"""Dispersion: how evenly a term is spread over the documents of a group.

A term can be frequent because many documents use it or because one document repeats it; keyness
and frequency lists report both. ``range`` is the number of documents that contain the term.
Gries' DP ("deviation of proportions") compares the share of the term's occurrences in each
document with the document's share of the group's tokens:
``DP = 0.5 * sum_i |v_i - s_i|`` with ``v_i = f_i / f`` and ``s_i = size_i / size``. 0 = spread exactly
in proportion to document sizes; values near 1 = concentrated in a few (small) documents.

References
----------
Gries, S. Th. (2008). Dispersions and adjusted frequencies in corpora. International Journal of
Corpus Linguistics 13(4), 403-437. -- Lijffijt, J. & Gries, S. Th. (2012). Correction to Stefan
Th. Gries' "Dispersions and adjusted frequencies in corpora". IJCL 17(1), 147-149.

Example
-------
>>> import numpy as np
>>> from scipy import sparse
>>> counts = sparse.csr_matrix(np.array([[2, 0], [0, 1], [0, 1]]))   # 3 documents x 2 terms
>>> rng, dp = dispersion(counts)
>>> rng.tolist(), [round(float(v), 3) for v in dp]   # term 0 only in the first document (2 of 4 tokens)
([1, 2], [0.5, 0.5])
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Union

import numpy as np
from scipy import sparse

from .._internal.diskcsr import as_rows

if TYPE_CHECKING:
    from ..dtm import DocTermMatrix
    from ..tokens import Tokens


def doc_term_counts(x: Union["Tokens", "DocTermMatrix"]) -> sparse.csr_matrix:
    """Documents x vocabulary counts of ``Tokens`` (or the matrix of a count ``DocTermMatrix``)."""
    from ..dtm import DocTermMatrix

    if isinstance(x, DocTermMatrix):
        return as_rows(x.matrix)
    ids = np.asarray(x.ids, dtype=np.int64)
    data = np.ones(len(ids), dtype=np.int64)
    return sparse.csr_matrix((data, (x.doc_index(), ids)), shape=(len(x), len(x.vocab)))


CHUNK_ROWS = 4096   # rows of the count matrix processed at once


def dispersion(counts: sparse.spmatrix, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(range, dp)`` per term (column) over the documents (rows) selected by the boolean ``rows``.

    ``range`` counts the documents containing the term; ``dp`` is Gries' DP with document sizes
    taken from the row sums (NaN for a term absent from every selected document). ``counts`` may
    be a :class:`~discourse._internal.diskcsr.DiskCSR` (its rows are read a block at a time)."""
    counts = as_rows(counts)
    picked = np.arange(counts.shape[0]) if rows is None else np.flatnonzero(np.asarray(rows, dtype=bool))
    n_terms = counts.shape[1]
    chunks = [picked[a:a + CHUNK_ROWS] for a in range(0, len(picked), CHUNK_ROWS)]
    sizes = np.concatenate([np.asarray(counts[c].sum(axis=1), dtype=np.float64).ravel() for c in chunks]) \
        if chunks else np.zeros(0)
    share = sizes / sizes.sum() if sizes.sum() > 0 else sizes
    freq = sum((np.asarray(counts[c].sum(axis=0)).ravel().astype(np.int64) for c in chunks),
               np.zeros(n_terms, np.int64)).astype(np.float64)
    total, docs, first = np.zeros(n_terms), np.zeros(n_terms, np.int64), 0
    for c in chunks:            # a block of rows at a time: memory of one block, the same sums in the same order
        coo = counts[c].tocoo()
        present = coo.data > 0
        row, col, val = coo.row[present] + first, coo.col[present], coo.data[present].astype(np.float64)
        np.add.at(total, col, np.abs(val / freq[col] - share[row]) - share[row])
        docs += np.bincount(col, minlength=n_terms)
        first += len(c)
    dp = np.where(freq > 0, 0.5 * (total + 1.0), np.nan)
    return docs, dp
