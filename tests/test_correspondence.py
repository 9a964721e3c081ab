"""Correspondence analysis: Greenacre's smoking example (published principal inertias) and the
identities every CA satisfies."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from discourse.errors import ConfigError
from discourse.metrics.correspondence import correspondence, correspondence_terms, plot_biplot, terms_by_group
from discourse.tokens import Tokens

# Greenacre (1984), staff groups x smoking categories (also `smoke` in R's ca package), typed in by hand.
SMOKE = pd.DataFrame([[4, 2, 3, 2], [4, 3, 7, 4], [25, 10, 12, 4], [18, 24, 33, 13], [10, 6, 7, 2]],
                     index=["SM", "JM", "SE", "JE", "SC"], columns=["none", "light", "medium", "heavy"])


def test_greenacre_smoking_inertias() -> None:
    ca = correspondence(SMOKE)
    assert ca.inertia["inertia"].round(5).tolist() == [0.07476, 0.01002, 0.00041]
    # published percentages: 87.8%, 11.8%, 0.5%
    assert ca.inertia["pct"].round(1).tolist() == [87.8, 11.8, 0.5]
    chi2 = stats.chi2_contingency(SMOKE.to_numpy(), correction=False)[0]
    assert ca.chi2 == pytest.approx(chi2)
    assert ca.total_inertia == pytest.approx(chi2 / SMOKE.to_numpy().sum())
    assert ca.total_inertia == pytest.approx(ca.inertia["inertia"].sum())


def test_greenacre_smoking_coordinates() -> None:
    ca = correspondence(SMOKE)
    rows = ca.rows.set_index("label")
    # ca package, principal coordinates on dim 1 (up to a common sign): SM -0.066, JM 0.259, SE -0.381, JE 0.233, SC -0.201
    published = np.array([-0.066, 0.259, -0.381, 0.233, -0.201])
    got = rows["dim1"].to_numpy()
    sign = np.sign(got[1] / published[1])
    assert np.round(sign * got, 3).tolist() == published.tolist()
    assert rows["mass"].round(4).tolist() == [0.057, 0.0933, 0.2642, 0.4560, 0.1295]


def test_ca_identities() -> None:
    ca = correspondence(SMOKE)
    k = len(ca.inertia)
    r, c = ca.rows["mass"].to_numpy(), ca.columns["mass"].to_numpy()
    std_r = ca.rows[[f"std{j + 1}" for j in range(k)]].to_numpy()
    std_c = ca.columns[[f"std{j + 1}" for j in range(k)]].to_numpy()
    pr_c = ca.columns[[f"dim{j + 1}" for j in range(k)]].to_numpy()
    # standard coordinates: weighted mean 0, weighted variance 1
    np.testing.assert_allclose(r @ std_r, 0, atol=1e-12)
    np.testing.assert_allclose((r[:, None] * std_r ** 2).sum(axis=0), 1, atol=1e-12)
    # transition formula: row principal = profile-weighted average of column standard coordinates
    profiles = SMOKE.to_numpy() / SMOKE.to_numpy().sum(axis=1, keepdims=True)
    np.testing.assert_allclose(profiles @ std_c, ca.rows[[f"dim{j + 1}" for j in range(k)]].to_numpy(), atol=1e-12)
    # principal inertia = weighted sum of squared principal coordinates
    np.testing.assert_allclose((c[:, None] * pr_c ** 2).sum(axis=0), ca.inertia["inertia"], atol=1e-12)
    # reconstitution: n_ij = n r_i c_j (1 + sum_k f_ik g_jk / sqrt(lambda_k)) with std x principal
    recon = SMOKE.to_numpy().sum() * np.outer(r, c) * (1 + std_r @ pr_c.T)
    np.testing.assert_allclose(recon, SMOKE.to_numpy(), atol=1e-9)


def test_terms_by_group_from_tokens() -> None:
    dv = pd.DataFrame({"side": ["state", "state", "ngo", "media"]}, index=pd.Index(list("abcd"), name="doc_id"))
    toks = Tokens.from_lists([["犯罪", "犯罪", "治安", "外国人"], ["犯罪", "外国人"], ["人権", "人権", "共生", "外国人"],
                              ["外国人", "治安", "人権"]], dv)
    table = terms_by_group(toks, by="side", n_terms=3)
    assert table.index.tolist() == ["外国人", "人権", "犯罪"]      # 4, 3, 3 (tie broken by code point: 人 < 犯)
    assert table.loc["犯罪"].to_dict() == {"media": 0, "ngo": 0, "state": 3}
    ca = correspondence_terms(toks, by="side", n_terms=5)
    assert len(ca.inertia) == 2 and ca.inertia["pct"].sum() == pytest.approx(100)
    fig = plot_biplot(ca)
    labels = {t.get_text() for t in fig.axes[0].texts}
    assert {"犯罪", "人権", "state", "ngo"} <= labels
    assert "次元1" in fig.axes[0].get_xlabel()


def test_bad_tables() -> None:
    with pytest.raises(ConfigError, match="non-negative"):
        correspondence(pd.DataFrame([[1, -1], [2, 3]]))
    with pytest.raises(ConfigError, match="at least 2"):
        correspondence(pd.DataFrame([[1, 2]]))
    dropped = correspondence(pd.DataFrame([[1, 2, 0], [3, 1, 0], [0, 0, 0], [2, 2, 0]], index=list("abcd")))
    assert dropped.attrs["dropped"] == ["c", "2"]


def test_biplot_japanese_glyphs_render() -> None:
    import io
    import warnings

    table = pd.DataFrame([[10, 2, 1], [1, 8, 3], [2, 2, 9]], index=["来日外国人", "人権", "治安"], columns=["国", "NGO", "報道"])
    fig = plot_biplot(correspondence(table), title="対応分析の図")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png")
    assert not [w for w in caught if "Glyph" in str(w.message)]
    assert fig.axes[0].texts[0].get_fontfamily()[0] == "IPAexGothic"


def test_frames_by_groups_from_crosstab() -> None:
    from discourse.metrics import crosstab

    labels = pd.DataFrame({"doc_id": ["a", "a", "b", "c", "c", "d", "d", "e"],
                           "threat": [1, 1, 0, 0, 1, 0, 0, 1], "rights": [0, 0, 1, 1, 0, 1, 1, 0],
                           "economy": [1, 0, 0, 1, 1, 0, 1, 0]})
    docvars = pd.DataFrame({"side": ["state", "state", "ngo", "ngo", "media"]}, index=pd.Index(list("abcde"), name="doc_id"))
    table = crosstab(labels, docvars, by="side").pivot(index="frame", columns="group", values="n_positive")
    ca = correspondence(table)
    # by hand: frames x sides counts
    assert table.loc["threat"].to_dict() == {"media": 1, "ngo": 1, "state": 2}
    chi2 = stats.chi2_contingency(table.to_numpy(), correction=False)[0]
    assert ca.total_inertia == pytest.approx(chi2 / table.to_numpy().sum())
    assert ca.inertia["inertia"].sum() == pytest.approx(ca.total_inertia)
    assert set(ca.rows["label"]) == {"threat", "rights", "economy"} and len(plot_biplot(ca).axes) == 1


def test_contributions_and_quality() -> None:
    ca = correspondence(SMOKE)
    k = len(ca.inertia)
    for frame in (ca.rows, ca.columns):
        np.testing.assert_allclose(frame[[f"ctr{j + 1}" for j in range(k)]].sum(axis=0), 1.0)
        np.testing.assert_allclose(frame[[f"cos2{j + 1}" for j in range(k)]].sum(axis=1), 1.0)
        np.testing.assert_allclose(frame["inertia"].sum(), ca.total_inertia)
    se = ca.rows.set_index("label").loc["SE"]
    # contribution from the published coordinate and inertia: mass * (f / sqrt(lambda))**2
    assert se["ctr1"] == pytest.approx(0.2642 * (0.381 / np.sqrt(0.07476)) ** 2, abs=2e-3)
    # quality: f**2 / squared chi-square distance of the SE profile from the average profile
    n = SMOKE.to_numpy()
    profile, average = n[2] / n[2].sum(), n.sum(axis=0) / n.sum()
    d2 = ((profile - average) ** 2 / average).sum()
    assert se["cos21"] == pytest.approx(se["dim1"] ** 2 / d2)
