"""Reading corpora: ``read_corpus(path)`` for a ``.jsonl`` file or a folder, and
``import_folder(folder)`` for a folder of source files described by ``metadata.csv``.

A folder holds either ``corpus.jsonl`` or source files plus ``metadata.csv`` (one row per file:
``file`` and any docvars; ``doc_id`` defaults to the file name without extension), and may hold a
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
import io
import json
import re
import unicodedata
import warnings
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterator, Sequence

import numpy as np

from .corpus import Corpus, Document, Problem, document_from_record, located_error
from .errors import CorpusError, coded, where
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
    path : ``corpus.jsonl``, or a folder holding ``corpus.jsonl`` or files + ``metadata.csv``.
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
    path = resolve_jsonl(path)
    corpus = _build(_jsonl_records(path), strict, schema=_schema(schema, path))
    _warn(corpus, path)
    return corpus


def resolve_jsonl(path: str | Path) -> Path:
    """``path`` itself, or ``<path>/corpus.jsonl`` for a folder; :class:`CorpusError` when neither exists."""
    path = Path(path)
    if path.is_dir():
        if (path / "corpus.jsonl").exists():
            return path / "corpus.jsonl"
        raise CorpusError(f"{path}: folder has neither corpus.jsonl nor metadata.csv: add one of them")
    if not path.exists():
        raise CorpusError(f"{path}: no such file or folder")
    return path


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
        self.texts: dict[str, tuple[str, str]] = {}
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
        for kind, key in (("identical to", doc.content_hash), ("a near-duplicate of", near_duplicate_key(doc.text))):
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
        self.texts[doc.content_hash] = self.texts[near_duplicate_key(doc.text)] = (doc.doc_id, loc)
        if self.near is not None:
            self.near.add(doc.text, (doc.doc_id, loc))


_NON_WORD = re.compile(r"[\W_]+")


def _core(text: str) -> str:
    return _NON_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())


def near_duplicate_key(text: str) -> str:
    """Hash of the text after NFKC, case folding and removal of whitespace and punctuation, so
    copies that differ only in layout, width or punctuation share a key."""
    return "near:" + hashlib.sha256(_core(text).encode("utf-8")).hexdigest()


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
