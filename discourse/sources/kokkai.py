"""Speeches from the National Diet Library's minutes search API (国会会議録検索システム).

``fetch_kokkai("外国人 犯罪", from_date="1990-01-01", until_date="2010-12-31")`` queries the
speech endpoint (発言単位出力, JSON), pages through every hit 100 at a time, one request at a
time with a polite delay, and returns a :class:`~discourse.corpus.Corpus` with one document per
speech. Every raw page is cached on disk as it arrives (checksummed, atomic), so an interrupted
fetch resumes where it stopped and a repeated query sends no request for pages it already has.

Cache layout: ``<cache_dir>/kokkai/<hash of endpoint + search parameters>/page-<startRecord>.raw``
(the response bytes as received, with a sha256; see :func:`discourse.sources.http.write_raw`) and
``query.json`` (the parameters, for people). A damaged page fails its checksum and is fetched
again. Use ``refresh=True`` (``--refresh``) to fetch everything again, e.g. for a query whose
date range reaches into the present, where new minutes keep arriving.

Study variables (``side`` ...) come from a rules file (:mod:`discourse.sources.rules`), never
from this module.

A large query is best written as a shard folder (:meth:`KokkaiFetcher.write_shards`,
``discourse fetch kokkai ... --shards DIR``): ``part-00000.jsonl`` ... of at most 64 MB each,
speeches sorted by date then speech id, and ``manifest.json`` with each shard's sha256; memory
stays flat, and ``read_corpus(DIR)``, ``iter_corpus(DIR)`` and the per-shard runners read it.

Example
-------
>>> from discourse.sources import fetch_kokkai
>>> corpus = fetch_kokkai("外国人 犯罪", from_date="1990-01-01", until_date="2010-12-31",
...                       meeting="法務委員会", rules="corpora/rules/kokkai_side.toml")  # doctest: +SKIP
>>> corpus.docvars[["speaker", "speaker_position", "side"]].head(3)  # doctest: +SKIP
"""
from __future__ import annotations

import datetime
import json
import logging
import os
import re
import sys
import tempfile
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping

from ..cache import CorruptCacheEntry, atomic_write_text, default_cache_dir, stable_hash
from ..corpus import Corpus, Document, Problem
from ..errors import ConfigError, closest
from ..load import DEFAULT_SHARD_BYTES, _sha256_file, write_shards
from ..text import normalize
from .http import FetchError, PoliteClient, Response, read_raw, write_raw
from .rules import RuleCounts, Rules, RuleTally, load_rules

__all__ = ["DEFAULT_API_URL", "PAGE_SIZE", "SHARD_ORDER", "SPEECH_DOCVARS", "KokkaiQuery", "KokkaiFetcher",
           "fetch_kokkai", "speech_document", "speech_sort_key", "strip_speaker_label"]

log = logging.getLogger("discourse.sources")

DEFAULT_API_URL = "https://kokkai.ndl.go.jp/api/speech"
PAGE_SIZE = 100  # the speech endpoint's maximum
HOUSES = ("衆議院", "参議院", "両院", "両院協議会")
SPEECH_DOCVARS = ("speaker", "speaker_group", "speaker_position", "speaker_role", "house", "meeting", "issue",
                  "session", "date", "year", "speech_id", "issue_id", "speech_order", "url", "source", "language")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_OPTIONS = {"any": "any", "speaker": "speaker", "house": "nameOfHouse", "meeting": "nameOfMeeting",
            "from_date": "from", "until_date": "until"}
_PAGING = ("startRecord", "maximumRecords", "recordPacking")
SHARD_ORDER = "date, then speech id (issue_id, then speech_order as a number, then doc_id)"


@dataclass(frozen=True)
class KokkaiQuery:
    """The search conditions of one query (everything but paging).

    Parameters
    ----------
    any : search words separated by spaces (``"外国人 犯罪"``).
    speaker, house, meeting : speaker name, ``衆議院``/``参議院``/``両院``, meeting name (``法務委員会``).
    from_date, until_date : ``YYYY-MM-DD``.
    extra_params : further API parameters by their API names (``speakerGroup``, ``sessionFrom``,
        ``searchRange`` ...), passed through unchanged.

    Examples
    --------
    >>> KokkaiQuery("難民", house="衆議院", from_date="2001-01-01").params()
    {'any': '難民', 'nameOfHouse': '衆議院', 'from': '2001-01-01'}
    """

    any: str = ""
    speaker: str = ""
    house: str = ""
    meeting: str = ""
    from_date: str = ""
    until_date: str = ""
    extra_params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("from_date", "until_date"):
            value = getattr(self, name)
            if value and not _valid_date(value):
                raise ConfigError(f"{name}={value!r} is not a date: write YYYY-MM-DD, e.g. 1990-01-01")
        if self.house and self.house not in HOUSES:
            raise ConfigError(f"house={self.house!r} is not one of {list(HOUSES)}{closest(self.house, HOUSES)}")
        clash = sorted(set(self.extra_params) & set(_PAGING))
        if clash:
            raise ConfigError(f"params {clash}: paging is done by fetch_kokkai; remove these parameters")
        if not self.params():
            raise ConfigError("no search condition: give search words (--any), a speaker, a meeting, dates or "
                              "another API parameter (the API refuses a query without one)")

    def params(self) -> dict[str, str]:
        """The search parameters by API name (empty ones left out)."""
        out = {api: str(getattr(self, name)).strip() for name, api in _OPTIONS.items() if str(getattr(self, name)).strip()}
        out.update({str(k): str(v) for k, v in self.extra_params.items() if str(v).strip()})
        return out

    def key(self, api_url: str) -> str:
        """The cache key: a hash of the endpoint and the search parameters."""
        return stable_hash({"api_url": api_url, "params": self.params()}, length=20)


def _valid_date(value: str) -> bool:
    if not _DATE.fullmatch(value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


# --- speech records → documents ---------------------------------------------------------------
_OPEN, _CLOSE = "（(［[【「", "）)］]】」"


def strip_speaker_label(speech: str) -> str:
    """Remove the leading ``○speaker`` label and the ideographic space after it.

    The label ends at the first space outside brackets, so a space inside
    ``（警察庁刑事局長　某君）`` does not cut it short. Text without a ``○`` label is returned
    unchanged; a short text that is only a label gives ``""``.

    >>> strip_speaker_label("○国務大臣（山田太郎君）　お答えします。")
    'お答えします。'
    >>> strip_speaker_label("○政府参考人（警察庁刑事局長　鈴木一郎君）　御説明します。")
    '御説明します。'
    >>> strip_speaker_label("○鈴木一郎君")
    ''
    """
    if not speech.startswith("○"):
        return speech
    depth = 0
    for i, ch in enumerate(speech[:200]):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch in "\u3000 \r\n" and depth == 0:
            return speech[i + 1:]
    return "" if len(speech) <= 200 else speech


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def speech_document(record: Mapping[str, Any]) -> Document | None:
    """One speech record of the API as a :class:`~discourse.corpus.Document` (None for the
    ``speechOrder`` 0 meeting header).

    The text loses its ``○speaker`` label and is normalized (:func:`discourse.text.normalize`:
    CRLF → LF, NFKC); docvars keep the API's values as given: ``speaker``, ``speaker_group``,
    ``speaker_position``, ``speaker_role``, ``house``, ``meeting``, ``issue``, ``session`` (int),
    ``speech_id``, ``issue_id``, ``speech_order`` (int), ``url`` (speechURL), plus ``date`` (and
    ``year``), ``source="kokkai"``, ``language="ja"``, ``genre="diet minutes"``, ``title``
    (house, meeting, issue). ``side`` is ``"other"`` until rules assign it.

    >>> doc = speech_document({"speechID": "100_1", "speechOrder": 1, "speaker": "山田太郎",
    ...     "speech": "○山田太郎君　外国人の\\r\\n犯罪について", "date": "2004-05-11",
    ...     "nameOfHouse": "衆議院", "nameOfMeeting": "法務委員会", "issue": "第5号", "session": 159})
    >>> doc.doc_id, doc.text, doc.title, doc.extra["session"]
    ('100_1', '外国人の\\n犯罪について', '衆議院 法務委員会 第5号', 159)
    """
    order = _int(record.get("speechOrder"))
    if order == 0:
        return None
    house, meeting, issue = (_text(record.get(k)) for k in ("nameOfHouse", "nameOfMeeting", "issue"))
    extra = {"speaker": _text(record.get("speaker")), "speaker_group": _text(record.get("speakerGroup")),
             "speaker_position": _text(record.get("speakerPosition")), "speaker_role": _text(record.get("speakerRole")),
             "house": house, "meeting": meeting, "issue": issue, "session": _int(record.get("session")),
             "speech_id": _text(record.get("speechID")), "issue_id": _text(record.get("issueID")),
             "speech_order": order, "url": _text(record.get("speechURL"))}
    speech = record.get("speech")
    return Document(extra["speech_id"], normalize(strip_speaker_label("" if speech is None else str(speech))),
                    genre="diet minutes", date=_text(record.get("date")), title=" ".join(p for p in (house, meeting, issue) if p),
                    source="kokkai", language="ja", extra=extra)


def speech_sort_key(doc: Document) -> tuple[str, str, int]:
    """The order of speeches in shards: date, then speech id (its meeting record ``issue_id``, then
    the speech's ``speech_order`` in it, as a number); ties are broken by ``doc_id``.

    >>> doc = speech_document({"speechID": "100_12", "speechOrder": 12, "issueID": "100", "speech": "はい。",
    ...                        "date": "2004-05-11"})
    >>> speech_sort_key(doc)
    ('2004-05-11', '100', 12)
    """
    return doc.date, str(doc.extra.get("issue_id") or ""), int(doc.extra.get("speech_order") or 0)


# --- fetching ---------------------------------------------------------------------------------
class KokkaiFetcher:
    """Fetch every speech of a :class:`KokkaiQuery`, page by page, through a page cache.

    Parameters
    ----------
    query : the search conditions.
    api_url : the speech endpoint (default the public API; point it at a mirror or a test server).
    cache_dir : where raw pages are kept (default ``$DISCOURSE_CACHE`` or ``./.discourse-cache``),
        under ``kokkai/<query hash>/``.
    client : the :class:`~discourse.sources.http.PoliteClient` (default: ``delay``, ``max_retries``,
        ``backoff`` as given).
    refresh : ignore cached pages and fetch them again (the new pages replace them).
    page_size : records per request (1-100; default 100, the endpoint's maximum).
    progress : a tqdm bar on stderr (default: when stderr is a terminal).

    Attributes (after :meth:`fetch`)
    --------------------------------
    n_records : the ``numberOfRecords`` of the query.
    pages_fetched, pages_cached : pages requested from the API / read from the cache.
    counts : :class:`~discourse.sources.rules.RuleCounts` when rules were applied, else None.
    problems : speeches skipped (empty text, repeated speechID), as :class:`~discourse.corpus.Problem`.
    """

    def __init__(self, query: KokkaiQuery, *, api_url: str = DEFAULT_API_URL, cache_dir: str | Path | None = None,
                 client: PoliteClient | None = None, delay: float = 1.0, max_retries: int = 4, backoff: float = 2.0,
                 refresh: bool = False, page_size: int = PAGE_SIZE, progress: bool | None = None):
        if not isinstance(page_size, int) or not 1 <= page_size <= PAGE_SIZE:
            raise ConfigError(f"page_size={page_size!r}: give a whole number from 1 to {PAGE_SIZE}")
        if not api_url.startswith(("http://", "https://")):
            raise ConfigError(f"api_url={api_url!r}: give an http(s) URL such as {DEFAULT_API_URL}")
        self.query, self.api_url, self.refresh, self.page_size = query, api_url, refresh, page_size
        self.client = client or PoliteClient(delay=delay, max_retries=max_retries, backoff=backoff)
        self.folder = Path(cache_dir if cache_dir is not None else default_cache_dir()) / "kokkai" / query.key(api_url)
        self.progress = sys.stderr.isatty() if progress is None else progress
        self.n_records = 0
        self.pages_fetched = self.pages_cached = 0
        self.counts: RuleCounts | None = None
        self.problems: list[Problem] = []

    def __repr__(self) -> str:
        return f"<KokkaiFetcher {self.query.params()} from {self.api_url}>"

    def url(self, start: int) -> str:
        """The request URL of the page starting at record ``start``."""
        params = {**self.query.params(), "startRecord": str(start), "maximumRecords": str(self.page_size),
                  "recordPacking": "json"}
        return f"{self.api_url}?{urllib.parse.urlencode(params)}"

    def pages(self) -> Iterator[dict[str, Any]]:
        """Yield the response pages (parsed JSON), from the cache when present and intact."""
        self._write_query_note()
        self.pages_fetched = self.pages_cached = 0
        start: int | None = 1
        while start is not None:
            page = self._page(start)
            yield page
            start = self._next(page, start)

    def records(self) -> Iterator[dict[str, Any]]:
        """Yield every ``speechRecord`` of every page, with a tqdm bar (total: ``numberOfRecords``)."""
        from tqdm.auto import tqdm

        bar = None
        try:
            for page in self.pages():
                if bar is None:
                    self.n_records = int(page.get("numberOfRecords") or 0)
                    bar = tqdm(total=self.n_records, unit="speech", desc="kokkai", disable=not self.progress, leave=False)
                records = page.get("speechRecord") or []
                bar.update(len(records))
                yield from records
        finally:
            if bar is not None:
                bar.close()

    def documents(self, *, rules: Rules | str | Path | None = None, limit: int | None = None) -> Iterator[Document]:
        """Yield one document per speech, as the pages arrive (meeting headers skipped; empty or
        repeated speeches go to :attr:`problems`); with ``rules``, study variables are assigned and
        :attr:`counts` is set when the stream ends. ``limit`` stops after that many records."""
        tally = RuleTally(_rules(rules)) if rules is not None else None
        self.problems, seen = [], set()
        for n, record in enumerate(self.records(), 1):
            doc = speech_document(record)
            if doc is not None:
                problem = _problem(doc, seen)
                seen.add(doc.doc_id)
                if problem:
                    self.problems.append(problem)
                else:
                    yield tally.assign(doc) if tally else doc
            if limit is not None and n >= limit:
                break
        if tally is not None:
            self.counts = tally.counts()
        log.info("kokkai: %d speeches of %d records (%d pages fetched, %d from the cache)",
                 len(seen) - len(self.problems), self.n_records, self.pages_fetched, self.pages_cached)

    def fetch(self, *, rules: Rules | str | Path | None = None, limit: int | None = None) -> Corpus:
        """All speeches as a corpus (see :meth:`documents`; problems in ``corpus.problems``)."""
        docs = list(self.documents(rules=rules, limit=limit))
        return Corpus(docs, self.problems)

    def write_jsonl(self, path: str | Path, *, rules: Rules | str | Path | None = None,
                    limit: int | None = None) -> int:
        """Stream the speeches to a JSON Lines corpus (memory stays flat however many there are);
        the file appears only when complete (temporary file + rename). Returns the number written."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        n = 0
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                for doc in self.documents(rules=rules, limit=limit):
                    fh.write(json.dumps(doc.to_dict(), ensure_ascii=False) + "\n")
                    n += 1
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return n

    def write_shards(self, folder: str | Path, *, rules: Rules | str | Path | None = None, limit: int | None = None,
                     shard_bytes: int = DEFAULT_SHARD_BYTES) -> dict[str, Any]:
        """Stream the speeches to a shard folder (:func:`discourse.load.write_shards`):
        ``part-00000.jsonl`` ... of at most ``shard_bytes`` bytes, sorted by date then speech id
        (:func:`speech_sort_key`), and ``manifest.json`` with each shard's sha256, record count and
        size, the query, the fetch time, the rules file and its sha256, and the skipped speeches.

        Memory stays bounded (the sort spills to temporary files in the folder). Shards are written
        under temporary names and the manifest last, so an interrupted fetch never leaves a folder
        that reads as complete; run it again and it resumes from the page cache. Returns the
        manifest. ``read_corpus(folder)`` and ``iter_corpus(folder)`` read the folder back.
        """
        rules = _rules(rules) if rules is not None else None
        return write_shards(self.documents(rules=rules, limit=limit), folder, shard_bytes=shard_bytes,
                            key=speech_sort_key, order=SHARD_ORDER, meta=lambda: self.manifest_fields(rules, limit))

    def manifest_fields(self, rules: Rules | None = None, limit: int | None = None) -> dict[str, Any]:
        """What a shard manifest records about this fetch (after :meth:`documents` has run):
        ``source``, ``query`` (endpoint and parameters), ``fetched_at`` (UTC), ``n_api_records``,
        ``limit``, ``rules`` (``file`` and ``sha256``, or None) and ``skipped`` (the problems)."""
        now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
        return {"source": "kokkai", "query": {"api_url": self.api_url, "params": self.query.params()},
                "fetched_at": now, "n_api_records": self.n_records, "limit": limit, "rules": _rules_note(rules),
                "skipped": [str(p) for p in self.problems]}

    # --- pages and the cache --------------------------------------------------------------
    def _page(self, start: int) -> dict[str, Any]:
        path = self.folder / f"page-{start:09d}.raw"
        if not self.refresh and path.exists():
            cached = self._cached(path, start)
            if cached is not None:
                self.pages_cached += 1
                return cached
        url = self.url(start)
        response = self.client.get(url)
        page = _parse_page(response, start)
        write_raw(path, response.body, {"url": url, "start": start, "status": response.status})
        self.pages_fetched += 1
        return page

    def _cached(self, path: Path, start: int) -> dict[str, Any] | None:
        try:
            body, _ = read_raw(path)
            return _check_page(json.loads(body.decode("utf-8-sig")), f"{path}", start)
        except (CorruptCacheEntry, FetchError, ValueError) as exc:
            log.warning("cached page %s is damaged (%s): fetching it again", path, exc)
            return None

    def _next(self, page: Mapping[str, Any], start: int) -> int | None:
        nxt = _int(page.get("nextRecordPosition"))
        if nxt is None or not page.get("speechRecord"):
            return None
        if nxt <= start:
            raise FetchError(f"{self.url(start)}: nextRecordPosition {nxt} does not move past startRecord {start}: "
                             "the API answered inconsistently; run again later")
        return nxt

    def _write_query_note(self) -> None:
        note = self.folder / "query.json"
        if not note.exists():
            atomic_write_text(note, json.dumps({"api_url": self.api_url, "params": self.query.params()},
                                               ensure_ascii=False, indent=1) + "\n")


def _rules(rules: Rules | str | Path) -> Rules:
    if isinstance(rules, Rules):
        return rules
    return load_rules(rules, fields=SPEECH_DOCVARS + ("doc_id", "text", "title", "genre", "actor", "side"))


def _rules_note(rules: Rules | None) -> dict[str, Any] | None:
    if rules is None:
        return None
    path = Path(rules.path)
    return {"file": rules.path, "sha256": _sha256_file(path) if path.is_file() else None}


def _problem(doc: Document, seen: set[str]) -> Problem | None:
    if doc.doc_id in seen:
        return Problem(doc.extra.get("url", ""), None, "speechID",
                       f"speech {doc.doc_id!r} came twice (the result set changed while paging): kept the first")
    if not doc.text.strip():
        return Problem(doc.extra.get("url", ""), None, "speech", f"speech {doc.doc_id!r} has no text after its label: skipped")
    return None


def _parse_page(response: Response, start: int) -> dict[str, Any]:
    where = f"{response.url} (page starting at record {start})"
    try:
        data = json.loads(response.body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        if response.status != 200:
            fix = "the API is busy or down: run again later" if response.status >= 500 else "check the query parameters"
            raise FetchError(f"{where}: HTTP {response.status} {_snippet(response.body)}: {fix}") from None
        raise FetchError(f"{where}: the API sent malformed JSON ({exc}; starts {_snippet(response.body)}): "
                         "run the same command again later (the pages before it are cached)") from None
    if response.status != 200 or (isinstance(data, dict) and data.get("message")):
        raise FetchError(_api_error(where, response.status, data))
    return _check_page(data, where, start)


def _api_error(where: str, status: int, data: Any) -> str:
    if not isinstance(data, dict):
        return f"{where}: HTTP {status}: the API refused the request"
    details = data.get("details") or []
    details = [details] if isinstance(details, str) else list(details)
    fix = "fix the query parameters" if status == 400 else "run again later"
    return (f"{where}: HTTP {status}: the API says {data.get('message')!r}"
            + (f" (details: {'; '.join(map(str, details))})" if details else "") + f": {fix}")


def _check_page(data: Any, where: str, start: int) -> dict[str, Any]:
    if not isinstance(data, dict) or _int(data.get("numberOfRecords")) is None:
        raise FetchError(f"{where}: the response is not a speech search result (no numberOfRecords): "
                         "check that --api-url names the speech endpoint (…/api/speech)")
    records = data.get("speechRecord") or []
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise FetchError(f"{where}: speechRecord is not a list of records: the response is damaged; run again later")
    return data


def _snippet(body: bytes, n: int = 60) -> str:
    return repr(body[:n].decode("utf-8", "replace"))


def fetch_kokkai(query: str | KokkaiQuery = "", *, speaker: str = "", house: str = "", meeting: str = "",
                 from_date: str = "", until_date: str = "", params: Mapping[str, Any] | None = None,
                 api_url: str = DEFAULT_API_URL, cache_dir: str | Path | None = None,
                 rules: Rules | str | Path | None = None, delay: float = 1.0, max_retries: int = 4,
                 backoff: float = 2.0, limit: int | None = None, refresh: bool = False,
                 progress: bool | None = None, output: str | Path | None = None, shards: str | Path | None = None,
                 shard_bytes: int = DEFAULT_SHARD_BYTES) -> Corpus:
    """Fetch the Diet speeches matching a query as a corpus (one document per speech).

    Parameters
    ----------
    query : search words separated by spaces (the API's ``any``), or a :class:`KokkaiQuery`
        (then the next five options must be empty).
    speaker, house, meeting, from_date, until_date, params : see :class:`KokkaiQuery`.
    api_url : the speech endpoint (default the public API).
    cache_dir : raw page cache (default ``$DISCOURSE_CACHE`` or ``./.discourse-cache``).
    rules : a rules file or :class:`~discourse.sources.rules.Rules` assigning study variables
        (``side`` ...); the counts are logged (use :class:`KokkaiFetcher` to get them).
    delay : seconds between two requests (default 1; be polite to the public API).
    max_retries, backoff : retries of 429, 5xx and network errors, with exponential backoff.
    limit : stop after this many records (a preview). refresh : ignore the page cache.
    progress : tqdm bar (default when stderr is a terminal).
    output : also write the corpus as JSON Lines there (in the API's order).
    shards, shard_bytes : also write the corpus as a shard folder there (see
        :meth:`KokkaiFetcher.write_shards`), shards of at most ``shard_bytes`` bytes.

    Raises
    ------
    FetchError : an API error (with the API's own message and details), malformed JSON (naming
        the URL and the page), or a network failure after the retries (rerun: cached pages are kept).
    ConfigError : a bad option or rules file.

    Examples
    --------
    >>> corpus = fetch_kokkai("外国人 犯罪", from_date="1990-01-01", until_date="2010-12-31",
    ...                       house="衆議院", output="diet.jsonl")  # doctest: +SKIP
    """
    if isinstance(query, KokkaiQuery):
        if any((speaker, house, meeting, from_date, until_date, params)):
            raise ConfigError("give the conditions either in the KokkaiQuery or as options, not both")
    else:
        query = KokkaiQuery(query, speaker, house, meeting, from_date, until_date, dict(params or {}))
    fetcher = KokkaiFetcher(query, api_url=api_url, cache_dir=cache_dir, delay=delay, max_retries=max_retries,
                            backoff=backoff, refresh=refresh, progress=progress)
    rules = _rules(rules) if rules is not None else None
    corpus = fetcher.fetch(rules=rules, limit=limit)
    if fetcher.counts is not None:
        log.info("%s", fetcher.counts)
    if output is not None:
        corpus.to_jsonl(output)
    if shards is not None:
        write_shards(corpus, shards, shard_bytes=shard_bytes, key=speech_sort_key, order=SHARD_ORDER,
                     meta=fetcher.manifest_fields(rules, limit))
    return corpus
