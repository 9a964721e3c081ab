"""``discourse corpus info | import``: corpus size, and a folder of source files into JSONL.

    discourse corpus info corpora/demo
    discourse corpus import my_texts/ [--metadata my_texts/metadata.csv] -o my_corpus.jsonl

``import`` exits 3 when some rows or files were skipped (``--allow-skipped``: 0) and 1 when
every row was skipped; the skipped rows go to ``<output>.problems.csv`` (or ``--problems``).
"""
from __future__ import annotations

import argparse
import warnings
from pathlib import Path

from ..errors import CorpusError
from .common import OK, add_allow_skipped, check_output_file, print_problems, problems_frame, read_corpus_arg, report_skipped, \
    write_table, writing


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add ``corpus info`` and ``corpus import``."""
    group = sub.add_parser("corpus", help="corpus tools: info, import")
    corpus = group.add_subparsers(dest="corpus_command", required=True, metavar="COMMAND")
    p = corpus.add_parser("info", help="size by side, genre, language and year")
    p.add_argument("path", help="corpus .jsonl or folder")
    add_allow_skipped(p)
    p.set_defaults(func=cmd_info)
    p = corpus.add_parser("import", help="import a folder of txt/html/pdf files with metadata.csv into JSONL")
    p.add_argument("folder")
    p.add_argument("--metadata", default=None, help="metadata.csv (default: FOLDER/metadata.csv)")
    p.add_argument("-o", "--output", required=True, help="output corpus.jsonl")
    p.add_argument("--problems", default=None, help="CSV of the skipped rows (default: <output>.problems.csv)")
    p.add_argument("--strict", action="store_true", help="fail on the first problem instead of skipping")
    add_allow_skipped(p)
    p.set_defaults(func=cmd_import)


def cmd_info(args: argparse.Namespace) -> int:
    """Print the corpus size tables; exit 3 when lines of the corpus were skipped."""
    corpus = read_corpus_arg(args.path)
    print(f"{corpus!r}")
    for by, table in corpus.summary().items():
        print(f"\nby {by}:\n{table.to_string(index=False)}")
    return report_skipped(len(corpus.problems), f"item(s) of {args.path}", allow=args.allow_skipped)


def problems_path(args: argparse.Namespace) -> Path:
    """``--problems``, or ``corpus.problems.csv`` beside ``-o corpus.jsonl``."""
    if args.problems:
        return Path(args.problems)
    out = Path(args.output)
    return out.with_name(f"{out.stem}.problems.csv")


def cmd_import(args: argparse.Namespace) -> int:
    """Import the folder; write the corpus and the table of skipped rows."""
    from ..load import import_folder

    out = check_output_file(args.output)
    table = check_output_file(problems_path(args), "--problems")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")          # the problems are printed and written below
        corpus = import_folder(args.folder, args.metadata, strict=args.strict)
    problems = corpus.problems
    if problems:
        write_table(problems_frame(problems), table)
        print_problems(problems)
    if not len(corpus):
        raise CorpusError(f"{args.folder}: every row was skipped ({len(problems)} problems, listed in {table}); "
                          "nothing was written to " + str(out) + ": fix metadata.csv or the files")
    with writing(out):
        corpus.to_jsonl(out)
    print(f"wrote {len(corpus)} documents to {out}")
    if not problems:
        return OK
    return report_skipped(len(problems), f"row(s) or file(s) of {args.folder}", allow=args.allow_skipped, table=table)
