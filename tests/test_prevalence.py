"""Prevalence, gap and crosstab against hand-computed tables and scipy."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from discourse.errors import ConfigError
from discourse.metrics.prevalence import crosstab, prevalence, prevalence_gap


@pytest.fixture
def data():
    # state: d1 (3 sentences, 2 with x), d2 (1 sentence, x); ngo: d3 (2 sentences, none), d4 (2, one x, one y)
    labels = pd.DataFrame({
        "doc_id": ["d1", "d1", "d1", "d2", "d3", "d3", "d4", "d4"],
        "x": [1, 1, 0, 1, 0, 0, 1, 0],
        "y": [0, 0, 0, 0, 0, 0, 0, 1],
    })
    docvars = pd.DataFrame({"side": ["state", "state", "ngo", "ngo"], "year": [2000, 2001, 2000, 2001]},
                           index=pd.Index(["d1", "d2", "d3", "d4"], name="doc_id"))
    return labels, docvars


def test_sentence_and_document_shares_by_hand(data):
    labels, docvars = data
    sent = prevalence(labels, docvars, by="side").set_index(["side", "frame"])
    assert sent.loc[("state", "x"), "share"] == pytest.approx(3 / 4)
    assert sent.loc[("ngo", "x"), "share"] == pytest.approx(1 / 4)
    assert sent.loc[("ngo", "y"), "n_positive"] == 1 and sent.loc[("ngo", "y"), "n_units"] == 4
    doc = prevalence(labels, docvars, by="side", unit="document").set_index(["side", "frame"])
    assert doc.loc[("state", "x"), "share"] == 1.0
    assert doc.loc[("ngo", "x"), "share"] == 0.5


def test_bootstrap_interval_is_seeded_and_brackets_the_share(data):
    labels, docvars = data
    a = prevalence(labels, docvars, by=["side", "year"], n_boot=200, random_state=1)
    b = prevalence(labels, docvars, by=["side", "year"], n_boot=200, random_state=1)
    pd.testing.assert_frame_equal(a, b)
    both = prevalence(labels, docvars, by="side", n_boot=500)
    assert (both["ci_low"] <= both["share"]).all() and (both["share"] <= both["ci_high"]).all()
    # a single-document group has no between-document variation: the interval collapses
    single = a[(a.side == "state") & (a.year == 2000) & (a.frame == "x")].iloc[0]
    assert single.ci_low == single.ci_high == pytest.approx(2 / 3)


def test_gap_by_hand(data):
    labels, docvars = data
    gap = prevalence_gap(labels, docvars, by="side", target="state", reference="ngo", n_boot=300).set_index("frame")
    assert (gap["p_boot"] > 0).all()  # (b + 1) / (B + 1): a bootstrap p is never 0
    others = prevalence_gap(labels, docvars, by="side", target="state", n_boot=300).set_index("frame")
    assert others.loc["x", "share_reference"] == gap.loc["x", "share_reference"]  # ngo is the only other level
    assert gap.loc["x", "gap"] == pytest.approx(3 / 4 - 1 / 4)
    assert gap.loc["y", "gap"] == pytest.approx(0 - 1 / 4)
    assert gap.loc["x", "ci_low"] <= gap.loc["x", "gap"] <= gap.loc["x", "ci_high"]
    with pytest.raises(ConfigError, match="target='media' is not a level of 'side'"):
        prevalence_gap(labels, docvars, by="side", target="media")


def test_crosstab_matches_scipy_and_adjusted_residuals(data):
    labels, docvars = data
    table = crosstab(labels, docvars, by="side").set_index(["frame", "group"])
    observed = np.array([[1, 3], [3, 1]])  # x present/absent (rows) by ngo/state (columns, sorted)
    chi2, p, dof, expected = stats.chi2_contingency(observed, correction=False)
    assert table.loc[("x", "state"), "chi2"] == pytest.approx(chi2, rel=1e-12)
    assert table.loc[("x", "state"), "p"] == pytest.approx(p, rel=1e-12)
    n = 8
    adj = (3 - expected[0, 1]) / np.sqrt(expected[0, 1] * (1 - 4 / n) * (1 - 4 / n))
    assert table.loc[("x", "state"), "adj_residual"] == pytest.approx(adj, rel=1e-12)
    assert table.loc[("x", "ngo"), "adj_residual"] == pytest.approx(-adj, rel=1e-12)


def test_errors_name_the_problem(data):
    labels, docvars = data
    with pytest.raises(ConfigError, match="not docvars"):
        prevalence(labels, docvars, by="genre")
    with pytest.raises(ConfigError, match="unit="):
        prevalence(labels, docvars, unit="paragraph")
    with pytest.raises(ConfigError, match="missing from docvars"):
        prevalence(labels.assign(doc_id="zz"), docvars)


def test_pearson_chi2_equals_scipy_bit_for_bit():
    """The crosstab's chi-square (computed without importing scipy.stats) gives scipy's numbers exactly."""
    from scipy import stats

    from discourse.metrics.prevalence import pearson_chi2

    rng = np.random.default_rng(7)
    for _ in range(200):
        table = rng.integers(1, 300, size=tuple(rng.integers(2, 6, 2)))
        mine, ref = pearson_chi2(table), stats.chi2_contingency(table, correction=False)
        assert (mine[0], mine[1], mine[2]) == (ref[0], ref[1], ref[2])
        assert np.array_equal(mine[3], ref[3])
    assert pearson_chi2(np.array([[3, 4]]))[:3] == (0.0, 1.0, 0)
    with pytest.raises(ValueError):
        pearson_chi2(np.array([[0, 3], [0, 4]]))


def _naive_prevalence(labels, docvars, by, frames, n_boot, seed):
    """Per-document sums by a pandas group-by over the doc_id strings, groups by iterating a
    group-by, and the bootstrap as one weights matrix: an independent path to the same numbers."""
    from discourse._internal.intervals import bootstrap_weights

    per_doc = labels.groupby("doc_id", sort=True)[frames].sum().astype(int)
    per_doc["n_units"] = labels.groupby("doc_id", sort=True).size()
    units = per_doc.join(docvars[[by]])
    rng, rows = np.random.default_rng(seed), []
    for key, part in units.groupby(by, sort=True, dropna=False):
        m = part[[*frames, "n_units"]].to_numpy(float)
        sums = bootstrap_weights(len(m), n_boot, rng) @ m
        boots = sums[:, :-1] / np.maximum(sums[:, -1], 1)[:, None]
        low, high = np.percentile(boots, [2.5, 97.5], axis=0)
        for j, f in enumerate(frames):
            rows.append({by: key, "frame": f, "n_docs": len(m), "share": m[:, j].sum() / m[:, -1].sum(),
                         "ci_low": low[j], "ci_high": high[j]})
    return pd.DataFrame(rows)


def test_prevalence_matches_a_naive_groupby_path_on_random_labels_with_unannotated_and_missing_ids():
    rng = np.random.default_rng(7)
    n = 400
    labels = pd.DataFrame({"doc_id": [f"文書{i:03d}" for i in rng.integers(0, 60, n)],
                           "crime": rng.integers(0, 2, n), "rights": rng.integers(0, 2, n)})
    docvars = pd.DataFrame({"side": rng.choice(["state", "ngo", "press"], 80)},
                           index=pd.Index([f"文書{i:03d}" for i in range(80)], name="doc_id"))
    got = prevalence(labels, docvars, by="side", n_boot=200, random_state=3)
    want = _naive_prevalence(labels, docvars, "side", ["crime", "rights"], 200, 3)
    pd.testing.assert_frame_equal(got[want.columns].reset_index(drop=True), want, check_dtype=False)
    with pytest.raises(ConfigError, match="文書999"):
        prevalence(pd.concat([labels, pd.DataFrame({"doc_id": ["文書999"], "crime": [1], "rights": [0]})]), docvars, by="side")
