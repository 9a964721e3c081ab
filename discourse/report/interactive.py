"""The interactive parts of the HTML report: sortable and filterable tables, KWIC lines on click,
and a two-group term scatter in the style of scattertext (Kessler 2017), all inline.

The report stays one offline file: the script and the style below are plain strings written into
the page (no external file, no CDN), the KWIC lines travel as one JSON block, and the scatter is
SVG drawn here in Python, so its Japanese labels use the report's embedded font.

* Tables: a click on a column header sorts the rows (numerically when every cell of the column is
  a number, negatives and exponents included; a second click reverses); a text box above each
  table keeps the rows containing the typed text and shows "n of N rows". At most
  :data:`TABLE_ROW_CAP` rows of a table are embedded; the first ``display`` rows are shown until
  the reader filters (sorting reorders every embedded row and shows the first ``display`` of the
  new order), and the filter searches every embedded row.
* KWIC: every term shown in a term column (:data:`TERM_COLUMNS`, or the ``・``-joined term lists of
  :data:`TERM_LIST_COLUMNS`) and every point of the scatter opens a panel with the term's
  concordance lines (at most :data:`KWIC_LINES_PER_TERM`, in document order, from the JSON block).
* Scatter: :func:`term_scatter_svg`.

References
----------
Kessler, J. S. (2017). Scattertext: a browser-based tool for visualizing how corpora differ.
Proceedings of ACL 2017, System Demonstrations, 85-90.
"""
from __future__ import annotations

import html
import json
import math
import re
from typing import TYPE_CHECKING, Iterable, Literal, Mapping, Sequence

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from ..tokens import Tokens

#: rows of one table embedded in the page (the filter searches all of them; the CSV has the rest)
TABLE_ROW_CAP = 500
#: rows shown unless the reader filters (the first ones in the current order)
DISPLAY_ROWS = 30
#: concordance lines embedded per term, tokens of context on each side, and at most this many
#: characters of each side (the nearest ones) in the page
KWIC_LINES_PER_TERM = 6
KWIC_WINDOW = 5
KWIC_CONTEXT_CHARS = 20
#: columns whose cells are one term each, and columns whose text cells list terms joined by ``・``
TERM_COLUMNS = ("term", "collocate")
TERM_LIST_COLUMNS = ("prob", "frex", "lift", "terms")
TERM_SEPARATOR = "・"
#: the scatter: at most this many points, labels for this many key terms per group
SCATTER_MAX_POINTS = 300
SCATTER_LABELS = 10

CSS = """
table.it thead th{cursor:pointer;user-select:none;white-space:nowrap}
table.it th[aria-sort=ascending]::after{content:" \\25B2";font-size:.7em}
table.it th[aria-sort=descending]::after{content:" \\25BC";font-size:.7em}
th a.stat{font-size:.75em;margin-left:.25em;text-decoration:none}
.tctl{font-size:.85em;margin:.3em 0}.tctl input{width:16em;margin-right:.6em}.tctl .count{color:#555}
a.term{color:#08519c;text-decoration:none;border-bottom:1px dotted #08519c;cursor:pointer}
#kwic-panel{position:fixed;left:0;right:0;bottom:0;max-height:45vh;overflow:auto;background:#fff;
border-top:2px solid #444;box-shadow:0 -2px 8px rgba(0,0,0,.2);padding:.4em 1em;z-index:10}
#kwic-panel h4{margin:.2em 0}#kwic-panel button{float:right}
svg.scatter .pt{cursor:pointer;stroke:#fff;stroke-width:.5}svg.scatter .pt:hover{stroke:#000;stroke-width:1.5}
#tip{position:absolute;background:#fffff4;border:1px solid #888;padding:2px 6px;font-size:.8em;white-space:pre;
pointer-events:none;z-index:20}
svg.scatter text{font-size:11px}svg.scatter .lbl{cursor:pointer;paint-order:stroke;stroke:#fff;stroke-width:3px}svg.scatter .axis{stroke:#888}
"""

JS = r"""
(function(){
'use strict';
var KWIC = JSON.parse(document.getElementById('kwic-data').textContent || '{}');
function cellValue(td){var v = td.getAttribute('data-v'); return v === null ? td.textContent.trim() : v;}
function isNumber(s){return s !== '' && isFinite(Number(s));}
function setupTable(t){
  var body = t.tBodies[0]; if(!body) return;
  var rows = Array.prototype.slice.call(body.rows), limit = Number(t.getAttribute('data-display')) || rows.length;
  var box = document.createElement('div'), input = document.createElement('input'), count = document.createElement('span');
  box.className = 'tctl'; input.type = 'search'; input.placeholder = 'filter rows'; count.className = 'count';
  box.appendChild(input); box.appendChild(count); t.parentNode.insertBefore(box, t);
  function show(){
    var q = input.value.trim().toLowerCase(), matching = 0, shown = 0;
    rows.forEach(function(r){
      var hit = !q || r.textContent.toLowerCase().indexOf(q) >= 0;
      if(hit) matching++;
      var visible = hit && (q !== '' || shown < limit);
      if(visible) shown++;
      r.hidden = !visible;
    });
    count.textContent = q ? matching + ' of ' + rows.length + ' rows'
      : (shown < rows.length ? shown + ' of ' + rows.length + ' rows shown (type to search them all)' : rows.length + ' rows');
  }
  Array.prototype.forEach.call(t.tHead.rows[0].cells, function(th, i){
    th.tabIndex = 0;                                                   /* reachable and sortable from the keyboard */
    th.addEventListener('keydown', function(e){
      if((e.key === 'Enter' || e.key === ' ') && e.target === th){ e.preventDefault(); th.click(); }
    });
    th.addEventListener('click', function(e){
      if(e.target.closest('a')) return;
      var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
      Array.prototype.forEach.call(t.tHead.rows[0].cells, function(c){c.removeAttribute('aria-sort');});
      th.setAttribute('aria-sort', dir > 0 ? 'ascending' : 'descending');
      var keys = new Map(rows.map(function(r){return [r, cellValue(r.cells[i])];}));
      var numeric = rows.every(function(r){var k = keys.get(r); return k === '' || isNumber(k);});
      rows.sort(function(a, b){
        var x = keys.get(a), y = keys.get(b);
        if(x === '' || y === '') return (x === '') - (y === '');      /* blanks last either way */
        return dir * (numeric ? Number(x) - Number(y) : x.localeCompare(y, 'ja'));
      });
      rows.forEach(function(r){body.appendChild(r);});
      show();
    });
  });
  input.addEventListener('input', show);
  show();
}
function showKwic(term){
  var entry = KWIC[term], panel = document.getElementById('kwic-panel');
  if(!entry || !panel) return;
  panel.querySelector('.t').textContent = term;
  panel.querySelector('.n').textContent = entry.n + ' lines' + (entry.n > entry.lines.length ? ', first ' + entry.lines.length + ' shown' : '');
  var tbody = panel.querySelector('tbody');
  while(tbody.firstChild) tbody.removeChild(tbody.firstChild);
  entry.lines.forEach(function(line){
    var tr = document.createElement('tr');
    ['doc', 'l', 'kw', 'r'].forEach(function(cls, j){
      var td = document.createElement('td'); td.className = cls; td.textContent = line[j]; tr.appendChild(td);
    });
    tbody.appendChild(tr);
  });
  panel.hidden = false;
}
document.addEventListener('click', function(e){
  var el = e.target.closest ? e.target.closest('[data-term]') : null;
  if(el && KWIC[el.getAttribute('data-term')]){ e.preventDefault(); showKwic(el.getAttribute('data-term')); }
});
document.addEventListener('keydown', function(e){ if(e.key === 'Escape'){ var p = document.getElementById('kwic-panel'); if(p) p.hidden = true; } });
var close = document.querySelector('#kwic-panel button');
if(close) close.addEventListener('click', function(){ document.getElementById('kwic-panel').hidden = true; });
Array.prototype.forEach.call(document.querySelectorAll('table.it'), setupTable);
/* tooltips drawn in the page (its embedded font), not by the system: the <title> moves to data-tip */
var tip = document.createElement('div'); tip.id = 'tip'; tip.hidden = true; document.body.appendChild(tip);
Array.prototype.forEach.call(document.querySelectorAll('svg.scatter .pt'), function(c){
  var t = c.querySelector('title'); if(t){ c.setAttribute('data-tip', t.textContent); c.removeChild(t); }
});
document.addEventListener('mouseover', function(e){
  var el = e.target.closest ? e.target.closest('[data-tip]') : null;
  if(!el){ tip.hidden = true; return; }
  var r = el.getBoundingClientRect();
  tip.textContent = el.getAttribute('data-tip'); tip.hidden = false;
  tip.style.left = (r.right + window.scrollX + 8) + 'px'; tip.style.top = (r.top + window.scrollY - 4) + 'px';
});
})();
"""

PANEL = ("<aside id='kwic-panel' hidden><button type='button' title='close (Esc)'>&#x2715;</button>"
         "<h4>KWIC: <span class='t'></span> <span class='n note'></span></h4>"
         "<table class='kwic'><tbody></tbody></table></aside>")


# --- terms and their KWIC lines -----------------------------------------------------------------
def table_terms(df: pd.DataFrame, *, cap: int = TABLE_ROW_CAP) -> list[str]:
    """The distinct terms a table shows (embedded rows only), in order of appearance.

    >>> table_terms(pd.DataFrame({"term": ["外国人", "犯罪", "外国人"], "G2": [3.0, 2.0, 1.0]}))
    ['外国人', '犯罪']
    """
    found: dict[str, None] = {}
    head = df.head(cap)
    for col in head.columns:
        if col in TERM_COLUMNS:
            found.update((str(v), None) for v in head[col] if isinstance(v, str) and v)
        elif col in TERM_LIST_COLUMNS:
            found.update((t, None) for v in head[col] if isinstance(v, str) for t in split_terms(v))
    return list(found)


def split_terms(text: str) -> list[str]:
    """The terms of a ``・``-joined list (a topic's top terms): ``"犯罪・治安"`` -> ``["犯罪", "治安"]``."""
    return [t for t in text.split(TERM_SEPARATOR) if t]


def kwic_lines(tokens: "Tokens", terms: Iterable[str], *, window: int = KWIC_WINDOW,
               max_lines: int = KWIC_LINES_PER_TERM, max_chars: int = KWIC_CONTEXT_CHARS,
               group: str | None = None) -> dict[str, dict]:
    """Concordance lines of many terms in one pass over the tokens.

    Parameters
    ----------
    tokens : the run's tokens.
    terms : exact terms (a term with spaces is a phrase and is looked up with
        :func:`discourse.metrics.kwic`); terms that never occur are left out.
    window : tokens of context on each side.
    max_lines : lines kept per term (the first ones in document order).
    max_chars : characters kept of each side's context (the nearest to the keyword).
    group : a docvar whose value is shown after the document id (``"side"``), or None.

    Returns
    -------
    dict term -> ``{"n": number of matches, "lines": [[doc, left, keyword, right], ...]}``, the
    lines the first ``max_lines`` rows of ``kwic(tokens, term, window=window,
    valuetype="fixed")``, their ``left`` cut to its last and ``right`` to its first ``max_chars``
    characters (line breaks shown as spaces).
    """
    from ..metrics.kwic import _rows, kwic

    terms = list(dict.fromkeys(str(t) for t in terms))
    index = tokens.vocab_index
    single = {t: index[t] for t in terms if " " not in t and t in index}
    ids = np.asarray(tokens.ids)
    wanted = np.fromiter(single.values(), dtype=np.int64, count=len(single))
    positions = np.flatnonzero(np.isin(ids, wanted)) if len(wanted) else np.array([], dtype=np.int64)
    order = np.argsort(ids[positions], kind="stable")                 # by term id, document order within
    by_id = np.split(positions[order], np.flatnonzero(np.diff(ids[positions][order])) + 1) if len(positions) else []
    found = {int(ids[p[0]]): p for p in by_id if len(p)}
    counts = {t: len(found[i]) for t, i in single.items() if i in found}
    first = [found[single[t]][:max_lines] for t in counts]
    hits = pd.DataFrame({"first": np.concatenate(first) if first else np.array([], dtype=np.int64)})
    hits["last"] = hits["first"]
    hits["pattern"] = np.repeat(np.array(list(counts), dtype=object), [len(f) for f in first])
    out: dict[str, dict] = {t: {"n": int(n), "lines": []} for t, n in counts.items()}
    for term, line in zip(hits["pattern"], _line_lists(_rows(tokens, hits, window), group, max_chars)):
        out[term]["lines"].append(line)                              # one pass over the corpus for every term
    for term in (t for t in terms if " " in t):
        frame = kwic(tokens, term, window=window, valuetype="fixed")
        if len(frame):
            out[term] = {"n": int(len(frame)), "lines": _line_lists(frame.head(max_lines), group, max_chars)}
    return {t: out[t] for t in terms if t in out}


def _line_lists(frame: pd.DataFrame, group: str | None, max_chars: int) -> list[list[str]]:
    docs = frame["doc_id"].astype(str)
    if group is not None and group in frame.columns:
        docs = docs + " (" + frame[group].astype(str) + ")"
    return [[d, clip_context(l, "left", max_chars), str(k), clip_context(r, "right", max_chars)]
            for d, l, k, r in zip(docs, frame["left"], frame["keyword"], frame["right"])]


def clip_context(text: str, side: Literal["left", "right"], max_chars: int = KWIC_CONTEXT_CHARS) -> str:
    """The ``max_chars`` characters of a KWIC context nearest the keyword, line breaks as spaces.

    >>> clip_context("警察の数字でも、刑法犯", "left", 4), clip_context("で検挙\\nされる", "right", 4)
    ('、刑法犯', 'で検挙 ')
    """
    text = re.sub(r"\r\n|[\r\n]", " ", str(text))
    return text[-max_chars:] if side == "left" else text[:max_chars]


def kwic_json(data: Mapping[str, dict]) -> str:
    """The KWIC lines as a JSON ``<script>`` block (every ``<`` escaped, so no text can end it)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    return f"<script type='application/json' id='kwic-data'>{text}</script>"


def script_html() -> str:
    """The page's script (after the content it works on)."""
    return f"<script>{JS}</script>"


# --- the scatter --------------------------------------------------------------------------------
def select_points(df: pd.DataFrame, *, stat: str, max_points: int = SCATTER_MAX_POINTS) -> pd.DataFrame:
    """At most ``max_points`` terms: the most key half (largest ``|stat|``), then the most frequent.

    >>> df = pd.DataFrame({"term": list("abcd"), "G2": [9.0, -8.0, 0.1, 0.2], "n_target": [1, 0, 50, 2],
    ...                    "n_reference": [0, 5, 40, 1]})
    >>> list(select_points(df, stat="G2", max_points=3)["term"])
    ['a', 'b', 'c']
    """
    if len(df) <= max_points:
        return df
    key = df.assign(_abs=df[stat].abs()).sort_values(["_abs", "term"], ascending=[False, True], kind="stable")
    chosen = list(key.index[: max_points // 2 + max_points % 2])
    freq = df.assign(_n=df["n_target"] + df["n_reference"]).drop(index=chosen)
    chosen += list(freq.sort_values(["_n", "term"], ascending=[False, True], kind="stable").index[: max_points - len(chosen)])
    return df.loc[sorted(chosen, key=list(df.index).index)]


def _mix(a: str, b: str, t: float) -> str:
    """``a`` blended toward ``b`` by ``t`` in 0..1 (hex colours)."""
    ca, cb = (tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in (a, b))
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(ca, cb))


def _point_color(log_ratio: float, colors: tuple[str, str], saturate: float = 3.0) -> str:
    t = min(abs(log_ratio) / saturate, 1.0) if np.isfinite(log_ratio) else 1.0
    return _mix("#bbbbbb", colors[0] if log_ratio >= 0 else colors[1], t)


def _positions(values: np.ndarray, scale: str, lo: float, hi: float) -> np.ndarray:
    """Values to 0..1: log10 of the rate between the decades ``lo`` and ``hi``, or the rank (ties
    share the average rank)."""
    if scale == "rank":
        ranks = pd.Series(values).rank(method="average").to_numpy()
        return (ranks - 1) / max(len(values) - 1, 1)
    return (np.log10(values) - lo) / max(hi - lo, 1)


def _decades(*rates: np.ndarray) -> tuple[int, int]:
    """The powers of ten around every rate (one range for both axes, so the diagonal is equal use)."""
    logs = np.log10(np.concatenate(rates))
    return math.floor(logs.min()), math.ceil(logs.max())


def term_scatter_svg(df: pd.DataFrame, *, stat: str, target: str, reference: str, n_target_tokens: int,
                     n_reference_tokens: int, max_points: int = SCATTER_MAX_POINTS, n_labels: int = SCATTER_LABELS,
                     scale: Literal["log", "rank"] = "log", per: int = 1000,
                     colors: Sequence[str] = ("#b2182b", "#2166ac"), width: int = 760, height: int = 560) -> str:
    """A scattertext-style SVG: each term at (reference rate, target rate), coloured by log ratio.

    Parameters
    ----------
    df : a keyness table (``term``, ``stat``, ``n_target``, ``n_reference``, ``log_ratio``; ``p_adj``
        when present).
    stat : the signed keyness column used to pick points and labels (``"G2"``).
    target, reference : group names for the axes and tooltips.
    n_target_tokens, n_reference_tokens : group sizes in tokens (``df.attrs`` of ``keyness``).
    max_points : the size cap (:func:`select_points`); ``n_labels`` key terms per group get labels
        (skipped where they would overlap an earlier label).
    scale : ``"log"`` (rate per ``per`` tokens on a log axis; a count of 0 is drawn at half a count)
        or ``"rank"`` (rank of the rate among the points, as scattertext does). Terms with equal
        counts are spread around their common place (:func:`spread_coincident`).
    colors : the target and reference colours; grey means no difference (log ratio 0), the full
        colour a log ratio of 3 or more (8 times the rate) toward that group.

    Returns
    -------
    An ``<svg>`` element: each point is a ``<circle class="pt" data-term=...>`` with a ``<title>``
    tooltip (term, counts, rates, log ratio, the statistic, ``p_adj``), which the page's script
    turns into a tooltip drawn in the embedded font; clicks open its KWIC lines.
    """
    if scale not in ("log", "rank"):
        raise ValueError(f"scale={scale!r}: give 'log' or 'rank'")
    pts = select_points(df, stat=stat, max_points=max_points).reset_index(drop=True)
    rate_t = np.maximum(pts["n_target"].to_numpy(float), 0.5) / n_target_tokens * per
    rate_r = np.maximum(pts["n_reference"].to_numpy(float), 0.5) / n_reference_tokens * per
    left, right, top, bottom = 60, 20, 20, 50
    w, h = width - left - right, height - top - bottom
    lo, hi = _decades(rate_t, rate_r)
    xs, ys = left + _positions(rate_r, scale, lo, hi) * w, top + (1 - _positions(rate_t, scale, lo, hi)) * h
    xs, ys = spread_coincident(xs, ys)
    labelled = _label_rows(pts, stat, n_labels)
    parts = [f"<svg class='scatter' xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
             f"viewBox='0 0 {width} {height}' role='img' aria-label='{html.escape(target)} vs {html.escape(reference)} term scatter'>",
             _axes((lo, hi), scale, per, target, reference, left, top, w, h)]
    for i in sorted(range(len(pts)), key=lambda i: i in labelled):    # labelled points drawn last (on top)
        parts.append(_point(pts.iloc[i], xs[i], ys[i], stat, target, reference, rate_t[i], rate_r[i], per, colors))
    parts += _labels(pts, labelled, xs, ys, width)
    parts.append("</svg>")
    return "".join(parts)


def spread_coincident(xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points drawn at one place (terms with equal counts) moved onto a small circle around it
    (radius 3 px plus 0.6 px per point, at most 12 px) so each can be pointed at; their mean stays.

    >>> x, y = spread_coincident(np.array([10.0, 10.0, 50.0]), np.array([5.0, 5.0, 9.0]))
    >>> x.round(1).tolist(), y.round(1).tolist()
    ([14.2, 5.8, 50.0], [5.0, 5.0, 9.0])
    """
    groups: dict[tuple[float, float], list[int]] = {}
    for i, key in enumerate(zip(np.round(xs, 1), np.round(ys, 1))):
        groups.setdefault(key, []).append(i)
    xs, ys = xs.astype(float).copy(), ys.astype(float).copy()
    for members in (m for m in groups.values() if len(m) > 1):
        radius = min(3 + 0.6 * len(members), 12.0)
        for j, i in enumerate(members):
            angle = 2 * math.pi * j / len(members)
            xs[i] += radius * math.cos(angle)
            ys[i] += radius * math.sin(angle)
    return xs, ys


def _label_rows(pts: pd.DataFrame, stat: str, n_labels: int) -> list[int]:
    top = pts[pts[stat] > 0].nlargest(n_labels, stat).index
    bottom = pts[pts[stat] < 0].nsmallest(n_labels, stat).index
    return [int(i) for i in [*top, *bottom]]


def _point(row: pd.Series, x: float, y: float, stat: str, target: str, reference: str, rate_t: float, rate_r: float,
           per: int, colors: Sequence[str]) -> str:
    lr = float(row["log_ratio"])
    tip = (f"{row['term']}\n{target}: {int(row['n_target'])} ({rate_t:.3g} per {per:,})\n"
           f"{reference}: {int(row['n_reference'])} ({rate_r:.3g} per {per:,})\nlog ratio {lr:.3g}, {stat} {float(row[stat]):.3g}")
    if "p_adj" in row.index:
        tip += f", p_adj {float(row['p_adj']):.3g}"
    term = html.escape(str(row["term"]), quote=True)
    return (f"<circle class='pt' cx='{x:.1f}' cy='{y:.1f}' r='4' fill='{_point_color(lr, tuple(colors))}' "
            f"data-term='{term}'><title>{html.escape(tip)}</title></circle>")


def _text_width(text: str, size: float = 11.0) -> float:
    """Rough drawn width: full-width characters one em, others about half."""
    return sum(size if ord(ch) > 0x2E7F else size * 0.6 for ch in text)


def _labels(pts: pd.DataFrame, labelled: list[int], xs: np.ndarray, ys: np.ndarray, width: int) -> list[str]:
    boxes: list[tuple[float, float, float, float]] = []
    out = []
    for i in labelled:
        term = str(pts.at[i, "term"])
        tw = _text_width(term)
        x = xs[i] + 6 if xs[i] + 6 + tw < width else xs[i] - 6 - tw
        box = (x, ys[i] - 9, x + tw, ys[i] + 3)
        if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in boxes):
            continue
        boxes.append(box)
        out.append(f"<text class='lbl' x='{x:.1f}' y='{ys[i] + 3:.1f}' data-term='{html.escape(term, quote=True)}'>"
                   f"{html.escape(term)}</text>")
    return out


def _axes(decades: tuple[int, int], scale: str, per: int, target: str, reference: str,
          left: float, top: float, w: float, h: float) -> str:
    """Axis lines, titles and (log scale) a tick per power of ten and the diagonal of equal rates."""
    x0, y0 = left, top + h
    parts = [f"<line class='axis' x1='{x0}' y1='{y0}' x2='{x0 + w}' y2='{y0}'/>",
             f"<line class='axis' x1='{x0}' y1='{top}' x2='{x0}' y2='{y0}'/>"]
    unit = f"per {per:,} tokens" if scale == "log" else "rank of the rate"
    parts.append(f"<text x='{x0 + w / 2:.0f}' y='{y0 + 38}' text-anchor='middle'>{html.escape(reference)} ({unit})</text>")
    parts.append(f"<text transform='translate(14 {top + h / 2:.0f}) rotate(-90)' text-anchor='middle'>"
                 f"{html.escape(target)} ({unit})</text>")
    if scale == "log":
        lo, hi = decades
        for k in range(lo, hi + 1):
            f, label = (k - lo) / max(hi - lo, 1), f"{10.0 ** k:g}"
            parts.append(f"<text x='{x0 + f * w:.1f}' y='{y0 + 16}' text-anchor='middle'>{label}</text>")
            parts.append(f"<text x='{x0 - 6}' y='{y0 - f * h + 4:.1f}' text-anchor='end'>{label}</text>")
        parts.append(f"<line x1='{x0}' y1='{y0}' x2='{x0 + w}' y2='{top}' stroke='#ccc' stroke-dasharray='4 4'/>")
    return "".join(parts)
