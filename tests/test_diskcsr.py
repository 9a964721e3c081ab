"""The on-disk count matrix of streamed runs: every operation the count metrics use gives the bytes
of the in-memory matrix (read in many small blocks), and its files go when the matrix does."""
from __future__ import annotations

import gc

import numpy as np
import pytest
from scipy import sparse

import discourse._internal.diskcsr as diskcsr
from discourse._internal.diskcsr import DiskCSR
from discourse.compute import CountMerger, count_shard, map_shards, merge_counts, plan_file_shards
from discourse.dtm import column_sums
from discourse.metrics.dispersion import dispersion
from discourse.resources import corpora_dir


@pytest.fixture(scope="module")
def parts():
    return map_shards(count_shard, plan_file_shards(corpora_dir() / "demo", target_bytes=40_000), "local")


@pytest.mark.parametrize("compact", [False, True])
def test_spilled_merge_equals_the_in_memory_merge(parts, tmp_path, monkeypatch, compact):
    monkeypatch.setattr(diskcsr, "BLOCK_CELLS", 1000)            # some 20 blocks on the demo corpus
    merger = CountMerger(spill=tmp_path / "spill")
    for part in parts:
        merger.add(part)
    disk, memory = merger.result(compact=compact), merge_counts(parts, compact=compact)
    assert isinstance(disk.matrix, DiskCSR) and disk.vocab == memory.vocab
    assert disk.matrix.shape == memory.matrix.shape and disk.matrix.nnz == memory.matrix.nnz > 10_000
    whole = disk.matrix.to_csr()
    assert whole.data.dtype == memory.matrix.data.dtype and whole.data.tobytes() == memory.matrix.data.tobytes()
    assert (whole.indices == memory.matrix.indices).all() and (whole.indptr == memory.matrix.indptr).all()
    rows = np.random.default_rng(0).random(disk.matrix.shape[0]) < 0.4
    assert column_sums(disk.matrix, rows).tolist() == column_sums(memory.matrix, rows).tolist()
    assert (disk.term_totals() == memory.term_totals()).all()
    assert (np.asarray(disk.matrix.sum(axis=1)) == np.asarray(memory.matrix.sum(axis=1))).all()
    (r1, dp1), (r2, dp2) = dispersion(disk.matrix, rows), dispersion(memory.matrix, rows)
    assert r1.tolist() == r2.tolist() and dp1.tobytes() == dp2.tobytes()
    picked = np.flatnonzero(rows)[5:40]
    assert (disk.matrix[picked] != memory.matrix[picked]).nnz == 0
    assert sorted(p.name for p in (tmp_path / "spill").iterdir()) == ["data.bin", "indices.bin"]


def test_files_go_with_the_matrix(parts, tmp_path):
    merger = CountMerger(spill=tmp_path / "spill")
    merger.add(parts[0])
    dtm = merger.result()
    assert (tmp_path / "spill" / "data.bin").exists()
    del dtm, merger
    gc.collect()
    assert not (tmp_path / "spill").exists()


def test_rows_must_increase(tmp_path):
    m = DiskCSR.from_csr(sparse.csr_matrix(np.eye(3, dtype=np.int32)), tmp_path)
    assert m[np.array([0, 2])].toarray().tolist() == [[1, 0, 0], [0, 0, 1]]
    with pytest.raises(IndexError, match="increasing"):
        m[np.array([2, 0])]
