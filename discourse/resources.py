"""Where the bundled data lives (lexicons, codebooks, statistics, the demo corpus).

In order: ``$DISCOURSE_CORPORA`` if set; ``discourse/_corpora/`` inside an installed package (a
wheel or a non-editable ``pip install .`` ships it there, see ``setup.py``); the ``corpora/``
folder beside the package in a source checkout or an editable install.
"""
from __future__ import annotations

import os
from pathlib import Path

from .errors import ConfigError

PACKAGED = Path(__file__).resolve().parent / "_corpora"
CHECKOUT = Path(__file__).resolve().parent.parent / "corpora"


def corpora_dir() -> Path:
    """The bundled data folder: ``$DISCOURSE_CORPORA``, else the packaged copy, else the checkout's."""
    env = os.environ.get("DISCOURSE_CORPORA")
    if env:
        path = Path(env)
        if not path.is_dir():
            raise ConfigError(f"DISCOURSE_CORPORA={env!r} is not a folder: point it at a copy of corpora/ or unset it")
        return path
    for path in (PACKAGED, CHECKOUT):
        if path.is_dir():
            return path
    raise ConfigError(f"bundled data not found (neither {PACKAGED} nor {CHECKOUT} exists): reinstall the "
                      "package (pip install . builds it in), or set DISCOURSE_CORPORA to a copy of corpora/")


def resource(*parts: str) -> Path:
    """Path of a bundled file, e.g. ``resource("lexicons", "stopwords_ja.txt")``; error if missing."""
    path = corpora_dir().joinpath(*parts)
    if not path.exists():
        raise ConfigError(f"bundled file {path} is missing: is the installation (or checkout) complete?")
    return path


def read_term_list(path: str | os.PathLike[str]) -> list[str]:
    """One term per line; ``#`` starts a comment; blank lines ignored; order kept, duplicates dropped."""
    seen: dict[str, None] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        term = line.split("#", 1)[0].strip()
        if term:
            seen.setdefault(term, None)
    return list(seen)
