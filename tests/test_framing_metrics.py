"""Evaluation metrics, thresholds and calibration against scikit-learn and hand-computed values."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import f1_score, label_ranking_average_precision_score, precision_recall_fscore_support

from discourse.framing.calibration import best_threshold, platt, sigmoid
from discourse.framing.scores import (bootstrap_intervals, frame_confusion, lrap, lrap_per_sentence, pair_confusion,
                                      prf_table)

# 6 sentences x 3 frames, made by hand
Y = np.array([[1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 0], [0, 0, 1], [1, 0, 0]])
P = np.array([[1, 0, 0], [0, 1, 1], [0, 1, 0], [1, 0, 0], [0, 0, 0], [1, 0, 0]])
FRAMES = ["a", "b", "c"]


def test_prf_hand_computed_and_against_sklearn():
    t = prf_table(Y, P, FRAMES).set_index("frame")
    # frame a: tp 2 (rows 0, 5), fp 1 (row 3), fn 1 (row 1) -> P 2/3, R 2/3, F1 2/3
    assert [float(v) for v in t.loc["a", ["precision", "recall", "f1", "support"]]] == pytest.approx([2 / 3, 2 / 3, 2 / 3, 3])
    # frame c: tp 0, fp 1, fn 1 -> 0
    assert t.loc["c", "f1"] == 0
    p, r, f, s = precision_recall_fscore_support(Y, P, zero_division=0)
    np.testing.assert_allclose(t.loc[FRAMES, "precision"].astype(float), p)
    np.testing.assert_allclose(t.loc[FRAMES, "recall"].astype(float), r)
    np.testing.assert_allclose(t.loc[FRAMES, "f1"].astype(float), f)
    assert t.loc["(macro)", "f1"] == pytest.approx(f1_score(Y, P, average="macro", zero_division=0))
    assert t.loc["(micro)", "f1"] == pytest.approx(f1_score(Y, P, average="micro", zero_division=0))
    # micro by hand: tp 4, fp 2, fn 2 -> 8 / 12
    assert t.loc["(micro)", "f1"] == pytest.approx(8 / 12)


def test_prf_random_multilabel_matches_sklearn():
    rng = np.random.default_rng(0)
    Yr = (rng.random((300, 6)) < 0.2).astype(int)
    Pr = np.where(rng.random((300, 6)) < 0.8, Yr, 1 - Yr)
    t = prf_table(Yr, Pr, list("uvwxyz")).set_index("frame")
    assert t.loc["(macro)", "f1"] == pytest.approx(f1_score(Yr, Pr, average="macro"))
    assert t.loc["(micro)", "precision"] == pytest.approx(precision_recall_fscore_support(Yr, Pr, average="micro")[0])


def test_lrap_hand_computed_and_against_sklearn_with_ties():
    S = np.array([[0.9, 0.1, 0.2], [0.3, 0.8, 0.1], [0.5, 0.4, 0.3], [0.1, 0.2, 0.3], [0.2, 0.2, 0.2], [0.7, 0.7, 0.1]])
    # row 1: true a (rank 2 of scores .8 .3), b (rank 1) -> (1/1 + 2/2) / 2 = 1
    # row 2: true b ranked 2nd behind a -> 1/2;  row 4: true c tied with all three -> 1/3
    # row 5: true a tied with b -> rank 2, 1 true at/above -> 1/2; rows 0 -> 1; row 3 no true -> 1
    per = lrap_per_sentence(Y, S)
    np.testing.assert_allclose(per, [1, 1, 0.5, 1, 1 / 3, 0.5])
    assert lrap(Y, S) == pytest.approx(label_ranking_average_precision_score(Y, S))
    rng = np.random.default_rng(1)
    Yr = (rng.random((200, 5)) < 0.3).astype(int)
    Sr = np.round(rng.random((200, 5)), 1)      # many ties
    assert lrap(Yr, Sr) == pytest.approx(label_ranking_average_precision_score(Yr, Sr))


def test_bootstrap_resamples_documents():
    docs = ["d1", "d1", "d2", "d3", "d3", "d4"]
    out = bootstrap_intervals(Y, P, None, docs, FRAMES, n_boot=400, random_state=3).set_index("frame")
    point = prf_table(Y, P, FRAMES).set_index("frame")
    for row in ("a", "b", "(macro)", "(micro)"):
        assert out.loc[row, "ci_low"] <= point.loc[row, "f1"] <= out.loc[row, "ci_high"]
    # frame b's only errors are in d1 (row 1 has tp) ... every resample: tp>0 or undefined; b is never below 2/3
    assert out.loc["b", "ci_low"] >= 2 / 3 - 1e-12
    # identical documents: every resample gives the same F1, the interval collapses
    Y2, P2 = np.tile(Y[:2], (3, 1)), np.tile(P[:2], (3, 1))
    flat = bootstrap_intervals(Y2, P2, None, ["x", "x", "y", "y", "z", "z"], FRAMES, n_boot=50).set_index("frame")
    assert flat.loc["(micro)", "ci_low"] == pytest.approx(flat.loc["(micro)", "ci_high"])


def test_bootstrap_draw_equals_explicit_resample():
    """One resample recomputed by hand from the same document weights."""
    from discourse._internal.intervals import bootstrap_weights

    docs = np.array(["d1", "d1", "d2", "d3", "d3", "d4"])
    w = bootstrap_weights(4, 1, np.random.default_rng(5))[0]       # counts per sorted doc d1..d4
    rows = np.concatenate([np.repeat(np.flatnonzero(docs == d), int(k)) for d, k in zip(["d1", "d2", "d3", "d4"], w)])
    micro = f1_score(Y[rows], P[rows], average="micro", zero_division=0)
    out = bootstrap_intervals(Y, P, None, docs, FRAMES, n_boot=1, random_state=5, ci=0.0).set_index("frame")
    assert out.loc["(micro)", "ci_low"] == pytest.approx(micro)


def test_pair_and_frame_confusion():
    Yp = np.array([[1, 0], [1, 0], [0, 1], [0, 1], [0, 0], [1, 0]])
    Pp = np.array([[0, 1], [1, 0], [1, 1], [0, 1], [0, 0], [0, 0]])
    t = pair_confusion(Yp, Pp, ["threat", "rebuttal"], "threat", "rebuttal")
    assert t.loc["threat only", "rebuttal only"] == 1 and t.loc["threat only", "threat only"] == 1
    assert t.loc["rebuttal only", "both"] == 1 and t.loc["threat only", "neither"] == 1
    assert t.to_numpy().sum() == 6
    c = frame_confusion(Yp, Pp, ["threat", "rebuttal"])
    assert c.loc["threat", "rebuttal"] == 1 and c.loc["rebuttal", "threat"] == 0
    assert c.loc["threat", "threat"] == 1 and c.loc["rebuttal", "rebuttal"] == 2


def test_best_threshold_matches_brute_force():
    rng = np.random.default_rng(2)
    y = (rng.random(120) < 0.3).astype(int)
    s = y * 1.0 + rng.normal(0, 0.8, 120)
    t = best_threshold(s, y)
    f1 = lambda th: f1_score(y, (s >= th).astype(int))  # noqa: E731
    brute = max(f1(th) for th in np.r_[s, s.min() - 1])
    assert f1(t) == pytest.approx(brute)
    assert best_threshold(s, np.zeros(120)) == np.inf


def test_platt_matches_sklearn_sigmoid_calibration():
    calibration = pytest.importorskip("sklearn.calibration")
    rng = np.random.default_rng(4)
    y = (rng.random(300) < 0.4).astype(int)
    s = 2 * y - 1 + rng.normal(0, 1.2, 300)
    a, b = platt(s, y)
    a_sk, b_sk = calibration._sigmoid_calibration(s, y)       # P = 1 / (1 + exp(a_sk s + b_sk))
    assert a == pytest.approx(-a_sk, rel=1e-3) and b == pytest.approx(-b_sk, abs=1e-3)
    np.testing.assert_allclose(sigmoid(np.array([-800.0, 0.0, 800.0])), [0.0, 0.5, 1.0])
