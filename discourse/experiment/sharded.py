"""Streaming runs: the corpus is read, tokenized, counted and coded shard by shard, in this process
or on Dask (``[compute]`` of an experiment; ``docs/scale.md``).

With streaming on (:func:`streaming_enabled`), ``validate`` reads the corpus once to check every
record and keeps only what the stages need of it (docvars, doc ids, character counts, where each
document lives: an :class:`IndexedCorpus`, without texts). The tokens stage then sends one task
per shard (:func:`shard_task`, through :func:`discourse.compute.iter_shards` and the configured
scheduler): the task reads its byte range of the corpus file, tokenizes the run's documents in it
(documents longer than ``compute.piece_chars`` in pieces cut at sentence boundaries) and returns
compact per-document counts for what the metrics ask for (term counts, n-gram counts, the span
counts of each collocation node, the sentence cells of each co-occurrence). The counts merge in
file order as the shards finish (:class:`ResultMerger`, so one shard's result is held at a time) into a :class:`~discourse.dtm.DocTermMatrix` and the count
objects of :mod:`discourse.metrics` (``CollocationCounts``, ``CooccurrenceCounts``), and the
metric functions compute their tables from them: the formulas stay in the metric modules, and
the tables are the bytes of the in-memory run. Frame coding runs shard by shard too
(:func:`code_labels`), returning the sentence labels.

>>> cfg = load_experiment("experiments/keyness_collocations.toml",
...                       overrides=['compute.streaming="on"', 'compute.scheduler="dask-local:2"'])  # doctest: +SKIP
"""
from __future__ import annotations

import dataclasses
import logging
import mmap
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

import numpy as np
import pandas as pd
from scipy import sparse

from ..compute import CountMerger, FileShard, aligned, checked_ids, release_memory, Scheduler, ShardCounts, corpus_files, iter_shards, peak_rss_mb, \
    plan_file_shards, scheduler_client, shard_records
from .._internal.diskcsr import DiskCSR
from ..cache import decode_arrays, write_arrays
from ..corpus import Corpus, Document
from ..errors import ConfigError, CorpusError

if TYPE_CHECKING:
    from ..dtm import DocTermMatrix
    from .config import ExperimentConfig
    from .context import Context

log = logging.getLogger("discourse.run")

#: the metric kinds a streaming run computes from merged counts
STREAMED_METRICS = ("keyness", "keyness_over", "frequency", "collocations", "cooccurrence", "crime_figures")
CODE_BATCH = 5000    # sentences a coder featurizes at once (its memory, not its results, depends on it)
_PIECE = "\x00"     # joins a document id and its piece number (never in a JSON Lines doc_id of ours)


# --- when to stream ------------------------------------------------------------------------------
def streaming_enabled(cfg: "ExperimentConfig") -> bool:
    """Does this run stream? ``compute.streaming`` ``"on"``/``"off"``, or ``"auto"``: yes with a Dask
    scheduler, with a folder of ``part-*.jsonl`` files, or with a corpus above
    ``compute.stream_above_mb`` megabytes."""
    c = cfg.compute
    if c.streaming != "auto":
        return c.streaming == "on"
    if Scheduler.parse(c.scheduler).kind != "local":
        return True
    files = _jsonl_files(cfg.corpus.path)
    if not files:
        return False
    return files[0].name.startswith("part-") or sum(f.stat().st_size for f in files) > c.stream_above_mb * 1e6


def _jsonl_files(path: str) -> list[Path]:
    """The corpus's JSON Lines files, or [] for a corpus that is not one (a folder of text files)."""
    try:
        return corpus_files(path)
    except CorpusError:
        return []


# --- the corpus without its texts ------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class ShardTask:
    """One task: the documents of a run found in ``shard``, by line number (in file order), as
    arrays (NumPy line numbers, the doc_ids as a slice of the docvars index: no Python object per
    document while the tasks wait)."""

    shard: FileShard
    lines: Sequence[int]
    doc_ids: Sequence[str]


@dataclass(frozen=True, eq=False)
class _Where:
    """Where the indexed documents live, one entry per document in file order (NumPy arrays, no
    object per document): shard number, line, characters and the sha256 of the text."""

    shards: tuple[FileShard, ...]
    shard: np.ndarray          # int32
    line: np.ndarray           # int64
    n_chars: np.ndarray        # int64
    digest: np.ndarray         # uint8, one row of 32 bytes per document: sha256 of its text
    pages: Any = None          # the memory map the arrays are views of (:func:`mapped_arrays`), or None


class ShardTextSequence(Sequence[str]):
    """The texts of an :class:`IndexedCorpus`, read from the corpus files when iterated (one shard at
    a time, so iterating holds one shard's texts in memory, not the corpus's)."""

    def __init__(self, corpus: "IndexedCorpus"):
        self._corpus = corpus

    def __len__(self) -> int:
        return len(self._corpus)

    def __iter__(self) -> Iterator[str]:
        for task in self._corpus.tasks():
            yield from (d.text for d in read_documents(task))

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return list(self)[i]
        c = self._corpus
        r = c._rows[i]
        task = ShardTask(c.index.shards[c.index.shard[r]], c.index.line[[r]], c._docvars.index[[i]])
        return read_documents(task)[0].text


class IndexedCorpus(Corpus):
    """A corpus read for its docvars only, held as columns (the docvars table and NumPy arrays, no
    :class:`Document` per document, so a corpus of 10^5-10^6 documents costs some 100 bytes each;
    from :data:`MAPPED_DOCS` documents on, the docvars and these arrays are memory-mapped files,
    :func:`mapped_frame` and :func:`mapped_arrays`):
    ``texts`` reads the texts back from the files, shard by shard, when iterated; each document's
    shard and line, character count and content key are kept (:meth:`tasks`). Iterating yields
    documents without text, made on access. ``subset`` and ``group`` keep the index."""

    def __init__(self, docvars: pd.DataFrame, problems: Sequence[Any] = (), *, index: _Where,
                 rows: np.ndarray | None = None):
        self._docvars, self._pages = mapped_frame(docvars)
        self._problems = tuple(problems)
        self.index = index
        self._rows = np.arange(len(docvars)) if rows is None else rows

    def __repr__(self) -> str:
        skipped = f", {len(self.problems)} problems" if self.problems else ""
        return f"<IndexedCorpus: {len(self)} documents, {sum(self.n_chars)} characters in {len(self.tasks())} shards{skipped}>"

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, key: int | str) -> Document:
        if isinstance(key, str):
            where = self._docvars.index.get_indexer([key])[0]
            if where < 0:
                raise KeyError(key)
            key = int(where)
        return _document(self._docvars.index[key], self._docvars.iloc[key])

    @property
    def _docs(self) -> tuple[Document, ...]:  # type: ignore[override]
        """The documents (without text), made from the docvars when asked for."""
        return tuple(_document(doc_id, row) for doc_id, row in self._docvars.iterrows())

    @property
    def doc_ids(self) -> list[str]:
        return self._docvars.index.tolist()

    @property
    def texts(self) -> ShardTextSequence:  # type: ignore[override]
        return ShardTextSequence(self)

    @property
    def n_chars(self) -> list[int]:
        """Characters of each document's text."""
        return self.index.n_chars[self._rows].tolist()

    def content_digest(self, block: int = 1 << 16) -> str:
        """:meth:`Corpus.content_digest` from the index (the same digest as the in-memory corpus's),
        made ``block`` documents at a time."""
        from ..corpus import _digest_lines

        def lines() -> Iterator[str]:
            ids, languages = self._docvars.index, self._docvars["language"]
            for start in range(0, len(self), block):
                part = slice(start, start + block)
                digests = self.index.digest[self._rows[part]]
                yield from (f"{d}:{lang}:{h.tobytes().hex()}" for d, lang, h in
                            zip(ids[part].tolist(), languages.iloc[part].tolist(), digests))
        return _digest_lines(lines())

    def release_pages(self) -> None:
        """Drop the pages of the memory-mapped docvars and index arrays that this process has read
        (they are read from the file again when next used); nothing when they are in memory."""
        for pages in (self._pages, self.index.pages):
            if pages is not None and hasattr(pages, "madvise"):
                pages.madvise(mmap.MADV_DONTNEED)

    def _take(self, keep: np.ndarray) -> "IndexedCorpus":
        if keep.dtype == bool and keep.all():      # nothing dropped: the same corpus, no copy of its docvars
            return self
        return IndexedCorpus(self._docvars[keep], self._problems, index=self.index, rows=self._rows[keep])

    def tasks(self) -> list[ShardTask]:
        """One :class:`ShardTask` per shard holding documents of this corpus, in file order."""
        shard, line = self.index.shard[self._rows], self.index.line[self._rows]
        order = np.lexsort((line, shard))
        ids = self._docvars.index
        tasks = []
        for k in np.unique(shard).tolist():
            here = order[shard[order] == k]
            tasks.append(ShardTask(self.index.shards[k], line[here], ids[here]))
        return tasks


#: an index of at least this many documents keeps its docvars and arrays in memory-mapped files
MAPPED_DOCS = 10_000


def mapped_frame(frame: pd.DataFrame) -> tuple[pd.DataFrame, mmap.mmap | None]:
    """``(frame, pages)``: ``frame`` written to an Arrow file in a :func:`spill_folder` and read back
    memory-mapped, so that its columns are pages of that file, read when a step uses them and
    dropped by :meth:`IndexedCorpus.release_pages`, not memory the run holds whatever it does.
    The same frame in memory (``pages`` None) below :data:`MAPPED_DOCS` rows, or when a column
    would not come back with its dtype (Python objects of mixed types)."""
    if len(frame) < MAPPED_DOCS or frame.empty:
        return frame, None
    import pyarrow as pa

    try:
        table = pa.Table.from_pandas(frame, preserve_index=True)
    except (pa.ArrowException, TypeError, ValueError):
        return frame, None
    path = spill_folder() / "docvars.arrow"
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    del table
    pages = _read_only_map(path)
    back = pa.ipc.open_file(pa.BufferReader(pa.py_buffer(pages))).read_all().to_pandas()
    if list(back.dtypes) != list(frame.dtypes) or back.index.dtype != frame.index.dtype:
        return frame, None
    return back, pages


def mapped_arrays(**arrays: np.ndarray) -> tuple[dict[str, np.ndarray], mmap.mmap | None]:
    """``(arrays, pages)``: the arrays written to a checked array file
    (:func:`~discourse.cache.write_arrays`) in a :func:`spill_folder` and given back as read-only
    views of its memory map (as :func:`mapped_frame` does for a table); the same arrays and None
    below :data:`MAPPED_DOCS` rows."""
    n = len(next(iter(arrays.values())))
    if n < MAPPED_DOCS or not n:
        return arrays, None
    path = write_arrays(spill_folder() / "arrays.bin", arrays)
    pages = _read_only_map(path)
    return decode_arrays(pages)[0], pages


def _read_only_map(path: Path) -> mmap.mmap:
    """The file at ``path`` memory-mapped read-only (it stays mapped after the file is closed)."""
    with open(path, "rb") as fh:
        return mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)


def _document(doc_id: str, row: pd.Series) -> Document:
    """A document without text from its docvars row (missing extras left out)."""
    from ..corpus import META_FIELDS, _is_missing

    meta = {k: row[k] for k in META_FIELDS if k in row.index}
    extra = {k: v for k, v in row.items() if k not in META_FIELDS and k != "year" and not _is_missing(v)}
    year = None if _is_missing(row["year"]) else int(row["year"])
    return Document(doc_id, "", **meta, extra=extra, year=year)


def index_corpus(path: str | Path, *, strict: bool = False, shard_bytes: int = 4 << 20) -> IndexedCorpus:
    """Read and check every record of a JSON Lines corpus (a file, a folder with ``corpus.jsonl`` or
    a folder of ``part-*.jsonl`` files) as :func:`discourse.read_corpus` does (same checks, same
    problems, duplicates across the whole corpus), keeping the docvars but not the texts.

    >>> index_corpus("corpora/demo", shard_bytes=100_000).tasks()[0].shard.stop  # doctest: +SKIP
    """
    from ..corpus import DocvarColumns
    from ..load import _build, _schema, _Seen, _warn

    files = corpus_files(path)
    rules, seen = _schema(None, files[0]), _Seen()
    shards = tuple(plan_file_shards(path, target_bytes=shard_bytes))
    columns = DocvarColumns()
    problems: list[Any] = []
    shard, line, n_chars, digest = [], [], [], []
    for k, part_shard in enumerate(shards):
        for record in shard_records(part_shard):
            part = _build(iter([record]), strict, schema=rules, seen=seen)
            problems.extend(part.problems)
            for doc in part:
                columns.add(doc)
                shard.append(k), line.append(record[1]), n_chars.append(len(doc.text))
                digest.append(bytes.fromhex(doc.content_hash))
    del seen
    arrays, pages = mapped_arrays(shard=np.asarray(shard, np.int32), line=np.asarray(line, np.int64),
                                  n_chars=np.asarray(n_chars, np.int64),
                                  digest=np.frombuffer(b"".join(digest), np.uint8).reshape(-1, 32))
    del shard, line, n_chars, digest
    where = _Where(shards, **arrays, pages=pages)
    corpus = IndexedCorpus(columns.frame(), problems, index=where)
    del columns
    release_memory()
    _warn(corpus, files[0] if len(files) == 1 else Path(path))
    return corpus


def read_documents(task: ShardTask) -> list[Document]:
    """The documents of one task, read from its shard (validated when the corpus was indexed)."""
    from ..corpus import document_from_record

    lines = np.asarray(task.lines).tolist()
    docs = [document_from_record(rec, path, line) for path, line, rec in shard_records(task.shard, set(lines))]
    if [d.doc_id for d in docs] != list(task.doc_ids):
        raise CorpusError(f"{task.shard.path}: the documents at lines {lines[:3]}... changed since the corpus was "
                          "read: do not edit a corpus file during a run")
    return docs


# --- what each shard computes ------------------------------------------------------------------------
@dataclass(frozen=True)
class ShardJob:
    """What every shard task computes (the same for all shards of a run).

    ``tokenize``: settings of :func:`discourse.tokenize.tokenize`; ``ngrams``: n-gram lengths to
    count (besides the terms); ``collocations``: ``(key, node, window, valuetype)``;
    ``cooccurrence``: ``(key, a terms, b terms)``; ``coder``: a frame coder with ``code_corpus``
    (labels only, no tokens); ``keep_text``: keep the sentence text in the labels;
    ``piece_chars``: longer documents are processed in pieces."""

    tokenize: dict[str, Any] = field(default_factory=dict)
    count: bool = True
    ngrams: tuple[int, ...] = ()
    collocations: tuple[tuple[str, Any, tuple[int, int], str], ...] = ()
    cooccurrence: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = ()
    coder: Any = None
    keep_text: bool = True
    piece_chars: int = 200_000


@dataclass(frozen=True, eq=False)
class ShardResult:
    """What one shard task returns: per-document counts (rows in the task's document order) and
    sentence labels, with the shard's characters, seconds and the worker's peak memory (MB)."""

    doc_ids: tuple[str, ...]
    counts: ShardCounts | None = None
    ngrams: dict[int, ShardCounts] = field(default_factory=dict)
    spans: dict[str, tuple[ShardCounts, np.ndarray]] = field(default_factory=dict)
    cells: dict[str, np.ndarray] = field(default_factory=dict)
    labels: pd.DataFrame | None = None
    n_chars: int = 0
    seconds: float = 0.0
    peak_rss_mb: float = 0.0


def split_pieces(docs: Sequence[Document], piece_chars: int) -> tuple[list[Document], np.ndarray, list[int]]:
    """Documents longer than ``piece_chars`` cut into pieces at sentence boundaries
    (:func:`discourse.text.sentence_spans`). Returns the pieces (ids ``<doc_id>\\x00<k>``; a short
    document is its own piece), the document number of each piece and each piece's start offset."""
    from ..text import sentence_spans

    pieces, owner, starts = [], [], []
    for i, doc in enumerate(docs):
        if len(doc.text) <= piece_chars:
            pieces.append(doc), owner.append(i), starts.append(0)
            continue
        cuts, last = [0], 0
        for s, _ in sentence_spans(doc.text, doc.language or "ja"):
            if s - last >= piece_chars and s > last:
                cuts.append(s)
                last = s
        bounds = list(zip(cuts, cuts[1:] + [len(doc.text)]))
        for k, (s, e) in enumerate(bounds):
            pieces.append(dataclasses.replace(doc, doc_id=f"{doc.doc_id}{_PIECE}{k}", text=doc.text[s:e]))
            owner.append(i), starts.append(s)
    return pieces, np.asarray(owner, dtype=np.int64), starts


#: a process's tokenizers are remade between shards once they have numbered this many terms: about
#: two shards' worth of new terms on text full of numbers and names, so the tables hold the same at
#: every corpus size (measured: remaking them costs some 0.3 s of CPU per shard of 1.2 M characters)
TERMS_LIMIT = 30_000


def forget_vocabularies(limit: int | None = None) -> None:
    """Drop this process's tokenizers (the counting ones and the frame coders') whose term table
    holds more than ``limit`` terms, and the coders' sentence cache: between two shards nothing
    refers to their term numbers, and a corpus that keeps bringing new terms (numbers with units,
    names) would otherwise grow them shard after shard. The next shard makes new ones (the MeCab
    taggers, which hold the dictionary, are kept)."""
    from ..framing import _tok
    from ..tokenize import shards as tok_shards

    limit = TERMS_LIMIT if limit is None else limit
    for key, tools in list(tok_shards._TOOLS.items()):
        if len(tools["ja"].terms) > limit:
            del tok_shards._TOOLS[key]
    if _tok._tokenizer.cache_info().currsize and any(len(_tok._tokenizer(lang).terms) > limit for lang in ("ja", "en")):
        _tok._tokenizer.cache_clear()
    _tok._CACHE.clear()          # sentences of a shard never come back: the coders' sentence cache only grows


def shard_task(task: ShardTask, *, job: ShardJob) -> ShardResult:
    """Read, tokenize, count and code the documents of one shard (runs on a Dask worker or here)."""
    forget_vocabularies()
    t0 = time.perf_counter()
    docs = read_documents(task)
    pieces, owner, starts = split_pieces(docs, job.piece_chars)
    pool = sparse.csr_matrix((np.ones(len(owner), dtype=np.int64), (owner, np.arange(len(owner)))), shape=(len(docs), len(owner)))
    out: dict[str, Any] = {}
    if job.count:
        out.update(_count(Corpus(pieces), pool, task.doc_ids, job))
    if job.coder is not None:
        out["labels"] = _code(job.coder, Corpus(pieces), docs, owner, starts, job.keep_text)
    return ShardResult(task.doc_ids, n_chars=sum(len(d.text) for d in docs), seconds=time.perf_counter() - t0,
                       peak_rss_mb=peak_rss_mb(), **out)


def _count(pieces: Corpus, pool: sparse.csr_matrix, doc_ids: tuple[str, ...], job: ShardJob) -> dict[str, Any]:
    from ..dtm import DocTermMatrix
    from ..metrics.association import doc_cells
    from ..metrics.collocations import span_counts
    from ..tokenize import tokenize

    tokens = tokenize(pieces, **{**job.tokenize, "cache_dir": False, "progress": False, "n_jobs": 1})
    out: dict[str, Any] = {"counts": _compact(pool @ DocTermMatrix._from_one(tokens).matrix, tokens.vocab, doc_ids)}
    out["ngrams"] = {n: _compact(pool @ DocTermMatrix._from_one(tokens.ngrams(n)).matrix, tokens.ngrams(n).vocab, doc_ids)
                     for n in job.ngrams}
    spans = {}
    for key, node, window, valuetype in job.collocations:
        matrix, node_freq = span_counts(tokens, node, window=window, valuetype=valuetype)
        spans[key] = (_compact(pool @ matrix, tokens.vocab, doc_ids), _pooled(pool, node_freq).astype(np.int64))
    out["spans"] = spans
    out["cells"] = {key: _pooled(pool, doc_cells(tokens, list(a), list(b))) for key, a, b in job.cooccurrence}
    return out


def _pooled(pool: sparse.csr_matrix, values: np.ndarray) -> np.ndarray:
    """Sum the rows of the pieces of each document (integers stay exact)."""
    return np.asarray(pool @ values).astype(values.dtype)


def _compact(matrix: sparse.spmatrix, vocab: Sequence[str], doc_ids: tuple[str, ...]) -> ShardCounts:
    """A documents x vocabulary count matrix as :class:`ShardCounts` over its used terms, sorted."""
    matrix = sparse.csr_matrix(matrix)
    used = np.flatnonzero(np.asarray(matrix.sum(axis=0)).ravel() > 0)
    names = np.array(vocab, dtype=object)[used]
    order = np.argsort(names, kind="stable")
    X = sparse.csr_matrix(matrix[:, used[order]], dtype=np.int64)
    X.eliminate_zeros()
    X.sort_indices()
    return ShardCounts(doc_ids, tuple(names[order]), X.indptr.astype(np.int64), X.indices.astype(np.int32),
                       X.data.astype(np.int32))


def _code(coder: Any, pieces: Corpus, docs: Sequence[Document], owner: np.ndarray, starts: list[int],
          keep_text: bool) -> pd.DataFrame:
    """The coder's sentence labels of the pieces, with the documents' ids, sentence ids and offsets;
    summed per document (:func:`~discourse.metrics.prevalence.document_counts`, as 32-bit counts)
    unless the text is kept (the framed share reads it)."""
    labels = coder.code_corpus(pieces, batch_size=CODE_BATCH).labels
    if len(pieces) != len(docs):
        piece = {p.doc_id: k for k, p in enumerate(pieces)}
        k = labels["doc_id"].map(piece).to_numpy()
        labels["doc_id"] = [docs[i].doc_id for i in owner[k]]
        shift = np.asarray(starts, dtype=np.int64)[k]
        labels["start"], labels["end"] = labels["start"] + shift, labels["end"] + shift
        n = labels.groupby("doc_id", sort=False).cumcount().to_numpy()
        labels["sent_id"] = [f"{d}:{i:03d}" for d, i in zip(labels["doc_id"], n)]
    if keep_text:
        return labels
    from ..metrics.prevalence import document_counts

    counts = document_counts(labels, [c for c in labels.columns if c not in ("doc_id", "sent_id", "start", "end", "text")])
    return counts.astype({c: np.int32 for c in counts.columns if c != "doc_id"})   # held for every document of the run


# --- running and merging -----------------------------------------------------------------------------
def iter_tasks(tasks: Sequence[ShardTask], job: ShardJob, scheduler: str,
               stats: dict[str, float] | None = None) -> Iterator[ShardResult]:
    """:func:`shard_task` for every task, on the scheduler, yielded in file order as they are done;
    ``stats`` receives, once all are done, the shard count, the corpus characters and the peak
    memory of the workers (MB)."""
    n = chars = 0
    peaks = [0.0]
    with scheduler_client(scheduler) as client:
        for result in iter_shards(shard_task, tasks, scheduler, client=client, job=job):
            n, chars = n + 1, chars + result.n_chars
            peaks.append(result.peak_rss_mb)
            yield result
        peaks += list(client.run(peak_rss_mb).values()) if client is not None else []
    if stats is not None:
        stats.update(shards=n, chars=chars, worker_peak_rss_mb=max(peaks))


@dataclass(frozen=True, eq=False)
class MergedCounts:
    """The merged results of a streaming run: the count matrix of the documents, the n-gram
    matrices, and the count objects of the collocation and co-occurrence metrics (by table name)."""

    dtm: "DocTermMatrix | None"
    ngrams: dict[int, "DocTermMatrix"]
    collocations: dict[str, Any]
    cooccurrence: dict[str, Any]


class ResultMerger:
    """Merges the shards' results in file order as they arrive (:class:`~discourse.compute.CountMerger`
    for every count matrix), keeping the coders' labels; :meth:`result` gives the
    :class:`MergedCounts`. ``spill``: a folder for the count matrices' cells (each becomes a
    :class:`~discourse._internal.diskcsr.DiskCSR` in a subfolder), else they are held in memory."""

    def __init__(self, job: ShardJob, spill: Path | None = None):
        self.job = job

        def merger(name: str) -> CountMerger:
            return CountMerger(None if spill is None else spill / name, keep_ids=False)   # self.ids serves them all

        self.counts = merger("counts")
        self.ngrams = {n: merger(f"ngrams-{n}") for n in job.ngrams}
        self.spans: dict[str, tuple[CountMerger, list[np.ndarray]]] = {
            key: (merger(f"span-{k}"), []) for k, (key, *_) in enumerate(job.collocations)}
        self.cells: dict[str, list[np.ndarray]] = {key: [] for key, *_ in job.cooccurrence}
        self.labels: list[pd.DataFrame] = []
        self.ids: list[pd.Index] = []

    def add(self, r: ShardResult) -> None:
        self.ids.append(pd.Index(r.doc_ids))
        if self.job.count:
            self.counts.add(r.counts)
        for n, merger in self.ngrams.items():
            merger.add(r.ngrams[n])
        for key, (merger, freq) in self.spans.items():
            merger.add(r.spans[key][0])
            freq.append(r.spans[key][1])
        for key, parts in self.cells.items():
            parts.append(r.cells[key])
        if r.labels is not None and len(r.labels):
            self.labels.append(r.labels)

    def result(self, docvars: pd.DataFrame) -> MergedCounts:
        from ..metrics.association import CooccurrenceCounts
        from ..metrics.collocations import CollocationCounts

        ids = checked_ids(self.ids)
        frame = aligned(docvars, ids)
        dtm = self.counts.result(frame, compact=True, ids=ids) if self.job.count else None
        ngrams = {n: m.result(frame, compact=True, ids=ids) for n, m in self.ngrams.items()}
        colls = {}
        for key, node, window, valuetype in self.job.collocations:
            merger, freq = self.spans[key]
            span = merger.result(frame, vocab=dtm.vocab, compact=True, ids=ids).matrix
            colls[key] = CollocationCounts(dtm, span, np.concatenate(freq) if freq else np.zeros(0, np.int64),
                                           node, window, valuetype)
        cells = {key: CooccurrenceCounts(np.vstack(self.cells[key]) if self.cells[key] else np.zeros((0, 4)),
                                         frame, tuple(a), tuple(b)) for key, a, b in self.job.cooccurrence}
        return MergedCounts(dtm, ngrams, colls, cells)


# --- the stages' streaming paths -------------------------------------------------------------------------
def is_streamed(ctx: "Context") -> bool:
    """Is this run's corpus an :class:`IndexedCorpus` (streaming on)?"""
    return isinstance(ctx.results.get("corpus"), IndexedCorpus)


def give_back(ctx: "Context") -> None:
    """In a streamed run, hand the memory a step has freed back to the system
    (:func:`~discourse.compute.release_memory`): called between stages and between the framing
    stage's steps on per-document arrays, which otherwise leave their pages to the next step."""
    if is_streamed(ctx):
        release_memory()
        ctx.results["corpus"].release_pages()


def metric_job(ctx: "Context") -> ShardJob:
    """The counts the run's metrics need, from ``[[metrics]]`` and ``[tokenize]``."""
    from ..metrics.association import resolve_terms
    from .stages import metric_table_name

    settings = dataclasses.asdict(ctx.cfg.tokenize)
    settings["user_terms"] = list(settings["user_terms"]) or None
    ngrams, colls, cooc = set(), [], []
    for spec in ctx.cfg.metrics:
        p, key = spec.params, metric_table_name(spec)
        if spec.kind == "frequency" and int(p.get("n", 1)) != 1:
            ngrams.add(int(p["n"]))
        elif spec.kind == "collocations":
            window = p.get("window", (5, 5))
            window = (window, window) if isinstance(window, int) else tuple(window)
            colls.append((key, p["node"], window, p.get("valuetype", "glob")))
        elif spec.kind == "cooccurrence":
            cooc.append((key, tuple(resolve_terms(p["a"], "a")), tuple(resolve_terms(p["b"], "b"))))
    return ShardJob(settings, True, tuple(sorted(ngrams)), tuple(colls), tuple(cooc),
                    piece_chars=ctx.cfg.compute.piece_chars)


def early_coder(cfg: "ExperimentConfig") -> tuple[str, Any]:
    """``(labels source, coder)`` when the framing stage will count the labels of a coder that needs
    no training (``dictionary``, ``pretrained``): the shards code their sentences while they are
    read for counting. ``("", None)`` otherwise."""
    f = cfg.framing
    if not f.enabled or f.prevalence_labels not in ("dictionary", "pretrained"):
        return "", None
    if f.prevalence_labels == "pretrained":
        from ..framing import FramingClassifier

        return "pretrained", FramingClassifier.pretrained()
    from ..framing import load_codebook
    from ..framing.dictionary import DictionaryCoder

    return "dictionary", DictionaryCoder(codebook=load_codebook(f.codebook or None))


def stream_tokens(ctx: "Context") -> None:
    """The tokens stage of a streaming run: count (and, for the framing stage's dictionary or
    pretrained labels, code) every shard and merge (``ctx.results["counts"]``)."""
    corpus, stats = ctx.results["corpus"], {}
    source, coder = early_coder(ctx.cfg)
    job = dataclasses.replace(metric_job(ctx), coder=coder, keep_text=bool(ctx.cfg.framing.mention))
    t0 = time.perf_counter()
    merger = ResultMerger(job, spill_folder())
    for result in iter_tasks(corpus.tasks(), job, ctx.cfg.compute.scheduler, stats):
        merger.add(result)
    ctx.results["counts"] = merger.result(corpus._docvars)   # the corpus's own table (docvars are never edited in place)
    if coder is not None:
        ctx.results["streamed_labels"] = (source, _concat_labels(merger.labels, coder))
    ctx.cache_hits["tokens"] = False
    ctx.measures.update({"tokens_shards": int(stats["shards"]), "tokens_worker_peak_rss_mb": round(stats["worker_peak_rss_mb"], 1)})
    log.info("streamed %d shards (%d characters) in %.1f s on %s", stats["shards"], stats["chars"],
             time.perf_counter() - t0, ctx.cfg.compute.scheduler)


def spill_folder() -> Path:
    """A new folder under the cache (``$DISCOURSE_CACHE``, default ``.discourse-cache``) for the
    merged counts of a streamed run, removed when the process exits (each matrix removes its own
    files as soon as it is no longer used)."""
    import atexit
    import tempfile

    from ..cache import default_cache_dir

    root = default_cache_dir() / "spill"
    root.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="counts-", dir=root))
    atexit.register(shutil.rmtree, str(folder), True)
    return folder


def stream_metric(ctx: "Context", spec: Any, func: Callable[..., pd.DataFrame], params: dict[str, Any]) -> pd.DataFrame:
    """One ``[[metrics]]`` table of a streaming run, computed by the metric's own function from the
    merged counts."""
    from .stages import metric_table_name

    merged: MergedCounts = ctx.results["counts"]
    key = metric_table_name(spec)
    if spec.kind in ("keyness", "keyness_over"):
        return func(merged.dtm, **params)
    if spec.kind == "frequency":
        n = int(params.get("n", 1))
        table = func(merged.dtm if n == 1 else merged.ngrams[n], **{**params, "n": 1})
        table.attrs["n"] = n
        return table
    if spec.kind == "collocations":
        return func(merged.collocations[key], **params)
    if spec.kind == "cooccurrence":
        return func(merged.cooccurrence[key], **params)
    raise ConfigError(f"metrics kind {spec.kind!r} reads the tokens, which a streaming run does not hold: "
                      f"use one of {list(STREAMED_METRICS)} or set [compute] streaming = \"off\"")


def stream_dtm(ctx: "Context", keep: np.ndarray) -> tuple["DocTermMatrix", Any]:
    """The documents ``keep`` of the merged count matrix (unused terms dropped), and their corpus
    (whose ``texts`` the topics stage reads, shard by shard)."""
    dtm = ctx.results["counts"].dtm
    if isinstance(dtm.matrix, DiskCSR):       # the topic models read the whole matrix
        dtm = dataclasses.replace(dtm, matrix=dtm.matrix.to_csr())
    dtm = dtm.subset(keep)._drop_unused()
    return dtm, ctx.results["corpus"].subset(keep)


def code_labels(ctx: "Context", coder: Any, source: str = "") -> pd.DataFrame:
    """Sentence labels of the run's documents from ``coder.code_corpus``, shard by shard on the
    run's scheduler (the sentence text kept only when ``framing.mention`` needs it); the labels the
    tokens stage already coded for ``source`` when there are some."""
    done = ctx.results.pop("streamed_labels", None)
    if done is not None and source and done[0] == source:
        return done[1]
    corpus = ctx.results["corpus"]
    job = ShardJob(count=False, coder=coder, keep_text=bool(ctx.cfg.framing.mention), piece_chars=ctx.cfg.compute.piece_chars)
    merger = ResultMerger(job)
    for result in iter_tasks(corpus.tasks(), job, ctx.cfg.compute.scheduler):
        merger.add(result)
    return _concat_labels(merger.labels, coder)


def _concat_labels(parts: list[pd.DataFrame], coder: Any) -> pd.DataFrame:
    if not parts:
        return coder.code_corpus(Corpus([])).labels
    return pd.concat(parts, ignore_index=True)


def check_streaming(cfg: "ExperimentConfig", where: str) -> list[str]:
    """What a streaming run cannot do, as errors naming the key and the fix; the line ``validate`` prints."""
    for n, spec in enumerate(cfg.metrics):
        if spec.kind not in STREAMED_METRICS:
            raise ConfigError(f"{where}: metrics[{n}].kind = {spec.kind!r} needs the corpus tokens in memory, which a "
                              f"streaming run does not hold: set [compute] streaming = \"off\" or use one of "
                              f"{list(STREAMED_METRICS)}")
    if cfg.topics.enabled and cfg.topics.select_k:
        raise ConfigError(f"{where}: topics.select_k = {list(cfg.topics.select_k)} needs the tokens in memory (coherence): "
                          "set [compute] streaming = \"off\" or leave select_k empty")
    c = cfg.compute
    return [f"compute: streaming on {c.scheduler}, shards of {c.shard_bytes} bytes, pieces of {c.piece_chars} characters"]


__all__ = ["IndexedCorpus", "MergedCounts", "ResultMerger", "ShardJob", "ShardResult", "ShardTask", "check_streaming", "code_labels",
           "index_corpus", "iter_tasks", "metric_job", "read_documents", "shard_task", "split_pieces",
           "stream_dtm", "stream_metric", "stream_tokens", "streaming_enabled"]
