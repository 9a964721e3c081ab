"""Figures for topic models, with Japanese labels (IPAexGothic from ``matplotlib-fontja``).

Every function returns a ``matplotlib.figure.Figure`` built without pyplot (no backend is
switched, nothing is shown); save it with ``fig.savefig(path)`` or
``discourse.report.figures.save``. The font family is set explicitly while the figure is built
(:func:`discourse._internal.plotting.japanese_font`); matplotlib is imported only when a figure
is made, so importing :mod:`discourse.topics` does not load it.

Example
-------
>>> fig = plot_select_k(select_k(dtm, [4, 6, 8]))      # doctest: +SKIP
>>> fig.savefig("select_k.png")                        # doctest: +SKIP
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

import pandas as pd

from .._internal.plotting import FONT, SIDE_COLORS, japanese_font, new_figure
from ..errors import ConfigError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["FONT", "SIDE_COLORS", "japanese_font", "plot_select_k", "plot_contrast", "plot_prevalence"]
SELECT_PANELS = (("c_v", "coherence c_v ↑"), ("u_mass", "coherence u_mass ↑"), ("c_npmi", "coherence c_npmi ↑"),
                 ("exclusivity", "exclusivity ↑"), ("perplexity", "held-out perplexity ↓"))


def plot_select_k(table: pd.DataFrame, *, title: str = "トピック数の選択") -> "Figure":
    """One panel per criterion of :func:`~discourse.topics.select_k` against k."""
    missing = [c for c, _ in SELECT_PANELS if c not in table.columns]
    if missing or "k" not in table.columns:
        raise ConfigError(f"table lacks columns {missing or ['k']}: pass the output of select_k()")
    with japanese_font():
        fig = new_figure(figsize=(3.0 * len(SELECT_PANELS), 3.0), layout="constrained")
        axes = fig.subplots(1, len(SELECT_PANELS))
        for ax, (col, label) in zip(axes, SELECT_PANELS):
            ax.plot(table["k"], table[col], marker="o", color="#333333")
            ax.set_xlabel("k (トピック数)")
            ax.set_title(label, fontsize=10)
            ax.set_xticks(list(table["k"]))
        fig.suptitle(title)
    return fig


def plot_contrast(contrast: pd.DataFrame, *, labels: Mapping[str, str] | None = None, title: str = "") -> "Figure":
    """Point estimates and intervals of :func:`~discourse.topics.topic_contrast` (stm's
    ``plot.estimateEffect(method="difference")``); ``labels`` maps ``topic_3`` to a label
    such as ``label_topics(model)["label"]``."""
    frame = contrast.iloc[::-1]
    names = [(labels or {}).get(t, t) for t in frame["topic"]]
    with japanese_font():
        fig = new_figure(figsize=(7.0, 0.45 * len(frame) + 1.2), layout="constrained")
        ax = fig.subplots()
        colors = [SIDE_COLORS["state"] if lo > 0 else SIDE_COLORS["ngo"] if hi < 0 else "#777777"
                  for lo, hi in zip(frame["ci_low"], frame["ci_high"])]
        ax.errorbar(frame["estimate"], range(len(frame)), fmt="none", ecolor=colors,
                    xerr=[frame["estimate"] - frame["ci_low"], frame["ci_high"] - frame["estimate"]])
        ax.scatter(frame["estimate"], range(len(frame)), color=colors, zorder=3)
        ax.axvline(0, color="#999999", linewidth=0.8)
        ax.set_yticks(range(len(frame)), names)
        ax.set_xlabel(f"期待トピック割合の差 ({frame['contrast'].iloc[0]})" if "contrast" in frame else "estimate")
        ax.set_title(title)
    return fig


def plot_prevalence(prevalence: pd.DataFrame, *, by: str, x: str = "year",
                    labels: Mapping[str, str] | None = None) -> "Figure":
    """Mean topic share over ``x`` (e.g. year) per group with bootstrap bands, one panel per topic
    (the output of :func:`~discourse.topics.topic_prevalence` with ``by=[by, x]``)."""
    for col in (by, x, "topic", "mean", "ci_low", "ci_high"):
        if col not in prevalence.columns:
            raise ConfigError(f"prevalence lacks column {col!r}: compute it with by=[{by!r}, {x!r}]")
    topics = list(dict.fromkeys(prevalence["topic"]))
    ncols = min(4, len(topics))
    nrows = -(-len(topics) // ncols)
    with japanese_font():
        fig = new_figure(figsize=(3.2 * ncols, 2.6 * nrows), layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=False, sharey=True).ravel()
        for ax, topic in zip(axes, topics):
            part = prevalence[prevalence["topic"] == topic]
            for group, g in part.groupby(by, sort=True):
                color = SIDE_COLORS.get(str(group), None)
                ax.plot(g[x], g["mean"], label=str(group), color=color)
                ax.fill_between(g[x], g["ci_low"], g["ci_high"], alpha=0.2, color=color)
            ax.set_title((labels or {}).get(topic, topic), fontsize=9)
        for ax in axes[len(topics):]:
            ax.set_visible(False)
        axes[0].legend(fontsize=8)
    return fig
