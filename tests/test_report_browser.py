"""The interactive report in headless Chromium: it renders offline with no script errors, tables
sort and filter, terms in tables and points of the scatter open their KWIC lines, and Japanese is
drawn with the embedded font.

Needs ``playwright`` (the ``test`` extra; its browsers are never downloaded) and the system
Chromium at ``/usr/bin/chromium`` (Debian packages ``chromium chromium-driver``); skipped with the
reason when either is missing. One browser and one small run (keyness and collocations of the demo
corpus) serve the whole module.
"""
from __future__ import annotations

import re
import shutil
from dataclasses import asdict
from pathlib import Path

import pandas as pd
import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
ROOT = Path(__file__).resolve().parents[1]

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists() and shutil.which("chromium") is None,
                                reason="no Chromium at /usr/bin/chromium (apt-get install chromium chromium-driver)")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """A small run of the demo corpus: its folder, keyness table and tokens."""
    from discourse.experiment import load_experiment, run_experiment
    from discourse.experiment.config import TokenizeConfig
    from discourse.load import read_corpus
    from discourse.tokenize import tokenize

    tmp = tmp_path_factory.mktemp("browser")
    mp = pytest.MonkeyPatch()
    mp.setenv("DISCOURSE_CACHE", str(tmp / "cache"))
    config = tmp / "small.toml"
    config.write_text(f'name = "small"\n[compare]\nby = "side"\ntarget = "state"\nreference = "ngo"\n'
                      f'[corpus]\npath = "{(ROOT / "corpora" / "demo").as_posix()}"\n[topics]\nenabled = false\n'
                      '[framing]\nenabled = false\n[[metrics]]\nkind = "keyness"\nparams = { measure = "G2" }\n'
                      '[[metrics]]\nkind = "collocations"\nparams = { node = "外国人", window = [5, 5], min_count = 2 }\n',
                      encoding="utf-8")
    out = run_experiment(load_experiment(config))
    mp.undo()
    keyness = pd.read_csv(out / "tables" / "keyness.csv")
    settings = {**asdict(TokenizeConfig()), "user_terms": None}
    tokens = tokenize(read_corpus(ROOT / "corpora" / "demo"), **settings)
    return {"dir": out, "keyness": keyness, "tokens": tokens}


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM if CHROMIUM.exists() else shutil.which("chromium")),
                                     args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser, run):
    """The report, freshly opened; what the page logged and requested is kept on it."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.errors, page.requests = [], []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: page.requests.append(r.url))
    page.goto((run["dir"] / "report.html").as_uri())
    page.evaluate("document.fonts.ready.then(() => true)")
    yield page
    page.close()


def _table(page, caption: str, what: str = "table"):
    """The table (or, with ``what="div"``, its filter box) under the caption starting with ``caption``."""
    return page.locator(f"xpath=//h3[starts-with(., '{caption}')]/following-sibling::{what}[1]")


def _all_terms_table(page):
    """The keyness table of every term."""
    return _table(page, "every term")


def _column(table, index: int) -> list[str]:
    return table.evaluate(f"t => Array.from(t.tBodies[0].rows, r => r.cells[{index}].textContent)")


def _expected_kwic(tokens, term: str) -> list[list[str]]:
    from discourse.metrics import kwic
    from discourse.report import interactive as it

    frame = kwic(tokens, term, window=it.KWIC_WINDOW).head(it.KWIC_LINES_PER_TERM)
    return [[f"{d} ({side})", it.clip_context(l, "left"), k, it.clip_context(r, "right")] for d, side, l, k, r in
            zip(frame["doc_id"], frame["side"], frame["left"], frame["keyword"], frame["right"])]


def _panel_lines(page) -> list[list[str]]:
    page.wait_for_selector("#kwic-panel:not([hidden])")
    return page.eval_on_selector("#kwic-panel tbody", "b => Array.from(b.rows, r => Array.from(r.cells, c => c.textContent))")


def test_renders_offline_without_script_errors(page, run):
    assert page.errors == []
    own = (run["dir"] / "report.html").as_uri()
    assert [u for u in page.requests if u != own and not u.startswith("data:")] == []
    html = (run["dir"] / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)       # no CDN, no external file
    assert page.locator(".tctl input").count() == page.locator("table.it").count() > 3


def test_header_click_sorts_numerically_and_reverses(page, run):
    from discourse.report.html import _fmt

    table = _all_terms_table(page)
    shown = run["keyness"].loc[run["keyness"]["G2"].abs().sort_values(ascending=False, kind="stable").index].head(500)
    headers = table.locator("thead th")
    names = headers.evaluate_all("hs => hs.map(h => h.firstChild.textContent)")
    for column in ("G2", "p"):                               # negative values; exponents (9.81e-17)
        i = names.index(column)
        headers.nth(i).click()
        assert headers.nth(i).get_attribute("aria-sort") == "ascending"
        assert _column(table, i) == [_fmt(v) for v in shown[column].sort_values()]
        headers.nth(i).click()
        assert _column(table, i) == [_fmt(v) for v in shown[column].sort_values(ascending=False)]
    assert min(shown["G2"]) < 0 < max(shown["G2"]) and any("e-" in _fmt(v) for v in shown["p"])
    visible = table.locator("tbody tr:not([hidden]) td:first-child").all_inner_texts()
    assert visible == _column(table, 0)[:30]                # the first 30 rows of the new order
    i = names.index("G2")                                   # from the keyboard: focus the header, press Enter
    headers.nth(i).focus()
    page.keyboard.press("Enter")
    assert headers.nth(i).get_attribute("aria-sort") == "ascending"
    assert _column(table, i) == [_fmt(v) for v in shown["G2"].sort_values()]


def test_filter_keeps_the_matching_rows_and_counts_them(page, run):
    table = _all_terms_table(page)
    box = _table(page, "every term", "div")
    total = table.locator("tbody tr").count()
    assert total == min(500, len(run["keyness"]))
    assert box.locator(".count").inner_text().startswith(f"30 of {total} rows shown")
    box.locator("input").fill("外国")
    expected = [t for t in _column(table, 0) if "外国" in t]
    visible = table.locator("tbody tr:not([hidden]) td:first-child").all_inner_texts()
    assert sorted(visible) == sorted(expected) and len(expected) >= 2
    assert box.locator(".count").inner_text() == f"{len(expected)} of {total} rows"
    box.locator("input").fill("")
    assert table.locator("tbody tr:not([hidden])").count() == 30


def test_clicking_a_term_in_a_table_shows_its_kwic_lines(page, run):
    table = _table(page, "target (top 15)")
    link = table.locator("a.term").nth(3)
    term = link.get_attribute("data-term")
    link.click()
    lines = _panel_lines(page)
    assert page.locator("#kwic-panel .t").inner_text() == term
    assert lines == _expected_kwic(run["tokens"], term)      # document (side), left, keyword, right
    assert all(line[2] == term for line in lines) and len(lines) >= 1
    collocate = page.locator("table.it a.term[data-term]").filter(has_text=re.compile(".")).last
    word = collocate.get_attribute("data-term")
    collocate.click()
    assert _panel_lines(page) == _expected_kwic(run["tokens"], word)


def test_clicking_a_scatter_point_shows_its_kwic_lines_and_has_a_tooltip(page, run):
    points = page.locator("svg.scatter circle.pt")
    assert 0 < points.count() <= 300
    page.locator("svg.scatter").scroll_into_view_if_needed()
    on_top = page.evaluate("""() => Array.from(document.querySelectorAll('svg.scatter circle.pt'), (c, i) => {
        const r = c.getBoundingClientRect();
        return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) === c ? i : -1;
    }).filter(i => i >= 0)""")
    assert len(on_top) > points.count() * 0.7     # equal counts are spread: most centres are not under another point
    point = points.nth(on_top[len(on_top) // 2])
    term = point.get_attribute("data-term")
    point.hover()                                           # the tooltip, drawn in the page
    page.wait_for_selector("#tip:not([hidden])")
    tip = page.locator("#tip").text_content()
    assert point.locator("title").count() == 0 and point.get_attribute("data-tip") == tip
    point.click()
    assert page.locator("#kwic-panel .t").inner_text() == term
    assert _panel_lines(page) == _expected_kwic(run["tokens"], term)
    row = run["keyness"].set_index("term").loc[term]
    assert tip.startswith(term) and f"state: {int(row['n_target'])} (" in tip and f"ngo: {int(row['n_reference'])} (" in tip
    assert f"log ratio {row['log_ratio']:.3g}" in tip and f"p_adj {row['p_adj']:.3g}" in tip


def _fonts(page, selector: str) -> list[dict]:
    """The fonts Chromium drew a node's text with (DevTools: CSS.getPlatformFontsForNode)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    cdp.detach()
    return fonts


def test_japanese_is_drawn_with_the_embedded_font(page):
    page.locator("svg.scatter .lbl").first.dispatch_event("click")
    page.wait_for_selector("#kwic-panel:not([hidden])")
    assert page.evaluate("document.fonts.check('16px ReportJa', '外国人')")
    page.locator("svg.scatter .pt").first.dispatch_event("mouseover")
    page.wait_for_selector("#tip:not([hidden])")
    for selector in ("h2", "svg.scatter .lbl", "#kwic-panel td.l", "#kwic-panel td.kw", "table.it a.term", "#tip"):
        fonts = _fonts(page, selector)
        assert fonts and all(f["isCustomFont"] for f in fonts), (selector, fonts)   # no system fallback, no tofu
