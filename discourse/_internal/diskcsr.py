"""A CSR count matrix whose cells stay on disk: what a streamed run merges its shards' counts into,
so that its memory does not grow with the corpus (``docs/scale.md``).

The column numbers and counts of the cells are two raw files (little-endian, one dtype each); the
row pointers (8 bytes per document) stay in memory. Rows are read back a block at a time with
ordinary file reads (no memory map, so the pages read count in the page cache, not in the
process's resident memory). The operations the count metrics need read blocks: column sums over
selected rows (:meth:`DiskCSR.column_sums`), rows by number (``matrix[rows]``, as
:func:`discourse.metrics.dispersion.dispersion` asks for them), sums along an axis; sums of
integer counts are exact, so every result equals the in-memory matrix's bit for bit.
:meth:`DiskCSR.to_csr` loads the whole matrix (the topics stage needs it).

>>> import tempfile
>>> m = sparse.csr_matrix(np.array([[1, 0, 2], [0, 0, 0], [0, 3, 1]], dtype=np.int32))
>>> d = DiskCSR.from_csr(m, tempfile.mkdtemp())
>>> d.column_sums(np.array([True, False, True])).tolist(), d[np.array([2])].toarray().tolist()
([1, 3, 3], [[0, 3, 1]])
"""
from __future__ import annotations

import shutil
import weakref
from pathlib import Path
from typing import Any, Iterator

import numpy as np
from scipy import sparse

#: cells read at once (about 6 MB of column numbers, counts and their sparse block)
BLOCK_CELLS = 1 << 19


class DiskCSR:
    """Documents x terms counts with the cells in ``folder`` (``files``: the column numbers' and the
    counts' file) and the row pointers in memory. The folder is removed when the matrix is garbage-collected when
    ``owns_folder`` (the merger's spill folder); shape, dtype and nnz as in SciPy."""

    format = "csr"

    def __init__(self, folder: str | Path, indptr: np.ndarray, shape: tuple[int, int], dtype: Any,
                 index_dtype: Any, *, owns_folder: bool = False, files: tuple[str, str] = ("indices.bin", "data.bin")):
        self.folder = Path(folder)
        self.files = files
        self.indptr = np.asarray(indptr, dtype=np.int64)
        self.shape = (int(shape[0]), int(shape[1]))
        self.dtype = np.dtype(dtype)
        self.index_dtype = np.dtype(index_dtype)
        if owns_folder:
            weakref.finalize(self, shutil.rmtree, str(self.folder), True)

    @classmethod
    def from_csr(cls, matrix: sparse.csr_matrix, folder: str | Path) -> "DiskCSR":
        """Write a SciPy CSR matrix (indices sorted) to ``folder``."""
        m = sparse.csr_matrix(matrix)
        m.sort_indices()
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        m.indices.tofile(folder / "indices.bin")
        m.data.tofile(folder / "data.bin")
        return cls(folder, m.indptr, m.shape, m.data.dtype, m.indices.dtype)

    def __repr__(self) -> str:
        return f"<DiskCSR {self.shape[0]} x {self.shape[1]}, {self.nnz} cells in {self.folder}>"

    @property
    def nnz(self) -> int:
        return int(self.indptr[-1])

    # --- reading ---------------------------------------------------------------------------------
    def _cells(self, which: int, dtype: np.dtype, start: int, stop: int) -> np.ndarray:
        with open(self.folder / self.files[which], "rb") as fh:
            fh.seek(start * dtype.itemsize)
            return np.fromfile(fh, dtype=dtype, count=stop - start)

    def rows(self, start: int, stop: int) -> sparse.csr_matrix:
        """Rows ``start:stop`` as an in-memory CSR matrix."""
        a, b = int(self.indptr[start]), int(self.indptr[stop])
        block = sparse.csr_matrix((self._cells(1, self.dtype, a, b), self._cells(0, self.index_dtype, a, b),
                                   self.indptr[start:stop + 1] - a), shape=(stop - start, self.shape[1]))
        block.has_sorted_indices = True
        return block

    def blocks(self) -> Iterator[tuple[int, sparse.csr_matrix]]:
        """``(first row, rows)`` for consecutive blocks of about :data:`BLOCK_CELLS` cells."""
        start, n = 0, self.shape[0]
        while start < n:
            stop = int(np.searchsorted(self.indptr, self.indptr[start] + BLOCK_CELLS, side="right")) - 1
            stop = min(max(stop, start + 1), n)
            yield start, self.rows(start, stop)
            start = stop

    def __getitem__(self, rows: Any) -> sparse.csr_matrix:
        """The rows numbered ``rows`` (an increasing integer array), read as one span."""
        rows = np.asarray(rows, dtype=np.int64)
        if not len(rows):
            return sparse.csr_matrix((0, self.shape[1]), dtype=self.dtype)
        if (np.diff(rows) <= 0).any():
            raise IndexError("DiskCSR rows: give increasing row numbers")
        span = self.rows(int(rows[0]), int(rows[-1]) + 1)
        return span[rows - rows[0]]

    def column_sums(self, rows: np.ndarray | None = None) -> np.ndarray:
        """Column sums (int64) over the rows selected by the boolean ``rows`` (all: None)."""
        from ..dtm import column_sums

        total = np.zeros(self.shape[1], dtype=np.int64)
        for start, block in self.blocks():
            total += column_sums(block, None if rows is None else rows[start:start + block.shape[0]])
        return total

    def sum(self, axis: int | None = None) -> Any:
        """As SciPy's, as arrays: 1 x n (axis 0) or n x 1 (axis 1) int64 sums, or the total."""
        if axis == 0:
            return self.column_sums()[None, :]
        if axis == 1:
            sums = [np.asarray(block.sum(axis=1), dtype=np.int64).ravel() for _, block in self.blocks()]
            return (np.concatenate(sums) if sums else np.zeros(0, np.int64))[:, None]
        return int(self.column_sums().sum())

    def to_csr(self) -> sparse.csr_matrix:
        """The whole matrix in memory."""
        return self.rows(0, self.shape[0])


def as_rows(matrix: Any) -> Any:
    """A matrix whose rows can be taken by number: a :class:`DiskCSR` as it is, anything else as a
    SciPy CSR matrix."""
    return matrix if isinstance(matrix, DiskCSR) else sparse.csr_matrix(matrix)


__all__ = ["BLOCK_CELLS", "DiskCSR", "as_rows"]
