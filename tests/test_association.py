"""Co-occurrence of two term groups (the foreigner-crime preset and any lists) on a hand-made corpus with a hand-computed 2x2 table."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from discourse.errors import ConfigError
from discourse.metrics.association import cells, cooccurrence, cooccurrence_by_term, term_group
from discourse.tokens import Tokens

FOREIGN, CRIME = ["外国人", "不法滞在者"], ["犯罪", "摘発"]


@pytest.fixture
def toks():
    docs = [
        ["外国人", "犯罪", "増加", "治安", "不法滞在者", "摘発"],   # state d0: s0 (f, c), s1 (-), s2 (f, c)
        ["外国人", "労働", "犯罪", "統計"],                        # state d1: s0 (f), s1 (c)
        ["外国人", "人権", "差別", "犯罪", "日本人"],               # ngo d2: s0 (f), s1 (-), s2 (c)
        ["共生", "外国人", "犯罪"],                                # ngo d3: s0 (-), s1 (f, c)
    ]
    sents = [[0, 0, 1, 1, 2, 2], [0, 0, 1, 1], [0, 0, 1, 2, 2], [0, 1, 1]]
    docvars = pd.DataFrame({"side": ["state", "state", "ngo", "ngo"]}, index=pd.Index(["d0", "d1", "d2", "d3"], name="doc_id"))
    return Tokens.from_lists(docs, docvars, sentences=sents)


def test_cells_by_hand(toks):
    out = cooccurrence(toks, FOREIGN, CRIME, by="side", n_boot=200).set_index("side")
    # state units: d0 s0 (f,c) s1 (-) s2 (f,c); d1 s0 (f) s1 (c) -> a=2, b=1, c=1, d=1
    st = out.loc["state"]
    assert (st.n_units, st.n_a, st.n_b, st.n_both) == (5, 3, 3, 2)
    assert st.p_b_given_a == pytest.approx(2 / 3)
    assert st.p_b_given_not_a == pytest.approx(1 / 2)
    assert st.lift == pytest.approx((2 / 3) / (3 / 5))
    assert st.pmi == pytest.approx(math.log2((2 / 5) / ((3 / 5) * (3 / 5))))
    assert st.log_odds_ratio == pytest.approx(math.log((2.5 * 1.5) / (1.5 * 1.5)))
    ngo = out.loc["ngo"]  # d2: (f) (-) (c); d3: (-) (f,c) -> a=1, b=1, c=1, d=2
    assert (ngo.n_units, ngo.n_both) == (5, 1)
    assert ngo.log_odds_ratio == pytest.approx(math.log((1.5 * 2.5) / (1.5 * 1.5)))


def test_bootstrap_interval_is_seeded(toks):
    a = cooccurrence(toks, FOREIGN, CRIME, by="side", n_boot=100, random_state=3)
    b = cooccurrence(toks, FOREIGN, CRIME, by="side", n_boot=100, random_state=3)
    pd.testing.assert_frame_equal(a, b)
    assert (a["log_odds_ratio_ci_low"] <= a["log_odds_ratio_ci_high"]).all()


def test_undefined_values_are_flagged_not_ranked():
    stats = cells(np.array([0]), np.array([0]), np.array([2]), np.array([3]))
    assert np.isnan(stats["lift"][0]) and np.isnan(stats["pmi"][0])
    assert np.isfinite(stats["log_odds_ratio"][0])


def test_by_term(toks):
    table = cooccurrence_by_term(toks, FOREIGN, CRIME).set_index("term")
    # 外国人 in 4 units (d0 s0, d1 s0, d2 s0, d3 s1), 2 with crime; 不法滞在者 in 1 unit, with crime
    assert table.loc["外国人", "n_units"] == 4 and table.loc["外国人", "n_with_b"] == 2
    assert table.loc["不法滞在者", "p_b_given_term"] == 1.0
    assert list(table.index)[0] == "不法滞在者"


def test_any_two_term_groups_and_presets(toks):
    # the same table with the roles swapped: P(foreigner | crime) in state = 2 / 3 (units with c: s0, s2 of d0, s1 of d1)
    swapped = cooccurrence(toks, CRIME, FOREIGN, by="side", n_boot=10).set_index("side")
    assert swapped.loc["state", "p_b_given_a"] == pytest.approx(2 / 3)
    assert swapped.attrs["a"] == "犯罪+摘発" and swapped.attrs["b"] == "外国人+不法滞在者"
    whole = cooccurrence(toks, ["人権"], ["外国人"], n_boot=10)  # no by: one row; only d2 s0 holds both
    assert len(whole) == 1 and whole.loc[0, "n_both"] == 1 and whole.loc[0, "n_units"] == 10
    preset = cooccurrence(toks, "foreigner", "crime", by="side", n_boot=10)
    assert preset.attrs["a"] == "foreigner" and "外国人" in term_group("foreigner")
    with pytest.raises(ConfigError, match="not a bundled preset"):
        cooccurrence(toks, "foreigners", "crime")
