"""Recipe fetching against a local server (no network): encodings, PDF, 404, robots.txt, 304,
changed texts, images, sentence hashes, the status table and the CLI."""
from __future__ import annotations

import hashlib
import json
import socket
from pathlib import Path

import pandas as pd
import pytest

from discourse import cli
from discourse.errors import ConfigError, CorpusError
from discourse.load import read_corpus
from discourse.sources import check_against_recipe, fetch_urls, read_recipe
from discourse.sources.http import PoliteClient
from test_sources_http import FakeTime, LocalServer, Reply

HEADER = "id,url,side,actor,genre,date,title,language,licence,sha256"

SJIS_PAGE = ('<html><head><meta charset="Shift_JIS"><title>入管行政の現状</title></head><body>'
             '<nav>ホーム ＞ 報道発表</nav><main><h1>入管行政の現状</h1><p>不法残留者は減少している。</p>'
             '<p>引き続き厳格に対処する。</p></main><footer>出入国在留管理庁</footer></body></html>').encode("cp932")
SJIS_TEXT = "入管行政の現状\n\n不法残留者は減少している。\n\n引き続き厳格に対処する。"
NGO_PAGE = ('<!doctype html><html><head><meta charset="utf-8"><title>声明</title></head><body>'
            '<div class="gnav">メニュー</div><article><p>私たちは排外的な言説に反対します。外国人を犯罪と'
            '結びつける報道には根拠がありません。</p><p>共生社会を求めます。</p></article></body></html>')
NGO_TEXT = "私たちは排外的な言説に反対します。外国人を犯罪と結びつける報道には根拠がありません。\n\n共生社会を求めます。"
NGO_SENTENCES = ["私たちは排外的な言説に反対します。", "外国人を犯罪と結びつける報道には根拠がありません。", "共生社会を求めます。"]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def make_pdf() -> bytes:
    import io

    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiMin-W3"))
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer)
    c.setTitle("在留外国人統計")
    c.setFont("HeiseiMin-W3", 11)
    c.drawString(72, 750, "在留外国人の数は前年より増加した。")
    c.drawString(72, 720, "国籍別では三か国が上位を占める。")
    c.showPage()
    c.save()
    return buffer.getvalue()


PDF = make_pdf()
PDF_TEXT = "在留外国人の数は前年より増加した。国籍別では三か国が上位を占める。"  # two lines, one paragraph


class Site:
    """A small web site: robots.txt, pages with ETag / Last-Modified and 304 support."""

    def __init__(self, robots="User-agent: *\nDisallow: /private/\n"):
        self.robots = robots
        self.pages = {
            "/isa/sjis.html": (SJIS_PAGE, "text/html", {"Last-Modified": "Tue, 01 Jun 2004 00:00:00 GMT"}),
            "/ngo/statement.html": (NGO_PAGE.encode("utf-8"), "text/html; charset=utf-8", {"ETag": '"v1"'}),
            "/stats/report.pdf": (PDF, "application/pdf", {}),
            "/ngo/photo.png": (PNG, "image/png", {}),
            "/ngo/changed.html": ("<html><body><p>新しい文です。</p></body></html>".encode(), "text/html", {}),
            # half-width katakana in EUC-JP also decode as cp932 kanji: only the header tells
            "/isa/header-only.html": ("<html><body><p>ﾃｽﾄ</p></body></html>".encode("euc_jp"),
                                      "text/html; charset=EUC-JP", {}),
            "/ngo/plain.txt": ("共生の取組を報告する。".encode("euc_jp"), "text/plain; charset=EUC-JP", {}),
            "/private/memo.html": (b"<html><body><p>secret</p></body></html>", "text/html", {}),
        }

    def __call__(self, request):
        if request.path == "/robots.txt":
            return Reply(200, self.robots.encode(), {"Content-Type": "text/plain"}) if self.robots is not None \
                else Reply(404, b"")
        if request.path not in self.pages:
            return Reply(404, b"<html><body>Not found</body></html>", {"Content-Type": "text/html"})
        body, ctype, extra = self.pages[request.path]
        if "ETag" in extra and request.headers.get("if-none-match") == extra["ETag"]:
            return Reply(304, b"", {"ETag": extra["ETag"]})
        if "Last-Modified" in extra and request.headers.get("if-modified-since") == extra["Last-Modified"]:
            return Reply(304, b"", {})
        return Reply(200, body, {"Content-Type": ctype, **extra})


def write_recipe(path: Path, base: str, *, extra_column: bool = True) -> Path:
    rows = [
        f"isa-2004,{base}/isa/sjis.html,state,出入国在留管理庁,press release,2004-06-01,,ja,public,{sha(SJIS_TEXT)}",
        f"ngo-stmt,{base}/ngo/statement.html,ngo,移住連,statement,2019,NGO声明,,CC-BY,{sha(NGO_TEXT).upper()}",
        f"stats-pdf,{base}/stats/report.pdf,state,法務省,statistics,2010-12-31,,ja,public,{sha(PDF_TEXT)}",
        f"gone,{base}/ngo/gone.html,ngo,某団体,statement,2005,,ja,unknown,",
        f"secret,{base}/private/memo.html,ngo,某団体,memo,2006,,ja,unknown,",
        f"photo,{base}/ngo/photo.png,ngo,某団体,image,2007,,ja,unknown,",
        f"changed,{base}/ngo/changed.html,ngo,某団体,statement,2008,,ja,unknown,{sha('古い文です。')}",
        f"plain,{base}/ngo/plain.txt,ngo,某団体,report,2009-03-01,,ja,unknown,",
        f"header-cs,{base}/isa/header-only.html,state,,,2011,,ja,,{sha('テスト')}",
    ]
    if extra_column:
        rows = [r + f",note{i}" for i, r in enumerate(rows)]
    path.write_text((HEADER + (",note" if extra_column else "") + "\n" + "\n".join(rows) + "\n"), encoding="utf-8")
    return path


EXPECTED = {"isa-2004": "ok", "ngo-stmt": "ok", "stats-pdf": "ok", "gone": "http_error", "secret": "robots_denied",
            "photo": "not_text", "changed": "text_changed", "plain": "no_checksum", "header-cs": "ok"}


def run(site, tmp_path, name="corpus.jsonl", **kwargs):
    with LocalServer(site) as server:
        recipe = write_recipe(tmp_path / "recipe.csv", server.url)
        result = fetch_urls(recipe, output=tmp_path / name, cache_dir=tmp_path / "cache", delay=0, backoff=0,
                            **kwargs)
    return result, server


def test_statuses_texts_and_docvars(tmp_path):
    (corpus, status), server = run(Site(), tmp_path)
    assert dict(zip(status["id"], status["status"])) == EXPECTED
    assert list(status.columns) == ["id", "url", "status", "http_status", "n_chars", "sha256", "expected_sha256", "detail"]
    st = status.set_index("id")
    assert st.loc["gone", "http_status"] == 404 and pd.isna(st.loc["secret", "http_status"])
    assert "robots.txt disallows" in st.loc["secret", "detail"]
    assert "PNG" in st.loc["photo", "detail"]
    assert st.loc["isa-2004", "n_chars"] == len(SJIS_TEXT) and st.loc["isa-2004", "sha256"] == sha(SJIS_TEXT)
    assert st.loc["ngo-stmt", "expected_sha256"] == sha(NGO_TEXT)  # the recipe's upper-case hex is accepted
    # documents: every row with text, in recipe order
    assert corpus.doc_ids == ["isa-2004", "ngo-stmt", "stats-pdf", "changed", "plain", "header-cs"]
    assert corpus["header-cs"].text == "テスト" and corpus["header-cs"].extra["encoding"] == "euc_jp"
    assert corpus["isa-2004"].text == SJIS_TEXT and corpus["ngo-stmt"].text == NGO_TEXT
    assert corpus["stats-pdf"].text == PDF_TEXT and corpus["changed"].text == "新しい文です。"
    assert corpus["plain"].text == "共生の取組を報告する。"
    dv = corpus.docvars
    assert dv.loc["isa-2004", ["encoding", "format", "title", "side", "actor"]].tolist() == [
        "cp932", "html", "入管行政の現状", "state", "出入国在留管理庁"]  # title from <title> when the recipe has none
    assert dv.loc["ngo-stmt", "title"] == "NGO声明" and dv.loc["ngo-stmt", "language"] == "ja"  # detected
    assert dv.loc["stats-pdf", ["format", "title"]].tolist() == ["pdf", "在留外国人統計"]
    assert dv.loc["plain", "encoding"] == "euc_jp" and dv.loc["ngo-stmt", "date"] == "2019"
    assert dv.loc["ngo-stmt", "note"] == "note1" and dv.loc["ngo-stmt", "licence"] == "CC-BY"
    assert dv.loc["ngo-stmt", "source"] == "web" and dv.loc["ngo-stmt", "url"].endswith("/ngo/statement.html")
    # robots.txt read once for the host, the denied page never requested
    paths = [h.path for h in server.hits]
    assert paths.count("/robots.txt") == 1 and "/private/memo.html" not in paths
    # files next to the corpus
    assert read_corpus(tmp_path / "corpus.jsonl", strict=True).doc_ids == corpus.doc_ids
    written = pd.read_csv(tmp_path / "corpus.status.csv", keep_default_na=False)
    assert written["status"].tolist() == list(EXPECTED.values())


def test_sentence_hashes_file(tmp_path):
    run(Site(), tmp_path)
    lines = [json.loads(x) for x in (tmp_path / "corpus.sentences.jsonl").read_text(encoding="utf-8").splitlines()]
    ngo = [x for x in lines if x["id"] == "ngo-stmt"]
    assert ngo == [{"id": "ngo-stmt", "sentence_index": i, "sha256": sha(s)} for i, s in enumerate(NGO_SENTENCES)]
    assert [x["sentence_index"] for x in lines if x["id"] == "isa-2004"] == [0, 1, 2]


def test_conditional_requests_use_the_cache_on_304(tmp_path):
    site = Site()
    with LocalServer(site) as server:
        recipe = write_recipe(tmp_path / "recipe.csv", server.url)
        first = fetch_urls(recipe, cache_dir=tmp_path / "cache", delay=0, backoff=0)
        n = len(server.hits)
        second = fetch_urls(recipe, cache_dir=tmp_path / "cache", delay=0, backoff=0)
    again = server.hits[n:]
    ngo = next(h for h in again if h.path == "/ngo/statement.html")
    isa = next(h for h in again if h.path == "/isa/sjis.html")
    assert ngo.headers["if-none-match"] == '"v1"'
    assert isa.headers["if-modified-since"] == "Tue, 01 Jun 2004 00:00:00 GMT"
    st = second.status.set_index("id")
    assert st.loc["ngo-stmt", "http_status"] == 304 and st.loc["isa-2004", "http_status"] == 304
    assert st.loc["ngo-stmt", "status"] == "ok"
    assert second.corpus["ngo-stmt"].text == first.corpus["ngo-stmt"].text == NGO_TEXT
    assert second.corpus["isa-2004"].text == SJIS_TEXT


def test_corrupt_cache_is_not_trusted(tmp_path):
    site = Site()
    with LocalServer(site) as server:
        recipe = write_recipe(tmp_path / "recipe.csv", server.url)
        fetch_urls(recipe, cache_dir=tmp_path / "cache", delay=0, backoff=0)
        for raw in (tmp_path / "cache" / "urls").glob("*.raw"):
            raw.write_bytes(raw.read_bytes()[:-3])
        n = len(server.hits)
        result = fetch_urls(recipe, cache_dir=tmp_path / "cache", delay=0, backoff=0)
    assert all("if-none-match" not in h.headers for h in server.hits[n:])  # no conditional request on a bad entry
    assert result.status.set_index("id").loc["ngo-stmt", "http_status"] == 200
    assert result.corpus["ngo-stmt"].text == NGO_TEXT


def test_record_checksums_then_a_page_changes_in_part(tmp_path):
    site = Site()
    with LocalServer(site) as server:
        recipe = write_recipe(tmp_path / "recipe.csv", server.url)
        fetch_urls(recipe, output=tmp_path / "v1" / "c.jsonl", cache_dir=tmp_path / "cache", delay=0,
                   record_checksums=True)
        filled = read_recipe(tmp_path / "v1" / "c.recipe.csv")
        assert dict(zip(filled["id"], filled["sha256"]))["plain"] == sha("共生の取組を報告する。")
        assert dict(zip(filled["id"], filled["sha256"]))["gone"] == ""
        assert dict(zip(filled["id"], filled["sha256"]))["changed"] == sha("新しい文です。")
        assert list(filled.columns)[:11] == HEADER.split(",") + ["note"]
        # the NGO edits one of its three sentences
        page = NGO_PAGE.replace("共生社会を求めます。", "多文化共生社会を求めます。")
        site.pages["/ngo/statement.html"] = (page.encode("utf-8"), "text/html; charset=utf-8", {"ETag": '"v2"'})
        result = fetch_urls(tmp_path / "v1" / "c.recipe.csv", output=tmp_path / "v2" / "c.jsonl",
                            cache_dir=tmp_path / "cache", delay=0)
    assert result.status.set_index("id").loc["ngo-stmt", "status"] == "text_changed"
    check = check_against_recipe(tmp_path / "v2" / "c.jsonl", tmp_path / "v1" / "c.recipe.csv").set_index("id")
    row = check.loc["ngo-stmt"]
    assert (bool(row.in_corpus), bool(row.text_matches), row.n_sentences, row.n_recipe_sentences, row.n_matching) == (
        True, False, 3, 3, 2)
    assert row.share_matching == pytest.approx(2 / 3)
    isa = check.loc["isa-2004"]
    assert bool(isa.text_matches) and isa.n_matching == isa.n_recipe_sentences == 3
    gone = check.loc["gone"]   # no text then, none now: nothing to compare
    assert not gone.in_corpus and gone.n_sentences == 0 and pd.isna(gone.n_matching) and pd.isna(gone.text_matches)
    # without recipe sentence hashes only whole texts are compared
    only_text = check_against_recipe(tmp_path / "v2" / "c.jsonl", recipe).set_index("id")
    assert pd.isna(only_text.loc["ngo-stmt", "n_matching"]) and not only_text.loc["ngo-stmt", "text_matches"]


def test_rate_limit_per_host_and_crawl_delay(tmp_path):
    t = FakeTime()
    with LocalServer(Site()) as server:
        recipe = write_recipe(tmp_path / "recipe.csv", server.url)
        fetch_urls(recipe, cache_dir=tmp_path / "c1", client=PoliteClient(delay=2, sleep=t.sleep, clock=t.clock))
    requests = len(server.hits)      # robots.txt + 8 pages (the denied one is never requested)
    assert requests == 9 and t.sleeps == [2.0] * (requests - 1)
    t = FakeTime()
    with LocalServer(Site(robots="User-agent: *\nCrawl-delay: 5\nDisallow: /private/\n")) as server:
        recipe = write_recipe(tmp_path / "recipe.csv", server.url)
        fetch_urls(recipe, cache_dir=tmp_path / "c2", client=PoliteClient(delay=2, sleep=t.sleep, clock=t.clock))
    assert t.sleeps == [5.0] * 8


def test_no_robots_txt_allows_and_network_errors_are_a_status(tmp_path):
    with socket.socket() as s:       # a port where nothing listens
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    with LocalServer(Site(robots=None)) as server:
        recipe = tmp_path / "r.csv"
        recipe.write_text(f"{HEADER}\nsecret,{server.url}/private/memo.html,ngo,,,2006,,en,,\n"
                          f"down,{dead}/a.html,ngo,,,2006,,ja,,\n", encoding="utf-8")
        result = fetch_urls(recipe, cache_dir=tmp_path / "c", delay=0, backoff=0, max_retries=1)
    st = result.status.set_index("id")
    assert st.loc["secret", "status"] == "no_checksum"   # robots.txt 404: everything allowed
    assert st.loc["down", "status"] == "network_error" and "robots.txt unreachable" in st.loc["down", "detail"]
    assert result.n_failed == 2


def test_robots_txt_server_error_means_disallow_all(tmp_path):
    def app(request):
        return Reply(503, b"busy") if request.path == "/robots.txt" else Reply(200, b"<p>x</p>", {"Content-Type": "text/html"})
    with LocalServer(app) as server:
        recipe = tmp_path / "r.csv"
        recipe.write_text(f"{HEADER}\na,{server.url}/a.html,ngo,,,2006,,ja,,\nb,{server.url}/b.html,ngo,,,2006,,ja,,\n",
                          encoding="utf-8")
        result = fetch_urls(recipe, cache_dir=tmp_path / "c", delay=0, backoff=0, max_retries=1)
    assert result.status["status"].tolist() == ["robots_denied", "robots_denied"]
    assert "HTTP 503" in result.status["detail"][0]
    assert [h.path for h in server.hits] == ["/robots.txt", "/robots.txt"]   # one retry, then no page requested


def test_cli_exit_codes_and_record_checksums(tmp_path, capsys):
    with LocalServer(Site()) as server:
        recipe = write_recipe(tmp_path / "recipe.csv", server.url)
        base = ["fetch", "urls", str(recipe), "--cache", str(tmp_path / "c"), "--delay", "0", "--quiet"]
        assert cli.main(base + ["-o", str(tmp_path / "a.jsonl")]) == 3  # completed, rows not ok
        captured = capsys.readouterr()
        assert "http_error: gone" in captured.err and "robots_denied: secret" in captured.err
        assert "wrote 6 documents" in captured.out
        assert cli.main(base + ["-o", str(tmp_path / "b.jsonl"), "--allow-failures", "--record-checksums"]) == 0
        assert (tmp_path / "b.recipe.csv").exists() and (tmp_path / "b.recipe.sentences.jsonl").exists()
        capsys.readouterr()
        assert cli.main(["fetch", "check", str(tmp_path / "b.jsonl"), str(tmp_path / "b.recipe.csv")]) == 0
    assert "ngo-stmt" in capsys.readouterr().out


@pytest.mark.parametrize("row, message", [
    ("a,http://x.jp/a,ngo,,,2004/06/01,,ja,,", r"recipe.csv line 2: column 'date' = '2004/06/01'"),
    ("a,ftp://x.jp/a,ngo,,,2004,,ja,,", r"line 2: column 'url'"),
    ("a,http://x.jp/a,ngo,,,2004,,jp,,", r"line 2: column 'language' = 'jp'"),
    ("a,http://x.jp/a,ngo,,,2004,,ja,,abc", r"line 2: column 'sha256' = 'abc'"),
    ("a,http://x.jp/a,ngo,,,2004-13-01,,ja,,", r"line 2: column 'date'"),
    ("a,http://x.jp/a,ngo,,,2004,,ja,", r"line 2: 9 fields but the header has 10"),
    ("a,http://x.jp/a,ngo,,,2004,,ja,,\na,http://x.jp/b,ngo,,,2004,,ja,,", r"line 3: column 'id' = 'a': already used on line 2"),
])
def test_recipe_validation(tmp_path, row, message):
    path = tmp_path / "recipe.csv"
    path.write_text(f"{HEADER}\n{row}\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=message):
        read_recipe(path)


def test_recipe_header_errors(tmp_path):
    path = tmp_path / "recipe.csv"
    path.write_text("id,url,side,date\na,http://x.jp,ngo,2004\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"line 1: missing column\(s\) \['actor', 'genre', 'title'"):
        read_recipe(path)
    path.write_text(f"{HEADER},source\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="reserved"):
        read_recipe(path)
    with pytest.raises(ConfigError, match="needs output"):
        fetch_urls(path, record_checksums=True)


def test_quoted_multiline_field_keeps_line_numbers(tmp_path):
    path = tmp_path / "recipe.csv"
    path.write_text(f'{HEADER}\na,http://x.jp/a,ngo,,,2004,"two\nlines",ja,,\nb,http://x.jp/b,ngo,,,20,,ja,,\n',
                    encoding="utf-8")
    with pytest.raises(CorpusError, match=r"line 4: column 'date' = '20'"):
        read_recipe(path)
