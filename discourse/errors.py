"""One family of errors: every message names the argument or file/line, the bad value and the fix."""
from __future__ import annotations

import difflib
from typing import Iterable


class DiscourseError(Exception):
    """Base class of every error raised on purpose by ``discourse``."""


class ConfigError(DiscourseError, ValueError):
    """A bad argument, option or experiment config value."""


class CorpusError(DiscourseError, ValueError):
    """Bad corpus data: names the file, the line and the field."""


class IngestError(CorpusError):
    """A source file that cannot be read or decoded."""


class NotFittedError(DiscourseError, ValueError, AttributeError):
    """An estimator used before ``fit`` (or ``load``): the message names it and says to call fit first."""


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
