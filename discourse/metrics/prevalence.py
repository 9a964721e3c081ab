"""Frame and code prevalence by group, with document-level bootstrap intervals; crosstab with
adjusted standardized residuals (KH Coder's table); the gap between two groups.

``labels`` is one row per unit (sentence): a ``doc_id`` column and one 0/1 column per frame or
code (as written by the framing module and by ``corpora/demo/annotations``); other columns such
as ``start``, ``end``, ``text`` are ignored. ``docvars`` is indexed by ``doc_id``.

References
----------
Efron, B. & Tibshirani, R. (1993). An Introduction to the Bootstrap (percentile intervals; the
    cluster bootstrap resamples documents, the units that were sampled, not sentences).
Haberman, S. J. (1973). The analysis of residuals in cross-classified tables. Biometrics 29(1).
Higuchi, K. (2016). KH Coder 3 reference manual (coding cross tabulation with chi-square and
    adjusted residuals).

Example
-------
>>> prevalence(labels, corpus.docvars, by="side")  # doctest: +SKIP
"""
from __future__ import annotations

from typing import Any, Iterator, Literal, Sequence

import numpy as np
import pandas as pd

from ..errors import ConfigError, check_choice, closest
from .._internal.intervals import bootstrap_sums, percentile_interval
from .groups import group_masks

NON_FRAME = {"doc_id", "sent_id", "start", "end", "text", "split", "unit_id", "n_units"}


def document_counts(labels: pd.DataFrame, frames: Sequence[str] | None = None) -> pd.DataFrame:
    """Sentence labels summed per document: ``doc_id``, one column per frame (positive sentences)
    and ``n_units`` (sentences), in order of first appearance. Every function here accepts this
    table in place of the sentence labels, with the same results (documents hold no sentences
    they do not have: a document without sentences has no row). A streaming run merges these
    per-shard tables instead of one row per sentence.

    >>> labels = pd.DataFrame({"doc_id": ["a", "a", "b"], "crime": [1, 0, 1]})
    >>> document_counts(labels).to_dict("records")
    [{'doc_id': 'a', 'crime': 1, 'n_units': 2}, {'doc_id': 'b', 'crime': 1, 'n_units': 1}]
    """
    cols = frame_columns(labels, frames)
    grouped = labels.groupby("doc_id", sort=False)
    out = grouped[cols].sum().astype(np.int64)
    out["n_units"] = grouped.size().astype(np.int64)
    return out.reset_index()


def frame_columns(labels: pd.DataFrame, frames: Sequence[str] | None = None) -> list[str]:
    """The frame columns of ``labels`` (all 0/1 columns except ids and text, unless given)."""
    cols = list(frames) if frames is not None else [c for c in labels.columns if c not in NON_FRAME]
    missing = [c for c in cols if c not in labels.columns]
    if missing:
        raise ConfigError(f"frames {missing} are not columns of labels (columns: {list(labels.columns)})")
    if not cols:
        raise ConfigError("labels has no frame columns: expect doc_id plus one 0/1 column per frame")
    return cols


def _units(labels: pd.DataFrame, docvars: pd.DataFrame | None, by: Sequence[str], frames: list[str],
           unit: str) -> pd.DataFrame:
    """Per-document positives and unit counts, one row per document in ``doc_id`` order, with the
    grouping docvars attached (:func:`_unit_counts` as one table)."""
    counts, groups = _unit_counts(labels, docvars, by, frames, unit)
    out = pd.DataFrame(counts[:, :-1].astype(int), columns=list(frames), index=groups.index, copy=False)
    out["n_units"] = counts[:, -1].astype(np.int64)
    return out.assign(**{b: groups[b].array for b in by})


def _unit_counts(labels: pd.DataFrame, docvars: pd.DataFrame | None, by: Sequence[str], frames: list[str],
                 unit: str) -> tuple[np.ndarray, pd.DataFrame]:
    """``(counts, groups)``, one row per document in ``doc_id`` order: ``counts`` holds its
    positives of each frame and, last, its units (float, whole numbers: what the bootstrap sums),
    ``groups`` its ``by`` docvars (indexed by ``doc_id``). Documents are matched with Arrow's sort
    and hash kernels and the frames summed one column at a time, so a corpus of 10^5-10^6
    documents costs one float per cell, not a Python string per document or a copy per step."""
    check_choice("unit", unit, ("sentence", "document"))
    if "doc_id" not in labels.columns:
        raise ConfigError("labels needs a 'doc_id' column")
    if by and docvars is None:
        raise ConfigError(f"by={list(by)} needs docvars (a DataFrame indexed by doc_id)")
    missing = [b for b in by if b not in docvars.columns] if docvars is not None else []
    if missing:
        raise ConfigError(f"by: {missing} are not docvars (have {list(docvars.columns)}){closest(missing[0], docvars.columns)}")
    keys, codes = _document_codes(labels["doc_id"])
    kept = codes >= 0                                  # a row without a doc_id belongs to no document
    every = bool(kept.all())
    codes = codes if every else codes[kept]
    counts = np.zeros((len(keys), len(frames) + 1))
    for j, frame in enumerate(frames):
        values = labels[frame].to_numpy(dtype=np.float64, na_value=np.nan)
        counts[:, j] = _per_document(values if every else values[kept], codes, len(keys), unit)
    if unit == "document":
        counts[:, -1] = 1.0
    else:
        weights = labels["n_units"].to_numpy(np.float64) if "n_units" in labels.columns else None
        counts[:, -1] = np.bincount(codes, weights=weights if weights is None or every else weights[kept],
                                    minlength=len(keys)).astype(np.int64)
    groups = pd.DataFrame(index=pd.Index(keys, name="doc_id"))
    if docvars is None:
        return counts, groups
    rows = _rows_of(keys, docvars.index)
    if (rows < 0).any():
        raise ConfigError(f"labels mention doc_ids missing from docvars, e.g. {keys.take(np.flatnonzero(rows < 0)[:3]).to_pylist()}")
    return counts, groups.assign(**{b: docvars[b].array.take(rows) for b in by})


def _per_document(values: np.ndarray, codes: np.ndarray, n: int, unit: str) -> np.ndarray:
    """One frame's column summed per document (``sentence``: positives, whole numbers as
    ``astype(int)`` makes them; ``document``: 1 when any sentence is positive)."""
    out = np.zeros(n)
    if unit == "document":
        np.logical_or.at(out, codes, values > 0)
        return out
    np.add.at(out, codes, np.nan_to_num(values) if np.isnan(values).any() else values)
    return np.trunc(out)


def _document_codes(doc_ids: pd.Series) -> tuple[Any, np.ndarray]:
    """The distinct doc_ids sorted (an Arrow array), and each row's number among them (-1: none)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    ids = pa.array(doc_ids.array, from_pandas=True)
    keys = pc.unique(ids).drop_null()
    keys = keys.take(pc.sort_indices(keys))
    return keys, pc.index_in(ids, value_set=keys).fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


def _rows_of(keys: Any, index: pd.Index) -> np.ndarray:
    """The row of each key in ``index`` (-1 where it is absent)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    values = pa.array(index.array, from_pandas=True)
    try:
        values = values.cast(keys.type)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return np.full(len(keys), -1, dtype=np.int64)
    return pc.index_in(keys, value_set=values).fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


def _as_list(by: str | Sequence[str] | None) -> list[str]:
    return [] if by is None else [by] if isinstance(by, str) else list(by)


def _bootstrap_shares(counts: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """(n_boot, n_frames) shares from resampling documents with replacement; ``counts``: one row
    per document, the positives of each frame and, last, the units."""
    sums = bootstrap_sums(counts, n_boot, rng)
    return sums[:, :-1] / np.maximum(sums[:, -1], 1)[:, None]


def _group_rows(groups: pd.DataFrame, by: list[str]) -> Iterator[tuple[tuple, np.ndarray]]:
    """``(key, rows)`` for each group of ``by`` in sorted order (missing values last), the rows in
    their order: what iterating a group-by gives, without a copy of each group."""
    if not by:
        yield (), np.arange(len(groups))
        return
    grouped = groups.groupby(by, sort=True, dropna=False)
    number = grouped.ngroup().to_numpy()
    for g, key in enumerate(grouped.size().index):
        yield (key if isinstance(key, tuple) else (key,)), np.flatnonzero(number == g)


def prevalence(labels: pd.DataFrame, docvars: pd.DataFrame | None = None, *, by: str | Sequence[str] | None = None,
               frames: Sequence[str] | None = None, unit: Literal["sentence", "document"] = "sentence",
               n_boot: int = 1000, ci: float = 0.95, random_state: int = 0) -> pd.DataFrame:
    """Share of units carrying each frame, per group, with a document bootstrap interval.

    Parameters
    ----------
    labels : one row per sentence: ``doc_id`` + one 0/1 column per frame.
    docvars : document variables indexed by ``doc_id`` (``corpus.docvars``).
    by : docvar(s) to group by, e.g. ``"side"`` or ``["side", "year"]``; None = whole corpus.
    unit : ``"sentence"`` (share of sentences) or ``"document"`` (share of documents with at
        least one sentence carrying the frame).
    n_boot, ci, random_state : bootstrap resamples of documents within each group, interval level, seed.

    Returns
    -------
    Tidy DataFrame: the ``by`` columns, ``frame``, ``n_docs``, ``n_units``, ``n_positive``,
    ``share``, ``ci_low``, ``ci_high`` (percentile interval). ``df.attrs`` holds the parameters.
    """
    by_cols, cols = _as_list(by), frame_columns(labels, frames)
    counts, groups = _unit_counts(labels, docvars, by_cols, cols, unit)
    rng = np.random.default_rng(random_state)
    rows = []
    for key, where in _group_rows(groups, by_cols):
        part = counts[where]
        pos, n = part[:, :-1], part[:, -1]
        share = pos.sum(axis=0) / n.sum()
        boots = _bootstrap_shares(part, n_boot, rng)
        low, high = percentile_interval(boots, ci, axis=0)
        for j, frame in enumerate(cols):
            rows.append({**dict(zip(by_cols, key)), "frame": frame, "n_docs": len(part), "n_units": int(n.sum()),
                         "n_positive": int(pos[:, j].sum()), "share": share[j], "ci_low": low[j], "ci_high": high[j]})
    out = pd.DataFrame(rows)
    out.attrs.update(by=by_cols, unit=unit, n_boot=n_boot, ci=ci, random_state=random_state, frames=cols)
    return out


def prevalence_gap(labels: pd.DataFrame, docvars: pd.DataFrame, *, by: str, target: Any, reference: Any = None,
                   frames: Sequence[str] | None = None, unit: Literal["sentence", "document"] = "sentence",
                   n_boot: int = 1000, ci: float = 0.95, random_state: int = 0) -> pd.DataFrame:
    """Difference in prevalence ``share(target) - share(reference)`` per frame with a bootstrap
    interval (documents resampled independently within each group).

    Parameters
    ----------
    by : the docvar that defines the groups. target : value (or list of values) of ``by``.
    reference : value(s) of ``by``; ``None`` = every other document with a value.

    Returns
    -------
    Columns ``frame``, ``share_target``, ``share_reference``, ``gap``, ``ci_low``, ``ci_high``,
    ``p_boot``: the two-sided bootstrap p, twice the smaller of ``(b + 1) / (B + 1)`` where ``b``
    counts resampled gaps on either side of 0 (never 0; Davison & Hinkley 1997, eq. 4.11).
    """
    cols = frame_columns(labels, frames)
    counts, units = _unit_counts(labels, docvars, [by], cols, unit)
    groups = group_masks(units[by], by=by, target=target, reference=reference)
    rng = np.random.default_rng(random_state)
    shares, boots = [], []
    for mask in groups:
        part = counts[np.asarray(mask)]
        shares.append(part[:, :-1].sum(axis=0) / part[:, -1].sum())
        boots.append(_bootstrap_shares(part, n_boot, rng))
    diff = boots[0] - boots[1]
    low, high = percentile_interval(diff, ci, axis=0)
    tail = np.minimum((diff <= 0).sum(axis=0), (diff >= 0).sum(axis=0))
    p = np.minimum(1.0, 2 * (tail + 1) / (n_boot + 1))
    out = pd.DataFrame({"frame": cols, "share_target": shares[0], "share_reference": shares[1], "gap": shares[0] - shares[1],
                        "ci_low": low, "ci_high": high, "p_boot": p})
    out.attrs.update(by=by, target=target, reference=reference, unit=unit, n_boot=n_boot, ci=ci, random_state=random_state)
    return out


def crosstab(labels: pd.DataFrame, docvars: pd.DataFrame, *, by: str, frames: Sequence[str] | None = None,
             unit: Literal["sentence", "document"] = "sentence") -> pd.DataFrame:
    """Frame x group cross-tabulation with chi-square and adjusted standardized residuals.

    For each frame, the 2 x k table (units with / without the frame, by group) is tested with
    Pearson's chi-square (no continuity correction, as KH Coder); the adjusted residual of each
    "with" cell is ``(O - E) / sqrt(E (1 - row/N) (1 - col/N))`` (Haberman 1973): beyond +-1.96
    the group uses the frame more / less than independence predicts.

    Returns tidy columns ``frame``, ``group``, ``n_units``, ``n_positive``, ``share``,
    ``expected``, ``adj_residual``, ``chi2``, ``df``, ``p`` (the last three per frame).
    """
    cols = frame_columns(labels, frames)
    units = _units(labels, docvars, [by], cols, unit)
    totals = units.groupby(by, sort=True)["n_units"].sum()
    rows = []
    for frame in cols:
        with_ = units.groupby(by, sort=True)[frame].sum().reindex(totals.index)
        table = np.vstack([with_.to_numpy(float), (totals - with_).to_numpy(float)])
        chi2, p, dof, expected = _chi2(table)
        n, row = table.sum(), table[0].sum()
        scale = np.sqrt(expected[0] * (1 - row / n) * (1 - table.sum(axis=0) / n))
        resid = np.divide(table[0] - expected[0], scale, out=np.zeros_like(scale), where=scale > 0)
        for g, group in enumerate(totals.index):
            rows.append({"frame": frame, "group": group, "n_units": int(totals.iloc[g]), "n_positive": int(table[0, g]),
                         "share": table[0, g] / totals.iloc[g], "expected": expected[0, g], "adj_residual": resid[g],
                         "chi2": chi2, "df": dof, "p": p})
    out = pd.DataFrame(rows)
    out.attrs.update(by=by, unit=unit, test="Pearson chi-square, no continuity correction")
    return out


def _chi2(table: np.ndarray) -> tuple[float, float, int, np.ndarray]:
    if (table.sum(axis=1) == 0).any():  # frame never (or always) present: the test is undefined
        expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
        return 0.0, 1.0, table.shape[1] - 1, expected
    return pearson_chi2(table)


def pearson_chi2(table: np.ndarray) -> tuple[float, float, int, np.ndarray]:
    """Pearson's chi-square test of independence of a two-way count table, without continuity
    correction: ``(statistic, p, dof, expected)``, the same numbers, computed the same way, as
    ``scipy.stats.chi2_contingency(table, correction=False)`` (which takes about a second to import).

    >>> chi2, p, dof, _ = pearson_chi2(np.array([[10, 20], [30, 40]]))
    >>> round(chi2, 4), round(p, 4), dof
    (0.7937, 0.373, 1)
    """
    from scipy import special

    observed = np.asarray(table, dtype=float)
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / observed.sum()
    if (expected == 0).any():
        from scipy import stats   # scipy's own error names the empty row or column

        stats.chi2_contingency(table, correction=False)
    dof = expected.size - sum(expected.shape) + expected.ndim - 1
    if dof == 0:
        return 0.0, 1.0, 0, expected
    chi2 = float(((observed - expected) ** 2 / expected).sum())
    return chi2, float(special.chdtrc(dof, chi2)), int(dof), expected
