"""Ingestion: encodings, HTML main text, PDF layout, dispatch, and import_folder.

Binary fixtures (PDFs, encoded text files) are generated here, in temporary folders.
"""
from __future__ import annotations

import codecs
import csv
import random
from pathlib import Path

import pytest

from discourse.errors import CorpusError, IngestError
from discourse.ingest import Source, read_source
from discourse.load import import_folder
from discourse.ingest.html import declared_charset, html_to_text
from discourse.ingest.pdf import is_page_number, join_lines
from discourse.ingest.text import decode_bytes, plausibility

LONG_JA = ("来日外国人犯罪の検挙件数は前年に比べて増加し、過去最多となった。"
           "移住連は、外国人に対する差別と偏見こそが問題だと反論した。")

# Short texts that legacy encodings confuse most easily: a few kana or kanji, mixed scripts.
HARD_JA = ["はい", "アイ", "あア", "治安", "人権", "外国人犯罪", "NPAの統計", "ｶﾀｶﾅです", "不法滞在者の半減",
           "共生社会へ", "「差別」。", "2004年", "ロシア語とα線", "※注", "えっ……", "“共生”", "±3℃"]


# --- encodings ------------------------------------------------------------------------------
@pytest.mark.parametrize("text", HARD_JA + [LONG_JA])
@pytest.mark.parametrize("encoding", ["cp932", "euc_jp"])
def test_legacy_japanese_encodings_are_told_apart(text: str, encoding: str) -> None:
    assert decode_bytes(text.encode(encoding), "a.txt") == (text, encoding)


@pytest.mark.parametrize("text", HARD_JA + [LONG_JA, "plain ASCII"])
def test_utf8_and_boms(text: str) -> None:
    assert decode_bytes(text.encode("utf-8"), "a.txt") == (text, "utf-8")
    assert decode_bytes(codecs.BOM_UTF8 + text.encode("utf-8"), "a.txt") == (text, "utf-8-sig")
    assert decode_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"), "a.txt") == (text, "utf-16-le")
    assert decode_bytes(codecs.BOM_UTF16_BE + text.encode("utf-16-be"), "a.txt") == (text, "utf-16-be")
    assert decode_bytes(text.encode("utf-16"), "a.txt")[0] == text  # Python's own BOM + native order


def test_iso2022jp() -> None:
    assert decode_bytes(LONG_JA.encode("iso2022_jp"), "a.txt") == (LONG_JA, "iso2022_jp")


@pytest.mark.parametrize("encoding", ["cp932", "euc_jp", "iso2022_jp"])
def test_long_text_agrees_with_charset_normalizer(encoding: str) -> None:
    """An independent detector decodes the long text to the same string."""
    from charset_normalizer import from_bytes

    data = (LONG_JA * 3).encode(encoding)
    assert decode_bytes(data, "a.txt")[0] == str(from_bytes(data).best()) == LONG_JA * 3


def test_shift_jis_file_read_as_cp932_keeps_windows_characters() -> None:
    text = "～①㈱髙"  # characters only the Windows variant (cp932) maps
    assert decode_bytes(text.encode("cp932"), "a.txt") == (text, "cp932")


def test_euc_with_jis_x_0213_characters() -> None:
    text = "①の件数は㈱と高橋"  # row 13 characters: not in Python's euc_jp
    assert decode_bytes(text.encode("euc_jis_2004"), "a.txt") == (text, "euc_jis_2004")


@pytest.mark.parametrize("text", ["He said “Hello” to the café owner — naïve.", "Straße", "50 °C ± 2"])
def test_western_legacy_text_is_not_read_as_japanese(text: str) -> None:
    assert decode_bytes(text.encode("cp1252"), "en.txt") == (text, "cp1252")


def test_plausibility_prefers_real_text_over_mojibake() -> None:
    data = LONG_JA.encode("euc_jp")
    assert plausibility(data.decode("euc_jp")) > 0.6
    assert plausibility(data.decode("cp932", errors="replace")) < 0.3
    assert plausibility(LONG_JA.encode("utf-8").decode("cp1252", errors="replace")) < 0


@pytest.mark.parametrize("data, what", [
    (b"\x89PNG\r\n\x1a\n" + bytes(40), "PNG image"),
    (b"\xff\xd8\xff\xe0" + bytes(40), "JPEG image"),
    (b"PK\x03\x04" + bytes(40), "ZIP archive"),
    (b"abc\x00\x00def", "NUL bytes"),
    ("NPAの統計".encode("utf-16-le"), "NUL bytes"),  # UTF-16 without BOM
])
def test_binary_files_are_refused_with_the_fix(data: bytes, what: str) -> None:
    with pytest.raises(IngestError, match=rf"^scan\.txt: .*{what}.*save it as UTF-8"):
        decode_bytes(data, "scan.txt")


def test_undecodable_bytes_raise_instead_of_mojibake() -> None:
    rng = random.Random(0)
    for _ in range(20):
        data = bytes(rng.randrange(0x80, 0x100) for _ in range(300))
        with pytest.raises(IngestError, match=r"^bad\.txt: cannot tell the text encoding"):
            decode_bytes(data, "bad.txt")


def test_damaged_utf16_raises() -> None:
    with pytest.raises(IngestError, match=r"a\.txt: .*utf-16-le.*damaged"):
        decode_bytes(codecs.BOM_UTF16_LE + b"\x00\xd8\x41", "a.txt")  # lone surrogate + odd byte


# --- read_source: text files and dispatch ---------------------------------------------------
def test_read_source_text_file(tmp_path: Path) -> None:
    path = tmp_path / "npa.txt"
    path.write_bytes("　治安対策\r\n\r\n\r\nＮＰＡは来日外国人犯罪の増加を発表した。 \r\n".encode("cp932"))
    assert read_source(path) == Source("治安対策\n\nNPAは来日外国人犯罪の増加を発表した。", "cp932", "text", "治安対策")


def test_read_source_title_rules(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("前文\n\n# 移住連の声明\n\n本文。", encoding="utf-8")
    (tmp_path / "b.txt").write_text("これは本文の最初の文です。\n次の文。", encoding="utf-8")
    (tmp_path / "c.txt").write_text("一行だけ", encoding="utf-8")
    assert read_source(tmp_path / "a.md").title == "移住連の声明"
    assert read_source(tmp_path / "b.txt").title == ""   # a sentence is not a title
    assert read_source(tmp_path / "c.txt").title == ""   # the whole text is not a title


def test_read_source_sniffs_content(tmp_path: Path, ja_pdf: Path) -> None:
    (tmp_path / "page.dat").write_bytes(b"<!DOCTYPE html><html><body><p>\xe5\xb7\xae\xe5\x88\xa5</p></body></html>")
    (tmp_path / "report.txt").write_bytes(ja_pdf.read_bytes())
    (tmp_path / "fake.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(20))
    assert read_source(tmp_path / "page.dat").format == "html"
    assert read_source(tmp_path / "report.txt").format == "pdf"
    with pytest.raises(IngestError, match=r"fake\.pdf: has a \.pdf extension but is a PNG image"):
        read_source(tmp_path / "fake.pdf")
    with pytest.raises(IngestError, match=r"missing\.txt: no such file"):
        read_source(tmp_path / "missing.txt")


# --- HTML -----------------------------------------------------------------------------------
PAGE = """<!DOCTYPE html><html><head>
<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">
<title>移住連 声明 | NGOサイト</title><style>p {{ color: red }}</style>
<script>var s = "スクリプト。";</script></head>
<body><header><h1>サイト名</h1></header>
<div id="gnav"><ul><li>ホーム</li><li>活動</li></ul></div>
<div class="breadcrumb">ホーム &gt; 声明</div>
<div class="content"><h2>声明</h2>
<p>私たちは外国人に対する
差別に反対する。<br>人権を守れ。</p>
<p>Migrants are
<b>not</b> criminals.</p>
<table><tr><th>年</th><th>件数</th></tr><tr><td>2004</td><td>47,128</td></tr></table>
<!-- コメント --><div class="share-buttons sns">シェアする</div><noscript>JSを有効に</noscript>
<form><input value="検索"><button>送信</button></form></div>
<aside class="sidebar">関連記事</aside><footer>Copyright 移住連</footer></body></html>"""


def test_html_main_text_only() -> None:
    text, encoding, title = html_to_text(PAGE.encode("cp932"), "s.html")
    assert encoding == "cp932" and title == "移住連 声明 | NGOサイト"
    from discourse.text import normalize

    assert normalize(text) == ("声明\n\n私たちは外国人に対する差別に反対する。\n人権を守れ。\n\n"
                               "Migrants are not criminals.\n\n年 件数\n2004 47,128")


def test_html_source_line_breaks() -> None:
    """A line break of the HTML source vanishes between Japanese characters, also across inline
    tags, and is a space elsewhere; <pre> keeps its lines; nested blocks give one break."""
    page = ("<p>外国人\n<b>犯罪</b>の\n  増加。Migrants\n<i>are</i>\nnot.</p>"
            "<pre>a\n\nb</pre><div><div><p>x</p></div></div><ul><li>1</li><li>2</li></ul>")
    assert html_to_text(page.encode("utf-8"))[0] == "外国人犯罪の増加。Migrants are not.\n\na\n\nb\n\nx\n\n1\n2"


def test_html_prefers_main_and_article() -> None:
    page = ("<html><body><div class='menu'>メニュー</div><p>周辺の文</p>"
            "<main><article><p>本文だけ。</p></article></main><p>後ろ</p></body></html>")
    assert html_to_text(page.encode("utf-8"))[0] == "本文だけ。"


@pytest.mark.parametrize("head, expected", [
    (b'<meta charset="EUC-JP">', "euc_jp"),
    (b"<meta charset=shift_jis>", "cp932"),
    (b'<meta http-equiv="content-type" content="text/html;charset=windows-31j">', "cp932"),
    (b'<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">', "utf-8"),
    (b'<?xml version="1.0" encoding="Shift_JIS"?>', "cp932"),
    (b"<meta name='x'>", None),
    (b'<meta charset="no-such-codec">', None),
])
def test_declared_charset(head: bytes, expected: str | None) -> None:
    assert declared_charset(b"<html><head>" + head + b"</head>") == expected


def test_html_wrong_declaration_falls_back_to_detection(tmp_path: Path) -> None:
    page = f"<html><head><meta charset='utf-8'><title>題</title></head><body><p>{LONG_JA}</p></body></html>"
    (tmp_path / "p.html").write_bytes(page.encode("euc_jp"))
    assert read_source(tmp_path / "p.html") == Source(LONG_JA, "euc_jp", "html", "題")


def test_html_without_declaration_is_detected(tmp_path: Path) -> None:
    (tmp_path / "p.htm").write_bytes(f"<p>{LONG_JA}</p>".encode("cp932"))
    assert read_source(tmp_path / "p.htm") == Source(LONG_JA, "cp932", "html", "")


# --- PDF ------------------------------------------------------------------------------------
def _make_pdf(path: Path, pages: list[list[list[str]]], *, font: str, header: str | None = None,
              footer: str | None = None, number: str | None = None, title: str | None = None,
              size: float = 11, leading: float = 16, indent: bool = False) -> Path:
    """Write a PDF with reportlab: pages → paragraphs → layout lines, plus header/footer/number."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if font == "HeiseiMin-W3":
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    width, height = A4
    c = canvas.Canvas(str(path), pagesize=A4)
    if title:
        c.setTitle(title)
    for n, paragraphs in enumerate(pages, 1):
        c.setFont(font, 9)
        if header:
            c.drawString(72, height - 40, header.format(n=n))
        if footer:
            c.drawString(72, 45, footer)
        if number:
            c.drawCentredString(width / 2, 28, number.format(n=n, total=len(pages)))
        c.setFont(font, size)
        y = height - 90
        for lines in paragraphs:
            for i, line in enumerate(lines):
                heading = line.startswith("#")  # "#..." is a heading in a larger font
                c.setFont(font, size * 1.4 if heading else size)
                x = 72 + (size if indent and i == 0 and not line.startswith(("~", "#")) else 0)
                c.drawString(x, y, line.lstrip("~#"))
                y -= leading * (1.4 if heading else 1)
            y -= 12
        c.showPage()
    c.save()
    return path


JA_PAGES = [
    [["来日外国人犯罪の検挙件数は前年に比べて増加し、過去", "最多となった。組織的な犯罪も目立っている。"],
     ["不法滞在者の半減を目指し、関係機関と連携して取締", "りを強化する。"],
     ["~治安の回復は国民の願いであり、政府は全力で取り"]],   # continues on the next page
    [["~組む。"], ["外国人労働者の受入れについても検討す", "る。"]],
    [["以上のとおり報告する。"]],
]


@pytest.fixture(scope="module")
def ja_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "white-paper.pdf"
    return _make_pdf(path, JA_PAGES, font="HeiseiMin-W3", header="平成16年版 警察白書 {n}",
                     footer="警察庁", number="―{n}―", title="警察白書（抜粋）", indent=True)


def test_pdf_japanese(ja_pdf: Path) -> None:
    source = read_source(ja_pdf)
    assert source.format == "pdf" and source.encoding == "pdf" and source.title == "警察白書(抜粋)"
    assert source.text == (
        "来日外国人犯罪の検挙件数は前年に比べて増加し、過去最多となった。組織的な犯罪も目立っている。\n\n"
        "不法滞在者の半減を目指し、関係機関と連携して取締りを強化する。\n\n"
        "治安の回復は国民の願いであり、政府は全力で取り組む。\n\n"
        "外国人労働者の受入れについても検討する。\n\n"
        "以上のとおり報告する。")


EN_PAGES = [
    [["Migrant-support groups argue that the migra-", "tion of workers sustains the economy and that",
      "crime figures are misread."], ["The report was published in 2004."]],
    [["Human rights must be protected for all residents,", "regardless of their status."]],
    [["Only a few percent of suspects are foreigners."]],
]


@pytest.mark.parametrize("number", ["{n}/{total}", "Page {n}", "- {n} -", "{n}"])
def test_pdf_english(tmp_path: Path, number: str) -> None:
    path = _make_pdf(tmp_path / "n.pdf", EN_PAGES, font="Helvetica", header="Ijuren Newsletter No. 12",
                     number=number, leading=14)
    source = read_source(path)
    assert source.title == ""  # reportlab's placeholder "untitled" is dropped
    assert source.text == (
        "Migrant-support groups argue that the migration of workers sustains the economy and that "
        "crime figures are misread.\n\nThe report was published in 2004.\n\n"
        "Human rights must be protected for all residents, regardless of their status.\n\n"
        "Only a few percent of suspects are foreigners.")


def test_pdf_without_text_asks_for_ocr(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(tmp_path / "scan.pdf"))
    c.rect(100, 100, 200, 200, fill=1)
    c.showPage()
    c.save()
    with pytest.raises(IngestError, match=r"scan\.pdf: no extractable text.*OCR"):
        read_source(tmp_path / "scan.pdf")


def test_pdf_single_page_heading_and_paragraphs(tmp_path: Path) -> None:
    """One page: nothing counts as a repeated header; the page number goes; a heading in a
    larger font is a paragraph of its own."""
    page = [["#声明"], ["私たちは、外国人に対する差別と偏見に反対し、", "すべての住民の人権を守るよう求める。"],
            ["政府の統計は、外国人犯罪の割合が小さいことを", "示している。"]]
    path = _make_pdf(tmp_path / "one.pdf", [page], font="HeiseiMin-W3", header="移住連ニュース", number="- {n} -")
    assert read_source(path).text == ("移住連ニュース\n\n声明\n\n"
                                      "私たちは、外国人に対する差別と偏見に反対し、すべての住民の人権を守るよう求める。\n\n"
                                      "政府の統計は、外国人犯罪の割合が小さいことを示している。")


def test_pdf_protection_and_damage(tmp_path: Path, ja_pdf: Path) -> None:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    no_copy = pdfencrypt.StandardEncryption("", ownerPassword="o", canCopy=0)
    for name, encrypt in (("locked.pdf", "secret"), ("nocopy.pdf", no_copy)):
        c = canvas.Canvas(str(tmp_path / name), encrypt=encrypt)
        c.drawString(72, 700, "Equal rights for migrant workers.")
        c.showPage()
        c.save()
    with pytest.raises(IngestError, match=r"locked\.pdf: the PDF is encrypted with a password"):
        read_source(tmp_path / "locked.pdf")
    assert read_source(tmp_path / "nocopy.pdf").text == "Equal rights for migrant workers."  # copy flag ignored
    (tmp_path / "cut.pdf").write_bytes(ja_pdf.read_bytes()[:2000])
    with pytest.raises(IngestError, match=r"cut\.pdf: (not a readable PDF|pdfminer could not read).*re-export"):
        read_source(tmp_path / "cut.pdf")


@pytest.mark.parametrize("line, expected", [
    ("3", True), ("- 3 -", True), ("―3―", True), ("― 12 ―", True), ("3/12", True), ("3 / 12", True),
    ("p. 3", True), ("Page 3", True), ("xii", True), ("(3)", True), ("－３－", True), ("3頁", True),
    ("第3章", False), ("2004年", False), ("3 people", False), ("治安", False),
])
def test_is_page_number(line: str, expected: bool) -> None:
    assert is_page_number(line) is expected


@pytest.mark.parametrize("a, b, joined", [
    ("外国人の", "人権", "外国人の人権"),
    ("2004", "年に", "2004年に"),
    ("増加した。", "NPAは", "増加した。NPAは"),
    ("human", "rights", "human rights"),
    ("migra-", "tion", "migration"),
    ("Migrant-", "Support", "Migrant- Support"),  # capital after the hyphen: not a broken word
    ("1990-", "2000", "1990- 2000"),
])
def test_join_lines(a: str, b: str, joined: str) -> None:
    assert join_lines(a, b) == joined


# --- import_folder --------------------------------------------------------------------------
def _write_metadata(folder: Path, rows: list[dict[str, str]], encoding: str = "utf-8") -> Path:
    path = folder / "metadata.csv"
    fields = list(dict.fromkeys(k for row in rows for k in row))
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture()
def source_folder(tmp_path: Path, ja_pdf: Path) -> Path:
    long_en = ("Migrants sustain the economy of Japan and deserve equal protection under the law. "
               "The police statistics count offences by foreign visitors separately, but they never "
               "compare them with the population of registered foreign residents, which has grown "
               "steadily since the late nineteen-eighties. Support groups answer numbers with numbers.")
    (tmp_path / "npa-2004.txt").write_bytes(f"治安\n{LONG_JA}".encode("cp932"))
    (tmp_path / "ijuren.html").write_bytes(PAGE.encode("cp932"))
    (tmp_path / "en.txt").write_bytes(codecs.BOM_UTF16_LE + long_en.encode("utf-16-le"))
    (tmp_path / "wp.pdf").write_bytes(ja_pdf.read_bytes())
    (tmp_path / "copy.txt").write_bytes(f"治安\n{LONG_JA}".encode("euc_jp"))                # exact duplicate
    (tmp_path / "layout.txt").write_text(f"治安\n\n{LONG_JA.replace('、', '')}", encoding="utf-8")  # layout copy
    (tmp_path / "edited.txt").write_text(long_en.replace("equal", "full"), encoding="utf-8")   # fuzzy copy
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(30))
    (tmp_path / "stray.html").write_text("<p>not listed</p>", encoding="utf-8")
    _write_metadata(tmp_path, [
        {"file": "npa-2004.txt", "side": "state", "actor": "警察庁", "date": "2004年9月", "title": ""},
        {"file": "ijuren.html", "side": "ngo", "actor": "移住連", "date": "2004-10-01", "title": ""},
        {"file": "en.txt", "side": "ngo", "actor": "移住連", "date": "2005", "title": "Statement", "language": ""},
        {"file": "wp.pdf", "side": "state", "actor": "警察庁", "date": "2004", "title": ""},
        {"file": "copy.txt", "side": "state", "actor": "", "date": "", "title": ""},
        {"file": "layout.txt", "side": "state", "actor": "", "date": "", "title": ""},
        {"file": "edited.txt", "side": "ngo", "actor": "", "date": "", "title": "", "language": "en"},
        {"file": "image.txt", "side": "ngo", "actor": "", "date": "", "title": ""},
        {"file": "missing.txt", "side": "ngo", "actor": "", "date": "", "title": ""},
    ], encoding="cp932")  # as Excel saves it on Japanese Windows
    return tmp_path


def test_import_folder(source_folder: Path) -> None:
    with pytest.warns(UserWarning):
        corpus = import_folder(source_folder)
    assert corpus.doc_ids == ["npa-2004", "ijuren", "en", "wp"]
    dv = corpus.docvars
    assert dv["encoding"].tolist() == ["cp932", "cp932", "utf-16-le", "pdf"]
    assert dv["format"].tolist() == ["text", "html", "text", "pdf"]
    assert dv["file"].tolist() == ["npa-2004.txt", "ijuren.html", "en.txt", "wp.pdf"]
    assert dv["title"].tolist() == ["治安", "移住連 声明 | NGOサイト", "Statement", "警察白書(抜粋)"]
    assert dv["date"].tolist() == ["2004-09", "2004-10-01", "2005", "2004"]
    assert dv["language"].tolist() == ["ja", "ja", "en", "ja"]  # en.txt: detected, not in metadata
    assert corpus["npa-2004"].text == f"治安\n{LONG_JA}"
    assert corpus["wp"].text.startswith("来日外国人犯罪の検挙件数は前年に比べて増加し、過去最多")

    meta = str(source_folder / "metadata.csv")
    got = [(p.path, p.line, p.field) for p in corpus.problems]
    assert got == [(meta, 6, "text"), (meta, 7, "text"), (meta, 8, "text"), (meta, 9, "file"), (meta, 10, "file"),
                   (str(source_folder / "stray.html"), None, "file")]
    messages = [p.message for p in corpus.problems]
    assert "line 6: field 'text': identical to 'npa-2004'" in messages[0]
    assert "line 7: field 'text': a near-duplicate of 'npa-2004'" in messages[1]
    assert "line 8: field 'text': a near-duplicate of 'en'" in messages[2] and "5-grams shared" in messages[2]
    assert "line 9: field 'file':" in messages[3] and "image.txt: looks like a PNG image" in messages[3]
    assert "line 10: field 'file':" in messages[4] and "missing.txt: no such file" in messages[4]
    assert "stray.html: field 'file': not listed in" in messages[5]


def test_import_folder_strict_stops_at_first_problem(source_folder: Path) -> None:
    with pytest.raises(CorpusError, match=r"metadata\.csv line 6: field 'text': identical to 'npa-2004'"):
        import_folder(source_folder, strict=True)


def test_import_folder_other_metadata_and_errors(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("外国人住民の権利を守る。", encoding="utf-8")
    meta = _write_metadata(tmp_path / "..", [{"file": "a.txt", "side": "ngo", "doc_id": "ngo-1"}])
    corpus = import_folder(tmp_path, meta)
    assert corpus.doc_ids == ["ngo-1"] and corpus.docvars.loc["ngo-1", "encoding"] == "utf-8"
    with pytest.raises(CorpusError, match=r"nowhere: no such folder"):
        import_folder(tmp_path / "nowhere")
    with pytest.raises(CorpusError, match=r"metadata\.csv: no such file"):
        import_folder(tmp_path)
    (tmp_path / "metadata.csv").write_text("name,side\na.txt,ngo\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"metadata\.csv line 1: metadata\.csv needs a 'file' column"):
        import_folder(tmp_path)
