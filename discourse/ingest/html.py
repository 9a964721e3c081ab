"""Main text of an HTML page: boilerplate dropped, blocks as line breaks, ``<title>`` kept.

Example
-------
>>> page = "<html><head><title>声明</title></head><body><nav>メニュー</nav><p>差別に反対する。</p></body></html>"
>>> html_to_text(page.encode("utf-8"), "a.html")
('差別に反対する。', 'utf-8', '声明')
"""
from __future__ import annotations

import codecs
import re
from pathlib import Path

from bs4 import BeautifulSoup, Comment
from bs4.element import Doctype, ProcessingInstruction, Tag

from .text import MIN_PLAUSIBILITY, check_controls, decode_bytes, plausibility, reject_binary

__all__ = ["html_to_text", "declared_charset", "looks_like_html"]

DROP_TAGS = ("script", "style", "nav", "header", "footer", "aside", "noscript", "form", "iframe",
             "svg", "canvas", "template", "button", "select", "menu", "head", "object", "embed")
PARAGRAPH_TAGS = frozenset("p h1 h2 h3 h4 h5 h6 blockquote table ul ol dl pre figure hr address".split())
LINE_TAGS = frozenset("div section article main li tr dt dd caption figcaption details summary "
                      "center fieldset legend".split())
CELL_TAGS = frozenset(("td", "th"))
_BOILERPLATE = re.compile(
    r"^(?:g|l|global|local|site|sub|main|top|bottom|side|page|js)?[-_]?"
    r"(?:nav|navi|navbar|navigation|menu|menubar|breadcrumbs?|topicpath|pankuzu|sidebar|"
    r"sidemenu|footer|header|banner|ads?|advert\w*|sponsor\w*|share|sharing|social|sns|"
    r"cookie\w*|pagetop|page-top|gotop|skip\w*|sitemap|utility|related\w*)$", re.I)
_BOILERPLATE_ROLES = ("navigation", "banner", "contentinfo", "search", "complementary")
_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)"""
    rb"""|<\?xml[^>]+?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_ALIASES = {"shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932",
            "windows-31j": "cp932", "ms_kanji": "cp932", "csshiftjis": "cp932",
            "euc-jp": "euc_jp", "x-euc-jp": "euc_jp", "iso-2022-jp": "iso2022_jp",
            "iso-8859-1": "cp1252", "latin1": "cp1252", "us-ascii": "utf-8"}


def looks_like_html(data: bytes) -> bool:
    """True when the first kilobytes contain ``<!doctype html``, ``<html`` or ``<body``."""
    head = data[:4096].lower()
    return any(tag in head for tag in (b"<!doctype html", b"<html", b"<body"))


def declared_charset(data: bytes) -> str | None:
    """The Python codec named by ``<meta charset>``, ``http-equiv`` or an XML declaration in the
    first 4 KB, or None
    (WHATWG aliases: Shift_JIS → cp932, ISO-8859-1 → cp1252, as browsers read them)."""
    m = _META_CHARSET.search(data[:4096])
    if not m:
        return None
    name = (m.group(1) or m.group(2)).decode("ascii").lower()
    name = _ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def html_to_text(data: bytes, path: str | Path = "<html>") -> tuple[str, str, str]:
    """Decode and extract the main text of an HTML page; return ``(text, encoding, title)``.

    Decoding: a BOM first, then the ``<meta charset>``/``http-equiv`` declaration when the bytes
    decode with it strictly, else the detection of :func:`~discourse.ingest.text.decode_bytes`.
    Extraction: ``<main>``/``<article>``/``role="main"`` when present, else ``<body>``; dropped:
    ``script, style, nav, header, footer, aside, noscript, form, iframe, svg, button, select,
    menu`` and elements whose class/id is a menu, breadcrumb, sidebar, banner, share or cookie
    name (``gnav``, ``topicpath``, ``pankuzu`` ...) or that are ``hidden``. Block elements become
    line breaks (paragraph-level ones a blank line), table cells are separated by a space,
    ``<br>`` is a line break; line breaks of the source inside a paragraph become a space, or
    nothing between two Japanese characters. The text is not yet normalized.

    >>> html_to_text("<p>外国人<br>住民</p>".encode("utf-8"))[0]
    '外国人\\n住民'
    """
    text, encoding = _decode(data, path)
    soup = BeautifulSoup(text, "lxml")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    root = _main_element(soup)
    if root is None:
        return "", encoding, title
    _drop_boilerplate(root)
    return _render(root), encoding, title


def _decode(data: bytes, path: str | Path) -> tuple[str, str]:
    declared = declared_charset(data)
    if declared and not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        reject_binary(data, path)
        try:
            text = data.decode(declared)
        except UnicodeDecodeError:
            text = None
        if text is not None and plausibility(text[:65536]) >= MIN_PLAUSIBILITY:
            return check_controls(text, path), declared
    return decode_bytes(data, path)


def _main_element(soup: BeautifulSoup) -> Tag | None:
    mains = soup.find_all("main") or soup.find_all(attrs={"role": "main"}) or soup.find_all("article")
    if len(mains) == 1:
        return mains[0]
    if mains:
        wrapper = soup.new_tag("div")
        for element in mains:
            wrapper.append(element.extract())
        return wrapper
    return soup.body or soup


def _drop_boilerplate(root: Tag) -> None:
    for element in root.find_all(DROP_TAGS):
        element.decompose()
    for element in root.find_all(_is_boilerplate):
        element.decompose()
    for node in root.find_all(string=lambda s: isinstance(s, (Comment, Doctype, ProcessingInstruction))):
        node.extract()


def _is_boilerplate(tag: Tag) -> bool:
    if tag.attrs is None or tag.name in ("body", "html", "main", "article"):
        return False
    if tag.has_attr("hidden") or tag.get("aria-hidden") == "true" or tag.get("role") in _BOILERPLATE_ROLES:
        return True
    names = [*(tag.get("class") or []), *(str(tag.get("id") or "").split())]
    return any(_BOILERPLATE.match(name) for name in names)


def _render(root: Tag) -> str:
    for string in list(root.find_all(string=True)):
        if not string.find_parent("pre"):
            string.replace_with(_collapse(str(string)))
    for br in root.find_all("br"):
        br.replace_with(_LINE)
    for tag in root.find_all(True):
        sep = _SEPARATORS.get(tag.name, "")
        if sep:
            tag.insert_before(sep)
            tag.insert_after(sep)
    text = _CJK_WRAP.sub("", root.get_text("")).replace(_WRAP, " ")
    return _MARKER_RUN.sub(_break, text).strip()


# Markers (decoded text never holds NUL): _WRAP is a line break of the HTML source inside a
# paragraph (removed between two Japanese characters, else a space, also across inline tags:
# ``外国人\n<b>犯罪</b>``); block boundaries are _LINE/_PARA, and every run of them with the
# whitespace around becomes one line break, or a blank line if it holds a paragraph marker, so
# nested and adjacent blocks do not pile up blank lines.
_WRAP, _LINE, _PARA = "\x00W", "\x00L", "\x00P"
_MARKER_RUN = re.compile(r"[ \t]*(?:\x00[LP][\s]*)+")
_CJK_CLASS = "[\u3001-\u30ff\u3400-\u9fff\uf900-\ufaff\uff01-\uffef]"
_CJK_WRAP = re.compile(f"(?<={_CJK_CLASS}) ?\x00W ?(?={_CJK_CLASS})")


_SEPARATORS = {**{t: _PARA for t in PARAGRAPH_TAGS}, **{t: _LINE for t in LINE_TAGS}, **{t: " " for t in CELL_TAGS}}


def _break(m: re.Match[str]) -> str:
    return "\n\n" if _PARA in m.group() else "\n"


def _collapse(text: str) -> str:
    """Source whitespace: a run holding a line break becomes the _WRAP marker, others a space."""
    return re.sub(r"\s+", lambda m: _WRAP if "\n" in m.group() or "\r" in m.group() else " ", text)

