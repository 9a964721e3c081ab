"""Figures for the analyses of :mod:`discourse.metrics` (dispersion plot, co-occurrence network,
correspondence biplot, dendrogram, term trends, frames beside official figures).

Every function returns a ``matplotlib.figure.Figure`` built without pyplot (no backend is switched,
nothing is shown), inside :func:`discourse._internal.plotting.japanese_font` so Japanese labels render in
IPAexGothic. Save with ``fig.savefig(path)`` or :func:`discourse.report.figures.save` (which refuses
missing glyphs).

Example
-------
>>> from discourse.metrics.correspondence import correspondence   # doctest: +SKIP
>>> plot_biplot(correspondence(table)).savefig("ca.png")           # doctest: +SKIP
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import ConfigError
from .._internal.plotting import SIDE_COLORS, japanese_font

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..metrics.clustering import Clustering
    from ..metrics.correspondence import CA
    from ..metrics.network import Network


def _figure(**kwargs) -> "Figure":
    """A matplotlib Figure (matplotlib imported here, when a figure is drawn, not at import)."""
    from matplotlib.figure import Figure

    return Figure(**kwargs)


def _line_collection(*args, **kwargs):
    from matplotlib.collections import LineCollection

    return LineCollection(*args, **kwargs)


ROW_COLOR, COL_COLOR = "#2166ac", "#b2182b"
FIGURE_COLOR = "#333333"                     # the official series beside the frames (group colours stay free)


def plot_dispersion(positions: pd.DataFrame, *, title: str = "") -> Figure:
    """Lexical dispersion plot from :func:`discourse.metrics.frequency.dispersion_positions`: one
    row per term, a tick per occurrence; one panel per group; period boundaries as grey lines
    labelled with the period."""
    terms, docs = positions.attrs.get("terms"), positions.attrs.get("docs")
    if terms is None or docs is None:
        raise ConfigError("positions: pass the output of dispersion_positions()")
    groups = list(dict.fromkeys(docs["group"])) or ["all"]
    panel, gap, top, bottom = 0.32 * len(terms) + 0.25, 0.6, 0.75, 0.55          # inches (fixed layout: fast)
    height = top + bottom + panel * len(groups) + gap * (len(groups) - 1)
    with japanese_font():
        fig = _figure(figsize=(8.0, height))
        fig.subplots_adjust(left=0.13, right=0.98, top=1 - top / height, bottom=bottom / height, hspace=gap / panel)
        axes = np.atleast_1d(fig.subplots(len(groups), 1, squeeze=False).ravel())
        for ax, group in zip(axes, groups):
            part, bounds = positions[positions["group"] == group], docs[docs["group"] == group]
            for k, term in enumerate(terms):
                pos = part.loc[part["term"] == term, "position"]
                ax.vlines(pos, k - 0.4, k + 0.4, color="#333333", linewidth=0.8)
            _period_marks(ax, bounds, positions.attrs.get("over"))
            ax.set_yticks(range(len(terms)), terms)
            ax.set_ylim(len(terms) - 0.5, -0.5)
            ax.set_xlim(0, max(int(bounds["end"].max()) if len(bounds) else 1, 1))
            ax.set_title(str(group) if len(groups) > 1 else title, fontsize=10, loc="left", pad=12)
        axes[-1].set_xlabel("語の位置 (token offset)")
        if len(groups) > 1 and title:
            fig.suptitle(title)
    return fig


def _period_marks(ax, bounds: pd.DataFrame, over: str | None) -> None:
    if not over or bounds.empty:
        return
    firsts = bounds.groupby("over", sort=False)["start"].min()
    total, last = max(int(bounds["end"].max()), 1), None
    for value, start in firsts.items():
        ax.axvline(start, color="#bbbbbb", linewidth=0.7, zorder=0)
        if last is None or start - last >= 0.05 * total:   # label periods that leave room for the text
            ax.annotate(str(value), (start, 1.0), xycoords=("data", "axes fraction"), fontsize=7, color="#777777",
                        va="bottom")
            last = start


def plot_network(net: "Network", pos: dict, colors: dict, *, color_by: str = "community", title: str = "") -> Figure:
    """The co-occurrence network: node area by frequency, edge width by weight; ``pos`` (term ->
    (x, y)) and ``colors`` (term -> colour) come from :func:`discourse.metrics.network.plot_network`."""
    fmax = max(int(net.nodes["freq"].max()), 1) if len(net.nodes) else 1
    wmax = max(float(net.edges["weight"].max()), 1e-12) if len(net.edges) else 1.0
    with japanese_font():
        fig = _figure(figsize=(8.0, 7.0), layout="constrained")
        ax = fig.subplots()
        segments = [(pos[a], pos[b]) for a, b in zip(net.edges["term_a"], net.edges["term_b"])]
        ax.add_collection(_line_collection(segments, colors="#999999", zorder=1,
                                         linewidths=(0.4 + 2.5 * net.edges["weight"] / wmax).tolist()))
        terms = net.nodes["term"].tolist()
        xy = np.array([pos[t] for t in terms], dtype=float).reshape(-1, 2)
        ax.scatter(xy[:, 0], xy[:, 1], s=(40 + 700 * net.nodes["freq"] / fmax).to_numpy(), c=[colors[t] for t in terms],
                   edgecolors="#555555", linewidths=0.6, zorder=2)           # one call for all nodes (fast)
        for term, (x0, y0) in zip(terms, xy):
            ax.text(x0, y0, term, ha="center", va="center", fontsize=9, zorder=3)
        _network_legend(ax, net, colors, color_by)
        ax.set_axis_off()
        ax.margins(0.08)
        ax.set_title(title or f"共起ネットワーク ({net.attrs.get('measure')}, {net.attrs.get('unit')})")
    return fig


def _network_legend(ax, net: "Network", colors: dict, color_by: str) -> None:
    from matplotlib.lines import Line2D

    key = "group" if color_by == "group" else "community"
    seen = dict.fromkeys(zip(net.nodes[key], (colors[t] for t in net.nodes["term"])))
    def order(item: tuple) -> tuple:
        value = item[0]
        return (0, int(value), "") if isinstance(value, (int, np.integer)) else (1, 0, str(value))

    handles = [Line2D([], [], marker="o", linestyle="", color=c, markersize=8, label=str(v)) for v, c in sorted(seen, key=order)]
    if handles:
        ax.legend(handles=handles, title=key, fontsize=8, loc="lower right")


def plot_biplot(ca: "CA", *, dims: tuple[int, int] = (1, 2), title: str = "", max_rows: int | None = 60) -> Figure:
    """Symmetric CA map: rows (blue) and columns (red, bold) in principal coordinates; axes show
    each dimension's % of inertia. ``max_rows`` keeps the rows with the largest mass (labels stay legible)."""
    d1, d2 = dims
    n_dims = len(ca.inertia)
    if max(dims) > n_dims:
        if n_dims == 1 and dims == (1, 2):
            d2 = None
        else:
            raise ConfigError(f"dims={dims}: the CA has {n_dims} dimension(s)")
    rows = ca.rows.nlargest(max_rows, "mass") if max_rows else ca.rows
    with japanese_font():
        fig = _figure(figsize=(7.5, 6.5), layout="constrained")
        ax = fig.subplots()
        for frame, color, weight in ((rows, ROW_COLOR, "normal"), (ca.columns, COL_COLOR, "column")):
            xs = frame[f"dim{d1}"]
            ys = frame[f"dim{d2}"] if d2 else np.zeros(len(frame))
            ax.scatter(xs, ys, s=12, color=color, marker="o" if weight == "normal" else "^")
            for label, x0, y0 in zip(frame["label"], xs, ys):
                ax.annotate(str(label), (x0, y0), fontsize=8 if weight == "normal" else 10, color=color,
                            xytext=(3, 3), textcoords="offset points")
        ax.axhline(0, color="#cccccc", linewidth=0.7, zorder=0)
        ax.axvline(0, color="#cccccc", linewidth=0.7, zorder=0)
        pct = ca.inertia["pct"].tolist()
        ax.set_xlabel(f"次元{d1} ({pct[d1 - 1]:.1f}%)")
        ax.set_ylabel(f"次元{d2} ({pct[d2 - 1]:.1f}%)" if d2 else "")
        ax.set_title(title or "対応分析")
    return fig


def plot_dendrogram(result: "Clustering", *, n_clusters: int | None = None, title: str = "") -> Figure:
    """Dendrogram (scipy) with the items as leaf labels, drawn horizontally; with ``n_clusters``
    the branches below the cut are coloured by cluster."""
    from scipy.cluster import hierarchy

    k = n_clusters or result.attrs.get("n_clusters")
    threshold = 0.0
    if k and 1 < k <= len(result.labels):
        heights = np.sort(result.linkage[:, 2])
        threshold = float((heights[-k] + heights[-k + 1]) / 2) if k > 1 else 0.0
    with japanese_font():
        fig = _figure(figsize=(7.0, 0.25 * len(result.labels) + 1.2), layout="constrained")
        ax = fig.subplots()
        hierarchy.dendrogram(result.linkage, labels=list(result.labels), orientation="right", ax=ax,
                             color_threshold=threshold or None, above_threshold_color="#888888", leaf_font_size=9)
        if threshold:
            ax.axvline(threshold, color="#d62728", linestyle="--", linewidth=0.8)
        ax.set_xlabel(f"距離 ({result.attrs.get('method')}, {result.attrs.get('metric')})")
        ax.set_title(title or ("語のクラスター分析" if result.attrs.get("items") == "terms" else "文書のクラスター分析"))
    return fig


def plot_trends(trends: pd.DataFrame, *, title: str = "") -> Figure:
    """Output of :func:`discourse.metrics.trends.term_trends`: per_10k over the periods with the
    bootstrap band, one panel per term, one line per group."""
    over, by = trends.attrs.get("over"), trends.attrs.get("by")
    if over is None or over not in trends:
        raise ConfigError("trends: pass the output of term_trends()")
    terms = list(dict.fromkeys(trends["term"]))
    ncols = min(3, len(terms))
    nrows = -(-len(terms) // ncols)
    with japanese_font():
        fig = _figure(figsize=(3.4 * ncols, 2.8 * nrows), layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
        for ax, term in zip(axes, terms):
            part = trends[trends["term"] == term]
            for group, g in (part.groupby(by, sort=True) if by else [("all", part)]):
                g = g.sort_values(over)
                color = SIDE_COLORS.get(str(group))
                ax.plot(g[over], g["per_10k"], marker="o", label=str(group), color=color)
                ax.fill_between(g[over], g["ci_low"], g["ci_high"], alpha=0.2, color=color)
            ax.set_title(term, fontsize=10)
            ax.set_ylabel("1万語あたり")
        for ax in axes[len(terms):]:
            ax.set_visible(False)
        if by:
            axes[0].legend(fontsize=8)
        if title:
            fig.suptitle(title)
    return fig


def plot_frames_vs_figures(merged: pd.DataFrame, *, title: str = "", group: str | None = None,
                           colors: dict | None = None) -> Figure:
    """Yearly frame prevalence (left axis) beside an official series (right axis), from
    ``frames_vs_figures(...).attrs["series"]`` (columns ``year``, ``prevalence``, ``figure``, and
    ``frame`` and the ``group`` column when there are several series). One line per frame and
    group: colour by group (``colors``: group label -> colour), line style by frame; a shaded band
    where ``ci_low`` / ``ci_high`` are given. The official series is drawn once."""
    for col in ("year", "prevalence", "figure"):
        if col not in merged:
            raise ConfigError(f"merged lacks column {col!r}: pass frames_vs_figures(...).attrs['series']")
    if group is not None and group not in merged:
        raise ConfigError(f"group={group!r} is not a column of merged (has {list(merged.columns)})")
    keys = [k for k in ("frame", group) if k and k in merged]
    parts = list(merged.groupby(keys, sort=False)) if keys else [((), merged)]
    frames = list(dict.fromkeys(merged["frame"])) if "frame" in merged else []
    with japanese_font():
        fig = _figure(figsize=(7.5, 3.9), layout="constrained")
        ax = fig.subplots()
        for n, (key, part) in enumerate(parts):
            label = dict(zip(keys, key if isinstance(key, tuple) else (key,)))
            color = (colors or {}).get(str(label.get(group)), None) if group else None
            style = ("-", "--", ":", "-.")[frames.index(label["frame"]) % 4] if "frame" in label else "-"
            a = part.dropna(subset=["prevalence"]).sort_values("year")
            ax.plot(a["year"], a["prevalence"], marker="o", markersize=3, linestyle=style,
                    color=color or (ROW_COLOR if len(parts) == 1 else None), label=" / ".join(map(str, label.values())) or "フレームの割合")
            if {"ci_low", "ci_high"} <= set(a.columns) and len(parts) <= 2:
                ax.fill_between(a["year"], a["ci_low"], a["ci_high"], alpha=0.12, color=ax.lines[-1].get_color())
        ax.set_ylabel("フレームの割合 (文)", color=ROW_COLOR if len(parts) == 1 else "black")
        ax2 = ax.twinx()
        b = merged.dropna(subset=["figure"]).drop_duplicates("year").sort_values("year")
        official = COL_COLOR if len(parts) == 1 else FIGURE_COLOR
        ax2.plot(b["year"], b["figure"], marker="s", color=official, linewidth=2.0, label="公式統計")
        ax2.set_ylabel("公式統計 (■)", color=official)
        ax.xaxis.get_major_locator().set_params(integer=True)
        if len(parts) > 1:
            ax.legend(fontsize=7, loc="upper left")
        ax.set_xlabel("年")
        ax.set_title(title)
    return fig
