"""Documents and corpora: ordered, immutable, with document variables (docvars) as a DataFrame.

A :class:`Corpus` is a tuple of :class:`Document` records. Verbs (``subset``, ``group``,
``sample``) return new corpora; nothing changes in place (quanteda's object pipeline).

Example
-------
>>> from discourse.corpus import Corpus, Document
>>> c = Corpus([Document("d1", "来日外国人犯罪が増加した。", side="state", date="2004-09-01")])
>>> int(c.docvars.loc["d1", "year"])
2004
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

import numpy as np
import pandas as pd

from .errors import ConfigError, CorpusError, check_choice, where

SIDES = ("state", "ngo", "media", "international", "other")
LANGUAGES = ("ja", "en")
META_FIELDS = ("side", "actor", "genre", "date", "title", "source", "language")
REQUIRED_FIELDS = ("doc_id", "text", "side")
DOCVAR_COLUMNS = ("side", "actor", "genre", "date", "year", "title", "source", "language")


@dataclass(frozen=True)
class Document:
    """One text with its metadata.

    Parameters
    ----------
    doc_id : unique identifier, e.g. ``"npa-2004-03"``.
    text : the full text (already normalized if it was ingested).
    side : ``state``, ``ngo``, ``media``, ``international`` or ``other``.
    actor, genre, title, source : free text (``警察庁``, ``white paper`` ...).
    date : ISO date (``2004``, ``2004-09`` or ``2004-09-15``); ``year`` is derived.
    language : ``ja`` or ``en``.
    extra : further docvars (JSON-serialisable values).
    """

    doc_id: str
    text: str
    side: str = "other"
    actor: str = ""
    genre: str = ""
    date: str = ""
    title: str = ""
    source: str = ""
    language: str = "ja"
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        clash = sorted(set(self.extra) & {"doc_id", "text", "year", *META_FIELDS})
        if clash:
            raise ConfigError(f"extra={dict(self.extra)!r}: {clash} are fields of Document, not extras: "
                              "pass them as arguments")

    @property
    def year(self) -> int | None:
        """The year of ``date``, or None when the date is empty."""
        return int(self.date[:4]) if self.date else None

    @property
    def content_hash(self) -> str:
        """sha256 of the text: identical texts have identical hashes."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        """Flat dict (extras merged in) as written to one JSON line."""
        row = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "extra"}
        row.update(self.extra)
        return row


_DATE_PATTERNS = (
    re.compile(r"(?P<y>\d{4})(?:[-/.](?P<m>\d{1,2})(?:[-/.](?P<d>\d{1,2}))?)?"),
    re.compile(r"(?P<y>\d{4})年(?:(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})日)?)?"),
)


def parse_date(value: object) -> str:
    """Normalise a date to ISO (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``).

    Accepts ``2004-09-15``, ``2004/9/15``, ``2004年9月15日``, ``2004``; raises ValueError otherwise.

    >>> parse_date("2004年9月5日")
    '2004-09-05'
    """
    text = str(value).strip()
    for pattern in _DATE_PATTERNS:
        m = pattern.fullmatch(text)
        if m:
            return _iso(int(m["y"]), m["m"], m["d"])
    raise ValueError(f"unparseable date {text!r}: use YYYY-MM-DD, YYYY-MM or YYYY")


def _iso(year: int, month: str | None, day: str | None) -> str:
    if not 1800 <= year <= 2200:
        raise ValueError(f"year {year} out of range")
    if month is None:
        return f"{year:04d}"
    if day is None:
        if not 1 <= int(month) <= 12:
            raise ValueError(f"month {month} out of range")
        return f"{year:04d}-{int(month):02d}"
    import datetime

    return datetime.date(year, int(month), int(day)).isoformat()


@dataclass(frozen=True)
class Problem:
    """A document that was skipped (or would make a strict load fail), with its reason."""

    path: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        return self.message


def document_from_record(record: Mapping[str, Any], path: str = "<record>", line: int | None = None) -> Document:
    """Validate one mapping and build a :class:`Document`; raise :class:`CorpusError` naming file/line/field."""
    loc = where(path, line)
    for name in REQUIRED_FIELDS:
        if record.get(name) in (None, ""):
            raise CorpusError(f"{loc}: field {name!r} is missing or empty: every document needs {list(REQUIRED_FIELDS)}")
    if not str(record["text"]).strip():
        raise CorpusError(f"{loc}: field 'text' is empty (only whitespace): remove the document or add its text")
    side = record["side"]
    if side not in SIDES:
        raise CorpusError(f"{loc}: field 'side' has unknown value {side!r}: use one of {list(SIDES)}")
    language = record.get("language") or "ja"
    if language not in LANGUAGES:
        raise CorpusError(f"{loc}: field 'language' has unknown value {language!r}: use one of {list(LANGUAGES)}")
    date = record.get("date") or ""
    if date:
        try:
            date = parse_date(date)
        except ValueError as exc:
            raise CorpusError(f"{loc}: field 'date': {exc}") from None
    known = {"doc_id", "text", "year", *META_FIELDS}
    extra = {k: v for k, v in record.items() if k not in known}
    meta = {k: str(record.get(k) or "") for k in ("actor", "genre", "title", "source")}
    return Document(str(record["doc_id"]), str(record["text"]), side=side, date=date, language=language, extra=extra, **meta)


class Corpus:
    """An ordered, immutable collection of documents with docvars.

    Parameters
    ----------
    documents : the documents, in order; doc_ids must be unique.
    problems : items skipped while loading (kept so nothing is dropped silently).
    """

    def __init__(self, documents: Iterable[Document], problems: Sequence[Problem] = ()):
        self._docs: tuple[Document, ...] = tuple(documents)
        self._index = {d.doc_id: i for i, d in enumerate(self._docs)}
        if len(self._index) != len(self._docs):
            dup = _first_duplicate([d.doc_id for d in self._docs])
            raise CorpusError(f"doc_id {dup!r} is used twice: doc_ids must be unique")
        self.problems: tuple[Problem, ...] = tuple(problems)
        self._docvars: pd.DataFrame | None = None

    # --- access ---------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._docs)

    def __iter__(self) -> Iterator[Document]:
        return iter(self._docs)

    def __getitem__(self, key: int | str) -> Document:
        if isinstance(key, str):
            if key not in self._index:
                raise KeyError(f"no document with doc_id {key!r}")
            return self._docs[self._index[key]]
        return self._docs[key]

    def __repr__(self) -> str:
        return f"<Corpus: {len(self)} documents, {sum(len(d.text) for d in self._docs)} characters>"

    @property
    def documents(self) -> tuple[Document, ...]:
        return self._docs

    @property
    def doc_ids(self) -> list[str]:
        return [d.doc_id for d in self._docs]

    @property
    def texts(self) -> list[str]:
        return [d.text for d in self._docs]

    @property
    def docvars(self) -> pd.DataFrame:
        """One row per document, index ``doc_id``; columns side, actor, genre, date, year (nullable
        Int64), title, source, language, then any extra fields. A copy: editing it changes nothing."""
        if self._docvars is None:
            rows = [{**d.to_dict(), "year": d.year} for d in self._docs]
            frame = pd.DataFrame(rows, columns=[c for c in _columns(rows) if c != "text"])  # texts never converted
            frame["year"] = frame["year"].astype("Int64")
            self._docvars = frame.set_index("doc_id")
        return self._docvars.copy()

    # --- verbs (return new corpora) -------------------------------------------------------
    def subset(self, mask: Sequence[bool] | Callable[[Document], bool] | None = None, **equals: Any) -> "Corpus":
        """Documents where ``mask`` holds and every docvar equals the given value (a list/tuple/set
        means "one of"; ``year=(1999, 2005)`` as a 2-tuple of ints is an inclusive range; None
        means "missing").

        >>> corpus.subset(side="state", year=(2000, 2005))  # doctest: +SKIP
        """
        keep = self._mask(mask)
        docvars = self.docvars
        for name, value in equals.items():
            if name not in docvars.columns:
                check_choice("docvar", name, docvars.columns)
            keep &= _match(docvars[name], value, name)
        return Corpus([d for d, k in zip(self._docs, keep) if k])

    def _mask(self, mask: Sequence[bool] | Callable[[Document], bool] | None) -> np.ndarray:
        if mask is None:
            return np.ones(len(self), dtype=bool)
        if callable(mask):
            return np.array([bool(mask(d)) for d in self._docs], dtype=bool)
        arr = np.asarray(mask, dtype=bool)
        if arr.shape != (len(self),):
            raise ConfigError(f"mask has {arr.size} values for {len(self)} documents: give one per document")
        return arr.copy()

    def group(self, by: str) -> dict[Any, "Corpus"]:
        """Split into one corpus per value of docvar ``by`` (sorted by value; missing values last)."""
        docvars = self.docvars
        check_choice("by", by, docvars.columns)
        values = [None if _is_missing(v) else v for v in docvars[by].tolist()]
        if any(isinstance(v, (list, dict, set)) for v in values):
            raise ConfigError(f"by={by!r}: docvar {by!r} holds lists or dicts: group by a docvar with single values")
        groups: dict[Any, list[Document]] = {}
        for doc, value in zip(self._docs, values):
            groups.setdefault(value, []).append(doc)
        keys = sorted((k for k in groups if k is not None), key=lambda k: (type(k).__name__, k))
        return {k: Corpus(groups[k]) for k in keys + ([None] if None in groups else [])}

    def sample(self, n: int, *, random_state: int = 0, replace: bool = False) -> "Corpus":
        """``n`` documents drawn with ``numpy.random.default_rng(random_state)``, in corpus order
        (with ``replace=True`` repeated documents get ``#2``, ``#3`` suffixes on their doc_id)."""
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise ConfigError(f"n={n!r} is not a count: give a whole number >= 0")
        if n > len(self) and (not replace or len(self) == 0):
            raise ConfigError(f"n={n} is larger than the corpus ({len(self)} documents): use replace=True or a smaller n")
        rng = np.random.default_rng(random_state)
        picks = np.sort(rng.choice(len(self), size=n, replace=replace))
        return Corpus(_renumber([self._docs[i] for i in picks]))

    # --- storage --------------------------------------------------------------------------
    def to_jsonl(self, path: str | Path) -> Path:
        """Write one JSON object per line (UTF-8); ``read_corpus`` reads it back exactly."""
        from .cache import atomic_write_text

        lines = (json.dumps(d.to_dict(), ensure_ascii=False) for d in self._docs)
        return atomic_write_text(Path(path), "".join(line + "\n" for line in lines))

    def summary(self) -> dict[str, pd.DataFrame]:
        """Document and character counts by side, genre, language and year (tidy tables)."""
        docvars = self.docvars.assign(n_chars=[len(d.text) for d in self._docs])
        out = {}
        for by in ("side", "genre", "language", "year"):
            table = docvars.groupby(by, dropna=False).agg(n_docs=("side", "size"), n_chars=("n_chars", "sum"))
            out[by] = table.reset_index()
        return out


def _columns(rows: list[dict[str, Any]]) -> list[str]:
    base = ["doc_id", "text", *DOCVAR_COLUMNS]
    extras = sorted({k for row in rows for k in row} - set(base))
    return base + extras


def _match(column: pd.Series, value: Any, name: str) -> np.ndarray:
    if name == "year" and isinstance(value, tuple) and len(value) == 2:
        lo, hi = value
        return column.between(lo, hi).fillna(False).to_numpy(dtype=bool)
    if isinstance(value, (list, tuple, set, frozenset)):
        return column.isin(list(value)).to_numpy(dtype=bool)
    if value is None:
        return column.isna().to_numpy(dtype=bool)
    return (column == value).fillna(False).to_numpy(dtype=bool)


def _is_missing(value: Any) -> bool:
    """None, NaN or pd.NA (lists and other containers are not missing)."""
    return value is None or (not isinstance(value, (list, dict, set, tuple, str)) and bool(pd.isna(value)))


def _first_duplicate(values: Iterable[str]) -> str:
    seen: set[str] = set()
    for v in values:
        if v in seen:
            return v
        seen.add(v)
    return ""


def _renumber(docs: list[Document]) -> list[Document]:
    counts: dict[str, int] = {}
    out = []
    for d in docs:
        counts[d.doc_id] = counts.get(d.doc_id, 0) + 1
        out.append(d if counts[d.doc_id] == 1 else dataclasses.replace(d, doc_id=f"{d.doc_id}#{counts[d.doc_id]}"))
    return out
