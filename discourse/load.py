"""Reading corpora: ``read_corpus(path)`` for a ``.jsonl`` file or a folder, and
``import_folder(folder)`` for a folder of source files described by ``metadata.csv``.

A folder holds ``corpus.jsonl``, or source files plus ``metadata.csv`` (one row per file:
``file`` and any docvars; ``doc_id`` defaults to the file name without extension), or JSON Lines
shards ``part-00000.jsonl``, ``part-00001.jsonl`` ... with a ``manifest.json`` listing each
shard's sha256, record count and size (written by :func:`write_shards`, e.g. by
``discourse fetch kokkai --shards DIR``; :func:`corpus_files` lists and checks them). It may hold a
``schema.toml`` (:mod:`discourse.schema`) with the study's rules for the docvars. Every problem
(bad JSON, a missing ``doc_id`` or ``text``, a value of the wrong type, a bad date or year, empty
text, duplicate doc_id, duplicate or near-duplicate text, unreadable source file, a file outside
the folder, a schema rule broken) is either fatal (``strict=True``) or reported in
``corpus.problems`` (a table: ``corpus.problems_frame()``), never dropped silently; one warning at
the end counts them by kind.

Example
-------
>>> from discourse.load import import_folder
>>> corpus = import_folder("press-releases/")  # doctest: +SKIP
>>> corpus.docvars[["encoding", "format", "file"]].head(1)  # doctest: +SKIP
"""
from __future__ import annotations

import csv
import hashlib
import heapq
import io
import json
import os
import re
import tempfile
import unicodedata
import warnings
from collections import defaultdict
from itertools import chain
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

import numpy as np

from .corpus import Corpus, Document, Problem, document_from_record, located_error
from .cache import atomic_write_text
from .errors import ConfigError, CorpusError, coded, where
from .schema import Schema, SchemaLike, load_schema, schema_beside
from .text import detect_language

Record = tuple[str, "int | None", "dict[str, Any] | Exception"]


def iter_jsonl(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line_number, record)`` lazily from a JSON Lines file (blank lines skipped);
    raise :class:`CorpusError` naming the file and line at the first bad line."""
    for n, record in _iter_lines(Path(path)):
        if isinstance(record, CorpusError):
            raise record
        yield n, record


def _iter_lines(path: Path) -> Iterator[tuple[int, dict[str, Any] | CorpusError]]:
    with path.open("rb") as fh:
        for n, raw in enumerate(fh, 1):
            if n == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield n, CorpusError(f"{where(path, n)}: not UTF-8 (byte {exc.start + 1} of the line): "
                                     "JSON Lines files must be UTF-8; re-save the file as UTF-8")
                continue
            if line.strip():
                yield n, _parse_line(line, path, n)


def _parse_line(line: str, path: Path, n: int) -> dict[str, Any] | CorpusError:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return CorpusError(f"{where(path, n)}: not valid JSON ({exc.msg} at column {exc.colno}): fix the line")
    if not isinstance(record, dict):
        return CorpusError(f"{where(path, n)}: expected a JSON object per line, got {type(record).__name__}")
    return record


def read_corpus(path: str | Path, *, strict: bool = False, schema: SchemaLike | None | bool = None) -> Corpus:
    """Load a corpus from a ``.jsonl`` file or a folder (see module docstring).

    Parameters
    ----------
    path : ``corpus.jsonl``, or a folder holding ``corpus.jsonl``, files + ``metadata.csv``, or
        shards ``part-*.jsonl`` + ``manifest.json`` (read in name order, checksums verified: see
        :func:`corpus_files`).
    strict : raise :class:`~discourse.errors.CorpusError` on the first problem instead of
        skipping the item and reporting it in ``corpus.problems``.
    schema : the study's rules for the docvars (:mod:`discourse.schema`): a ``Schema``, a dict or
        the path of a TOML file. Default: the ``schema.toml`` next to the corpus file, if any;
        ``False``: none.

    Returns
    -------
    Corpus : ``corpus.problems`` lists every skipped item (``corpus.problems_frame()`` as a table).

    >>> from discourse import read_corpus
    >>> corpus = read_corpus("corpora/demo")  # doctest: +SKIP
    >>> corpus = read_corpus("speeches.jsonl", schema={"fields": {"party": {"required": True}}})  # doctest: +SKIP
    """
    path = Path(path)
    if path.is_dir() and not (path / "corpus.jsonl").exists() and (path / "metadata.csv").exists():
        return _import(path, None, strict, schema)
    files = corpus_files(path)
    corpus = _build(files_records(files), strict, schema=_schema(schema, path))
    _warn(corpus, files[0] if len(files) == 1 else path)
    return corpus


def resolve_jsonl(path: str | Path) -> Path:
    """``path`` itself, or ``<path>/corpus.jsonl`` for a folder; :class:`CorpusError` when neither exists."""
    path = Path(path)
    if path.is_dir():
        if (path / "corpus.jsonl").exists():
            return path / "corpus.jsonl"
        raise CorpusError(f"{path}: folder has neither corpus.jsonl nor metadata.csv nor part-*.jsonl shards with "
                          f"{MANIFEST}: add one of them")
    if not path.exists():
        raise CorpusError(f"{path}: no such file or folder")
    return path


# --- shard folders: part-*.jsonl + manifest.json ------------------------------------------------
MANIFEST = "manifest.json"
SHARD_GLOB = "part-*.jsonl"
SHARD_FORMAT = "discourse-jsonl-shards"
DEFAULT_SHARD_BYTES = 64_000_000
_SORT_BUFFER_BYTES = 64_000_000


def shard_name(index: int) -> str:
    """File name of shard ``index``: ``part-00000.jsonl``, ``part-00001.jsonl`` ...

    >>> shard_name(12)
    'part-00012.jsonl'
    """
    return f"part-{index:05d}.jsonl"


def corpus_files(path: str | Path, *, verify: bool = True) -> list[Path]:
    """The JSON Lines files holding the corpus at ``path``, in reading order.

    This is the one place that says where a corpus's records are: :func:`read_corpus`,
    :func:`discourse.stream.iter_corpus` and the per-shard runners all read these files.

    Parameters
    ----------
    path : a ``.jsonl`` file (``[path]``); a folder holding ``corpus.jsonl`` (that file); or a
        shard folder (``part-*.jsonl`` with a ``manifest.json`` beside them, as written by
        :func:`write_shards`): the shards sorted by name.
    verify : compare each shard's size and sha256 with the manifest (reads every shard once).
        Without it only the list of shards is compared.

    Returns
    -------
    list of Path : one record per line in each file, as in a corpus JSONL.

    Raises
    ------
    CorpusError : nothing at ``path``; a shard folder without its manifest (an unfinished
        write), a shard missing, unlisted, of another size or sha256 than the manifest says.

    Examples
    --------
    >>> [p.name for p in corpus_files("diet-shards/")]  # doctest: +SKIP
    ['part-00000.jsonl', 'part-00001.jsonl']
    """
    path = Path(path)
    if path.is_dir() and not (path / "corpus.jsonl").exists() and _is_shard_folder(path):
        return _checked_shards(path, verify)
    return [resolve_jsonl(path)]


def _is_shard_folder(folder: Path) -> bool:
    return (folder / MANIFEST).exists() or any(folder.glob(SHARD_GLOB))


def read_manifest(folder: str | Path) -> dict[str, Any]:
    """The ``manifest.json`` of a shard folder (see :func:`write_shards` for its fields)."""
    folder = Path(folder)
    manifest = folder / MANIFEST
    if not manifest.exists():
        raise CorpusError(f"{folder}: has {SHARD_GLOB} shards but no {MANIFEST}: the write that made them did not "
                          "finish (shards are listed only when all are complete); run the same command again "
                          "(a fetch resumes from its page cache)")
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorpusError(f"{manifest}: not valid JSON ({exc}): write the folder again") from None
    shards = data.get("shards") if isinstance(data, dict) else None
    if data.get("format") != SHARD_FORMAT or not isinstance(shards, list) or not all(
            isinstance(s, dict) and {"file", "sha256", "n_bytes"} <= set(s) for s in shards):
        raise CorpusError(f"{manifest}: not a {SHARD_FORMAT} manifest (needs 'format' and a 'shards' list with "
                          "file, sha256 and n_bytes): write the folder again")
    return data


def _checked_shards(folder: Path, verify: bool) -> list[Path]:
    entries = read_manifest(folder)["shards"]
    listed = [entry["file"] for entry in entries]
    on_disk = sorted(p.name for p in folder.glob(SHARD_GLOB))
    fix = ("restore it from a copy, or write the folder again (e.g. the same 'discourse fetch kokkai ... --shards' "
           "command)")
    for name in listed:
        if name not in on_disk:
            raise CorpusError(f"{folder / name}: listed in {folder / MANIFEST} but missing: {fix}")
    for name in on_disk:
        if name not in listed:
            raise CorpusError(f"{folder / name}: not listed in {folder / MANIFEST} (left from another write?): "
                              "remove it, or write the folder again")
    if listed != sorted(listed):
        raise CorpusError(f"{folder / MANIFEST}: shards are not listed in name order: write the folder again")
    for entry in entries if verify else ():
        _check_shard(folder / entry["file"], entry, fix)
    return [folder / name for name in listed]


def _check_shard(path: Path, entry: Mapping[str, Any], fix: str) -> None:
    size = path.stat().st_size
    if size != entry["n_bytes"]:
        raise CorpusError(f"{path}: {size} bytes, but {MANIFEST} says {entry['n_bytes']} (the shard changed after it "
                          f"was written): {fix}")
    digest = _sha256_file(path)
    if digest != entry["sha256"]:
        raise CorpusError(f"{path}: sha256 {digest[:16]}... does not match {MANIFEST} ({str(entry['sha256'])[:16]}...; "
                          f"the shard changed after it was written): {fix}")


def _sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_shards(documents: Iterable[Document], folder: str | Path, *, shard_bytes: int = DEFAULT_SHARD_BYTES,
                 key: Callable[[Document], Sequence[str | int]] | None = None, order: str = "as given",
                 meta: Mapping[str, Any] | Callable[[], Mapping[str, Any]] | None = None,
                 sort_buffer_bytes: int = _SORT_BUFFER_BYTES) -> dict[str, Any]:
    """Write documents as a shard folder: ``part-00000.jsonl`` ... of at most ``shard_bytes`` bytes
    each (cut between records; a record longer than that gets a shard of its own) and
    ``manifest.json``.

    Documents are written as by :meth:`Corpus.to_jsonl <discourse.corpus.Corpus.to_jsonl>`, one
    per line. With ``key`` they are sorted by it first (an external merge sort: memory stays
    bounded by ``sort_buffer_bytes`` however many documents there are). Every shard is written
    under a temporary name; when all are complete, the old manifest is removed, the shards take
    their names, shards left from an earlier, longer write are removed and the manifest is written
    last. A write that is killed therefore never leaves a folder that reads as complete, and one
    that fails before the end leaves an earlier complete folder as it was.

    Parameters
    ----------
    documents : the documents (read once, lazily).
    folder : the shard folder (created; must not hold ``corpus.jsonl``, which would be read instead).
    shard_bytes : the largest shard, in bytes of UTF-8 JSON Lines.
    key : sort key of a document (a tuple of strings and integers); None keeps the given order.
    order : how the records are ordered, in words (recorded in the manifest).
    meta : more fields for the manifest (the query, the fetch date, the rules file ...), or a
        function returning them, called after the last document is read (for counts known only then).
    sort_buffer_bytes : how many bytes of records are sorted in memory at once.

    Returns
    -------
    dict : the manifest: ``format``, ``format_version``, ``n_records``, ``n_bytes``,
        ``shard_bytes``, ``order``, ``shards`` (one entry per file in name order: ``file``,
        ``n_records``, ``n_bytes``, ``sha256``, ``first_doc_id``, ``last_doc_id``), then ``meta``.

    Examples
    --------
    >>> manifest = write_shards(read_corpus("corpora/demo"), "demo-shards", shard_bytes=100_000)  # doctest: +SKIP
    >>> read_corpus("demo-shards").doc_ids == read_corpus("corpora/demo").doc_ids  # doctest: +SKIP
    True
    """
    if not isinstance(shard_bytes, int) or shard_bytes < 1:
        raise ConfigError(f"shard_bytes={shard_bytes!r}: give a shard size of 1 or more bytes, e.g. 64_000_000")
    folder = _shard_folder(Path(folder))
    spool = _Spool(folder, key, sort_buffer_bytes)
    written: list[tuple[Path, dict[str, Any]]] = []
    try:
        for doc in documents:
            spool.add(doc)
        written = _write_parts(spool.lines(), folder, shard_bytes)
    except BaseException:
        for tmp, _ in written:
            tmp.unlink(missing_ok=True)
        raise
    finally:
        spool.close()
    extra = dict((meta() if callable(meta) else meta) or {})
    entries = _publish(folder, written)
    manifest = {"format": SHARD_FORMAT, "format_version": 1, "n_records": sum(e["n_records"] for e in entries),
                "n_bytes": sum(e["n_bytes"] for e in entries), "shard_bytes": shard_bytes, "order": order,
                "shards": entries, **extra}
    atomic_write_text(folder / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
    return manifest


def _shard_folder(folder: Path) -> Path:
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"{folder}: is a file: give a folder for the shards (e.g. {folder.with_suffix('')}-shards/)")
    if (folder / "corpus.jsonl").exists():
        raise ConfigError(f"{folder}: holds corpus.jsonl, which readers would take instead of the shards: "
                          "give another folder")
    folder.mkdir(parents=True, exist_ok=True)
    for leftover in chain(folder.glob(".part-*.tmp"), folder.glob(".sort-*.tmp")):   # from a killed write
        leftover.unlink(missing_ok=True)
    return folder


class _Spool:
    """Collects JSON lines; with a sort key, sorts them in runs of ``buffer_bytes`` spilled to
    temporary files and merges the runs (heapq.merge) when read back."""

    def __init__(self, folder: Path, key: Callable[[Document], Sequence[str | int]] | None, buffer_bytes: int):
        self.folder, self.key, self.buffer_bytes = folder, key, max(1, buffer_bytes)
        self.buffer: list[tuple[list[Any], str, str]] = []
        self.size = 0
        self.runs: list[Path] = []
        self.unsorted: Path | None = None

    def add(self, doc: Document) -> None:
        line = json.dumps(doc.to_dict(), ensure_ascii=False) + "\n"
        sort_key = [*self.key(doc), doc.doc_id] if self.key is not None else []
        self.buffer.append((sort_key, doc.doc_id, line))
        self.size += len(line.encode("utf-8"))
        if self.size >= self.buffer_bytes:
            self._spill()

    def _spill(self) -> None:
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".sort-", suffix=".tmp")
        self.runs.append(Path(tmp))
        if self.key is not None:
            self.buffer.sort(key=lambda item: item[0])
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            for sort_key, doc_id, line in self.buffer:
                fh.write(json.dumps([sort_key, doc_id], ensure_ascii=False) + "\t" + line)
        self.buffer, self.size = [], 0

    def lines(self) -> Iterator[tuple[str, str]]:
        """``(doc_id, line)`` in order."""
        if not self.runs:
            if self.key is not None:
                self.buffer.sort(key=lambda item: item[0])
            yield from ((doc_id, line) for _, doc_id, line in self.buffer)
            return
        if self.buffer:
            self._spill()
        streams = [self._read_run(run) for run in self.runs]
        merged = heapq.merge(*streams, key=lambda item: item[0]) if self.key is not None else chain(*streams)
        yield from ((doc_id, line) for _, doc_id, line in merged)

    @staticmethod
    def _read_run(run: Path) -> Iterator[tuple[list[Any], str, str]]:
        with run.open(encoding="utf-8", newline="\n") as fh:
            for raw in fh:
                head, _, line = raw.partition("\t")
                sort_key, doc_id = json.loads(head)
                yield sort_key, doc_id, line

    def close(self) -> None:
        for run in self.runs:
            run.unlink(missing_ok=True)
        self.buffer = []


def _write_parts(lines: Iterator[tuple[str, str]], folder: Path, shard_bytes: int) -> list[tuple[Path, dict[str, Any]]]:
    """Write ``lines`` to temporary shard files of at most ``shard_bytes``; the list of
    ``(temporary path, manifest entry)`` (one empty shard when there are no lines)."""
    written: list[tuple[Path, dict[str, Any]]] = []
    part: _Part | None = None
    try:
        for doc_id, line in lines:
            data = line.encode("utf-8")
            if part is not None and part.n_bytes and part.n_bytes + len(data) > shard_bytes:
                written.append(part.close())
                part = None
            part = part or _Part(folder, len(written))
            part.write(doc_id, data)
        written.append((part or _Part(folder, 0)).close())
    except BaseException:
        if part is not None:
            part.discard()
        for tmp, _ in written:
            tmp.unlink(missing_ok=True)
        raise
    return written


class _Part:
    """One shard being written under a temporary name, hashed as it is written."""

    def __init__(self, folder: Path, index: int):
        self.name = shard_name(index)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{self.name}.", suffix=".tmp")
        self.tmp, self.fh = Path(tmp), os.fdopen(fd, "wb")
        self.digest = hashlib.sha256()
        self.n_bytes = self.n_records = 0
        self.first = self.last = ""

    def write(self, doc_id: str, data: bytes) -> None:
        self.fh.write(data)
        self.digest.update(data)
        self.n_bytes += len(data)
        self.n_records += 1
        self.first, self.last = self.first or doc_id, doc_id

    def close(self) -> tuple[Path, dict[str, Any]]:
        self.fh.close()
        os.chmod(self.tmp, 0o644)
        return self.tmp, {"file": self.name, "n_records": self.n_records, "n_bytes": self.n_bytes,
                          "sha256": self.digest.hexdigest(), "first_doc_id": self.first, "last_doc_id": self.last}

    def discard(self) -> None:
        self.fh.close()
        self.tmp.unlink(missing_ok=True)


def _publish(folder: Path, written: list[tuple[Path, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Give the complete shards their names: the old manifest goes first, stale shards last."""
    (folder / MANIFEST).unlink(missing_ok=True)
    names = set()
    for tmp, entry in written:
        os.replace(tmp, folder / entry["file"])
        names.add(entry["file"])
    for stale in folder.glob(SHARD_GLOB):
        if stale.name not in names:
            stale.unlink()
    return [entry for _, entry in written]


def _schema(schema: SchemaLike | None | bool, path: Path) -> Schema | None:
    if schema is False:
        return None
    if schema is None or schema is True:
        return schema_beside(path)
    return load_schema(schema)


def import_folder(folder: str | Path, metadata: str | Path | None = None, *, strict: bool = False,
                  schema: SchemaLike | None | bool = None) -> Corpus:
    """Build a corpus from the source files (text, HTML, PDF) listed in ``metadata.csv``.

    Each file is read with :func:`discourse.ingest.read_source` (encoding detection, main-text
    extraction, normalization). Its row gives the docvars (``doc_id`` defaults to the file name
    without extension, ``title`` to the file's own title, ``language`` to
    :func:`discourse.text.detect_language` of the text); ``file``, ``encoding`` and ``format``
    are added as extra docvars.

    Parameters
    ----------
    folder : the folder holding the source files (paths in ``metadata.csv`` are relative to it).
    metadata : the metadata table (default ``<folder>/metadata.csv``); UTF-8, UTF-8 with BOM or
        Shift_JIS/CP932 as saved by Excel.
    strict : raise on the first problem instead of skipping the row and reporting it.
    schema : as for :func:`read_corpus` (default: ``<folder>/schema.toml`` if there is one).

    Returns
    -------
    Corpus : with ``corpus.problems`` listing every skipped row (metadata.csv file and line,
        field, reason: unreadable file, a file outside the folder, duplicate or near-duplicate text ...).
        Source files in the folder that no row lists are reported there too (never fatal).

    Examples
    --------
    >>> corpus = import_folder("statements/", strict=True)  # doctest: +SKIP
    >>> corpus.docvars.loc["ijuren-2004", "encoding"]       # doctest: +SKIP
    'cp932'
    """
    return _import(Path(folder), metadata, strict, schema)


def _import(folder: Path, metadata: str | Path | None, strict: bool, schema: SchemaLike | None | bool) -> Corpus:
    if not folder.is_dir():
        raise CorpusError(f"{folder}: no such folder: give the folder that holds the source files")
    metadata = Path(metadata) if metadata is not None else folder / "metadata.csv"
    if not metadata.exists():
        raise CorpusError(f"{metadata}: no such file: write a metadata.csv with a 'file' column and the docvars")
    listed: set[str] = set()
    corpus = _build(_folder_records(folder, metadata, listed), strict, fuzzy=True, schema=_schema(schema, folder))
    unlisted = _unlisted_files(folder, metadata, listed)
    if unlisted:
        corpus = Corpus(corpus.documents, (*corpus.problems, *unlisted))
    _warn(corpus, folder, stacklevel=4)
    return corpus


def _jsonl_records(path: Path) -> Iterator[Record]:
    for n, record in _iter_lines(path):
        yield str(path), n, record


def files_records(files: Iterable[Path]) -> Iterator[Record]:
    """``(file, line, record or error)`` of every line of ``files`` in turn (the records of a
    corpus spread over shards, with each shard's own line numbers)."""
    return chain.from_iterable(_jsonl_records(Path(f)) for f in files)


def _folder_records(folder: Path, metadata: Path, listed: set[str] | None = None) -> Iterator[Record]:
    from .ingest import read_source

    for n, row in read_metadata(metadata):
        name, surplus = row.pop("file", ""), row.pop(None, None)
        if listed is not None and name:
            listed.add(str(Path(name)))
        if surplus:
            yield str(metadata), n, CorpusError(f"{where(metadata, n)}: field 'file': the row for {name!r} has "
                                                f"{len(row) + 1 + len(surplus)} values for {len(row) + 1} columns: "
                                                "quote values that contain commas")
            continue
        if not name:
            yield str(metadata), n, CorpusError(f"{where(metadata, n)}: field 'file' is empty: name the source file")
            continue
        if not _inside(folder, name):
            yield str(metadata), n, located_error(
                where(metadata, n), "file", coded("E105", value=name, folder=folder),
                "copy the file into the folder and give its path relative to the folder")
            continue
        try:
            source = read_source(folder / name)
        except CorpusError as exc:
            yield str(metadata), n, CorpusError(f"{where(metadata, n)}: field 'file': {exc}")
            continue
        record = {"doc_id": Path(name).stem, "title": source.title, "language": detect_language(source.text),
                  **{k: v for k, v in row.items() if v != ""}}
        record.update(text=source.text, file=name, encoding=source.encoding, format=source.format)
        yield str(metadata), n, record


def _inside(folder: Path, name: str) -> bool:
    """Whether ``folder/name`` (symbolic links followed) is inside ``folder``."""
    return (folder / name).resolve().is_relative_to(folder.resolve())


def read_metadata(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Rows of a ``metadata.csv`` with their line numbers; needs a ``file`` column.

    The file may be UTF-8 (BOM allowed) or a legacy Japanese encoding (Excel's CP932), detected
    as for source files. Values are stripped; surplus values of a row that has more values than
    the header are kept under the key ``None`` (as :class:`csv.DictReader` does).
    """
    from .ingest.text import decode_bytes

    path = Path(path)
    text, _ = decode_bytes(path.read_bytes(), path)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if "file" not in (reader.fieldnames or []):
        raise CorpusError(f"{where(path, 1)}: metadata.csv needs a 'file' column naming each source file "
                          f"(has {reader.fieldnames})")
    for row in reader:
        yield reader.line_num, {k: (v or "").strip() if k is not None else v for k, v in row.items()}


def _unlisted_files(folder: Path, metadata: Path, listed: set[str]) -> list[Problem]:
    from .ingest import SOURCE_SUFFIXES

    out = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() in SOURCE_SUFFIXES and path.name not in listed and not path.name.startswith("."):
            problem, fix = f"field 'file': not listed in {metadata}", "add a row for it (or move it out of the folder)"
            out.append(Problem(str(path), None, "file", f"{path}: {problem}: {fix}", problem=problem, fix=fix))
    return out


def _build(records: Iterator[Record], strict: bool, *, fuzzy: bool = False, schema: Schema | None = None,
           seen: "_Seen | None" = None) -> Corpus:
    """Validate each record (the one place where records become documents, for files, folders and
    streamed batches): fields and types, the schema, then duplicates against ``seen``."""
    docs: list[Document] = []
    problems: list[Problem] = []
    seen = seen if seen is not None else _Seen(fuzzy)
    for path, line, record in records:
        try:
            if isinstance(record, Exception):
                raise record
            doc = document_from_record(record, path, line)
            if schema is not None:
                schema.check(doc, where(path, line))
            seen.check(doc, where(path, line))
        except CorpusError as exc:
            if strict:
                raise
            problems.append(_problem(exc, path, line, record))
            continue
        docs.append(doc)
    return Corpus(docs, problems)


def summarize_problems(problems: Sequence[Problem], source: object) -> str:
    """One paragraph counting ``problems`` by kind (field and message code), with the first of each.

    >>> p = Problem("c.jsonl", 2, "side", "c.jsonl line 2: [E106] field 'side': ...")
    >>> print(summarize_problems([p, p], "c.jsonl"))
    2 item(s) skipped while reading c.jsonl (see corpus.problems, or corpus.problems_frame() as a table):
      2 x field 'side' [E106], first: c.jsonl line 2: [E106] field 'side': ...
    """
    kinds: dict[str, list[Problem]] = defaultdict(list)
    for p in problems:
        kinds[p.kind].append(p)
    lines = [f"  {len(items)} x {kind}, first: {_clip(items[0].message)}"
             for kind, items in sorted(kinds.items(), key=lambda kv: -len(kv[1]))]
    return (f"{len(problems)} item(s) skipped while reading {source} (see corpus.problems, or "
            "corpus.problems_frame() as a table):\n" + "\n".join(lines))


def _clip(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _warn(corpus: Corpus, source: object, stacklevel: int = 3) -> None:
    """One warning for all the problems of a load (not one per line)."""
    if corpus.problems:
        warnings.warn(summarize_problems(corpus.problems, source), stacklevel=stacklevel)


class _Seen:
    """doc_ids, exact texts, layout-insensitive texts and (``fuzzy``) MinHash signatures seen so far."""

    def __init__(self, fuzzy: bool = False) -> None:
        self.ids: dict[str, str] = {}
        self.texts: dict[bytes, tuple[str, str]] = {}   # b"=" or b"~" + sha256 digest: exact or layout-insensitive
        self.near = NearDuplicateIndex() if fuzzy else None

    def forget_texts(self) -> None:
        """Keep the doc_ids, drop the texts (memory stays bounded when streaming batches)."""
        self.texts.clear()
        if self.near is not None:
            self.near = NearDuplicateIndex(self.near.threshold, self.near.min_chars)

    def check(self, doc: Document, loc: str) -> None:
        if doc.doc_id in self.ids:
            raise located_error(loc, "doc_id", f"field 'doc_id': {doc.doc_id!r} is used twice (first at "
                                f"{self.ids[doc.doc_id]})", "give each document its own id", doc_id=doc.doc_id)
        keys = (b"=" + bytes.fromhex(doc.content_hash), b"~" + _near_digest(doc.text))
        for kind, key in zip(("identical to", "a near-duplicate of"), keys):
            if key in self.texts:
                other, other_loc = self.texts[key]
                raise located_error(loc, "text", f"field 'text': {kind} {other!r} ({other_loc})",
                                    "remove one of them", doc_id=doc.doc_id)
        match = self.near.query(doc.text) if self.near is not None else None
        if match is not None:
            (other, other_loc), similarity = match
            raise located_error(loc, "text", f"field 'text': a near-duplicate of {other!r} ({other_loc}; "
                                f"{similarity:.0%} of character 5-grams shared)", "remove one of them",
                                doc_id=doc.doc_id)
        self.ids[doc.doc_id] = loc
        self.texts[keys[0]] = self.texts[keys[1]] = (doc.doc_id, loc)
        if self.near is not None:
            self.near.add(doc.text, (doc.doc_id, loc))


_NON_WORD = re.compile(r"[\W_]+")


def _core(text: str) -> str:
    return _NON_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())


def near_duplicate_key(text: str) -> str:
    """Hash of the text after NFKC, case folding and removal of whitespace and punctuation, so
    copies that differ only in layout, width or punctuation share a key."""
    return "near:" + _near_digest(text).hex()


def _near_digest(text: str) -> bytes:
    return hashlib.sha256(_core(text).encode("utf-8")).digest()


class NearDuplicateIndex:
    """MinHash-LSH index of texts: finds earlier texts sharing at least ``threshold`` of their
    character 5-grams (Jaccard similarity of the 5-gram sets, estimated from 128 MinHash values;
    Broder 1997). Texts are compared on their layout-insensitive core (NFKC, case-folded, without
    whitespace and punctuation); texts shorter than ``min_chars`` core characters are skipped
    (for them only exact matches count). Memory: about 1.5 KB per text.

    >>> index = NearDuplicateIndex()
    >>> base = "来日外国人犯罪の検挙件数は前年に比べて増加し過去最多となった" * 3
    >>> index.add(base, "d1")
    >>> index.query(base + "。以上")[0]
    'd1'
    """

    n_perm, bands, k = 128, 16, 5

    def __init__(self, threshold: float = 0.9, min_chars: int = 50) -> None:
        self.threshold, self.min_chars = threshold, min_chars
        rng = np.random.default_rng(20240601)
        self._a = rng.integers(1, 2**63, size=self.n_perm, dtype=np.uint64) | np.uint64(1)
        self._b = rng.integers(0, 2**63, size=self.n_perm, dtype=np.uint64)
        self._buckets: dict[bytes, list[int]] = defaultdict(list)
        self._signatures: list[np.ndarray] = []
        self._labels: list[Any] = []

    def signature(self, text: str) -> np.ndarray | None:
        """128 MinHash values (uint32) of the text's 5-gram set, or None for a short text."""
        codes = np.frombuffer(_core(text).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        if len(codes) < max(self.min_chars, self.k):
            return None
        shingles = np.zeros(len(codes) - self.k + 1, dtype=np.uint64)
        for j in range(self.k):
            shingles = shingles * np.uint64(1000003) + codes[j:len(codes) - self.k + 1 + j]
        shingles = np.unique(shingles)
        sig = np.full(self.n_perm, np.iinfo(np.uint64).max, dtype=np.uint64)
        for start in range(0, len(shingles), 4096):
            chunk = shingles[start:start + 4096, None]
            sig = np.minimum(sig, (chunk * self._a + self._b).min(axis=0))
        return (sig >> np.uint64(32)).astype(np.uint32)

    def _band_keys(self, sig: np.ndarray) -> list[bytes]:
        rows = self.n_perm // self.bands
        return [bytes([b]) + sig[b * rows:(b + 1) * rows].tobytes() for b in range(self.bands)]

    def query(self, text: str) -> tuple[Any, float] | None:
        """``(label, similarity)`` of the most similar earlier text at or above the threshold."""
        sig = self.signature(text)
        if sig is None:
            return None
        candidates = {i for key in self._band_keys(sig) for i in self._buckets.get(key, ())}
        scored = [(float(np.mean(self._signatures[i] == sig)), i) for i in sorted(candidates)]
        best = max(scored, default=(0.0, -1))
        return (self._labels[best[1]], best[0]) if best[0] >= self.threshold else None

    def add(self, text: str, label: Any) -> None:
        """Index ``text`` under ``label``."""
        sig = self.signature(text)
        if sig is None:
            return
        for key in self._band_keys(sig):
            self._buckets[key].append(len(self._signatures))
        self._signatures.append(sig)
        self._labels.append(label)


def _problem(exc: CorpusError, path: str, line: int | None, record: Any = None) -> Problem:
    """The :class:`Problem` of a skipped record: parts from the error when it carries them, else
    parsed from the ``"<location>: <problem>: <fix>"`` message."""
    message = str(exc)
    field = exc.field
    if field is None:
        m = re.search(r"field '([^']+)'", message)
        field = m.group(1) if m else "record"
    problem, fix = exc.problem, exc.fix
    if not problem:
        body = message.removeprefix(where(path, line) + ": ")
        problem, _, fix = body.rpartition(": ") if ": " in body else (body, "", "")
    doc_id = exc.doc_id or _record_id(record)
    return Problem(path, line, field, message, doc_id=doc_id, problem=problem, fix=fix)


def _record_id(record: Any) -> str:
    """The record's doc_id when it is a plain string (else ``""``)."""
    value = record.get("doc_id") if isinstance(record, dict) else None
    return value if isinstance(value, str) and not re.search("[\ud800-\udfff]", value) else ""
