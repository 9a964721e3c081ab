"""The Diet minutes fetcher against a local server shaped like the speech endpoint (no network)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from discourse import cli
from discourse.errors import ConfigError
from discourse.load import read_corpus
from discourse.sources import KokkaiFetcher, KokkaiQuery, fetch_kokkai
from discourse.sources.http import FetchError, PoliteClient
from discourse.sources.kokkai import speech_document, strip_speaker_label
from test_sources_http import DROP, FakeTime, LocalServer, Reply

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
RECORDS = json.loads((FIXTURES / "kokkai_speeches.json").read_text(encoding="utf-8"))
RULES = Path(__file__).resolve().parents[1] / "corpora" / "rules" / "kokkai_side.toml"
PAGE = 3  # the fake API answers 3 records per page whatever maximumRecords says: 9 records → 3 pages


class FakeApi:
    """Pages of RECORDS like the speech endpoint; ``faults[start]`` is a list of actions used up
    one per request for that page: "503", "429", "400", "malformed", "drop"."""

    def __init__(self, faults=None, records=RECORDS):
        self.faults = {k: list(v) for k, v in (faults or {}).items()}
        self.records = records

    def __call__(self, request):
        if request.path != "/api/speech":
            return Reply(404, b"not here")
        start = int(request.query.get("startRecord", 1))
        action = self.faults.get(start, []).pop(0) if self.faults.get(start) else None
        if action == "drop":
            return DROP
        if action in ("503", "429"):
            return Reply(int(action), b"<html>busy</html>", {"Content-Type": "text/html"})
        if action == "400":
            body = {"message": "検索条件の入力に誤りがあります。", "details": ["開始日付の形式が不正です。"]}
            return Reply(400, json.dumps(body, ensure_ascii=False).encode(), {"Content-Type": "application/json"})
        if action == "malformed":
            return Reply(200, b'{"numberOfRecords": 9, "speechRecord": [{"speechID": ', {"Content-Type": "application/json"})
        page = self.records[start - 1:start - 1 + PAGE]
        body = {"numberOfRecords": len(self.records), "numberOfReturn": len(page), "startRecord": start,
                "speechRecord": page}
        if start - 1 + PAGE < len(self.records):
            body["nextRecordPosition"] = start + PAGE
        return Reply(200, json.dumps(body, ensure_ascii=False).encode("utf-8"),
                     {"Content-Type": "application/json; charset=utf-8"})


def starts(server):
    return [int(h.query["startRecord"]) for h in server.hits]


def fetch(server, tmp_path, **kwargs):
    return fetch_kokkai("外国人 犯罪", from_date="1990-01-01", until_date="2010-12-31",
                        api_url=server.url + "/api/speech", cache_dir=tmp_path / "cache", delay=0, backoff=0,
                        **kwargs)


def test_pages_documents_and_docvars(tmp_path):
    with LocalServer(FakeApi()) as server:
        corpus = fetch(server, tmp_path)
    assert starts(server) == [1, 4, 7]
    first = server.hits[0].query
    assert first == {"any": "外国人 犯罪", "from": "1990-01-01", "until": "2010-12-31", "startRecord": "1",
                     "maximumRecords": "100", "recordPacking": "json"}
    # 9 records, 2 of them meeting headers (speechOrder 0)
    assert corpus.doc_ids == ["100105206X00520040511_001", "100105206X00520040511_002", "100105206X00520040511_003",
                              "100105206X00520040511_004", "116405254X00320060412_001", "116405254X00320060412_002",
                              "116405254X00320060412_003"]
    minister = corpus["100105206X00520040511_003"]
    assert minister.text == "お答えいたします。\n検挙件数は前年より減少しております。"
    assert corpus["100105206X00520040511_004"].text == "御説明申し上げます。"   # label with a space inside （）
    # NFKC (full-width digits), CRLF → LF, blank line kept once, paragraph indent removed
    assert corpus["116405254X00320060412_003"].text == "10年前と比べて\n\n統計の取り方が違います。"
    dv = corpus.docvars
    row = dv.loc["100105206X00520040511_002"]
    assert (row.speaker, row.speaker_group, row.speaker_position, row.speaker_role) == ("海野花子", "架空党", "", "")
    assert (row.house, row.meeting, row.issue, row.session, row.date, row.year) == (
        "衆議院", "法務委員会", "第5号", 159, "2004-05-11", 2004)   # "159" given as a string → int
    assert row.speech_id == "100105206X00520040511_002" and row.speech_order == 2
    assert row.url == "https://kokkai.ndl.go.jp/txt/100105206X00520040511/2"
    assert set(dv["source"]) == {"kokkai"} and set(dv["language"]) == {"ja"} and set(dv["side"]) == {""}  # no rules: side stays empty (unknown)
    assert dv.loc["116405254X00320060412_001", "speaker_role"] == "参考人"
    assert dv.loc["116405254X00320060412_001", "title"] == "参議院 法務委員会 第3号"


def test_rerun_sends_no_request_and_gives_the_same_corpus(tmp_path):
    with LocalServer(FakeApi()) as server:
        one = fetch(server, tmp_path, output=tmp_path / "a.jsonl")
        n = len(server.hits)
        two = fetch(server, tmp_path, output=tmp_path / "b.jsonl")
        assert len(server.hits) == n == 3
        other = fetch_kokkai("難民", api_url=server.url + "/api/speech", cache_dir=tmp_path / "cache", delay=0)
        assert len(server.hits) == 6          # another query: its own cache key
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    assert one.doc_ids == two.doc_ids == other.doc_ids
    assert read_corpus(tmp_path / "a.jsonl", strict=True).doc_ids == one.doc_ids


def test_503_then_success_and_429_with_backoff(tmp_path):
    t = FakeTime()
    client = PoliteClient(delay=0, backoff=0.25, max_retries=3, sleep=t.sleep, clock=t.clock)
    with LocalServer(FakeApi({4: ["503"], 7: ["429", "429"]})) as server:
        query = KokkaiQuery("外国人", from_date="1990-01-01")
        fetcher = KokkaiFetcher(query, api_url=server.url + "/api/speech", cache_dir=tmp_path, client=client)
        corpus = fetcher.fetch()
    assert starts(server) == [1, 4, 4, 7, 7, 7]
    assert t.sleeps == [0.25, 0.25, 0.5]    # one backoff for the 503, then 0.25 and 0.5 for the two 429s
    assert len(corpus) == 7 and fetcher.pages_fetched == 3 and fetcher.n_records == 9


def test_persistent_503_is_bounded_and_clear(tmp_path):
    with LocalServer(FakeApi({1: ["503"] * 10})) as server:
        with pytest.raises(FetchError, match=r"page starting at record 1\): HTTP 503.*run again later"):
            fetch(server, tmp_path, max_retries=2)
    assert starts(server) == [1, 1, 1]


def test_400_shows_the_api_message_and_details(tmp_path, capsys):
    with LocalServer(FakeApi({1: ["400"]})) as server:
        with pytest.raises(FetchError) as info:
            fetch(server, tmp_path)
        assert starts(server) == [1]          # a 400 is not retried
        message = str(info.value)
        assert "検索条件の入力に誤りがあります。" in message and "開始日付の形式が不正です。" in message
        assert "HTTP 400" in message and "fix the query" in message
        server.app.faults = {1: ["400"]}
        code = cli.main(["fetch", "kokkai", "--any", "外国人", "--api-url", server.url + "/api/speech",
                         "--cache", str(tmp_path / "c2"), "--delay", "0", "-o", str(tmp_path / "x.jsonl")])
    assert code == 1
    assert "検索条件の入力に誤りがあります。" in capsys.readouterr().err
    assert not (tmp_path / "x.jsonl").exists()


def test_malformed_json_names_url_and_page_then_resumes(tmp_path):
    with LocalServer(FakeApi({4: ["malformed"]})) as server:
        with pytest.raises(FetchError, match="malformed JSON") as info:
            fetch(server, tmp_path)
        assert "startRecord=4" in str(info.value) and "page starting at record 4" in str(info.value)
        assert starts(server) == [1, 4]        # malformed JSON is not retried blindly
        corpus = fetch(server, tmp_path)       # the server is fine now
    assert starts(server) == [1, 4, 4, 7]      # page 1 came from the cache
    assert len(corpus) == 7


def test_connection_dropped_mid_fetch_resumes_without_refetching_complete_pages(tmp_path):
    with LocalServer(FakeApi({7: ["drop", "drop", "drop"]})) as server:
        with pytest.raises(FetchError, match="network error on all 2 attempts"):
            fetch(server, tmp_path, max_retries=1)
        assert starts(server) == [1, 4, 7, 7]
        pages = sorted(p.name for p in (tmp_path / "cache" / "kokkai").rglob("page-*.raw"))
        assert pages == ["page-000000001.raw", "page-000000004.raw"]
        corpus = fetch(server, tmp_path, max_retries=1)   # third drop, then success on the retry
    assert starts(server) == [1, 4, 7, 7, 7, 7]
    assert len(corpus) == 7


def test_corrupt_cached_page_is_refetched(tmp_path):
    with LocalServer(FakeApi()) as server:
        fetch(server, tmp_path)
        page = next((tmp_path / "cache" / "kokkai").rglob("page-000000004.raw"))
        data = bytearray(page.read_bytes())
        data[-5] ^= 0x20
        page.write_bytes(bytes(data))
        corpus = fetch(server, tmp_path)
    assert starts(server) == [1, 4, 7, 4]
    assert len(corpus) == 7


def test_rules_assign_side_and_report_counts(tmp_path):
    with LocalServer(FakeApi()) as server:
        query = KokkaiQuery("外国人")
        fetcher = KokkaiFetcher(query, api_url=server.url + "/api/speech", cache_dir=tmp_path, delay=0)
        corpus = fetcher.fetch(rules=RULES)
    sides = dict(zip(corpus.doc_ids, (d.side for d in corpus)))
    assert sides == {"100105206X00520040511_001": "other",   # committee chair: default
                     "100105206X00520040511_002": "other",   # member asking
                     "100105206X00520040511_003": "state",   # 法務大臣
                     "100105206X00520040511_004": "state",   # 警察庁刑事局長
                     "116405254X00320060412_001": "ngo",     # 参考人 of a support NPO
                     "116405254X00320060412_002": "other",   # 参考人, professor
                     "116405254X00320060412_003": "other"}
    assert corpus["100105206X00520040511_003"].extra["side_rule"] == "government"
    assert corpus["100105206X00520040511_001"].extra["side_rule"] == "default"
    by_rule = fetcher.counts.by_rule
    assert by_rule["n_docs"].tolist() == [1, 1, 2, 0, 3]
    assert by_rule["rule"].tolist() == [1, 2, 3, 4, 0]
    by_value = fetcher.counts.by_value
    assert dict(zip(by_value["value"], by_value["n_docs"])) == {"ngo": 1, "other": 4, "state": 2}


def test_cli_writes_corpus_and_prints_counts(tmp_path, capsys):
    out = tmp_path / "diet.jsonl"
    with LocalServer(FakeApi()) as server:
        code = cli.main(["fetch", "kokkai", "--any", "外国人 犯罪", "--from", "1990-01-01", "--until", "2010-12-31",
                         "--house", "衆議院", "--meeting", "法務委員会", "--speaker", "森田一郎",
                         "--param", "speakerGroup=架空党", "--api-url", server.url + "/api/speech",
                         "--cache", str(tmp_path / "c"), "--delay", "0", "--rules", str(RULES), "-o", str(out)])
    assert code == 0
    assert server.hits[0].query["nameOfHouse"] == "衆議院" and server.hits[0].query["nameOfMeeting"] == "法務委員会"
    assert server.hits[0].query["speaker"] == "森田一郎" and server.hits[0].query["speakerGroup"] == "架空党"
    printed = capsys.readouterr().out
    assert "wrote 7 speeches" in printed and "3 fetched, 0 from the cache" in printed
    assert "government" in printed and "documents per assigned value" in printed
    corpus = read_corpus(out, strict=True)
    assert [d.side for d in corpus].count("state") == 2


def test_limit_stops_early(tmp_path):
    with LocalServer(FakeApi()) as server:
        corpus = fetch(server, tmp_path, limit=4)
    assert starts(server) == [1, 4] and corpus.doc_ids[-1] == "100105206X00520040511_003"


def test_query_validation():
    with pytest.raises(ConfigError, match="no search condition"):
        KokkaiQuery()
    with pytest.raises(ConfigError, match="from_date='1990/01/01'"):
        KokkaiQuery("外国人", from_date="1990/01/01")
    with pytest.raises(ConfigError, match="until_date='2010-02-30'"):
        KokkaiQuery("外国人", until_date="2010-02-30")
    with pytest.raises(ConfigError, match="house='衆院' is not one of"):
        KokkaiQuery("外国人", house="衆院")
    with pytest.raises(ConfigError, match="paging"):
        KokkaiQuery("外国人", extra_params={"startRecord": 5})
    with pytest.raises(ConfigError, match="page_size"):
        KokkaiFetcher(KokkaiQuery("a"), page_size=500)


def test_speaker_label_and_header():
    assert strip_speaker_label("○山川委員長　これより会議を開きます。") == "これより会議を開きます。"
    assert strip_speaker_label("○参考人（川口さくら君）　支援の現場から") == "支援の現場から"
    assert strip_speaker_label("ラベルなしの文。") == "ラベルなしの文。"
    assert speech_document(RECORDS[0]) is None and speech_document(RECORDS[5]) is None


def test_streamed_jsonl_equals_the_corpus_and_problems_are_reported(tmp_path):
    records = RECORDS + [dict(RECORDS[3]),                                           # repeated speechID
                         {**RECORDS[4], "speechID": "X_9", "speechOrder": 9, "speech": "○田村君　"}]  # label only
    with LocalServer(FakeApi(records=records)) as server:
        fetcher = KokkaiFetcher(KokkaiQuery("外国人"), api_url=server.url + "/api/speech", cache_dir=tmp_path, delay=0)
        n = fetcher.write_jsonl(tmp_path / "s.jsonl", rules=RULES)
        corpus = fetch_kokkai("外国人", api_url=server.url + "/api/speech", cache_dir=tmp_path, delay=0, rules=RULES,
                              output=tmp_path / "c.jsonl")
    assert starts(server) == [1, 4, 7, 10]        # the second fetch came from the cache
    assert n == len(corpus) == 7
    assert (tmp_path / "s.jsonl").read_bytes() == (tmp_path / "c.jsonl").read_bytes()
    assert [p.field for p in fetcher.problems] == ["speechID", "speech"]
    assert "came twice" in str(fetcher.problems[0]) and "X_9" in str(fetcher.problems[1])
    assert [str(p) for p in corpus.problems] == [str(p) for p in fetcher.problems]
    assert fetcher.counts.by_rule["n_docs"].sum() == 7


def test_no_hits_gives_an_empty_corpus_after_one_request(tmp_path):
    with LocalServer(FakeApi(records=[])) as server:
        code = cli.main(["fetch", "kokkai", "--any", "該当なし", "--api-url", server.url + "/api/speech",
                         "--cache", str(tmp_path), "--delay", "0", "-o", str(tmp_path / "none.jsonl")])
    assert code == 0 and starts(server) == [1]
    assert (tmp_path / "none.jsonl").read_text(encoding="utf-8") == ""


def test_refresh_refetches_and_the_default_delay_is_polite(tmp_path):
    with LocalServer(FakeApi()) as server:
        fetch(server, tmp_path)
        fetch(server, tmp_path, refresh=True)
    assert starts(server) == [1, 4, 7, 1, 4, 7]
    assert KokkaiFetcher(KokkaiQuery("外国人")).client.delay >= 1.0
    assert cli.build_parser().parse_args(["fetch", "kokkai", "--any", "a", "-o", "x"]).delay >= 1.0
