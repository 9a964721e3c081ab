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


#: resample x unit cells drawn at once by :func:`bootstrap_sums` (about 4 MB of draws and weights;
#: the draws do not depend on it)
BOOTSTRAP_BLOCK_CELLS = 1 << 18


def bootstrap_sums(matrix: Any, n_boot: int, rng: np.random.Generator, *, block_cells: int = BOOTSTRAP_BLOCK_CELLS
                   ) -> np.ndarray:
    """``bootstrap_weights(n_units, n_boot, rng) @ matrix`` without holding all the weights: the
    resamples are drawn a block of rows at a time from the same random stream (the same draws as one
    call), so memory stays bounded however many documents there are. ``matrix``: (n_units, k) or
    (n_units,). For counts (integer values below 2**53) the sums are exact, hence identical to the
    one-call product.

    >>> m = np.arange(12.0).reshape(6, 2)
    >>> a = bootstrap_weights(6, 50, np.random.default_rng(1)) @ m
    >>> b = bootstrap_sums(m, 50, np.random.default_rng(1), block_cells=12)     # 2 resamples a block
    >>> bool((a == b).all())
    True
    """
    matrix = np.asarray(matrix, dtype=float)
    n_units = matrix.shape[0]
    rows = max(1, block_cells // max(n_units, 1))
    out = np.empty((n_boot, *matrix.shape[1:]))
    for start in range(0, n_boot, rows):
        stop = min(start + rows, n_boot)
        out[start:stop] = bootstrap_weights(n_units, stop - start, rng) @ matrix
    return out


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
