"""The three framings of the crime figures, checked against the sources' own stated numbers."""
from __future__ import annotations

import pandas as pd
import pytest

from discourse.errors import ConfigError
from discourse.metrics.crime_figures import crime_figures, crime_figures_wide, load_statistics


def test_share_2004_reproduces_the_stated_share():
    df = crime_figures(offenders="foreign_all_penal_persons", offences="foreign_all_penal_cleared_cases", years=[2004])
    share = df.query("framing == 'share_of_total_pct'").iloc[0]
    assert (share.numerator, share.denominator) == (14766, 389027)
    assert share.value == pytest.approx(100 * 14766 / 389027, rel=1e-12)
    assert round(share.value, 1) == 3.8  # stated in the 2005 Crime White Paper
    stated = load_statistics().query("indicator == 'foreign_share_of_penal_persons_pct' and year == 2004")["value"]
    assert round(share.value, 1) == stated.iloc[0]


def test_growth_index_rate_and_offences_per_offender_by_hand():
    with pytest.raises(ConfigError, match="counts resident foreigners, but offenders='raini_penal_persons' counts 来日"):
        crime_figures(years=[2003, 2004], population="registered_foreigners")
    df = crime_figures(years=[2003, 2004], population="registered_foreigners", allow_mixing=True)
    wide = crime_figures_wide(df)
    assert wide.loc[2004, "growth_pct"] == pytest.approx(100 * (8898 - 8725) / 8725)
    assert wide.loc[2004, "index"] == pytest.approx(100 * 8898 / 8725)
    assert wide.loc[2003, "index"] == 100.0
    assert wide.loc[2004, "offences_per_offender"] == pytest.approx(32087 / 8898)
    assert wide.loc[2004, "rate_per_100k"] == pytest.approx(8898 / 1973747 * 1e5)
    assert set(df.loc[df.framing == "growth_pct", "compares"]) == {"itself, earlier year"}
    assert df.attrs["offences"] == "raini_penal_cleared_cases"  # followed offenders
    assert df.attrs["base_year"] == 2003


def test_missing_denominators_are_listed_not_nan():
    df = crime_figures(years=range(1990, 2005))
    assert not df["value"].isna().any()
    assert {"indicator": "raini_penal_persons", "year": 1990, "reason": "no figure"} in df.attrs["dropped"]
    assert {"framing": "share_of_total_pct", "year": 2000} in df.attrs["missing"]


def test_scope_change_is_refused_unless_allowed():
    with pytest.raises(ConfigError, match="allow_scope_change"):
        crime_figures(offenders="raini_penal_persons", offences=None, population=None, years=[2004, 2005],
                      value_kinds=("stated", "secondary"))
    df = crime_figures(offenders="raini_penal_persons", offences=None, population=None, years=[2004, 2005],
                       value_kinds=("stated", "secondary"), allow_scope_change=True)
    assert df.loc[df.year == 2005, "scope_changed"].all()
    assert not df.loc[df.year == 2004, "scope_changed"].any()


def test_secondary_figures_excluded_by_default():
    years = crime_figures(years=range(2004, 2009), offences=None, population=None)["year"].unique().tolist()
    assert 2008 not in years  # 2008 raini persons is only a secondary quote
    years = crime_figures(years=range(2004, 2009), offences=None, population=None,
                          value_kinds=("stated", "derived", "secondary", "derived_secondary"),
                          allow_scope_change=True)["year"].unique().tolist()
    assert 2008 in years


def test_unknown_indicator_and_bad_base_year():
    with pytest.raises(ConfigError, match="choose among"):
        crime_figures(offenders="no_such_series")
    with pytest.raises(ConfigError, match="base_year"):
        crime_figures(years=[2003, 2004], base_year=1999)


def test_bundled_table_schema():
    table = load_statistics()
    assert {"year", "indicator", "value", "unit", "scope", "source_url", "value_kind", "scope_group"} <= set(table.columns)
    assert table["source_url"].str.startswith("http").all()
    assert not table.duplicated(["year", "indicator", "nationality", "scope", "value_kind", "source_title"]).any()
    assert pd.api.types.is_numeric_dtype(table["value"])


def test_disagreeing_sources_are_an_error_unless_one_is_chosen():
    kw = dict(offenders="total_penal_persons", offences=None, total="total_penal_persons", population=None, years=[2008, 2009])
    with pytest.raises(ConfigError, match="sources disagree .*333205.*332888|sources disagree .*332888.*333205"):
        crime_figures(**kw)
    table = load_statistics()
    title = table.query("indicator == 'total_penal_persons' and year == 2009 and value == 333205")["source_title"].iloc[0]
    df = crime_figures(**kw, source=title[:12])
    assert df.query("framing == 'index' and year == 2009")["numerator"].item() == 333205


def test_runs_with_no_arguments_within_one_scope():
    with pytest.warns(UserWarning, match="left out"):
        df = crime_figures()
    assert df["year"].max() == 2010 and not df["scope_changed"].any()  # post-2014 years are another scope
    assert {"indicator": "raini_penal_persons", "year": 2018,
            "reason": "only in scope ['penal_post2014'], not 'general_penal'"} in df.attrs["dropped"]
    assert "rate_per_100k" not in set(df["framing"]) and "no resident population base" in df.attrs["notes"][0]


def test_offences_per_offender_like_for_like():
    # 2003, all foreigners: 37,535 cases / 14,527 persons (not 来日 cases / all-foreigner persons = 1.88)
    df = crime_figures(offenders="foreign_all_penal_persons", years=[2003], population=None)
    row = df.query("framing == 'offences_per_offender'").iloc[0]
    assert (row.numerator, row.denominator) == (37535, 14527) and round(row.value, 2) == 2.58
    with pytest.raises(ConfigError, match="counts 来日外国人 .* but offenders='foreign_all_penal_persons' counts all foreigners"):
        crime_figures(offenders="foreign_all_penal_persons", offences="raini_penal_cleared_cases", years=[2003])
    with pytest.raises(ConfigError, match="counts persons, not cases"):
        crime_figures(offenders="foreign_all_penal_persons", offences="foreign_all_penal_persons", years=[2003])
    mixed = crime_figures(offenders="foreign_all_penal_persons", offences="raini_penal_cleared_cases", years=[2003],
                          allow_mixing=True)
    assert round(mixed.query("framing == 'offences_per_offender'")["value"].item(), 2) == 1.88


def test_growth_shows_the_years_compared():
    df = crime_figures(offenders="foreign_all_penal_persons", years=[2000, 2003, 2004], population=None)
    growth = df[df.framing == "growth_pct"].set_index("year")
    assert growth.loc[2003, "compared_to"] == 2000 and growth.loc[2003, "years_apart"] == 3
    assert growth.loc[2003, "value"] == pytest.approx(100 * (14527 - 10963) / 10963)
    assert growth.loc[2004, "years_apart"] == 1


def test_thousands_are_scaled_for_rates():
    table = load_statistics()
    df = crime_figures(table, offenders="foreign_all_penal_persons", population="census_foreign_population_thousands",
                       years=[2000])
    rate = df.query("framing == 'rate_per_100k'").iloc[0]
    census = table.query("indicator == 'census_foreign_population_thousands' and year == 2000")["value"].item()
    assert rate.denominator == census * 1000 and rate.value == pytest.approx(10963 / (census * 1000) * 1e5)
