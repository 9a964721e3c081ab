"""A polite HTTP client shared by the source fetchers, and a checksummed store for raw responses.

:class:`PoliteClient` makes one request at a time, waits ``delay`` seconds between two requests
to the same host, and retries 429, 5xx and network errors with exponential backoff (a bounded
number of times, honouring a numeric ``Retry-After``). Only the standard library is used
(``urllib.request``), so nothing new has to be installed.

:func:`write_raw` / :func:`read_raw` keep raw response bytes on disk with a small JSON header
(URL, ETag, Last-Modified, Content-Type ...) and a sha256 of both: writes are atomic, and a
truncated or altered file raises :class:`~discourse.cache.CorruptCacheEntry` so that callers
fetch it again instead of trusting it. No pickle: the header is JSON, the body the bytes as
received.

Example
-------
>>> client = PoliteClient(delay=1.0)                      # doctest: +SKIP
>>> response = client.get("https://kokkai.ndl.go.jp/api/speech?any=難民&recordPacking=json")  # doctest: +SKIP
>>> response.status                                       # doctest: +SKIP
200
"""
from __future__ import annotations

import hashlib
import http.client
import json
import logging
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

from ..cache import CorruptCacheEntry, atomic_write_bytes
from ..errors import ConfigError, DiscourseError

__all__ = ["PoliteClient", "Response", "FetchError", "write_raw", "read_raw", "USER_AGENT",
           "RETRY_STATUSES", "host_of"]

log = logging.getLogger("discourse.sources")

USER_AGENT = "discourse-research-client/0.1 (text analysis; polite: 1 request at a time)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 120.0  # seconds: a longer Retry-After is capped (the retry count stays bounded)
_NETWORK_ERRORS = (urllib.error.URLError, http.client.HTTPException, ConnectionError, socket.timeout,
                   TimeoutError, OSError)


class FetchError(DiscourseError, RuntimeError):
    """A request that failed for good (network error after the retries, or an API error)."""


@dataclass(frozen=True)
class Response:
    """One HTTP response: final ``url``, ``status``, ``headers`` (lower-case names), ``body`` bytes."""

    url: str
    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    def header(self, name: str, default: str = "") -> str:
        """A header value by case-insensitive name."""
        return self.headers.get(name.lower(), default)

    def __repr__(self) -> str:
        return f"<Response {self.status} {self.url} ({len(self.body)} bytes)>"


def host_of(url: str) -> str:
    """``scheme://netloc`` of a URL (the unit of rate limits and robots.txt).

    >>> host_of("https://www.moj.go.jp/isa/a.html?x=1")
    'https://www.moj.go.jp'
    """
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class PoliteClient:
    """Sequential HTTP GETs with a per-host delay and bounded retries.

    Parameters
    ----------
    delay : seconds between the start of two requests to the same host (default 1.0; 0 in tests).
    max_retries : how many times a 429, a 5xx or a network error is retried (default 4).
    backoff : the first retry waits ``backoff`` seconds, then 2x, 4x ... (default 2.0); a numeric
        ``Retry-After`` header is used instead when it is longer (capped at 120 s).
    timeout : seconds to wait for a response (default 60).
    user_agent : the ``User-Agent`` header.
    sleep, clock : injectable for tests (default :func:`time.sleep`, :func:`time.monotonic`).

    Attributes
    ----------
    n_requests : requests sent so far (retries included).
    waits : every pause taken, as ``(reason, seconds)`` with reason ``"delay"`` or ``"backoff"``.
    """

    def __init__(self, *, delay: float = 1.0, max_retries: int = 4, backoff: float = 2.0,
                 timeout: float = 60.0, user_agent: str = USER_AGENT,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic):
        for name, value in (("delay", delay), ("backoff", backoff), ("timeout", timeout)):
            if not isinstance(value, (int, float)) or value < 0:
                raise ConfigError(f"{name}={value!r}: give a number of seconds >= 0")
        if not isinstance(max_retries, int) or max_retries < 0:
            raise ConfigError(f"max_retries={max_retries!r}: give a whole number >= 0")
        self.delay, self.max_retries, self.backoff, self.timeout = float(delay), max_retries, float(backoff), float(timeout)
        self.user_agent = user_agent
        self._sleep, self._clock = sleep, clock
        self._last: dict[str, float] = {}
        self._host_delay: dict[str, float] = {}
        self.n_requests = 0
        self.waits: list[tuple[str, float]] = []

    def __repr__(self) -> str:
        return f"PoliteClient(delay={self.delay}, max_retries={self.max_retries}, backoff={self.backoff})"

    def get(self, url: str, headers: Mapping[str, str] | None = None) -> Response:
        """GET ``url``; return the final :class:`Response` whatever its status (4xx, and 429/5xx
        once the retries are spent, are returned, not raised).

        Raises
        ------
        FetchError : the network failed (refused, reset, timed out, dropped) on every attempt;
            the message names the URL, the number of attempts and the last error.
        """
        last_error = ""
        for attempt in range(self.max_retries + 1):
            if attempt:
                self._pause("backoff", self._backoff_seconds(attempt, last_error))
            try:
                response = self._once(url, headers or {})
            except _NETWORK_ERRORS as exc:
                last_error = f"{type(exc).__name__}: {getattr(exc, 'reason', None) or exc}"
                log.info("network error on %s (attempt %d): %s", url, attempt + 1, last_error)
                continue
            if response.status not in RETRY_STATUSES or attempt == self.max_retries:
                return response
            last_error = f"HTTP {response.status}|{response.header('retry-after')}"
            log.info("HTTP %d on %s (attempt %d), retrying", response.status, url, attempt + 1)
        raise FetchError(f"{url}: network error on all {self.max_retries + 1} attempts (last: {last_error}): "
                         "check the connection or the address, then run the same command again "
                         "(pages already fetched are cached)")

    def _backoff_seconds(self, attempt: int, last_error: str) -> float:
        wait = self.backoff * 2 ** (attempt - 1)
        retry_after = last_error.rpartition("|")[2] if last_error.startswith("HTTP ") else ""
        try:
            wait = max(wait, min(float(retry_after), MAX_RETRY_AFTER))
        except ValueError:
            pass
        return wait

    def _once(self, url: str, headers: Mapping[str, str]) -> Response:
        self._wait_turn(host_of(url))
        request = urllib.request.Request(url, headers={"User-Agent": self.user_agent, **headers})
        self.n_requests += 1
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as fh:
                return Response(fh.geturl(), fh.status, _headers(fh.headers), fh.read())
        except urllib.error.HTTPError as exc:
            with exc:
                body = _read_quietly(exc)
            return Response(url, exc.code, _headers(exc.headers), body)
        finally:
            self._last[host_of(url)] = self._clock()

    def set_host_delay(self, host: str, seconds: float) -> None:
        """Wait at least ``seconds`` between requests to ``host`` (``scheme://netloc``), e.g. a
        robots.txt ``Crawl-delay``; the client's own ``delay`` still applies when it is longer."""
        self._host_delay[host] = float(seconds)

    def _wait_turn(self, host: str) -> None:
        delay = max(self.delay, self._host_delay.get(host, 0.0))
        if host in self._last and delay > 0:
            remaining = delay - (self._clock() - self._last[host])
            if remaining > 0:
                self._pause("delay", remaining)

    def _pause(self, reason: str, seconds: float) -> None:
        self.waits.append((reason, seconds))
        if seconds > 0:
            self._sleep(seconds)


def _headers(message: Any) -> dict[str, str]:
    return {k.lower(): v for k, v in (message.items() if message is not None else [])}


def _read_quietly(exc: urllib.error.HTTPError) -> bytes:
    try:
        return exc.read()
    except _NETWORK_ERRORS:
        return b""


# --- checksummed raw store --------------------------------------------------------------------
RAW_MAGIC = b"DISCOURSE-RAW-1\n"


def write_raw(path: str | Path, body: bytes, meta: Mapping[str, Any] | None = None) -> Path:
    """Store ``body`` (bytes as received) with a JSON ``meta`` header, checksummed, atomically.

    Layout: magic line, 64 hex digits of the sha256 of the rest, newline, the header length as
    decimal, newline, the JSON header, the body.

    >>> import tempfile, pathlib
    >>> p = write_raw(pathlib.Path(tempfile.mkdtemp()) / "a.raw", "外国人".encode(), {"etag": "x1"})
    >>> body, meta = read_raw(p)
    >>> body.decode(), meta
    ('外国人', {'etag': 'x1'})
    """
    header = json.dumps(dict(meta or {}), ensure_ascii=False, sort_keys=True).encode("utf-8")
    rest = str(len(header)).encode("ascii") + b"\n" + header + body
    return atomic_write_bytes(Path(path), RAW_MAGIC + hashlib.sha256(rest).hexdigest().encode("ascii") + b"\n" + rest)


def read_raw(path: str | Path) -> tuple[bytes, dict[str, Any]]:
    """Inverse of :func:`write_raw`; :class:`~discourse.cache.CorruptCacheEntry` when the file is
    truncated, altered or of another format; FileNotFoundError when it is absent."""
    data = Path(path).read_bytes()
    head = len(RAW_MAGIC)
    if not data.startswith(RAW_MAGIC) or len(data) < head + 66:
        raise CorruptCacheEntry(f"{path}: not a discourse raw cache file (wrong magic or truncated)")
    digest, rest = data[head:head + 64], data[head + 65:]
    if hashlib.sha256(rest).hexdigest().encode("ascii") != digest:
        raise CorruptCacheEntry(f"{path}: checksum mismatch (truncated or corrupted)")
    size_text, _, tail = rest.partition(b"\n")
    try:
        size = int(size_text)
        meta = json.loads(tail[:size].decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise CorruptCacheEntry(f"{path}: unreadable header ({exc})") from None
    return tail[size:], meta

