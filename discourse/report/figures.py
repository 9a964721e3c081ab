"""Figures with Japanese labels that render (IPAexGothic from ``matplotlib-fontja``).

Every plotting function returns a matplotlib Figure; :func:`save` writes a PNG. Text is drawn
with IPAexGothic, falling back to DejaVu Sans glyph by glyph; a character neither font has (𠮷,
U+20BB7, common in names, or an emoji) is drawn as 〓 (the geta mark, the printers' sign for a
missing character) with a warning naming it, so a run never fails on a name and no figure has
silent tofu boxes (``missing="error"`` raises instead).

Colours come from the levels of the comparison (:func:`level_colors`): one stable colour per level
in every figure of a run.

matplotlib is imported when a figure is first drawn (``figures.plt`` is pyplot, imported on use).
Inside :func:`figure_cache` (a run that writes figures), the plotting functions return a
:class:`LazyFigure` labelled with a hash of their inputs, the plotting code and the matplotlib
version, and :func:`save` copies the PNG of a figure drawn earlier from the same inputs instead of
drawing it; a cached PNG is checksummed, redrawn if damaged, and its glyph warnings are repeated.
"""
from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import logging
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Literal, Mapping, Sequence

import numpy as np
import pandas as pd

from ..cache import CorruptCacheEntry, atomic_write_bytes, code_fingerprint, read_arrays, stable_hash, write_arrays
from ..errors import DiscourseError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FONT = "IPAexGothic"
FALLBACK_FONTS = ("DejaVu Sans",)
REPLACEMENT = "\u3013"      # 〓 geta mark
#: colours in the order levels are met: target levels first, then reference, then the rest sorted
PALETTE = ("#b2182b", "#2166ac", "#1b7837", "#762a83", "#e08214", "#6a6a6a", "#35978f", "#c51b7d", "#8c510a", "#4d4d4d")
TARGET_COLOR, REFERENCE_COLOR = PALETTE[0], PALETTE[1]
log = logging.getLogger("discourse.report")


def __getattr__(name: str):
    """``figures.plt``: pyplot, imported (with the figure font registered) on first use."""
    if name == "plt":
        return _plt()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _plt():
    """matplotlib.pyplot with IPAexGothic registered (no matplotlib.use: headless machines fall back to Agg)."""
    import matplotlib.pyplot as plt
    import matplotlib_fontja  # noqa: F401  (registers IPAexGothic)

    return plt


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

    _plt()
    points: set[int] = set()
    for name in (FONT, *FALLBACK_FONTS):
        try:
            path = font_manager.findfont(name, fallback_to_default=False)
        except ValueError:
            continue
        points |= set(TTFont(path, lazy=True).getBestCmap())
    return frozenset(points)


def replace_missing_glyphs(fig: Figure) -> list[str]:
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
    """The TTF file of the figure font (bundled with matplotlib-fontja; found without importing
    matplotlib, else asked of matplotlib's font manager)."""
    from importlib.util import find_spec

    spec = find_spec("matplotlib_fontja")
    bundled = Path(spec.origin).parent / "fonts" / "ipaexg.ttf" if spec and spec.origin else None
    if bundled is not None and bundled.exists():
        return str(bundled)
    from matplotlib import font_manager

    _plt()
    return font_manager.findfont(FONT, fallback_to_default=False)


def setup() -> None:
    """Use the bundled Japanese-capable font and a deterministic PNG writer."""
    _plt().rcParams.update({"font.family": [FONT, *FALLBACK_FONTS], "axes.unicode_minus": False, "svg.hashsalt": "discourse",
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
    """A JSON-ready stand-in for a plotting input: DataFrames and Series by their CSV text, index,
    dtypes and ``attrs``; arrays by a hash of their bytes; dataclasses (Network, CA, Clustering)
    field by field; containers element by element; anything else by ``repr``."""
    if isinstance(value, pd.Series):
        value = value.to_frame()
    if isinstance(value, pd.DataFrame):
        return {"frame": value.to_csv(), "dtypes": [str(t) for t in value.dtypes], "index": str(value.index.dtype),
                "attrs": _digest(dict(value.attrs))}
    if isinstance(value, np.ndarray):
        data = value.tobytes() if value.dtype != object else repr(value.tolist()).encode()
        return {"array": hashlib.sha256(data).hexdigest(), "shape": list(value.shape), "dtype": str(value.dtype)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"dataclass": type(value).__qualname__,
                "fields": {f.name: _digest(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    if isinstance(value, Mapping):
        return {"map": [[_digest(k), _digest(v)] for k, v in value.items()]}
    if isinstance(value, (list, tuple)):
        return [_digest(v) for v in value]
    return repr(value)


@functools.lru_cache(maxsize=1)
def _drawing_code() -> list[str]:
    """What else a drawn figure depends on: the plotting code and the versions of matplotlib and of
    the font package (read from package metadata: nothing is imported)."""
    from importlib import metadata

    versions = []
    for dist in ("matplotlib", "matplotlib-fontja", "fonttools"):
        try:
            versions.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{dist} not installed")
    return [code_fingerprint("report/figures", "report/plots_analyses", "report/build", "topics/plots", "metrics"),
            *versions]


class LazyFigure:
    """A figure not drawn yet (what the plotting functions return inside :func:`figure_cache`):
    :func:`save` copies its PNG from the cache or draws it then; any other use draws it (attributes
    are those of the matplotlib Figure, :meth:`figure` returns it)."""

    def __init__(self, key: str, draw: Callable[[], Any]):
        self.key, self._draw, self._figure = key, draw, None

    def figure(self) -> Any:
        """The matplotlib Figure (drawn on first call)."""
        if self._figure is None:
            self._figure = self._draw()
            setattr(self._figure, KEY_ATTR, self.key)
        return self._figure

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("key", "_draw", "_figure"):
            raise AttributeError(name)
        return getattr(self.figure(), name)

    def __repr__(self) -> str:
        return f"LazyFigure({self.key[:12]}, {'drawn' if self._figure is not None else 'not drawn'})"


def _key(name: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> str:
    return stable_hash([name, _digest(list(args)), _digest(dict(sorted(kwargs.items()))), _drawing_code()], 32)


def lazy(plot: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``plot(*args, **kwargs)`` (a function returning a Figure, e.g. ``topics.plot_contrast``) as a
    :class:`LazyFigure` inside :func:`figure_cache`, else drawn now and labelled as by :func:`keyed`."""
    name = f"{plot.__module__}.{plot.__qualname__}"
    if _CACHE_DIR:
        return LazyFigure(_key(name, args, kwargs), lambda: plot(*args, **kwargs))
    return keyed(plot(*args, **kwargs), name, *args, **kwargs)


def keyed(fig: Any, name: str, *args: Any, **kwargs: Any) -> Any:
    """Label ``fig`` (drawn by ``name`` from ``args`` and ``kwargs``) with a hash of those inputs, so
    that :func:`save` can reuse its PNG inside :func:`figure_cache`; returns ``fig``."""
    setattr(fig, KEY_ATTR, _key(name, args, kwargs))
    return fig


def _labelled(func: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator: the plotting function returns a :class:`LazyFigure` inside :func:`figure_cache`,
    else its Figure labelled by :func:`keyed`."""
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if _CACHE_DIR:
            return LazyFigure(_key(func.__qualname__, args, kwargs), lambda: func(*args, **kwargs))
        return keyed(func(*args, **kwargs), func.__qualname__, *args, **kwargs)
    return wrapper


def save(fig: Figure, path: str | Path, *, missing: Literal["replace", "error"] = "replace") -> Path:
    """Write ``fig`` as PNG (no timestamp metadata, so reruns are identical). A character no figure
    font can draw is drawn as 〓 with a warning naming it (``missing="replace"``), or raises
    :class:`MissingGlyphError` (``missing="error"``). Inside :func:`figure_cache`, a labelled figure
    drawn before from the same inputs is copied from the cache instead of drawn."""
    key = fig.key if isinstance(fig, LazyFigure) else getattr(fig, KEY_ATTR, None)
    if not _CACHE_DIR or key is None:
        return _draw(_drawn(fig), Path(path), missing)[0]
    entry = _CACHE_DIR[-1] / f"{key}-{missing}.bin"
    if entry.exists():
        try:
            arrays, meta = read_arrays(entry)
            _warn_replaced(Path(path), meta["replaced"])
            if not isinstance(fig, LazyFigure):
                _plt().close(fig)
            return atomic_write_bytes(Path(path), arrays["png"].tobytes())
        except (CorruptCacheEntry, KeyError, ValueError) as exc:
            log.warning("figure cache %s is damaged (%s): redrawing", entry, exc)
    path, replaced = _draw(_drawn(fig), Path(path), missing)
    write_arrays(entry, {"png": np.frombuffer(path.read_bytes(), dtype=np.uint8)}, {"replaced": replaced})
    return path


def cached_bytes(name: str, parts: Any, make: Callable[[], bytes]) -> bytes:
    """``make()``, reused inside :func:`figure_cache` from an entry keyed by ``name``, ``parts`` and
    the drawing code and font versions (a damaged entry is rebuilt); outside it, always ``make()``."""
    if not _CACHE_DIR:
        return make()
    entry = _CACHE_DIR[-1] / f"{stable_hash([name, _digest(parts), _drawing_code()], 32)}-{name}.bin"
    if entry.exists():
        try:
            return read_arrays(entry)[0]["data"].tobytes()
        except (CorruptCacheEntry, KeyError, ValueError) as exc:
            log.warning("cache entry %s is damaged (%s): rebuilding", entry, exc)
    data = make()
    write_arrays(entry, {"data": np.frombuffer(data, dtype=np.uint8)})
    return data


def _drawn(fig: Any) -> Any:
    return fig.figure() if isinstance(fig, LazyFigure) else fig


def _warn_replaced(path: Path, replaced: list[str]) -> None:
    if replaced:
        chars = ", ".join(f"{ch} (U+{ord(ch):04X})" for ch in replaced)
        message = f"{path.name}: no glyph for {chars} in {FONT} or {', '.join(FALLBACK_FONTS)}: drawn as {REPLACEMENT}"
        log.warning(message)
        warnings.warn(message, MissingGlyphWarning, stacklevel=3)


def _draw(fig: Figure, path: Path, missing: str) -> tuple[Path, list[str]]:
    """Draw ``fig`` to ``path``; return it and the characters drawn as 〓."""
    path.parent.mkdir(parents=True, exist_ok=True)
    replaced = replace_missing_glyphs(fig) if missing == "replace" else []
    _warn_replaced(path, replaced)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(path, format="png", bbox_inches="tight", metadata={"Software": None})
    _plt().close(fig)
    lost = [str(w.message) for w in caught if "missing from" in str(w.message) and "Glyph" in str(w.message)]
    if lost:
        path.unlink(missing_ok=True)
        raise MissingGlyphError(f"{path.name}: {lost[0]}: the label uses a character {FONT} cannot draw")
    return path, replaced


def _max_n_locator(**kwargs: Any) -> Any:
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(**kwargs)


class MissingGlyphWarning(UserWarning):
    """A figure label had characters no figure font can draw; they were drawn as 〓."""


@_labelled
def keyness_bars(df: pd.DataFrame, *, measure: str, n: int = 15, title: str = "",
                 colors: tuple[str, str] = (TARGET_COLOR, REFERENCE_COLOR)) -> Figure:
    """Top ``n`` terms for the target (positive, ``colors[0]``) and reference (negative, ``colors[1]``)."""
    setup()
    top = pd.concat([df.nlargest(n, measure), df.nsmallest(n, measure).iloc[::-1]])
    top = top[top[measure] != 0].drop_duplicates("term")
    fig, ax = _plt().subplots(figsize=(6, 0.28 * len(top) + 1))
    ax.barh(range(len(top)), top[measure], color=[colors[0] if v > 0 else colors[1] for v in top[measure]])
    ax.set_yticks(range(len(top)), top["term"])
    ax.invert_yaxis()
    ax.set_xlabel(measure)
    ax.set_title(title)
    return fig


@_labelled
def grouped_intervals(df: pd.DataFrame, *, item: str, group: str, value: str = "share", low: str = "ci_low",
                      high: str = "ci_high", title: str = "", xlabel: str = "",
                      colors: Mapping[str, str] | None = None) -> Figure:
    """Dot-and-interval plot: one row per item, one colour per group (e.g. frames by outlet);
    ``colors`` maps group labels to colours (default: :func:`level_colors` in order of appearance)."""
    setup()
    items, groups = list(dict.fromkeys(df[item])), list(dict.fromkeys(df[group]))
    if colors:                                   # groups in the order of the levels (target first)
        order = list(colors)
        groups = sorted(groups, key=lambda g: order.index(str(g)) if str(g) in order else len(order))
    colors = dict(colors) if colors else level_colors([str(g) for g in groups])
    fig, ax = _plt().subplots(figsize=(6.5, 0.35 * len(items) + 1.2))
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
                  styles: Mapping[str, str] | None = None) -> Figure:
    """One line per group over years, with an optional interval band (``band=(low, high)``);
    ``colors`` maps group labels to colours (default: matplotlib's cycle), ``styles`` to line styles
    (e.g. one colour per compared level, one style per frame)."""
    setup()
    colors, styles = dict(colors or {}), dict(styles or {})
    fig, ax = _plt().subplots(figsize=(6.5, 3.6))
    for g, part in df.groupby(group, sort=True):
        part = part.sort_values(year)
        line, = ax.plot(part[year], part[value], marker="o", color=colors.get(str(g)), linestyle=styles.get(str(g), "-"),
                        label=str(g))
        if band:
            ax.fill_between(part[year], part[band[0]], part[band[1]], alpha=0.15, color=line.get_color())
    ax.xaxis.set_major_locator(_max_n_locator(integer=True))
    ax.set_xlabel("年 (year)")
    ax.set_ylabel(ylabel or value)
    ax.legend(fontsize=8)
    ax.set_title(title)
    return fig


@_labelled
def crime_framings(wide: pd.DataFrame, *, title: str = "同じ数字の三つの読み方") -> Figure:
    """The framings of the crime figures side by side: index (state) vs share and rate (NGO)."""
    setup()
    panels = [c for c in ("index", "share_of_total_pct", "rate_per_100k", "offences_per_offender") if c in wide]
    labels = {"index": "指数 (基準年=100)", "share_of_total_pct": "全検挙人員に占める割合 (%)",
              "rate_per_100k": "人口10万人当たり", "offences_per_offender": "一人当たり件数"}
    fig, axes = _plt().subplots(1, len(panels), figsize=(3.2 * len(panels), 3.2), squeeze=False)
    for ax, col in zip(axes[0], panels):
        data = wide[col].dropna()
        ax.plot(data.index, data.values, marker="o", color=TARGET_COLOR if col == "index" else REFERENCE_COLOR)
        ax.xaxis.set_major_locator(_max_n_locator(integer=True, nbins=4))
        ax.set_title(labels[col], fontsize=9)
        ax.set_xlabel("年")
    fig.suptitle(title)
    fig.tight_layout()
    return fig
