"""The self-contained HTML report (figures embedded as base64 PNG) and a Markdown summary.

Sections are added in order by the run stages; each holds text, tables and figures. Key terms in
keyness and collocation tables link to their KWIC lines further down the page (``#kwic-<n>``).
"""
from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

CSS = """
body{font-family:'ReportJa','IPAexGothic','Hiragino Sans','Noto Sans CJK JP','Yu Gothic',sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
h1{border-bottom:2px solid #444}h2{margin-top:2em;border-bottom:1px solid #bbb}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}
td:first-child,th:first-child{text-align:left}.note{color:#555;font-size:.9em}img{max-width:100%}
.kwic td{font-family:monospace}.kwic .kw{color:#b2182b;font-weight:bold;text-align:center}.kwic .l{text-align:right}.kwic .r{text-align:left}
nav a{margin-right:1em}
"""


@dataclass
class Section:
    """One report section: a title, paragraphs, tables (DataFrames) and figure files."""

    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    figures: list[tuple[str, Path]] = field(default_factory=list)
    raw_html: list[str] = field(default_factory=list)


@dataclass
class Report:
    """Collects sections; :meth:`write_html` and :meth:`write_markdown` render them."""

    title: str
    subtitle: str = ""
    sections: list[Section] = field(default_factory=list)
    kwic_anchors: dict[str, str] = field(default_factory=dict)
    colors: dict[str, str] = field(default_factory=dict)       # group label -> figure colour
    warnings: list[str] = field(default_factory=list)          # e.g. characters drawn as 〓 in figures

    def section(self, key: str, title: str) -> Section:
        s = Section(key, title)
        self.sections.append(s)
        return s

    def anchor(self, term: str) -> str:
        """The anchor id of ``term``'s KWIC block (created on first use)."""
        return self.kwic_anchors.setdefault(term, f"kwic-{len(self.kwic_anchors)}")

    def write_html(self, path: Path) -> Path:
        nav = " ".join(f'<a href="#{s.key}">{html.escape(s.title)}</a>' for s in self.sections)
        body = "\n".join(self._section_html(s) for s in self.sections)
        font = embedded_font_css(self.title + self.subtitle + nav + body)
        page = (f"<!DOCTYPE html><html lang='ja'><head><meta charset='utf-8'><title>{html.escape(self.title)}</title>"
                f"<style>{font}{CSS}</style></head><body><h1>{html.escape(self.title)}</h1><p class='note'>{html.escape(self.subtitle)}</p>"
                f"<nav>{nav}</nav>{body}</body></html>\n")
        path.write_text(page, encoding="utf-8")
        return path

    def _section_html(self, s: Section) -> str:
        parts = [f'<h2 id="{s.key}">{html.escape(s.title)}</h2>']
        parts += [f"<p>{html.escape(p)}</p>" for p in s.paragraphs]
        for caption, df in s.tables:
            parts.append(f"<h3>{html.escape(caption)}</h3>{table_html(df, self.kwic_anchors)}")
        for caption, png in s.figures:
            data = base64.b64encode(Path(png).read_bytes()).decode("ascii")
            parts.append(f"<figure><img alt='{html.escape(caption)}' src='data:image/png;base64,{data}'>"
                         f"<figcaption>{html.escape(caption)}</figcaption></figure>")
        parts += s.raw_html
        return "\n".join(parts)

    def write_markdown(self, path: Path) -> Path:
        lines = [f"# {self.title}", "", self.subtitle, ""]
        for s in self.sections:
            lines += [f"## {s.title}", ""] + [p + "\n" for p in s.paragraphs]
            for caption, df in s.tables:
                lines += [f"### {caption}", "", markdown_table(df.head(15)), ""]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path


def embedded_font_css(text: str) -> str:
    """An ``@font-face`` rule carrying IPAexGothic (from matplotlib-fontja) subset to the characters
    of ``text``, so the report's Japanese renders offline on machines without Japanese fonts."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    from .figures import font_path

    font = TTFont(font_path(), recalcTimestamp=False)  # no save time: identical reports byte for byte
    options = subset.Options()
    options.name_IDs, options.notdef_outline, options.hinting = [], True, False
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f"@font-face{{font-family:'ReportJa';src:url(data:font/ttf;base64,{data}) format('truetype');}}"


def _fmt(value: object) -> str:
    """Cell text: integers as integers, other numbers to 3 significant digits, missing as blank."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        if not np.isfinite(value):
            return ""
        if float(value).is_integer() and abs(value) < 1e7:
            return str(int(value))
        return f"{value:.3g}" if abs(value) < 1e4 else f"{value:,.0f}"
    return "" if value is None or value is pd.NA else str(value)


def table_html(df: pd.DataFrame, anchors: dict[str, str] | None = None, max_rows: int = 30) -> str:
    """An HTML table; cells in a ``term``/``collocate`` column link to KWIC anchors when known."""
    anchors = anchors or {}
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    rows = []
    for _, row in df.head(max_rows).iterrows():
        cells = []
        for col, value in row.items():
            text = html.escape(_fmt(value))
            if col in ("term", "collocate") and str(value) in anchors:
                text = f'<a href="#{anchors[str(value)]}">{text}</a>'
            cells.append(f"<td>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def kwic_html(term: str, anchor: str, rows: pd.DataFrame, max_rows: int = 12) -> str:
    """A KWIC block for ``term`` with the anchor that tables link to."""
    lines = "".join(
        f"<tr><td>{html.escape(str(r.doc_id))}</td><td class='l'>{html.escape(str(r.left))}</td>"
        f"<td class='kw'>{html.escape(str(r.keyword))}</td><td class='r'>{html.escape(str(r.right))}</td></tr>"
        for r in rows.head(max_rows).itertuples())
    return f"<h4 id='{anchor}'>KWIC: {html.escape(term)} ({len(rows)} lines)</h4><table class='kwic'>{lines}</table>"


def markdown_table(df: pd.DataFrame) -> str:
    """A GitHub-flavoured Markdown table."""
    cols = [str(c) for c in df.columns]
    out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    out += ["| " + " | ".join(_fmt(v).replace("|", "\\|") for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join(out)


def paragraphs(items: Iterable[str]) -> list[str]:
    return [i for i in items if i]
