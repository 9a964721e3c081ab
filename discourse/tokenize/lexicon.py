"""The bundled term lists (``corpora/lexicons/``) and user-supplied ones.

Each bundled list starts with a ``# version: X.Y`` line; the version and a hash of the terms
are recorded in ``Tokens.settings`` and in the cache key, so editing a list re-tokenizes.

Example
-------
>>> "不法滞在者" in domain_terms()          # doctest: +SKIP
True
>>> list_version(resource("lexicons", "domain_terms.txt"))  # doctest: +SKIP
'1.0'
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from ..cache import stable_hash
from ..errors import ConfigError
from ..resources import read_term_list, resource

TermSource = str | os.PathLike | Iterable[str] | None


def list_version(path: str | os.PathLike[str]) -> str:
    """The ``# version: X`` header of a term list, or ``"unversioned"``.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.txt"; _ = p.write_text("# version: 2.1\\n外国人\\n", encoding="utf-8")
    >>> list_version(p)
    '2.1'
    """
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            text = line.strip()
            if text.startswith("#") and text[1:].strip().lower().startswith("version:"):
                return text.split(":", 1)[1].strip()
            if text and not text.startswith("#"):
                break
    return "unversioned"


@lru_cache(maxsize=None)
def _bundled(name: str) -> tuple[tuple[str, ...], str]:
    path = resource("lexicons", name)
    return tuple(read_term_list(path)), list_version(path)


def bundled_list(name: str) -> tuple[str, ...]:
    """Terms of ``corpora/lexicons/<name>`` (e.g. ``"stopwords_ja.txt"``)."""
    return _bundled(name)[0]


def bundled_info(name: str) -> dict[str, str]:
    """``{"version": ..., "hash": ...}`` of a bundled list, for settings and cache keys."""
    terms, version = _bundled(name)
    return {"version": version, "hash": stable_hash(list(terms), 12)}


def domain_terms() -> tuple[str, ...]:
    """The bundled multiword field terms (``domain_terms.txt``)."""
    return bundled_list("domain_terms.txt")


def stopwords(language: str | None = None) -> frozenset[str]:
    """The bundled stopwords: Japanese, English, or both (``language=None``)."""
    names = {"ja": ["stopwords_ja.txt"], "en": ["stopwords_en.txt"]}.get(language or "", ["stopwords_ja.txt", "stopwords_en.txt"])
    return frozenset(t for name in names for t in bundled_list(name))


def load_terms(source: TermSource, *, name: str = "user_terms") -> tuple[str, ...]:
    """Terms from a path (one a line, ``#`` comments) or an iterable of strings; None → ().

    >>> load_terms(["入管法", " 仮放免 ", "入管法"])
    ('入管法', '仮放免')
    """
    if source is None:
        return ()
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_file():
            raise ConfigError(f"{name}={str(source)!r}: no such term list file; give a path to a "
                              "UTF-8 file with one term a line, or a list of terms")
        return tuple(read_term_list(path))
    terms: dict[str, None] = {}
    for term in source:
        if not isinstance(term, str):
            raise ConfigError(f"{name} contains {term!r} ({type(term).__name__}): give strings")
        if term.strip():
            terms.setdefault(term.strip(), None)
    return tuple(terms)


def domain_list(arg: "bool | TermSource") -> tuple[str, ...]:
    """The domain terms a tokenizer uses: the bundled list (True), none (False/None), or a user list."""
    if arg is True:
        return domain_terms()
    if arg is False or arg is None:
        return ()
    return load_terms(arg, name="domain_terms")


def terms_hash(terms: tuple[str, ...]) -> str:
    """Short hash of a term list (recorded in tokenizer settings and cache keys)."""
    return stable_hash(list(terms), 12)
