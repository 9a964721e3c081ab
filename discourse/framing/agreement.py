"""Inter-annotator agreement: Cohen's kappa and Krippendorff's alpha (nominal).

References
----------
Cohen, J. (1960). A coefficient of agreement for nominal scales. *Educational and Psychological
Measurement* 20(1).
Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. Annenberg School for
Communication, University of Pennsylvania (the coincidence-matrix formulation used here).

Example
-------
>>> cohen_kappa([1, 1, 0, 0], [1, 0, 0, 0])
0.5
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from ..errors import ConfigError


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


def krippendorff_alpha(data: np.ndarray | Sequence[Sequence], *, level: str = "nominal") -> float:
    """Krippendorff's alpha for nominal data.

    Parameters
    ----------
    data : array (n_coders, n_units); ``NaN`` (or None) marks a missing value. Units coded by fewer
        than two coders are not pairable and are ignored, as in Krippendorff (2011).
    """
    if level != "nominal":
        raise ConfigError(f"level={level!r}: only 'nominal' is implemented")
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
    d_o = n - np.trace(coincidence)
    d_e = (n * n - np.sum(n_c ** 2)) / (n - 1)
    return 1.0 if d_e == 0 else 1.0 - d_o / d_e


def frame_agreement(first: pd.DataFrame, second: pd.DataFrame, frames: Sequence[str]) -> pd.DataFrame:
    """Agreement of two annotations of the same sentences, per frame and overall.

    Parameters
    ----------
    first, second : one row per unit, same index (sentence ids), one 0/1 column per frame.
    frames : frame ids to compare.

    Returns
    -------
    DataFrame with one row per frame plus ``"(all)"``: ``frame``, ``n_units``, ``n_first``,
    ``n_second`` (positives by each coder), ``n_both``, ``pct_agree``, ``kappa`` (Cohen), ``alpha``
    (Krippendorff, nominal). The ``(all)`` row pools every (unit, frame) decision as one binary
    unit (alpha and kappa over units x frames).
    """
    if not first.index.equals(second.index):
        raise ConfigError("the two annotations must cover the same units in the same order (index)")
    rows = [_agreement_row(f, first[f].to_numpy(int), second[f].to_numpy(int)) for f in frames]
    pooled_a = first[list(frames)].to_numpy(int).ravel()
    pooled_b = second[list(frames)].to_numpy(int).ravel()
    rows.append(_agreement_row("(all)", pooled_a, pooled_b))
    return pd.DataFrame(rows)


def _agreement_row(frame: str, a: np.ndarray, b: np.ndarray) -> dict:
    return {"frame": frame, "n_units": len(a), "n_first": int(a.sum()), "n_second": int(b.sum()),
            "n_both": int((a & b).sum()), "pct_agree": float(np.mean(a == b)),
            "kappa": cohen_kappa(a, b), "alpha": krippendorff_alpha(np.vstack([a, b]))}
