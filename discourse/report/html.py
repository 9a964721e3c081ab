"""The self-contained HTML report (figures embedded as base64 PNG) and a Markdown summary.

Sections are added in order by the run stages; each holds text, tables and figures. Key terms in
keyness and collocation tables link to their KWIC lines further down the page (``#kwic-<n>``).
"""
from __future__ import annotations

import base64
import functools
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
        self._used: set[str] = set()
        body = "\n".join(self._section_html(s) for s in self.sections)
        glossary = glossary_html(self._used)
        nav = " ".join(f'<a href="#{s.key}">{html.escape(s.title)}</a>' for s in self.sections)
        nav += ' <a href="#glossary">統計量の説明</a>' if glossary else ""
        body += "\n" + glossary
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
            parts.append(f"<h3>{html.escape(caption)}</h3>{table_html(df, self.kwic_anchors, used=getattr(self, '_used', None))}")
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


@functools.lru_cache(maxsize=1)
def statistics() -> dict:
    """``discourse/report/statistics.toml``: statistic columns -> explanation anchors, and the
    explanations (shared with the documentation site's statistics pages)."""
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    return tomllib.loads((Path(__file__).with_name("statistics.toml")).read_text(encoding="utf-8"))


def column_anchor(column: str) -> str | None:
    """The glossary anchor of a statistic column (``G2`` -> ``stat-g2``), or None."""
    entry = statistics()["columns"].get(str(column))
    return f"stat-{entry['anchor']}" if entry else None


def header_html(column: object, used: set[str] | None = None) -> str:
    """A table header cell; a statistic column links to its explanation in the report's glossary."""
    anchor = column_anchor(str(column))
    text = html.escape(str(column))
    if anchor is None:
        return f"<th>{text}</th>"
    if used is not None:
        used.add(anchor)
    title = html.escape(statistics()["columns"][str(column)]["title"])
    return f'<th><a class="stat" href="#{anchor}" title="{title}">{text}</a></th>'


def glossary_html(used: set[str]) -> str:
    """The explanations of the statistics the report's tables show (what, how to read, pitfall)."""
    if not used:
        return ""
    explain, titles = statistics()["explain"], {}
    for entry in statistics()["columns"].values():
        titles.setdefault(entry["anchor"], entry["title"])
    parts = ['<h2 id="glossary">統計量の説明 (statistics explained)</h2>']
    for anchor in sorted(used):
        key = anchor.removeprefix("stat-")
        e = explain[key]
        parts.append(f'<h3 id="{anchor}">{html.escape(titles[key])}</h3><p>{html.escape(e["what"])}</p>'
                     f'<p><b>How to read it:</b> {html.escape(e["read"])}</p><p><b>Pitfall:</b> {html.escape(e["pitfall"])}</p>')
    return "\n".join(parts)


def table_html(df: pd.DataFrame, anchors: dict[str, str] | None = None, max_rows: int = 30,
               used: set[str] | None = None) -> str:
    """An HTML table; cells in a ``term``/``collocate`` column link to KWIC anchors when known, and
    statistic column headers to their explanation (collected in ``used``)."""
    anchors = anchors or {}
    head = "".join(header_html(c, used) for c in df.columns)
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


def replace_between_markers(path: str | Path, name: str, text: str) -> Path:
    """Rewrite the text between ``<!-- name:start -->`` and ``<!-- name:end -->`` lines of a Markdown
    file (a datasheet's computed tables); the rest of the file is kept as it is."""
    import re

    path = Path(path)
    pattern = rf"(<!-- {re.escape(name)}:start -->\n)(?:.*?\n)?(<!-- {re.escape(name)}:end -->)"   # empty or filled
    body = path.read_text(encoding="utf-8")
    if not re.search(pattern, body, flags=re.S):
        raise ValueError(f"{path}: no <!-- {name}:start --> ... <!-- {name}:end --> lines to replace")
    path.write_text(re.sub(pattern, lambda m: m.group(1) + text + "\n" + m.group(2), body, count=1, flags=re.S),
                    encoding="utf-8")
    return path
