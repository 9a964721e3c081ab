"""Agreement statistics against hand-computed values, scikit-learn and the krippendorff package."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score

import krippendorff
from discourse.framing.agreement import (POOLED, alpha_distance, cohen_kappa, frame_agreement, krippendorff_alpha,
                                         masi_distance, set_agreement)


def test_kappa_hand_computed_2x2():
    # 10 units: both yes 4, both no 3, A yes/B no 2, A no/B yes 1
    a = [1] * 4 + [0] * 3 + [1] * 2 + [0]
    b = [1] * 4 + [0] * 3 + [0] * 2 + [1]
    p_o = 0.7
    p_e = 0.6 * 0.5 + 0.4 * 0.5
    assert cohen_kappa(a, b) == pytest.approx((p_o - p_e) / (1 - p_e), rel=1e-12)
    assert cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b), rel=1e-12)


def test_kappa_matches_sklearn_on_random_multiclass():
    rng = np.random.default_rng(3)
    a = rng.integers(0, 4, 200)
    b = np.where(rng.random(200) < 0.6, a, rng.integers(0, 4, 200))
    assert cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b), rel=1e-12)


def test_alpha_hand_computed_two_coders():
    # Krippendorff (2011) binary example shape: coder A 0 1 0 0 0 0 0 0 1 0, coder B 1 1 1 0 0 1 0 0 0 0
    a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    # coincidences: o00 = 2*5=10 -> each agreeing 0-0 unit contributes 2; units: (0,1)x3 (1,0)x1, (1,1)x1, (0,0)x5
    o00, o11, o01 = 10, 2, 4
    n0, n1, n = o00 + o01, o11 + o01, 20
    expected = 1 - (n - 1) * o01 * 2 / (n0 * n1 * 2)
    assert krippendorff_alpha([a, b]) == pytest.approx(expected, rel=1e-12)
    assert expected == pytest.approx(1 - 19 * 4 / (14 * 6))


def test_alpha_matches_krippendorff_package_with_missing_values():
    rng = np.random.default_rng(7)
    data = rng.integers(0, 3, size=(3, 60)).astype(float)
    data[0, :20] = data[1, :20]
    data[rng.random(data.shape) < 0.15] = np.nan
    ours = krippendorff_alpha(data)
    theirs = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert ours == pytest.approx(theirs, rel=1e-9)


def test_frame_agreement_table():
    first = pd.DataFrame({"x": [1, 1, 0, 0], "y": [0, 0, 0, 1]})
    second = pd.DataFrame({"x": [1, 0, 0, 0], "y": [0, 0, 0, 1]})
    table = frame_agreement(first, second, ["x", "y"]).set_index("frame")
    assert table.loc["x", "kappa"] == pytest.approx(0.5)
    assert table.loc["y", "kappa"] == 1.0 and table.loc["y", "alpha"] == 1.0
    assert table.loc[POOLED, "n_units"] == 8
    pooled = krippendorff.alpha(reliability_data=[[1, 1, 0, 0, 0, 0, 0, 1], [1, 0, 0, 0, 0, 0, 0, 1]],
                                level_of_measurement="nominal")
    assert table.loc[POOLED, "alpha"] == pytest.approx(pooled, rel=1e-9)


# Krippendorff (2011), sec. C-G: 4 observers, 12 units, missing values; published alphas
K2011 = [[1, 2, 3, 3, 2, 1, 4, 1, 2, np.nan, np.nan, np.nan],
         [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, np.nan, 3],
         [np.nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, np.nan],
         [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, np.nan]]


@pytest.mark.parametrize("level,published", [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)])
def test_alpha_levels_reproduce_krippendorff_2011(level, published):
    ours = krippendorff_alpha(K2011, level=level)
    assert round(ours, 3) == published
    assert ours == pytest.approx(krippendorff.alpha(reliability_data=K2011, level_of_measurement=level), rel=1e-9)


def test_masi_distance_by_hand():
    assert masi_distance({"a"}, {"a"}) == 0.0 and masi_distance(set(), set()) == 0.0
    assert masi_distance({"a"}, {"a", "b"}) == pytest.approx(1 - 0.5 * 2 / 3)      # subset
    assert masi_distance({"a", "c"}, {"a", "b"}) == pytest.approx(1 - (1 / 3) * (1 / 3))  # overlap
    assert masi_distance({"a"}, {"b"}) == 1.0 and masi_distance(set(), {"b"}) == 1.0


def test_masi_alpha_matches_nltk():
    from nltk.metrics.agreement import AnnotationTask
    from nltk.metrics.distance import masi_distance as nltk_masi

    sets = [({"x"}, {"x"}), ({"x", "y"}, {"x"}), ({"y"}, {"y"}), ({"z"}, {"x", "z"}), ({"y", "z"}, {"y", "z"}), ({"x"}, {"y"})]
    triples = [(coder, str(u), frozenset(s)) for u, pair in enumerate(sets) for coder, s in zip("ab", pair)]
    theirs = AnnotationTask(data=triples, distance=nltk_masi).alpha()
    assert alpha_distance([tuple(map(frozenset, p)) for p in sets], masi_distance) == pytest.approx(theirs, rel=1e-9)


def test_set_agreement_reads_lower_than_pooled():
    first = pd.DataFrame({"x": [1, 1, 0, 0, 1], "y": [0, 1, 0, 1, 0]})
    second = pd.DataFrame({"x": [1, 0, 0, 0, 1], "y": [0, 1, 0, 1, 1]})
    row = set_agreement(first, second, ["x", "y"]).iloc[0]
    # sets: {x}={x}, {x,y} vs {y}, {}={}, {y}={y}, {x} vs {x,y}: 3 of 5 identical
    assert row.exact_set == pytest.approx(3 / 5)
    assert row.mean_jaccard == pytest.approx((1 + 0.5 + 1 + 1 + 0.5) / 5)
    pooled = frame_agreement(first, second, ["x", "y"]).set_index("frame").loc[POOLED]
    assert pooled.pct_agree == pytest.approx(8 / 10) and row.exact_set < pooled.pct_agree
