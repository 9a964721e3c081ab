"""Per-frame decision thresholds and Platt calibration from out-of-fold scores.

References
----------
Platt, J. (1999). Probabilistic outputs for support vector machines and comparisons to
    regularized likelihood methods (sigmoid fit with smoothed targets, as used here).
Lipton, Z., Elkan, C. & Narayanaswamy, B. (2014). Optimal thresholding of classifiers to
    maximize F1 measure (why the F1-optimal threshold differs from 0.5).

Example
-------
>>> best_threshold(np.array([3.0, 2.0, 1.0, -1.0]), np.array([1, 1, 0, 0]))
1.5
"""
from __future__ import annotations

import numpy as np
from scipy.optimize import minimize

from .._internal.constants import TIE_TOLERANCE
from .._internal.scores import f1_from_counts


def best_threshold(scores: np.ndarray, y: np.ndarray) -> float:
    """The score threshold that maximizes F1 of ``scores >= t`` on these (out-of-fold) scores.

    Candidates lie halfway between adjacent distinct scores; when several cuts reach the best F1,
    the middle one is taken. With no positive, returns ``+inf`` (never predict).
    """
    scores, y = np.asarray(scores, float), np.asarray(y).astype(bool)
    if not y.any():
        return float("inf")
    order = np.argsort(-scores, kind="stable")
    s, t = scores[order], y[order]
    distinct = np.r_[np.flatnonzero(np.diff(s) != 0), len(s) - 1]   # last index of each run of equal scores
    tp = np.cumsum(t)[distinct]
    k = distinct + 1                                                # predicted positives at each cut
    f1 = f1_from_counts(tp, k - tp, t.sum() - tp)                  # fp = k - tp, fn = positives - tp
    best = np.flatnonzero(f1 >= f1.max() - TIE_TOLERANCE)
    cut = best[len(best) // 2]
    lower = s[distinct[cut] + 1] if distinct[cut] + 1 < len(s) else s[distinct[cut]] - 1.0
    return float((s[distinct[cut]] + lower) / 2)


def platt(scores: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Fit ``P(y=1 | s) = 1 / (1 + exp(-(a s + b)))`` by maximum likelihood with Platt's
    smoothed targets ``(N+ + 1) / (N+ + 2)`` and ``1 / (N- + 2)``."""
    s, y = np.asarray(scores, float), np.asarray(y).astype(bool)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    target = np.where(y, (n_pos + 1.0) / (n_pos + 2.0), 1.0 / (n_neg + 2.0))

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        z = params[0] * s + params[1]
        p = sigmoid(z)
        value = np.sum(np.logaddexp(0, z) - target * z)
        g = p - target
        return float(value), np.array([np.sum(g * s), np.sum(g)])

    prior = np.log((n_pos + 1.0) / (n_neg + 1.0))
    res = minimize(loss, np.array([1.0, prior]), jac=True, method="L-BFGS-B")
    return float(res.x[0]), float(res.x[1])


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Numerically stable logistic function."""
    z = np.asarray(z, float)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out
