"""Keyness: every measure against scipy, a transcription of the published formula, or a hand-computed table."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.stats import chi2_contingency

from discourse.dtm import DocTermMatrix
from discourse.errors import ConfigError
from discourse.metrics import keyness
from discourse.tokens import Tokens

TERMS = ["外国人", "犯罪", "増加", "治安", "人権", "共生", "差別", "労働", "の", "が", "を", "不法", "滞在", "支援"]


def random_tokens(seed: int = 0) -> Tokens:
    """12 documents (5 state, 5 ngo, 2 media) drawn from a skewed vocabulary; some terms in one side only."""
    rng = np.random.default_rng(seed)
    docs, sides = [], []
    for side, n_docs, weights in (("state", 5, [5, 6, 4, 3, 1, 0, 0, 1, 9, 8, 7, 3, 2, 0]),
                                  ("ngo", 5, [4, 1, 1, 0, 6, 4, 3, 3, 9, 8, 7, 0, 0, 2]),
                                  ("media", 2, [3, 3, 1, 1, 1, 1, 1, 1, 5, 5, 5, 1, 1, 1])):
        p = np.array(weights, float) / sum(weights)
        for _ in range(n_docs):
            docs.append(list(rng.choice(TERMS, size=int(rng.integers(20, 60)), p=p)))
            sides.append(side)
    docvars = pd.DataFrame({"side": sides, "year": [2003 + i % 3 for i in range(len(docs))]},
                           index=pd.Index([f"d{i}" for i in range(len(docs))], name="doc_id"))
    return Tokens.from_lists(docs, docvars)


@pytest.fixture(scope="module")
def toks() -> Tokens:
    return random_tokens()


def tables(toks: Tokens, reference: str | None = "ngo") -> dict[str, np.ndarray]:
    """Each term's 2x2 table [[term in target, other target], [term in reference, other reference]]."""
    side = toks.docvars["side"].to_numpy()
    tgt = [t for d, s in zip(toks.to_lists(), side) if s == "state" for t in d]
    ref = [t for d, s in zip(toks.to_lists(), side) if (s == reference if reference else s != "state") for t in d]
    out = {}
    for term in set(tgt) | set(ref):
        a, c = tgt.count(term), ref.count(term)
        out[term] = np.array([[a, len(tgt) - a], [c, len(ref) - c]])
    return out


def by_term(df: pd.DataFrame) -> pd.DataFrame:
    return df.set_index("term")


@pytest.mark.parametrize("measure,correction,scipy_kwargs", [
    ("chi2", "default", {"correction": True}),
    ("chi2", "yates", {"correction": True}),
    ("chi2", "none", {"correction": False}),
    ("G2", "default", {"correction": False, "lambda_": "log-likelihood"}),
    ("G2", "none", {"correction": False, "lambda_": "log-likelihood"}),
    ("G2", "yates", {"correction": True, "lambda_": "log-likelihood"}),
])
@pytest.mark.parametrize("reference", ["ngo", None])
def test_chi2_and_g2_equal_scipy(toks: Tokens, measure: str, correction: str, scipy_kwargs: dict, reference: str | None) -> None:
    df = by_term(keyness(toks, by="side", target="state", reference=reference, measure=measure, correction=correction))
    expected = tables(toks, reference)
    assert set(df.index) == set(expected)
    for term, table in expected.items():
        stat, p, dof, exp = chi2_contingency(table, **scipy_kwargs)
        sign = np.sign(table[0, 0] - exp[0, 0])
        assert df.loc[term, measure] == pytest.approx(sign * stat, rel=1e-9, abs=1e-12), term
        assert df.loc[term, "p"] == pytest.approx(p, rel=1e-9, abs=1e-15), term
        assert (df.loc[term, "n_target"], df.loc[term, "n_reference"]) == (table[0, 0], table[1, 0])


def test_g2_hand_computed() -> None:
    # target: 10 of 100 tokens; reference: 5 of 200. E11 = 100 * 15 / 300 = 5.
    toks = two_groups({"x": 10}, 100, {"x": 5}, 200)
    row = by_term(keyness(toks, by="side", target="state", measure="G2")).loc["x"]
    cells = [(10, 5), (90, 95), (5, 10), (195, 190)]
    g2 = 2 * sum(o * math.log(o / e) for o, e in cells)
    assert row["G2"] == pytest.approx(g2, rel=1e-12) and row["G2"] > 0
    chi = by_term(keyness(toks, by="side", target="state", measure="chi2", correction="none")).loc["x", "chi2"]
    assert chi == pytest.approx(sum((o - e) ** 2 / e for o, e in cells), rel=1e-12)
    yates = by_term(keyness(toks, by="side", target="state", measure="chi2")).loc["x", "chi2"]
    assert yates == pytest.approx(sum((abs(o - e) - 0.5) ** 2 / e for o, e in cells), rel=1e-12)


def test_williams_correction() -> None:
    toks = two_groups({"x": 10}, 100, {"x": 5}, 200)
    plain = by_term(keyness(toks, by="side", target="state", measure="G2")).loc["x", "G2"]
    row = by_term(keyness(toks, by="side", target="state", measure="G2", correction="williams")).loc["x"]
    # Williams (1976): q = 1 + (N sum 1/R_i - 1)(N sum 1/C_j - 1) / (6 N (r-1)(c-1)); R = (100, 200), C = (15, 285)
    n = 300
    q = 1 + (n * (1 / 100 + 1 / 200) - 1) * (n * (1 / 15 + 1 / 285) - 1) / (6 * n)
    assert q == pytest.approx(1 + 3.5 * (381 / 19) / 1800, rel=1e-12)  # by hand: 4.5 - 1 = 3.5; 6000/285 - 1 = 381/19
    assert row["G2"] == pytest.approx(plain / q, rel=1e-12) and row["G2"] < plain
    assert keyness(toks, by="side", target="state", measure="G2", correction="williams").attrs["correction"] == "williams"


def two_groups(target_terms: dict[str, int], n_target: int, reference_terms: dict[str, int], n_reference: int,
               n_target_docs: int = 1) -> Tokens:
    """A state group and an ngo group with exact term counts, padded with filler terms."""
    def fill(terms: dict[str, int], size: int, tag: str) -> list[str]:
        words = [t for t, k in terms.items() for _ in range(k)]
        return words + [f"{tag}{i % 7}" for i in range(size - len(words))]

    state = fill(target_terms, n_target, "s")
    chunks = np.array_split(np.array(state, dtype=object), n_target_docs)
    docs = [list(c) for c in chunks] + [fill(reference_terms, n_reference, "r")]
    docvars = pd.DataFrame({"side": ["state"] * n_target_docs + ["ngo"]},
                           index=pd.Index([f"d{i}" for i in range(len(docs))], name="doc_id"))
    return Tokens.from_lists(docs, docvars)


def test_log_ratio_pct_diff_pmi_hand_computed() -> None:
    toks = two_groups({"x": 10, "only_t": 4}, 100, {"x": 5, "only_r": 8}, 200)
    lr = by_term(keyness(toks, by="side", target="state", measure="log_ratio"))["log_ratio"]
    assert lr["x"] == pytest.approx(math.log2((10 / 100) / (5 / 200)), rel=1e-12)  # = 2
    assert lr["x"] == pytest.approx(2.0, rel=1e-12)
    assert lr["only_t"] == pytest.approx(math.log2((4 / 100) / (0.5 / 200)), rel=1e-12)  # Hardie's 0.5 for the zero
    assert lr["only_r"] == pytest.approx(math.log2((0.5 / 100) / (8 / 200)), rel=1e-12)
    pd_ = by_term(keyness(toks, by="side", target="state", measure="pct_diff"))["pct_diff"]
    assert pd_["x"] == pytest.approx(300.0, rel=1e-12)  # (0.1 - 0.025) / 0.025 * 100
    assert pd_["only_r"] == pytest.approx(-100.0, rel=1e-12)
    assert pd_["only_t"] == pytest.approx(100 * (4 / 100 - 0.5 / 200) / (0.5 / 200), rel=1e-12)
    pmi = by_term(keyness(toks, by="side", target="state", measure="pmi"))["pmi"]
    assert pmi["x"] == pytest.approx(math.log2(10 * 300 / (100 * 15)), rel=1e-12)  # = 1
    assert pmi["only_r"] == pytest.approx(math.log2(0.5 * 300 / (100 * 8)), rel=1e-12)


def monroe_transcription(y_i: dict, y_j: dict, alpha: dict) -> dict[str, tuple[float, float, float]]:
    """Monroe, Colaresi & Quinn (2008), sec. 3.5, written out term by term."""
    n_i, n_j, alpha_0 = sum(y_i.values()), sum(y_j.values()), sum(alpha.values())
    out = {}
    for w in set(y_i) | set(y_j):
        yi, yj, a = y_i.get(w, 0), y_j.get(w, 0), alpha[w]
        delta = math.log((yi + a) / (n_i + alpha_0 - yi - a)) - math.log((yj + a) / (n_j + alpha_0 - yj - a))
        var = 1 / (yi + a) + 1 / (yj + a)
        out[w] = (delta, var, delta / math.sqrt(var))
    return out


def counts_of(toks: Tokens, side: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for d, s in zip(toks.to_lists(), toks.docvars["side"]):
        if s == side:
            for t in d:
                out[t] = out.get(t, 0) + 1
    return out


@pytest.mark.parametrize("prior", [None, 0.01, "background"])
def test_fightin_equals_transcription(toks: Tokens, prior: object) -> None:
    y_i, y_j = counts_of(toks, "state"), counts_of(toks, "ngo")
    whole = {t: counts_of(toks, "state").get(t, 0) + y_j.get(t, 0) + counts_of(toks, "media").get(t, 0) for t in TERMS}
    if prior is None:
        alpha, arg = whole, None
    elif prior == "background":
        alpha = {t: 1.0 + 3.0 * i for i, t in enumerate(TERMS)}
        arg = pd.Series(alpha)
    else:
        alpha, arg = {t: 0.01 for t in TERMS}, 0.01
    df = by_term(keyness(toks, by="side", target="state", reference="ngo", measure="fightin", prior=arg))
    expected = monroe_transcription(y_i, y_j, alpha)
    assert set(df.index) == set(expected)
    for w, (delta, var, z) in expected.items():
        assert df.loc[w, "delta"] == pytest.approx(delta, rel=1e-9)
        assert df.loc[w, "var"] == pytest.approx(var, rel=1e-9)
        assert df.loc[w, "z"] == pytest.approx(z, rel=1e-9)
    assert list(df["z"]) == sorted(df["z"], reverse=True)


def test_fightin_hand_computed_tiny_case() -> None:
    # target: a a b (n=3); reference: b b b c (n=4); uniform prior 1 for the 3 terms, alpha_0 = 3.
    docvars = pd.DataFrame({"side": ["state", "ngo"]}, index=pd.Index(["t", "r"], name="doc_id"))
    toks = Tokens.from_lists([["a", "a", "b"], ["b", "b", "b", "c"]], docvars)
    df = by_term(keyness(toks, by="side", target="state", measure="fightin", prior=1.0))
    # term a: log(3 / (3 + 3 - 3)) - log(1 / (4 + 3 - 1)) = log(1) - log(1/6) = log 6; var = 1/3 + 1/1
    assert df.loc["a", "delta"] == pytest.approx(math.log(6), rel=1e-12)
    assert df.loc["a", "var"] == pytest.approx(4 / 3, rel=1e-12)
    assert df.loc["a", "z"] == pytest.approx(math.log(6) / math.sqrt(4 / 3), rel=1e-12)
    # term b: log(2 / (6 - 2)) - log(4 / (7 - 4)) = log(1/2) - log(4/3)
    assert df.loc["b", "delta"] == pytest.approx(math.log(0.5) - math.log(4 / 3), rel=1e-12)
    assert df.loc["b", "p"] == pytest.approx(2 * (1 - 0.5 * (1 + math.erf(abs(df.loc["b", "z"]) / math.sqrt(2)))), rel=1e-9)
    scaled = by_term(keyness(toks, by="side", target="state", measure="fightin", prior=1.0, prior_scale=30.0))
    assert scaled.loc["a", "delta"] == pytest.approx(math.log(12 / (3 + 30 - 12)) - math.log(10 / (4 + 30 - 10)), rel=1e-12)


def test_fightin_background_missing_terms_is_an_error(toks: Tokens) -> None:
    with pytest.raises(ConfigError, match="prior lacks a positive count"):
        keyness(toks, by="side", target="state", measure="fightin", prior={"外国人": 3.0})


def test_absent_terms_single_document_and_no_nan() -> None:
    toks = two_groups({"x": 10, "only_t": 4}, 100, {"x": 5, "only_r": 8}, 200, n_target_docs=1)
    for measure in ("G2", "chi2", "pmi", "log_ratio", "pct_diff", "fightin"):
        df = keyness(toks, by="side", target="state", measure=measure)
        stats = df.drop(columns=["term", "dp_target", "dp_reference"])
        assert np.isfinite(stats.to_numpy(float)).all(), measure
        # DP is undefined exactly where a group lacks the term
        assert (df["dp_reference"].isna() == (df["n_reference"] == 0)).all(), measure
        stat = by_term(df)["z" if measure == "fightin" else measure]
        assert stat["only_t"] > 0 > stat["only_r"], measure
        assert by_term(df).loc["only_t", "n_reference"] == 0 and by_term(df).loc["only_r", "n_target"] == 0
        assert df.attrs["n_target_docs"] == 1


def test_signs_and_sorting(toks: Tokens) -> None:
    df = keyness(toks, by="side", target="state", reference="ngo", measure="G2")
    assert list(df["G2"]) == sorted(df["G2"], reverse=True)
    over = df[df["G2"] > 0]
    rel_t = over["n_target"] / df.attrs["n_target_tokens"]
    rel_r = over["n_reference"] / df.attrs["n_reference_tokens"]
    assert (rel_t > rel_r).all()
    assert df.iloc[0]["term"] in {"犯罪", "不法", "増加"} and df.iloc[-1]["term"] in {"人権", "共生", "差別"}
    unsorted = keyness(toks, by="side", target="state", reference="ngo", measure="G2", sort=False)
    assert set(unsorted["term"]) == set(df["term"])


def test_reference_default_is_all_other_documents(toks: Tokens) -> None:
    df = keyness(toks, by="side", target="state", measure="log_ratio")
    assert sorted(df.attrs["reference"]) == ["media", "ngo"]
    n_other = sum(len(d) for d, s in zip(toks.to_lists(), toks.docvars["side"]) if s != "state")
    assert df.attrs["n_reference_tokens"] == n_other and df.attrs["n_reference_docs"] == 7


def test_dtm_and_tokens_agree(toks: Tokens) -> None:
    dtm = DocTermMatrix.from_tokens(toks)
    for measure in ("G2", "fightin"):
        a = keyness(toks, by="side", target="state", reference="ngo", measure=measure)
        b = keyness(dtm, by="side", target="state", reference="ngo", measure=measure)
        pd.testing.assert_frame_equal(a, b)
    # a grouped matrix gives the same statistics; its "documents" are the groups, so range is 1
    disp = ["range_target", "dp_target", "range_reference", "dp_reference"]
    grouped = keyness(dtm.group("side"), by="side", target="state", reference="ngo", measure="G2")
    pd.testing.assert_frame_equal(grouped.drop(columns=disp),
                                  keyness(toks, by="side", target="state", reference="ngo", measure="G2").drop(columns=disp))
    assert (grouped["range_target"] <= 1).all()
    with pytest.raises(ConfigError, match="weighted"):
        keyness(dtm.weight("prop"), by="side", target="state")


def test_target_list_and_year(toks: Tokens) -> None:
    df = keyness(toks, by="year", target=[2003, 2004], reference=2005, measure="chi2")
    years = toks.docvars["year"]
    assert df.attrs["n_target_docs"] == int(years.isin([2003, 2004]).sum())
    assert df.attrs["reference"] == [2005]


def test_attrs_record_parameters(toks: Tokens) -> None:
    df = keyness(toks, by="side", target="state", reference="ngo", measure="chi2")
    assert df.attrs["measure"] == "chi2" and df.attrs["correction"] == "yates" and df.attrs["by"] == "side"
    assert "Pearson" in df.attrs["citation"]
    disp = ["n_target", "n_reference", "range_target", "dp_target", "range_reference", "dp_reference"]
    assert list(df.columns) == ["term", "chi2", "p", "p_adj", "log_ratio", *disp]
    assert list(keyness(toks, by="side", target="state", measure="fightin").columns) == ["term", "delta", "var", "z", "p", "p_adj", "log_ratio", *disp]
    assert list(keyness(toks, by="side", target="state", measure="log_ratio").columns) == ["term", "log_ratio", "G2", "p", "p_adj", *disp]


@pytest.mark.parametrize("kwargs,message", [
    ({"by": "side", "target": "stat"}, r"target='stat' is not a level of 'side': choose among \['media', 'ngo', 'state'\]"),
    ({"by": "side", "target": "state", "reference": "nobody"}, "reference='nobody' is not a level of 'side'"),
    ({"by": "side", "target": "state", "reference": "state"}, "share documents"),
    ({"by": "sid", "target": "state"}, "did you mean 'side'"),
    ({"by": "side", "target": "state", "measure": "LL"}, "measure='LL' is not one of"),
    ({"by": "side", "target": "state", "measure": "chi2", "correction": "williams"}, "does not apply to measure='chi2'"),
    ({"by": "side", "target": "state", "measure": "pmi", "prior": 1.0}, "only apply to measure='fightin'"),
    ({"by": "side", "target": "state", "measure": "fightin", "prior": 0.0}, "uniform prior must be a positive"),
])
def test_errors(toks: Tokens, kwargs: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        keyness(toks, **kwargs)


def test_empty_groups_are_errors(toks: Tokens) -> None:
    only_state = toks.subset((toks.docvars["side"] == "state").to_numpy())
    with pytest.raises(ConfigError, match="no document of 'side' outside target='state'"):
        keyness(only_state, by="side", target="state")
    docvars = pd.DataFrame({"side": ["state", "ngo"]}, index=pd.Index(["a", "b"], name="doc_id"))
    no_tokens = Tokens.from_lists([[], ["人権"]], docvars)
    with pytest.raises(ConfigError, match="target='state': its 1 documents have no tokens"):
        keyness(no_tokens, by="side", target="state")


def test_p_adj_is_benjamini_hochberg_and_matches_scipy(toks: Tokens) -> None:
    df = keyness(toks, by="side", target="state", reference="ngo", measure="G2")
    assert np.allclose(df["p_adj"], stats.false_discovery_control(df["p"].to_numpy(), method="bh"), rtol=1e-12)
    # by hand: p = (0.01, 0.04, 0.03, 0.2), m = 4; sorted p * m / rank = 0.04, 0.06, 0.0533, 0.2; the running
    # minimum from the largest rank down gives 0.04, 0.0533, 0.0533, 0.2 (0.03 inherits 0.04's smaller value)
    from discourse.metrics._stats import bh_adjust
    assert bh_adjust([0.01, 0.04, 0.03, 0.2]).tolist() == pytest.approx([0.04, 0.16 / 3, 0.16 / 3, 0.2])


def test_dispersion_columns_by_hand() -> None:
    # target: d0 = [x x x y], d1 = [y]; reference: d2 = [x y], d3 = [y y]
    docvars = pd.DataFrame({"side": ["t", "t", "r", "r"]}, index=pd.Index(["d0", "d1", "d2", "d3"], name="doc_id"))
    toks = Tokens.from_lists([["x", "x", "x", "y"], ["y"], ["x", "y"], ["y", "y"]], docvars)
    df = keyness(toks, by="side", target="t", measure="log_ratio").set_index("term")
    # target sizes 4, 1 -> s = (.8, .2); x: v = (1, 0) -> DP = .5 (|1-.8| + |0-.2|) = 0.2
    assert df.loc["x", "range_target"] == 1 and df.loc["x", "dp_target"] == pytest.approx(0.2)
    # y in target: v = (.5, .5) -> .5 (.3 + .3) = 0.3; in reference sizes 2, 2: v = (1/3, 2/3) -> 1/6
    assert df.loc["y", "dp_target"] == pytest.approx(0.3) and df.loc["y", "dp_reference"] == pytest.approx(1 / 6)
    assert df.loc["y", "range_reference"] == 2


def test_frequency_range_and_dispersion_filters() -> None:
    docvars = pd.DataFrame({"side": ["t", "t", "t", "r"]}, index=pd.Index(list("abcd"), name="doc_id"))
    toks = Tokens.from_lists([["spread", "lump", "lump", "lump", "lump"], ["spread", "w"], ["spread", "w"], ["w", "w", "z"]], docvars)
    full = keyness(toks, by="side", target="t", measure="G2")
    assert set(full["term"]) == {"spread", "lump", "w", "z"}
    # range in the group that over-uses the term: spread 3 target documents; lump 1; w and z 1 reference document
    assert set(keyness(toks, by="side", target="t", measure="G2", min_range=2)["term"]) == {"spread"}
    # DP in target (sizes 5, 2, 2): spread 2/9, lump 4/9; w and z sit in the one reference document: 0
    kept = keyness(toks, by="side", target="t", measure="G2", max_dp=0.4)
    assert set(kept["term"]) == {"spread", "w", "z"}
    few = keyness(toks, by="side", target="t", measure="G2", min_count=3)
    assert set(few["term"]) == {"spread", "lump", "w"}
    assert few["p_adj"].tolist() == pytest.approx(stats.false_discovery_control(few["p"].to_numpy(), method="bh").tolist())
    with pytest.raises(ConfigError, match="max_dp=2"):
        keyness(toks, by="side", target="t", max_dp=2)
