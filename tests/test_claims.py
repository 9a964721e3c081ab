"""Numeric claims checked against the bundled statistics. The sentences are written for this test;
the figures they state are the ones in corpora/statistics/crime_figures.csv (NPA / MOJ):
来日外国人 一般刑法犯 persons 2002 7,690, 2003 8,725, 2004 8,898, 2010 6,710, 2019 5,563 (post-2014
scope); cases 2004 32,087, 2005 33,037, 2010 14,025; all foreigners persons 2003 14,527, 2004 14,766;
foreigners' share of all persons cleared 2002-2004 3.8 %; all persons cleared 2004 389,027, 2010 322,620."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from discourse.errors import ConfigError
from discourse.metrics.claims import check_claims, era_year, extract_claims, frames_vs_figures, parse_number
from discourse.metrics.crime_figures import load_statistics


def _one(sentence: str) -> pd.Series:
    checked = check_claims(extract_claims([sentence]))
    assert len(checked) == 1, checked[["span"]]
    return checked.iloc[0]


@pytest.mark.parametrize("era, n, year", [("平成", 16, 2004), ("平成", "元", 1989), ("昭和", 64, 1989), ("令和", "元", 2019),
                                          ("令和", 2, 2020), ("昭和", 55, 1980)])
def test_era_years(era: str, n: object, year: int) -> None:
    assert era_year(era, n) == year


@pytest.mark.parametrize("text, approx, value, tol", [("1万4,766", False, 14766, 0.5), ("1.5万", False, 15000, 500),
                                                      ("3千", False, 3000, 500), ("15,000", True, 15000, 500),
                                                      ("15,000", False, 15000, 0.5), ("2億3千万", False, 230_000_000, 5e6),
                                                      ("3.8", False, 3.8, 0.05), ("１万４，７６６", False, 14766, 0.5)])
def test_parse_number(text: str, approx: bool, value: float, tol: float) -> None:
    assert parse_number(text, approximate=approx) == pytest.approx((value, tol))


def test_correct_count_matches() -> None:
    row = _one("平成16年の来日外国人の検挙人員は8,898人だった。")
    assert (row["number"], row["unit"], row["year"], row["indicator"]) == (8898, "persons", 2004, "raini_penal_persons")
    assert row["status"] == "matches" and row["figure"] == 8898
    assert not (row["scope_change"] or row["population_mixing"] or row["growth_vs_share"])


def test_all_foreigner_figure_given_for_raini_is_population_mixing() -> None:
    row = _one("平成16年の来日外国人の検挙人員は1万4,766人に達した。")
    assert row["number"] == 14766 and row["status"] == "differs" and row["figure"] == 8898
    assert row["population_mixing"]


def test_wrong_count_without_mixing() -> None:
    row = _one("In 2010, about 9,000 visiting foreigners were cleared for penal code offences.")
    assert (row["year"], row["population"], row["tolerance"]) == (2010, "raini", 500)
    assert row["status"] == "differs" and row["figure"] == 6710 and not row["population_mixing"]


def test_cases_and_record() -> None:
    ok = _one("2004年の来日外国人による検挙件数は32,087件で、過去最多となった。")
    assert ok["indicator"] == "raini_penal_cleared_cases" and ok["status"] == "matches" and ok["record"]
    wrong = _one("2010年の来日外国人の検挙件数は14,025件で過去最多となった。")
    assert wrong["status"] == "matches" and "not a record: 2005 had 33037" in wrong["note"]


def test_ratio_against_previous_year_and_flat_share() -> None:
    row = _one("平成15年の来日外国人の検挙人員は前年より増加し、約1.1倍となった。")
    assert (row["kind"], row["year"], row["base_year"], row["direction"]) == ("ratio", 2003, 2002, "increase")
    assert row["figure"] == pytest.approx(8725 / 7690) and row["status"] == "matches"   # 1.135 within 1.1 +- 0.05
    # no total for 2002 in the table: the 来日 share is unknown, so no growth_vs_share flag
    assert not row["growth_vs_share"] and pd.isna(row["share"])


def test_growth_percent_true_and_false_with_flat_share() -> None:
    right = _one("2004年の外国人の検挙人員は前年比約2%増加した。")
    wrong = _one("2004年の外国人の検挙人員は前年比16%増加した。")
    growth = 100 * (14766 / 14527 - 1)
    for row in (right, wrong):
        assert row["kind"] == "growth_pct" and row["figure"] == pytest.approx(growth)
        assert row["growth_vs_share"] and row["share"] == 3.8 and row["base_share"] == 3.8
    assert right["status"] == "matches" and wrong["status"] == "differs"


def test_wrong_direction_and_computed_raini_share() -> None:
    row = _one("2010年の来日外国人の検挙件数は2004年の2倍に増加した。")
    assert row["figure"] == pytest.approx(14025 / 32087) and row["status"] == "differs"
    assert row["share"] == pytest.approx(100 * 6710 / 322620) and row["base_share"] == pytest.approx(100 * 8898 / 389027)


def test_scope_change_flag() -> None:
    row = _one("令和元年の来日外国人の検挙人員は平成16年と比べて約4割減少した。")
    assert (row["year"], row["base_year"], row["number"], row["direction"]) == (2019, 2004, 40, "decrease")
    assert row["figure"] == pytest.approx(100 * (5563 / 8898 - 1))
    assert row["status"] == "matches" and row["scope_change"]
    assert (row["base_scope"], row["figure_scope"]) == ("general_penal", "penal_post2014")


def test_share_english_and_no_figure() -> None:
    row = _one("In 2004, foreigners accounted for 3.8% of all persons cleared for penal code offences.")
    assert (row["kind"], row["indicator"], row["status"]) == ("share", "foreign_share_of_penal_persons_pct", "matches")
    wrong = _one("In 2004, foreigners accounted for 8% of all persons cleared.")
    assert wrong["status"] == "differs"
    missing = _one("1995年の外国人の検挙人員は5,000人だった。")
    assert missing["status"] == "no_figure" and "1995" in missing["note"]


def test_two_claims_in_one_sentence_and_dataframe_input() -> None:
    frame = pd.DataFrame({"doc_id": ["npa-1"], "text": ["来日外国人の検挙人員は平成5年の7,276人から平成16年には8,898人に増加した。"]})
    checked = check_claims(extract_claims(frame))
    assert checked["year"].tolist() == [1993, 2004] and checked["status"].tolist() == ["matches", "matches"]
    assert checked["doc_id"].tolist() == ["npa-1", "npa-1"] and checked["direction"].tolist()[1] == "increase"
    assert extract_claims(["外国人との共生が大切だ。"]).empty


def test_frames_vs_figures_against_scipy() -> None:
    table = load_statistics()
    years = [1998, 2000, 2002, 2003, 2004, 2010]
    share = [0.10, 0.12, 0.15, 0.20, 0.22, 0.13]
    prev = pd.DataFrame({"year": years, "share": share, "frame": "crime"})
    out = frames_vs_figures(prev, table, indicator="raini_penal_persons", lags=(0, 1))
    fig = {1998: 5382, 2000: 6329, 2002: 7690, 2003: 8725, 2004: 8898, 2010: 6710}
    lag0 = out[out["lag"] == 0].iloc[0]
    assert lag0["n"] == 6
    assert lag0["pearson"] == pytest.approx(stats.pearsonr(share, [fig[y] for y in years]).statistic)
    assert lag0["spearman"] == pytest.approx(stats.spearmanr(share, [fig[y] for y in years]).statistic)
    assert lag0["pearson_p"] == pytest.approx(stats.pearsonr(share, [fig[y] for y in years]).pvalue)
    # lag 1: talk of year t beside the figure of t - 1: only 2003 (2002) and 2004 (2003) pair up
    lag1 = out[out["lag"] == 1].iloc[0]
    assert lag1["n"] == 2 and np.isnan(lag1["pearson"]) and "no correlation" in lag1["warning"]
    # r needed at n = 6: t(0.975, 4) / sqrt(4 + t^2) = 0.811
    assert lag0["r_needed"] == pytest.approx(0.811, abs=1e-3) and "6 yearly points" in lag0["warning"]
    assert out.attrs["series"]["figure"].tolist() == [fig[y] for y in years]
    with pytest.raises(ConfigError, match="lacks column"):
        frames_vs_figures(prev.rename(columns={"share": "x"}), table, indicator="raini_penal_persons")


def test_frames_vs_figures_differences() -> None:
    table = pd.DataFrame({"year": range(2000, 2006), "indicator": "x", "value": [10.0, 12, 11, 15, 14, 18],
                          "scope_group": "g", "value_kind": "stated", "nationality": "all"})
    share = [0.1, 0.3, 0.2, 0.4, 0.35, 0.5]
    out = frames_vs_figures(pd.DataFrame({"year": range(2000, 2006), "share": share}), table, indicator="x", lags=(0,))
    expected = stats.pearsonr(np.diff(share), np.diff([10.0, 12, 11, 15, 14, 18])).statistic
    assert out.iloc[0]["pearson_diff"] == pytest.approx(expected) and out.iloc[0]["frame"] == "all"


def test_document_year_resolves_last_year_and_previous_year() -> None:
    frame = pd.DataFrame({"doc_id": ["d"], "year": [2005],
                          "text": ["昨年、来日外国人の検挙件数は3万2,087件で、前年より17.7%増えた。"]})
    checked = check_claims(extract_claims(frame)).set_index("span")
    assert checked.loc["3万2,087件", "year"] == 2004 and checked.loc["3万2,087件", "status"] == "matches"
    growth = checked.loc["17.7%"]
    assert (growth["year"], growth["base_year"], growth["measure"]) == (2004, 2003, "cases")   # measure from 件
    assert growth["figure"] == pytest.approx(100 * (32087 / 27258 - 1)) and growth["status"] == "matches"
    # the same sentence without the document's year has no year for the count
    assert pd.isna(extract_claims(frame["text"])["year"].iloc[0])


def test_change_bound_and_whole() -> None:
    change = _one("2003年、来日外国人の検挙人員は前年より1,000人以上増えた。")
    assert (change["kind"], change["bound"], change["base_year"]) == ("change", "at_least", 2002)
    assert change["figure"] == 8725 - 7690 and change["status"] == "matches"      # 1,035 >= 1,000
    too_many = _one("2003年、来日外国人の検挙人員は前年より2,000人以上増えた。")
    assert too_many["status"] == "differs"
    whole = check_claims(extract_claims(["2004年の一般刑法犯の検挙人員38万9,027人のうち、外国人は1万4,766人だった。"]))
    assert whole["population"].tolist() == ["everyone", "foreign_all"] and whole["status"].tolist() == ["matches", "matches"]


def test_special_law_scope_registered_and_rates() -> None:
    penal_only = _one("平成16年の来日外国人の検挙人員は21,842人だった。")
    special = _one("平成16年の来日外国人の検挙人員は、特別法犯を含めて21,842人だった。")
    table = load_statistics()
    total = table[(table.indicator == "raini_total_persons") & (table.year == 2004) & (table.value_kind == "stated")]["value"]
    assert total.tolist() == [21842]
    assert penal_only["status"] == "differs" and "raini_total_persons" in penal_only["note"]
    assert special["indicator"] == "raini_total_persons" and special["status"] == "matches"
    registered = _one("平成12年末に登録されていた外国人は1,686,444人だった。")
    assert (registered["indicator"], registered["status"]) == ("registered_foreigners", "matches")
    rate = _one("2000年の来日外国人は、一人あたり3.6件の検挙件数だった。")
    assert rate["kind"] == "rate" and rate["status"] == "no_figure"


def test_plot_frames_vs_figures() -> None:
    from discourse.report.plots_analyses import plot_frames_vs_figures

    prev = pd.DataFrame({"year": [2002, 2003, 2004], "share": [0.1, 0.2, 0.15]})
    out = frames_vs_figures(prev, indicator="raini_penal_persons", lags=(0,))
    fig = plot_frames_vs_figures(out.attrs["series"], title="治安フレームと検挙人員")
    left, right = fig.axes
    assert left.lines[0].get_ydata().tolist() == [0.1, 0.2, 0.15]
    assert right.lines[0].get_ydata().tolist() == [7690, 8725, 8898]


def test_frames_vs_figures_per_group_never_averages() -> None:
    prev = pd.DataFrame({"year": [2002, 2003, 2004] * 2, "side": ["state"] * 3 + ["ngo"] * 3,
                         "frame": "crime", "share": [0.1, 0.2, 0.3, 0.3, 0.1, 0.2]})
    with pytest.raises(ConfigError, match="group="):
        frames_vs_figures(prev, indicator="raini_penal_persons")
    out = frames_vs_figures(prev, indicator="raini_penal_persons", group="side", lags=(0,)).set_index("side")
    figures = [7690, 8725, 8898]
    assert out.loc["state", "pearson"] == pytest.approx(stats.pearsonr([0.1, 0.2, 0.3], figures).statistic)
    assert out.loc["ngo", "pearson"] == pytest.approx(stats.pearsonr([0.3, 0.1, 0.2], figures).statistic)
