"""Running per-shard work in-process or on Dask (``[compute] scheduler`` in an experiment).

A *scheduler spec* says where shards run:

``"local"``
    in this process, one shard after another (the default; nothing to install or start).
``"dask-local:N"``
    on a ``dask.distributed.LocalCluster`` of ``N`` worker processes with one thread each,
    started for the run and stopped after it (:func:`scheduler_client`).
``"tcp://host:8786"``
    on an existing Dask cluster: the address of its scheduler (``dask scheduler`` on one
    machine, ``dask worker tcp://host:8786`` on each of the others). Every worker needs the
    same ``discourse`` installed and read access to the shard files.

:func:`map_shards` runs one function per shard and returns the results in shard order, whatever
the scheduler. The per-shard functions here tokenize and count: :func:`plan_file_shards` cuts a
JSON Lines corpus into byte ranges at line boundaries (a worker reads its own range; no text
travels through the scheduler), :func:`count_shard` tokenizes one range and returns compact term
counts per document, and :func:`merge_counts` merges them into a
:class:`~discourse.dtm.DocTermMatrix` whose bytes do not depend on the scheduler or on the
number of workers (the vocabulary is sorted; documents stay in file order).
:func:`parquet_shard` writes one shard's tokens and counts to Parquet files instead, for corpora
whose counts should not be merged in one process's memory.

Example
-------
>>> Scheduler.parse("dask-local:2")
Scheduler(kind='dask-local', n_workers=2, address='')
>>> shards = plan_file_shards("corpora/demo/corpus.jsonl", target_bytes=200_000)   # doctest: +SKIP
>>> dtm = merge_counts(map_shards(count_shard, shards, "dask-local:2"))             # doctest: +SKIP
"""
from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Literal, Sequence

import numpy as np
import pandas as pd
from scipy import sparse

from .errors import ConfigError

Kind = Literal["local", "dask-local", "address"]
_ADDRESS = re.compile(r"^(tcp|tls)://[A-Za-z0-9._\-\[\]:]+:\d{1,5}$")
SPEC_FORMS = '"local", "dask-local:N" (N worker processes) or a scheduler address such as "tcp://host:8786"'


@dataclass(frozen=True)
class Scheduler:
    """Where shards run: ``kind`` is ``local``, ``dask-local`` (``n_workers`` processes) or
    ``address`` (an existing Dask scheduler at ``address``)."""

    kind: Kind = "local"
    n_workers: int = 1
    address: str = ""

    @classmethod
    def parse(cls, spec: "str | Scheduler | None") -> "Scheduler":
        """Read a scheduler spec (see the module docstring); a ConfigError names a bad one.

        >>> Scheduler.parse("tcp://10.0.0.5:8786").address
        'tcp://10.0.0.5:8786'
        """
        if isinstance(spec, Scheduler):
            return spec
        if spec is None:
            return cls()
        if not isinstance(spec, str):
            raise ConfigError(f"scheduler={spec!r} is a {type(spec).__name__}: give {SPEC_FORMS}")
        text = spec.strip()
        if text == "local":
            return cls()
        if text.startswith("dask-local"):
            _, sep, n = text.partition(":")
            if not sep or not n.isdigit() or int(n) < 1:
                raise ConfigError(f"scheduler={spec!r}: write the number of worker processes after the colon, "
                                  "e.g. \"dask-local:2\"")
            return cls("dask-local", int(n))
        if _ADDRESS.match(text):
            return cls("address", address=text)
        raise ConfigError(f"scheduler={spec!r} is not a scheduler: give {SPEC_FORMS}")

    def __str__(self) -> str:
        return {"local": "local", "dask-local": f"dask-local:{self.n_workers}"}.get(self.kind, self.address)


@contextlib.contextmanager
def scheduler_client(spec: "str | Scheduler | None") -> Iterator[Any]:
    """A ``dask.distributed.Client`` for the spec, closed (and its local cluster stopped) on exit;
    ``None`` for ``"local"``.

    ``dask-local:N`` starts ``LocalCluster(n_workers=N, threads_per_worker=1, processes=True,
    dashboard_address=None)``; an address connects to the running scheduler there.
    """
    sched = Scheduler.parse(spec)
    if sched.kind == "local":
        yield None
        return
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise ConfigError(f"scheduler={str(sched)!r} needs dask and distributed: pip install dask distributed") from exc
    if sched.kind == "dask-local":
        with LocalCluster(n_workers=sched.n_workers, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(sched.address, timeout="20s")
    except OSError as exc:
        raise ConfigError(f"scheduler={sched.address!r}: no Dask scheduler answers there ({exc}); start one with "
                          "'dask scheduler' or use \"dask-local:N\"") from exc
    with client:
        yield client


def map_shards(fn: Callable[..., Any], shards: Sequence[Any], spec: "str | Scheduler | None" = "local", *,
               client: Any = None, **kwargs: Any) -> list[Any]:
    """``[fn(shard, **kwargs) for shard in shards]``, run as Dask tasks or in this process.

    Parameters
    ----------
    fn : a module-level function (Dask sends it to the workers by reference).
    shards : the shard descriptions, e.g. from :func:`plan_file_shards`.
    spec : scheduler spec (ignored when ``client`` is given).
    client : an open ``dask.distributed.Client`` to reuse (from :func:`scheduler_client`).

    Returns
    -------
    The results in shard order.
    """
    return list(iter_shards(fn, shards, spec, client=client, **kwargs))


def iter_shards(fn: Callable[..., Any], shards: Sequence[Any], spec: "str | Scheduler | None" = "local", *,
                client: Any = None, **kwargs: Any) -> Iterator[Any]:
    """:func:`map_shards` as a generator: the results in shard order, each given up as soon as it
    is taken (on Dask, every task is submitted at once and each result released from the cluster
    once it has been yielded), so a caller that merges as it goes holds one result at a time."""
    task = functools.partial(fn, **kwargs) if kwargs else fn
    if client is None and Scheduler.parse(spec).kind == "local":
        yield from (task(s) for s in shards)
    elif client is not None:
        yield from _run(client, task, shards)
    else:
        with scheduler_client(spec) as own:
            yield from _run(own, task, shards)


def _run(client: Any, task: Callable[..., Any], shards: Sequence[Any]) -> Iterator[Any]:
    futures = client.map(task, list(shards), pure=False)
    try:
        for k in range(len(futures)):
            result = futures[k].result()
            futures[k] = None
            yield result
    finally:
        client.cancel([f for f in futures if f is not None])


# --- tokenize and count, shard by shard ---------------------------------------------------------------
@dataclass(frozen=True)
class FileShard:
    """Lines of a JSON Lines file: bytes ``start:stop`` (at line boundaries), the first being
    line ``first_line`` (1-based, for error messages)."""

    path: str
    start: int
    stop: int
    first_line: int = 1


PART_GLOB = "part-*.jsonl"


def corpus_files(path: str | os.PathLike[str]) -> list[Path]:
    """The JSON Lines files of a corpus: the file itself, ``<folder>/corpus.jsonl``, or the shard
    files ``<folder>/part-*.jsonl`` sorted by name (as ``discourse fetch`` writes them, next to a
    ``manifest.json``).

    >>> [p.name for p in corpus_files("corpora/demo")]  # doctest: +SKIP
    ['corpus.jsonl']
    """
    from .load import resolve_jsonl

    folder = Path(path)
    if folder.is_dir() and not (folder / "corpus.jsonl").exists():
        parts = sorted(folder.glob(PART_GLOB))
        if parts:
            return parts
    return [resolve_jsonl(path)]


def plan_file_shards(path: str | os.PathLike[str], *, target_bytes: int = 8 << 20) -> list[FileShard]:
    """Cut a JSON Lines corpus into shards of about ``target_bytes`` bytes, at line boundaries.

    ``path`` is a ``.jsonl`` file, a folder holding ``corpus.jsonl``, or a folder of shard files
    ``part-*.jsonl`` (each file is cut on its own; shards follow the files sorted by name).

    >>> [s.stop - s.start for s in plan_file_shards("corpora/demo/corpus.jsonl", target_bytes=10**9)]  # doctest: +SKIP
    [362856]
    """
    if target_bytes < 1:
        raise ConfigError(f"target_bytes={target_bytes}: give a shard size of 1 or more bytes")
    return [s for f in corpus_files(path) for s in _file_shards(f, target_bytes)]


def _file_shards(path: Path, target_bytes: int) -> list[FileShard]:
    size = path.stat().st_size
    shards, start, line = [], 0, 1
    with path.open("rb") as fh:
        while start < size:
            fh.seek(min(start + target_bytes, size))
            if fh.tell() < size:
                fh.readline()
            stop = fh.tell()
            fh.seek(start)
            lines = fh.read(stop - start).count(b"\n")
            shards.append(FileShard(str(path), start, stop, line))
            start, line = stop, line + lines
    return shards


def shard_records(shard: FileShard, lines: "set[int] | None" = None) -> Iterator[tuple[str, int, Any]]:
    """``(path, line number, record)`` of the non-blank lines of one shard (only ``lines`` when
    given); a line that is not UTF-8 or not a JSON object gives a ``CorpusError`` in place of the
    record, as :func:`discourse.read_corpus` reports it."""
    from .errors import CorpusError, where
    from .load import _parse_line

    with open(shard.path, "rb") as fh:
        fh.seek(shard.start)
        data = fh.read(shard.stop - shard.start)
    if shard.start == 0 and data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for n, raw in enumerate(data.split(b"\n"), shard.first_line):
        if lines is not None and n not in lines:
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield shard.path, n, CorpusError(f"{where(Path(shard.path), n)}: not UTF-8 (byte {exc.start + 1} of the "
                                             "line): JSON Lines files must be UTF-8; re-save the file as UTF-8")
            continue
        if line.strip():
            yield shard.path, n, _parse_line(line, Path(shard.path), n)


def read_shard(shard: FileShard) -> Any:
    """The documents of one shard as a :class:`~discourse.corpus.Corpus`, validated as
    :func:`discourse.read_corpus` validates them (without the cross-shard duplicate checks)."""
    from .load import _build

    return _build(shard_records(shard), False)


@dataclass(frozen=True, eq=False)
class ShardCounts:
    """Term counts of one shard's documents: a CSR matrix in parts over the shard's own
    vocabulary (``vocab``, sorted), with the documents' ids, the shard's character count and the
    seconds it took."""

    doc_ids: tuple[str, ...]
    vocab: tuple[str, ...]
    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    n_chars: int = 0
    seconds: float = 0.0
    settings: dict[str, Any] = field(default_factory=dict)


def count_shard(shard: "FileShard | Any", **settings: Any) -> ShardCounts:
    """Tokenize one shard (a :class:`FileShard` or a ``Corpus``) with
    :func:`discourse.tokenize.tokenize` (``settings`` as for it; no on-disk cache, one process)
    and count terms per document."""
    from .dtm import DocTermMatrix
    from .tokenize import tokenize

    t = time.perf_counter()
    corpus = read_shard(shard) if isinstance(shard, FileShard) else shard
    settings = {"cache_dir": False, "progress": False, **settings, "n_jobs": 1}
    dtm = DocTermMatrix.from_tokens(tokenize(corpus, **settings))
    order = np.argsort(np.array(dtm.vocab, dtype=object), kind="stable")
    X = dtm.matrix[:, order].tocsr()
    X.sort_indices()
    return ShardCounts(tuple(str(d) for d in dtm.docvars.index), tuple(dtm.vocab[j] for j in order),
                       X.indptr.astype(np.int64), X.indices.astype(np.int32), X.data.astype(np.int64),
                       sum(len(doc.text) for doc in corpus), time.perf_counter() - t,
                       {k: v for k, v in settings.items() if k not in ("cache_dir", "progress", "n_jobs")})


def parquet_shard(shard: "FileShard", out_dir: str | os.PathLike[str], **settings: Any) -> dict[str, Any]:
    """Tokenize one file shard and write its tokens and its counts to Parquet in ``out_dir``
    (``tokens-<start>.parquet``, ``counts-<start>.parquet``, named by the shard's byte offset
    so that the files sort in corpus order); returns the paths and row counts.

    Nothing but the file names travels back to the client, so a folder of shard files can be
    made from a corpus of any size and read as one table by DuckDB, Polars or
    ``pandas.read_parquet(folder)``.
    """
    from .dtm import DocTermMatrix
    from .parquet import to_parquet
    from .tokenize import tokenize

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    corpus = read_shard(shard)
    tokens = tokenize(corpus, **{"cache_dir": False, "progress": False, **settings, "n_jobs": 1})
    name = f"{shard.start:015d}"
    paths = {"tokens": out / "tokens" / f"tokens-{name}.parquet", "counts": out / "counts" / f"counts-{name}.parquet"}
    n_tokens = to_parquet(tokens, paths["tokens"]) if tokens.n_tokens else 0
    n_cells = to_parquet(DocTermMatrix.from_tokens(tokens), paths["counts"])
    return {"tokens": str(paths["tokens"]) if n_tokens else None, "counts": str(paths["counts"]),
            "n_docs": len(tokens), "n_tokens": n_tokens, "n_cells": n_cells}


def merge_counts(parts: Sequence[ShardCounts], docvars: pd.DataFrame | None = None, *,
                 vocab: Sequence[str] | None = None, compact: bool = False) -> Any:
    """One :class:`~discourse.dtm.DocTermMatrix` from the shards' counts, in shard order.

    The vocabulary is the sorted union of the shards' vocabularies, so the result (``matrix``
    arrays, ``vocab``, document order) is the same bytes however the corpus was cut and wherever
    the shards ran. ``docvars`` (indexed by ``doc_id``) is aligned to the documents; default:
    the ids only. ``vocab``: use these columns instead (every term of the parts must be among
    them), e.g. to give a second set of counts the columns of a merged matrix. ``compact``: 32-bit
    counts and indices (half the memory; sums over the matrix are still 64-bit) when they fit.
    (:class:`CountMerger` merges the same way one shard at a time, as the shards arrive.)
    """
    merger = CountMerger()
    for part in parts:
        merger.add(part)
    return merger.result(docvars, vocab=vocab, compact=compact)


class CountMerger:
    """:func:`merge_counts` fed one shard at a time, so that a run need not hold every shard's
    result until the last one arrives: each part's terms are mapped to one growing vocabulary as it
    is added (the shard's own list of term strings is dropped; a term's string is held once), and
    its cells are kept as column numbers and counts. :meth:`result` sorts the vocabulary and
    renumbers the columns: the same bytes as :func:`merge_counts` on the same parts.

    ``spill``: a folder (made if missing) to write the cells to as they arrive instead of keeping
    them; :meth:`result` then renumbers them a block of rows at a time into a
    :class:`~discourse._internal.diskcsr.DiskCSR` in that folder (which it removes once the matrix
    is no longer used), so memory holds the vocabulary and 8 bytes per document, whatever the
    corpus size.

    >>> m = CountMerger()
    >>> m.add(ShardCounts(("a",), ("犯罪", "外国人"), np.array([0, 2]), np.array([0, 1], np.int32), np.array([1, 2], np.int32)))
    >>> m.add(ShardCounts(("b",), ("人権",), np.array([0, 1]), np.array([0], np.int32), np.array([3], np.int32)))
    >>> dtm = m.result()
    >>> dtm.vocab, dtm.matrix.toarray().tolist()
    (('人権', '外国人', '犯罪'), [[0, 2, 1], [3, 0, 0]])
    """

    def __init__(self, spill: str | os.PathLike[str] | None = None, *, keep_ids: bool = True) -> None:
        self._index: dict[str, int] = {}
        self._indices: list[np.ndarray] = []
        self._data: list[np.ndarray] = []
        self._lengths: list[np.ndarray] = []
        self._ids: list[pd.Index] | None = [] if keep_ids else None
        self._largest = 0
        self._spill = Path(spill) if spill is not None else None
        if self._spill is not None:
            self._spill.mkdir(parents=True, exist_ok=True)
            for name in ("raw-indices.bin", "raw-data.bin"):
                (self._spill / name).write_bytes(b"")

    def add(self, part: ShardCounts) -> None:
        """Take one shard's counts (the next documents in corpus order)."""
        index = self._index
        remap = np.fromiter((index.setdefault(t, len(index)) for t in part.vocab), dtype=np.int64, count=len(part.vocab))
        if len(index) >= 2**31 - 1:
            raise ConfigError(f"{len(index):,} terms: more than 32-bit column numbers can hold; count fewer n-gram lengths or shards per run")
        indices = remap[np.asarray(part.indices)].astype(np.int32) if len(part.indices) else np.zeros(0, np.int32)
        data = np.asarray(part.data, dtype=np.int64)
        self._largest = max(self._largest, int(np.abs(data).max()) if len(data) else 0)
        self._lengths.append(np.diff(np.asarray(part.indptr, dtype=np.int64)))
        if self._ids is not None:
            self._ids.append(pd.Index(part.doc_ids))   # Arrow strings: no Python object per document
        if self._spill is None:
            self._indices.append(indices)
            self._data.append(data.astype(np.int32) if self._largest < 2**31 else data)
            return
        with open(self._spill / "raw-indices.bin", "ab") as fi, open(self._spill / "raw-data.bin", "ab") as fd:
            indices.tofile(fi)
            data.tofile(fd)

    def result(self, docvars: pd.DataFrame | None = None, *, vocab: Sequence[str] | None = None,
               compact: bool = False, ids: pd.Index | None = None) -> Any:
        """The merged :class:`~discourse.dtm.DocTermMatrix` (arguments as for :func:`merge_counts`;
        ``ids``: the doc_ids of the parts, joined and checked by the caller, required when the
        merger was made with ``keep_ids=False``)."""
        from .dtm import DocTermMatrix

        seen = list(self._index)
        vocab = sorted(seen) if vocab is None else list(vocab)
        column = {t: j for j, t in enumerate(vocab)}
        unknown = [t for t in seen if t not in column]
        if unknown:
            raise ConfigError(f"vocab lacks the terms {unknown[:3]} of a shard: give a vocabulary that holds every term")
        ids = checked_ids(self._ids) if ids is None else ids
        lengths = np.concatenate(self._lengths) if self._lengths else np.zeros(0, np.int64)
        indptr = np.zeros(len(ids) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        nnz = int(indptr[-1])
        dt = np.int32 if compact and max(nnz, len(vocab), self._largest + 1) < 2**31 - 1 else np.int64
        perm = np.fromiter((column[t] for t in seen), dtype=dt, count=len(seen))
        if self._spill is not None:
            matrix = self._renumber_on_disk(perm, indptr, (len(ids), len(vocab)), dt)
        else:
            matrix = _sorted_csr(np.concatenate(self._data) if nnz else np.zeros(0, dt),
                                 perm[np.concatenate(self._indices)] if nnz else np.zeros(0, dt),
                                 indptr.astype(dt), (len(ids), len(vocab)), dt)
            self._indices.clear(), self._data.clear()
        return DocTermMatrix(matrix, tuple(vocab), aligned(docvars, ids))

    def _renumber_on_disk(self, perm: np.ndarray, indptr: np.ndarray, shape: tuple[int, int], dt: Any) -> Any:
        """The spilled cells renumbered and sorted a block of rows at a time into a DiskCSR."""
        from ._internal.diskcsr import DiskCSR

        folder, raw_files = self._spill, ("raw-indices.bin", "raw-data.bin")
        raw = DiskCSR(folder, indptr, shape, np.int64, np.int32, files=raw_files)
        with open(folder / "indices.bin", "wb") as fi, open(folder / "data.bin", "wb") as fd:
            for _, block in raw.blocks():
                part = _sorted_csr(block.data, perm[block.indices], block.indptr, block.shape, dt)
                part.indices.astype(dt, copy=False).tofile(fi)
                part.data.tofile(fd)
        for name in raw_files:
            (folder / name).unlink()
        return DiskCSR(folder, indptr, shape, dt, dt, owns_folder=True)


def _sorted_csr(data: np.ndarray, indices: np.ndarray, indptr: np.ndarray, shape: tuple[int, int], dt: Any) -> sparse.csr_matrix:
    """A CSR matrix of ``dt`` cells from renumbered (unsorted) columns, each row sorted by column."""
    matrix = sparse.csr_matrix((np.asarray(data).astype(dt, copy=False), np.asarray(indices).astype(dt, copy=False),
                                np.asarray(indptr)), shape=shape)
    matrix.has_sorted_indices = False
    matrix.sort_indices()
    return matrix


def joined_ids(parts: Sequence[pd.Index]) -> pd.Index:
    """The doc_ids of the shards, in order, as one index."""
    return parts[0].append(list(parts[1:])) if parts else pd.Index([], dtype="str")


def checked_ids(parts: Sequence[pd.Index]) -> pd.Index:
    """:func:`joined_ids`, refused when a doc_id occurs twice."""
    ids = joined_ids(parts)
    if _n_distinct(ids) != len(ids):
        raise ConfigError("a doc_id occurs in two shards: doc_ids must be unique across the corpus")
    return ids


def _n_distinct(ids: pd.Index) -> int:
    """Distinct values of ``ids``, counted by Arrow (pandas would make a Python string of each)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    return int(pc.count_distinct(pa.array(ids.array, from_pandas=True)).as_py())


def aligned(docvars: pd.DataFrame | None, ids: Sequence[str]) -> pd.DataFrame:
    """``docvars`` (indexed by ``doc_id``) in the order of ``ids``: the frame itself when it is
    already in that order (no copy: docvars are never edited in place), else its rows taken."""
    if docvars is None:
        return pd.DataFrame(index=pd.Index(ids, name="doc_id"))
    if len(docvars) == len(ids) and docvars.index.equals(pd.Index(ids)):
        return docvars
    missing = [d for d in ids if d not in docvars.index]
    if missing:
        raise ConfigError(f"docvars lack the documents {missing[:3]}: give docvars indexed by doc_id")
    return docvars.loc[ids]


def release_memory() -> None:
    """Hand memory that is free but held back to the system: the blocks Arrow's pool keeps after
    pandas' string columns are built (when pyarrow is loaded) and glibc's free heap pages
    (``malloc_trim``; elsewhere nothing). Also fixes glibc's mmap threshold at 1 MB: by default
    glibc raises it each time a large block is freed, after which arrays of per-document values
    come from the heap and stay counted after they are freed. Called by a streamed run after it has
    indexed its corpus and after each stage; results do not depend on it."""
    arrow = sys.modules.get("pyarrow")
    if arrow is not None:
        arrow.default_memory_pool().release_unused()
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(_M_MMAP_THRESHOLD, 1 << 20)
        libc.malloc_trim(0)
    except (OSError, AttributeError):
        pass


_M_MMAP_THRESHOLD = -3        # glibc's mallopt parameter number (malloc.h)


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MB (``ru_maxrss``; run on each worker with
    ``client.run(peak_rss_mb)``)."""
    import resource
    import sys

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024


def write_jsonl(records: Sequence[dict[str, Any]], path: str | os.PathLike[str]) -> Path:
    """Write records as JSON Lines (UTF-8, one object per line); returns the path."""
    path = Path(path)
    with path.open("w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return path


__all__ = ["FileShard", "Scheduler", "ShardCounts", "CountMerger", "corpus_files", "count_shard", "iter_shards", "map_shards", "merge_counts", "parquet_shard",
           "peak_rss_mb", "plan_file_shards", "read_shard", "release_memory", "scheduler_client", "shard_records", "write_jsonl"]
