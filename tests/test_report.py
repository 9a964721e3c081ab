"""Figures render Japanese labels (no tofu); a missing glyph is an error; the HTML is self-contained."""
from __future__ import annotations

import base64
import re

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from discourse.report.figures import MissingGlyphError, grouped_intervals, keyness_bars, save, setup
from discourse.report.html import Report


def test_japanese_labels_render_without_missing_glyphs(tmp_path):
    df = pd.DataFrame({"term": ["来日外国人", "不法滞在者", "多文化共生", "差別"], "G2": [30.0, 20.0, -15.0, -25.0]})
    path = save(keyness_bars(df, measure="G2", title="特徴語 (国家 vs NGO)"), tmp_path / "k.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_missing_glyph_fails(tmp_path):
    setup()
    fig, ax = plt.subplots()
    ax.set_title("\U0001F600 \u2F00\U00020BB7")  # emoji and rare ideographs absent from IPAexGothic
    with pytest.raises(MissingGlyphError, match="cannot draw"):
        save(fig, tmp_path / "bad.png")
    assert not (tmp_path / "bad.png").exists()


def test_png_is_byte_identical_across_renders(tmp_path):
    df = pd.DataFrame({"frame": ["治安", "人権"] * 2, "side": ["state", "state", "ngo", "ngo"],
                       "share": [.3, .1, .05, .4], "ci_low": [.2, .05, .01, .3], "ci_high": [.4, .15, .1, .5]})
    a = save(grouped_intervals(df, item="frame", group="side"), tmp_path / "a.png").read_bytes()
    b = save(grouped_intervals(df, item="frame", group="side"), tmp_path / "b.png").read_bytes()
    assert a == b


def test_html_report_embeds_figures_and_links_terms_to_kwic(tmp_path):
    df = pd.DataFrame({"term": ["外国人"], "G2": [12.5]})
    png = save(keyness_bars(df, measure="G2"), tmp_path / "k.png")
    report = Report("テスト")
    anchor = report.anchor("外国人")
    s = report.section("keyness", "特徴語")
    s.tables.append(("state vs ngo", df))
    s.figures.append(("keyness", png))
    out = report.write_html(tmp_path / "report.html").read_text(encoding="utf-8")
    assert f'href="#{anchor}"' in out
    embedded = re.search(r"data:image/png;base64,([A-Za-z0-9+/=]+)", out).group(1)
    assert base64.b64decode(embedded) == png.read_bytes()
    assert "src='http" not in out and 'src="http' not in out


def test_html_embeds_a_font_subset_that_covers_its_japanese(tmp_path):
    import io

    from fontTools.ttLib import TTFont

    report = Report("外国人犯罪と人権", "多文化共生")
    report.section("s", "特徴語").paragraphs.append("来日外国人・不法滞在者")
    out = report.write_html(tmp_path / "r.html").read_text(encoding="utf-8")
    data = re.search(r"data:font/ttf;base64,([A-Za-z0-9+/=]+)", out).group(1)
    font = TTFont(io.BytesIO(base64.b64decode(data)))
    cmap = font.getBestCmap()
    for ch in "外国人犯罪と権多文化共生特徴語来日不法滞在者":
        assert ord(ch) in cmap, ch
    assert len(data) < 200_000  # a subset, not the whole 4 MB font
