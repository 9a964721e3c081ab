"""``discourse terms extract``: multiword term candidates of a corpus, ranked by C-value (CSV).

    discourse terms extract corpus.jsonl -n 100 -o terms.csv
    discourse terms extract corpora/demo --keep side=ngo --min-freq 3

Review the list and add the terms worth keeping whole to a ``user_terms`` file (or, for the
bundled study, ``corpora/lexicons/domain_terms.txt``).
"""
from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import ConfigError
from .common import add_keep, check_output_file, keep_filters, read_corpus_arg, write_table


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``terms extract`` to the ``discourse`` parser."""
    terms = sub.add_parser("terms", help="term extraction").add_subparsers(dest="terms_command", required=True)
    p = terms.add_parser("extract", help="multiword term candidates ranked by C-value (CSV)")
    p.add_argument("corpus", help="corpus .jsonl or folder")
    p.add_argument("-n", type=int, default=100, help="rows to keep (default 100)")
    p.add_argument("-o", "--output", default=None, help="CSV file to write (default: print the table)")
    p.add_argument("--bom", action="store_true", help="write UTF-8 with BOM (Excel on Japanese Windows)")
    p.add_argument("--method", default="cvalue", choices=["cvalue", "frequency"])
    p.add_argument("--min-freq", type=int, default=2, help="minimum occurrences (default 2)")
    p.add_argument("--max-len", type=int, default=6, help="longest candidate in dictionary words (default 6)")
    add_keep(p)
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Handler of ``discourse terms extract``."""
    from ..terms import extract_terms

    if args.output:
        check_output_file(args.output)
    corpus = read_corpus_arg(args.corpus)
    filters = keep_filters(args.keep)
    if filters:
        corpus = corpus.subset(**filters)
        if not len(corpus):
            raise ConfigError(f"--keep {' '.join(args.keep)}: no document of {args.corpus} is left")
    table = extract_terms(corpus, method=args.method, min_freq=args.min_freq, max_len=args.max_len, n=args.n)
    if args.output:
        write_table(table, args.output, bom=args.bom)
        print(f"wrote {len(table)} terms to {args.output}")
    else:
        print(table.to_string(index=False))
    return 0
