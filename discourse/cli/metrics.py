"""``discourse keyness | kwic | collocations``: the metrics on a corpus, written as CSV.

    discourse keyness --by side --target state [--reference ngo] [--measure G2] -o keyness.csv
    discourse kwic 来日外国人 --window 5 [--valuetype glob|regex | --regex] -o kwic.csv
    discourse collocations 外国人 [--by side] -o collocates.csv

Each reads a corpus (default: the bundled demo corpus), tokenizes it with the default settings
(cached) and writes a tidy table to ``-o FILE.csv`` (or prints the first rows). Comparisons name
their groups: ``--by`` and ``--target`` have no default. Exit 3 when corpus lines were skipped.
"""
from __future__ import annotations

import argparse
import re
import sys
from typing import TYPE_CHECKING

from ..errors import ConfigError
from .common import OK, add_allow_skipped, check_output_file, read_corpus_arg, report_skipped, write_table

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..tokens import Tokens

MEASURES = ["G2", "chi2", "pmi", "log_ratio", "pct_diff", "fightin"]


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add ``keyness``, ``kwic`` and ``collocations``."""
    p = sub.add_parser("keyness", help="keyness of one group of documents against another (CSV)")
    _common(p)
    p.add_argument("--by", required=True, help="the docvar that defines the groups, e.g. side, actor, year")
    p.add_argument("--target", required=True, nargs="+", help="value(s) of --by selecting the target documents")
    p.add_argument("--reference", default=None, nargs="+", help="value(s) of the reference (default: all other documents)")
    p.add_argument("--measure", default="G2", choices=MEASURES)
    p.set_defaults(func=cmd_keyness)
    p = sub.add_parser("kwic", help="key word in context lines with character offsets (CSV)")
    _common(p)
    p.add_argument("pattern", help="a term, a glob (with --valuetype glob), a regex, or a phrase '来日 外国人'")
    p.add_argument("--window", type=int, default=5)
    p.add_argument("--valuetype", default="fixed", choices=["fixed", "glob", "regex"])
    p.add_argument("--regex", dest="valuetype", action="store_const", const="regex", help="same as --valuetype regex")
    p.add_argument("--sort-by", default=None, choices=["left", "right", "keyword"])
    p.set_defaults(func=cmd_kwic)
    p = sub.add_parser("collocations", help="collocates of a node term within a window (CSV)")
    _common(p)
    p.add_argument("node")
    p.add_argument("--window", type=int, nargs=2, default=[5, 5], metavar=("LEFT", "RIGHT"))
    p.add_argument("--by", default=None, help="a docvar: one table per value (column group)")
    p.add_argument("--min-count", type=int, default=2)
    p.set_defaults(func=cmd_collocations)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--corpus", default=None, help="corpus .jsonl or folder (default: the bundled demo corpus)")
    p.add_argument("-o", "--output", default=None, help="CSV file to write (UTF-8)")
    p.add_argument("--bom", action="store_true", help="write UTF-8 with BOM (Excel on Japanese Windows)")
    p.add_argument("--language", default=None, choices=["ja", "en"], help="only documents in this language")
    add_allow_skipped(p)


def _tokens(args: argparse.Namespace) -> tuple["Tokens", int]:
    """Check ``-o`` first, then read, filter and tokenize the corpus; also the number of skipped items."""
    from ..tokenize import tokenize

    if args.output:
        check_output_file(args.output)
    corpus = read_corpus_arg(args.corpus)
    skipped = len(corpus.problems)
    if args.language:
        corpus = corpus.subset(language=args.language)
    return tokenize(corpus, progress=sys.stderr.isatty()), skipped


def _emit(df: "pd.DataFrame", args: argparse.Namespace, skipped: int) -> int:
    if args.output:
        write_table(df, args.output, bom=args.bom)
        print(f"wrote {len(df)} rows to {args.output}")
    elif df.empty:
        print("no rows: nothing matched")
    else:
        print(df.head(30).to_string(index=False))
        if len(df) > 30:
            print(f"... {len(df) - 30} more rows: write them all with -o FILE.csv")
    return report_skipped(skipped, f"item(s) of the corpus {args.corpus or 'demo'}", allow=args.allow_skipped) \
        if skipped else OK


def _one_or_list(values: list[str] | None) -> str | list[str] | None:
    return values[0] if values and len(values) == 1 else values


def cmd_keyness(args: argparse.Namespace) -> int:
    """Keyness of ``--target`` against ``--reference`` (all others by default)."""
    from ..metrics import keyness

    tokens, skipped = _tokens(args)
    table = keyness(tokens, by=args.by, target=_one_or_list(args.target), reference=_one_or_list(args.reference),
                    measure=args.measure)
    return _emit(table, args, skipped)


def check_regex(pattern: str) -> None:
    """Raise :class:`ConfigError` naming ``pattern`` and ``re``'s message when it does not compile."""
    try:
        re.compile(pattern)
    except re.error as exc:
        where = f" at position {exc.pos}" if exc.pos is not None else ""
        raise ConfigError(f"kwic pattern {pattern!r} is not a valid regular expression: {exc.msg}{where}: "
                          "fix it, or use --valuetype fixed for the literal text") from None


def cmd_kwic(args: argparse.Namespace) -> int:
    """Concordance lines of a term, glob, regex or phrase."""
    from ..metrics import kwic

    phrase = " " in args.pattern.strip()
    if args.valuetype == "regex":
        for part in args.pattern.split() if phrase else [args.pattern]:
            check_regex(part)
    tokens, skipped = _tokens(args)
    table = kwic(tokens, args.pattern, window=args.window, valuetype=args.valuetype, phrase=phrase, sort_by=args.sort_by)
    return _emit(table, args, skipped)


def cmd_collocations(args: argparse.Namespace) -> int:
    """Collocates of the node within the window (per ``--by`` group when given)."""
    from ..metrics import collocations

    tokens, skipped = _tokens(args)
    table = collocations(tokens, args.node, window=tuple(args.window), by=args.by, min_count=args.min_count)
    return _emit(table, args, skipped)
