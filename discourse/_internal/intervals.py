"""Bootstrap resampling weights and percentile intervals (Efron & Tibshirani 1993).

Example
-------
>>> import numpy as np
>>> [round(float(v), 6) for v in percentile_interval(np.arange(101.0), 0.9)]
[5.0, 95.0]
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np


def bootstrap_weights(n_units: int, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """(n_boot, n_units) counts of how often each unit (document) is drawn in each resample."""
    draws = rng.integers(0, n_units, size=(n_boot, n_units))
    weights = np.zeros((n_boot, n_units))
    np.add.at(weights, (np.arange(n_boot)[:, None], draws), 1.0)
    return weights


def percentile_interval(draws: Any, ci: float = 0.95, *, axis: int | None = 0,
                        skip_nan: bool = False) -> tuple[Any, Any]:
    """``(low, high)``: the ``(1 - ci) / 2`` and ``(1 + ci) / 2`` quantiles of bootstrap ``draws``.

    ``skip_nan=True`` ignores NaN draws (a statistic undefined in some resamples); an all-NaN
    slice then gives NaN, without a warning.
    """
    q = [(1 - ci) / 2, (1 + ci) / 2]
    draws = np.asarray(draws, dtype=float)
    if not skip_nan:
        low, high = np.quantile(draws, q, axis=axis)
        return low, high
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        low, high = np.nanquantile(draws, q, axis=axis)
    return low, high
