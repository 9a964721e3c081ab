"""The foreigner–crime association: how strongly a group's texts couple foreigner terms with
crime terms in the same sentence (or window).

For each group the units (sentences) form a 2x2 table: foreigner term present / absent by crime
term present / absent (``a`` both, ``b`` foreigner only, ``c`` crime only, ``d`` neither).
Reported: ``p_crime_given_foreigner = a/(a+b)``, ``p_crime_given_no_foreigner = c/(c+d)``,
``lift = P(crime|foreigner) / P(crime)``, ``pmi = log2(P(both) / (P(foreigner) P(crime)))``,
``log_odds_ratio = ln(((a+.5)(d+.5)) / ((b+.5)(c+.5)))`` (Haldane-Anscombe correction, defined
with zero cells), with percentile intervals from resampling documents.

References
----------
Church, K. & Hanks, P. (1990). Word association norms, mutual information, and lexicography.
Haldane, J. B. S. (1956). The estimation and viewing of the logarithm of a ratio. Ann. Hum. Genet. 20.
Yamamoto (2007) on the state narrative linking foreignness and crime.

Example
-------
>>> association(tokens, by="side")  # doctest: +SKIP
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from ..errors import ConfigError
from ..resources import read_term_list, resource
from ..tokens import Tokens
from .prevalence import bootstrap_weights

HALDANE = 0.5


def term_group(name: str) -> list[str]:
    """A bundled term group: ``"foreigner"`` or ``"crime"`` (``corpora/lexicons/<name>_terms.txt``)."""
    return read_term_list(resource("lexicons", f"{name}_terms.txt"))


def unit_flags(tokens: Tokens, terms: Sequence[str]) -> pd.DataFrame:
    """One row per sentence (doc number, sentence index) with a 0/1 flag: does it contain a term?"""
    doc = tokens.doc_index()
    hit = tokens.match(list(terms))[tokens.ids] if tokens.n_tokens else np.zeros(0, bool)
    frame = pd.DataFrame({"doc": doc, "sent": tokens.sent, "hit": hit})
    return frame.groupby(["doc", "sent"], sort=True)["hit"].max().astype(int).reset_index()


def cells(both: np.ndarray, f_only: np.ndarray, c_only: np.ndarray, neither: np.ndarray) -> dict[str, np.ndarray]:
    """The association statistics from 2x2 cell counts (arrays broadcast)."""
    a, b, c, d = (np.asarray(x, dtype=float) for x in (both, f_only, c_only, neither))
    n = a + b + c + d
    with np.errstate(divide="ignore", invalid="ignore"):
        p_cf = np.where(a + b > 0, a / (a + b), np.nan)
        p_cnf = np.where(c + d > 0, c / (c + d), np.nan)
        p_c = (a + c) / n
        lift = np.where((a + b > 0) & (p_c > 0), p_cf / p_c, np.nan)
        pmi = np.where(a > 0, np.log2(a * n / ((a + b) * (a + c))), np.nan)
    lor = np.log(((a + HALDANE) * (d + HALDANE)) / ((b + HALDANE) * (c + HALDANE)))
    return {"p_crime_given_foreigner": p_cf, "p_crime_given_no_foreigner": p_cnf, "lift": lift, "pmi": pmi,
            "log_odds_ratio": lor}


def _doc_cells(units: pd.DataFrame, n_docs: int) -> np.ndarray:
    """(n_docs, 4) counts of both / foreigner only / crime only / neither per document."""
    kind = (1 - units["foreigner"]) * 2 + (1 - units["crime"])  # 0 both, 1 f only, 2 c only, 3 neither
    out = np.zeros((n_docs, 4))
    np.add.at(out, (units["doc"].to_numpy(), kind.to_numpy()), 1.0)
    return out


def association(tokens: Tokens, *, by: str | Sequence[str] | None = "side", foreigner_terms: Sequence[str] | None = None,
                crime_terms: Sequence[str] | None = None, n_boot: int = 1000, ci: float = 0.95,
                random_state: int = 0) -> pd.DataFrame:
    """Foreigner–crime co-occurrence in sentences, per group (e.g. side, or side and year).

    Parameters
    ----------
    tokens : the corpus tokens (sentence indices come from the tokenizer; a sentence is a unit
        when at least one of its tokens was kept).
    by : docvar(s) to group by; None = whole corpus.
    foreigner_terms, crime_terms : term lists (default: the bundled ``foreigner`` and ``crime``
        groups in ``corpora/lexicons``), matched against the token terms (lemmas by default).

    Returns
    -------
    Tidy DataFrame: the ``by`` columns, ``n_docs``, ``n_units``, ``n_foreigner``, ``n_crime``,
    ``n_both``, ``p_crime_given_foreigner``, ``p_crime_given_no_foreigner``, ``lift``, ``pmi``,
    ``log_odds_ratio`` and ``<stat>_ci_low`` / ``<stat>_ci_high`` for lift, pmi and log_odds_ratio.
    Undefined values (no foreigner sentence in a group; no co-occurrence for pmi) are NaN and
    flagged in ``defined`` (False when lift or pmi is undefined), never silently ranked.
    """
    by_cols = [] if by is None else [by] if isinstance(by, str) else list(by)
    units = _units(tokens, foreigner_terms or term_group("foreigner"), crime_terms or term_group("crime"))
    per_doc = _doc_cells(units, len(tokens))
    groups = tokens.docvars.reset_index()[by_cols] if by_cols else pd.DataFrame(index=range(len(tokens)))
    rng = np.random.default_rng(random_state)
    rows = []
    for key, idx in (groups.groupby(by_cols, sort=True, dropna=False).indices.items() if by_cols else [((), np.arange(len(tokens)))]):
        rows.append(_group_row(key if isinstance(key, tuple) else (key,), by_cols, per_doc[idx], n_boot, ci, rng))
    out = pd.DataFrame(rows)
    out.attrs.update(by=by_cols, unit="sentence", n_boot=n_boot, ci=ci, random_state=random_state)
    return out


def _units(tokens: Tokens, foreigner: Sequence[str], crime: Sequence[str]) -> pd.DataFrame:
    if tokens.n_tokens == 0:
        raise ConfigError("association: the tokens are empty")
    f, c = unit_flags(tokens, foreigner), unit_flags(tokens, crime)
    return f.rename(columns={"hit": "foreigner"}).assign(crime=c["hit"].to_numpy())


def _group_row(key: tuple, by_cols: list[str], per_doc: np.ndarray, n_boot: int, ci: float, rng: np.random.Generator) -> dict:
    a, b, c, d = per_doc.sum(axis=0)
    row = {**dict(zip(by_cols, key)), "n_docs": len(per_doc), "n_units": int(a + b + c + d), "n_foreigner": int(a + b),
           "n_crime": int(a + c), "n_both": int(a)}
    row.update({k: float(v) for k, v in cells(a, b, c, d).items()})
    boot = cells(*(bootstrap_weights(len(per_doc), n_boot, rng) @ per_doc).T)
    for stat in ("lift", "pmi", "log_odds_ratio"):
        finite = boot[stat][np.isfinite(boot[stat])]
        low, high = np.quantile(finite, [(1 - ci) / 2, (1 + ci) / 2]) if len(finite) else (np.nan, np.nan)
        row[f"{stat}_ci_low"], row[f"{stat}_ci_high"] = float(low), float(high)
    row["defined"] = bool(np.isfinite(row["lift"]) and np.isfinite(row["pmi"]))
    return row


def association_by_term(tokens: Tokens, *, foreigner_terms: Sequence[str] | None = None,
                        crime_terms: Sequence[str] | None = None, by: str | None = None, min_units: int = 1) -> pd.DataFrame:
    """Which foreigner terms are most crime-coupled: for each term, the sentences containing it,
    how many also contain a crime term, ``p_crime_given_term``, ``lift`` and ``log_odds_ratio``
    (term sentences vs all other sentences), optionally per group; sorted by log odds."""
    crime = unit_flags(tokens, crime_terms or term_group("crime"))
    groups = tokens.docvars.reset_index()[by].to_numpy() if by else np.array(["all"] * len(tokens))
    rows = []
    for term in foreigner_terms or term_group("foreigner"):
        flags = unit_flags(tokens, [term])["hit"].to_numpy()
        for g in pd.unique(groups):
            sel = groups[crime["doc"].to_numpy()] == g
            t, k = flags[sel], crime["hit"].to_numpy()[sel]
            a, b, c, d = (t & k).sum(), (t & ~k.astype(bool)).sum(), (~t.astype(bool) & k.astype(bool)).sum(), ((1 - t) & (1 - k)).sum()
            if a + b >= min_units:
                stats_ = cells(a, b, c, d)
                rows.append({"term": term, **({by: g} if by else {}), "n_units": int(a + b), "n_with_crime": int(a),
                             "p_crime_given_term": float(stats_["p_crime_given_foreigner"]), "lift": float(stats_["lift"]),
                             "log_odds_ratio": float(stats_["log_odds_ratio"])})
    out = pd.DataFrame(rows, columns=["term", *([by] if by else []), "n_units", "n_with_crime", "p_crime_given_term", "lift", "log_odds_ratio"])
    return out.sort_values("log_odds_ratio", ascending=False, kind="stable").reset_index(drop=True)
