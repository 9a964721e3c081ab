"""Co-occurrence network of terms (KH Coder's 共起ネットワーク).

Terms are nodes; two terms are linked when they appear in the same unit (sentence or document).
The edge weight is a similarity of the two terms' unit sets: with ``a``, ``b`` the numbers of
units containing each term and ``n_both`` those containing both, ``jaccard = n_both / (a + b -
n_both)``, ``dice = 2 n_both / (a + b)``, ``cosine = n_both / sqrt(a b)`` (Ochiai), ``count =
n_both``. As in KH Coder, only the ``top_edges`` strongest edges are drawn, and communities are
found by modularity (here networkx's greedy algorithm of Clauset, Newman & Moore, deterministic).
With ``by``/``target``, each node also says which group over-uses it (Hardie's log ratio of its
token counts), KH Coder's colouring by an external variable.

References
----------
Higuchi, K. (2016, 2017). KH Coder 3 reference manual; A two-step approach to quantitative
content analysis. Ritsumeikan Social Science Review 52(3), 77-91; 53(1), 137-147.
Jaccard, P. (1912). The distribution of the flora in the alpine zone. New Phytologist 11(2).
Clauset, A., Newman, M. E. J. & Moore, C. (2004). Finding community structure in very large
networks. Physical Review E 70, 066111.
Hardie, A. (2014). Log Ratio: an informal introduction. CASS, Lancaster University.

Example
-------
>>> from discourse.tokens import Tokens
>>> toks = Tokens.from_lists([["外国人", "犯罪"], ["外国人", "犯罪", "治安"], ["外国人", "人権"]])
>>> net = cooccurrence_network(toks, unit="document", min_freq=1)
>>> row = net.edges.iloc[0]
>>> row["term_a"], row["term_b"], float(row["weight"])   # 2 shared documents of 3 with either
('外国人', '犯罪', 0.6666666666666666)
"""
from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from scipy import sparse

from ..dtm import docvar_values
from ..errors import ConfigError, check_choice
from . import _stats
from .groups import group_masks

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from ..tokens import Tokens

Unit = Literal["sentence", "document"]
Similarity = Literal["jaccard", "dice", "cosine", "count"]
MEASURES = ("jaccard", "dice", "cosine", "count")
PALETTE = ("#8dd3c7", "#fdb462", "#bebada", "#fb8072", "#80b1d3", "#b3de69", "#fccde5", "#bc80bd", "#ccebc5",
           "#ffed6f", "#d9d9d9")


@dataclass(frozen=True, eq=False)
class Network:
    """A co-occurrence network: ``nodes`` and ``edges`` tables and the parameters (``attrs``).

    nodes : ``term``, ``freq`` (units containing it), ``n_tokens`` (occurrences), ``degree``,
        ``community`` (1 = largest), and with a comparison ``log_ratio`` (target vs reference,
        tokens) and ``group`` (the label of the group that over-uses it; ``"-"`` when equal).
    edges : ``term_a``, ``term_b`` (``term_a < term_b``), ``weight``, ``n_both``, ``freq_a``, ``freq_b``.
    """

    nodes: pd.DataFrame
    edges: pd.DataFrame
    attrs: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"Network({len(self.nodes)} nodes, {len(self.edges)} edges, measure={self.attrs.get('measure')!r})"

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables a run writes: ``{"": nodes, "edges": edges}`` (``""`` = the main table)."""
        return {"": self.nodes, "edges": self.edges}


def unit_term_matrix(x: "Tokens", unit: Unit = "sentence") -> sparse.csr_matrix:
    """Binary units x vocabulary matrix: 1 where the unit (sentence or document) contains the term."""
    check_choice("unit", unit, ("sentence", "document"))
    doc = x.doc_index()
    if unit == "document":
        rows = doc
    else:
        key = doc.astype(np.int64) * (int(x.sent.max(initial=0)) + 1) + x.sent.astype(np.int64)
        rows = np.unique(key, return_inverse=True)[1].ravel()
    n_units = int(rows.max(initial=-1)) + 1
    m = sparse.csr_matrix((np.ones(len(rows), np.int64), (rows, np.asarray(x.ids, np.int64))), shape=(n_units, len(x.vocab)))
    m.data[:] = 1
    return m


def similarity(n_both: np.ndarray, freq_a: np.ndarray, freq_b: np.ndarray, measure: Similarity) -> np.ndarray:
    """Edge weight from the co-occurrence count and the two unit frequencies (see module doc)."""
    check_choice("measure", measure, MEASURES)
    n, a, b = (np.asarray(v, dtype=np.float64) for v in (n_both, freq_a, freq_b))
    if measure == "jaccard":
        return n / (a + b - n)
    if measure == "dice":
        return 2.0 * n / (a + b)
    if measure == "cosine":
        return n / np.sqrt(a * b)
    return n


def cooccurrence_network(x: "Tokens", *, unit: Unit = "sentence", measure: Similarity = "jaccard", min_freq: int = 2,
                         top_edges: int = 60, by: str | None = None, target: Any = None, reference: Any = None) -> Network:
    """Co-occurrence network of the terms of ``x`` (nodes, edges, communities).

    Parameters
    ----------
    x : ``Tokens`` (filter them first: ``x.keep_pos(["名詞"])``, ``x.remove(stopwords)``).
    unit : co-occurrence within a ``"sentence"`` or a ``"document"``.
    measure : edge weight, ``"jaccard"`` (KH Coder's default), ``"dice"``, ``"cosine"`` or ``"count"``.
    min_freq : a term is a candidate node when it occurs in at least this many units.
    top_edges : keep the strongest edges (weight, then ``n_both``, then the terms; exactly this many
        when as many exist); nodes are the terms of kept edges.
    by, target, reference : optional comparison (the same vocabulary as :func:`keyness`): nodes get
        the ``log_ratio`` of target against reference and the ``group`` that over-uses them.

    Returns
    -------
    :class:`Network` with ``nodes`` and ``edges`` DataFrames (columns in its docstring).
    """
    check_choice("measure", measure, MEASURES)
    for name, value in (("min_freq", min_freq), ("top_edges", top_edges)):
        if not isinstance(value, (int, np.integer)) or value < 1:
            raise ConfigError(f"{name}={value!r}: give an integer >= 1")
    if (by is None) != (target is None):
        raise ConfigError(f"by={by!r}, target={target!r}: a comparison needs both by= and target= (or neither)")
    m = unit_term_matrix(x, unit)
    edges = _edges(m, np.array(x.vocab, dtype=object), measure, min_freq, top_edges)
    nodes = _nodes(x, m, edges)
    attrs = dict(unit=unit, measure=measure, min_freq=min_freq, top_edges=top_edges, n_units=m.shape[0], by=by,
                 target=target, reference=reference, communities="networkx greedy_modularity_communities (weighted)")
    if by is not None:
        nodes = _over_use(x, nodes, by, target, reference)
    return Network(nodes, edges, attrs)


def _edges(m: sparse.csr_matrix, vocab: np.ndarray, measure: str, min_freq: int, top_edges: int) -> pd.DataFrame:
    freq = np.asarray(m.sum(axis=0)).ravel()
    cand = np.flatnonzero(freq >= min_freq)
    cand = cand[np.argsort(vocab[cand].astype(str), kind="stable")]   # term order: term_a < term_b
    sub = m[:, cand]
    both = sparse.triu((sub.T @ sub).tocsr(), k=1).tocoo()
    i, j, n = both.row, both.col, both.data.astype(np.int64)
    keep = n > 0
    i, j, n = i[keep], j[keep], n[keep]
    fa, fb = freq[cand][i], freq[cand][j]
    frame = pd.DataFrame({"term_a": vocab[cand][i], "term_b": vocab[cand][j], "weight": similarity(n, fa, fb, measure),
                          "n_both": n, "freq_a": fa.astype(np.int64), "freq_b": fb.astype(np.int64)})
    frame = frame.sort_values(["weight", "n_both", "term_a", "term_b"], ascending=[False, False, True, True], kind="stable")
    return frame.head(top_edges).reset_index(drop=True)


def _nodes(x: "Tokens", m: sparse.csr_matrix, edges: pd.DataFrame) -> pd.DataFrame:
    import networkx as nx

    terms = sorted(set(edges["term_a"]) | set(edges["term_b"]))
    index = x.vocab_index
    freq = np.asarray(m.sum(axis=0)).ravel()
    tokens = np.bincount(np.asarray(x.ids, np.int64), minlength=len(x.vocab))
    graph = nx.Graph()
    graph.add_nodes_from(terms)
    graph.add_weighted_edges_from(edges[["term_a", "term_b", "weight"]].itertuples(index=False, name=None))
    found = nx.algorithms.community.greedy_modularity_communities(graph, weight="weight") if len(edges) else []
    ranked = sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))
    community = {t: k + 1 for k, c in enumerate(ranked) for t in c}
    return pd.DataFrame({"term": terms, "freq": [int(freq[index[t]]) for t in terms],
                         "n_tokens": [int(tokens[index[t]]) for t in terms], "degree": [graph.degree(t) for t in terms],
                         "community": [community.get(t, 0) for t in terms]},
                        columns=["term", "freq", "n_tokens", "degree", "community"])


def _over_use(x: "Tokens", nodes: pd.DataFrame, by: str, target: Any, reference: Any) -> pd.DataFrame:
    t_mask, r_mask = group_masks(pd.Series(docvar_values(x.docvars, by)), by=by, target=target, reference=reference)
    doc = x.doc_index()
    ids = np.asarray(x.ids, np.int64)
    ct = np.bincount(ids[t_mask[doc]], minlength=len(x.vocab))
    cr = np.bincount(ids[r_mask[doc]], minlength=len(x.vocab))
    index = x.vocab_index
    pick = np.array([index[t] for t in nodes["term"]], dtype=np.int64)
    lr = _stats.log_ratio(ct[pick], max(ct.sum(), 1), cr[pick], max(cr.sum(), 1)) if len(pick) else np.zeros(0)
    t_label = _label(target)
    r_label = "reference" if reference is None else _label(reference)
    return nodes.assign(log_ratio=lr, group=np.where(lr > 0, t_label, np.where(lr < 0, r_label, "-")))


def _label(value: Any) -> str:
    return "+".join(map(str, value)) if isinstance(value, (list, tuple, set, frozenset)) else str(value)


def layout(net: Network, *, random_state: int = 0) -> dict[str, tuple[float, float]]:
    """Node positions (networkx spring layout, Fruchterman-Reingold, seeded) scaled to [0, 1]."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(net.nodes["term"])
    graph.add_weighted_edges_from(net.edges[["term_a", "term_b", "weight"]].itertuples(index=False, name=None))
    if len(graph) == 0:
        return {}
    pos = nx.spring_layout(graph, weight="weight", seed=random_state)
    xy = np.array([pos[t] for t in net.nodes["term"]], dtype=np.float64)
    lo, span = xy.min(axis=0), np.ptp(xy, axis=0)
    xy = (xy - lo) / np.where(span > 0, span, 1.0)
    return {t: (float(a), float(b)) for t, (a, b) in zip(net.nodes["term"], xy)}


def node_colors(net: Network, color_by: Literal["community", "group"] = "community") -> dict[str, str]:
    """A colour per node: by community (palette order) or by over-using group (needs a comparison)."""
    check_choice("color_by", color_by, ("community", "group"))
    if color_by == "group":
        if "group" not in net.nodes:
            raise ConfigError("color_by='group' needs a network built with by= and target=")
        levels = sorted(set(net.nodes["group"]) - {"-"})
        colors = {g: PALETTE[k % len(PALETTE)] for k, g in enumerate(levels)}
        colors["-"] = "#dddddd"
        return {t: colors[g] for t, g in zip(net.nodes["term"], net.nodes["group"])}
    return {t: PALETTE[(c - 1) % len(PALETTE)] if c > 0 else "#dddddd" for t, c in zip(net.nodes["term"], net.nodes["community"])}


def plot_network(net: Network, *, color_by: Literal["community", "group"] = "community", random_state: int = 0,
                 title: str = "") -> "Figure":
    """Static figure of the network: node size by frequency, colour by community or over-using group."""
    from ..report.plots_analyses import plot_network as _plot

    return _plot(net, layout(net, random_state=random_state), node_colors(net, color_by), color_by=color_by, title=title)


def network_html(net: Network, *, color_by: Literal["community", "group"] = "community", random_state: int = 0,
                 title: str = "", width: int = 900, height: int = 700, colors: dict[str, str] | None = None,
                 page: bool = True, element_id: str = "net") -> str:
    """A self-contained interactive HTML page (inline SVG and a few lines of plain JavaScript, no
    network access): hover a node or an edge for its figures, click a node to highlight its edges
    (click the background to reset). ``colors`` (term -> colour) overrides ``color_by``'s palette.
    Write it with ``Path("net.html").write_text(..., encoding="utf-8")``. With ``page=False``, only the
    ``<style>``, ``<svg id=element_id>`` and ``<script>`` to embed in another page (styles scoped to
    that id, so several networks can share a page)."""
    pos, colors = layout(net, random_state=random_state), colors or node_colors(net, color_by)
    pad = 60
    px = {t: (pad + a * (width - 2 * pad), pad + (1 - b) * (height - 2 * pad)) for t, (a, b) in pos.items()}
    fmax = max(net.nodes["freq"].max(), 1) if len(net.nodes) else 1
    wmax = max(net.edges["weight"].max(), 1e-12) if len(net.edges) else 1
    parts = []
    for e in net.edges.itertuples():
        (x1, y1), (x2, y2) = px[e.term_a], px[e.term_b]
        tip = html.escape(f"{e.term_a} – {e.term_b}: weight {e.weight:.3f}, together in {e.n_both} units")
        parts.append(f'<line class="e" data-a="{html.escape(e.term_a)}" data-b="{html.escape(e.term_b)}" x1="{x1:.1f}" '
                     f'y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke-width="{0.5 + 3 * e.weight / wmax:.2f}">'
                     f'<title>{tip}</title></line>')
    for n in net.nodes.itertuples():
        x0, y0 = px[n.term]
        extra = f", over-used by {n.group} (log ratio {n.log_ratio:+.2f})" if "group" in net.nodes else ""
        tip = html.escape(f"{n.term}: in {n.freq} units, {n.n_tokens} tokens, community {n.community}{extra}")
        r = 6 + 18 * np.sqrt(n.freq / fmax)
        parts.append(f'<g class="n" data-t="{html.escape(n.term)}"><circle cx="{x0:.1f}" cy="{y0:.1f}" r="{r:.1f}" '
                     f'fill="{colors[n.term]}"/><text x="{x0:.1f}" y="{y0 + 4:.1f}">{html.escape(n.term)}</text>'
                     f'<title>{tip}</title></g>')
    meta = html.escape(json.dumps({k: str(v) for k, v in net.attrs.items()}, ensure_ascii=False))
    sid = html.escape(element_id)
    fragment = _FRAGMENT.format(sid=sid, width=width, height=height, body="\n".join(parts), meta=meta)
    if not page:
        return _STYLE.format(sid=sid) + fragment
    return _HTML.format(title=html.escape(title or "共起ネットワーク"), style=_STYLE.format(sid=sid), fragment=fragment)


_STYLE = """<style>
#{sid} line.e {{ stroke: #888; stroke-opacity: .6; }}
#{sid} line.e.on {{ stroke: #d62728; stroke-opacity: 1; }}
#{sid} line.e.off, #{sid} g.n.off {{ opacity: .15; }}
#{sid} g.n circle {{ stroke: #555; stroke-width: .8; cursor: pointer; }}
#{sid} g.n text {{ font-size: 12px; text-anchor: middle; pointer-events: none; }}
</style>
"""

_HTML = """<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: "IPAexGothic", "Hiragino Sans", "Noto Sans CJK JP", sans-serif; margin: 1em; }}
</style>{style}</head><body>
<h1 style="font-size:1.1em">{title}</h1>
{fragment}
</body></html>
"""

_FRAGMENT = """<svg id="{sid}" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" data-params="{meta}">
<rect width="100%" height="100%" fill="white" id="{sid}-bg"/>
{body}
</svg>
<script>
(function () {{
  var svg = document.getElementById("{sid}");
  function reset() {{
    svg.querySelectorAll(".on,.off").forEach(function (el) {{ el.classList.remove("on", "off"); }});
  }}
  svg.querySelectorAll("g.n").forEach(function (node) {{
    node.addEventListener("click", function (ev) {{
      ev.stopPropagation(); reset();
      var t = node.getAttribute("data-t"), near = {{}};
      near[t] = true;
      svg.querySelectorAll("line.e").forEach(function (e) {{
        var hit = e.getAttribute("data-a") === t || e.getAttribute("data-b") === t;
        e.classList.add(hit ? "on" : "off");
        if (hit) {{ near[e.getAttribute("data-a")] = true; near[e.getAttribute("data-b")] = true; }}
      }});
      svg.querySelectorAll("g.n").forEach(function (n) {{ if (!near[n.getAttribute("data-t")]) n.classList.add("off"); }});
    }});
  }});
  document.getElementById("{sid}-bg").addEventListener("click", reset);
}})();
</script>
"""
