"""topic_effects / topic_contrast (OLS, composition, Rubin), formula specs, prevalence, divergence."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.spatial.distance import jensenshannon

from discourse.errors import ConfigError
from discourse.topics import (Design, draw_proportions, jensen_shannon, parse_spec, rubin_pool, topic_contrast,
                              topic_divergence, topic_effects, topic_prevalence)


@pytest.fixture(scope="module")
def data():
    """Random proportions for 120 documents with side, year and a weak side effect on topic_0."""
    rng = np.random.default_rng(42)
    n = 120
    side = np.array(["state", "ngo", "international"])[np.arange(n) % 3]
    year = rng.integers(1990, 2011, size=n)
    conc = np.where((side == "state")[:, None], [4.0, 2.0, 2.0], [2.0, 2.0, 4.0])
    gamma = np.vstack([rng.gamma(c * 5) + 0.1 for c in conc])
    index = pd.Index([f"d{i:03d}" for i in range(n)], name="doc_id")
    cols = ["topic_0", "topic_1", "topic_2"]
    gamma = pd.DataFrame(gamma, index=index, columns=cols)
    theta = gamma.div(gamma.sum(axis=1), axis=0)
    docvars = pd.DataFrame({"side": side, "year": year, "actor": "x"}, index=index)
    return theta, gamma, docvars


# --- formula ----------------------------------------------------------------------------------------
def test_parse_spec_expands_stars_and_keeps_order():
    assert parse_spec("side") == [("side",)]
    assert parse_spec("~ side * year") == [("side",), ("year",), ("side", "year")]
    assert parse_spec("year + side + side:year") == [("year",), ("side",), ("side", "year")]
    with pytest.raises(ConfigError, match="cannot read"):
        parse_spec("side + log(year)")


def test_design_treatment_coding_and_reference(data):
    _, _, docvars = data
    design = Design.from_spec("side * year", docvars)
    assert design.columns == ["Intercept", "side[T.ngo]", "side[T.state]", "year", "side[T.ngo]:year", "side[T.state]:year"]
    x = design.matrix(docvars)
    row = docvars.index.get_loc("d000")      # a state document
    assert list(x[row]) == [1, 0, 1, docvars["year"].iloc[row], 0, docvars["year"].iloc[row]]
    assert Design.from_spec("side", docvars, reference={"side": "ngo"}).columns == \
        ["Intercept", "side[T.international]", "side[T.state]"]
    with pytest.raises(ConfigError, match="did you mean 'side'"):
        Design.from_spec("sid + year", docvars)
    with pytest.raises(ConfigError, match="not a level"):
        Design.from_spec("side", docvars, reference={"side": "police"})


def test_missing_covariate_values_are_an_error(data):
    theta, _, docvars = data
    holes = docvars.assign(year=docvars["year"].astype("float").where(docvars.index != "d005"))
    with pytest.raises(ConfigError, match="missing for 1 documents"):
        topic_effects(theta, holes, "side + year")


# --- OLS against independent implementations ------------------------------------------------------
def test_effects_without_posterior_equal_scipy_linregress(data):
    theta, _, docvars = data
    eff = topic_effects(theta, docvars, "year").set_index(["topic", "term"])
    fit = stats.linregress(docvars["year"], theta["topic_1"])
    row = eff.loc[("topic_1", "year")]
    assert row["estimate"] == pytest.approx(fit.slope, rel=1e-9)
    assert row["std_error"] == pytest.approx(fit.stderr, rel=1e-9)
    half = stats.t.ppf(0.975, len(theta) - 2) * fit.stderr
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((fit.slope - half, fit.slope + half), rel=1e-9)
    assert row["p_value"] == pytest.approx(fit.pvalue, rel=1e-6)
    assert eff.loc[("topic_1", "Intercept"), "estimate"] == pytest.approx(fit.intercept, rel=1e-9)


def test_two_level_side_effect_equals_pooled_t_test(data):
    theta, _, docvars = data
    keep = docvars["side"].isin(["state", "ngo"])
    eff = topic_effects(theta[keep], docvars[keep], "side").set_index(["topic", "term"])
    a = theta.loc[keep & (docvars["side"] == "state"), "topic_0"]
    b = theta.loc[keep & (docvars["side"] == "ngo"), "topic_0"]
    t = stats.ttest_ind(a, b, equal_var=True)
    row = eff.loc[("topic_0", "side[T.state]")]
    assert row["estimate"] == pytest.approx(a.mean() - b.mean(), rel=1e-9)
    assert row["std_error"] == pytest.approx((a.mean() - b.mean()) / t.statistic, rel=1e-9)
    assert row["p_value"] == pytest.approx(t.pvalue, rel=1e-6)


def test_rubin_rules_by_hand():
    est = np.array([[1.0], [2.0], [3.0]])
    var = np.array([[1.0], [1.0], [1.0]])
    pooled = rubin_pool(est, var, df_complete=1e12)
    assert pooled["estimate"][0] == 2.0 and pooled["within"][0] == 1.0 and pooled["between"][0] == 1.0
    assert pooled["total"][0] == pytest.approx(1 + (1 + 1 / 3) * 1)               # 7/3
    lam = (4 / 3) / (7 / 3)
    assert pooled["df"][0] == pytest.approx(2 / lam ** 2, rel=1e-6)              # (m - 1) / lambda^2
    small = rubin_pool(est, var, df_complete=10)
    nu_obs = 11 / 13 * 10 * (1 - lam)
    assert small["df"][0] == pytest.approx(1 / (lam ** 2 / 2 + 1 / nu_obs))         # Barnard-Rubin


def test_dirichlet_draws_have_the_posterior_moments():
    gamma = pd.DataFrame([[2.0, 5.0, 3.0], [0.5, 0.5, 9.0]])
    draws = draw_proportions(gamma, 20000, np.random.default_rng(0))
    assert draws.shape == (20000, 2, 3)
    np.testing.assert_allclose(draws.sum(axis=2), 1.0)
    for d in range(2):
        alpha = gamma.iloc[d].to_numpy()
        np.testing.assert_allclose(draws[:, d].mean(axis=0), stats.dirichlet.mean(alpha), atol=0.005)
        np.testing.assert_allclose(draws[:, d].var(axis=0), stats.dirichlet.var(alpha), rtol=0.05)


def test_composition_widens_intervals_and_is_seeded(data):
    theta, gamma, docvars = data
    plain = topic_effects(theta, docvars, "side + year")
    comp = topic_effects(theta, docvars, "side + year", posterior=gamma, n_draws=30, random_state=1)
    assert comp.attrs["composition"] and not plain.attrs["composition"]
    assert (comp["std_error"] > plain["std_error"]).all()
    slopes = comp["term"] != "Intercept"          # the intercept sits at year 0, far from the data
    np.testing.assert_allclose(comp.loc[slopes, "estimate"], plain.loc[slopes, "estimate"], atol=0.01)
    again = topic_effects(theta, docvars, "side + year", posterior=gamma, n_draws=30, random_state=1)
    pd.testing.assert_frame_equal(comp, again)
    assert list(comp.columns) == ["topic", "term", "estimate", "std_error", "ci_low", "ci_high", "df", "p_value"]


def test_contrast_equals_coefficients(data):
    theta, _, docvars = data
    eff = topic_effects(theta, docvars, "side * year").set_index(["topic", "term"])["estimate"]
    con = topic_contrast(theta, docvars, "side * year", by="side", target="state", reference="ngo", at={"year": 2003})
    for topic in theta.columns:
        expected = (eff[(topic, "side[T.state]")] + 2003 * eff[(topic, "side[T.state]:year")]
                    - eff[(topic, "side[T.ngo]")] - 2003 * eff[(topic, "side[T.ngo]:year")])
        assert con.set_index("topic").loc[topic, "estimate"] == pytest.approx(expected, rel=1e-8, abs=1e-12)
    assert con["contrast"].iloc[0] == "side: state - ngo" and con.attrs["at"] == {"year": 2003.0}
    simple = topic_contrast(theta, docvars, by="side", target="ngo", reference="international").set_index("topic")
    means = theta.groupby(docvars["side"]).mean()
    assert simple.loc["topic_2", "estimate"] == pytest.approx(means.loc["ngo", "topic_2"] - means.loc["international", "topic_2"])
    with pytest.raises(ConfigError, match="not a level"):
        topic_contrast(theta, docvars, by="side", target="police", reference="ngo")


def test_rank_deficient_design_is_reported(data):
    theta, _, docvars = data
    with pytest.raises(ConfigError, match="rank"):
        topic_effects(theta, docvars.assign(copy=docvars["year"] * 2), "year + copy")


# --- prevalence and divergence -------------------------------------------------------------------
def test_prevalence_means_and_bootstrap_interval(data):
    theta, _, docvars = data
    prev = topic_prevalence(theta, docvars, by="side", n_boot=2000, random_state=0)
    assert list(prev.columns) == ["side", "topic", "n_docs", "mean", "ci_low", "ci_high"]
    row = prev[(prev["side"] == "state") & (prev["topic"] == "topic_0")].iloc[0]
    values = theta.loc[docvars["side"] == "state", "topic_0"]
    assert row["mean"] == pytest.approx(values.mean()) and row["n_docs"] == 40
    half = 1.96 * values.std(ddof=0) / np.sqrt(len(values))                 # normal approximation
    assert row["ci_high"] - row["ci_low"] == pytest.approx(2 * half, rel=0.15)
    by_year = topic_prevalence(theta, docvars, by=["side", "year"], n_boot=50)
    assert set(by_year.columns) >= {"side", "year"} and by_year["n_docs"].sum() == 3 * len(theta)


def test_prevalence_with_posterior_is_wider(data):
    theta, gamma, docvars = data
    plain = topic_prevalence(theta, docvars, by="side", n_boot=400)
    comp = topic_prevalence(theta, docvars, by="side", posterior=gamma, n_boot=400)
    assert ((comp["ci_high"] - comp["ci_low"]) > (plain["ci_high"] - plain["ci_low"])).mean() >= 0.8


def test_jensen_shannon_equals_scipy_squared():
    rng = np.random.default_rng(1)
    for _ in range(5):
        p, q = rng.dirichlet(np.ones(6)), rng.dirichlet(np.ones(6))
        assert jensen_shannon(p, q) == pytest.approx(jensenshannon(p, q, base=2) ** 2, rel=1e-10)
        assert jensen_shannon(p, q, base=np.e) == pytest.approx(jensenshannon(p, q) ** 2, rel=1e-10)


def test_divergence_and_permutation_test(data):
    theta, _, docvars = data
    div = topic_divergence(theta, docvars, by="side", target="state", reference="ngo", n_perm=500, random_state=0).iloc[0]
    p = theta[docvars["side"] == "state"].mean().to_numpy()
    q = theta[docvars["side"] == "ngo"].mean().to_numpy()
    assert div["jsd"] == pytest.approx(jensenshannon(p, q, base=2) ** 2, rel=1e-10)
    assert div["js_distance"] == pytest.approx(jensenshannon(p, q, base=2), rel=1e-10)
    assert div["p_value"] < 0.01                         # planted difference
    shuffled = docvars.assign(side=np.random.default_rng(5).permutation(["a", "b"] * 60))
    null = topic_divergence(theta, shuffled, by="side", n_perm=500, random_state=0).iloc[0]
    assert null["p_value"] > 0.05 and null["n_perm"] == 500
    pairs = topic_divergence(theta, docvars, by="side", n_perm=20)
    assert len(pairs) == 3


def test_contrast_figure_marks_intervals_by_side(data):
    from discourse.topics import plot_contrast

    theta, _, docvars = data
    con = topic_contrast(theta, docvars, by="side", target="state", reference="ngo")
    fig = plot_contrast(con, labels={"topic_0": "topic_0: 犯罪・摘発"}, title="国家 − NGO")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["topic_2", "topic_1", "topic_0: 犯罪・摘発"]
    assert ax.get_yticklabels()[0].get_fontfamily() == ["IPAexGothic"]
    colors = ax.collections[-1].get_facecolors()           # the points, bottom-up
    state_red = (con.set_index("topic").loc["topic_0", "ci_low"] > 0)
    assert state_red and tuple(np.round(colors[2][:3], 3)) == (0.698, 0.094, 0.169)   # #b2182b
