"""The Japanese-capable figure font (IPAexGothic from ``matplotlib-fontja``), loaded lazily.

Importing this module imports no matplotlib and switches no backend: :func:`japanese_font`
registers the font the first time a figure is built, and :func:`new_figure` makes a
``matplotlib.figure.Figure`` without pyplot.

Example
-------
>>> with japanese_font():                       # doctest: +SKIP
...     fig = new_figure(figsize=(4, 3))
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Iterator

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FONT = "IPAexGothic"
SIDE_COLORS = {"state": "#b2182b", "ngo": "#2166ac", "media": "#6a6a6a", "international": "#1b7837", "other": "#999999"}
FONT_RC = {"font.family": FONT, "axes.unicode_minus": False}


def register_font() -> None:
    """Make IPAexGothic known to matplotlib (importing ``matplotlib_fontja`` registers it)."""
    import matplotlib_fontja  # noqa: F401


@contextmanager
def japanese_font() -> Iterator[None]:
    """Build figures inside this context: text objects take IPAexGothic."""
    import matplotlib

    register_font()
    with matplotlib.rc_context(FONT_RC):
        yield


def new_figure(**kwargs: Any) -> "Figure":
    """A ``matplotlib.figure.Figure`` (no pyplot, no backend switch); ``kwargs`` go to ``Figure``."""
    from matplotlib.figure import Figure

    return Figure(**kwargs)
