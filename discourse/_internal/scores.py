"""Precision, recall and F1 of 0/1 decisions: per label, micro- and macro-averaged.

Conventions (scikit-learn's ``zero_division=0``): a precision (recall) with an empty
denominator is 0; F1 is ``2 tp / (2 tp + fp + fn)``, 0 (or ``undefined``) when no gold and no
predicted positive exist.

Example
-------
>>> import numpy as np
>>> t = prf(np.array([[1, 0], [0, 1], [1, 1]]), np.array([[1, 0], [1, 1], [0, 1]]))
>>> t["f1"].tolist(), round(micro(t)["f1"], 3), macro(t)["f1"]
([0.5, 1.0], 0.75, 0.75)
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import ConfigError


def confusion_counts(Y: Any, P: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """True positives, false positives and false negatives per cell (int arrays of ``Y``'s shape)."""
    Y, P = np.asarray(Y).astype(bool), np.asarray(P).astype(bool)
    if Y.shape != P.shape:
        raise ConfigError(f"gold {Y.shape} and predictions {P.shape} differ in shape: give one row per unit "
                          "and one column per label in both")
    return (Y & P).astype(np.int64), (~Y & P).astype(np.int64), (Y & ~P).astype(np.int64)


def ratio(a: Any, b: Any) -> np.ndarray:
    """``a / b``, 0 where ``b`` is 0."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return np.divide(a, b, out=np.zeros(np.broadcast(a, b).shape), where=b > 0)


def f1_from_counts(tp: Any, fp: Any, fn: Any, *, undefined: float = 0.0) -> np.ndarray:
    """F1 ``2 tp / (2 tp + fp + fn)``; ``undefined`` (0, or NaN to leave it out of means) where
    the denominator is 0."""
    tp, fp, fn = (np.asarray(v, dtype=float) for v in (tp, fp, fn))
    den = 2 * tp + fp + fn
    return np.divide(2.0 * tp, den, out=np.full(np.shape(den), undefined, dtype=float), where=den > 0)


def prf_from_counts(tp: Any, fp: Any, fn: Any) -> dict[str, np.ndarray]:
    """``precision``, ``recall``, ``f1``, ``support`` (= tp + fn) from summed counts."""
    tp, fp, fn = (np.asarray(v, dtype=float) for v in (tp, fp, fn))
    return {"precision": ratio(tp, tp + fp), "recall": ratio(tp, tp + fn), "f1": f1_from_counts(tp, fp, fn),
            "support": (tp + fn).astype(np.int64), "tp": tp, "fp": fp, "fn": fn}


def prf(Y: Any, P: Any) -> dict[str, np.ndarray]:
    """Per-label (column) precision, recall, F1, support and the counts behind them."""
    tp, fp, fn = (c.sum(axis=0) for c in confusion_counts(Y, P))
    return prf_from_counts(tp, fp, fn)


def micro(per_label: dict[str, np.ndarray]) -> dict[str, float]:
    """Micro average: the pooled decisions of all labels (from :func:`prf`'s output)."""
    out = prf_from_counts(per_label["tp"].sum(), per_label["fp"].sum(), per_label["fn"].sum())
    return {k: float(out[k]) for k in ("precision", "recall", "f1")} | {"support": int(out["support"])}


def macro(per_label: dict[str, np.ndarray]) -> dict[str, float]:
    """Macro average: the unweighted mean over the labels that occur (from :func:`prf`'s output).

    A label with neither a gold nor a predicted positive in the scored units (``tp + fp + fn =
    0``, F1 undefined) is left out of the mean, as the bootstrap intervals leave it out of each
    resample: counting it as 0 would make a subset that lacks some labels (one side's sentences,
    say) look worse for labels nobody could get wrong. With no label occurring, the average is 0.

    >>> t = prf(np.array([[1, 0], [0, 0]]), np.array([[1, 0], [0, 0]]))   # label 2 never occurs
    >>> macro(t)["f1"]
    1.0
    """
    occurs = (per_label["tp"] + per_label["fp"] + per_label["fn"]) > 0
    if not occurs.any():
        return {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": int(np.sum(per_label["support"]))}
    return {k: float(np.mean(per_label[k][occurs])) for k in ("precision", "recall", "f1")} | \
        {"support": int(np.sum(per_label["support"]))}
