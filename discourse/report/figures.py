"""Figures with Japanese labels that render (IPAexGothic from ``matplotlib-fontja``).

Every plotting function returns a matplotlib Figure; :func:`save` writes a PNG. Text is drawn
with IPAexGothic, falling back to DejaVu Sans glyph by glyph; a character neither font has (𠮷,
U+20BB7, common in names, or an emoji) is drawn as 〓 (the geta mark, the printers' sign for a
missing character) with a warning naming it, so a run never fails on a name and no figure has
silent tofu boxes (``missing="error"`` raises instead).

Colours come from the levels of the comparison (:func:`level_colors`): one stable colour per level
in every figure of a run.

Inside :func:`figure_cache` (a run's report stage), :func:`save` reuses the PNG of a figure drawn
earlier from the same data: every plotting function here (and :func:`keyed` for figures made
elsewhere) labels its figure with a hash of its inputs, the plotting code and the matplotlib
version; a cached PNG is checksummed, rebuilt if damaged, and its glyph warnings are repeated.
"""
from __future__ import annotations

import contextlib
import functools
import logging
import warnings
from pathlib import Path
from typing import Any, Callable, Iterator, Literal, Mapping, Sequence

import matplotlib.pyplot as plt  # noqa: E402  (no matplotlib.use: headless machines fall back to Agg)
from matplotlib.ticker import MaxNLocator  # noqa: E402
import matplotlib_fontja  # noqa: E402,F401  (registers IPAexGothic)
import pandas as pd  # noqa: E402

import numpy as np  # noqa: E402

from ..cache import CorruptCacheEntry, atomic_write_bytes, code_fingerprint, read_arrays, stable_hash, write_arrays  # noqa: E402
from ..errors import DiscourseError  # noqa: E402

FONT = "IPAexGothic"
FALLBACK_FONTS = ("DejaVu Sans",)
REPLACEMENT = "\u3013"      # 〓 geta mark
#: colours in the order levels are met: target levels first, then reference, then the rest sorted
PALETTE = ("#b2182b", "#2166ac", "#1b7837", "#762a83", "#e08214", "#6a6a6a", "#35978f", "#c51b7d", "#8c510a", "#4d4d4d")
TARGET_COLOR, REFERENCE_COLOR = PALETTE[0], PALETTE[1]
log = logging.getLogger("discourse.report")


class MissingGlyphError(DiscourseError):
    """A label contains a character the figure font cannot draw."""


def level_colors(levels: Sequence[object]) -> dict[str, str]:
    """One colour per level, by position (the stages pass target, reference, then the other levels
    sorted, so a level keeps its colour across the figures of a run)."""
    return {str(level): PALETTE[i % len(PALETTE)] for i, level in enumerate(dict.fromkeys(levels))}


@functools.lru_cache(maxsize=1)
def covered_codepoints() -> frozenset[int]:
    """Code points the figure font or a fallback font can draw."""
    from fontTools.ttLib import TTFont
    from matplotlib import font_manager

    points: set[int] = set()
    for name in (FONT, *FALLBACK_FONTS):
        try:
            path = font_manager.findfont(name, fallback_to_default=False)
        except ValueError:
            continue
        points |= set(TTFont(path, lazy=True).getBestCmap())
    return frozenset(points)


def replace_missing_glyphs(fig: plt.Figure) -> list[str]:
    """Replace, in every text of ``fig`` (titles, labels, legends, fixed tick labels), the characters
    no figure font can draw by 〓; return them."""
    from matplotlib.text import Text
    from matplotlib.ticker import FixedFormatter, FuncFormatter

    covered, missing = covered_codepoints(), {}

    def fix(text: str) -> str:
        bad = [ch for ch in str(text) if ord(ch) not in covered and not ch.isspace()]
        missing.update(dict.fromkeys(bad))
        return "".join(REPLACEMENT if ch in bad else ch for ch in str(text)) if bad else text

    for artist in fig.findobj(Text):
        text = artist.get_text()
        if fix(text) != text:
            artist.set_text(fix(text))
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for formatter in (axis.get_major_formatter(), axis.get_minor_formatter()):
                if isinstance(formatter, FixedFormatter):
                    formatter.seq = [fix(t) for t in formatter.seq]
                elif isinstance(formatter, FuncFormatter):          # tick labels given as strings
                    labels = [formatter.func(x, i) for i, x in enumerate(axis.get_ticklocs())]
                    if any(fix(t) != t for t in labels if isinstance(t, str)):
                        formatter.func = functools.partial(_fixed_label, formatter.func, fix)
    return list(missing)


def _fixed_label(func, fix, x, pos=None):
    return fix(func(x, pos))


def font_path() -> str:
    """The TTF file of the figure font (bundled with matplotlib-fontja)."""
    from matplotlib import font_manager

    return font_manager.findfont(FONT, fallback_to_default=False)


def setup() -> None:
    """Use the bundled Japanese-capable font and a deterministic PNG writer."""
    plt.rcParams.update({"font.family": [FONT, *FALLBACK_FONTS], "axes.unicode_minus": False, "svg.hashsalt": "discourse",
                         "figure.dpi": 100, "savefig.dpi": 110})


# --- the figure cache ------------------------------------------------------------------------
_CACHE_DIR: list[Path] = []      # set by figure_cache(); empty: save() always draws
KEY_ATTR = "_discourse_figure_key"


@contextlib.contextmanager
def figure_cache(folder: str | Path) -> Iterator[None]:
    """Within this block, :func:`save` reuses PNGs stored in ``folder`` for figures labelled with a
    data hash (:func:`keyed`) and stores the ones it draws."""
    _CACHE_DIR.append(Path(folder))
    try:
        yield
    finally:
        _CACHE_DIR.pop()


def _digest(value: Any) -> Any:
    """A JSON-ready stand-in for a plotting input: DataFrames and Series by their CSV text, index
    and dtypes; containers element by element; anything else by ``repr``."""
    if isinstance(value, pd.Series):
        value = value.to_frame()
    if isinstance(value, pd.DataFrame):
        return {"frame": value.to_csv(), "dtypes": [str(t) for t in value.dtypes], "index": str(value.index.dtype)}
    if isinstance(value, Mapping):
        return {"map": [[_digest(k), _digest(v)] for k, v in value.items()]}
    if isinstance(value, (list, tuple)):
        return [_digest(v) for v in value]
    return repr(value)


@functools.lru_cache(maxsize=1)
def _drawing_code() -> list[str]:
    """What else a drawn figure depends on: the plotting code, matplotlib's version and the font."""
    import matplotlib

    try:
        font = font_path()
    except ValueError:
        font = ""
    return [code_fingerprint("report/figures", "topics/plots"), matplotlib.__version__, font]


def keyed(fig: Any, name: str, *args: Any, **kwargs: Any) -> Any:
    """Label ``fig`` (drawn by ``name`` from ``args`` and ``kwargs``) with a hash of those inputs, so
    that :func:`save` can reuse its PNG inside :func:`figure_cache`; returns ``fig``."""
    setattr(fig, KEY_ATTR, stable_hash([name, _digest(list(args)), _digest(dict(sorted(kwargs.items()))), _drawing_code()], 32))
    return fig


def _labelled(func: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator: the figure a plotting function returns is labelled by :func:`keyed`."""
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return keyed(func(*args, **kwargs), func.__qualname__, *args, **kwargs)
    return wrapper


def save(fig: plt.Figure, path: str | Path, *, missing: Literal["replace", "error"] = "replace") -> Path:
    """Write ``fig`` as PNG (no timestamp metadata, so reruns are identical). A character no figure
    font can draw is drawn as 〓 with a warning naming it (``missing="replace"``), or raises
    :class:`MissingGlyphError` (``missing="error"``). Inside :func:`figure_cache`, a labelled figure
    drawn before from the same inputs is copied from the cache instead of drawn."""
    key = getattr(fig, KEY_ATTR, None)
    if not _CACHE_DIR or key is None:
        return _draw(fig, Path(path), missing)[0]
    entry = _CACHE_DIR[-1] / f"{key}-{missing}.bin"
    if entry.exists():
        try:
            arrays, meta = read_arrays(entry)
            plt.close(fig)
            _warn_replaced(Path(path), meta["replaced"])
            return atomic_write_bytes(Path(path), arrays["png"].tobytes())
        except (CorruptCacheEntry, KeyError, ValueError) as exc:
            log.warning("figure cache %s is damaged (%s): redrawing", entry, exc)
    path, replaced = _draw(fig, Path(path), missing)
    write_arrays(entry, {"png": np.frombuffer(path.read_bytes(), dtype=np.uint8)}, {"replaced": replaced})
    return path


def _warn_replaced(path: Path, replaced: list[str]) -> None:
    if replaced:
        chars = ", ".join(f"{ch} (U+{ord(ch):04X})" for ch in replaced)
        message = f"{path.name}: no glyph for {chars} in {FONT} or {', '.join(FALLBACK_FONTS)}: drawn as {REPLACEMENT}"
        log.warning(message)
        warnings.warn(message, MissingGlyphWarning, stacklevel=3)


def _draw(fig: plt.Figure, path: Path, missing: str) -> tuple[Path, list[str]]:
    """Draw ``fig`` to ``path``; return it and the characters drawn as 〓."""
    path.parent.mkdir(parents=True, exist_ok=True)
    replaced = replace_missing_glyphs(fig) if missing == "replace" else []
    _warn_replaced(path, replaced)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(path, format="png", bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    lost = [str(w.message) for w in caught if "missing from" in str(w.message) and "Glyph" in str(w.message)]
    if lost:
        path.unlink(missing_ok=True)
        raise MissingGlyphError(f"{path.name}: {lost[0]}: the label uses a character {FONT} cannot draw")
    return path, replaced


class MissingGlyphWarning(UserWarning):
    """A figure label had characters no figure font can draw; they were drawn as 〓."""


@_labelled
def keyness_bars(df: pd.DataFrame, *, measure: str, n: int = 15, title: str = "",
                 colors: tuple[str, str] = (TARGET_COLOR, REFERENCE_COLOR)) -> plt.Figure:
    """Top ``n`` terms for the target (positive, ``colors[0]``) and reference (negative, ``colors[1]``)."""
    setup()
    top = pd.concat([df.nlargest(n, measure), df.nsmallest(n, measure).iloc[::-1]])
    top = top[top[measure] != 0].drop_duplicates("term")
    fig, ax = plt.subplots(figsize=(6, 0.28 * len(top) + 1))
    ax.barh(range(len(top)), top[measure], color=[colors[0] if v > 0 else colors[1] for v in top[measure]])
    ax.set_yticks(range(len(top)), top["term"])
    ax.invert_yaxis()
    ax.set_xlabel(measure)
    ax.set_title(title)
    return fig


@_labelled
def grouped_intervals(df: pd.DataFrame, *, item: str, group: str, value: str = "share", low: str = "ci_low",
                      high: str = "ci_high", title: str = "", xlabel: str = "",
                      colors: Mapping[str, str] | None = None) -> plt.Figure:
    """Dot-and-interval plot: one row per item, one colour per group (e.g. frames by outlet);
    ``colors`` maps group labels to colours (default: :func:`level_colors` in order of appearance)."""
    setup()
    items, groups = list(dict.fromkeys(df[item])), list(dict.fromkeys(df[group]))
    if colors:                                   # groups in the order of the levels (target first)
        order = list(colors)
        groups = sorted(groups, key=lambda g: order.index(str(g)) if str(g) in order else len(order))
    colors = dict(colors) if colors else level_colors([str(g) for g in groups])
    fig, ax = plt.subplots(figsize=(6.5, 0.35 * len(items) + 1.2))
    for k, g in enumerate(groups):
        part = df[df[group] == g].set_index(item).reindex(items)
        y = [i + (k - (len(groups) - 1) / 2) * 0.18 for i in range(len(items))]
        ax.errorbar(part[value], y, xerr=[part[value] - part[low], part[high] - part[value]], fmt="o",
                    color=colors.get(str(g)), label=str(g), capsize=2)
    ax.set_yticks(range(len(items)), items)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel or value)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8)
    ax.set_title(title)
    return fig


@_labelled
def lines_by_year(df: pd.DataFrame, *, year: str = "year", value: str, group: str, title: str = "",
                  ylabel: str = "", band: Sequence[str] | None = None, colors: Mapping[str, str] | None = None,
                  styles: Mapping[str, str] | None = None) -> plt.Figure:
    """One line per group over years, with an optional interval band (``band=(low, high)``);
    ``colors`` maps group labels to colours (default: matplotlib's cycle), ``styles`` to line styles
    (e.g. one colour per compared level, one style per frame)."""
    setup()
    colors, styles = dict(colors or {}), dict(styles or {})
    fig, ax = plt.subplots(figsize=(6.5, 3.6))
    for g, part in df.groupby(group, sort=True):
        part = part.sort_values(year)
        line, = ax.plot(part[year], part[value], marker="o", color=colors.get(str(g)), linestyle=styles.get(str(g), "-"),
                        label=str(g))
        if band:
            ax.fill_between(part[year], part[band[0]], part[band[1]], alpha=0.15, color=line.get_color())
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("年 (year)")
    ax.set_ylabel(ylabel or value)
    ax.legend(fontsize=8)
    ax.set_title(title)
    return fig


@_labelled
def crime_framings(wide: pd.DataFrame, *, title: str = "同じ数字の三つの読み方") -> plt.Figure:
    """The framings of the crime figures side by side: index (state) vs share and rate (NGO)."""
    setup()
    panels = [c for c in ("index", "share_of_total_pct", "rate_per_100k", "offences_per_offender") if c in wide]
    labels = {"index": "指数 (基準年=100)", "share_of_total_pct": "全検挙人員に占める割合 (%)",
              "rate_per_100k": "人口10万人当たり", "offences_per_offender": "一人当たり件数"}
    fig, axes = plt.subplots(1, len(panels), figsize=(3.2 * len(panels), 3.2), squeeze=False)
    for ax, col in zip(axes[0], panels):
        data = wide[col].dropna()
        ax.plot(data.index, data.values, marker="o", color=TARGET_COLOR if col == "index" else REFERENCE_COLOR)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
        ax.set_title(labels[col], fontsize=9)
        ax.set_xlabel("年")
    fig.suptitle(title)
    fig.tight_layout()
    return fig
