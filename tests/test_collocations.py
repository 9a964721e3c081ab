"""Collocations: span counting by brute force, measures against NLTK and a hand-computed table."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from nltk.metrics import BigramAssocMeasures as nltk_measures

from discourse.errors import ConfigError
from discourse.metrics import collocations
from discourse.metrics.collocations import DEFAULT_MEASURES
from discourse.tokens import Tokens

VOCAB = ["外国人", "犯罪", "増加", "治安", "人権", "差別", "の", "が", "を", "外国籍", "支援", "共生"]


@pytest.fixture(scope="module")
def toks() -> Tokens:
    """30 documents of 1-4 sentences drawn at random; half state, half ngo."""
    rng = np.random.default_rng(1)
    p = np.array([8, 5, 3, 2, 3, 2, 9, 8, 7, 2, 2, 1], float)
    docs, sents = [], []
    for _ in range(30):
        n = int(rng.integers(5, 40))
        docs.append(list(rng.choice(VOCAB, size=n, p=p / p.sum())))
        sents.append(list(np.sort(rng.integers(0, 4, size=n))))
    docvars = pd.DataFrame({"side": ["state", "ngo"] * 15}, index=pd.Index([f"d{i}" for i in range(30)], name="doc_id"))
    return Tokens.from_lists(docs, docvars, sentences=sents)


def brute_force(docs: list[list[str]], sents: list[list[int]], node: set[str], left: int, right: int) -> tuple[dict, int, int, int]:
    """O11 per collocate, R1 (span size), N and f_node, position by position."""
    o11: dict[str, int] = {}
    r1 = n = f_node = 0
    for terms, sent in zip(docs, sents):
        n += len(terms)
        span = set()
        for i, t in enumerate(terms):
            if t in node:
                f_node += 1
                for j in range(i - left, i + right + 1):
                    if j != i and 0 <= j < len(terms) and sent[j] == sent[i]:
                        span.add(j)
        span = {j for j in span if terms[j] not in node}
        r1 += len(span)
        for j in span:
            o11[terms[j]] = o11.get(terms[j], 0) + 1
    return o11, r1, n, f_node


def sentences_of(toks: Tokens) -> list[list[int]]:
    return [list(toks.sent[toks.doc_slice(d)]) for d in range(len(toks))]


@pytest.mark.parametrize("window", [(5, 5), (2, 0), (0, 3), 1])
def test_counts_equal_brute_force(toks: Tokens, window: object) -> None:
    left, right = (window, window) if isinstance(window, int) else window
    df = collocations(toks, "外国人", window=window, min_count=1).set_index("collocate")
    o11, r1, n, f_node = brute_force(toks.to_lists(), sentences_of(toks), {"外国人"}, left, right)
    assert dict(df["n_collocate_node"]) == o11
    assert df.attrs["sizes"]["all"] == {"N": n, "R1": r1}
    assert (df["f_node"] == f_node).all()
    freq = toks.term_frequencies()
    assert all(df.loc[t, "f_collocate"] == freq[t] for t in df.index)


def test_measures_equal_nltk(toks: Tokens) -> None:
    df = collocations(toks, "外国人", window=(3, 3), min_count=1, measures=[*DEFAULT_MEASURES, "dice_span", "log_dice_span"])
    sizes = df.attrs["sizes"]["all"]
    r1, n = sizes["R1"], sizes["N"]
    assert len(df) >= 8
    for _, row in df.iterrows():
        cells = (int(row["n_collocate_node"]), (r1, int(row["f_collocate"])), n)
        assert row["mi"] == pytest.approx(nltk_measures.pmi(*cells), rel=1e-9)
        assert row["t"] == pytest.approx(nltk_measures.student_t(*cells), rel=1e-9)
        assert row["dice_span"] == pytest.approx(nltk_measures.dice(*cells), rel=1e-9)
        # Rychlý's logDice: node and collocate frequencies as the marginals
        rychly = (int(row["n_collocate_node"]), (int(row["f_node"]), int(row["f_collocate"])), n)
        assert row["dice"] == pytest.approx(nltk_measures.dice(*rychly), rel=1e-9)
        assert row["log_dice"] == pytest.approx(14 + math.log2(nltk_measures.dice(*rychly)), rel=1e-9)
        assert abs(row["G2"]) == pytest.approx(nltk_measures.likelihood_ratio(*cells), rel=1e-9)
        expected = r1 * row["f_collocate"] / n
        assert np.sign(row["G2"]) == np.sign(row["n_collocate_node"] - expected)
        assert row["log_dice_span"] == pytest.approx(14 + math.log2(nltk_measures.dice(*cells)), rel=1e-9)


def hand_tokens() -> Tokens:
    # d0: B x A x | d1: C A B | d2: x / C (C in the next sentence)
    docvars = pd.DataFrame({"side": ["state", "ngo", "state"]}, index=pd.Index(["d0", "d1", "d2"], name="doc_id"))
    return Tokens.from_lists([["B", "x", "A", "x"], ["C", "A", "B"], ["x", "C"]], docvars,
                             sentences=[[0, 0, 0, 0], [0, 0, 0], [0, 1]])


def test_hand_computed_table() -> None:
    df = collocations(hand_tokens(), "x", window=(1, 1), min_count=1, measures=[*DEFAULT_MEASURES, "log_dice_span"]).set_index("collocate")
    # span = {B, A} in d0 (A near both x, counted once); C of d1 is across a document boundary,
    # C of d2 across a sentence boundary. N = 9, R1 = 2, C1(A) = 2, O11(A) = 1, E11 = 4/9.
    assert sorted(df.index) == ["A", "B"]
    a = df.loc["A"]
    assert (a["n_collocate_node"], a["f_collocate"], a["f_node"]) == (1, 2, 3)
    assert a["expected"] == pytest.approx(4 / 9, rel=1e-12)
    assert a["mi"] == pytest.approx(math.log2(9 / 4), rel=1e-12)
    assert a["mi3"] == pytest.approx(math.log2(9 / 4), rel=1e-12)
    assert a["t"] == pytest.approx(5 / 9, rel=1e-12)
    assert a["z"] == pytest.approx(5 / 6, rel=1e-12)
    # Rychlý: 2 * 1 / (f_node 3 + f_A 2) = 0.4; the span variant: 2 * 1 / (R1 2 + 2) = 0.5
    assert a["dice"] == pytest.approx(0.4, rel=1e-12) and a["log_dice"] == pytest.approx(14 + math.log2(0.4), rel=1e-12)
    assert a["log_dice_span"] == pytest.approx(13.0, rel=1e-12) and "dice_span" not in df.columns
    g2 = 2 * (math.log(9 / 4) + 2 * math.log(9 / 14) + 6 * math.log(54 / 49))
    assert a["G2"] == pytest.approx(g2, rel=1e-12)


def test_window_sides_and_boundaries() -> None:
    right_only = collocations(hand_tokens(), "x", window=(0, 1), min_count=1)
    assert right_only["collocate"].tolist() == ["A"] and right_only.attrs["sizes"]["all"]["R1"] == 1
    left_only = collocations(hand_tokens(), "x", window=(1, 0), min_count=1)
    assert sorted(left_only["collocate"]) == ["A", "B"]


def test_group_by_side() -> None:
    df = collocations(hand_tokens(), "x", window=(1, 1), min_count=1, by="side")
    assert list(df.columns[:2]) == ["group", "collocate"]
    assert set(df["group"]) == {"state"}  # the ngo document has no node
    assert df.attrs["sizes"]["state"] == {"N": 6, "R1": 2} and df.attrs["sizes"]["ngo"] == {"N": 3, "R1": 0}
    a = df.set_index("collocate").loc["A"]
    assert a["f_collocate"] == 1 and a["expected"] == pytest.approx(2 * 1 / 6, rel=1e-12)


def test_group_tables_equal_subsets(toks: Tokens) -> None:
    both = collocations(toks, "外国人", window=(2, 2), min_count=1, by="side")
    for side in ("state", "ngo"):
        alone = collocations(toks.subset((toks.docvars["side"] == side).to_numpy()), "外国人", window=(2, 2), min_count=1)
        part = both[both["group"] == side].drop(columns="group").reset_index(drop=True)
        pd.testing.assert_frame_equal(part, alone, check_dtype=False)


def test_glob_and_list_nodes(toks: Tokens) -> None:
    glob = collocations(toks, "外国*", window=(2, 2), min_count=1)
    listed = collocations(toks, ["外国人", "外国籍"], window=(2, 2), min_count=1, valuetype="fixed")
    pd.testing.assert_frame_equal(glob, listed)
    assert not {"外国人", "外国籍"} & set(glob["collocate"])  # node tokens are never their own collocates
    o11, *_ = brute_force(toks.to_lists(), sentences_of(toks), {"外国人", "外国籍"}, 2, 2)
    assert dict(zip(glob["collocate"], glob["n_collocate_node"])) == o11


def test_min_count_sorting_and_measures(toks: Tokens) -> None:
    df = collocations(toks, "外国人", min_count=3, measures=["t", "mi"])
    assert (df["n_collocate_node"] >= 3).all()
    assert list(df.columns) == ["collocate", "n_collocate_node", "f_collocate", "f_node", "expected", "t", "mi"]
    assert list(df["t"]) == sorted(df["t"], reverse=True) and df.attrs["sort_by"] == "t"
    ranked = collocations(toks, "外国人", min_count=1)
    assert ranked.attrs["sort_by"] == "log_dice" and list(ranked["log_dice"]) == sorted(ranked["log_dice"], reverse=True)
    assert np.isfinite(ranked.drop(columns="collocate").to_numpy(float)).all()


def test_empty_windows_give_an_empty_frame() -> None:
    toks = Tokens.from_lists([["x", "a"], ["b"]], sentences=[[0, 1], [0]])
    df = collocations(toks, "x", min_count=1)
    assert df.empty and "log_dice" in df.columns and df.attrs["sizes"]["all"]["R1"] == 0


@pytest.mark.parametrize("kwargs,message", [
    ({"node": "外国"}, r"node='外国' matches no term \(did you mean"),
    ({"node": "外国人", "window": (0, 0)}, "not both 0"),
    ({"node": "外国人", "window": (-1, 2)}, "window="),
    ({"node": "外国人", "measures": ["pmi"]}, "measures='pmi' is not one of"),
    ({"node": "外国人", "min_count": 0}, "min_count=0"),
    ({"node": "外国人", "by": "sid"}, "did you mean 'side'"),
    ({"node": "外国人", "sort_by": "G2", "measures": ["mi"]}, "sort_by='G2'"),
])
def test_errors(toks: Tokens, kwargs: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        collocations(toks, **kwargs)
