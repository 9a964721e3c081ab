"""``discourse fetch``: get real texts in (a thin CLI shell over :mod:`discourse.sources`).

    discourse fetch kokkai --any "外国人 犯罪" --from 1990-01-01 --until 2010-12-31 \\
        [--speaker NAME] [--house 衆議院] [--meeting 法務委員会] [--rules corpora/rules/kokkai_side.toml] \\
        [--api-url URL] [--cache DIR] [--delay S] [--limit N] [--refresh] -o diet.jsonl
    discourse fetch urls recipe.csv -o corpus.jsonl [--cache DIR] [--delay S] [--record-checksums] \\
        [--allow-failures]
    discourse fetch check corpus.jsonl recipe.csv

``add_parser(sub)`` adds the group; the handlers are attached with ``set_defaults(func=...)``.
"""
from __future__ import annotations

import argparse
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
    p.add_argument("-o", "--output", required=True, help="output corpus .jsonl")
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


def _params(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ConfigError(f"--param {item!r}: write NAME=VALUE, e.g. --param speakerGroup=自由民主党")
        out[name.strip()] = value.strip()
    return out


def run_kokkai(args: argparse.Namespace) -> int:
    """``discourse fetch kokkai``: fetch, assign rules, write the corpus, print the counts."""
    from ..sources.kokkai import DEFAULT_API_URL, KokkaiFetcher, KokkaiQuery

    query = KokkaiQuery(args.any, args.speaker, args.house, args.meeting, args.from_date, args.until_date,
                        _params(args.param))
    fetcher = KokkaiFetcher(query, api_url=args.api_url or DEFAULT_API_URL, cache_dir=args.cache,
                            delay=args.delay, max_retries=args.max_retries, refresh=args.refresh,
                            progress=False if args.quiet else None)
    n = fetcher.write_jsonl(args.output, rules=args.rules, limit=args.limit)
    print(f"wrote {n} speeches to {args.output} ({fetcher.n_records} records; pages: "
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
