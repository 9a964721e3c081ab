"""Where the bundled data lives: the repository's ``corpora/`` folder (or ``$DISCOURSE_CORPORA``)."""
from __future__ import annotations

import os
from pathlib import Path

from .errors import ConfigError


def corpora_dir() -> Path:
    """The bundled ``corpora/`` folder: ``$DISCOURSE_CORPORA`` if set, else the one beside the package."""
    env = os.environ.get("DISCOURSE_CORPORA")
    path = Path(env) if env else Path(__file__).resolve().parent.parent / "corpora"
    if not path.is_dir():
        raise ConfigError(f"bundled data folder {path} not found: install from a source checkout "
                          "(pip install -e .) or set DISCOURSE_CORPORA to a copy of corpora/")
    return path


def resource(*parts: str) -> Path:
    """Path of a bundled file, e.g. ``resource("lexicons", "stopwords_ja.txt")``; error if missing."""
    path = corpora_dir().joinpath(*parts)
    if not path.exists():
        raise ConfigError(f"bundled file {path} is missing: is the checkout complete?")
    return path


def read_term_list(path: str | os.PathLike[str]) -> list[str]:
    """One term per line; ``#`` starts a comment; blank lines ignored; order kept, duplicates dropped."""
    seen: dict[str, None] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        term = line.split("#", 1)[0].strip()
        if term:
            seen.setdefault(term, None)
    return list(seen)
