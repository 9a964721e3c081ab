"""Co-occurrence network: Jaccard weights by hand and by a brute-force pairwise count over sets."""
from __future__ import annotations

import itertools
import math
import re

import pandas as pd
import pytest

from discourse.errors import ConfigError
from discourse.metrics.network import cooccurrence_network, network_html, plot_network
from discourse.tokens import Tokens

DOCS = [["外国人", "犯罪", "治安", "外国人", "人権"], ["外国人", "犯罪"], ["人権", "共生", "外国人"], ["治安", "犯罪", "共生"]]
SENTS = [[0, 0, 0, 1, 1], [0, 0], [0, 0, 0], [0, 0, 1]]


@pytest.fixture()
def toks() -> Tokens:
    dv = pd.DataFrame({"side": ["state", "state", "ngo", "ngo"]}, index=pd.Index(["s1", "s2", "n1", "n2"], name="doc_id"))
    return Tokens.from_lists(DOCS, dv, sentences=SENTS)


def _sentence_sets() -> list[set[str]]:
    out = []
    for terms, sents in zip(DOCS, SENTS):
        for s in sorted(set(sents)):
            out.append({t for t, k in zip(terms, sents) if k == s})
    return out


def test_jaccard_by_hand_sentences(toks: Tokens) -> None:
    # sentences: {外国人 犯罪 治安} {外国人 人権} {外国人 犯罪} {人権 共生 外国人} {治安 犯罪} {共生}
    net = cooccurrence_network(toks, unit="sentence", min_freq=1, top_edges=100)
    e = net.edges.set_index(["term_a", "term_b"])
    # 外国人 in 4 sentences, 犯罪 in 3, together in 2 -> 2 / (4 + 3 - 2) = 0.4
    assert e.loc[("外国人", "犯罪"), "weight"] == pytest.approx(0.4)
    # 治安 (2) and 犯罪 (3), together in 2 -> 2 / 3
    assert e.loc[("治安", "犯罪"), "weight"] == pytest.approx(2 / 3)
    assert net.edges.iloc[0][["term_a", "term_b"]].tolist() == ["治安", "犯罪"]
    nodes = net.nodes.set_index("term")
    assert nodes.loc["外国人", "freq"] == 4 and nodes.loc["外国人", "n_tokens"] == 4


@pytest.mark.parametrize("unit", ["sentence", "document"])
@pytest.mark.parametrize("measure", ["jaccard", "dice", "cosine", "count"])
def test_brute_force_pairwise(toks: Tokens, unit: str, measure: str) -> None:
    units = _sentence_sets() if unit == "sentence" else [set(d) for d in DOCS]
    vocab = sorted(set().union(*units))
    expected = {}
    for a, b in itertools.combinations(vocab, 2):
        fa, fb = sum(a in u for u in units), sum(b in u for u in units)
        both = sum(a in u and b in u for u in units)
        if both:
            expected[(a, b)] = {"jaccard": both / (fa + fb - both), "dice": 2 * both / (fa + fb),
                                "cosine": both / math.sqrt(fa * fb), "count": both}[measure]
    net = cooccurrence_network(toks, unit=unit, measure=measure, min_freq=1, top_edges=1000)
    got = {(r.term_a, r.term_b): r.weight for r in net.edges.itertuples()}
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        assert got[key] == pytest.approx(value)


def test_top_edges_min_freq_and_communities(toks: Tokens) -> None:
    net = cooccurrence_network(toks, unit="document", min_freq=2, top_edges=3)
    assert len(net.edges) == 3
    assert (net.edges["freq_a"] >= 2).all() and (net.edges["freq_b"] >= 2).all()
    weights = net.edges["weight"].tolist()
    assert weights == sorted(weights, reverse=True)
    assert set(net.nodes["term"]) == set(net.edges["term_a"]) | set(net.edges["term_b"])
    again = cooccurrence_network(toks, unit="document", min_freq=2, top_edges=3)
    pd.testing.assert_frame_equal(net.nodes, again.nodes)


def test_planted_communities() -> None:
    docs = [["犯罪", "治安", "検挙"]] * 3 + [["人権", "共生", "支援"]] * 3 + [["犯罪", "人権"]]
    net = cooccurrence_network(Tokens.from_lists(docs), unit="document", min_freq=1, top_edges=100)
    comm = net.nodes.set_index("term")["community"]
    assert comm["犯罪"] == comm["治安"] == comm["検挙"]
    assert comm["人権"] == comm["共生"] == comm["支援"]
    assert comm["犯罪"] != comm["人権"]


def test_over_using_group(toks: Tokens) -> None:
    net = cooccurrence_network(toks, unit="document", min_freq=1, top_edges=100, by="side", target="state")
    nodes = net.nodes.set_index("term")
    # 犯罪: state 2 of 7 tokens, ngo 1 of 6 -> log2((2/7) / (1/6)) > 0
    assert nodes.loc["犯罪", "log_ratio"] == pytest.approx(math.log2((2 / 7) / (1 / 6)))
    assert nodes.loc["犯罪", "group"] == "state" and nodes.loc["共生", "group"] == "reference"
    with pytest.raises(ConfigError, match="needs both"):
        cooccurrence_network(toks, by="side")


def test_figure_and_html(toks: Tokens) -> None:
    net = cooccurrence_network(toks, unit="document", min_freq=1, top_edges=5, by="side", target="state", reference="ngo")
    fig = plot_network(net, color_by="group")
    labels = {t.get_text() for t in fig.axes[0].texts}
    assert set(net.nodes["term"]) <= labels
    page = network_html(net)
    assert page.count('<g class="n"') == len(net.nodes) and page.count('<line class="e"') == len(net.edges)
    assert "http" not in re.sub(r'xmlns="http://www.w3.org/2000/svg"', "", page)   # self-contained: no CDN
    assert "addEventListener" in page and "犯罪" in page
