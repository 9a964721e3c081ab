"""Figures render Japanese labels (no tofu); a missing glyph is an error; the HTML is self-contained."""
from __future__ import annotations

import base64
import re

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from discourse.report.figures import MissingGlyphError, MissingGlyphWarning, grouped_intervals, keyness_bars, level_colors, save, setup
from discourse.report.html import Report


def test_japanese_labels_render_without_missing_glyphs(tmp_path):
    df = pd.DataFrame({"term": ["来日外国人", "不法滞在者", "多文化共生", "差別"], "G2": [30.0, 20.0, -15.0, -25.0]})
    path = save(keyness_bars(df, measure="G2", title="特徴語 (国家 vs NGO)"), tmp_path / "k.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_missing_glyph_fails_when_asked(tmp_path):
    setup()
    fig, ax = plt.subplots()
    ax.set_title("\U0001F600 \u2F00\U00020BB7")  # emoji and rare ideographs absent from IPAexGothic
    with pytest.raises(MissingGlyphError, match="cannot draw"):
        save(fig, tmp_path / "bad.png", missing="error")
    assert not (tmp_path / "bad.png").exists()


def test_a_missing_glyph_is_replaced_with_a_warning_naming_it(tmp_path):
    setup()
    fig, ax = plt.subplots()
    title = ax.set_title("\U00020BB7田さんの発言")            # 𠮷 (U+20BB7): no glyph in IPAexGothic nor DejaVu Sans
    ax.set_yticks([0], ["\U00020BB7田"])
    with pytest.warns(MissingGlyphWarning, match=r"𠮷 \(U\+20BB7\).*drawn as 〓"):
        path = save(fig, tmp_path / "name.png")
    assert path.read_bytes()[:4] == b"\x89PNG" and title.get_text() == "〓田さんの発言"
    fig, ax = plt.subplots()
    ax.set_title("〓田さんの発言")                            # the same figure drawn with the replacement itself
    ax.set_yticks([0], ["〓田"])
    assert save(fig, tmp_path / "same.png").read_bytes() == path.read_bytes()


def test_level_colors_are_stable_by_position():
    assert level_colors(["yomiuri_like", "asahi_like", "other"]) == {"yomiuri_like": "#b2182b", "asahi_like": "#2166ac",
                                                                      "other": "#1b7837"}
    assert level_colors(["state", "ngo"])["state"] == level_colors(["state", "ngo", "media"])["state"]


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


def test_a_run_whose_names_lack_a_glyph_completes_and_says_so(tmp_path, monkeypatch):
    """A corpus with 𠮷田 in its texts and in the compared level (so in figure titles and legends)."""
    import json
    from pathlib import Path

    from discourse.experiment import load_experiment, run_experiment

    monkeypatch.setenv("DISCOURSE_CACHE", str(tmp_path / "cache"))
    texts = {"k1": ("\U00020BB7田事務所", "\U00020BB7田さんは外国人の犯罪が増えたと述べた。治安が心配だ。"),
             "k2": ("\U00020BB7田事務所", "\U00020BB7田事務所は外国人犯罪の対策を求めた。治安の強化が必要だ。"),
             "m1": ("山田会", "山田会は外国人の人権を守ると述べた。差別に反対する。"),
             "m2": ("山田会", "外国人との共生が大切だと山田会は話した。差別をなくそう。")}
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps({"doc_id": d, "text": t, "side": "other", "actor": a, "date": "2020"}, ensure_ascii=False)
                              + "\n" for d, (a, t) in texts.items()), encoding="utf-8")
    config = tmp_path / "names.toml"
    config.write_text('name = "names"\n[compare]\nby = "actor"\ntarget = "\U00020BB7田事務所"\nreference = "山田会"\n'
                      '[corpus]\npath = "corpus.jsonl"\n[topics]\nenabled = false\n[framing]\nenabled = false\n'
                      '[[metrics]]\nkind = "keyness"\nparams = { measure = "G2" }\n'
                      '[[metrics]]\nkind = "cooccurrence"\nparams = { a = "foreigner", b = "crime", n_boot = 20 }\n',
                      encoding="utf-8")
    out = run_experiment(load_experiment(config))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "ok" and {"figures/keyness.png", "figures/cooccurrence.png"} <= set(manifest["files"])
    assert any("U+20BB7" in w and "keyness.png" in w for w in manifest["warnings"])
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "\U00020BB7田事務所 vs 山田会" in page and "U+20BB7" in page      # text keeps the name; the note says what the figure shows
    assert Path(out / "figures" / "keyness.png").read_bytes()[:4] == b"\x89PNG"


def test_statistic_columns_link_to_their_explanation(tmp_path):
    """Every statistic column in a table links to the glossary, which explains it (what, how to read,
    pitfall); the glossary covers every page of the statistics mapping."""
    import re

    import pandas as pd

    from discourse.report.html import Report, statistics

    report = Report("t")
    s = report.section("k", "keyness")
    s.tables.append(("key", pd.DataFrame({"term": ["外国人"], "G2": [12.5], "p_adj": [0.01], "dp_target": [0.2], "n_target": [3]})))
    page = report.write_html(tmp_path / "r.html").read_text(encoding="utf-8")
    for anchor in ("stat-g2", "stat-p-adj", "stat-dp"):
        assert f'href="#{anchor}"' in page and f'id="{anchor}"' in page
    assert 'href="#stat-' not in page.split("<th>n_target</th>")[0].split("dp_target")[1]   # n_target is a count: no link
    assert len(re.findall(r'<h3 id="stat-', page)) == 3 and "How to read it:" in page and "Pitfall:" in page
    table = statistics()
    anchors = {e["anchor"] for e in table["columns"].values()}
    assert anchors == set(table["explain"]), "every statistics page has an explanation and vice versa"
