"""Numeric claims in texts, checked against the official figures (``corpora/statistics``).

:func:`extract_claims` finds statements such as 「平成16年の来日外国人の検挙人員は8,898人」,
「前年比約1.1倍に増加」, 「全検挙人員に占める割合は3.8%」 or "foreigners accounted for 3.8% of all
persons cleared": one row per number with a unit (persons, cases, percent, times), parsed
(``1万4,766`` = 14,766; ``1.5万`` = 15,000; ``4割`` = 40 %), with its year (era years converted:
平成16年 = 2004, 令和元年 = 2019), the direction it states (増加 / 減少, increase / decrease), the
population it is about (来日外国人, all foreigners, everyone) and the indicator id of
``corpora/statistics/crime_figures.csv`` it most likely refers to. The reading is by rules
(nearest year and population words before the number), so check a sample of the rows by eye.

:func:`check_claims` compares each claim with the table: ``matches`` (within the rounding of the
number as written: ``8,898`` exactly, ``約1.1倍`` to +-0.05, ``1.5万`` to +-500), ``differs`` or
``no_figure``; and flags three errors that official numbers invite:

- ``scope_change``: a comparison of two years whose figures come from different scope groups
  (e.g. the NPA's 2014 redefinition of 刑法犯): the change is partly a change of definition;
- ``population_mixing``: the number is wrong for the population named but right for the other
  (来日外国人 vs all foreigners), the commonest slip in the debate;
- ``growth_vs_share``: a claimed growth while the group's share of all persons cleared stayed flat
  (within ``flat_share_points``): the group grew with everyone, not faster than everyone.

:func:`frames_vs_figures` sets a frame's yearly prevalence beside an official series with
Pearson and Spearman correlations at several lags, and says what a dozen yearly points can show.

References
----------
Yamamoto, R. (2007). Crimes of "illegal foreigners" in Japan: the dynamics of the official
discourse. -- Herbert, W. (1996). Foreign Workers and Law Enforcement in Japan. Kegan Paul.
National Police Agency, 来日外国人犯罪の検挙状況; Ministry of Justice, 犯罪白書 (the figures).

Example
-------
>>> claims = extract_claims(["平成16年の来日外国人の検挙人員は8,898人だった。"])
>>> row = claims.iloc[0]
>>> float(row["number"]), row["unit"], int(row["year"]), row["indicator"]
(8898.0, 'persons', 2004, 'raini_penal_persons')
>>> check_claims(claims).loc[0, "status"]
'matches'
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ..errors import ConfigError
from .crime_figures import load_statistics, series

ERAS = {"明治": 1867, "大正": 1911, "昭和": 1925, "平成": 1988, "令和": 2018}
UNITS = {"persons": ("人", "名", "persons", "person", "people", "suspects", "offenders", "foreigners", "foreign nationals",
                     "visiting foreigners", "foreign visitors"),
         "cases": ("件", "cases", "offences", "offenses", "crimes"),
         "percent": ("%", "パーセント", "percent", "per cent", "割"),
         "times": ("倍", "times", "-fold", "fold")}
UNIT_OF = {w.lower(): name for name, words in UNITS.items() for w in words}
_UNIT_RE = "|".join(sorted((re.escape(u) + ("(?!合)" if u == "割" else r"\b" if u[-1].isascii() and u[-1].isalpha() else "")
                            for us in UNITS.values() for u in us), key=len, reverse=True))
QUANTITY = re.compile(r"(?P<approx>約|およそ|ほぼ|概ね|approximately\s|about\s|around\s|nearly\s|some\s)?"
                      r"(?P<num>\d(?:[\d億万千]|[,.](?=\d))*)\s?(?P<unit>" + _UNIT_RE + ")", re.IGNORECASE)
ERA_YEAR = re.compile(r"(明治|大正|昭和|平成|令和)\s?(元|\d{1,2})\s?年")
WESTERN_YEAR = re.compile(r"(?<![\d,.])((?:19|20)\d{2})(?!\d|[,.]\d|\s?%)(?:\s?年)?")
PREVIOUS_YEAR = re.compile(r"前年|前の年|previous year|year before|a year earlier", re.IGNORECASE)
INCREASE = re.compile(r"増加|増え|増大|上昇|急増|倍増|伸び|増|increase[sd]?|rose|risen|rise[sn]?|grew|grown|doubled|up\b",
                      re.IGNORECASE)
DECREASE = re.compile(r"減少|減っ|減り|低下|下落|急減|半減|減|decrease[sd]?|fell|fallen|declined?|dropped|down\b|lower",
                      re.IGNORECASE)
RECORD = re.compile(r"過去最多|過去最高|史上最多|record high|highest ever|all-time high", re.IGNORECASE)
SHARE = re.compile(r"割合|占め|比率|シェア|構成比|share|proportion|accounted for|account for|of all|of the (?:national )?total|"
                   r"made up|make up|makes up|of suspects", re.IGNORECASE)
CHANGE_AFTER = re.compile(r"^\s?(?:以上|余り|余|近く|ほど|も|程度)?(?:増|減)|^\s?(?:more|fewer|up|down)\b", re.IGNORECASE)
TOTAL_AFTER = re.compile(r"^\s?(?:のうち|うち|中|of whom|of which)|^の\s?[\d.]+\s?(?:%|パーセント|percent)", re.IGNORECASE)
CASES = re.compile(r"検挙件数|件数|\bcases\b", re.IGNORECASE)
POPULATIONS = (("raini", re.compile(r"来日外国人|来日外国|visiting foreign\w*|foreign visitors|foreign nationals visiting|"
                                    r"short-stay foreign\w*", re.IGNORECASE)),
               ("registered", re.compile(r"外国人登録者|登録外国人|外国人の登録者|登録されていた外国人|登録された外国人|外国人人口|"
                                         r"registered (?:alien|foreign)\w*|foreign residents", re.IGNORECASE)),
               ("everyone", re.compile(r"全体|総数|全検挙人員|全刑法犯|all (?:persons|suspects|offenders)|overall|in total",
                                       re.IGNORECASE)),
               ("foreign_all", re.compile(r"来日外国人とそれ以外|来日外国人とその他|外国人全体|(?<!来日)外国人|foreigners|foreign nationals|foreign suspects|non-Japanese",
                                          re.IGNORECASE)))
INDICATORS = {("raini", "persons"): "raini_penal_persons", ("raini", "cases"): "raini_penal_cleared_cases",
              ("foreign_all", "persons"): "foreign_all_penal_persons",
              ("foreign_all", "cases"): "foreign_all_penal_cleared_cases",
              ("everyone", "persons"): "total_general_penal_persons", ("everyone", "cases"): "total_cleared_cases",
              ("registered", "persons"): "registered_foreigners"}
SPECIAL_INDICATORS = {("raini", "persons"): "raini_total_persons", ("raini", "cases"): "raini_total_cleared_cases"}
THIS_YEAR = re.compile(r"今年|本年|this year", re.IGNORECASE)
LAST_YEAR = re.compile(r"昨年|last year", re.IGNORECASE)
RATE = re.compile(r"(?:あたり|当たり|につき)[^、。\d]{0,8}$|per\s(?:person|capita|offender|head|\d[\d,]*)\s?(?:about\s)?$",
                  re.IGNORECASE)
SPECIAL_LAW = re.compile(r"特別法犯|全罪種|総検挙|special[- ]law|all offen[cs]es", re.IGNORECASE)
AT_LEAST = (re.compile(r"^\s?(?:以上|超|余り|余|強)"), re.compile(r"(?:more than|over|at least|above)\s$", re.IGNORECASE))
AT_MOST = (re.compile(r"^\s?(?:未満|以下|弱|足らず)"), re.compile(r"(?:less than|under|at most|below)\s$", re.IGNORECASE))
CHANGE_BEFORE = re.compile(r"より|から|前年|前の年|比べ|than|from", re.IGNORECASE)
SHARE_INDICATOR = "foreign_share_of_penal_persons_pct"
SCOPE_PREFERENCE = ("general_penal", "penal_post2014")
OTHER_POPULATION = {"raini": "foreign_all", "foreign_all": "raini"}
CLAIM_COLUMNS = ["claim_id", "sentence", "doc_id", "text", "span", "start", "number", "tolerance", "approximate", "bound",
                 "unit", "kind", "direction", "record", "year", "base_year", "population", "measure", "scope", "indicator"]


# --- numbers and years -------------------------------------------------------------------------
def era_year(era: str, number: str | int) -> int:
    """Western year of a Japanese era year: ``era_year("平成", 16) == 2004``; ``"元"`` is year 1."""
    if era not in ERAS:
        raise ConfigError(f"era {era!r}: expected one of {list(ERAS)}")
    return ERAS[era] + (1 if number == "元" else int(number))


def parse_number(text: str, *, approximate: bool = False) -> tuple[float, float]:
    """``(value, tolerance)`` of a written number: ``"1万4,766"`` -> ``(14766.0, 0.5)``,
    ``"1.5万"`` -> ``(15000.0, 500.0)``, ``"3千"`` -> ``(3000.0, 500.0)``. The tolerance is half a
    unit of the last digit written; with ``approximate`` (約, about) trailing zeros of a whole number
    are not significant (``約15,000`` -> +-500)."""
    text = unicodedata.normalize("NFKC", text).replace(",", "").strip(".")
    total, last, rest = 0.0, (text, 1.0), text
    for mark, mult in (("億", 1e8), ("万", 1e4)):
        if mark in rest:
            part, _, rest = rest.partition(mark)
            total += _group(part) * mult
            last = (part, mult)
    if rest:
        total += _group(rest)
        last = (rest, 1.0)
    return total, _precision(*last, approximate=approximate)


def _group(part: str) -> float:
    if "千" in part:
        a, _, b = part.partition("千")
        return float(a or 1) * 1000 + (float(b) if b else 0.0)
    if not re.fullmatch(r"\d+(?:\.\d+)?", part):
        raise ValueError(f"not a number: {part!r}")
    return float(part)


def _precision(part: str, mult: float, *, approximate: bool) -> float:
    if part.endswith("千"):
        return 500.0 * mult
    if "千" in part:
        part = part.partition("千")[2]
    if "." in part:
        return 0.5 * 10.0 ** -len(part.partition(".")[2]) * mult
    zeros = len(part) - len(part.rstrip("0")) if approximate and part.strip("0") else 0
    return 0.5 * 10.0 ** zeros * mult


def _years(text: str, doc_year: int | None = None) -> list[tuple[int, int]]:
    """``(position, year)`` of every year mentioned (era and western; 今年 / 昨年 when the
    document's year is known), in order."""
    found = [(m.start(), era_year(m.group(1), m.group(2))) for m in ERA_YEAR.finditer(text)]
    if doc_year is not None:
        found += [(m.start(), doc_year) for m in THIS_YEAR.finditer(text)]
        found += [(m.start(), doc_year - 1) for m in LAST_YEAR.finditer(text)]
    spans = [m.span() for m in ERA_YEAR.finditer(text)]
    for m in WESTERN_YEAR.finditer(text):
        if not any(a <= m.start() < b for a, b in spans):
            found.append((m.start(), int(m.group(1))))
    return sorted(found)


# --- extraction --------------------------------------------------------------------------------
def extract_claims(sentences: Sequence[str] | pd.Series | pd.DataFrame) -> pd.DataFrame:
    """Numeric claims in sentences (Japanese or English), one row per number with a unit.

    Parameters
    ----------
    sentences : a list/Series of sentences, or a DataFrame with a ``text`` column and optionally
        ``doc_id`` and ``year`` (the document's year, which resolves 今年 / 昨年 / this year / last
        year); each sentence is read on its own (years and populations are not carried over).

    Returns
    -------
    DataFrame with columns ``claim_id``, ``sentence`` (row number of the input), ``doc_id``,
    ``text`` (the sentence), ``span`` (the matched words), ``start`` (character offset),
    ``number`` (parsed; 割 converted to percent), ``tolerance`` (rounding of the number as
    written), ``approximate`` (約, about), ``unit`` (``persons``, ``cases``, ``percent``,
    ``times``), ``bound`` (``at_least`` for 以上 / more than, ``at_most`` for 未満 / less than, else
    None: the check is then one-sided), ``kind`` (``count``, ``share``, ``growth_pct``, ``ratio``,
    ``change`` (前年より3,000件増えた: a difference), or ``rate`` for
    figures per person or per capita, 一人あたり, which the table does not hold), ``direction``
    (``increase``, ``decrease`` or None), ``record`` (過去最多 and the like), ``year`` (the later
    year for comparisons), ``base_year`` (compared with: 前年 = year - 1, else the earliest other
    year; comparisons only), ``population`` (``raini`` = 来日外国人, ``foreign_all``, ``everyone``,
    ``registered`` = 外国人登録者, or None), ``measure`` (``persons`` or ``cases``), ``scope`` (``penal``, or
    ``penal_and_special`` when the sentence counts special-law offences too: 特別法犯, 全罪種), ``indicator`` (id in the statistics table,
    or None when the claim names no population).
    """
    texts, doc_ids, doc_years = _inputs(sentences)
    rows: list[dict] = []
    for k, raw in enumerate(texts):
        text = unicodedata.normalize("NFKC", str(raw))
        matches = list(QUANTITY.finditer(text))
        for i, m in enumerate(matches):
            row = _claim(text, m, matches, i, doc_years[k])
            if row is not None:
                rows.append({"claim_id": len(rows), "sentence": k, "doc_id": doc_ids[k], "text": text, **row})
    out = pd.DataFrame(rows, columns=CLAIM_COLUMNS)
    out["year"] = out["year"].astype("Int64")
    out["base_year"] = out["base_year"].astype("Int64")
    return out


def _inputs(sentences: Sequence[str] | pd.Series | pd.DataFrame) -> tuple[list[str], list[Any], list[int | None]]:
    if isinstance(sentences, pd.DataFrame):
        if "text" not in sentences.columns:
            raise ConfigError(f"sentences: a DataFrame needs a 'text' column (has {list(sentences.columns)})")
        n = len(sentences)
        ids = sentences["doc_id"].tolist() if "doc_id" in sentences.columns else [None] * n
        years = [None if pd.isna(y) else int(y) for y in sentences["year"]] if "year" in sentences.columns else [None] * n
        return sentences["text"].astype(str).tolist(), ids, years
    if isinstance(sentences, str):
        sentences = [sentences]
    texts = [str(s) for s in sentences]
    return texts, [None] * len(texts), [None] * len(texts)


def _claim(text: str, m: re.Match, matches: list[re.Match], i: int, doc_year: int | None = None) -> dict | None:
    end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
    unit_word = m.group("unit").lower()
    unit = UNIT_OF[unit_word]
    approx = bool(m.group("approx"))
    try:
        number, tol = parse_number(m.group("num"), approximate=approx)
    except ValueError:
        return None
    if unit_word == "割":
        number, tol = number * 10, tol * 10
    direction = _direction(text, m.end(), end, m.start())
    kind = _kind(text, m, unit, direction)
    year, base = _claim_years(text, m.start(), kind, doc_year)
    measure = unit if unit in ("persons", "cases") else "persons" if kind == "share" else _measure(text, matches, i)
    population = _population(text, m.start(), skip_everyone=kind in ("share",))
    if kind == "count" and TOTAL_AFTER.search(text[m.end():m.end() + 8]):
        population = "everyone"   # 検挙人員38万9,027人のうち / 379,602人の2.3%: the number is the whole
    scope = "penal_and_special" if SPECIAL_LAW.search(text) else "penal"
    return {"span": m.group(0), "start": m.start(), "number": number, "tolerance": tol, "approximate": approx,
            "bound": _bound(text, m), "unit": unit, "kind": kind, "direction": direction, "record": bool(RECORD.search(text)),
            "year": year, "base_year": base, "population": population, "measure": measure, "scope": scope,
            "indicator": _indicator(kind, population, measure, scope)}


def _measure(text: str, matches: list[re.Match], i: int) -> str:
    """Persons or cases for a percentage or ratio: the unit of the nearest count before it in the
    sentence (then after it), else 件数 / cases in the sentence."""
    units = [(abs(k - i) + (0.5 if k > i else 0), UNIT_OF.get(matches[k].group("unit").lower())) for k in range(len(matches)) if k != i]
    units = sorted(u for u in units if u[1] in ("persons", "cases"))
    return units[0][1] if units else "cases" if CASES.search(text) else "persons"


def _kind(text: str, m: re.Match, unit: str, direction: str | None) -> str:
    before, after = text[max(0, m.start() - 20):m.start()], re.split(r"\d", text[m.end():m.end() + 25])[0]
    if RATE.search(text[max(0, m.start() - 14):m.start()]):
        return "rate"   # 一人あたり3.6件, per 100,000 people: a ratio the table does not hold
    moves = INCREASE.search(after) or DECREASE.search(after)
    if unit in ("persons", "cases"):
        return "change" if CHANGE_AFTER.search(after) and CHANGE_BEFORE.search(before) else "count"   # 前年より3,000件増えた
    if unit == "times":
        return "ratio"
    if SHARE.search(before) or SHARE.search(after):
        return "share"
    if moves or direction or PREVIOUS_YEAR.search(text) or re.search(r"比べ|比較|より|から|compared|than|since", text, re.I):
        return "growth_pct"
    return "share"


def _bound(text: str, m: re.Match) -> str | None:
    after, before = text[m.end():m.end() + 4], text[max(0, m.start() - 15):m.start() + (len(m.group("approx") or ""))]
    if AT_LEAST[0].search(after) or AT_LEAST[1].search(before):
        return "at_least"
    if AT_MOST[0].search(after) or AT_MOST[1].search(before):
        return "at_most"
    return None


def _indicator(kind: str, population: str | None, measure: str, scope: str) -> str | None:
    if kind == "rate":
        return None
    if kind == "share":
        if scope != "penal":
            return None
        return SHARE_INDICATOR if population == "foreign_all" else "raini_penal_persons/total_general_penal_persons" \
            if population == "raini" else None
    table = SPECIAL_INDICATORS if scope != "penal" and population != "registered" else INDICATORS
    return table.get((population, measure))


def _direction(text: str, after: int, end: int, before: int) -> str | None:
    window = text[after:end]
    hits = [(h.start(), name) for name, rx in (("increase", INCREASE), ("decrease", DECREASE)) for h in [rx.search(window)] if h]
    if not hits:
        prior = text[:before]
        hits = [(-h.start(), name) for name, rx in (("increase", INCREASE), ("decrease", DECREASE))
                for h in list(rx.finditer(prior))[-1:]]
    return min(hits)[1] if hits else None


def _claim_years(text: str, pos: int, kind: str, doc_year: int | None = None) -> tuple[int | None, int | None]:
    years = _years(text, doc_year)
    if kind in ("ratio", "growth_pct", "change"):
        if not years:
            return None, None
        year = max(y for _, y in years)
        if PREVIOUS_YEAR.search(text):
            return year, year - 1
        others = [y for _, y in years if y != year]
        return year, (min(others) if others else None)
    before = [(p, y) for p, y in years if p < pos]
    after = [y for p, y in years if p > pos]
    if before and PREVIOUS_YEAR.search(text[before[-1][0]:pos]):   # 平成10年は...前年の32,497件: the year before
        return before[-1][1] - 1, None
    return (before[-1][1] if before else after[0] if after else None), None


def _population(text: str, pos: int, *, skip_everyone: bool) -> str | None:
    spans = [(m.start(), m.end(), name) for name, rx in POPULATIONS for m in rx.finditer(text)
             if not (skip_everyone and name == "everyone")]
    # a mention inside a longer one (外国人 in 外国人登録者) belongs to the longer one
    found = [(a, name) for a, b, name in spans if not any(a2 <= a and b <= b2 and (b2 - a2) > (b - a) for a2, b2, _ in spans)]
    if not found:
        return None
    before = [f for f in found if f[0] < pos]
    return max(before)[1] if before else min(found)[1]


# --- checking ----------------------------------------------------------------------------------
def check_claims(claims: pd.DataFrame, table: pd.DataFrame | None = None, *, flat_share_points: float = 0.5,
                 value_kinds: Sequence[str] = ("stated", "derived")) -> pd.DataFrame:
    """Compare extracted claims with the official figures.

    Parameters
    ----------
    claims : output of :func:`extract_claims`.
    table : statistics table (default: the bundled ``corpora/statistics/crime_figures.csv`` via
        :func:`~discourse.metrics.crime_figures.load_statistics`).
    flat_share_points : a share of all persons cleared that moved by at most this many percentage
        points between the two years counts as flat (``growth_vs_share``).
    value_kinds : which figures to trust (secondary quotations are left out by default).

    Returns
    -------
    The claims with ``figure`` (the official value the claim is checked against: the count, the
    share in %, the ratio of the two years, the growth in %, or the difference for ``change``), ``figure_scope`` / ``base_scope``
    (scope groups of the year and base-year figures), ``status`` (``matches``, ``differs``,
    ``no_figure``), the flags ``scope_change``, ``population_mixing``, ``growth_vs_share`` (booleans),
    ``share`` / ``base_share`` (the group's share of all persons cleared, in %, where known) and
    ``note`` (why, in words).
    """
    table = load_statistics() if table is None else table
    lookup = _Lookup(table, value_kinds)
    rows = [_check_one(row, lookup, flat_share_points) for row in claims.to_dict("records")]
    out = pd.concat([claims.reset_index(drop=True), pd.DataFrame(rows, columns=_CHECK_COLUMNS)], axis=1)
    out.attrs.update(flat_share_points=flat_share_points, value_kinds=list(value_kinds))
    return out


_CHECK_COLUMNS = ["figure", "figure_scope", "base_scope", "status", "scope_change", "population_mixing", "growth_vs_share",
                  "share", "base_share", "note"]


class _Lookup:
    """Figures of the trusted kinds by (indicator, year), preferring the general scope groups."""

    def __init__(self, table: pd.DataFrame, value_kinds: Sequence[str]) -> None:
        rows = table[table["value_kind"].isin(value_kinds) & (table["nationality"].fillna("all") == "all")]
        rank = rows["scope_group"].map(lambda g: SCOPE_PREFERENCE.index(g) if g in SCOPE_PREFERENCE else len(SCOPE_PREFERENCE))
        rows = rows.assign(_rank=rank).sort_values(["indicator", "year", "_rank"], kind="stable")
        self.values = {(r.indicator, int(r.year)): (float(r.value), r.scope_group)
                       for r in rows.drop_duplicates(["indicator", "year"]).itertuples()}

    def get(self, indicator: str | None, year: Any) -> tuple[float, str] | None:
        if not isinstance(indicator, str) or year is None or pd.isna(year):
            return None
        if "/" in indicator:   # a share computed from two series, in percent
            num, den = (self.values.get((part, int(year))) for part in indicator.split("/"))
            return (100 * num[0] / den[0], num[1]) if num and den and num[1] == den[1] else None
        return self.values.get((indicator, int(year)))

    def share(self, population: str | None, year: Any) -> tuple[float, str] | None:
        """The group's share of all persons cleared (%): stated for all foreigners; for 来日外国人
        computed from the two counts when both exist."""
        if population == "raini":
            return self.get("raini_penal_persons/total_general_penal_persons", year)
        if population == "foreign_all":
            return self.get(SHARE_INDICATOR, year)
        return None


def _check_one(c: dict, lookup: _Lookup, flat: float) -> dict:
    out = dict.fromkeys(_CHECK_COLUMNS)
    out.update(scope_change=False, population_mixing=False, growth_vs_share=False, status="no_figure")
    if not isinstance(c["indicator"], str):
        out["note"] = ("a rate (per person or per capita): not in the table" if c["kind"] == "rate" else
                       "no population named (来日外国人, 外国人, 全体)" if not isinstance(c["population"], str) else
                       f"no {c['kind']} series for {c['population']} ({c['scope']}) in the table")
        return out
    if c["kind"] in ("count", "share"):
        return _check_level(c, lookup, out)
    return _check_change(c, lookup, out, flat)


def _close(claimed: float, figure: float, tol: float, bound: Any = None) -> bool:
    """Within rounding; ``at_least`` (以上, more than) and ``at_most`` (未満, less than) are one-sided."""
    slack = tol + 1e-9 * max(abs(figure), 1.0)
    if bound == "at_least":
        return figure >= claimed - slack
    if bound == "at_most":
        return figure <= claimed + slack
    return abs(claimed - figure) <= slack


def _check_level(c: dict, lookup: _Lookup, out: dict) -> dict:
    found = lookup.get(c["indicator"], c["year"])
    if found is None:
        out["note"] = f"no {c['indicator']} figure for {c['year']}" if c["year"] is not None and not pd.isna(c["year"]) else "no year"
        return out
    out["figure"], out["figure_scope"] = found
    out["status"] = "matches" if _close(c["number"], found[0], c["tolerance"], c["bound"]) else "differs"
    if out["status"] == "differs" and c["kind"] == "count" and c["population"] in OTHER_POPULATION:
        other = INDICATORS[(OTHER_POPULATION[c["population"]], c["measure"])]
        alt = lookup.get(other, c["year"])
        if alt and _close(c["number"], alt[0], c["tolerance"], c["bound"]):
            out["population_mixing"] = True
            out["note"] = f"{c['number']:g} is the {other} figure, not {c['indicator']} ({found[0]:g})"
    special = SPECIAL_INDICATORS.get((c["population"], c["measure"]))
    if out["status"] == "differs" and c["kind"] == "count" and special and special != c["indicator"]:
        alt = lookup.get(special, c["year"])
        if alt and _close(c["number"], alt[0], c["tolerance"], c["bound"]):
            out["note"] = "; ".join(filter(None, [out["note"], f"{c['number']:g} is the {special} figure (penal and "
                                                  "special-law offences together), not penal-code offences alone"]))
    if c["record"] and c["kind"] == "count":
        out["note"] = _record_note(c, lookup, found, out["note"])
    return out


def _record_note(c: dict, lookup: _Lookup, found: tuple[float, str], note: str | None) -> str | None:
    earlier = {y: v for (ind, y), (v, g) in lookup.values.items()
               if ind == c["indicator"] and y <= int(c["year"]) and g == found[1]}
    if earlier and found[0] < max(earlier.values()):
        top = max(earlier, key=earlier.get)
        return "; ".join(filter(None, [note, f"not a record: {top} had {earlier[top]:g} in the same scope"]))
    return note


def _check_change(c: dict, lookup: _Lookup, out: dict, flat: float) -> dict:
    now, base = lookup.get(c["indicator"], c["year"]), lookup.get(c["indicator"], c["base_year"])
    if c["base_year"] is None or pd.isna(c["base_year"]):
        out["note"] = "no base year to compare with"
        return out
    if now is None or base is None:
        out["note"] = f"no {c['indicator']} figure for {c['year'] if now is None else c['base_year']}"
        return out
    out["figure_scope"], out["base_scope"] = now[1], base[1]
    out["scope_change"] = now[1] != base[1]
    ratio = now[0] / base[0]
    out["figure"] = {"ratio": ratio, "growth_pct": 100 * (ratio - 1), "change": now[0] - base[0]}[c["kind"]]
    down = c["direction"] == "decrease"
    stated_up = c["direction"] == "increase" or (c["kind"] == "ratio" and not down and c["number"] > 1)
    wrong_way = (c["direction"] == "increase" and ratio < 1) or (down and ratio > 1)
    if c["kind"] == "ratio" or not down:
        close = _close(c["number"], out["figure"], c["tolerance"], c["bound"])
    else:   # a stated decrease of x: compare magnitudes, so "at least 30% down" keeps its sense
        close = _close(c["number"], -out["figure"], c["tolerance"], c["bound"])
    out["status"] = "differs" if wrong_way or not close else "matches"
    notes = [f"{c['base_year']} {base[0]:g} -> {c['year']} {now[0]:g}"]
    if out["scope_change"]:
        notes.append(f"scope changes from {base[1]} to {now[1]}: not like-for-like")
    share, base_share = lookup.share(c["population"], c["year"]), lookup.share(c["population"], c["base_year"])
    if share and base_share:
        out["share"], out["base_share"] = share[0], base_share[0]
        if stated_up and abs(share[0] - base_share[0]) <= flat:
            out["growth_vs_share"] = True
            notes.append(f"share of all persons cleared flat ({base_share[0]:.1f}% -> {share[0]:.1f}%)")
    out["note"] = "; ".join(notes)
    return out


# --- frames beside figures ---------------------------------------------------------------------
def frames_vs_figures(prevalence_by_year: pd.DataFrame, table: pd.DataFrame | None = None, *, indicator: str,
                      lags: Sequence[int] = (0, 1, 2), scope_group: str | None = None, value: str = "share",
                      year: str = "year", group: str | None = None,
                      value_kinds: Sequence[str] = ("stated", "derived")) -> pd.DataFrame:
    """A frame's yearly prevalence beside an official series, correlated at several lags.

    Parameters
    ----------
    prevalence_by_year : one row per year (and frame): a ``year`` column, the prevalence in
        ``value`` (``share`` as in :func:`~discourse.metrics.prevalence.prevalence` with ``by="year"``)
        and optionally a ``frame`` column (one result per frame).
    table : statistics table (default: the bundled one).
    indicator : the official series (e.g. ``raini_penal_persons``); one scope group only
        (``scope_group``, default the group with most years; other years are dropped and listed in
        ``df.attrs["dropped"]``).
    lags : the discourse of year ``t`` is paired with the figure of year ``t - lag`` (figures are
        published the following year, so lag 1 pairs talk with the figures it could have read).
    group : a further column of ``prevalence_by_year`` (``side`` for ``by=["side", "year"]``): one
        series per group. Several rows per (frame, year) without it are an error, never averaged.

    Returns
    -------
    One row per (frame, group, lag): ``frame``, the ``group`` column if given, ``lag``, ``n`` (years with both values), ``pearson``,
    ``pearson_p``, ``spearman``, ``spearman_p`` (scipy.stats; NaN below 3 years), ``pearson_diff``
    (Pearson on year-to-year changes of consecutive years: trends removed; NaN below 3 changes),
    ``r_needed`` (the |r| that reaches p < .05 with this n) and ``warning``. ``df.attrs["series"]``
    holds the lag-0 pairing (``frame``, ``year``, ``prevalence``, ``figure``) for plotting.
    """
    table = load_statistics() if table is None else table
    for col in (year, value):
        if col not in prevalence_by_year.columns:
            raise ConfigError(f"prevalence_by_year lacks column {col!r} (has {list(prevalence_by_year.columns)}): "
                              f"compute prevalence with by='year' or pass year=/value=")
    dropped: list = []
    fig = series(table, indicator, scope_group, value_kinds=value_kinds, dropped=dropped).set_index("year")["value"]
    keys = [k for k in ("frame", group) if k and k in prevalence_by_year.columns]
    if group and group not in prevalence_by_year.columns:
        raise ConfigError(f"group={group!r} is not a column of prevalence_by_year (has {list(prevalence_by_year.columns)})")
    if prevalence_by_year.duplicated([*keys, year]).any():
        raise ConfigError(f"prevalence_by_year has several rows per {[*keys, year]}: pass group=<the other by column> "
                          "(e.g. group='side' for prevalence(..., by=['side', 'year'])) to get one series per group")
    parts = prevalence_by_year.groupby(keys, sort=False) if keys else [(("all",), prevalence_by_year)]
    rows, pairs = [], []
    for key, part in parts:
        label = dict(zip(keys, key if isinstance(key, tuple) else (key,))) if keys else {"frame": "all"}
        label.setdefault("frame", "all")
        prev = part.set_index(year)[value].sort_index()
        for lag in lags:
            rows.append({**label, "lag": int(lag), **_correlate(prev, fig, int(lag))})
        pairs.append(pd.DataFrame({**label, "year": prev.index, "prevalence": prev.to_numpy(),
                                   "figure": fig.reindex(prev.index).to_numpy()}))
    out = pd.DataFrame(rows)
    out.attrs.update(indicator=indicator, lags=list(lags), scope_group=scope_group, dropped=dropped,
                     series=pd.concat(pairs, ignore_index=True))
    return out


def _correlate(prev: pd.Series, fig: pd.Series, lag: int) -> dict:
    from scipy import stats   # imported when used: scipy.stats takes about a second to import

    years = [y for y in prev.index if (y - lag) in fig.index and pd.notna(prev[y])]
    a = prev.reindex(years).to_numpy(float)
    b = fig.reindex([y - lag for y in years]).to_numpy(float)
    n = len(years)
    row = {"n": n, "pearson": np.nan, "pearson_p": np.nan, "spearman": np.nan, "spearman_p": np.nan, "pearson_diff": np.nan}
    if n >= 3 and np.ptp(a) > 0 and np.ptp(b) > 0:
        r = stats.pearsonr(a, b)
        rho = stats.spearmanr(a, b)
        row.update(pearson=float(r.statistic), pearson_p=float(r.pvalue), spearman=float(rho.statistic),
                   spearman_p=float(rho.pvalue))
    steps = [k for k in range(1, n) if years[k] - years[k - 1] == 1]
    if len(steps) >= 3:
        da, db = np.array([a[k] - a[k - 1] for k in steps]), np.array([b[k] - b[k - 1] for k in steps])
        if np.ptp(da) > 0 and np.ptp(db) > 0:
            row["pearson_diff"] = float(stats.pearsonr(da, db).statistic)
    row["r_needed"] = _r_needed(n)
    row["warning"] = _warning(n, row["r_needed"])
    return row


def _r_needed(n: int) -> float:
    """Smallest |r| with two-sided p < .05 for n pairs (t test with n - 2 df)."""
    from scipy import stats

    if n < 3:
        return np.nan
    t = stats.t.ppf(0.975, n - 2)
    return float(t / np.sqrt(n - 2 + t ** 2))


def _warning(n: int, r_needed: float) -> str:
    if n < 3:
        return f"only {n} year(s) with both values: no correlation can be computed"
    return (f"{n} yearly points: |r| must exceed {r_needed:.2f} to pass p < .05, and the p-value assumes independent "
            "years, which trending series are not. Two series that both rise or fall over the period correlate "
            "whatever links them; a correlation here does not show that the figures drive the talk (or the reverse). "
            "Look at pearson_diff (year-to-year changes) and read the texts of the years that move.")
