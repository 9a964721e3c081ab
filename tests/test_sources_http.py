"""The polite HTTP client and the raw cache, against a local server (no network).

``LocalServer`` is also used by test_sources_kokkai.py and test_sources_urls.py.
"""
from __future__ import annotations

import http.server
import threading
import urllib.parse
from dataclasses import dataclass, field
from typing import Callable

import pytest

from discourse.cache import CorruptCacheEntry
from discourse.errors import ConfigError, DiscourseError
from discourse.sources.http import FetchError, PoliteClient, read_raw, write_raw

DROP = object()  # an app returning DROP makes the server close the connection without answering


@dataclass
class Request:
    path: str
    query: dict
    headers: dict


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict = field(default_factory=dict)


class LocalServer:
    """``http.server`` on 127.0.0.1, port 0, in a thread; ``app(Request) -> Reply | DROP``;
    every request is recorded in ``hits``."""

    def __init__(self, app: Callable[[Request], object]):
        self.app, self.hits = app, []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                parts = urllib.parse.urlsplit(self.path)
                request = Request(parts.path, dict(urllib.parse.parse_qsl(parts.query)),
                                  {k.lower(): v for k, v in self.headers.items()})
                server.hits.append(request)
                reply = server.app(request)
                if reply is DROP:
                    self.close_connection = True
                    return
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def __enter__(self) -> "LocalServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class FakeTime:
    """A clock that only moves when ``sleep`` is called (records the sleeps)."""

    def __init__(self):
        self.now, self.sleeps = 1000.0, []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


def scripted(*replies):
    """An app answering with the given replies in turn (the last one repeats)."""
    queue = list(replies)

    def app(request):
        return queue.pop(0) if len(queue) > 1 else queue[0]
    return app


def test_delay_between_requests_to_one_host_only():
    t = FakeTime()
    with LocalServer(scripted(Reply(200, b"ok"))) as a, LocalServer(scripted(Reply(200, b"ok"))) as b:
        client = PoliteClient(delay=1.5, sleep=t.sleep, clock=t.clock)
        assert client.get(a.url + "/x").body == b"ok"
        client.get(b.url + "/x")          # another host (port): no wait
        client.get(a.url + "/y")          # same host, fake clock did not move: waits the full delay
    assert t.sleeps == [1.5]
    assert client.waits == [("delay", 1.5)]
    assert client.n_requests == 3


def test_retry_503_and_429_with_exponential_backoff_and_retry_after():
    t = FakeTime()
    app = scripted(Reply(503), Reply(429), Reply(429, headers={"Retry-After": "7"}), Reply(200, b"done"))
    with LocalServer(app) as server:
        client = PoliteClient(delay=0, backoff=0.5, max_retries=4, sleep=t.sleep, clock=t.clock)
        response = client.get(server.url + "/p")
    assert response.status == 200 and response.body == b"done"
    assert len(server.hits) == 4
    assert t.sleeps == [0.5, 1.0, 7.0]  # 0.5, 0.5*2, then max(0.5*4, Retry-After 7)


def test_retries_are_bounded_and_the_last_status_is_returned():
    t = FakeTime()
    with LocalServer(scripted(Reply(503, b"busy"))) as server:
        client = PoliteClient(delay=0, backoff=1, max_retries=2, sleep=t.sleep, clock=t.clock)
        response = client.get(server.url + "/p")
    assert response.status == 503 and response.body == b"busy"
    assert len(server.hits) == 3
    assert t.sleeps == [1, 2]


def test_4xx_is_returned_at_once_without_retry():
    with LocalServer(scripted(Reply(404, b"nope"))) as server:
        response = PoliteClient(delay=0, backoff=0).get(server.url + "/missing")
    assert (response.status, response.body, len(server.hits)) == (404, b"nope", 1)


def test_dropped_connection_is_retried_then_a_clear_error():
    with LocalServer(scripted(DROP)) as server:
        client = PoliteClient(delay=0, backoff=0, max_retries=2)
        with pytest.raises(FetchError, match="network error on all 3 attempts") as info:
            client.get(server.url + "/p")
    assert server.url in str(info.value)
    assert len(server.hits) == 3
    assert isinstance(info.value, DiscourseError)


def test_dropped_connection_then_success():
    with LocalServer(scripted(DROP, Reply(200, b"ok"))) as server:
        response = PoliteClient(delay=0, backoff=0, max_retries=2).get(server.url + "/p")
    assert response.body == b"ok" and len(server.hits) == 2


def test_bad_client_options():
    with pytest.raises(ConfigError, match="delay=-1"):
        PoliteClient(delay=-1)
    with pytest.raises(ConfigError, match="max_retries"):
        PoliteClient(max_retries=1.5)


def test_raw_store_roundtrip_and_corruption(tmp_path):
    path = write_raw(tmp_path / "x.raw", "来日外国人".encode("cp932"), {"etag": '"v1"', "url": "http://h/a"})
    body, meta = read_raw(path)
    assert body.decode("cp932") == "来日外国人" and meta == {"etag": '"v1"', "url": "http://h/a"}
    data = bytearray(path.read_bytes())
    data[-1] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptCacheEntry, match="checksum"):
        read_raw(path)
    path.write_bytes(path.read_bytes()[:30])
    with pytest.raises(CorruptCacheEntry):
        read_raw(path)
    assert not list(tmp_path.glob(".*tmp"))  # atomic writes leave no temp files
