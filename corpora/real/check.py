"""Check the real-corpus recipe and compare a fetched corpus with it.

The recipe (``corpora/real/recipe.csv``) lists references to public documents, never their text.
``discourse fetch urls corpora/real/recipe.csv -o corpora/real/texts/corpus.jsonl`` turns it into a
corpus on the user's machine; this script tells which recipe ids the fetched corpus lacks, which
documents it holds that the recipe does not list, and which texts differ from the recorded sha256.

Usage (standard library + pandas only)::

    python corpora/real/check.py corpora/real/texts/corpus.jsonl   # compare and print the tables
    python corpora/real/check.py --tables                            # only validate + print the tables
    python corpora/real/check.py --write-readme                      # rewrite the tables in README.md

The sha256 of a document is the hex digest of the UTF-8 bytes of its extracted text (the ``text``
field of the corpus line). The recipe ships with an empty ``sha256`` column; the fetch tool's
``--record-checksums`` fills it in on the user's machine.

>>> recipe = pd.DataFrame({"id": ["a", "b"], "sha256": ["", sha256_text("x")]})
>>> compare(recipe, [{"doc_id": "b", "text": "y"}, {"doc_id": "c", "text": "z"}])["status"].tolist()
['missing', 'sha256_mismatch', 'extra']
"""
from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import re
import sys
import tomllib
from pathlib import Path
from typing import Iterable, Iterator, Mapping
from urllib.parse import urlsplit

import pandas as pd

HERE = Path(__file__).resolve().parent
RECIPE = HERE / "recipe.csv"
DIET_QUERIES = HERE / "diet_queries.toml"
README = HERE / "README.md"

COLUMNS = ("id", "url", "side", "actor", "genre", "date", "title", "language", "licence", "sha256")
SIDES = ("state", "ngo", "media", "international")
GENRES = ("white_paper", "press_release", "statement", "report", "newsletter", "speech", "testimony")
LANGUAGES = ("ja", "en")
LICENCES = ("pdl-1.0", "gov-standard-terms", "copyright-act-art40", "copyright")
# Hosts that copy other publishers' documents (document dumps, web archives, forums, wikis, blogs).
MIRROR_HOSTS = (
    "vdocuments.pub", "vdocuments.mx", "paperzz.com", "happylibus.com", "123deta.com", "expydoc.com",
    "docslib.org", "megalodon.jp", "web.archive.org", "archive.org", "archive.ph", "asyura2.com",
    "asyura.com", "5ch.net", "2ch.net", "mimizun.com", "wikipedia.org", "iwiki.icu", "wikizero.com",
    "rssing.com", "yomi.mobi", "yomi.tokyo", "livedoor.blog", "blog.jp", "hatenadiary.org",
    "hatena.ne.jp", "blogspot.com", "note.com", "weblio.jp", "tripod.com", "fc2.com", "amazonaws.com",
)
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*[a-z0-9]")
SHA256_PATTERN = re.compile(r"[0-9a-f]{64}")
YEAR_RANGE = (1990, 2026)
DIET_OPTION_KEYS = ("id", "any", "from", "until", "speaker", "house", "meeting", "params")
SPEECH_ID_PATTERN = re.compile(r"\d{9}X\d{11}_\d{3}")
TARGETS = {"rows": 150, "state": 60, "ngo": 40, "years": 12}


# --- reading ------------------------------------------------------------------------------------
def load_recipe(path: str | Path = RECIPE) -> pd.DataFrame:
    """Read the recipe as strings (empty cells stay ``""``); one row per document.

    >>> load_recipe().columns.tolist() == list(COLUMNS)
    True
    """
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def sha256_text(text: str) -> str:
    """Hex sha256 of the UTF-8 bytes of ``text``.

    >>> sha256_text("")[:8]
    'e3b0c442'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_corpus(path: str | Path) -> Iterator[dict]:
    """Yield the records of a JSONL corpus (one JSON object a line, blank lines skipped)."""
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as err:
                    raise SystemExit(f"{path} line {number}: not a JSON object ({err.msg}); fix or remove the line")


# --- validation ---------------------------------------------------------------------------------
def host(url: str) -> str:
    """The lower-case host of ``url`` (``""`` when there is none)."""
    return (urlsplit(url).hostname or "").lower()


def is_mirror(url: str) -> bool:
    """True when the URL's host is, or is under, one of :data:`MIRROR_HOSTS`.

    >>> is_mirror("https://vdocuments.pub/x.html"), is_mirror("https://www.npa.go.jp/hakusyo/")
    (True, False)
    """
    name = host(url)
    return any(name == m or name.endswith("." + m) for m in MIRROR_HOSTS)


def valid_date(value: str) -> bool:
    """``YYYY-MM-DD`` (a real calendar day) or ``YYYY``, with the year in :data:`YEAR_RANGE`."""
    if re.fullmatch(r"\d{4}", value):
        year = int(value)
    elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            year = datetime.date.fromisoformat(value).year
        except ValueError:
            return False
    else:
        return False
    return YEAR_RANGE[0] <= year <= YEAR_RANGE[1]


def _row_problems(row: Mapping[str, str]) -> Iterator[str]:
    checks = (
        (ID_PATTERN.fullmatch(row["id"]) is not None, "id", "lower-case ascii letters, digits and '-'"),
        (urlsplit(row["url"]).scheme in ("http", "https") and bool(host(row["url"])), "url", "an http(s) URL"),
        (not is_mirror(row["url"]), "url", "the publisher's own site, not a mirror"),
        (row["side"] in SIDES, "side", f"one of {SIDES}"),
        (bool(row["actor"]) and ID_PATTERN.fullmatch(row["actor"].replace("_", "-")) is not None, "actor",
         "a short ascii code such as npa or jfba"),
        (row["genre"] in GENRES, "genre", f"one of {GENRES}"),
        (valid_date(row["date"]), "date", f"YYYY-MM-DD or YYYY within {YEAR_RANGE}"),
        (bool(row["title"].strip()), "title", "the document's title"),
        (row["language"] in LANGUAGES, "language", f"one of {LANGUAGES}"),
        (row["licence"] in LICENCES, "licence", f"one of {LICENCES}"),
        (row["sha256"] == "" or SHA256_PATTERN.fullmatch(row["sha256"]) is not None, "sha256",
         "empty or 64 lower-case hex digits"),
    )
    for ok, column, expected in checks:
        if not ok:
            yield f"{column}={row[column]!r} (expected {expected})"


def validate_recipe(recipe: pd.DataFrame, *, source: str = "recipe.csv") -> list[str]:
    """Every problem of the recipe as a message naming the line, the field, the value and the fix.

    Line numbers count the header as line 1, as an editor shows them.

    >>> bad = load_recipe().head(2).copy()
    >>> bad.loc[1, "id"] = bad.loc[0, "id"]
    >>> validate_recipe(bad)[0].startswith("recipe.csv line 3: id")
    True
    """
    if tuple(recipe.columns) != COLUMNS:
        return [f"{source}: columns are {list(recipe.columns)}; write exactly {list(COLUMNS)}"]
    problems = []
    seen: dict[str, int] = {}
    seen_url: dict[str, int] = {}
    for index, row in enumerate(recipe.to_dict("records")):
        line = index + 2
        for message in _row_problems(row):
            problems.append(f"{source} line {line}: {message}")
        for key, table in (("id", seen), ("url", seen_url)):
            if row[key] in table:
                problems.append(f"{source} line {line}: {key} {row[key]!r} is already used on line "
                                f"{table[row[key]]}; every {key} must be unique")
            table.setdefault(row[key], line)
    return problems


def target_problems(recipe: pd.DataFrame, targets: Mapping[str, int] = TARGETS) -> list[str]:
    """Which of the sampling targets (rows, state rows, NGO rows, distinct years) the recipe misses."""
    counts = {"rows": len(recipe), "state": int((recipe["side"] == "state").sum()),
              "ngo": int((recipe["side"] == "ngo").sum()), "years": recipe["date"].str[:4].nunique()}
    return [f"{name}: {counts[name]} < target {target}" for name, target in targets.items() if counts[name] < target]


def load_diet_queries(path: str | Path = DIET_QUERIES) -> dict:
    """Read ``diet_queries.toml`` (tables ``[[query]]`` and an optional ``speech_ids`` list)."""
    with open(path, "rb") as handle:
        return tomllib.load(handle)


def validate_diet_queries(data: Mapping, *, source: str = "diet_queries.toml") -> list[str]:
    """Problems of the Diet query file: unknown keys, missing conditions, bad dates, bad speech ids."""
    problems = []
    queries = data.get("query", [])
    if not queries:
        problems.append(f"{source}: no [[query]] tables; add at least one")
    ids = [q.get("id", "") for q in queries]
    for number, query in enumerate(queries, start=1):
        where = f"{source} query {number} ({query.get('id', '?')!r})"
        unknown = sorted(set(query) - set(DIET_OPTION_KEYS))
        if unknown:
            problems.append(f"{where}: unknown keys {unknown}; use only {list(DIET_OPTION_KEYS)}")
        if not ID_PATTERN.fullmatch(str(query.get("id", ""))) or ids.count(query.get("id")) > 1:
            problems.append(f"{where}: id must be a unique lower-case ascii code")
        if not any(query.get(k) for k in ("any", "speaker", "meeting")):
            problems.append(f"{where}: give search words (any), a speaker or a meeting")
        for key in ("from", "until"):
            value = str(query.get(key, ""))
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) or not valid_date(value):
                problems.append(f"{where}: {key}={value!r} must be a YYYY-MM-DD date between 1990 and 2026")
        if str(query.get("from", "")) > str(query.get("until", "9")):
            problems.append(f"{where}: from={query.get('from')!r} is after until={query.get('until')!r}")
        if query.get("house", "衆議院") not in ("衆議院", "参議院", "両院", "両院協議会"):
            problems.append(f"{where}: house={query.get('house')!r} must be 衆議院, 参議院, 両院 or 両院協議会")
    for speech_id in data.get("speech_ids", []):
        if not SPEECH_ID_PATTERN.fullmatch(str(speech_id)):
            problems.append(f"{source}: speech id {speech_id!r} is not of the form 115913206X00220030312_001")
    return problems


# --- comparison ---------------------------------------------------------------------------------
def compare(recipe: pd.DataFrame, records: Iterable[Mapping]) -> pd.DataFrame:
    """Compare fetched documents with the recipe, one row per id of either.

    Returns a DataFrame with columns ``id``, ``status`` (``ok`` = in both and the recipe's sha256
    matches; ``unchecked`` = in both, the recipe has no sha256; ``sha256_mismatch``; ``missing`` =
    in the recipe only; ``extra`` = in the corpus only), ``recipe_sha256``, ``corpus_sha256``;
    recipe ids first in recipe order, then extras in corpus order.
    """
    fetched: dict[str, str] = {}
    for record in records:
        doc_id = str(record.get("doc_id", record.get("id", "")))
        fetched[doc_id] = sha256_text(str(record.get("text", "")))
    rows = []
    for doc_id, expected in zip(recipe["id"], recipe["sha256"]):
        got = fetched.pop(doc_id, None)
        status = ("missing" if got is None else "unchecked" if not expected
                  else "ok" if got == expected else "sha256_mismatch")
        rows.append((doc_id, status, expected, got or ""))
    rows += [(doc_id, "extra", "", got) for doc_id, got in fetched.items()]
    return pd.DataFrame(rows, columns=["id", "status", "recipe_sha256", "corpus_sha256"])


# --- tables -------------------------------------------------------------------------------------
def count_table(recipe: pd.DataFrame, by: str) -> pd.DataFrame:
    """Documents by ``by`` (a column, or ``"year"``) and side: one row per value, a column per side
    and ``total``, sorted by value.

    >>> count_table(pd.DataFrame({"side": ["ngo", "state", "state"], "date": ["2001", "2001-05-01", "1999"]}),
    ...             "year").to_dict("records")
    [{'year': '1999', 'ngo': 0, 'state': 1, 'total': 1}, {'year': '2001', 'ngo': 1, 'state': 1, 'total': 2}]
    """
    frame = recipe.assign(year=recipe["date"].str[:4])
    table = pd.crosstab(frame[by], frame["side"]).rename_axis(columns=None)
    table["total"] = table.sum(axis=1)
    return table.sort_index().reset_index()


def markdown(table: pd.DataFrame) -> str:
    """A GitHub-style markdown table of ``table``."""
    head = "| " + " | ".join(map(str, table.columns)) + " |"
    rule = "|" + "---|" * len(table.columns)
    body = ["| " + " | ".join(map(str, row)) + " |" for row in table.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def tables_markdown(recipe: pd.DataFrame) -> str:
    """The datasheet's tables: documents by side, language, licence, actor, genre and year."""
    sides = recipe.groupby("side").size().rename("documents").reset_index()
    parts = [f"{len(recipe)} documents; {recipe['date'].str[:4].nunique()} distinct years "
             f"({recipe['date'].str[:4].min()}-{recipe['date'].str[:4].max()}).",
             "", "**By side**", "", markdown(sides)]
    for by in ("language", "licence", "genre", "actor", "year"):
        parts += ["", f"**By {by} and side**", "", markdown(count_table(recipe, by))]
    return "\n".join(parts)


START, END = "<!-- tables:start -->", "<!-- tables:end -->"


def write_readme(recipe: pd.DataFrame, path: str | Path = README) -> None:
    """Replace the text between the table markers of the datasheet with freshly computed tables."""
    text = Path(path).read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    Path(path).write_text(f"{head}{START}\n{tables_markdown(recipe)}\n{END}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Command line: see the module docstring. Exit status 1 when a problem is found."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", help="a fetched corpus (JSONL) to compare with the recipe")
    parser.add_argument("--recipe", default=str(RECIPE))
    parser.add_argument("--tables", action="store_true", help="print the recipe's tables")
    parser.add_argument("--write-readme", action="store_true", help="rewrite the tables in README.md")
    args = parser.parse_args(argv)
    recipe = load_recipe(args.recipe)
    problems = validate_recipe(recipe, source=args.recipe)
    for message in problems:
        print(message, file=sys.stderr)
    if args.write_readme:
        write_readme(recipe)
    if args.corpus:
        result = compare(recipe, read_corpus(args.corpus))
        print(result["status"].value_counts().rename_axis("status").reset_index().to_string(index=False))
        for status in ("missing", "sha256_mismatch", "extra"):
            ids = result.loc[result["status"] == status, "id"].tolist()
            if ids:
                print(f"{status} ({len(ids)}): {', '.join(ids)}")
        problems += result.loc[result["status"].isin(["missing", "sha256_mismatch"]), "id"].tolist()
    if args.tables or not args.corpus:
        print(tables_markdown(recipe))
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
