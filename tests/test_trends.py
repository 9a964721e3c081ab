"""Terms over time, checked by hand on a constructed corpus."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from discourse.errors import ConfigError
from discourse.metrics import keyness
from discourse.metrics.trends import keyness_over, plot_trends, term_trends
from discourse.tokens import Tokens

DOCS = [["犯罪", "増加", "外国人", "治安"], ["犯罪", "外国人"],            # 2003: 6 tokens
        ["共生", "外国人", "人権", "支援", "共生"],                           # 2004: 5 tokens
        ["犯罪", "犯罪", "外国人", "検挙"], ["人権", "共生", "外国人", "支援"]]  # 2005: 8 tokens
YEARS = [2003, 2003, 2004, 2005, 2005]
SIDES = ["state", "state", "ngo", "state", "ngo"]


@pytest.fixture()
def toks() -> Tokens:
    dv = pd.DataFrame({"year": YEARS, "side": SIDES}, index=pd.Index([f"d{k}" for k in range(5)], name="doc_id"))
    return Tokens.from_lists(DOCS, dv)


def test_rates_by_hand(toks: Tokens) -> None:
    df = term_trends(toks, ["犯罪", "共生"], n_boot=200, random_state=1)
    crime = df[df["term"] == "犯罪"].set_index("year")
    assert crime["per_10k"].tolist() == pytest.approx([10_000 * 2 / 6, 0.0, 10_000 * 2 / 8])
    assert crime["n_tokens"].tolist() == [6, 5, 8] and crime["docfreq"].tolist() == [2, 0, 1]
    kyosei = df[df["term"] == "共生"].set_index("year")
    assert kyosei.loc[2004, "per_10k"] == pytest.approx(4000.0)
    # one document in 2004: every resample is that document, the interval collapses on the estimate
    assert kyosei.loc[2004, ["ci_low", "ci_high"]].tolist() == pytest.approx([4000.0, 4000.0])
    # 2005 犯罪: resamples are {d3,d3}: 2/4, {d4,d4}: 0, {d3,d4}: 2/8 -> the interval spans [0, 5000]
    assert crime.loc[2005, "ci_low"] == pytest.approx(0.0) and crime.loc[2005, "ci_high"] == pytest.approx(5000.0)


def test_bootstrap_matches_manual_resampling(toks: Tokens) -> None:
    df = term_trends(toks, "外国人", by="side", n_boot=300, random_state=7)
    # manual: same generator, cells visited in sorted (side, year) order, weights drawn per cell
    rng = np.random.default_rng(7)
    sizes = np.array([len(d) for d in DOCS], float)
    hits = np.array([d.count("外国人") for d in DOCS], float)
    rows = []
    for side, year in sorted(set(zip(SIDES, YEARS))):
        idx = [k for k in range(5) if SIDES[k] == side and YEARS[k] == year]
        draws = rng.integers(0, len(idx), size=(300, len(idx)))
        w = np.zeros((300, len(idx)))
        np.add.at(w, (np.arange(300)[:, None], draws), 1.0)
        boot = 10_000 * (w @ hits[idx]) / (w @ sizes[idx])
        rows.append(np.quantile(boot, [0.025, 0.975]))
    np.testing.assert_allclose(df[["ci_low", "ci_high"]].to_numpy(), np.array(rows))
    assert df[["side", "year"]].values.tolist() == [["ngo", 2004], ["ngo", 2005], ["state", 2003], ["state", 2005]]


def test_keyness_over_each_year_against_the_rest(toks: Tokens) -> None:
    df = keyness_over(toks, over="year", measure="log_ratio")
    y2004 = df[df["year"] == 2004].set_index("term")
    # 共生 in 2004: 2 of 5 tokens; other years 1 of 14 -> log2((2/5)/(1/14))
    assert y2004.loc["共生", "log_ratio"] == pytest.approx(np.log2((2 / 5) / (1 / 14)))
    assert y2004["rank"].iloc[0] == 1
    same = keyness(toks, by="year", target=2005, measure="log_ratio")
    part = df[df["year"] == 2005].drop(columns=["year", "rank"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(part, same, check_like=False)
    assert keyness_over(toks, n_top=2).groupby("year").size().tolist() == [2, 2, 2]
    with pytest.raises(ConfigError, match="at least 2 periods"):
        keyness_over(toks.subset(np.array(YEARS) == 2003))


def test_plot(toks: Tokens) -> None:
    fig = plot_trends(term_trends(toks, ["犯罪", "外国人"], by="side", n_boot=20))
    titles = [ax.get_title() for ax in fig.axes if ax.get_visible()]
    assert titles == ["犯罪", "外国人"]
