"""The self-contained HTML report (figures embedded as base64 PNG) and a Markdown summary.

Sections are added in order by the run stages; each holds text, tables and figures. Tables sort
and filter in the page, and every term in a term column opens its KWIC lines in a panel (the
script, the style and the lines are inline: :mod:`discourse.report.interactive`). The top key terms
also have a static KWIC block further down the page (``#kwic-<n>``), for print and for readers
without JavaScript.
"""
from __future__ import annotations

import base64
import functools
import html
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping

import numpy as np
import pandas as pd

from . import interactive

CSS = """
body{font-family:'ReportJa','IPAexGothic','Hiragino Sans','Noto Sans CJK JP','Yu Gothic',sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
h1{border-bottom:2px solid #444}h2{margin-top:2em;border-bottom:1px solid #bbb}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}
td:first-child,th:first-child{text-align:left}.note{color:#555;font-size:.9em}img{max-width:100%}
.kwic td{font-family:'ReportJa','IPAexGothic',monospace}.kwic .kw{color:#b2182b;font-weight:bold;text-align:center}.kwic .l{text-align:right}.kwic .r{text-align:left}
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
    #: terms -> {"n", "lines"} (``interactive.kwic_lines`` bound to the run's tokens); None: no KWIC panel
    kwic_lookup: Callable[[list[str]], Mapping[str, dict]] | None = None
    kwic_terms: dict[str, None] = field(default_factory=dict)  # terms outside tables that link (scatter points)

    def section(self, key: str, title: str) -> Section:
        s = Section(key, title)
        self.sections.append(s)
        return s

    def anchor(self, term: str) -> str:
        """The anchor id of ``term``'s KWIC block (created on first use)."""
        return self.kwic_anchors.setdefault(term, f"kwic-{len(self.kwic_anchors)}")

    def link_terms(self, terms: Iterable[str]) -> None:
        """Give ``terms`` (shown outside tables, e.g. as scatter points) KWIC lines in the page."""
        self.kwic_terms.update(dict.fromkeys(map(str, terms)))

    def kwic_data(self) -> dict[str, dict]:
        """KWIC lines of every term the page shows: term columns of the tables (embedded rows),
        linked terms and anchored terms, each looked up once."""
        if self.kwic_lookup is None:
            return {}
        terms = dict.fromkeys(t for s in self.sections for _, df in s.tables for t in interactive.table_terms(df))
        terms.update(self.kwic_terms)
        terms.update(dict.fromkeys(self.kwic_anchors))
        return dict(self.kwic_lookup(list(terms)))

    def write_html(self, path: Path) -> Path:
        self._used: set[str] = set()
        self._kwic = self.kwic_data()
        body = "\n".join(self._section_html(s) for s in self.sections)
        glossary = glossary_html(self._used)
        nav = " ".join(f'<a href="#{s.key}">{html.escape(s.title)}</a>' for s in self.sections)
        nav += ' <a href="#glossary">統計量の説明</a>' if glossary else ""
        body += "\n" + glossary
        data = interactive.kwic_json(self._kwic)
        font = embedded_font_css(self.title + self.subtitle + nav + body + json.dumps(self._kwic, ensure_ascii=False)
                                 + "\u25b2\u25bc\u2715")
        page = (f"<!DOCTYPE html><html lang='ja'><head><meta charset='utf-8'><title>{html.escape(self.title)}</title>"
                f"<style>{font}{CSS}{interactive.CSS}</style></head><body><h1>{html.escape(self.title)}</h1><p class='note'>{html.escape(self.subtitle)}</p>"
                f"<nav>{nav}</nav>{body}\n{interactive.PANEL}{data}{interactive.script_html()}</body></html>\n")
        path.write_text(page, encoding="utf-8")
        return path

    def _section_html(self, s: Section) -> str:
        parts = [f'<h2 id="{s.key}">{html.escape(s.title)}</h2>']
        parts += [f"<p>{html.escape(p)}</p>" for p in s.paragraphs]
        for caption, df in s.tables:
            parts.append(f"<h3>{html.escape(caption)}</h3>"
                         + table_html(df, self.kwic_anchors, used=getattr(self, "_used", None), kwic=getattr(self, "_kwic", None)))
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
    of ``text``, so the report's Japanese renders offline on machines without Japanese fonts. Inside
    a run the subset is reused from the figure cache when the same characters were embedded before."""
    from .figures import cached_bytes, font_path

    chars = "".join(sorted(set(text)))
    font = cached_bytes("font-subset", [chars, font_path()], lambda: _font_subset(chars))
    data = base64.b64encode(font).decode("ascii")
    return f"@font-face{{font-family:'ReportJa';src:url(data:font/ttf;base64,{data}) format('truetype');}}"


def _font_subset(chars: str) -> bytes:
    """IPAexGothic subset to ``chars`` (TrueType bytes, no timestamp: identical for identical input)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    from .figures import font_path

    font = TTFont(font_path(), recalcTimestamp=False)  # no save time: identical reports byte for byte
    options = subset.Options()
    options.name_IDs, options.notdef_outline, options.hinting = [], True, False
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


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
    """A table header cell (a click on it sorts the table); a statistic column has a ``?`` link to
    its explanation in the report's glossary."""
    anchor = column_anchor(str(column))
    text = html.escape(str(column))
    if anchor is None:
        return f"<th>{text}</th>"
    if used is not None:
        used.add(anchor)
    title = html.escape(statistics()["columns"][str(column)]["title"])
    return f'<th title="{title}">{text}<a class="stat" href="#{anchor}" title="{title}">?</a></th>'


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


def table_html(df: pd.DataFrame, anchors: dict[str, str] | None = None, max_rows: int = interactive.DISPLAY_ROWS,
               used: set[str] | None = None, *, kwic: Mapping[str, dict] | None = None,
               cap: int = interactive.TABLE_ROW_CAP) -> str:
    """An HTML table that sorts and filters in the page (``class="it"``).

    Parameters
    ----------
    df : the table.
    anchors : term -> id of its static KWIC block (the link target without JavaScript).
    max_rows : rows shown unless the reader filters (sorting sorts every embedded row and shows the
        first ``max_rows``); up to ``cap`` rows are embedded and searched by the filter (a note
        says when the table has more).
    used : collects the glossary anchors of the statistic columns.
    kwic : terms with KWIC lines in the page: their cells in term columns
        (``interactive.TERM_COLUMNS`` and ``TERM_LIST_COLUMNS``) open the lines on click.

    A numeric cell whose text is rounded carries its value in ``data-v`` (6 significant digits),
    which sorting uses.
    """
    anchors, kwic = anchors or {}, kwic or {}
    head = "".join(header_html(c, used) for c in df.columns)
    rows = []
    for row in df.head(cap).itertuples(index=False, name=None):
        cells = []
        for col, value in zip(df.columns, row):
            text = html.escape(_fmt(value))
            if col in interactive.TERM_COLUMNS and isinstance(value, str):
                text = _term_link(value, anchors, kwic)
            elif col in interactive.TERM_LIST_COLUMNS and isinstance(value, str):
                text = interactive.TERM_SEPARATOR.join(_term_link(t, anchors, kwic) for t in interactive.split_terms(value))
            cells.append(f"<td{_sort_value(value)}>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = (f"<p class='note'>The first {cap:,} of {len(df):,} rows are in the page (sorted and searched there); "
            "the run's tables/ folder has them all.</p>") if len(df) > cap else ""
    return (f"{more}<table class='it' data-display='{int(max_rows)}'><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def _term_link(term: str, anchors: Mapping[str, str], kwic: Mapping[str, dict]) -> str:
    """A term cell: a link opening its KWIC lines when it has some, else its static block, else text."""
    text = html.escape(term)
    if term in kwic:
        return f'<a class="term" href="#{anchors.get(term, "kwic")}" data-term="{html.escape(term, quote=True)}">{text}</a>'
    if term in anchors:
        return f'<a href="#{anchors[term]}">{text}</a>'
    return text


def _sort_value(value: object) -> str:
    """`` data-v="..."`` (6 significant digits) for a number whose cell text is less precise
    (``3.14159`` shown as ``3.14``, ``12,345.6`` as ``12,346``); sorting reads it."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (float, np.floating)) or not np.isfinite(value):
        return ""
    exact, text = f"{float(value):.6g}", _fmt(value)
    try:
        if abs(float(text) - float(value)) <= abs(float(exact) - float(value)):
            return ""
    except ValueError:            # thousands separators
        pass
    return f' data-v="{exact}"'


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
