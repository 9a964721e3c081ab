"""Figures with Japanese labels that render (IPAexGothic from ``matplotlib-fontja``).

Every plotting function returns a matplotlib Figure; :func:`save` writes a PNG and fails on a
missing glyph (matplotlib's "Glyph ... missing from font" warning is turned into an error), so no
figure with tofu boxes is ever written.
"""
from __future__ import annotations

import warnings
from pathlib import Path
from typing import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402
import matplotlib_fontja  # noqa: E402,F401  (registers IPAexGothic)
import pandas as pd  # noqa: E402

from ..errors import DiscourseError  # noqa: E402

FONT = "IPAexGothic"
SIDE_COLORS = {"state": "#b2182b", "ngo": "#2166ac", "media": "#6a6a6a", "international": "#1b7837", "other": "#999999"}


class MissingGlyphError(DiscourseError):
    """A label contains a character the figure font cannot draw."""


def font_path() -> str:
    """The TTF file of the figure font (bundled with matplotlib-fontja)."""
    from matplotlib import font_manager

    return font_manager.findfont(FONT, fallback_to_default=False)


def setup() -> None:
    """Use the bundled Japanese-capable font and a deterministic PNG writer."""
    plt.rcParams.update({"font.family": FONT, "axes.unicode_minus": False, "svg.hashsalt": "discourse",
                         "figure.dpi": 100, "savefig.dpi": 110})


def save(fig: plt.Figure, path: str | Path) -> Path:
    """Write ``fig`` as PNG (no timestamp metadata, so reruns are identical); raise
    :class:`MissingGlyphError` if any text needed a glyph the font lacks."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(path, format="png", bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    missing = [str(w.message) for w in caught if "missing from" in str(w.message) and "Glyph" in str(w.message)]
    if missing:
        path.unlink(missing_ok=True)
        raise MissingGlyphError(f"{path.name}: {missing[0]}: the label uses a character {FONT} cannot draw")
    return path


def keyness_bars(df: pd.DataFrame, *, measure: str, n: int = 15, title: str = "") -> plt.Figure:
    """Top ``n`` terms for the target (positive) and reference (negative) side by side."""
    setup()
    top = pd.concat([df.nlargest(n, measure), df.nsmallest(n, measure).iloc[::-1]])
    top = top[top[measure] != 0].drop_duplicates("term")
    fig, ax = plt.subplots(figsize=(6, 0.28 * len(top) + 1))
    colors = [SIDE_COLORS["state"] if v > 0 else SIDE_COLORS["ngo"] for v in top[measure]]
    ax.barh(range(len(top)), top[measure], color=colors)
    ax.set_yticks(range(len(top)), top["term"])
    ax.invert_yaxis()
    ax.set_xlabel(measure)
    ax.set_title(title)
    return fig


def grouped_intervals(df: pd.DataFrame, *, item: str, group: str, value: str = "share", low: str = "ci_low",
                      high: str = "ci_high", title: str = "", xlabel: str = "") -> plt.Figure:
    """Dot-and-interval plot: one row per item, one colour per group (e.g. frames by side)."""
    setup()
    items, groups = list(dict.fromkeys(df[item])), list(dict.fromkeys(df[group]))
    fig, ax = plt.subplots(figsize=(6.5, 0.35 * len(items) + 1.2))
    for k, g in enumerate(groups):
        part = df[df[group] == g].set_index(item).reindex(items)
        y = [i + (k - (len(groups) - 1) / 2) * 0.18 for i in range(len(items))]
        ax.errorbar(part[value], y, xerr=[part[value] - part[low], part[high] - part[value]], fmt="o",
                    color=SIDE_COLORS.get(str(g)), label=str(g), capsize=2)
    ax.set_yticks(range(len(items)), items)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel or value)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8)
    ax.set_title(title)
    return fig


def lines_by_year(df: pd.DataFrame, *, year: str = "year", value: str, group: str, title: str = "",
                  ylabel: str = "", band: Sequence[str] | None = None) -> plt.Figure:
    """One line per group over years, with an optional interval band (``band=(low, high)``)."""
    setup()
    fig, ax = plt.subplots(figsize=(6.5, 3.6))
    for g, part in df.groupby(group, sort=True):
        part = part.sort_values(year)
        ax.plot(part[year], part[value], marker="o", color=SIDE_COLORS.get(str(g)), label=str(g))
        if band:
            ax.fill_between(part[year], part[band[0]], part[band[1]], alpha=0.15, color=SIDE_COLORS.get(str(g)))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("年 (year)")
    ax.set_ylabel(ylabel or value)
    ax.legend(fontsize=8)
    ax.set_title(title)
    return fig


def crime_framings(wide: pd.DataFrame, *, title: str = "同じ数字の三つの読み方") -> plt.Figure:
    """The framings of the crime figures side by side: index (state) vs share and rate (NGO)."""
    setup()
    panels = [c for c in ("index", "share_of_total_pct", "rate_per_100k", "offences_per_offender") if c in wide]
    labels = {"index": "指数 (基準年=100)", "share_of_total_pct": "全検挙人員に占める割合 (%)",
              "rate_per_100k": "人口10万人当たり", "offences_per_offender": "一人当たり件数"}
    fig, axes = plt.subplots(1, len(panels), figsize=(3.2 * len(panels), 3.2), squeeze=False)
    for ax, col in zip(axes[0], panels):
        data = wide[col].dropna()
        ax.plot(data.index, data.values, marker="o", color=SIDE_COLORS["state" if col == "index" else "ngo"])
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
        ax.set_title(labels[col], fontsize=9)
        ax.set_xlabel("年")
    fig.suptitle(title)
    fig.tight_layout()
    return fig
