"""Command line: a thin shell over the importable functions.

    discourse run experiments/state_vs_ngo.toml [--set topics.n_topics=12]
    discourse validate CONFIG
    discourse info
    discourse corpus info PATH | corpus import FOLDER --metadata metadata.csv -o corpus.jsonl
    discourse keyness | kwic | collocations ...      (discourse/cli_metrics.py)
    discourse frames code | train | evaluate | annotate-export | annotate-import | agreement
    discourse topics CORPUS ...                      (discourse/topics/cli.py)
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
from typing import Callable, Sequence

from .errors import DiscourseError

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def command(name: str) -> Callable:
    def register(fn: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
        COMMANDS[name] = fn
        return fn
    return register


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="discourse", description="Discourse analysis of Japanese political text.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("run", help="run an experiment config into runs/<name>/<id>/")
    p.add_argument("config")
    p.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE", help="override a config value")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p = sub.add_parser("validate", help="check a config and its inputs without running")
    p.add_argument("config")
    p.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE")
    sub.add_parser("info", help="versions of the package, the dictionary and the libraries")
    corpus = sub.add_parser("corpus", help="corpus tools").add_subparsers(dest="corpus_command", required=True)
    p = corpus.add_parser("info", help="size by side, genre, language and year")
    p.add_argument("path")
    p = corpus.add_parser("import", help="import a folder of txt/html/pdf files with metadata.csv into JSONL")
    p.add_argument("folder")
    p.add_argument("--metadata", default=None, help="metadata.csv (default: FOLDER/metadata.csv)")
    p.add_argument("-o", "--output", required=True, help="output corpus.jsonl")
    p.add_argument("--strict", action="store_true", help="fail on the first problem instead of skipping")
    from . import cli_metrics
    from .framing.cli import add_frames_parser
    from .topics import cli as topics_cli

    cli_metrics.add_parsers(sub)
    add_frames_parser(sub)
    topics_cli.add_parser(sub)
    from . import terms_cli
    terms_cli.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")   # libraries: warnings only
    logging.getLogger("discourse").setLevel(logging.INFO)                         # our stage messages
    key = args.command if args.command != "corpus" else f"corpus {args.corpus_command}"
    handler = COMMANDS.get(key) or getattr(args, "func")
    try:
        return handler(args)
    except DiscourseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


@command("run")
def _run(args: argparse.Namespace) -> int:
    from .experiment import load_experiment, run_experiment

    cfg = load_experiment(args.config, args.set)
    out = run_experiment(cfg, progress=not args.quiet and sys.stderr.isatty())
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    tables = [f for f in manifest["files"] if f.startswith("tables/")]
    figures = [f for f in manifest["files"] if f.startswith("figures/")]
    timings = ", ".join(f"{k} {v:.1f}s" for k, v in manifest["timings_s"].items())
    print(f"wrote {len(tables)} tables, {len(figures)} figures ({timings}; cached: "
          f"{', '.join(k for k, hit in manifest['stage_cache_hits'].items() if hit) or 'none'})")
    print(f"run complete: {out}")
    report = out / "report.html"
    if report.exists():
        print(f"report: {report}")
    return 0


@command("validate")
def _validate(args: argparse.Namespace) -> int:
    from .experiment import load_experiment, validate_inputs

    cfg = load_experiment(args.config, args.set)
    for line in validate_inputs(cfg):
        print(line)
    print(f"{args.config}: OK")
    return 0


@command("info")
def _info(args: argparse.Namespace) -> int:
    from .experiment.run import versions

    for name, version in versions().items():
        print(f"{name:>18}  {version}")
    return 0


@command("corpus info")
def _corpus_info(args: argparse.Namespace) -> int:
    from .load import read_corpus

    corpus = read_corpus(args.path)
    print(f"{corpus!r}")
    for by, table in corpus.summary().items():
        print(f"\nby {by}:\n{table.to_string(index=False)}")
    for p in corpus.problems:
        print(f"skipped: {p}")
    return 0


@command("corpus import")
def _corpus_import(args: argparse.Namespace) -> int:
    from .ingest import import_folder

    corpus = import_folder(args.folder, args.metadata, strict=args.strict)
    out = corpus.to_jsonl(args.output)
    print(f"wrote {len(corpus)} documents to {out}")
    for p in corpus.problems:
        print(f"skipped: {p}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
