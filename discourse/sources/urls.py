"""Web pages and PDFs listed in a recipe CSV, fetched politely into a corpus.

A recipe has one row per document and the fixed columns
``id,url,side,actor,genre,date,title,language,licence,sha256`` (any further columns become
docvars). ``id`` is the doc_id, ``date`` is ``YYYY-MM-DD`` or ``YYYY``, ``language`` ``ja``/``en``
(empty: detected), ``sha256`` (optional) the sha256 of the extracted, normalized UTF-8 text.
The repository ships recipes, not texts: everyone fetches the texts and the checksums tell
whether they got the same ones.

For every URL: robots.txt is checked (one fetch per host, cached; a denial is a status, not a
crash), requests to one host are spaced by ``delay`` (or the robots ``Crawl-delay`` when
longer), the raw bytes are cached with their ETag / Last-Modified and revalidated with a
conditional request (304: the cached bytes are used), and the main text is extracted with the
:mod:`discourse.ingest` readers (HTML or PDF, decided by magic bytes and Content-Type).

Every URL gets a row in the status table (nothing is dropped silently):

============== =====================================================================
status         meaning
============== =====================================================================
ok             text extracted and equal to the recipe's sha256
no_checksum    text extracted; the recipe has no sha256 to compare with
text_changed   text extracted but its sha256 differs from the recipe's (kept in the corpus)
http_error     the server answered 4xx/5xx (``http_status``)
network_error  no answer (refused, timed out, dropped) after the retries
robots_denied  robots.txt does not allow this URL for our user agent
not_text       an image or other binary, or a PDF/HTML without extractable text
============== =====================================================================

Example
-------
>>> from discourse.sources import fetch_urls, check_against_recipe
>>> result = fetch_urls("corpora/real/recipe.csv", output="real/corpus.jsonl")  # doctest: +SKIP
>>> result.status.groupby("status").size()  # doctest: +SKIP
>>> check_against_recipe("real/corpus.jsonl", "corpora/real/recipe.csv")  # doctest: +SKIP
"""
from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import logging
import re
import sys
import tempfile
import urllib.parse
import urllib.robotparser
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping

import pandas as pd

from ..cache import CorruptCacheEntry, atomic_write_text, default_cache_dir, write_csv
from ..corpus import LANGUAGES, Corpus, Document
from ..errors import ConfigError, CorpusError, IngestError, closest, where
from ..ingest.html import declared_charset, html_to_text, looks_like_html
from ..ingest.text import decode_bytes, sniff_binary
from ..text import detect_language, normalize, split_sentences
from .http import FetchError, PoliteClient, Response, host_of, read_raw, write_raw

__all__ = ["RECIPE_COLUMNS", "STATUSES", "STATUS_COLUMNS", "UrlFetch", "read_recipe", "fetch_urls",
           "sentence_hashes", "check_against_recipe", "companion_paths"]

log = logging.getLogger("discourse.sources")

RECIPE_COLUMNS = ("id", "url", "side", "actor", "genre", "date", "title", "language", "licence", "sha256")
STATUSES = ("ok", "http_error", "network_error", "robots_denied", "not_text", "text_changed", "no_checksum")
STATUS_COLUMNS = ("id", "url", "status", "http_status", "n_chars", "sha256", "expected_sha256", "detail")
_RESERVED = ("doc_id", "text", "year", "source", "format", "encoding")
_DATE = re.compile(r"\d{4}(?:-\d{2}-\d{2})?")
_SHA = re.compile(r"[0-9a-f]{64}")
_ID = re.compile(r"\S+")


# --- the recipe -------------------------------------------------------------------------------
def read_recipe(path: str | Path) -> pd.DataFrame:
    """Read and validate a recipe CSV (UTF-8, BOM allowed); every value is a string.

    Returns a DataFrame with the recipe's columns in file order and a ``line`` column (the
    line of the row in the file, for messages).

    Raises
    ------
    CorpusError : missing file or column, a row with the wrong number of fields, an empty or
        repeated ``id``, a URL that is not http(s), an unknown ``side`` or ``language``, a date
        that is not ``YYYY-MM-DD``/``YYYY``, a ``sha256`` that is not 64 hex digits, an extra
        column with a reserved name; the message names the file, the line and the column.
    """
    path = Path(path)
    rows, header = _csv_rows(path)
    missing = [c for c in RECIPE_COLUMNS if c not in header]
    if missing:
        raise CorpusError(f"{where(path, 1)}: missing column(s) {missing}: the header must hold "
                          f"{','.join(RECIPE_COLUMNS)} (further columns become docvars)")
    clash = [c for c in header if c in _RESERVED or c == "line"]
    if clash or len(set(header)) != len(header):
        bad = clash or [c for c, n in Counter(header).items() if n > 1]
        raise CorpusError(f"{where(path, 1)}: column(s) {bad} are reserved or repeated: rename them")
    seen: dict[str, int] = {}
    records = []
    for line, values in rows:
        if len(values) != len(header):
            raise CorpusError(f"{where(path, line)}: {len(values)} fields but the header has {len(header)}: "
                              "quote values that hold commas")
        record = dict(zip(header, (v.strip() for v in values)))
        _check_row(record, path, line, seen)
        records.append({**record, "line": line})
    return pd.DataFrame(records, columns=[*header, "line"])


def _csv_rows(path: Path) -> tuple[list[tuple[int, list[str]]], list[str]]:
    if not path.is_file():
        raise CorpusError(f"{path}: recipe not found: give the path of a recipe CSV")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CorpusError(f"{path}: not UTF-8: save the recipe as UTF-8 CSV") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header:
        raise CorpusError(f"{path}: empty file: a recipe needs the header {','.join(RECIPE_COLUMNS)}")
    rows, line = [], reader.line_num
    for values in reader:
        start, line = line + 1, reader.line_num
        if any(v.strip() for v in values):
            rows.append((start, values))
    return rows, [h.strip() for h in header]


def _check_row(record: dict[str, str], path: Path, line: int, seen: dict[str, int]) -> None:
    def fail(column: str, fix: str) -> None:
        raise CorpusError(f"{where(path, line)}: column {column!r} = {record[column]!r}: {fix}")

    if not _ID.fullmatch(record["id"]):
        fail("id", "give a non-empty id without spaces (it becomes the doc_id)")
    if record["id"] in seen:
        fail("id", f"already used on line {seen[record['id']]}: ids must be unique")
    seen[record["id"]] = line
    parts = urllib.parse.urlsplit(record["url"])
    if parts.scheme not in ("http", "https") or not parts.netloc:
        fail("url", "give a full http:// or https:// address")
    if record["date"] and not _valid_date(record["date"]):
        fail("date", "write YYYY-MM-DD (or YYYY when only the year is known)")
    if record["language"] and record["language"] not in LANGUAGES:
        fail("language", f"use one of {list(LANGUAGES)}, or leave it empty to detect it")
    record["sha256"] = record["sha256"].lower()
    if record["sha256"] and not _SHA.fullmatch(record["sha256"]):
        fail("sha256", "give the 64 hex digits of the text's sha256, or leave it empty")


def _hint(value: str, choices: tuple[str, ...]) -> str:
    return f" (did you mean {value.lower()!r}?)" if value.lower() in choices else closest(value, choices)


def _valid_date(value: str) -> bool:
    if not _DATE.fullmatch(value):
        return False
    if len(value) == 4:
        return True
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


# --- fetching ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class UrlFetch:
    """What :func:`fetch_urls` returns: the ``corpus`` (documents with text) and the ``status``
    table (one row per recipe row; columns ``id, url, status, http_status, n_chars, sha256,
    expected_sha256, detail``)."""

    corpus: Corpus
    status: pd.DataFrame

    def __iter__(self) -> Iterator[Any]:  # corpus, status = fetch_urls(...)
        return iter((self.corpus, self.status))

    @property
    def n_failed(self) -> int:
        """Rows whose status is not ``ok``."""
        return int((self.status["status"] != "ok").sum())


class _Fetcher:
    """Per-run state: the client, the robots.txt parsers per host, the raw cache folder."""

    def __init__(self, client: PoliteClient, cache_dir: Path):
        self.client, self.cache = client, cache_dir / "urls"
        self.robots: dict[str, urllib.robotparser.RobotFileParser | str] = {}
        self.agent = client.user_agent.split("/")[0]

    def allowed(self, url: str) -> tuple[bool, str]:
        """(allowed, detail); detail explains a denial or an unreachable robots.txt."""
        host = host_of(url)
        if host not in self.robots:
            self.robots[host] = self._read_robots(host)
        rp = self.robots[host]
        if isinstance(rp, str):
            return False, rp
        return rp.can_fetch(self.agent, url), f"{host}/robots.txt disallows this path for {self.agent!r}"

    def _read_robots(self, host: str) -> urllib.robotparser.RobotFileParser | str:
        rp = urllib.robotparser.RobotFileParser(f"{host}/robots.txt")
        try:
            response = self.client.get(f"{host}/robots.txt")
        except FetchError as exc:
            return f"robots.txt unreachable: {exc}"
        if response.status in (401, 403) or response.status >= 500:
            # RFC 9309: a robots.txt that cannot be read for these reasons means "disallow all"
            return (f"{host}/robots.txt answered HTTP {response.status}, which means 'disallow all': "
                    "run again later, or ask the site")
        if response.status >= 400:
            rp.allow_all = True
        else:
            rp.parse(response.body.decode("utf-8", "replace").splitlines())
            delay = rp.crawl_delay(self.agent)
            if delay:
                self.client.set_host_delay(host, float(delay))
        rp.modified()
        return rp

    def get(self, url: str) -> tuple[Response, bytes, dict[str, Any]]:
        """The response and the (possibly cached) body and meta; conditional when cached."""
        path = self.cache / (hashlib.sha256(url.encode("utf-8")).hexdigest()[:32] + ".raw")
        cached = _read_cached(path)
        headers = {}
        if cached is not None:
            meta = cached[1]
            if meta.get("etag"):
                headers["If-None-Match"] = meta["etag"]
            if meta.get("last_modified"):
                headers["If-Modified-Since"] = meta["last_modified"]
        response = self.client.get(url, headers)
        if response.status == 304 and cached is not None:
            return response, cached[0], cached[1]
        meta = {"url": url, "final_url": response.url, "content_type": response.header("content-type"),
                "etag": response.header("etag"), "last_modified": response.header("last-modified")}
        if response.status == 200:
            write_raw(path, response.body, meta)
        return response, response.body, meta


def _read_cached(path: Path) -> tuple[bytes, dict[str, Any]] | None:
    if not path.exists():
        return None
    try:
        return read_raw(path)
    except CorruptCacheEntry as exc:
        log.warning("%s (fetching it again)", exc)
        return None


def _status(row: Mapping[str, str], status: str, *, http_status: int | None = None, text: str = "",
            detail: str = "") -> dict[str, Any]:
    return {"id": row["id"], "url": row["url"], "status": status, "http_status": http_status,
            "n_chars": len(text) if text else 0, "sha256": _sha(text) if text else "",
            "expected_sha256": row["sha256"], "detail": detail}


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _fetch_row(fetcher: _Fetcher, row: Mapping[str, str], extras: list[str]) -> tuple[Document | None, dict[str, Any]]:
    url = row["url"]
    allowed, why = fetcher.allowed(url)
    if not allowed:
        status = "network_error" if why.startswith("robots.txt unreachable") else "robots_denied"
        return None, _status(row, status, detail=why)
    try:
        response, body, meta = fetcher.get(url)
    except FetchError as exc:
        return None, _status(row, "network_error", detail=str(exc))
    if response.status not in (200, 304) or (response.status == 304 and not body):
        detail = f"HTTP {response.status}" + (" without a cached copy to reuse" if response.status == 304 else "")
        return None, _status(row, "http_error", http_status=response.status, detail=detail)
    try:
        text, fmt, encoding, title = extract_text(body, meta.get("content_type", ""), url)
    except IngestError as exc:
        return None, _status(row, "not_text", http_status=response.status, detail=str(exc))
    expected = row["sha256"]
    status = "no_checksum" if not expected else "ok" if _sha(text) == expected else "text_changed"
    detail = "" if status == "ok" else ("the recipe has no sha256" if status == "no_checksum"
                                        else "the text differs from the recipe's sha256: see the sentence check")
    doc = Document(row["id"], text, side=row["side"], actor=row["actor"], genre=row["genre"], date=row["date"],
                   title=row["title"] or title, source="web", language=row["language"] or detect_language(text),
                   extra={"url": url, "licence": row["licence"], "format": fmt, "encoding": encoding,
                          **{k: row[k] for k in extras}})
    return doc, _status(row, status, http_status=response.status, text=text, detail=detail)


_NOT_TEXT_TYPES = ("image/", "audio/", "video/", "font/", "application/octet-stream", "application/zip",
                   "application/x-", "application/vnd.")


def extract_text(body: bytes, content_type: str, url: str) -> tuple[str, str, str, str]:
    """The normalized main text of a response: ``(text, format, encoding, title)``.

    The format comes from the magic bytes first (``%PDF-`` → PDF; PNG/JPEG/GIF/ZIP ... → not
    text), then the Content-Type (``text/html``, ``application/xhtml+xml``, ``application/pdf``,
    ``text/*``), then the content (``<html`` → HTML, else plain text).

    Raises
    ------
    IngestError : binary content, a PDF/HTML without text, undecodable bytes (status ``not_text``).
    """
    ctype = content_type.split(";")[0].strip().lower()
    if body.lstrip()[:5] == b"%PDF-":
        text, title = _pdf_text(body, url)
        return _nonempty(normalize(text), url), "pdf", "pdf", normalize(title)
    what = sniff_binary(body)
    if what or ctype.startswith(_NOT_TEXT_TYPES) or ctype == "application/pdf":
        raise IngestError(f"{url}: {what or 'Content-Type ' + repr(ctype)} is not a text, HTML or PDF document")
    if ctype in ("text/html", "application/xhtml+xml") or looks_like_html(body):
        text, encoding, title = _html_text(body, content_type, url)
        return _nonempty(normalize(text), url), "html", encoding, normalize(title)
    text, encoding = _decode_text(body, content_type, url)
    return _nonempty(normalize(text), url), "text", encoding, ""


def _header_charset(content_type: str) -> str | None:
    """The Python codec of a Content-Type ``charset`` (WHATWG aliases: Shift_JIS → cp932), or None."""
    m = re.search(r"charset=[\"']?([A-Za-z0-9_.:-]+)", content_type, re.I)
    return declared_charset(f'<meta charset="{m.group(1)}">'.encode("ascii")) if m else None


def _html_text(body: bytes, content_type: str, url: str) -> tuple[str, str, str]:
    """:func:`~discourse.ingest.html.html_to_text`, but a charset given only in the HTTP header
    (no ``<meta charset>``, no BOM) is used when the bytes decode with it strictly."""
    charset = _header_charset(content_type)
    if charset and declared_charset(body) is None and not body.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        try:
            decoded = body.decode(charset)
        except UnicodeDecodeError:
            decoded = None
        if decoded is not None:
            text, _, title = html_to_text(decoded.encode("utf-8"), url)
            return text, charset, title
    return html_to_text(body, url)


def _decode_text(body: bytes, content_type: str, url: str) -> tuple[str, str]:
    charset = _header_charset(content_type)
    if charset:
        try:
            return body.decode(charset), charset
        except UnicodeDecodeError:
            pass
    return decode_bytes(body, url)


def _pdf_text(body: bytes, url: str) -> tuple[str, str]:
    from ..ingest.pdf import pdf_to_text

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "download.pdf"
        path.write_bytes(body)
        try:
            return pdf_to_text(path)
        except IngestError as exc:
            raise IngestError(str(exc).replace(str(path), url)) from None


def _nonempty(text: str, url: str) -> str:
    if not text.strip():
        raise IngestError(f"{url}: no text could be extracted (empty page, or text only in images)")
    return text


# --- sentence hashes --------------------------------------------------------------------------
def sentence_hashes(corpus: Corpus) -> pd.DataFrame:
    """One row per sentence: ``id``, ``sentence_index`` (0-based), ``sha256`` of the sentence's
    UTF-8 bytes (sentences from :func:`discourse.text.split_sentences` of the normalized text,
    in the document's language).

    >>> from discourse.corpus import Document
    >>> sentence_hashes(Corpus([Document("a", "共生。排除。")]))["sentence_index"].tolist()
    [0, 1]
    """
    rows = [{"id": doc.doc_id, "sentence_index": i, "sha256": _sha(sentence)}
            for doc in corpus for i, sentence in enumerate(split_sentences(doc.text, doc.language))]
    return pd.DataFrame(rows, columns=["id", "sentence_index", "sha256"])


def _write_jsonl(path: Path, frame: pd.DataFrame) -> Path:
    lines = (json.dumps(rec, ensure_ascii=False) for rec in frame.to_dict("records"))
    return atomic_write_text(path, "".join(line + "\n" for line in lines))


def companion_paths(path: str | Path) -> dict[str, Path]:
    """The files written next to a corpus or recipe ``X.jsonl`` / ``X.csv``: ``sentences``
    (``X.sentences.jsonl``), ``status`` (``X.status.csv``), ``recipe`` (``X.recipe.csv``).

    >>> sorted(p.name for p in companion_paths("out/real.jsonl").values())
    ['real.recipe.csv', 'real.sentences.jsonl', 'real.status.csv']
    """
    path = Path(path)
    stem = path.with_suffix("")
    return {"sentences": Path(f"{stem}.sentences.jsonl"), "status": Path(f"{stem}.status.csv"),
            "recipe": Path(f"{stem}.recipe.csv")}


def fetch_urls(recipe: str | Path, *, output: str | Path | None = None, cache_dir: str | Path | None = None,
               delay: float = 1.0, max_retries: int = 3, backoff: float = 2.0, record_checksums: bool = False,
               client: PoliteClient | None = None, progress: bool | None = None) -> UrlFetch:
    """Fetch every URL of a recipe; return the corpus and the per-URL status table.

    Parameters
    ----------
    recipe : the recipe CSV (see the module docstring).
    output : write the corpus there (JSON Lines) and, next to it, ``X.sentences.jsonl`` (one
        ``id, sentence_index, sha256`` per sentence) and ``X.status.csv`` (the status table).
    cache_dir : raw bytes cache (default ``$DISCOURSE_CACHE`` or ``./.discourse-cache``), under ``urls/``.
    delay : seconds between two requests to the same host (default 1; robots ``Crawl-delay`` wins
        when longer).
    max_retries, backoff : retries of 429, 5xx and network errors.
    record_checksums : also write ``X.recipe.csv``, a copy of the recipe with ``sha256`` filled
        from this fetch (rows without text keep their value), and ``X.recipe.sentences.jsonl``
        (needs ``output``); for maintainers of a recipe.
    client : a ready :class:`~discourse.sources.http.PoliteClient` (then delay etc. are ignored).
    progress : tqdm bar (default when stderr is a terminal).

    Returns
    -------
    UrlFetch : ``corpus`` (documents of rows with status ok, no_checksum or text_changed) and
        ``status`` (one row per recipe row, in recipe order).

    Examples
    --------
    >>> corpus, status = fetch_urls("corpora/real/recipe.csv", output="real.jsonl")  # doctest: +SKIP
    """
    if record_checksums and output is None:
        raise ConfigError("record_checksums=True needs output=...: the recipe copy is written next to the corpus")
    table = read_recipe(recipe)
    extras = [c for c in table.columns if c not in RECIPE_COLUMNS and c != "line"]
    fetcher = _Fetcher(client or PoliteClient(delay=delay, max_retries=max_retries, backoff=backoff),
                       Path(cache_dir if cache_dir is not None else default_cache_dir()))
    docs, rows = [], []
    for row in _progress(table.to_dict("records"), progress):
        doc, status = _fetch_row(fetcher, row, extras)
        rows.append(status)
        if doc is not None:
            docs.append(doc)
        log.info("%s: %s %s", row["id"], status["status"], status["detail"])
    status = _status_frame(rows)
    corpus = Corpus(docs)
    if output is not None:
        _write_outputs(Path(output), corpus, status, table if record_checksums else None)
    return UrlFetch(corpus, status)


def _progress(rows: list[dict[str, Any]], progress: bool | None) -> Any:
    from tqdm.auto import tqdm

    show = sys.stderr.isatty() if progress is None else progress
    return tqdm(rows, unit="url", desc="fetch", disable=not show, leave=False)


def _status_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(STATUS_COLUMNS))
    frame["http_status"] = frame["http_status"].astype("Int64")
    frame["n_chars"] = frame["n_chars"].astype("int64")
    return frame


def _write_outputs(output: Path, corpus: Corpus, status: pd.DataFrame, recipe: pd.DataFrame | None) -> None:
    paths = companion_paths(output)
    corpus.to_jsonl(output)
    hashes = sentence_hashes(corpus)
    _write_jsonl(paths["sentences"], hashes)
    write_csv(paths["status"], status)
    if recipe is not None:
        filled = recipe.drop(columns="line").copy()
        got = dict(zip(status["id"], status["sha256"]))
        filled["sha256"] = [got.get(i) or old for i, old in zip(filled["id"], filled["sha256"])]
        write_csv(paths["recipe"], filled)
        _write_jsonl(companion_paths(paths["recipe"])["sentences"], hashes)


# --- checking a corpus against a recipe ------------------------------------------------------
def check_against_recipe(corpus_path: str | Path, recipe: str | Path, *,
                         sentences: str | Path | None = None) -> pd.DataFrame:
    """How much of each recipe document a fetched corpus still reproduces.

    Parameters
    ----------
    corpus_path : a corpus JSONL written by :func:`fetch_urls` (or any corpus).
    recipe : the recipe CSV.
    sentences : the recipe's sentence hashes (default ``<recipe stem>.sentences.jsonl`` next to
        the recipe, as written by ``record_checksums``); when absent, only whole texts are compared.

    Returns
    -------
    DataFrame, one row per recipe row: ``id``, ``in_corpus`` (bool), ``text_matches`` (the text's
    sha256 equals the recipe's; NA without a recipe checksum or a document), ``n_sentences``
    (in the corpus), ``n_recipe_sentences``, ``n_matching`` (corpus sentences whose hash the
    recipe also has, counted as a multiset; NA without recipe sentence hashes), ``share_matching``
    (``n_matching / n_recipe_sentences``).
    """
    from ..load import read_corpus

    table = read_recipe(recipe)
    corpus = read_corpus(corpus_path)
    have = {d.doc_id: d for d in corpus}
    ref = _recipe_sentences(Path(sentences) if sentences else companion_paths(recipe)["sentences"])
    mine: dict[str, Counter] = {}
    for doc_id, digest in zip(*(sentence_hashes(corpus)[c] for c in ("id", "sha256"))):
        mine.setdefault(doc_id, Counter())[digest] += 1
    rows = []
    for doc_id, expected in zip(table["id"], table["sha256"]):
        doc = have.get(doc_id)
        own = mine.get(doc_id, Counter())
        theirs = ref.get(doc_id) if ref is not None else None
        n_match = sum((own & theirs).values()) if theirs is not None else None
        rows.append({"id": doc_id, "in_corpus": doc is not None,
                     "text_matches": (_sha(doc.text) == expected) if doc and expected else None,
                     "n_sentences": sum(own.values()), "n_recipe_sentences": sum(theirs.values()) if theirs is not None else None,
                     "n_matching": n_match,
                     "share_matching": n_match / sum(theirs.values()) if theirs and n_match is not None else None})
    frame = pd.DataFrame(rows)
    for col in ("n_recipe_sentences", "n_matching"):
        frame[col] = frame[col].astype("Int64")
    frame["text_matches"] = frame["text_matches"].astype("boolean")
    frame["share_matching"] = frame["share_matching"].astype("Float64")
    return frame


def _recipe_sentences(path: Path) -> dict[str, Counter] | None:
    if not path.is_file():
        return None
    out: dict[str, Counter] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            out.setdefault(str(rec["id"]), Counter())[str(rec["sha256"])] += 1
        except (json.JSONDecodeError, KeyError, TypeError):
            raise CorpusError(f"{where(path, n)}: not a sentence hash record (id, sentence_index, sha256): "
                              "write the file again with --record-checksums") from None
    return out
