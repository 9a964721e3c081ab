"""Terms over time: relative frequency per period with document-bootstrap intervals, and the
keyness of each period against all the others.

``per_10k = 10,000 * (occurrences of the term) / (tokens)`` in the period's documents. The
interval resamples the period's documents with replacement (the documents, not the tokens, were
sampled; tokens of one document are not independent) and takes percentiles of the resampled
rates (Efron & Tibshirani 1993). ``keyness_over`` runs :func:`discourse.metrics.keyness` once per
period with that period as the target and every other period as the reference (KH Coder's and
AntConc's "keyword list by period").

References
----------
Efron, B. & Tibshirani, R. (1993). An Introduction to the Bootstrap. Chapman & Hall.
Dunning, T. (1993). Accurate methods for the statistics of surprise and coincidence.
Hardie, A. (2014). Log Ratio: an informal introduction. CASS, Lancaster University.

Example
-------
>>> import pandas as pd
>>> from discourse.tokens import Tokens
>>> dv = pd.DataFrame({"year": [2003, 2004]}, index=pd.Index(["a", "b"], name="doc_id"))
>>> toks = Tokens.from_lists([["犯罪", "増加", "外国人", "治安"], ["共生", "外国人"]], dv)
>>> term_trends(toks, ["外国人"], n_boot=10)["per_10k"].tolist()
[2500.0, 5000.0]
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

import numpy as np
import pandas as pd

from ..dtm import docvar_values
from ..errors import ConfigError
from .keyness import Measure, keyness
from .._internal.intervals import bootstrap_sums, percentile_interval

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from ..tokens import Tokens

PER = 10_000


def term_trends(x: "Tokens", terms: str | Sequence[str], *, over: str = "year", by: str | None = None,
                n_boot: int = 1000, ci: float = 0.95, random_state: int = 0) -> pd.DataFrame:
    """Relative frequency of each term per period (and group), with document-bootstrap intervals.

    Parameters
    ----------
    x : ``Tokens`` with the docvar ``over`` (and ``by``).
    terms : a term or a list of terms (each reported separately; absent terms give zeros).
    over : the period docvar (``year``, ``month``, ``session``...).
    by : optional group docvar (one line per group and period).
    n_boot, ci, random_state : bootstrap resamples of the cell's documents, interval level, seed.

    Returns
    -------
    DataFrame, one row per (group, period, term): ``by`` (if given), ``over`` (column named after
    the docvar), ``term``, ``n_docs``, ``n_tokens`` (tokens of the cell's documents), ``freq``,
    ``per_10k``, ``ci_low``, ``ci_high`` (percentile interval of per_10k), ``docfreq`` (documents
    with the term). Sorted by group, period, then the order of ``terms``.
    """
    terms = [terms] if isinstance(terms, str) else list(terms)
    if not terms:
        raise ConfigError("terms: give at least one term")
    if not 0 < ci < 1:
        raise ConfigError(f"ci={ci!r}: give an interval level between 0 and 1, e.g. 0.95")
    hits, sizes = _doc_hits(x, terms), np.diff(x.doc_ptr).astype(np.float64)
    cells = pd.DataFrame({"over": docvar_values(x.docvars, over)})
    if by:
        cells["by"] = docvar_values(x.docvars, by)
    keys = ["by", "over"] if by else ["over"]
    rng = np.random.default_rng(random_state)
    rows = []
    for key, idx in cells.groupby(keys, sort=True).indices.items():
        key = key if isinstance(key, tuple) else (key,)
        rows += _cell_rows(dict(zip(keys, key)), hits[idx], sizes[idx], terms, n_boot, ci, rng)
    out = pd.DataFrame(rows).rename(columns={"over": over, **({"by": by} if by else {})})
    out.attrs.update(over=over, by=by, terms=terms, n_boot=n_boot, ci=ci, random_state=random_state,
                     unit="per 10,000 tokens", interval="percentile, documents resampled within each cell")
    return out


def _doc_hits(x: "Tokens", terms: list[str]) -> np.ndarray:
    """(n_docs, n_terms) occurrences of each term in each document."""
    index = x.vocab_index
    doc, ids = x.doc_index(), np.asarray(x.ids, np.int64)
    out = np.zeros((len(x), len(terms)))
    for j, term in enumerate(terms):
        if term in index:
            out[:, j] = np.bincount(doc[ids == index[term]], minlength=len(x))
    return out


def _cell_rows(key: dict, hits: np.ndarray, sizes: np.ndarray, terms: list[str], n_boot: int, ci: float,
               rng: np.random.Generator) -> list[dict]:
    n_tokens = sizes.sum()
    rate = PER * hits.sum(axis=0) / max(n_tokens, 1)
    sums = bootstrap_sums(np.column_stack([hits, sizes]), n_boot, rng)
    boot = PER * sums[:, :-1] / np.maximum(sums[:, -1], 1)[:, None]
    low, high = percentile_interval(boot, ci)
    return [{**key, "term": t, "n_docs": len(sizes), "n_tokens": int(n_tokens), "freq": int(hits[:, j].sum()),
             "per_10k": float(rate[j]), "ci_low": float(low[j]), "ci_high": float(high[j]),
             "docfreq": int((hits[:, j] > 0).sum())} for j, t in enumerate(terms)]


def keyness_over(x: "Tokens", *, over: str = "year", measure: Measure = "G2", min_count: int = 1, n_top: int | None = None,
                 **options: Any) -> pd.DataFrame:
    """Keyness of each period against all other periods (one :func:`keyness` call per period).

    Parameters
    ----------
    over : the period docvar. measure, min_count, ``options`` : passed to :func:`keyness`
        (``correction``, ``min_range``, ``max_dp`` ...).
    n_top : keep the ``n_top`` highest-ranked terms of each period (None = all).

    Returns
    -------
    The keyness tables stacked, with the period in a first column named after ``over`` and
    ``rank`` (1 = most over-used in that period). ``df.attrs`` holds the parameters.
    """
    levels = sorted(pd.Series(docvar_values(x.docvars, over)).dropna().unique())
    if len(levels) < 2:
        raise ConfigError(f"over={over!r} has {len(levels)} level(s) {list(levels)}: keyness over time needs at least 2 periods")
    parts = []
    for level in levels:
        table = keyness(x, by=over, target=level, measure=measure, min_count=min_count, **options)
        table = table.head(n_top) if n_top else table
        table.insert(0, "rank", np.arange(1, len(table) + 1))
        table.insert(0, over, level)
        parts.append(table)
    out = pd.concat(parts, ignore_index=True)
    out.attrs.update(over=over, measure=measure, min_count=min_count, n_top=n_top, reference="all other periods", **options)
    return out


def plot_trends(trends: pd.DataFrame, *, title: str = "") -> "Figure":
    """Lines of per_10k over the periods with interval bands, one panel per term (see
    :func:`discourse.report.plots_analyses.plot_trends`)."""
    from ..report.plots_analyses import plot_trends as _plot

    return _plot(trends, title=title)
