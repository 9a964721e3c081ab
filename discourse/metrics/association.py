"""Co-occurrence of two term groups in the same sentence, per group of documents: how strongly a
group's texts couple the terms of ``a`` with the terms of ``b`` (for the migration-and-crime study,
the bundled presets ``"foreigner"`` and ``"crime"``; for another study, any two term lists).

This is co-mention, not framing: a sentence that rebuts a claim co-mentions its terms as much as
one that makes it. For each group the units (sentences) form a 2x2 table: a-term present / absent
by b-term present / absent (``both``, ``a only``, ``b only``, ``neither``). Reported:
``p_b_given_a = both / (both + a only)``, ``p_b_given_not_a``, ``lift = P(b|a) / P(b)``,
``pmi = log2(P(a, b) / (P(a) P(b)))``, ``log_odds_ratio = ln(((both+.5)(neither+.5)) /
((a only+.5)(b only+.5)))`` (Haldane-Anscombe correction, defined with zero cells), with percentile
intervals from resampling documents.

References
----------
Church, K. & Hanks, P. (1990). Word association norms, mutual information, and lexicography.
Haldane, J. B. S. (1956). The estimation and viewing of the logarithm of a ratio. Ann. Hum. Genet. 20.

Example
-------
>>> cooccurrence(tokens, "foreigner", "crime", by="side")          # doctest: +SKIP
>>> cooccurrence(tokens, ["移民", "難民"], ["治安", "犯罪"], by="year")  # doctest: +SKIP
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from ..errors import ConfigError
from ..resources import read_term_list, resource
from ..tokens import Tokens
from .._internal.intervals import bootstrap_sums, percentile_interval

HALDANE = 0.5


def term_group(name: str) -> list[str]:
    """A bundled term group (``corpora/lexicons/<name>_terms.txt``, e.g. ``"foreigner"``, ``"crime"``)."""
    presets = term_groups()
    if name not in presets:
        raise ConfigError(f"term group {name!r} is not a bundled preset (have {presets}): pass a list of terms instead")
    return read_term_list(resource("lexicons", f"{name}_terms.txt"))


def term_groups() -> list[str]:
    """Names of the bundled term-group presets."""
    return sorted(p.name[: -len("_terms.txt")] for p in resource("lexicons").glob("*_terms.txt") if p.name != "domain_terms.txt")


def resolve_terms(terms: str | Sequence[str], name: str) -> list[str]:
    """A preset name (str) or a list of terms -> the list of terms (non-empty)."""
    out = term_group(terms) if isinstance(terms, str) else [str(t) for t in terms]
    if not out:
        raise ConfigError(f"{name}: the term list is empty")
    return out


def _label(terms: str | Sequence[str]) -> str:
    return terms if isinstance(terms, str) else "+".join(map(str, list(terms)[:3])) + ("+..." if len(terms) > 3 else "")


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
    return {"p_b_given_a": p_cf, "p_b_given_not_a": p_cnf, "lift": lift, "pmi": pmi, "log_odds_ratio": lor}


def _doc_cells(units: pd.DataFrame, n_docs: int) -> np.ndarray:
    """(n_docs, 4) counts of both / a only / b only / neither per document."""
    kind = (1 - units["a"]) * 2 + (1 - units["b"])  # 0 both, 1 a only, 2 b only, 3 neither
    out = np.zeros((n_docs, 4))
    np.add.at(out, (units["doc"].to_numpy(), kind.to_numpy()), 1.0)
    return out


@dataclass(frozen=True, eq=False)
class CooccurrenceCounts:
    """The per-document 2x2 cell counts of :func:`cooccurrence` (``per_doc``: documents x
    (both, a only, b only, neither) sentences) with the documents' ``docvars``, for the terms
    ``a`` and ``b``: what a streaming run merges from its shards (:func:`doc_cells` per shard)."""

    per_doc: np.ndarray
    docvars: pd.DataFrame
    a: tuple[str, ...]
    b: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.per_doc)


def doc_cells(tokens: Tokens, a: str | Sequence[str], b: str | Sequence[str]) -> np.ndarray:
    """(documents, 4) sentence counts both / a only / b only / neither of ``tokens`` (zeros
    without tokens): the part of :func:`cooccurrence` that reads tokens."""
    if tokens.n_tokens == 0:
        return np.zeros((len(tokens), 4))
    return _doc_cells(_units(tokens, resolve_terms(a, "a"), resolve_terms(b, "b")), len(tokens))


def cooccurrence(x: "Tokens | CooccurrenceCounts", a: str | Sequence[str], b: str | Sequence[str], *, by: str | Sequence[str] | None = None,
                 n_boot: int = 1000, ci: float = 0.95, random_state: int = 0) -> pd.DataFrame:
    """Co-occurrence of term group ``a`` with term group ``b`` in sentences, per group of documents.

    Parameters
    ----------
    x : the corpus tokens (sentence indices come from the tokenizer; a sentence is a unit when at
        least one of its tokens was kept), or merged :class:`CooccurrenceCounts` (same table).
    a, b : a bundled preset name (``"foreigner"``, ``"crime"``: see :func:`term_groups`) or a list of
        terms, matched against the token terms (lemmas by default).
    by : docvar(s) to group by (e.g. ``"side"`` or ``["side", "year"]``); None = whole corpus.
    n_boot, ci, random_state : document-bootstrap resamples, interval level, seed.

    Returns
    -------
    Tidy DataFrame: the ``by`` columns, ``n_docs``, ``n_units``, ``n_a``, ``n_b``, ``n_both``,
    ``p_b_given_a``, ``p_b_given_not_a``, ``lift``, ``pmi``, ``log_odds_ratio`` and
    ``<stat>_ci_low`` / ``<stat>_ci_high`` for lift, pmi and log_odds_ratio. Undefined values (no
    a-sentence in a group; no co-occurrence for pmi) are NaN and flagged in ``defined`` (False when
    lift or pmi is undefined), never silently ranked. ``attrs["a"]``, ``attrs["b"]`` name the groups.
    """
    by_cols = [] if by is None else [by] if isinstance(by, str) else list(by)
    per_doc = _counted_cells(x, a, b) if isinstance(x, CooccurrenceCounts) else \
        _doc_cells(_units(x, resolve_terms(a, "a"), resolve_terms(b, "b")), len(x))
    groups = x.docvars.reset_index()[by_cols] if by_cols else pd.DataFrame(index=range(len(x)))
    rng = np.random.default_rng(random_state)
    rows = []
    for key, idx in (groups.groupby(by_cols, sort=True, dropna=False).indices.items() if by_cols else [((), np.arange(len(x)))]):
        rows.append(_group_row(key if isinstance(key, tuple) else (key,), by_cols, per_doc[idx], n_boot, ci, rng))
    out = pd.DataFrame(rows)
    out.attrs.update(a=_label(a), b=_label(b), by=by_cols, unit="sentence", n_boot=n_boot, ci=ci, random_state=random_state)
    return out


def _counted_cells(x: CooccurrenceCounts, a: str | Sequence[str], b: str | Sequence[str]) -> np.ndarray:
    for name, asked, have in (("a", a, x.a), ("b", b, x.b)):
        if tuple(resolve_terms(asked, name)) != tuple(have):
            raise ConfigError(f"cooccurrence: the counts were made for {name}={list(have)[:5]}, not {asked!r}: count again")
    if x.per_doc.sum() == 0:
        raise ConfigError("cooccurrence: the tokens are empty")
    return x.per_doc


def _units(tokens: Tokens, a: Sequence[str], b: Sequence[str]) -> pd.DataFrame:
    if tokens.n_tokens == 0:
        raise ConfigError("cooccurrence: the tokens are empty")
    fa, fb = unit_flags(tokens, a), unit_flags(tokens, b)
    return fa.rename(columns={"hit": "a"}).assign(b=fb["hit"].to_numpy())


def _group_row(key: tuple, by_cols: list[str], per_doc: np.ndarray, n_boot: int, ci: float, rng: np.random.Generator) -> dict:
    a, b, c, d = per_doc.sum(axis=0)
    row = {**dict(zip(by_cols, key)), "n_docs": len(per_doc), "n_units": int(a + b + c + d), "n_a": int(a + b),
           "n_b": int(a + c), "n_both": int(a)}
    row.update({k: float(v) for k, v in cells(a, b, c, d).items()})
    boot = cells(*bootstrap_sums(per_doc, n_boot, rng).T)
    for stat in ("lift", "pmi", "log_odds_ratio"):
        finite = boot[stat][np.isfinite(boot[stat])]
        low, high = percentile_interval(finite, ci) if len(finite) else (np.nan, np.nan)
        row[f"{stat}_ci_low"], row[f"{stat}_ci_high"] = float(low), float(high)
    row["defined"] = bool(np.isfinite(row["lift"]) and np.isfinite(row["pmi"]))
    return row


def cooccurrence_by_term(x: Tokens, a: str | Sequence[str], b: str | Sequence[str], *, by: str | None = None,
                         min_units: int = 1) -> pd.DataFrame:
    """Which terms of group ``a`` are most coupled with group ``b``: for each a-term, the sentences
    containing it (``n_units``), how many also contain a b-term (``n_with_b``), ``p_b_given_term``,
    ``lift`` and ``log_odds_ratio`` (term sentences vs all other sentences), optionally per group of
    documents (``by``); sorted by log odds, highest first."""
    with_b = unit_flags(x, resolve_terms(b, "b"))
    groups = x.docvars.reset_index()[by].to_numpy() if by else np.array(["all"] * len(x))
    rows = []
    for term in resolve_terms(a, "a"):
        flags = unit_flags(x, [term])["hit"].to_numpy()
        for g in pd.unique(groups):
            sel = groups[with_b["doc"].to_numpy()] == g
            t, k = flags[sel].astype(bool), with_b["hit"].to_numpy()[sel].astype(bool)
            n11, n12, n21, n22 = (t & k).sum(), (t & ~k).sum(), (~t & k).sum(), (~t & ~k).sum()
            if n11 + n12 >= min_units:
                stats_ = cells(n11, n12, n21, n22)
                rows.append({"term": term, **({by: g} if by else {}), "n_units": int(n11 + n12), "n_with_b": int(n11),
                             "p_b_given_term": float(stats_["p_b_given_a"]), "lift": float(stats_["lift"]),
                             "log_odds_ratio": float(stats_["log_odds_ratio"])})
    out = pd.DataFrame(rows, columns=["term", *([by] if by else []), "n_units", "n_with_b", "p_b_given_term", "lift", "log_odds_ratio"])
    out.attrs.update(a=_label(a), b=_label(b), by=by)
    return out.sort_values("log_odds_ratio", ascending=False, kind="stable").reset_index(drop=True)
