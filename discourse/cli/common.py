"""What the command modules share: output paths checked before any work, writes that fail with
one clear line, corpus reading that counts skipped documents, and the exit codes.

Exit codes of ``discourse``: ``OK`` (0), ``ERROR`` (1, a located one-line message), ``USAGE``
(2, argparse), ``SKIPPED`` (3, the command finished but left documents or rows out),
``INTERRUPTED`` (130, Ctrl-C).
"""
from __future__ import annotations

import argparse
import contextlib
import errno
import os
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Sequence

from ..errors import ConfigError, CorpusError, DiscourseError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..corpus import Corpus, Problem

OK, ERROR, USAGE, SKIPPED, INTERRUPTED = 0, 1, 2, 3, 130


class OutputError(DiscourseError, OSError):
    """A file or folder the command must write cannot be written (names the path and the fix)."""


def os_error_message(exc: OSError, path: str | Path | None = None) -> str:
    """One line for an :class:`OSError`: the path, what went wrong, and what to do.

    >>> os_error_message(FileNotFoundError(2, "No such file or directory", "x.jsonl"))
    'x.jsonl: no such file or folder: check the path (relative paths start at the current folder)'
    """
    where = path if path is not None else exc.filename
    prefix = f"{where}: " if where is not None else ""
    code = exc.errno
    if code == errno.ENOSPC or code == getattr(errno, "EDQUOT", None):
        return f"{prefix}no space left on the device: free some space or write somewhere else"
    if isinstance(exc, PermissionError) or code in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"{prefix}permission denied ({exc.strerror or exc}): choose a place you may write to or read from"
    if isinstance(exc, FileNotFoundError):
        return f"{prefix}no such file or folder: check the path (relative paths start at the current folder)"
    if isinstance(exc, IsADirectoryError):
        return f"{prefix}is a folder, not a file: give a file name"
    if isinstance(exc, NotADirectoryError):
        return f"{prefix}a part of this path is a file, not a folder: check the path"
    return f"{prefix}{exc.strerror or exc}"


def check_output_file(path: str | Path, option: str = "-o") -> Path:
    """Fail before any work when ``path`` cannot be a new output file.

    A folder, a missing parent folder or a parent that is a file is a :class:`ConfigError` that
    names the option, the path and the fix.
    """
    path = Path(path)
    if path.is_dir():
        raise ConfigError(f"{option} {path}: is a folder: give a file name inside it, e.g. {path / 'out.csv'}")
    parent = path.parent
    if not parent.exists():
        raise ConfigError(f"{option} {path}: the folder {parent} does not exist: create it first "
                          f"(mkdir -p {parent}) or choose another path")
    if not parent.is_dir():
        raise ConfigError(f"{option} {path}: {parent} is a file, not a folder: choose another path")
    return path


def check_output_folder(path: str | Path, option: str = "-o") -> Path:
    """Fail before any work when ``path`` exists and is a file (a new folder is created later)."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise ConfigError(f"{option} {path}: is a file, not a folder: give a folder name")
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise ConfigError(f"{option} {path}: {parent} is a file, not a folder: choose another path")
            break
    return path


@contextlib.contextmanager
def writing(path: str | Path) -> Iterator[None]:
    """Turn an :class:`OSError` while writing ``path`` into an :class:`OutputError` naming it."""
    try:
        yield
    except DiscourseError:
        raise
    except OSError as exc:
        raise OutputError(f"cannot write {os_error_message(exc, path)}") from exc


def write_table(df: "pd.DataFrame", path: str | Path, *, bom: bool = False, index: bool = False) -> Path:
    """Write ``df`` as CSV with :func:`discourse.cache.write_csv`; errors name the path."""
    from .. import cache

    with writing(path):
        return cache.write_csv(Path(path), df, bom=bom, index=index)


def read_corpus_arg(path: str | Path | None) -> "Corpus":
    """Read the corpus a command names (default: the bundled demo corpus).

    Skipped lines are printed on stderr (the first few); a corpus of which nothing could be read
    is a :class:`CorpusError`. The command exits 3 (see :func:`report_skipped`) when lines were skipped.
    """
    from ..load import read_corpus
    from ..resources import resource

    source = Path(path) if path is not None else resource("demo")
    if not source.exists():
        raise ConfigError(f"corpus {source}: no such file or folder: give a corpus .jsonl or a folder holding one")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")          # the problems are printed below, one per line
        corpus = read_corpus(source)
    problems = corpus.problems
    if problems and not len(corpus):
        raise CorpusError(f"{source}: no document could be read ({len(problems)} problems; the first: {problems[0]})")
    print_problems(problems)
    return corpus


def print_problems(problems: Sequence["Problem"], limit: int = 5) -> None:
    """The first ``limit`` problems on stderr, one per line, then how many more there are."""
    for p in problems[:limit]:
        print(f"skipped: {p}", file=sys.stderr)
    if len(problems) > limit:
        print(f"skipped: ... and {len(problems) - limit} more", file=sys.stderr)


def problems_frame(problems: Sequence["Problem"]) -> "pd.DataFrame":
    """The skipped items as a tidy table: ``path, line, field, message`` (one row per problem)."""
    import pandas as pd

    columns = ["path", "line", "field", "message"]
    return pd.DataFrame([[getattr(p, c, "") for c in columns] for p in problems], columns=columns)


def report_skipped(n_skipped: int, what: str, *, allow: bool = False, table: Path | None = None) -> int:
    """Print how many items were skipped (on stderr) and return the exit code (3, or 0 with ``allow``)."""
    if not n_skipped:
        return OK
    where = f"; the problems are listed in {table}" if table is not None else ""
    print(f"discourse: warning: {n_skipped} {what} skipped{where}", file=sys.stderr)
    return OK if allow else SKIPPED


def add_allow_skipped(p: argparse.ArgumentParser) -> None:
    """The ``--allow-skipped`` flag: exit 0 instead of 3 when some documents or rows were skipped."""
    p.add_argument("--allow-skipped", action="store_true",
                   help="exit 0 instead of 3 when documents or rows were skipped (they are still reported)")


def format_value(value: Any) -> str:
    """A short text for any JSON value of a manifest (numbers with one decimal, lists and dicts nested).

    >>> format_value([1.25, {"a": 2}])
    '[1.2, {a 2.0}]'
    """
    if isinstance(value, bool) or value is None:
        return str(value).lower() if value is not None else "null"
    if isinstance(value, (int, float)):
        return f"{value:.1f}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} {format_value(v)}" for k, v in value.items()) + "}"
    return str(value)


def env_flag(name: str) -> bool:
    """True when the environment variable ``name`` is set to something other than ``""``/``0``."""
    return os.environ.get(name, "") not in ("", "0")


def add_keep(p: argparse.ArgumentParser) -> None:
    """``--keep DOCVAR=V1,V2`` (repeatable): keep only these documents, as :meth:`Corpus.subset`."""
    p.add_argument("--keep", action="append", default=[], metavar="DOCVAR=V1,V2",
                   help="keep only documents whose docvar has one of these values (repeatable), e.g. side=state,ngo")


def keep_filters(items: Sequence[str]) -> dict[str, list[str]]:
    """``--keep`` values as :meth:`Corpus.subset` keywords."""
    filters: dict[str, list[str]] = {}
    for item in items:
        name, sep, values = item.partition("=")
        if not sep or not name.strip() or not values.strip():
            raise ConfigError(f"--keep {item!r}: write DOCVAR=VALUE[,VALUE...], e.g. --keep side=state,ngo")
        filters[name.strip()] = [v.strip() for v in values.split(",") if v.strip()]
    return filters
