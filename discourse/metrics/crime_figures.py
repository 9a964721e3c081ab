"""Three framings of the same crime figures (DOMAIN.md, "The statistical argument").

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
from typing import Sequence

import pandas as pd

from ..errors import ConfigError
from ..resources import resource

DEFAULT_KINDS = ("stated", "derived")
FRAMING_SIDE = {"growth_pct": "state", "index": "state", "share_of_total_pct": "ngo",
                "rate_per_100k": "ngo", "offences_per_offender": "ngo"}


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
           allow_scope_change: bool = False, years: Sequence[int] | None = None, source: str | None = None) -> pd.DataFrame:
    """One value per year of ``indicator`` (nationality ``all``) in ``scope_group``.

    Years that only exist in another scope group raise :class:`ConfigError` unless
    ``allow_scope_change`` (they are then kept and flagged in ``scope_changed``)."""
    rows = table[(table["indicator"] == indicator) & (table["nationality"].fillna("all") == "all")
                 & table["value_kind"].isin(value_kinds)]
    if years is not None:
        rows = rows[rows["year"].isin(list(years))]
    if source:
        rows = rows[rows["source_title"].str.contains(source, regex=False) | (rows.groupby("year")["value"].transform("nunique") == 1)]
    if rows.empty:
        raise ConfigError(f"indicator {indicator!r} has no rows with value_kind in {list(value_kinds)}"
                          f"{' in years ' + str(list(years)) if years is not None else ''}: "
                          f"choose among {sorted(table['indicator'].unique())}")
    group = scope_group or rows["scope_group"].mode().iloc[0]
    picked = [_pick(year, rows_y, group, indicator, allow_scope_change) for year, rows_y in rows.groupby("year")]
    return pd.DataFrame(picked).sort_values("year").reset_index(drop=True)


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
                  offences: str | None = "raini_penal_cleared_cases", total: str = "total_general_penal_persons",
                  population: str | None = "registered_foreigners", scope_group: str = "general_penal",
                  years: Sequence[int] | None = None, base_year: int | None = None,
                  value_kinds: Sequence[str] = DEFAULT_KINDS, allow_scope_change: bool = False,
                  source: str | None = None) -> pd.DataFrame:
    """Growth, index, share of all suspects, rate per resident and offences per offender, as one tidy table.

    Parameters
    ----------
    table : statistics table or the path of a CSV of the same shape (default: the bundled one,
        see :func:`load_statistics`).
    offenders : indicator of foreign persons cleared (the group's count).
    offences : indicator of cleared cases attributed to the group (for offences per offender), or None.
    total : indicator of all persons cleared, same scope group (for the share).
    population : resident-population indicator (for the rate per 100,000), or None.
    scope_group : comparable scope of the crime indicators (``corpora/statistics/README.md``).
    years : keep these years (default all years with the offenders figure).
    base_year : year of index = 100 (default the first year kept).
    value_kinds : which kinds of figure to trust (secondary figures are excluded by default).
    allow_scope_change : use figures from another scope group when the chosen one lacks a year.
    source : where sources disagree on a figure (same year, indicator and scope), keep the rows
        whose ``source_title`` contains this text; without it a disagreement is an error.

    Returns
    -------
    DataFrame, one row per (year, framing) with columns ``year``, ``framing``
    (``growth_pct``, ``index``, ``share_of_total_pct``, ``rate_per_100k``,
    ``offences_per_offender``), ``value``, ``numerator``, ``denominator``, ``compared_to`` (the
    year of the previous figure for growth), ``framing_side`` (``state`` compares the group with
    itself, ``ngo`` with the whole), ``scope_changed``. A framing whose inputs lack a year has
    no row for that year (listed in ``df.attrs["missing"]``), never a silent NaN.
    """
    table = table if isinstance(table, pd.DataFrame) else load_statistics(table)
    group = series(table, offenders, scope_group, value_kinds=value_kinds, allow_scope_change=allow_scope_change, years=years,
                   source=source)
    base = base_year if base_year is not None else int(group["year"].iloc[0])
    rows, missing = _growth(group, base), []
    for name, indicator, scope, scale in (("share_of_total_pct", total, scope_group, 100.0),
                                          ("rate_per_100k", population, None, 1e5),
                                          ("offences_per_offender", offences, scope_group, None)):
        if indicator:
            denom = series(table, indicator, scope, value_kinds=value_kinds, allow_scope_change=allow_scope_change,
                           years=group["year"].tolist(), source=source)
            rows += _ratio(name, group, denom, scale, missing)
    out = pd.DataFrame(rows, columns=["year", "framing", "value", "numerator", "denominator", "compared_to", "scope_changed"])
    out["framing_side"] = out["framing"].map(FRAMING_SIDE)
    out = out.sort_values(["framing", "year"], kind="stable").reset_index(drop=True)
    out.attrs.update(offenders=offenders, offences=offences, total=total, population=population, scope_group=scope_group,
                     base_year=base, value_kinds=list(value_kinds), allow_scope_change=allow_scope_change, missing=missing)
    return out


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
