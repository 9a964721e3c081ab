"""Documents and corpora: ordered, immutable, with document variables (docvars) as a DataFrame.

A :class:`Corpus` is a tuple of :class:`Document` records. Verbs (``subset``, ``group``,
``sample``) return new corpora; nothing changes in place (quanteda's object pipeline).

Only ``doc_id`` and ``text`` are required; every other field is a docvar with any name and any
value (``side`` included: ``"state"``, ``"party_a"``, ...). Two fields have a meaning for the
package and are checked: ``language`` picks the tokenizer and sentence splitter (``ja`` or
``en``; default ``ja``) and ``date`` (``year``) must be a real date (year). A study that needs
more (``side`` present and one of a list, ``pages`` an integer) says so in a schema
(:mod:`discourse.schema`).

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
import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

import numpy as np
import pandas as pd

from .errors import ConfigError, CorpusError, check_choice, coded, where

LANGUAGES = ("ja", "en")
META_FIELDS = ("side", "actor", "genre", "date", "title", "source", "language")
STRING_FIELDS = ("side", "actor", "genre", "title", "source")
REQUIRED_FIELDS = ("doc_id", "text")
DOCVAR_COLUMNS = ("side", "actor", "genre", "date", "year", "title", "source", "language")
YEAR_RANGE = (1800, 2200)
PROBLEM_COLUMNS = ("file", "line", "doc_id", "field", "problem", "fix")


@dataclass(frozen=True)
class Document:
    """One text with its metadata.

    Parameters
    ----------
    doc_id : unique identifier, e.g. ``"npa-2004-03"``.
    text : the full text (already normalized if it was ingested).
    side, actor, genre, title, source : free-text docvars (``state``, ``警察庁``, ``white paper`` ...);
        empty when unknown.
    date : ISO date (``2004``, ``2004-09`` or ``2004-09-15``).
    language : ``ja`` or ``en`` (chooses the tokenizer).
    extra : further docvars (JSON-serialisable values).
    year : the year; derived from ``date`` when not given, and must agree with it when both are.
    """

    doc_id: str
    text: str
    side: str = ""
    actor: str = ""
    genre: str = ""
    date: str = ""
    title: str = ""
    source: str = ""
    language: str = "ja"
    extra: Mapping[str, Any] = field(default_factory=dict)
    year: int | None = None

    def __post_init__(self) -> None:
        for name in ("doc_id", "text"):
            if not isinstance(getattr(self, name), str):
                raise ConfigError(f"{name}={getattr(self, name)!r} is a {type(getattr(self, name)).__name__}: "
                                  f"give {name} as a string")
        clash = sorted(set(self.extra) & {"doc_id", "text", "year", *META_FIELDS})
        if clash:
            raise ConfigError(f"extra={dict(self.extra)!r}: {clash} are fields of Document, not extras: "
                              "pass them as arguments")
        problem = year_problem(self.year, self.date)
        if problem:
            raise ConfigError(f"year={self.year!r}, date={self.date!r}: {problem}")
        if self.year is None and self.date:
            object.__setattr__(self, "year", int(self.date[:4]))

    @cached_property
    def content_hash(self) -> str:
        """sha256 of the text: identical texts have identical hashes (computed once per document:
        the duplicate check, the corpus index and the cache keys all ask for it)."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        """Flat dict (extras merged in) as written to one JSON line; ``year`` only when there is no
        ``date`` to derive it from."""
        skip = {"extra", "year"} if self.date or self.year is None else {"extra"}
        row = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name not in skip}
        row.update(self.extra)
        return row


def year_problem(year: object, date: str = "") -> str:
    """Why ``year`` is not a valid year agreeing with ``date`` (``""`` when it is; None is valid).

    >>> year_problem(2004, "2005-01")
    "[E104] field 'year': 2004 disagrees with field 'date' '2005-01': correct one of them (or drop 'year')"
    """
    if year is None:
        return ""
    lo, hi = YEAR_RANGE
    if isinstance(year, bool) or not isinstance(year, (int, np.integer)):
        return coded("E103", value=year, reason=f"a {type(year).__name__}", lo=lo, hi=hi)
    if not lo <= year <= hi:
        return coded("E103", value=year, reason="out of range", lo=lo, hi=hi)
    if date and int(date[:4]) != year:
        return coded("E104", year=year, date=date)
    return ""


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
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
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
    """An item that was skipped while loading (or would make a strict load fail), with its reason.

    ``message`` is the whole sentence (location, what is wrong, fix); ``problem`` and ``fix`` are
    its parts, for tables (:meth:`Corpus.problems_frame`).
    """

    path: str
    line: int | None
    field: str
    message: str
    doc_id: str = ""
    problem: str = ""
    fix: str = ""

    def __str__(self) -> str:
        return self.message

    @property
    def kind(self) -> str:
        """``"field 'side' [E106]"``: the field and the message code (if any), to count problems by kind."""
        code = re.search(r"\[(E\d+)\]", self.message)
        return f"field {self.field!r}" + (f" [{code.group(1)}]" if code else "")


def located_error(loc: str, field: str, problem: str, fix: str, *, doc_id: str = "") -> CorpusError:
    """``CorpusError("<loc>: <problem>: <fix>")`` carrying its parts (``problem`` should name the field)."""
    return CorpusError(f"{loc}: {problem}: {fix}", field=field, problem=problem, fix=fix, doc_id=doc_id)


def document_from_record(record: Mapping[str, Any], path: str = "<record>", line: int | None = None) -> Document:
    """Validate one mapping and build a :class:`Document`; raise :class:`CorpusError` naming file/line/field.

    Only ``doc_id`` and ``text`` are required (non-empty strings). ``side``, ``actor``, ``genre``,
    ``title``, ``source`` must be strings when present; ``language`` ``ja`` or ``en``; ``date`` a
    date; ``year`` (optional) a whole number that agrees with ``date``. Any other field is an extra
    docvar, kept as it is. No string anywhere may hold a lone surrogate.
    """
    loc = where(path, line)
    _check_surrogates(record, loc)
    doc_id = _required_string(record, "doc_id", loc, "")
    text = _required_string(record, "text", loc, doc_id)
    if not text.strip():
        raise located_error(loc, "text", "field 'text' is empty (only whitespace)",
                            "remove the document or add its text", doc_id=doc_id)
    meta = {name: _optional_string(record, name, loc, doc_id) for name in STRING_FIELDS}
    language = record.get("language") or "ja"
    if language not in LANGUAGES:
        raise located_error(loc, "language", f"field 'language' has unknown value {language!r}",
                            f"use one of {list(LANGUAGES)} (it chooses the tokenizer)", doc_id=doc_id)
    date = _date(record.get("date"), loc, doc_id)
    year = _year(record.get("year"), date, loc, doc_id)
    known = {"doc_id", "text", "year", *META_FIELDS}
    extra = {k: v for k, v in record.items() if k not in known}
    return Document(doc_id, text, date=date, language=language, extra=extra, year=year, **meta)


def _required_string(record: Mapping[str, Any], name: str, loc: str, doc_id: str) -> str:
    value = record.get(name)
    if value is None or value == "":
        raise located_error(loc, name, f"field {name!r} is missing or empty",
                            f"every document needs {list(REQUIRED_FIELDS)}", doc_id=doc_id)
    if not isinstance(value, str):
        fix = (f"write it as a JSON string (\"{value}\")" if isinstance(value, (int, float)) and name == "doc_id"
               else "give the whole text as one JSON string" if name == "text" else "give one id as a string")
        raise _type_error(loc, name, value, fix, doc_id)
    return value


def _optional_string(record: Mapping[str, Any], name: str, loc: str, doc_id: str) -> str:
    value = record.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _type_error(loc, name, value, "write it as a string, or keep the value under another field name "
                          "(extra fields may hold any JSON value)", doc_id)
    return value


def _type_error(loc: str, name: str, value: Any, fix: str, doc_id: str) -> CorpusError:
    kind = type(value).__name__
    problem = coded("E101", field=name, found=f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} ({_short(value)})")
    return located_error(loc, name, problem, fix, doc_id=doc_id)


def _short(value: Any, limit: int = 40) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _date(value: Any, loc: str, doc_id: str) -> str:
    if value is None or value == "":
        return ""
    try:
        return parse_date(value)
    except ValueError as exc:
        problem, _, fix = str(exc).partition(": ")
        raise located_error(loc, "date", f"field 'date': {problem}",
                            fix or "give a real date as YYYY-MM-DD, YYYY-MM or YYYY", doc_id=doc_id) from None


def _year(value: Any, date: str, loc: str, doc_id: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, str) and re.fullmatch(r"\s*\d{1,4}\s*", value):
        value = int(value)  # metadata.csv values are strings
    problem = year_problem(value, date)
    if problem:
        head, _, fix = problem.rpartition(": ")
        raise located_error(loc, "year", head, fix, doc_id=doc_id)
    return int(value)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_surrogates(value: Any, loc: str, name: str = "record") -> None:
    """Raise a located error for the first string (key or value, at any depth) with a lone surrogate."""
    if isinstance(value, str):
        bad = _SURROGATE.search(value)
        if bad:
            escape = f"\\u{ord(bad.group()):04x}"
            fix = "remove it or write the whole character (a surrogate pair, or the character itself)"
            raise located_error(loc, name, coded("E102", field=name, escape=escape), fix)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            inner = name if name != "record" else str(key).encode("utf-8", "backslashreplace").decode("utf-8")
            _check_surrogates(key, loc, inner)
            _check_surrogates(item, loc, inner)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _check_surrogates(item, loc, name)


class Corpus:
    """An ordered, immutable collection of documents with docvars.

    Parameters
    ----------
    documents : the documents, in order; doc_ids must be unique.
    problems : items skipped while loading (kept so nothing is dropped silently). Corpora made
        from this one (``subset``, ``group``, ``sample``) keep them: they describe the load.
    """

    def __init__(self, documents: Iterable[Document], problems: Sequence[Problem] = ()):
        self._docs: tuple[Document, ...] = tuple(documents)
        self._index = {d.doc_id: i for i, d in enumerate(self._docs)}
        if len(self._index) != len(self._docs):
            dup = _first_duplicate([d.doc_id for d in self._docs])
            raise CorpusError(f"doc_id {dup!r} is used twice: doc_ids must be unique")
        self._problems: tuple[Problem, ...] = tuple(problems)
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
        skipped = f", {len(self._problems)} problems" if self._problems else ""
        return f"<Corpus: {len(self)} documents, {sum(len(d.text) for d in self._docs)} characters{skipped}>"

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Items skipped while loading the corpus this one comes from (read-only)."""
        return self._problems

    def problems_frame(self) -> pd.DataFrame:
        """The problems as a tidy table, one row per skipped item.

        Columns: ``file`` (the file at fault), ``line`` (nullable Int64; empty for a whole file),
        ``doc_id`` (when the record had one), ``field``, ``problem`` (what is wrong), ``fix``.

        >>> Corpus([]).problems_frame().columns.tolist()
        ['file', 'line', 'doc_id', 'field', 'problem', 'fix']
        """
        rows = [(p.path, p.line, p.doc_id, p.field, p.problem or _strip_location(p), p.fix) for p in self._problems]
        frame = pd.DataFrame(rows, columns=list(PROBLEM_COLUMNS))
        frame["line"] = frame["line"].astype("Int64")
        return frame.astype({c: "object" for c in PROBLEM_COLUMNS if c != "line"})

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
        Int64), title, source, language, then any extra fields. A copy: editing it changes nothing
        (pandas' copy-on-write: the columns are shared until one side writes, so asking costs no memory)."""
        if self._docvars is None:
            self._docvars = docvars_frame(self._docs)
        return self._docvars.copy(deep=False)

    def content_digest(self) -> str:
        """sha256 over every document's ``doc_id:language:sha256 of the text``, in order: the
        corpus's part of the stage-cache keys (one short string, whatever the corpus size)."""
        return _digest_lines(f"{d.doc_id}:{d.language}:{d.content_hash}" for d in self._docs)

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
        return self._take(keep)

    def _take(self, keep: np.ndarray) -> "Corpus":
        """The documents where ``keep`` is true, in order, with this corpus's problems."""
        return Corpus([d for d, k in zip(self._docs, keep) if k], self._problems)

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
        groups: dict[Any, list[int]] = {}
        for i, value in enumerate(values):
            groups.setdefault(value, []).append(i)
        keys = sorted((k for k in groups if k is not None), key=lambda k: (type(k).__name__, k))
        out = {}
        for k in keys + ([None] if None in groups else []):
            keep = np.zeros(len(self), dtype=bool)
            keep[groups[k]] = True
            out[k] = self._take(keep)
        return out

    def sample(self, n: int, *, random_state: int = 0, replace: bool = False) -> "Corpus":
        """``n`` documents drawn with ``numpy.random.default_rng(random_state)``, in corpus order
        (with ``replace=True`` repeated documents get ``#2``, ``#3`` suffixes on their doc_id)."""
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise ConfigError(f"n={n!r} is not a count: give a whole number >= 0")
        if n > len(self) and (not replace or len(self) == 0):
            raise ConfigError(f"n={n} is larger than the corpus ({len(self)} documents): use replace=True or a smaller n")
        rng = np.random.default_rng(random_state)
        picks = np.sort(rng.choice(len(self), size=n, replace=replace))
        return Corpus(_renumber([self._docs[i] for i in picks]), self._problems)

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


def _strip_location(problem: Problem) -> str:
    prefix = where(problem.path, problem.line) + ": "
    return problem.message[len(prefix):] if problem.message.startswith(prefix) else problem.message


def docvar_row(doc: Document) -> dict[str, Any]:
    """The docvars of one document as a dict (its row of :attr:`Corpus.docvars`, with ``doc_id``)."""
    return {**{k: v for k, v in doc.to_dict().items() if k != "text"}, "year": doc.year}


class DocvarColumns:
    """The docvars of documents added one at a time, kept as one list per column (no dict per
    document, so a corpus index of 10^5-10^6 documents holds a few pointers each); :meth:`frame`
    gives :attr:`Corpus.docvars` (missing fields NaN, as in a frame made from the rows)."""

    def __init__(self) -> None:
        self.columns: dict[str, list[Any]] = {}
        self.n = 0

    def add(self, doc: Document) -> None:
        row = docvar_row(doc)
        for name in row.keys() - self.columns.keys():
            self.columns[name] = [np.nan] * self.n
        for name, values in self.columns.items():
            value = row.get(name, np.nan)
            values.append(sys.intern(value) if type(value) is str else value)   # side, actor, genre ... repeat
        self.n += 1

    def frame(self) -> pd.DataFrame:
        order = [c for c in _columns([dict.fromkeys(self.columns)]) if c != "text" and (c in self.columns or not self.n)]
        frame = pd.DataFrame({c: self.columns[c] for c in order} if self.n else [], columns=order)
        frame["year"] = frame["year"].astype("Int64")
        return frame.set_index("doc_id")


def _digest_lines(lines: Iterable[str]) -> str:
    """sha256 of the lines, each followed by a newline (fed one at a time)."""
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode("utf-8", "surrogatepass") + b"\n")
    return digest.hexdigest()


def docvars_frame(docs: Iterable[Document]) -> pd.DataFrame:
    """:attr:`Corpus.docvars` of ``docs``."""
    columns = DocvarColumns()
    for doc in docs:
        columns.add(doc)
    return columns.frame()


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
