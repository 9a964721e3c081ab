"""Command line: a thin shell over the importable functions.

    discourse run experiments/state_vs_ngo.toml [--set topics.n_topics=12]
    discourse validate CONFIG
    discourse info
    discourse corpus info PATH | corpus import FOLDER -o corpus.jsonl [--allow-skipped]
    discourse keyness --by side --target state [--reference ngo] | kwic PATTERN | collocations NODE
    discourse frames code | train | evaluate | annotate-export | annotate-import | agreement
    discourse topics CORPUS --k 8 --out DIR [--by side --contrast state,ngo]

One module per command group (``run``, ``corpus``, ``metrics``, ``frames``, ``topics``); each
has ``add_parser(sub)``, which adds its parsers with ``set_defaults(func=handler)``, and
:func:`main` calls ``args.func(args)``. Heavy libraries (gensim, scikit-learn, matplotlib) are
imported inside the handlers, so ``discourse --help`` stays fast.

Exit codes: 0 ok; 1 error (one line ``discourse: error: ...`` on stderr; ``--debug`` or
``DISCOURSE_DEBUG=1`` shows the traceback instead); 2 usage error; 3 finished, but documents or
rows were skipped (``--allow-skipped`` where offered makes it 0); 130 interrupted (Ctrl-C).
"""
from __future__ import annotations

import argparse
import logging
import os
import re
import sys
import warnings
from typing import Sequence

from ..errors import DiscourseError
from . import corpus, fetch, frames, metrics, run, terms, topics
from .common import ERROR, INTERRUPTED, USAGE, env_flag, os_error_message

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The ``discourse`` parser with every command group."""
    parser = argparse.ArgumentParser(prog="discourse", description="Discourse analysis of Japanese political text.",
                                     epilog="exit codes: 0 ok, 1 error, 2 usage error, 3 finished but something was "
                                            "skipped, 130 interrupted")
    parser.add_argument("--debug", action="store_true",
                        help="on an error show the full traceback (also DISCOURSE_DEBUG=1); may be given anywhere")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run.add_parser(sub)
    corpus.add_parser(sub)
    metrics.add_parser(sub)
    frames.add_parser(sub)
    topics.add_parser(sub)
    fetch.add_parser(sub)
    terms.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``discourse`` with ``argv`` (default ``sys.argv[1:]``) and return the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = _pop_debug(argv) or env_flag("DISCOURSE_DEBUG")
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:              # --help (0) or a usage error (2): argparse printed it
        return exc.code if isinstance(exc.code, int) else USAGE
    _configure_logging()
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            return int(args.func(args))
    except KeyboardInterrupt:
        if debug:
            raise
        print("discourse: interrupted", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:               # `discourse kwic ... | head`: the reader left; stop quietly
        _silence_stdout()
        return ERROR
    except Exception as exc:  # noqa: BLE001 - every error becomes one line unless --debug
        if debug:
            raise
        print(f"discourse: error: {error_message(exc)}", file=sys.stderr)
        return ERROR


def error_message(exc: BaseException) -> str:
    """The one-line message for an error that stops a command."""
    if isinstance(exc, DiscourseError):
        return _one_line(str(exc))
    if isinstance(exc, re.error):
        return regex_message(exc)
    if isinstance(exc, OSError):
        return os_error_message(exc)
    if isinstance(exc, UnicodeDecodeError):
        return (f"cannot decode the input as {exc.encoding} (byte {exc.start}): save the file as UTF-8 or import it "
                "with `discourse corpus import`, which detects the encoding")
    return _one_line(f"{type(exc).__name__}: {exc} (unexpected: run again with --debug for the traceback "
                     "and report it)")


def regex_message(exc: re.error) -> str:
    """``bad regular expression '外国[': unterminated character set at position 2``."""
    pattern = exc.pattern.decode() if isinstance(exc.pattern, bytes) else exc.pattern
    position = f" at position {exc.pos}" if exc.pos is not None else ""
    return f"bad regular expression {pattern!r}: {exc.msg}{position}: fix the pattern (or use --valuetype fixed)"


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that Python's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout without a file descriptor (tests)
        pass


def _one_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return "; ".join(lines) if lines else text


def _pop_debug(argv: list[str]) -> bool:
    """Remove ``--debug`` from ``argv`` (before a ``--``), wherever it is; True when it was there."""
    end = argv.index("--") if "--" in argv else len(argv)
    found = "--debug" in argv[:end]
    argv[:end] = [a for a in argv[:end] if a != "--debug"]
    return found


def _show_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                  file: object = None, line: str | None = None) -> None:
    """Library warnings as ``discourse: warning: ...`` lines, without the source line."""
    print(f"discourse: warning: {message}", file=sys.stderr)


def _configure_logging() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")   # libraries: warnings only
    logging.getLogger("discourse").setLevel(logging.INFO)                         # our stage messages
