"""Reading source files (plain text in any common encoding, HTML, PDF) into normalized text.

``read_source(path)`` reads one file; :func:`discourse.load.import_folder` builds a corpus from
a folder of files described by ``metadata.csv`` with it.

Example
-------
>>> from discourse.ingest import read_source
>>> src = read_source("corpora/demo/npa-2004.txt")  # doctest: +SKIP
>>> src.encoding, src.format  # doctest: +SKIP
('cp932', 'text')
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import IngestError
from ..text import normalize
from .html import html_to_text, looks_like_html
from .text import decode_bytes, sniff_binary

if TYPE_CHECKING:
    from ..corpus import Corpus

__all__ = ["Source", "read_source", "FORMATS", "TEXT_SUFFIXES", "HTML_SUFFIXES", "PDF_SUFFIXES"]

FORMATS = ("text", "html", "pdf")
TEXT_SUFFIXES = (".txt", ".md", ".text", ".markdown")
HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
PDF_SUFFIXES = (".pdf",)
SOURCE_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + PDF_SUFFIXES


@dataclass(frozen=True)
class Source:
    """The normalized text of one source file.

    Attributes
    ----------
    text : the text after :func:`discourse.text.normalize`.
    encoding : the encoding used to decode it (``utf-8``, ``utf-8-sig``, ``utf-16-le``,
        ``cp932``, ``euc_jp`` ...); ``"pdf"`` for PDFs (text comes from the fonts).
    format : ``"text"``, ``"html"`` or ``"pdf"``.
    title : the HTML ``<title>``, the PDF's document title, the first heading of a Markdown
        file or the first line of a text file when it is short and not a sentence; else ``""``.
    """

    text: str
    encoding: str
    format: str
    title: str = ""


def read_source(path: str | Path) -> Source:
    """Read one source file into a :class:`Source` (normalized text + how it was read).

    The format comes from the content when it is unambiguous (``%PDF-`` → PDF) and otherwise
    from the extension (``.txt .md`` → text, ``.html .htm`` → HTML, ``.pdf`` → PDF); files with
    another extension are sniffed (``<html``/``<!doctype html`` → HTML, else text).

    Raises
    ------
    IngestError : missing file, binary file, undecodable text, unreadable PDF; the message
        names the file and the fix.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = p.write_bytes("治安対策\\n来日外国人犯罪は増加した。".encode("cp932"))
    >>> read_source(p)
    Source(text='治安対策\\n来日外国人犯罪は増加した。', encoding='cp932', format='text', title='治安対策')
    """
    path = Path(path)
    data = _read_bytes(path)
    fmt = _format(path, data)
    if fmt == "pdf":
        from .pdf import pdf_to_text

        text, title = pdf_to_text(path)
        return Source(normalize(text), "pdf", "pdf", normalize(title))
    if fmt == "html":
        text, encoding, title = html_to_text(data, path)
        return Source(normalize(text), encoding, "html", normalize(title))
    text, encoding = decode_bytes(data, path)
    text = normalize(text)
    return Source(text, encoding, "text", _text_title(text, markdown=path.suffix.lower() in (".md", ".markdown")))


def _read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise IngestError(f"{path}: no such file: check the name in metadata.csv (case and extension)")
    if path.is_dir():
        raise IngestError(f"{path}: is a folder, not a file: name a source file")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise IngestError(f"{path}: cannot be read ({exc.strerror or exc}): check its permissions") from None


def _format(path: Path, data: bytes) -> str:
    suffix = path.suffix.lower()
    if data.lstrip()[:5] == b"%PDF-":
        return "pdf"
    if suffix in PDF_SUFFIXES:
        what = sniff_binary(data) or "not a PDF (no %PDF- header)"
        raise IngestError(f"{path}: has a .pdf extension but is {what}: export it again as PDF")
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in TEXT_SUFFIXES:
        return "text"
    return "html" if looks_like_html(data) else "text"


_SENTENCE_END = ("。", ".", "!", "?", "！", "？", "、", ",", ":", "：")


def _text_title(text: str, *, markdown: bool) -> str:
    """First Markdown heading, or the first line when it is short and not a sentence."""
    if markdown:
        m = re.search(r"^#{1,6}\s+(.+?)\s*#*$", text, re.M)
        if m:
            return m.group(1)
    first = text.split("\n", 1)[0].strip()
    if 0 < len(first) <= 60 and not first.endswith(_SENTENCE_END) and "\n" in text:
        return first.lstrip("# ").strip()
    return ""

