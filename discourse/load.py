"""Reading corpora: ``read_corpus(path)`` for a ``.jsonl`` file or a folder.

A folder holds either ``corpus.jsonl`` or source files plus ``metadata.csv`` (one row per file:
``file`` and any docvars; ``doc_id`` defaults to the file name without extension). Every problem
(bad JSON, missing field, unknown side, bad date, empty text, duplicate doc_id, duplicate or
near-duplicate text) is either fatal (``strict=True``) or reported in ``corpus.problems`` and
with a warning, never dropped silently.
"""
from __future__ import annotations

import csv
import hashlib
import json
import re
import unicodedata
import warnings
from pathlib import Path
from typing import Any, Iterator

from .corpus import Corpus, Document, Problem, document_from_record
from .errors import CorpusError, where


def iter_jsonl(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line_number, record)`` lazily from a JSON Lines file (blank lines skipped);
    raise :class:`CorpusError` naming the file and line at the first bad line."""
    for n, record in _iter_lines(Path(path)):
        if isinstance(record, CorpusError):
            raise record
        yield n, record


def _iter_lines(path: Path) -> Iterator[tuple[int, dict[str, Any] | CorpusError]]:
    with path.open(encoding="utf-8-sig") as fh:
        for n, line in enumerate(fh, 1):
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


def read_corpus(path: str | Path, *, strict: bool = False) -> Corpus:
    """Load a corpus from a ``.jsonl`` file or a folder (see module docstring).

    Parameters
    ----------
    path : ``corpus.jsonl``, or a folder holding ``corpus.jsonl`` or files + ``metadata.csv``.
    strict : raise :class:`~discourse.errors.CorpusError` on the first problem instead of
        skipping the item and reporting it in ``corpus.problems``.

    >>> from discourse import read_corpus
    >>> corpus = read_corpus("corpora/demo")  # doctest: +SKIP
    """
    path = Path(path)
    if path.is_dir():
        if (path / "corpus.jsonl").exists():
            return read_corpus(path / "corpus.jsonl", strict=strict)
        if (path / "metadata.csv").exists():
            return _build(_folder_records(path, path / "metadata.csv"), strict)
        raise CorpusError(f"{path}: folder has neither corpus.jsonl nor metadata.csv: add one of them")
    if not path.exists():
        raise CorpusError(f"{path}: no such file or folder")
    return _build(_jsonl_records(path), strict)


def _jsonl_records(path: Path) -> Iterator[tuple[str, int | None, dict[str, Any] | Exception]]:
    for n, record in _iter_lines(path):
        yield str(path), n, record


def _folder_records(folder: Path, metadata: Path) -> Iterator[tuple[str, int | None, dict[str, Any] | Exception]]:
    from .ingest import read_source

    for n, row in read_metadata(metadata):
        name = row.pop("file", "")
        if not name:
            yield str(metadata), n, CorpusError(f"{where(metadata, n)}: field 'file' is empty: name the source file")
            continue
        try:
            source = read_source(folder / name)
        except CorpusError as exc:
            yield str(metadata), n, exc
            continue
        record = {"doc_id": Path(name).stem, "title": source.title, **{k: v for k, v in row.items() if v != ""}}
        record.update(text=source.text, file=name, encoding=source.encoding, format=source.format)
        yield str(metadata), n, record


def read_metadata(path: str | Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a ``metadata.csv`` (UTF-8, BOM allowed) with their line numbers; needs a ``file`` column."""
    path = Path(path)
    with Path(path).open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        if "file" not in (reader.fieldnames or []):
            raise CorpusError(f"{where(path, 1)}: metadata.csv needs a 'file' column naming each source file (has {reader.fieldnames})")
        for row in reader:
            yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}


def _build(records: Iterator[tuple[str, int | None, dict[str, Any] | Exception]], strict: bool) -> Corpus:
    docs: list[Document] = []
    problems: list[Problem] = []
    seen_ids: dict[str, str] = {}
    seen_text: dict[str, tuple[str, str]] = {}
    for path, line, record in records:
        try:
            if isinstance(record, Exception):
                raise record
            doc = document_from_record(record, path, line)
            _check_duplicates(doc, where(path, line), seen_ids, seen_text)
        except CorpusError as exc:
            if strict:
                raise
            problems.append(_problem(exc, path, line))
            continue
        docs.append(doc)
    if problems:
        warnings.warn(f"{len(problems)} item(s) skipped while reading the corpus; see corpus.problems:\n"
                      + "\n".join(str(p) for p in problems[:10]), stacklevel=3)
    return Corpus(docs, problems)


def _check_duplicates(doc: Document, loc: str, seen_ids: dict[str, str], seen_text: dict[str, tuple[str, str]]) -> None:
    if doc.doc_id in seen_ids:
        raise CorpusError(f"{loc}: field 'doc_id': {doc.doc_id!r} is used twice (first at {seen_ids[doc.doc_id]}): give each document its own id")
    for kind, key in (("identical to", doc.content_hash), ("a near-duplicate of", near_duplicate_key(doc.text))):
        if key in seen_text:
            other, other_loc = seen_text[key]
            raise CorpusError(f"{loc}: field 'text': {kind} {other!r} ({other_loc}): remove one of them")
    seen_ids[doc.doc_id] = loc
    seen_text[doc.content_hash] = seen_text[near_duplicate_key(doc.text)] = (doc.doc_id, loc)


_NON_WORD = re.compile(r"[\W_]+")


def near_duplicate_key(text: str) -> str:
    """Hash of the text after NFKC, case folding and removal of whitespace and punctuation, so
    copies that differ only in layout, width or punctuation share a key."""
    core = _NON_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())
    return "near:" + hashlib.sha256(core.encode("utf-8")).hexdigest()


def _problem(exc: CorpusError, path: str, line: int | None) -> Problem:
    message = str(exc)
    m = re.search(r"field '([^']+)'", message)
    return Problem(path, line, m.group(1) if m else "record", message)
