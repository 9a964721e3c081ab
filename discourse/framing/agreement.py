"""Inter-annotator agreement: Cohen's kappa, Krippendorff's alpha (nominal, ordinal, interval,
ratio) and set-level agreement for multi-label frame coding (exact match and MASI-weighted alpha).

References
----------
Cohen, J. (1960). A coefficient of agreement for nominal scales. *Educational and Psychological
Measurement* 20(1).
Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. Annenberg School for
Communication, University of Pennsylvania (the coincidence-matrix formulation and the
difference functions used here).
Passonneau, R. (2006). Measuring agreement on set-valued items (MASI) for semantic and pragmatic
annotation. LREC 2006.

Example
-------
>>> cohen_kappa([1, 1, 0, 0], [1, 0, 0, 0])
0.5
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from ..errors import ConfigError, check_choice


def cohen_kappa(a: Sequence, b: Sequence) -> float:
    """Cohen's kappa of two coders' labels for the same units: (p_o - p_e) / (1 - p_e).

    Returns 1.0 when both coders agree perfectly with no variation (p_e = 1), where the formula
    is 0/0; documented choice, matching "perfect agreement"."""
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or a.ndim != 1 or len(a) == 0:
        raise ConfigError(f"cohen_kappa needs two equal-length, non-empty label lists (got {a.shape} and {b.shape})")
    cats = np.union1d(a, b)
    p_o = float(np.mean(a == b))
    p_e = float(sum(np.mean(a == c) * np.mean(b == c) for c in cats))
    return 1.0 if p_e == 1.0 else (p_o - p_e) / (1.0 - p_e)


LEVELS = ("nominal", "ordinal", "interval", "ratio")
POOLED = "(pooled frame decisions)"


def krippendorff_alpha(data: np.ndarray | Sequence[Sequence], *, level: str = "nominal") -> float:
    """Krippendorff's alpha at the ``nominal``, ``ordinal``, ``interval`` or ``ratio`` level.

    Parameters
    ----------
    data : array (n_coders, n_units) of numbers; ``NaN`` (or None) marks a missing value. Units
        coded by fewer than two coders are not pairable and are ignored, as in Krippendorff (2011).
    level : the difference function: nominal (0/1), ordinal (ranks by the values' frequencies),
        interval (squared difference), ratio (squared difference over the sum).

    Notes
    -----
    ``alpha = 1 - (n - 1) * sum(o_ck * d2_ck) / sum(n_c * n_k * d2_ck)`` over the coincidence
    matrix ``o``, with ``n_c`` its margins and ``n`` the pairable values.
    """
    check_choice("level", level, LEVELS)
    arr = np.array(data, dtype=float)
    if arr.ndim != 2:
        raise ConfigError("krippendorff_alpha needs a 2-d array (coders x units)")
    values = np.unique(arr[~np.isnan(arr)])
    coincidence = np.zeros((len(values), len(values)))
    for unit in arr.T:
        present = unit[~np.isnan(unit)]
        m = len(present)
        if m < 2:
            continue
        counts = np.array([np.sum(present == v) for v in values], dtype=float)
        coincidence += (np.outer(counts, counts) - np.diag(counts)) / (m - 1)
    n_c = coincidence.sum(axis=1)
    n = n_c.sum()
    if n == 0:
        raise ConfigError("krippendorff_alpha: no unit was coded by two or more coders")
    d2 = _difference(values, n_c, level)
    d_e = float(np.outer(n_c, n_c).ravel() @ d2.ravel())
    return 1.0 if d_e == 0 else 1.0 - (n - 1) * float((coincidence * d2).sum()) / d_e


def _difference(values: np.ndarray, n_c: np.ndarray, level: str) -> np.ndarray:
    """Squared differences ``d2_ck`` between the values (Krippendorff 2011, sec. D-G)."""
    c, k = np.meshgrid(values, values, indexing="ij")
    if level == "nominal":
        return (c != k).astype(float)
    if level == "interval":
        return (c - k) ** 2
    if level == "ratio":
        total = c + k
        return np.divide((c - k) ** 2, total ** 2, out=np.zeros_like(total), where=total != 0)
    cum = np.concatenate([[0.0], np.cumsum(n_c)])
    i, j = np.meshgrid(np.arange(len(values)), np.arange(len(values)), indexing="ij")
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    return (cum[hi + 1] - cum[lo] - (n_c[i] + n_c[j]) / 2.0) ** 2


def masi_distance(a: frozenset | set, b: frozenset | set) -> float:
    """MASI distance of two label sets (Passonneau 2006): ``1 - J * M`` with ``J`` the Jaccard index
    and ``M`` = 1 (equal sets), 2/3 (one contains the other), 1/3 (overlap), 0 (disjoint). Two empty
    sets ("no frame" from both coders) are equal: distance 0."""
    a, b = set(a), set(b)
    if a == b:
        return 0.0
    union, inter = a | b, a & b
    monotonicity = 2 / 3 if (a <= b or b <= a) else (1 / 3 if inter else 0.0)
    return 1.0 - len(inter) / len(union) * monotonicity


def alpha_distance(units: Sequence[Sequence], distance) -> float:
    """Krippendorff's alpha with any distance function over the values of each unit (e.g. label
    sets with :func:`masi_distance`). ``units``: per unit, the values of the coders who coded it
    (units with fewer than two values are not pairable)."""
    pairable = [list(u) for u in units if len(u) >= 2]
    values = [v for u in pairable for v in u]
    n = len(values)
    if n == 0:
        raise ConfigError("alpha_distance: no unit was coded by two or more coders")
    d_o = sum(sum(distance(x, y) for i, x in enumerate(u) for j, y in enumerate(u) if i != j) / (len(u) - 1)
              for u in pairable) / n
    d_e = sum(distance(x, y) for i, x in enumerate(values) for j, y in enumerate(values) if i != j) / (n * (n - 1))
    return 1.0 if d_e == 0 else 1.0 - d_o / d_e


def set_agreement(first: pd.DataFrame, second: pd.DataFrame, frames: Sequence[str]) -> pd.DataFrame:
    """Agreement on the whole set of frames of each unit (multi-label coding).

    Returns one row: ``n_units``, ``exact_set`` (share of units whose two frame sets are identical),
    ``alpha_exact_set`` (nominal alpha with each distinct set as one category), ``mean_jaccard``
    (mean Jaccard similarity of the sets; 1 for two empty sets), ``alpha_masi`` (Krippendorff's
    alpha with the MASI distance). Lower than the pooled per-frame figures, which
    count the many easy "frame absent" decisions as agreements."""
    if not first.index.equals(second.index):
        raise ConfigError("the two annotations must cover the same units in the same order (index)")
    cols = list(frames)
    sets_a = [frozenset(f for f, v in zip(cols, row) if v) for row in first[cols].to_numpy(int)]
    sets_b = [frozenset(f for f, v in zip(cols, row) if v) for row in second[cols].to_numpy(int)]
    jaccard = [1.0 if not (a | b) else len(a & b) / len(a | b) for a, b in zip(sets_a, sets_b)]
    pairs = list(zip(sets_a, sets_b))
    return pd.DataFrame([{"n_units": len(sets_a), "exact_set": float(np.mean([a == b for a, b in pairs])),
                          "alpha_exact_set": alpha_distance(pairs, lambda x, y: float(x != y)),
                          "mean_jaccard": float(np.mean(jaccard)),
                          "alpha_masi": alpha_distance(pairs, masi_distance)}])


def frame_agreement(first: pd.DataFrame, second: pd.DataFrame, frames: Sequence[str]) -> pd.DataFrame:
    """Agreement of two annotations of the same sentences, per frame and overall.

    Parameters
    ----------
    first, second : one row per unit, same index (sentence ids), one 0/1 column per frame.
    frames : frame ids to compare.

    Returns
    -------
    DataFrame with one row per frame plus ``"(pooled frame decisions)"``: ``frame``, ``n_units``,
    ``n_first``, ``n_second`` (positives by each coder), ``n_both``, ``pct_agree``, ``kappa``
    (Cohen), ``alpha`` (Krippendorff, nominal). The pooled row treats every (unit, frame) decision
    as one binary unit (units x frames); it reads higher than agreement on each unit's whole set of
    frames, for which see :func:`set_agreement`.
    """
    if not first.index.equals(second.index):
        raise ConfigError("the two annotations must cover the same units in the same order (index)")
    rows = [_agreement_row(f, first[f].to_numpy(int), second[f].to_numpy(int)) for f in frames]
    pooled_a = first[list(frames)].to_numpy(int).ravel()
    pooled_b = second[list(frames)].to_numpy(int).ravel()
    rows.append(_agreement_row(POOLED, pooled_a, pooled_b))
    return pd.DataFrame(rows)


def _agreement_row(frame: str, a: np.ndarray, b: np.ndarray) -> dict:
    return {"frame": frame, "n_units": len(a), "n_first": int(a.sum()), "n_second": int(b.sum()),
            "n_both": int((a & b).sum()), "pct_agree": float(np.mean(a == b)),
            "kappa": cohen_kappa(a, b), "alpha": krippendorff_alpha(np.vstack([a, b]))}


def agreement_tables(first: pd.DataFrame, second: pd.DataFrame, frames: Sequence[str], *,
                     digits: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two tables of an annotation datasheet, rounded: :func:`frame_agreement` (per frame and
    pooled) and :func:`set_agreement` (each unit's whole set of frames)."""
    per_frame = frame_agreement(first, second, frames).round({c: digits for c in ("pct_agree", "kappa", "alpha")})
    sets = set_agreement(first, second, frames)
    return per_frame, sets.round({c: digits for c in ("exact_set", "alpha_exact_set", "mean_jaccard", "alpha_masi")})
