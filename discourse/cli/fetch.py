"""``discourse fetch``: get real texts in (a thin CLI shell over :mod:`discourse.sources`).

    discourse fetch kokkai --any "外国人 犯罪" --from 1990-01-01 --until 2010-12-31 \\
        [--speaker NAME] [--house 衆議院] [--meeting 法務委員会] [--rules corpora/rules/kokkai_side.toml] \\
        [--api-url URL] [--cache DIR] [--delay S] [--limit N] [--refresh] (-o diet.jsonl | --shards DIR \
        [--shard-bytes 64MB])
    discourse fetch urls recipe.csv -o corpus.jsonl [--cache DIR] [--delay S] [--record-checksums] \\
        [--allow-failures]
    discourse fetch check corpus.jsonl recipe.csv

``add_parser(sub)`` adds the group; the handlers are attached with ``set_defaults(func=...)``.
"""
from __future__ import annotations

import argparse
import re
import sys

from ..errors import ConfigError


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``fetch`` command group (``kokkai``, ``urls``, ``check``) to the ``discourse`` parser."""
    p = sub.add_parser("fetch", help="get real texts: Diet minutes API, web pages and PDFs of a recipe")
    fetch = p.add_subparsers(dest="fetch_command", required=True)
    _kokkai_parser(fetch)
    _urls_parser(fetch)
    c = fetch.add_parser("check", help="how many sentences of each recipe document a fetched corpus still has")
    c.add_argument("corpus", help="corpus .jsonl written by 'fetch urls'")
    c.add_argument("recipe", help="the recipe CSV (its sentence hashes: RECIPE_STEM.sentences.jsonl)")
    c.add_argument("--sentences", default=None, help="the recipe's sentence hashes, if not next to it")
    c.set_defaults(func=run_check)
    return p


def _common(p: argparse.ArgumentParser, delay: float) -> None:
    p.add_argument("--cache", default=None, metavar="DIR", help="raw cache folder (default $DISCOURSE_CACHE "
                                                               "or ./.discourse-cache)")
    p.add_argument("--delay", type=float, default=delay, metavar="S",
                   help=f"seconds between two requests to one host (default {delay:g})")
    p.add_argument("--max-retries", type=int, default=4, help="retries of 429/5xx/network errors (default 4)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def _kokkai_parser(fetch: argparse._SubParsersAction) -> None:
    p = fetch.add_parser("kokkai", help="speeches from the Diet minutes search API (one document per speech)")
    p.add_argument("--any", default="", help='search words separated by spaces, e.g. "外国人 犯罪"')
    p.add_argument("--from", dest="from_date", default="", metavar="YYYY-MM-DD")
    p.add_argument("--until", dest="until_date", default="", metavar="YYYY-MM-DD")
    p.add_argument("--speaker", default="")
    p.add_argument("--house", default="", help="衆議院, 参議院, 両院 or 両院協議会")
    p.add_argument("--meeting", default="", help="meeting name, e.g. 法務委員会")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="another API parameter by its API name (speakerGroup=..., sessionFrom=...)")
    p.add_argument("--rules", default=None, metavar="RULES.toml", help="rules assigning side etc. "
                                                                       "(e.g. corpora/rules/kokkai_side.toml)")
    p.add_argument("--api-url", default=None, help="speech endpoint (default the public API)")
    p.add_argument("--limit", type=int, default=None, help="stop after N records (a preview)")
    p.add_argument("--refresh", action="store_true", help="ignore cached pages")
    out = p.add_mutually_exclusive_group(required=True)
    out.add_argument("-o", "--output", help="output corpus .jsonl (speeches in the API's order)")
    out.add_argument("--shards", metavar="DIR", help="output folder of JSON Lines shards part-00000.jsonl ... sorted "
                                                     "by date then speech id, with manifest.json (checksums, query)")
    p.add_argument("--shard-bytes", type=byte_size, default="64MB", metavar="SIZE",
                   help="largest shard with --shards: bytes, or with kB/MB/GB (default 64MB = 64,000,000 bytes)")
    _common(p, 1.0)
    p.set_defaults(func=run_kokkai)


def _urls_parser(fetch: argparse._SubParsersAction) -> None:
    p = fetch.add_parser("urls", help="web pages and PDFs listed in a recipe CSV")
    p.add_argument("recipe", help="recipe CSV: id,url,side,actor,genre,date,title,language,licence,sha256")
    p.add_argument("-o", "--output", required=True, help="output corpus .jsonl (status and sentence "
                                                          "hashes are written next to it)")
    p.add_argument("--record-checksums", action="store_true",
                   help="also write OUTPUT_STEM.recipe.csv with the sha256 column filled (maintainers)")
    p.add_argument("--allow-failures", action="store_true", help="exit 0 even if some rows are not ok")
    _common(p, 1.0)
    p.set_defaults(func=run_urls)


_UNITS = {"": 1, "b": 1, "kb": 10**3, "k": 10**3, "mb": 10**6, "m": 10**6, "gb": 10**9, "g": 10**9,
          "kib": 2**10, "mib": 2**20, "gib": 2**30}


def byte_size(text: str) -> int:
    """A size such as ``64MB``, ``500kB``, ``1.5GB``, ``64MiB`` or ``1000000`` in bytes (kB/MB/GB are
    powers of 1000, KiB/MiB/GiB powers of 1024).

    >>> byte_size("64MB"), byte_size("2 KiB"), byte_size("1000")
    (64000000, 2048, 1000)
    """
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*", str(text))
    unit = m.group(2).lower() if m else ""
    if not m or unit not in _UNITS or float(m.group(1)) * _UNITS[unit] < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size: write e.g. 64MB, 500kB, 1GB or a number of bytes")
    return int(float(m.group(1)) * _UNITS[unit])


def _params(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ConfigError(f"--param {item!r}: write NAME=VALUE, e.g. --param speakerGroup=自由民主党")
        out[name.strip()] = value.strip()
    return out


def run_kokkai(args: argparse.Namespace) -> int:
    """``discourse fetch kokkai``: fetch, assign rules, write the corpus (a file or shards), print the counts."""
    from ..sources.kokkai import DEFAULT_API_URL, KokkaiFetcher, KokkaiQuery

    query = KokkaiQuery(args.any, args.speaker, args.house, args.meeting, args.from_date, args.until_date,
                        _params(args.param))
    fetcher = KokkaiFetcher(query, api_url=args.api_url or DEFAULT_API_URL, cache_dir=args.cache,
                            delay=args.delay, max_retries=args.max_retries, refresh=args.refresh,
                            progress=False if args.quiet else None)
    if args.shards:
        manifest = fetcher.write_shards(args.shards, rules=args.rules, limit=args.limit, shard_bytes=args.shard_bytes)
        n = manifest["n_records"]
        where = f"{len(manifest['shards'])} shard(s) in {args.shards} (manifest.json beside them)"
    else:
        n, where = fetcher.write_jsonl(args.output, rules=args.rules, limit=args.limit), args.output
    print(f"wrote {n} speeches to {where} ({fetcher.n_records} records; pages: "
          f"{fetcher.pages_fetched} fetched, {fetcher.pages_cached} from the cache)")
    for p in fetcher.problems:
        print(f"skipped: {p}")
    if fetcher.counts is not None:
        print(fetcher.counts)
    return 0


def run_urls(args: argparse.Namespace) -> int:
    """``discourse fetch urls``: fetch a recipe; exit 3 (completed, something skipped) when a row is not ok (unless --allow-failures)."""
    from ..sources.urls import companion_paths, fetch_urls

    result = fetch_urls(args.recipe, output=args.output, cache_dir=args.cache, delay=args.delay,
                        max_retries=args.max_retries, record_checksums=args.record_checksums,
                        progress=False if args.quiet else None)
    paths = companion_paths(args.output)
    counts = result.status["status"].value_counts()
    print(f"wrote {len(result.corpus)} documents to {args.output}; status: "
          + ", ".join(f"{k} {v}" for k, v in counts.items()))
    print(f"status table: {paths['status']}; sentence hashes: {paths['sentences']}")
    if args.record_checksums:
        print(f"recipe with checksums: {paths['recipe']}")
    bad = result.status[~result.status["status"].isin(["ok"] + (["no_checksum"] if args.record_checksums else []))]
    for row in bad.itertuples():
        print(f"{row.status}: {row.id} {row.url} {row.detail}", file=sys.stderr)
    return 0 if bad.empty or args.allow_failures else 3


def run_check(args: argparse.Namespace) -> int:
    """``discourse fetch check``: print the per-document sentence match table."""
    from ..sources.urls import check_against_recipe

    table = check_against_recipe(args.corpus, args.recipe, sentences=args.sentences)
    print(table.to_string(index=False))
    return 0
