"""One family of errors: every message names the argument or file/line, the bad value and the fix.

Messages that tests and users search for carry a code (spaCy's ``Errors.E001`` convention):
``Errors.E101`` is a template, :func:`coded` fills it in and prefixes ``[E101]``, so a message
can be found in the docs and matched in a test without copying its wording.

>>> coded("E101", field="text", found="a list")
"[E101] field 'text' holds a list, not a string"
"""
from __future__ import annotations

import difflib
from typing import Any, Iterable


class DiscourseError(Exception):
    """Base class of every error raised on purpose by ``discourse``."""


class ConfigError(DiscourseError, ValueError):
    """A bad argument, option or experiment config value."""


class CorpusError(DiscourseError, ValueError):
    """Bad corpus data: names the file, the line and the field.

    Parameters
    ----------
    message : the whole message (location first, then what is wrong, then the fix).
    field : the field at fault (``"record"`` for a whole line), when known.
    problem : what is wrong, without location and fix (for tables of problems).
    fix : what to do about it.
    doc_id : the document's id, when the record has one.
    """

    def __init__(self, message: str = "", *, field: str | None = None, problem: str = "", fix: str = "",
                 doc_id: str = "") -> None:
        super().__init__(message)
        self.field, self.problem, self.fix, self.doc_id = field, problem, fix, doc_id


class IngestError(CorpusError):
    """A source file that cannot be read or decoded."""


class NotFittedError(DiscourseError, ValueError, AttributeError):
    """A model method that needs ``fit`` (or ``load``) was called first (scikit-learn's contract:
    catchable as ``ValueError`` and as ``AttributeError``).

    >>> isinstance(NotFittedError("call fit first"), (ValueError, AttributeError))
    True
    """


class Errors:
    """Coded message templates (``E1xx``: corpus records; ``E2xx``: models). Fill with :func:`coded`."""

    E101 = "field {field!r} holds {found}, not a string"
    E102 = "field {field!r} holds a lone surrogate ({escape} in the JSON), which is not a character"
    E103 = "field 'year': {value!r} is not a year ({reason}): give a whole number between {lo} and {hi}"
    E104 = "field 'year': {year} disagrees with field 'date' {date!r}: correct one of them (or drop 'year')"
    E105 = "field 'file': {value!r} is outside the folder {folder}"
    E106 = "field {field!r}: value {value!r} is not allowed by the schema {schema}"
    E107 = "field {field!r} is missing or empty, but the schema {schema} requires it"
    E108 = "field {field!r}: {value} is a {found}, but the schema {schema} wants {wanted}"
    E201 = "this {model} is not fitted: {fix}"


def coded(code: str, **values: Any) -> str:
    """``"[E101] ..."``: the template ``Errors.<code>`` filled with ``values``."""
    return f"[{code}] " + getattr(Errors, code).format(**values)


def where(path: object, line: int | None = None) -> str:
    """``'corpora/x.jsonl line 17'`` style location prefix for data errors."""
    return f"{path} line {line}" if line is not None else f"{path}"


def closest(word: str, choices: Iterable[str]) -> str:
    """A ``" (did you mean 'x'?)"`` hint, or ``""`` when nothing is close."""
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.5)
    return f" (did you mean {match[0]!r}?)" if match else ""


def check_choice(name: str, value: object, choices: Iterable[str]) -> None:
    """Raise :class:`ConfigError` unless ``value`` is one of ``choices``."""
    choices = list(choices)
    if value not in choices:
        hint = closest(str(value), choices)
        raise ConfigError(f"{name}={value!r} is not one of {choices}{hint}")
