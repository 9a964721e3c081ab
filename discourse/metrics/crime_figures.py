"""Three framings of the same crime figures (``corpora/statistics/README.md``; tutorial unit 7).

The state compares foreign crime with itself (growth over time), NGOs compare it with the whole
(share of all suspects) and with population (rate per resident); offences per offender separates
more offending from more persistent policing. ``crime_figures`` computes all of them from one table.

References: Yamamoto (2007) on the two narratives; NPA / MOJ white papers for the figures.

Example
-------
>>> from discourse.metrics import crime_figures
>>> df = crime_figures(offenders="foreign_all_penal_persons", years=[2004])  # doctest: +SKIP
>>> df.query("framing == 'share_of_total'")["value"].round(1).item()          # doctest: +SKIP
3.8
"""
from __future__ import annotations

from pathlib import Path
import warnings
from typing import Sequence

import pandas as pd

from ..errors import ConfigError, closest
from ..resources import resource

DEFAULT_KINDS = ("stated", "derived")
COMPARES = {"growth_pct": "itself, earlier year", "index": "itself, base year", "share_of_total_pct": "all persons cleared",
            "rate_per_100k": "resident population", "offences_per_offender": "its own cases"}
POPULATIONS = {"raini": "来日外国人 (foreign visitors)", "foreign_all": "all foreigners", "everyone": "everyone",
               "foreign_residents": "resident foreigners"}
RESIDENT_BASES = ("registered_foreigners", "census_foreign_population", "census_foreign_population_thousands",
                  "resident_foreigners_zairyu")
UNIT_SCALE = {"persons": 1.0, "cases": 1.0, "thousand persons": 1000.0, "percent": 1.0}


def population_of(indicator: str) -> str:
    """Whom an indicator counts: ``raini``, ``foreign_all``, ``everyone``, ``foreign_residents`` or ``unknown``."""
    if indicator in RESIDENT_BASES:
        return "foreign_residents"
    for prefix, name in (("raini", "raini"), ("foreign_all", "foreign_all"), ("total", "everyone"), ("recognized", "everyone")):
        if indicator.startswith(prefix):
            return name
    return "unknown"


def load_statistics(path: str | Path | None = None) -> pd.DataFrame:
    """The bundled ``corpora/statistics/crime_figures.csv`` (or a user table of the same shape)."""
    table = pd.read_csv(path or resource("statistics", "crime_figures.csv"), dtype={"nationality": str})
    missing = {"year", "indicator", "value", "scope_group", "value_kind"} - set(table.columns)
    if missing:
        raise ConfigError(f"{path}: statistics table lacks columns {sorted(missing)}: see corpora/statistics/README.md")
    if "nationality" not in table.columns:
        table["nationality"] = "all"
    return table


def series(table: pd.DataFrame, indicator: str, scope_group: str | None, *, value_kinds: Sequence[str] = DEFAULT_KINDS,
           allow_scope_change: bool = False, years: Sequence[int] | None = None, source: str | None = None,
           dropped: list | None = None, required: bool = True) -> pd.DataFrame:
    """One value per year of ``indicator`` (nationality ``all``) in ``scope_group``.

    Requested ``years`` that only exist in another scope group raise :class:`ConfigError` unless
    ``allow_scope_change`` (they are then kept and flagged in ``scope_changed``); with ``years=None``
    only the years of ``scope_group`` are used. Years left out (no figure of the trusted kinds, or
    another scope) are appended to ``dropped`` as ``{"indicator", "year", "reason"}``. With
    ``required=False`` (denominators) no figure at all gives an empty frame instead of an error."""
    dropped = [] if dropped is None else dropped
    known = sorted(set(table["indicator"].astype(str)))
    if indicator not in known:
        raise ConfigError(f"{indicator!r} is not an indicator of the statistics table{closest(indicator, known)}: "
                          f"choose among {known}")
    base = table[(table["indicator"] == indicator) & (table["nationality"].fillna("all") == "all")]
    rows = base[base["value_kind"].isin(value_kinds)]
    wanted = sorted(set(years)) if years is not None else sorted(set(rows["year"]))
    for year in sorted(set(wanted) - set(rows["year"])):
        kinds = sorted(base.loc[base["year"] == year, "value_kind"].unique())
        dropped.append({"indicator": indicator, "year": int(year),
                        "reason": f"only {kinds} figures (trusted: {list(value_kinds)})" if kinds else "no figure"})
    rows = rows[rows["year"].isin(wanted)]
    if source:
        rows = rows[rows["source_title"].str.contains(source, regex=False) | (rows.groupby("year")["value"].transform("nunique") == 1)]
    if rows.empty and (not required and indicator in set(table["indicator"])):
        return pd.DataFrame(columns=["year", "value", "scope_group", "scope_changed"])
    if rows.empty:
        raise ConfigError(f"indicator {indicator!r} has no rows with value_kind in {list(value_kinds)}"
                          f"{' in years ' + str(list(years)) if years is not None else ''}: "
                          f"choose among {sorted(table['indicator'].unique())}")
    group = scope_group or rows["scope_group"].mode().iloc[0]
    if years is None and not allow_scope_change:
        for year in sorted(set(rows["year"]) - set(rows.loc[rows["scope_group"] == group, "year"])):
            dropped.append({"indicator": indicator, "year": int(year), "reason": f"only in scope {sorted(rows.loc[rows.year == year, 'scope_group'].unique())}, not {group!r}"})
        rows = rows[rows["year"].isin(rows.loc[rows["scope_group"] == group, "year"])]
    picked = [_pick(year, rows_y, group, indicator, allow_scope_change) for year, rows_y in rows.groupby("year")]
    return pd.DataFrame(picked, columns=["year", "value", "scope_group", "scope_changed"]).sort_values("year").reset_index(drop=True)


def _pick(year: int, rows: pd.DataFrame, group: str, indicator: str, allow: bool) -> dict:
    same = rows[rows["scope_group"] == group]
    chosen, changed = (same, False) if len(same) else (rows, True)
    if changed and not allow:
        raise ConfigError(f"{indicator} {year} exists only in scope {sorted(rows['scope_group'].unique())}, not {group!r}: "
                          "the series is not like-for-like across this change; restrict years= to one scope or pass allow_scope_change=True")
    if chosen["value"].nunique() > 1:
        found = "; ".join(f"{r.value:g} ({r.source_title})" for r in chosen.itertuples())
        raise ConfigError(f"{indicator} {year}: sources disagree ({found}): pass source='<part of a source title>' "
                          "to choose one")
    row = chosen.iloc[0]
    return {"year": int(year), "value": float(row["value"]), "scope_group": row["scope_group"], "scope_changed": changed}


def crime_figures(table: pd.DataFrame | str | Path | None = None, *, offenders: str = "raini_penal_persons",
                  offences: str | None = "auto", total: str = "total_general_penal_persons",
                  population: str | None = "auto", scope_group: str = "general_penal",
                  years: Sequence[int] | None = None, base_year: int | None = None,
                  value_kinds: Sequence[str] = DEFAULT_KINDS, allow_scope_change: bool = False,
                  allow_mixing: bool = False, source: str | None = None) -> pd.DataFrame:
    """Growth, index, share of all suspects, rate per resident and offences per offender, as one tidy table.

    Parameters
    ----------
    table : statistics table or the path of a CSV of the same shape (default: the bundled one,
        see :func:`load_statistics`).
    offenders : indicator of the group's persons cleared (unit ``persons``).
    offences : cleared cases of the SAME group (unit ``cases``) for offences per offender;
        ``"auto"`` follows ``offenders`` (``raini_penal_persons`` -> ``raini_penal_cleared_cases``);
        None skips the framing.
    total : all persons cleared, everyone (unit ``persons``), for the share.
    population : resident-population base for the rate per 100,000; ``"auto"`` = registered
        foreigners when ``offenders`` counts all foreigners, none for 来日外国人 (visitors are not
        a resident population: no like-for-like base exists); None skips the framing.
    scope_group : comparable scope of the crime indicators (``corpora/statistics/README.md``).
    years : keep these years (default: every year with the offenders figure in ``scope_group``).
    base_year : year of index = 100 (default the first year kept).
    value_kinds : which kinds of figure to trust (secondary figures are excluded by default).
    allow_scope_change : use figures from another scope group when the chosen one lacks a year.
    allow_mixing : allow ratios that mix units (persons vs cases) or populations (来日 vs all
        foreigners, visitors vs residents); refused by default because the result is not a rate of
        anything (e.g. 来日 cases / all-foreigner persons).
    source : where sources disagree on a figure (same year, indicator and scope), keep the rows
        whose ``source_title`` contains this text; without it a disagreement is an error.

    Returns
    -------
    DataFrame, one row per (year, framing) with columns ``year``, ``framing``
    (``growth_pct``, ``index``, ``share_of_total_pct``, ``rate_per_100k``,
    ``offences_per_offender``), ``value``, ``numerator``, ``denominator``, ``compared_to`` (the
    year compared with, for growth and index), ``years_apart`` (growth over a gap of several years
    is the change over all of them, not a yearly change), ``compares`` (what the group is set
    against: itself, the whole, the population), ``scope_changed``. A framing whose inputs lack a
    year has no row for that year (listed in ``df.attrs["missing"]``); years left out of the
    inputs (untrusted kinds, other scopes) are in ``df.attrs["dropped"]``; never a silent NaN.
    """
    table = table if isinstance(table, pd.DataFrame) else load_statistics(table)
    offences, population, notes = _resolve_defaults(table, offenders, offences, population)
    _check_like_for_like(table, offenders, offences, total, population, allow_mixing)
    dropped: list = []
    group = series(table, offenders, scope_group, value_kinds=value_kinds, allow_scope_change=allow_scope_change, years=years,
                   source=source, dropped=dropped)
    base = base_year if base_year is not None else int(group["year"].iloc[0])
    rows, missing = _growth(group, base), []
    for name, indicator, scope, scale in (("share_of_total_pct", total, scope_group, 100.0),
                                          ("rate_per_100k", population, None, 1e5),
                                          ("offences_per_offender", offences, scope_group, None)):
        if indicator:
            denom = series(table, indicator, scope, value_kinds=value_kinds, allow_scope_change=allow_scope_change,
                           years=group["year"].tolist(), source=source, dropped=dropped, required=False)
            denom["value"] *= UNIT_SCALE.get(_unit(table, indicator), 1.0)
            rows += _ratio(name, group, denom, scale, missing)
    out = pd.DataFrame(rows, columns=["year", "framing", "value", "numerator", "denominator", "compared_to", "scope_changed"])
    out.insert(6, "years_apart", (out["year"] - out["compared_to"].astype("Int64")).astype("Int64"))
    out["compares"] = out["framing"].map(COMPARES)
    out = out.sort_values(["framing", "year"], kind="stable").reset_index(drop=True)
    if dropped:
        warnings.warn(f"crime_figures: {len(dropped)} indicator-years left out (see df.attrs['dropped']), e.g. "
                      f"{dropped[0]['indicator']} {dropped[0]['year']}: {dropped[0]['reason']}", stacklevel=2)
    out.attrs.update(offenders=offenders, offences=offences, total=total, population=population, scope_group=scope_group,
                     base_year=base, value_kinds=list(value_kinds), allow_scope_change=allow_scope_change,
                     allow_mixing=allow_mixing, missing=missing, dropped=dropped, notes=notes)
    return out


def _unit(table: pd.DataFrame, indicator: str) -> str:
    units = table.loc[table["indicator"] == indicator, "unit"].dropna().unique() if "unit" in table else []
    return str(units[0]) if len(units) else "unknown"


def _resolve_defaults(table: pd.DataFrame, offenders: str, offences: str | None,
                      population: str | None) -> tuple[str | None, str | None, list[str]]:
    notes = []
    known = set(table["indicator"])
    if offences == "auto":
        guess = offenders.replace("_persons", "_cleared_cases")
        offences = guess if guess != offenders and guess in known else None
        if offences is None:
            notes.append(f"offences per offender not computed: no cases indicator matches {offenders!r}; pass offences=")
    if population == "auto":
        population = "registered_foreigners" if population_of(offenders) == "foreign_all" else None
        if population is None:
            notes.append(f"rate per 100,000 not computed: {POPULATIONS.get(population_of(offenders), offenders)} have no "
                         "resident population base; pass population= and allow_mixing=True for an upper-bound illustration")
    return offences, population, notes


def _check_like_for_like(table: pd.DataFrame, offenders: str, offences: str | None, total: str,
                         population: str | None, allow_mixing: bool) -> None:
    """Refuse ratios of unlike units or populations unless ``allow_mixing``."""
    who = population_of(offenders)
    checks = [("offenders", offenders, {"persons"}, None)]
    if offences:
        checks.append(("offences", offences, {"cases"}, who))
    checks.append(("total", total, {"persons"}, "everyone"))
    if population:
        checks.append(("population", population, {"persons", "thousand persons"},
                       "foreign_residents" if who == "foreign_all" else f"a resident population of {POPULATIONS.get(who, who)}"))
    for name, indicator, units, wanted in checks:
        unit, pop = _unit(table, indicator), population_of(indicator)
        problem = None
        if unit != "unknown" and unit not in units:
            problem = f"{name}={indicator!r} counts {unit}, not {' or '.join(sorted(units))}"
        elif wanted and pop != wanted:
            problem = (f"{name}={indicator!r} counts {POPULATIONS.get(pop, pop)}, but offenders={offenders!r} counts "
                       f"{POPULATIONS.get(who, who)}")
        if problem and not allow_mixing:
            raise ConfigError(f"crime_figures: {problem}: the ratio would mix unlike figures; choose a matching indicator "
                              "or pass allow_mixing=True (and say so where you report it)")


def _growth(group: pd.DataFrame, base_year: int) -> list[dict]:
    if base_year not in set(group["year"]):
        raise ConfigError(f"base_year={base_year} has no figure: choose one of {group['year'].tolist()}")
    base = float(group.loc[group["year"] == base_year, "value"].iloc[0])
    rows = [dict(year=r.year, framing="index", value=100.0 * r.value / base, numerator=r.value, denominator=base,
                 compared_to=base_year, scope_changed=r.scope_changed) for r in group.itertuples()]
    for prev, cur in zip(group.itertuples(), list(group.itertuples())[1:]):
        rows.append(dict(year=cur.year, framing="growth_pct", value=100.0 * (cur.value - prev.value) / prev.value,
                         numerator=cur.value, denominator=prev.value, compared_to=prev.year,
                         scope_changed=cur.scope_changed or prev.scope_changed))
    return rows


def _ratio(name: str, group: pd.DataFrame, denom: pd.DataFrame, scale: float | None, missing: list) -> list[dict]:
    merged = group.merge(denom, on="year", how="left", suffixes=("", "_d"))
    rows = []
    for r in merged.itertuples():
        if pd.isna(r.value_d):
            missing.append({"framing": name, "year": int(r.year)})
            continue
        num, den = (r.value_d, r.value) if scale is None else (r.value, r.value_d)  # offences / offenders
        rows.append(dict(year=r.year, framing=name, value=(num / den) * (scale or 1.0), numerator=num, denominator=den,
                         compared_to=pd.NA, scope_changed=bool(r.scope_changed or r.scope_changed_d)))
    return rows


def crime_figures_wide(df: pd.DataFrame) -> pd.DataFrame:
    """Figure-ready form: one row per year, one column per framing."""
    return df.pivot(index="year", columns="framing", values="value").rename_axis(columns=None)
