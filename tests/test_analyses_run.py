"""The analyses reachable from configs, the report and the CLI: network, correspondence analysis,
clustering, dispersion (``[[metrics]]`` kinds) and claims / frames against the official figures
(``[statistics]``), each checked against an independent computation or a published value."""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from discourse.cli import main
from discourse.errors import ConfigError
from discourse.experiment import load_experiment, run_experiment, validate_inputs
from discourse.experiment.analyses import claims_checked, claims_summary
from discourse.experiment.config import StatisticsConfig, TokenizeConfig

ROOT = Path(__file__).resolve().parents[1]
DEMO = (ROOT / "corpora" / "demo").as_posix()
STATS = ROOT / "corpora" / "statistics" / "crime_figures.csv"
GOLD = ROOT / "corpora" / "demo" / "annotations" / "gold.jsonl"
CONFIG = f'''name = "analyses"
seed = 7
[compare]
by = "side"
target = "state"
reference = "ngo"
over = "year"
[corpus]
path = "{DEMO}"
filters = {{ side = ["state", "ngo"], language = "ja" }}
[topics]
enabled = false
[framing]
tune_C = false
learning_curve = false
n_boot = 20
prevalence_labels = "gold"
[statistics]
claims = true
claim_frames = ["statistical_threat", "statistical_rebuttal"]
indicator = "raini_penal_persons"
frames = ["statistical_threat", "crime_threat"]
lags = [0, 1]
[outputs]
dir = "runs"
[[metrics]]
kind = "network"
name = "docs"
params = {{ unit = "document", min_freq = 15, top_edges = 25 }}
[[metrics]]
kind = "correspondence"
name = "actor"
params = {{ by = "actor", n_terms = 25 }}
[[metrics]]
kind = "clustering"
name = "terms"
params = {{ n_terms = 15, n_clusters = 3 }}
[[metrics]]
kind = "dispersion"
name = "two"
params = {{ terms = ["外国人", "共生", "存在しない語"] }}
[[metrics]]
kind = "term_trends"
name = "two"
params = {{ terms = ["外国人", "共生"], n_boot = 20 }}
[[metrics]]
kind = "frequency"
name = "side"
params = {{ min_count = 3 }}
[[metrics]]
kind = "keyness_over"
name = "year"
params = {{ n_top = 5 }}
'''


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    """One reduced run of every new kind and of [statistics] (shared by the tests below)."""
    tmp = tmp_path_factory.mktemp("analyses")
    mp = pytest.MonkeyPatch()
    mp.setenv("DISCOURSE_CACHE", str(tmp / "cache"))
    mp.setenv("DISCOURSE_PATHS", str(tmp))
    try:
        path = tmp / "analyses.toml"
        path.write_text(CONFIG, encoding="utf-8")
        yield run_experiment(load_experiment(path))
    finally:
        mp.undo()


@pytest.fixture(scope="module")
def doc_terms() -> dict[str, list[str]]:
    """The run's tokens, per document, as plain lists (the same corpus and tokenizer settings)."""
    from discourse.load import read_corpus
    from discourse.tokenize import tokenize

    corpus = read_corpus(DEMO).subset(side=["state", "ngo"], language="ja")
    tokens = tokenize(corpus, **{**asdict(TokenizeConfig()), "user_terms": None})
    ids, vocab, ptr = np.asarray(tokens.ids), list(tokens.vocab), np.asarray(tokens.doc_ptr)
    return {d: [vocab[i] for i in ids[ptr[k]:ptr[k + 1]]] for k, d in enumerate(tokens.doc_ids)}


def _table(run: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(run / "tables" / f"{name}.csv")


def _docvars() -> pd.DataFrame:
    from discourse.load import read_corpus

    return read_corpus(DEMO).subset(side=["state", "ngo"], language="ja").docvars


# --- network ---------------------------------------------------------------------------------------
def test_network_edges_are_jaccard_of_hand_counted_2x2(run, doc_terms):
    edges, nodes = _table(run, "network_docs_edges"), _table(run, "network_docs")
    docs = {d: set(t) for d, t in doc_terms.items()}
    assert len(edges) == 25 and set(nodes["term"]) == set(edges["term_a"]) | set(edges["term_b"])
    for e in edges.itertuples():
        both = sum(e.term_a in s and e.term_b in s for s in docs.values())            # the 2x2 table of documents
        a_only = sum(e.term_a in s and e.term_b not in s for s in docs.values())
        b_only = sum(e.term_b in s and e.term_a not in s for s in docs.values())
        assert (e.n_both, e.freq_a, e.freq_b) == (both, both + a_only, both + b_only)
        assert e.weight == pytest.approx(both / (both + a_only + b_only))
    freq = Counter(t for s in docs.values() for t in s)
    pairs = Counter()
    candidates = sorted(t for t, n in freq.items() if n >= 15)
    for s in docs.values():
        present = [t for t in candidates if t in s]
        pairs.update((a, b) for i, a in enumerate(present) for b in present[i + 1:])
    best = sorted(((n / (freq[a] + freq[b] - n), n, a, b) for (a, b), n in pairs.items()), key=lambda r: (-r[0], -r[1], r[2], r[3]))
    assert edges["weight"].tolist() == pytest.approx([r[0] for r in best[:25]])     # the strongest 25, by brute force


def test_network_nodes_say_which_side_over_uses_them(run, doc_terms):
    nodes, side = _table(run, "network_docs"), _docvars()["side"]
    for row in nodes.head(8).itertuples():
        t = sum(doc_terms[d].count(row.term) for d in doc_terms if side[d] == "state")
        r = sum(doc_terms[d].count(row.term) for d in doc_terms if side[d] == "ngo")
        nt = sum(len(doc_terms[d]) for d in doc_terms if side[d] == "state")
        nr = sum(len(doc_terms[d]) for d in doc_terms if side[d] == "ngo")
        lr = np.log2(((t + 0.5) / nt) / ((r + 0.5) / nr)) if (t == 0 or r == 0) else np.log2((t / nt) / (r / nr))
        assert row.log_ratio == pytest.approx(lr, abs=1e-9) and row.group == ("state" if lr > 0 else "ngo")
        assert row.n_tokens == t + r


# --- correspondence analysis -------------------------------------------------------------------------
def _inertias_by_svd(table: np.ndarray) -> np.ndarray:
    p = table / table.sum()
    r, c = p.sum(axis=1), p.sum(axis=0)
    s = (p - np.outer(r, c)) / np.sqrt(np.outer(r, c))
    return np.linalg.svd(s, compute_uv=False)[: min(table.shape) - 1] ** 2


def test_ca_inertias_equal_a_numpy_svd_and_the_library_on_the_same_crosstab(run, doc_terms):
    from discourse.metrics import correspondence

    inertia, coords = _table(run, "correspondence_actor_inertia"), _table(run, "correspondence_actor")
    actor = _docvars()["actor"]
    counts = Counter((t, actor[d]) for d, terms in doc_terms.items() for t in terms)
    totals = Counter(t for d, terms in doc_terms.items() for t in terms)
    top = sorted(totals, key=lambda t: (-totals[t], t))[:25]
    levels = sorted(set(actor))
    cross = pd.DataFrame([[counts[(t, a)] for a in levels] for t in top], index=top, columns=levels)
    cross = cross.loc[:, cross.sum() > 0]
    expected = _inertias_by_svd(cross.to_numpy(float))
    assert inertia["inertia"].to_numpy() == pytest.approx(expected[: len(inertia)], rel=1e-6)
    assert inertia["inertia"].tolist() == pytest.approx(correspondence(cross).inertia["inertia"].tolist(), rel=1e-9)
    rows = coords[coords["point"] == "row"]
    assert rows["label"].tolist() == top and rows["mass"].to_numpy() == pytest.approx(cross.sum(axis=1) / cross.to_numpy().sum())
    assert set(coords.loc[coords["point"] == "column", "label"]) == set(cross.columns)


# --- clustering ------------------------------------------------------------------------------------
def test_clustering_leaves_and_clusters_match_scipy_on_hand_built_profiles(run, doc_terms):
    from scipy.cluster import hierarchy
    from scipy.spatial.distance import pdist

    leaves = _table(run, "clustering_terms")
    totals = Counter(t for terms in doc_terms.values() for t in terms)
    top = sorted(totals, key=lambda t: (-totals[t], t))[:15]
    profiles = np.array([[t in set(terms) for terms in doc_terms.values()] for t in top])
    link = hierarchy.linkage(pdist(profiles, "jaccard"), "ward")
    assert leaves["leaf"].tolist() == list(range(1, 16))
    assert leaves["term"].tolist() == [top[i] for i in hierarchy.leaves_list(link)]
    assert leaves["freq"].tolist() == [totals[t] for t in leaves["term"]]
    raw = dict(zip(top, hierarchy.fcluster(link, 3, "maxclust")))
    same = lambda a, b: raw[a] == raw[b]                     # noqa: E731 - the partition, whatever the numbers
    got = dict(zip(leaves["term"], leaves["cluster"]))
    assert all(same(a, b) == (got[a] == got[b]) for a in top for b in top)
    assert leaves["cluster"].is_monotonic_increasing and leaves["cluster"].iloc[0] == 1   # numbered from the first leaf


# --- dispersion ------------------------------------------------------------------------------------
def test_dispersion_positions_count_every_occurrence(run, doc_terms):
    pos, docs = _table(run, "dispersion_two"), _table(run, "dispersion_two_docs")
    side = _docvars()["side"]
    for term in ("外国人", "共生"):
        for group in ("state", "ngo"):
            expected = sum(doc_terms[d].count(term) for d in doc_terms if side[d] == group)
            assert ((pos["term"] == term) & (pos["group"] == group)).sum() == expected
    assert "存在しない語" not in set(pos["term"])
    assert ((docs["end"] - docs["start"]) == [len(doc_terms[d]) for d in docs["doc_id"]]).all()
    first = pos.iloc[0]
    doc = docs[docs["doc_id"] == first["doc_id"]].iloc[0]
    assert doc_terms[first["doc_id"]][first["position"] - doc["start"]] == first["term"]


def test_term_trends_and_frequency_tables_by_hand(run, doc_terms):
    trends, freq = _table(run, "term_trends_two"), _table(run, "frequency_side")
    dv = _docvars()
    for row in trends.sample(6, random_state=0).itertuples():
        docs = [d for d in doc_terms if dv.loc[d, "side"] == row.side and dv.loc[d, "year"] == row.year]
        hits, size = sum(doc_terms[d].count(row.term) for d in docs), sum(len(doc_terms[d]) for d in docs)
        assert (row.n_docs, row.freq, row.n_tokens) == (len(docs), hits, size)
        assert row.per_10k == pytest.approx(10_000 * hits / size) and row.ci_low <= row.per_10k <= row.ci_high
    for row in freq.head(5).itertuples():
        docs = [d for d in doc_terms if dv.loc[d, "side"] == row.group]
        assert row.freq == sum(doc_terms[d].count(row.term) for d in docs)
        assert row.docfreq == sum(row.term in doc_terms[d] for d in docs)
    assert (freq["freq"] >= 3).all()
    html = (run / "report.html").read_text(encoding="utf-8")
    for key in ("term_trends_two", "frequency_side", "keyness_over_year"):
        assert f'<h2 id="{key}">' in html
    assert (run / "figures" / "term_trends_two.png").is_file()


# --- frames against the figures ----------------------------------------------------------------------
def _series(indicator: str, scope: str = "general_penal") -> pd.Series:
    t = pd.read_csv(STATS)
    t = t[(t["indicator"] == indicator) & (t["scope_group"] == scope) & t["value_kind"].isin(["stated", "derived"])]
    return t.drop_duplicates("year").set_index("year")["value"]


def test_frames_vs_figures_correlation_from_the_gold_labels_by_hand(run):
    vs = _table(run, "frames_vs_figures")
    labels = pd.read_json(GOLD, lines=True)
    dv = _docvars()
    labels = labels[labels["doc_id"].isin(dv.index)]
    rows = pd.DataFrame([{"doc_id": r.doc_id, "frames": set(r.frames) if isinstance(r.frames, list) else set()}
                         for r in labels.itertuples()]) if "frames" in labels else None
    assert rows is not None, "gold.jsonl rows carry a list of frames"
    rows["side"], rows["year"] = dv.loc[rows["doc_id"], "side"].to_numpy(), dv.loc[rows["doc_id"], "year"].to_numpy()
    figure = _series("raini_penal_persons")
    for frame in ("statistical_threat", "crime_threat"):
        for side in ("state", "ngo"):
            part = rows[rows["side"] == side]
            share = part.assign(on=[frame in f for f in part["frames"]]).groupby("year")["on"].mean()
            years = [y for y in share.index if y in figure.index]
            got = vs[(vs["frame"] == frame) & (vs["side"] == side) & (vs["lag"] == 0)].iloc[0]
            assert got["n"] == len(years)
            assert got["pearson"] == pytest.approx(stats.pearsonr(share[years], figure[years]).statistic)
            lagged = [y for y in share.index if y - 1 in figure.index]
            a, b = share[lagged].to_numpy(float), figure[[y - 1 for y in lagged]].to_numpy(float)
            got1 = vs[(vs["frame"] == frame) & (vs["side"] == side) & (vs["lag"] == 1)].iloc[0]
            assert got1["n"] == len(lagged)
            if np.ptp(a) > 0:                                  # a frame absent in every such year has no correlation
                assert got1["pearson"] == pytest.approx(stats.pearsonr(a, b).statistic)
            else:
                assert np.isnan(got1["pearson"])
    assert vs["warning"].str.contains("yearly points").all()


def test_claims_of_the_run_come_from_the_claim_frames_and_add_up(run):
    checked, summary = _table(run, "claims_checked"), _table(run, "claims_summary").set_index("group")
    assert len(checked) > 50
    assert checked["frames"].str.split("+").map(lambda fs: set(fs) <= {"statistical_threat", "statistical_rebuttal"}).all()
    for group in ("state", "ngo", "all"):
        part = checked if group == "all" else checked[checked["side"] == group]
        assert summary.loc[group, "n_claims"] == len(part)
        assert summary.loc[group, "matches"] == (part["status"] == "matches").sum()
        assert summary.loc[group, "growth_vs_share"] == part["growth_vs_share"].sum()
    figure = _series("raini_penal_persons")
    sure = checked[(checked["indicator"] == "raini_penal_persons") & (checked["kind"] == "count") & checked["year"].isin(figure.index)
                   & (checked["figure_scope"] == "general_penal")]
    assert len(sure) and (sure["figure"].to_numpy() == figure[sure["year"]].to_numpy()).all()


def _labels(sentences: list[tuple[str, str, dict[str, int]]]) -> pd.DataFrame:
    return pd.DataFrame([{"doc_id": d, "text": t, "statistical_threat": f.get("threat", 0),
                          "statistical_rebuttal": f.get("rebuttal", 0)} for d, t, f in sentences])


def test_claims_verdicts_on_constructed_sentences_with_known_figures():
    raini, foreign = _series("raini_penal_persons"), _series("foreign_all_penal_persons")
    table = pd.read_csv(STATS, dtype={"nationality": str})
    labels = _labels([
        ("a", f"平成16年の来日外国人の検挙人員は{int(raini[2004]):,}人だった。", {"threat": 1}),
        ("a", f"平成16年の来日外国人の検挙人員は{int(raini[2004]) + 1000:,}人だった。", {"threat": 1}),
        ("b", f"平成16年の来日外国人の検挙人員は{int(foreign[2004]):,}人だった。", {"rebuttal": 1}),
        ("b", f"平成16年の来日外国人の検挙人員は{int(raini[2004]):,}人だった。", {}),        # not coded: not read
    ])
    docvars = pd.DataFrame({"side": ["state", "ngo"], "year": [2005, 2005]}, index=pd.Index(["a", "b"], name="doc_id"))
    cfg = StatisticsConfig(claims=True, claim_frames=("statistical_threat", "statistical_rebuttal"))
    checked = claims_checked(labels, docvars, None, cfg, table, by="side")
    assert checked["status"].tolist() == ["matches", "differs", "differs"]
    assert checked["figure"].tolist() == [raini[2004]] * 3
    assert checked["population_mixing"].tolist() == [False, False, True]
    assert checked["frames"].tolist() == ["statistical_threat", "statistical_threat", "statistical_rebuttal"]
    assert checked["side"].tolist() == ["state", "state", "ngo"] and checked["doc_year"].tolist() == [2005] * 3
    summary = claims_summary(checked, "side").set_index("group")
    assert summary.loc["state", ["n_claims", "matches", "differs"]].tolist() == [2, 1, 1]
    assert summary.loc["all", "population_mixing"] == 1
    every = claims_checked(labels, docvars, None, StatisticsConfig(claims=True), table)
    assert len(every) == 4                                               # no claim_frames: every sentence


# --- report ----------------------------------------------------------------------------------------
def test_report_has_the_sections_figures_and_the_embedded_network(run):
    html = (run / "report.html").read_text(encoding="utf-8")
    for key in ("network_docs", "correspondence_actor", "clustering_terms", "dispersion_two", "statistics"):
        assert f'<h2 id="{key}">' in html
    for png in ("network_docs", "correspondence_actor", "clustering_terms", "dispersion_two", "frames_vs_figures"):
        assert (run / "figures" / f"{png}.png").is_file()
    page = (run / "figures" / "network_docs.html").read_text(encoding="utf-8")
    assert "<svg" in page and "<script src" not in page and "http" not in page.replace("http://www.w3.org/2000/svg", "")
    edges = _table(run, "network_docs_edges")
    assert html.count('<svg id="net-network_docs"') == 1 and 'getElementById("net-network_docs")' in html
    assert html.count('<line class="e" data-a=') == len(edges)                      # every edge drawn, inline
    assert "<script src" not in html
    assert "yearly points" in html and "Read with care" in html                          # the warning paragraph
    assert "存在しない語" in html                                                          # the missing term is named
    assert "verdicts by group" in html and "population_mixing" in html


def test_clicking_a_node_of_the_embedded_network_in_chromium_shows_its_edges(run, tmp_path):
    import re
    import shutil
    import subprocess

    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser is None:
        pytest.skip("no headless Chromium on this machine")
    edges = _table(run, "network_docs_edges")
    term = pd.concat([edges["term_a"], edges["term_b"]]).value_counts().index[0]
    click = (f"<script>document.querySelector('#net-network_docs g.n[data-t=\"{term}\"]')"
             ".dispatchEvent(new MouseEvent('click', {bubbles: true}));</script></body>")
    page = tmp_path / "report.html"
    page.write_text((run / "report.html").read_text(encoding="utf-8").replace("</body>", click), encoding="utf-8")
    dom = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=120).stdout
    svg = dom[dom.index('<svg id="net-network_docs"'):]
    svg = svg[:svg.index("</svg>")]
    on = re.findall(r'<line class="e on" data-a="([^"]*)" data-b="([^"]*)"', svg)
    assert sorted(on) == sorted((a, b) for a, b in zip(edges["term_a"], edges["term_b"]) if term in (a, b))
    neighbours = {t for pair in on for t in pair}
    shown = set(re.findall(r'<g class="n" data-t="([^"]*)"', svg))
    assert shown == neighbours and len(re.findall(r'<line class="e off"', svg)) == len(edges) - len(on)


# --- validate --------------------------------------------------------------------------------------
@pytest.mark.parametrize("change, message", [
    ("[framing]\nenabled = false\n", r"\[statistics\] .* reads the frame labels of \[framing\], which is disabled"),
    ('[statistics]\nclaims = true\nclaim_frames = ["statistical_treat"]\n',
     r"statistics.claim_frames = \['statistical_treat'\]: \['statistical_treat'\] are not frames .*did you mean 'statistical_threat'"),
    ('[statistics]\nclaims = true\n', r"statistics.claims = true needs statistics.claim_frames"),
    ('[statistics]\nindicator = "raini_penal_person"\n', r"statistics.indicator = 'raini_penal_person': .*did you mean"),
    ('[statistics]\nindicator = "raini_penal_persons"\nyear = "yr"\n', r"statistics.year = 'yr' is not a docvar"),
    ('[statistics]\nindicator = "raini_penal_persons"\nlags = []\n', r"statistics.lags = \[\]: give at least one lag"),
    ('[statistics]\nindicator = "raini_penal_persons"\nlags = [-1]\n', r"statistics.lags\[0\] = -1 must not be negative"),
    ('[statistics]\nclaims = true\nclaim_frames = ["crime_threat"]\ntable = "missing.csv"\n',
     r"statistics.table = '.*missing.csv' does not exist"),
    ('[statistics]\nindicator = "raini_penal_persons"\nscope_group = "general"\n', r"statistics.scope_group = 'general' has no figure"),
])
def test_validate_names_the_statistics_key_and_fix(tmp_path, monkeypatch, change, message):
    monkeypatch.setenv("DISCOURSE_PATHS", str(tmp_path))
    base = f'name = "v"\n[corpus]\npath = "{DEMO}"\n[topics]\nenabled = false\n'
    stats_on = '[statistics]\nindicator = "raini_penal_persons"\n' if not change.startswith("[statistics]") else ""
    path = tmp_path / "v.toml"
    path.write_text(base + ("[framing]\nenabled = true\n" if not change.startswith("[framing]") else "") + stats_on + change,
                    encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as info:
        validate_inputs(load_experiment(path))
    assert str(path) in str(info.value)


def test_shipped_configs_use_the_new_analyses():
    for name in ("state_vs_ngo", "real_state_vs_ngo"):
        cfg = load_experiment(ROOT / "experiments" / f"{name}.toml")
        assert {"network", "correspondence", "clustering", "dispersion", "term_trends", "frequency"} <= {m.kind for m in cfg.metrics}
        assert cfg.statistics.claims and cfg.statistics.indicator


# --- CLI -------------------------------------------------------------------------------------------
TINY = [("s1", "state", 2003, "外国人の犯罪が増加した。治安が悪化した。"), ("s2", "state", 2004, "外国人の犯罪を取り締まる。"),
        ("n1", "ngo", 2003, "外国人の人権を守る。共生の社会へ。"), ("n2", "ngo", 2004, "共生と人権の地域づくり。治安も大切だ。")]


@pytest.fixture()
def tiny(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("DISCOURSE_CACHE", str(tmp_path / "cache"))
    path = tmp_path / "tiny.jsonl"
    path.write_text("".join(json.dumps({"doc_id": d, "text": t, "side": s, "year": y}, ensure_ascii=False) + "\n"
                            for d, s, y, t in TINY), encoding="utf-8")
    return path


def test_cli_network_writes_nodes_edges_png_and_html(tiny, tmp_path):
    out = tmp_path / "n"
    args = ["metrics", "network", "--corpus", str(tiny), "--unit", "document", "--min-freq", "2", "-o", f"{out}.csv",
            "--edges", f"{out}_e.csv", "--figure", f"{out}.png", "--html", f"{out}.html", "--by", "side", "--target", "state",
            "--reference", "ngo", "--color-by", "group"]
    assert main(args) == 0
    edges = pd.read_csv(f"{out}_e.csv")
    weight = {frozenset((e.term_a, e.term_b)): e.weight for e in edges.itertuples()}
    # by hand: 外国人 in s1 s2 n1; 犯罪 in s1 s2; 治安 in s1 n2; 人権 in n1 n2; 共生 in n1 n2 (8 linked pairs)
    assert len(weight) == 8 and (edges["term_a"] < edges["term_b"]).all()
    assert weight[frozenset(("外国人", "犯罪"))] == pytest.approx(2 / 3)
    assert weight[frozenset(("人権", "共生"))] == pytest.approx(1.0)
    assert weight[frozenset(("外国人", "人権"))] == pytest.approx(1 / 4)
    assert weight[frozenset(("犯罪", "治安"))] == pytest.approx(1 / 3)
    nodes = pd.read_csv(f"{out}.csv").set_index("term")
    assert nodes.loc["犯罪", "group"] == "state" and nodes.loc["共生", "group"] == "ngo"
    assert Path(f"{out}.png").stat().st_size > 1000 and "<svg" in Path(f"{out}.html").read_text(encoding="utf-8")


def test_cli_ca_on_a_plain_count_table_reproduces_greenacre(tmp_path):
    smoke = pd.DataFrame([[4, 2, 3, 2], [4, 3, 7, 4], [25, 10, 12, 4], [18, 24, 33, 13], [10, 6, 7, 2]],
                         index=pd.Index(["SM", "JM", "SE", "JE", "SC"], name="staff"), columns=["none", "light", "medium", "heavy"])
    smoke.to_csv(tmp_path / "smoke.csv")
    assert main(["metrics", "ca", "--table", str(tmp_path / "smoke.csv"), "-o", str(tmp_path / "ca.csv"),
                 "--inertia", str(tmp_path / "in.csv"), "--figure", str(tmp_path / "ca.png")]) == 0
    assert pd.read_csv(tmp_path / "in.csv")["inertia"].round(5).tolist() == [0.07476, 0.01002, 0.00041]   # Greenacre (1984)
    coords = pd.read_csv(tmp_path / "ca.csv")
    assert coords["point"].value_counts().to_dict() == {"row": 5, "column": 4}
    assert (tmp_path / "ca.png").is_file()
    assert main(["metrics", "ca", "--table", str(tmp_path / "smoke.csv"), "--by", "side"]) == 1          # one source only


def test_cli_cluster_and_dispersion(tiny, tmp_path):
    assert main(["metrics", "cluster", "--corpus", str(tiny), "--n-terms", "5", "--n-clusters", "2", "-o", str(tmp_path / "c.csv"),
                 "--figure", str(tmp_path / "c.png")]) == 0
    leaves = pd.read_csv(tmp_path / "c.csv")
    assert leaves["leaf"].tolist() == [1, 2, 3, 4, 5] and set(leaves["cluster"]) == {1, 2}
    together = leaves.set_index("term")["cluster"]
    assert together["人権"] == together["共生"]                         # the same documents (n1, n2): distance 0
    assert main(["metrics", "dispersion", "外国人", "共生", "--corpus", str(tiny), "--by", "side", "-o", str(tmp_path / "d.csv"),
                 "--figure", str(tmp_path / "d.png")]) == 0
    pos = pd.read_csv(tmp_path / "d.csv")
    assert pos.groupby(["term", "group"]).size().to_dict() == {("共生", "ngo"): 2, ("外国人", "ngo"): 1, ("外国人", "state"): 2}


def test_cli_claims_from_a_labels_csv(tmp_path, monkeypatch):
    monkeypatch.setenv("DISCOURSE_CACHE", str(tmp_path / "cache"))
    raini = _series("raini_penal_persons")
    texts = {"a": f"平成16年の来日外国人の検挙人員は{int(raini[2004]):,}人だった。", "b": "平成16年の来日外国人の検挙人員は1,234人だった。"}
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps({"doc_id": d, "text": t, "year": 2005}, ensure_ascii=False) + "\n"
                              for d, t in texts.items()), encoding="utf-8")
    _labels([("a", texts["a"], {"threat": 1}), ("b", texts["b"], {})]).to_csv(tmp_path / "labels.csv", index=False)
    out = tmp_path / "claims.csv"
    assert main(["metrics", "claims", "--corpus", str(corpus), "--labels", str(tmp_path / "labels.csv"),
                 "--frames", "statistical_threat", "-o", str(out)]) == 0
    table = pd.read_csv(out)
    assert table[["doc_id", "status", "figure"]].values.tolist() == [["a", "matches", raini[2004]]]
    assert main(["metrics", "claims", "--corpus", str(corpus), "-o", str(out)]) == 0          # every sentence
    assert pd.read_csv(out).sort_values("doc_id")["status"].tolist() == ["matches", "differs"]


# --- CLI: frequency, trends, keyness over periods, frames beside the figures -------------------------
def _tiny_tokens(tiny: Path) -> dict[str, list[str]]:
    from discourse.load import read_corpus
    from discourse.tokenize import tokenize

    tokens = tokenize(read_corpus(tiny))
    ids, vocab, ptr = np.asarray(tokens.ids), list(tokens.vocab), np.asarray(tokens.doc_ptr)
    return {d: [vocab[i] for i in ids[ptr[k]:ptr[k + 1]]] for k, d in enumerate(tokens.doc_ids)}


def test_cli_frequency_trends_and_keyness_over_by_hand(tiny, tmp_path):
    docs = _tiny_tokens(tiny)
    year = {d: y for d, _, y, _ in TINY}
    assert main(["metrics", "frequency", "--corpus", str(tiny), "-o", str(tmp_path / "f.csv")]) == 0
    freq = pd.read_csv(tmp_path / "f.csv").set_index("term")
    for term in ("外国人", "共生", "治安"):
        assert freq.loc[term, "freq"] == sum(t.count(term) for t in docs.values())
        assert freq.loc[term, "docfreq"] == sum(term in t for t in docs.values())
    assert main(["metrics", "trends", "外国人", "--corpus", str(tiny), "--n-boot", "50", "-o", str(tmp_path / "t.csv"),
                 "--figure", str(tmp_path / "t.png")]) == 0
    trends = pd.read_csv(tmp_path / "t.csv").set_index("year")
    for y in (2003, 2004):
        n = sum(len(t) for d, t in docs.items() if year[d] == y)
        f = sum(t.count("外国人") for d, t in docs.items() if year[d] == y)
        assert trends.loc[y, "n_tokens"] == n and trends.loc[y, "freq"] == f
        assert trends.loc[y, "per_10k"] == pytest.approx(1e4 * f / n)
    assert (tmp_path / "t.png").stat().st_size > 1000
    assert main(["metrics", "keyness-over", "--corpus", str(tiny), "--min-count", "1", "--n-top", "50",
                 "-o", str(tmp_path / "k.csv")]) == 0
    k = pd.read_csv(tmp_path / "k.csv")
    row = k[(k["year"] == 2003) & (k["term"] == "増加")].iloc[0]
    a = sum(t.count("増加") for d, t in docs.items() if year[d] == 2003)
    n1 = sum(len(t) for d, t in docs.items() if year[d] == 2003)
    n2 = sum(len(t) for d, t in docs.items() if year[d] == 2004)
    observed = np.array([[a, n1 - a], [0, n2]], dtype=float)                 # 増加 only in 2003
    g2 = stats.power_divergence(observed, lambda_="log-likelihood", axis=None,
                                f_exp=np.outer(observed.sum(1), observed.sum(0)) / observed.sum())[0]
    assert row["G2"] == pytest.approx(g2)


def test_cli_frames_beside_the_figures_from_gold_labels_by_hand(tmp_path):
    out = tmp_path / "fvf.csv"
    assert main(["metrics", "figures", "--corpus", DEMO, "--labels", str(GOLD), "--indicator", "raini_penal_persons",
                 "--frames", "statistical_threat", "--by", "side", "--lags", "0", "--n-boot", "20", "-o", str(out),
                 "--figure", str(tmp_path / "fvf.png")]) == 0
    vs = pd.read_csv(out)
    labels = pd.read_json(GOLD, lines=True)
    from discourse.load import read_corpus

    dv = read_corpus(DEMO).docvars
    labels = labels[labels["doc_id"].isin(dv.index)]
    on = pd.Series(["statistical_threat" in (f or []) for f in labels["frames"]], index=labels.index)
    side, yr = dv.loc[labels["doc_id"], "side"].to_numpy(), dv.loc[labels["doc_id"], "year"].to_numpy()
    figure = _series("raini_penal_persons")
    share = on[side == "state"].groupby(yr[side == "state"]).mean()
    years = [y for y in share.index if y in figure.index]
    got = vs[(vs["side"] == "state") & (vs["lag"] == 0)].iloc[0]
    assert got["n"] == len(years)
    assert got["pearson"] == pytest.approx(stats.pearsonr(share[years], figure[years]).statistic)
    assert (tmp_path / "fvf.png").stat().st_size > 1000
