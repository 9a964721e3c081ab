"""Text of a PDF (pdfminer.six): layout lines joined into paragraphs, headers/footers dropped.

Example
-------
>>> text, title = pdf_to_text("white-paper-2004.pdf")  # doctest: +SKIP
"""
from __future__ import annotations

import io
import math
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..errors import IngestError
from ..text import is_cjk

__all__ = ["pdf_to_text", "join_lines", "is_page_number", "PdfLine"]

_TERMINATORS = tuple("。．！？!?.」』)）")
_PAGE_NUMBER = re.compile(
    r"[-‐‑–—―−ー~〜－～\s]*(?:\d{1,4}|[ivxlcdm]{1,7})[-‐‑–—―−ー~〜－～\s]*"
    r"|\d{1,4}\s*/\s*\d{1,4}|(?:p\.?|page|ページ)\s*\d{1,4}|\d{1,4}\s*(?:頁|ページ)"
    r"|[(（]\s*\d{1,4}\s*[)）]|第\s*\d{1,4}\s*頁|[-‐―]?\s*\d{1,4}\s*of\s*\d{1,4}",
    re.I)
_CJK_SPACE = re.compile(r"(?<=[\u3001-\u30ff\u3400-\u9fff\uf900-\ufaff\uff01-\uffef]) +"
                        r"(?=[\u3001-\u30ff\u3400-\u9fff\uf900-\ufaff\uff01-\uffef])")
_EDGE_LINES = 2  # how many lines at the top and at the bottom of a page may be header/footer


@dataclass(frozen=True)
class PdfLine:
    """One layout line of a page: its text and bounding box (PDF points, y grows upwards)."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0


def is_page_number(line: str) -> bool:
    """True for page-number lines: ``3``, ``- 3 -``, ``―3―``, ``3/12``, ``p. 3``, ``iv``, ``(3)``.

    >>> is_page_number("- 12 -"), is_page_number("―３―"), is_page_number("第3章")
    (True, True, False)
    """
    return bool(_PAGE_NUMBER.fullmatch(line.strip()))


def pdf_to_text(path: str | Path) -> tuple[str, str]:
    """Extract the text of a PDF; return ``(text, title)`` (title from the document info).

    Lines are joined into paragraphs (:func:`join_lines`): two Japanese lines are joined with
    nothing, other lines with a space, ``migra-`` + ``tion`` → ``migration``. A paragraph ends
    at a vertical gap 1.5 times the document's usual line spacing, at a change of font size (a
    heading), at an indented line, after a short line that ends a sentence, and where the text
    jumps to a new column. A paragraph continues
    across a page break unless the page's last line ends a sentence. Lines that repeat at the
    top or bottom of most pages (headers, footers; digits ignored, so ``- 3 -`` and running
    heads with page numbers match) and page numbers at the top or bottom of a page are
    dropped. Spaces between two Japanese characters inside a line (justification artefacts)
    are removed. Vertical (tategaki) text is not supported.

    Owner-password restrictions (no copying) are ignored, as by pdfminer's ``extract_text``.

    Raises
    ------
    IngestError : password-protected or damaged PDFs, PDFs without extractable text (scans: run OCR),
        fonts without a Unicode mapping (``(cid:123)`` output).
    """
    pages, title = _read_pages(Path(path))
    pages = drop_headers_footers(pages)
    text = _paragraphs(pages)
    _check_extracted(text, path)
    return text, title


def _read_pages(path: Path) -> tuple[list[list[PdfLine]], str]:
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException

    try:
        return _layout(path)
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise IngestError(f"{path}: the PDF is encrypted with a password: save an unencrypted copy "
                          "(print to PDF) and list that") from None
    except (PDFSyntaxError, PSException) as exc:
        raise IngestError(f"{path}: not a readable PDF ({type(exc).__name__}: {exc}): re-export the file "
                          "as PDF or save its text as UTF-8 .txt") from None
    except Exception as exc:  # pdfminer fails in many ways on damaged fonts and streams
        raise IngestError(f"{path}: pdfminer could not read the PDF ({type(exc).__name__}: {exc}): re-export "
                          "the file as PDF or save its text as UTF-8 .txt") from exc


def _layout(path: Path) -> tuple[list[list[PdfLine]], str]:
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    with path.open("rb") as fh:
        document = PDFDocument(PDFParser(io.BytesIO(fh.read())))
    # Copy-protection flags (common on government PDFs) are advisory; like pdfminer's own
    # extract_text, they are not enforced here.
    manager = PDFResourceManager()
    device = PDFPageAggregator(manager, laparams=LAParams())
    interpreter = PDFPageInterpreter(manager, device)
    pages = []
    for page in PDFPage.create_pages(document):
        interpreter.process_page(page)
        pages.append(_lines(device.get_result()))
    return pages, _title(document)


def _lines(layout: object) -> list[PdfLine]:
    from pdfminer.layout import LTTextContainer, LTTextLine

    out = []
    for box in layout:
        if not isinstance(box, LTTextContainer):
            continue
        for line in (box if not isinstance(box, LTTextLine) else [box]):
            if isinstance(line, LTTextLine):
                text = _CJK_SPACE.sub("", line.get_text().rstrip("\n").rstrip())
                if text.strip():
                    out.append(PdfLine(text, line.x0, line.y0, line.x1, line.y1))
    return out


def _title(document: object) -> str:
    from pdfminer.pdftypes import resolve1
    from pdfminer.utils import decode_text

    for info in getattr(document, "info", []):
        value = resolve1(info.get("Title")) if isinstance(info, dict) else None
        title = decode_text(value) if isinstance(value, bytes) else value if isinstance(value, str) else ""
        title = re.sub(r"^Microsoft (?:Word|PowerPoint|Excel) - ", "", title.strip())
        if title and title.lower() not in _PLACEHOLDER_TITLES:
            return title
    return ""


_PLACEHOLDER_TITLES = ("untitled", "untitled document", "no title", "title", "無題", "(anonymous)")


def drop_headers_footers(pages: list[list[PdfLine]]) -> list[list[PdfLine]]:
    """Remove running headers/footers and page numbers from the top/bottom lines of each page.

    A line is a header/footer when its text, with digits masked, is among the top or bottom
    ``2`` lines of more than half of the pages (and of at least 2 pages).
    """
    edges = [_edge_indices(lines) for lines in pages]
    counts = Counter(key for lines, idx in zip(pages, edges) for key in {_key(lines[i].text) for i in idx})
    needed = max(2, math.floor(len(pages) / 2) + 1)
    repeated = {key for key, n in counts.items() if n >= needed}
    out = []
    for lines, idx in zip(pages, edges):
        drop = {i for i in idx if _key(lines[i].text) in repeated or is_page_number(lines[i].text)}
        out.append([line for i, line in enumerate(lines) if i not in drop])
    return out


def _edge_indices(lines: list[PdfLine]) -> set[int]:
    order = sorted(range(len(lines)), key=lambda i: -lines[i].y1)
    return set(order[:_EDGE_LINES]) | set(order[-_EDGE_LINES:])


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def join_lines(a: str, b: str) -> str:
    """Join two layout lines of one paragraph.

    >>> join_lines("来日外国人犯罪の", "検挙件数")
    '来日外国人犯罪の検挙件数'
    >>> join_lines("the migra-", "tion of workers"), join_lines("human", "rights")
    ('the migration of workers', 'human rights')
    """
    a, b = a.rstrip(), b.lstrip()
    if not a or not b:
        return a + b
    if re.search(r"[a-z]-$", a) and b[0].islower():
        return a[:-1] + b
    if is_cjk(a[-1]) or is_cjk(b[0]):
        return a + b
    return f"{a} {b}"


def _paragraphs(pages: list[list[PdfLine]]) -> str:
    paragraphs: list[str] = []
    current = ""
    previous: PdfLine | None = None
    typical_gap = _typical_gap(pages)
    for lines in pages:
        m = _page_metrics(lines, typical_gap)
        for i, line in enumerate(lines):
            if previous is not None and _breaks(previous, line, m, new_page=i == 0):
                paragraphs.append(current)
                current = ""
            current = join_lines(current, line.text) if current else line.text.strip()
            previous = line
    paragraphs.append(current)
    return "\n\n".join(p for p in paragraphs if p.strip())


def _typical_gap(pages: list[list[PdfLine]]) -> float:
    """Median vertical gap between consecutive lines of the whole document (line spacing)."""
    gaps = [a.y0 - b.y1 for lines in pages for a, b in zip(lines, lines[1:])
            if 0 <= a.y0 - b.y1 < 2 * a.height and abs(a.height - b.height) < 0.15 * a.height]
    return statistics.median(gaps) if gaps else 0.0


def _page_metrics(lines: list[PdfLine], typical_gap: float) -> dict[str, float]:
    if not lines:
        return {"height": 10.0, "gap": typical_gap, "left": 0.0, "right": 0.0}
    height = statistics.median(line.height for line in lines)
    return {"height": height, "gap": typical_gap or 0.5 * height,
            "left": min(line.x0 for line in lines), "right": max(line.x1 for line in lines)}


def _breaks(a: PdfLine, b: PdfLine, m: dict[str, float], new_page: bool) -> bool:
    """Does a paragraph end between line ``a`` and the next line ``b``?"""
    ends_sentence = a.text.rstrip().endswith(_TERMINATORS)
    indented = b.x0 > m["left"] + 0.8 * m["height"] or b.text[:1] in (" ", "\u3000")
    if new_page:
        return ends_sentence or indented
    if abs(a.height - b.height) > 0.15 * max(a.height, b.height):  # a heading: another font size
        return True
    gap = a.y0 - b.y1
    if gap < -0.5 * m["height"] or gap > max(0.3 * m["height"], 1.5 * m["gap"]):
        return True
    short = a.x1 < m["right"] - 2 * m["height"]
    return indented or (short and ends_sentence)


def _check_extracted(text: str, path: str | Path) -> None:
    if not text.strip():
        raise IngestError(f"{path}: no extractable text (a scanned or image-only PDF?): run OCR "
                          "(e.g. ocrmypdf) and list the OCR'd PDF or a .txt export instead")
    unmapped = len(re.findall(r"\(cid:\d+\)", text))
    if unmapped > max(5, len(text) // 50):
        raise IngestError(f"{path}: {unmapped} glyphs have no Unicode mapping ((cid:N) in the output): "
                          "the fonts are not extractable; export the text another way or run OCR")
