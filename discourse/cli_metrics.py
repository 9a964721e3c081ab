"""CLI commands over the metrics (``discourse keyness | kwic | collocations``), writing CSV.

Each reads a corpus, tokenizes it with the default settings (cached) and writes a tidy table to
``-o FILE.csv`` (or prints the first rows when no output is given).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from .cache import write_csv


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Add the metric subcommands to the ``discourse`` parser."""
    from .cli import command

    p = sub.add_parser("keyness", help="keyness of one group against another (CSV)")
    _common(p)
    p.add_argument("--by", default="side")
    p.add_argument("--target", default="state")
    p.add_argument("--reference", default=None, help="default: all other documents")
    p.add_argument("--measure", default="G2", choices=["G2", "chi2", "pmi", "log_ratio", "pct_diff", "fightin"])
    p = sub.add_parser("kwic", help="key word in context lines with character offsets (CSV)")
    _common(p)
    p.add_argument("pattern", help="a term, a glob (with --valuetype glob), a regex, or a phrase '来日 外国人'")
    p.add_argument("--window", type=int, default=5)
    p.add_argument("--valuetype", default="fixed", choices=["fixed", "glob", "regex"])
    p.add_argument("--sort-by", default=None, choices=["left", "right", "keyword"])
    p = sub.add_parser("collocations", help="collocates of a node term within a window (CSV)")
    _common(p)
    p.add_argument("node")
    p.add_argument("--window", type=int, nargs=2, default=[5, 5], metavar=("LEFT", "RIGHT"))
    p.add_argument("--by", default=None)
    p.add_argument("--min-count", type=int, default=2)
    command("keyness")(_keyness)
    command("kwic")(_kwic)
    command("collocations")(_collocations)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--corpus", default=None, help="corpus .jsonl or folder (default: the bundled demo corpus)")
    p.add_argument("-o", "--output", default=None, help="CSV file to write (UTF-8)")
    p.add_argument("--bom", action="store_true", help="write UTF-8 with BOM (Excel on Japanese Windows)")
    p.add_argument("--language", default=None, choices=["ja", "en"], help="only documents in this language")


def _tokens(args: argparse.Namespace):
    from .load import read_corpus
    from .tokenize import tokenize

    from .resources import resource

    corpus = read_corpus(args.corpus or resource("demo"))
    if args.language:
        corpus = corpus.subset(language=args.language)
    return tokenize(corpus, progress=sys.stderr.isatty())


def _emit(df: pd.DataFrame, args: argparse.Namespace) -> int:
    if args.output:
        write_csv(Path(args.output), df, bom=args.bom)
        print(f"wrote {len(df)} rows to {args.output}")
    else:
        print(df.head(30).to_string(index=False))
    return 0


def _keyness(args: argparse.Namespace) -> int:
    from .metrics import keyness

    return _emit(keyness(_tokens(args), by=args.by, target=args.target, reference=args.reference, measure=args.measure), args)


def _kwic(args: argparse.Namespace) -> int:
    from .metrics import kwic

    phrase = " " in args.pattern
    return _emit(kwic(_tokens(args), args.pattern, window=args.window, valuetype=args.valuetype, phrase=phrase,
                      sort_by=args.sort_by), args)


def _collocations(args: argparse.Namespace) -> int:
    from .metrics import collocations

    return _emit(collocations(_tokens(args), args.node, window=tuple(args.window), by=args.by, min_count=args.min_count), args)
