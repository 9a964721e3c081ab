"""Figures render Japanese labels (no tofu); a missing glyph is an error; the HTML is self-contained."""
from __future__ import annotations

import base64
import re

import numpy as np

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
    assert "<th>n_target</th>" in page                      # n_target is a count: no link
    assert len(re.findall(r'<h3 id="stat-', page)) == 3 and "How to read it:" in page and "Pitfall:" in page
    table = statistics()
    anchors = {e["anchor"] for e in table["columns"].values()}
    assert anchors == set(table["explain"]), "every statistics page has an explanation and vice versa"


# --- the interactive parts (the browser tests are in test_report_browser.py) -----------------------
def _cells(page: str) -> list[list[str]]:
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in body.split("</tr>") if row]


def test_a_table_embeds_rows_up_to_the_cap_and_carries_exact_values_for_sorting():
    from discourse.report.html import table_html

    df = pd.DataFrame({"term": [f"語{i}" for i in range(12)], "G2": [3.14159 * (-1) ** i * 10 ** (i - 4) for i in range(12)],
                       "n": list(range(12)), "share": [0.5] * 12})
    page = table_html(df, max_rows=5, cap=10)
    rows = _cells(page)
    assert len(rows) == 10 and "data-display='5'" in page and "The first 10 of 12 rows" in page
    assert [r[0] for r in rows] == [f"語{i}" for i in range(10)]                 # no KWIC data: plain text
    assert len(re.findall(r'data-v="', page)) == 9      # the rounded G2 values (-314159 is shown whole; n, share exact)
    for text, value in (("0.000314", "0.000314159"), ("3.14", "3.14159"), ("-3.14e+03", "-3141.59"),
                        ("31,416", "31415.9")):
        assert f'<td data-v="{value}">{text}</td>' in page
    assert "<td>7</td><td>0.5</td>" in page and "<td>-314159</td>" in page
    assert table_html(df, max_rows=5).count("<tr>") == 13 and "The first" not in table_html(df)


def test_term_cells_link_to_kwic_lines_when_the_page_has_some():
    from discourse.report.html import table_html

    df = pd.DataFrame({"collocate": ["人権", "治安"], "prob": ["犯罪・来日外国人", "差別"], "v": [1.0, 2.0]})
    page = table_html(df, {"治安": "kwic-0"}, kwic={"人権": {}, "犯罪": {}, "差別": {}})
    rows = _cells(page)
    assert rows[0][0] == '<a class="term" href="#kwic" data-term="人権">人権</a>'
    assert rows[1][0] == '<a href="#kwic-0">治安</a>'                            # a static block only
    assert rows[0][1] == '<a class="term" href="#kwic" data-term="犯罪">犯罪</a>・来日外国人'
    from discourse.report.interactive import table_terms

    assert table_terms(df) == ["人権", "治安", "犯罪", "来日外国人", "差別"]


def test_kwic_lines_are_the_first_lines_of_kwic_for_each_term():
    from discourse.metrics import kwic
    from discourse.report.interactive import clip_context, kwic_lines
    from discourse.tokens import Tokens

    docs = [["来日", "外国人", "犯罪", "が", "増加", "し", "た"], ["外国人", "の", "人権", "を", "守る"],
            ["外国人", "住民", "と", "外国人", "労働者", "の", "人権"]]
    toks = Tokens.from_lists(docs, docvars=pd.DataFrame({"side": ["state", "ngo", "ngo"]}, index=["d1", "d2", "d3"]))
    data = kwic_lines(toks, ["外国人", "人権", "不在", "外国人 労働者"], window=2, max_lines=3, max_chars=4, group="side")
    assert list(data) == ["外国人", "人権", "外国人 労働者"]                        # a term that never occurs: none
    assert data["外国人"]["n"] == 4 and len(data["外国人"]["lines"]) == 3 and data["外国人 労働者"]["n"] == 1
    for term, entry in data.items():
        frame = kwic(toks, term, window=2, valuetype="fixed").head(3)
        assert entry["lines"] == [[f"{d} ({s})", clip_context(l, "left", 4), k, clip_context(r, "right", 4)]
                                  for d, s, l, k, r in zip(frame["doc_id"], frame["side"], frame["left"], frame["keyword"], frame["right"])]
    assert data["外国人"]["lines"][0] == ["d1 (state)", "来日 ", "外国人", " 犯罪 "]       # right: " 犯罪 が", cut to 4
    assert data["人権"]["lines"][0] == ["d2 (ngo)", "人 の ", "人権", " を 守"]


def _keyness_frame(n: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    a, c = rng.integers(0, 60, n), rng.integers(0, 60, n)
    lr = np.log2((np.maximum(a, .5) / 1000) / (np.maximum(c, .5) / 2000))
    return pd.DataFrame({"term": [f"語{i:02d}" for i in range(n)], "G2": lr * 3, "p_adj": np.linspace(.001, .9, n),
                         "log_ratio": lr, "n_target": a, "n_reference": c})


def test_the_scatter_caps_points_places_them_by_rate_and_labels_without_overlap():
    from discourse.report.interactive import select_points, term_scatter_svg

    df = _keyness_frame()
    df.loc[[0, 1, 2], ["n_target", "n_reference", "log_ratio", "G2"]] = [70, 140, 0.0, 0.0]  # equal rates: on the diagonal
    svg = term_scatter_svg(df, stat="G2", target="国", reference="NGO", n_target_tokens=1000, n_reference_tokens=2000,
                           max_points=25, n_labels=4, colors=("#ff0000", "#0000ff"))
    circles = re.findall(r"<circle class='pt' cx='([\d.]+)' cy='([\d.]+)' r='4' fill='(#\w+)' data-term='([^']+)'>"
                         r"<title>([^<]+)</title>", svg)
    chosen = select_points(df, stat="G2", max_points=25)
    assert len(circles) == 25 and {c[3] for c in circles} == set(chosen["term"])
    key = set(df.loc[df["G2"].abs().sort_values(ascending=False).index[:13], "term"])
    busy = set(df.drop(index=df.index[df["term"].isin(key)]).assign(n=lambda d: d.n_target + d.n_reference)
               .sort_values("n", ascending=False, kind="stable")["term"][:12])
    assert set(chosen["term"]) == key | busy
    pos = {c[3]: (float(c[0]), float(c[1]), c[2], c[4]) for c in circles}
    left, top, w, h = 60, 20, 760 - 80, 560 - 70
    rates = np.log10(np.r_[np.maximum(chosen.n_reference, .5) / 2, np.maximum(chosen.n_target, .5)])  # per 1,000
    lo, hi = np.floor(rates.min()), np.ceil(rates.max())                  # one range of decades for both axes
    expected = {}
    for term, (x, y, fill, tip) in pos.items():
        row = df.set_index("term").loc[term]
        rx = np.log10(max(row.n_reference, .5) / 2000 * 1000)
        ry = np.log10(max(row.n_target, .5) / 1000 * 1000)
        expected[term] = (left + (rx - lo) / (hi - lo) * w, top + (1 - (ry - lo) / (hi - lo)) * h)
        assert tip.startswith(f"{term}\n国: {int(row.n_target)} (") and f"p_adj {row.p_adj:.3g}" in tip
        if row.log_ratio >= 3:                    # full colour from a log ratio of 3
            assert fill == "#ff0000"
        elif row.log_ratio <= -3:
            assert fill == "#0000ff"
    places = pd.DataFrame(expected, index=["x", "y"]).T.round(1)
    places["n"] = places.groupby(["x", "y"])["x"].transform("size")
    assert (places["n"] > 1).any()                                            # equal counts share a place ...
    for term, (ex, ey, n) in places.iterrows():
        x, y = pos[term][:2]
        assert abs(x - ex) <= (0.1 if n == 1 else 12.1) and abs(y - ey) <= (0.1 if n == 1 else 12.1)
    for (ex, ey), group in places[places["n"] > 1].groupby(["x", "y"]):    # ... spread around it, mean kept
        assert np.mean([pos[t][0] for t in group.index]) == pytest.approx(ex, abs=0.1)
        assert len({pos[t][:2] for t in group.index}) == len(group)
    if "語00" in pos:
        assert pos["語00"][2] == "#bbbbbb"
    labels = re.findall(r"<text class='lbl' x='([\d.]+)' y='([\d.]+)' data-term='([^']+)'>", svg)
    assert 0 < len(labels) <= 8
    boxes = [(float(x), float(y) - 12, float(x) + 11 * len(t), float(y)) for x, y, t in labels]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])
    ranked = term_scatter_svg(df, stat="G2", target="国", reference="NGO", n_target_tokens=1000, n_reference_tokens=2000,
                              max_points=25, scale="rank")
    ys = {t: float(y) for y, t in re.findall(r"cy='([\d.]+)' r='4' fill='#\w+' data-term='([^']+)'", ranked)}
    tied = ["語00", "語01", "語02"]          # the three largest target counts (70): average rank 24 of 25
    assert np.mean([ys[t] for t in tied]) == pytest.approx(top + (1 - 23 / 24) * h, abs=0.1)
    assert "rank of the rate" in ranked and "per 1,000" not in ranked.split("<circle")[0]
    with pytest.raises(ValueError, match="scale='sqrt'"):
        term_scatter_svg(df, stat="G2", target="a", reference="b", n_target_tokens=1, n_reference_tokens=1, scale="sqrt")


def test_the_page_embeds_kwic_json_safely_and_its_font_covers_lines_and_scatter(tmp_path):
    import io
    import json

    from fontTools.ttLib import TTFont

    from discourse.report.interactive import term_scatter_svg

    report = Report("t")
    s = report.section("k", "keyness")
    s.tables.append(("key", pd.DataFrame({"term": ["外国人", "未知"], "G2": [1.0, 2.0]})))
    svg = term_scatter_svg(pd.DataFrame({"term": ["鬱"], "G2": [5.0], "log_ratio": [1.0], "n_target": [3], "n_reference": [1]}),
                           stat="G2", target="甲", reference="乙", n_target_tokens=100, n_reference_tokens=100)
    s.raw_html.append(svg)
    report.link_terms(["鬱"])
    asked = []

    def lookup(terms):
        asked.append(terms)
        return {t: {"n": 1, "lines": [["d1", "</script><b>躑躅", t, "薔薇"]]} for t in terms if t != "未知"}

    report.kwic_lookup = lookup
    page = report.write_html(tmp_path / "r.html").read_text(encoding="utf-8")
    assert asked == [["外国人", "未知", "鬱"]]                                  # each term looked up once
    block = re.search(r"<script type='application/json' id='kwic-data'>(.*?)</script>", page, re.S).group(1)
    assert "</" not in block and json.loads(block)["外国人"]["lines"][0][1] == "</script><b>躑躅"
    assert 'data-term="外国人"' in page and 'data-term="未知"' not in page
    data = re.search(r"data:font/ttf;base64,([A-Za-z0-9+/=]+)", page).group(1)
    cmap = TTFont(io.BytesIO(base64.b64decode(data))).getBestCmap()
    for ch in "躑躅薔薇鬱甲乙外国人":
        assert ord(ch) in cmap, ch
