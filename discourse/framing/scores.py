"""Multi-label evaluation metrics with document bootstrap intervals.

Per-frame precision, recall, F1 and support; macro-F1 (mean of the frames' F1) and micro-F1
(F1 of the pooled decisions); label ranking average precision (LRAP, as defined by
scikit-learn: per sentence, the mean over its true frames of the share of true frames among the
frames ranked at or above it; a sentence with no true frame, or with all frames true, scores 1).
Intervals resample *documents* with replacement (the unit that was sampled: sentences of one
document are not independent), with :func:`discourse.metrics.prevalence.bootstrap_weights`.

References
----------
Tsoumakas, G., Katakis, I. & Vlahavas, I. (2010). Mining multi-label data (LRAP, micro/macro F1).
Efron, B. & Tibshirani, R. (1993). An Introduction to the Bootstrap (percentile intervals).

Example
-------
>>> Y = np.array([[1, 0], [0, 1], [1, 1]]); P = np.array([[1, 0], [1, 1], [0, 1]])
>>> prf_table(Y, P, ["a", "b"])[["frame", "f1"]].round(3).values.tolist()
[['a', 0.5], ['b', 1.0], ['(macro)', 0.75], ['(micro)', 0.75]]
"""
from __future__ import annotations

import warnings
from typing import Sequence

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from ..errors import ConfigError
from ..metrics.prevalence import bootstrap_weights


def counts(Y: np.ndarray, P: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """True positives, false positives, false negatives per row and frame (int arrays)."""
    Y, P = np.asarray(Y).astype(bool), np.asarray(P).astype(bool)
    if Y.shape != P.shape:
        raise ConfigError(f"gold {Y.shape} and predictions {P.shape} differ in shape")
    return (Y & P).astype(np.int64), (~Y & P).astype(np.int64), (Y & ~P).astype(np.int64)


def _f1(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> np.ndarray:
    """F1 = 2tp / (2tp + fp + fn); NaN where undefined (no gold and no predicted positive)."""
    den = 2 * tp + fp + fn
    return np.divide(2.0 * tp, den, out=np.full(np.shape(den), np.nan), where=den > 0)


def _ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.divide(a, b, out=np.zeros(np.shape(b)), where=b > 0)


def prf_table(Y: np.ndarray, P: np.ndarray, frames: Sequence[str]) -> pd.DataFrame:
    """Precision, recall, F1 and support per frame, then ``(macro)`` and ``(micro)`` rows.

    Precision (recall) of a frame never predicted (never true) is 0, as scikit-learn's
    ``zero_division=0``; the F1 of a frame with neither gold nor predicted positives is 0 too.
    """
    tp, fp, fn = (c.sum(axis=0).astype(float) for c in counts(Y, P))
    f1 = np.nan_to_num(_f1(tp, fp, fn))
    table = pd.DataFrame({"frame": list(frames), "precision": _ratio(tp, tp + fp), "recall": _ratio(tp, tp + fn),
                          "f1": f1, "support": (tp + fn).astype(int)})
    T, F, N = tp.sum(), fp.sum(), fn.sum()
    macro = {"frame": "(macro)", "precision": table["precision"].mean(), "recall": table["recall"].mean(),
             "f1": f1.mean(), "support": int(T + N)}
    micro = {"frame": "(micro)", "precision": float(_ratio(T, T + F)), "recall": float(_ratio(T, T + N)),
             "f1": float(np.nan_to_num(_f1(T, F, N))), "support": int(T + N)}
    return pd.concat([table, pd.DataFrame([macro, micro])], ignore_index=True)


def lrap_per_sentence(Y: np.ndarray, S: np.ndarray) -> np.ndarray:
    """Label ranking average precision of each sentence (scores ``S``, higher = more likely)."""
    Y, S = np.asarray(Y).astype(bool), np.asarray(S, dtype=float)
    out = np.ones(len(Y))
    for i in range(len(Y)):
        rel = np.flatnonzero(Y[i])
        if len(rel) == 0 or len(rel) == Y.shape[1]:
            continue
        rank_all = rankdata(-S[i], method="max")[rel]
        rank_rel = rankdata(-S[i, rel], method="max")
        out[i] = float(np.mean(rank_rel / rank_all))
    return out


def lrap(Y: np.ndarray, S: np.ndarray) -> float:
    """Label ranking average precision (equals ``sklearn.metrics.label_ranking_average_precision_score``)."""
    return float(lrap_per_sentence(Y, S).mean())


def bootstrap_intervals(Y: np.ndarray, P: np.ndarray, S: np.ndarray | None, doc_ids: Sequence[str],
                        frames: Sequence[str], *, n_boot: int = 1000, ci: float = 0.95, random_state: int = 0) -> pd.DataFrame:
    """Percentile intervals of per-frame F1, macro-F1, micro-F1 and LRAP from resampling documents.

    Returns one row per frame plus ``(macro)``, ``(micro)`` and ``(lrap)`` with ``ci_low`` and
    ``ci_high``. A resample in which a frame has neither gold nor predicted positives leaves
    that frame out of that resample's macro mean.
    """
    docs, inverse = np.unique(np.asarray(doc_ids, dtype=str), return_inverse=True)
    per_doc = [np.zeros((len(docs), Y.shape[1])) for _ in range(3)]
    for acc, c in zip(per_doc, counts(Y, P)):
        np.add.at(acc, inverse, c)
    w = bootstrap_weights(len(docs), n_boot, np.random.default_rng(random_state))
    tp, fp, fn = (w @ acc for acc in per_doc)
    f1 = _f1(tp, fp, fn)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        macro = np.nanmean(f1, axis=1)
    draws = {"(macro)": macro, "(micro)": np.nan_to_num(_f1(tp.sum(1), fp.sum(1), fn.sum(1)))}
    if S is not None:
        sums = np.bincount(inverse, weights=lrap_per_sentence(Y, S), minlength=len(docs))
        sizes = np.bincount(inverse, minlength=len(docs)).astype(float)
        draws["(lrap)"] = (w @ sums) / np.maximum(w @ sizes, 1)
    lo, hi = (1 - ci) / 2, (1 + ci) / 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)   # a frame absent from every resample: NaN interval
        return _interval_rows(f1, draws, frames, lo, hi)


def _interval_rows(f1: np.ndarray, draws: dict[str, np.ndarray], frames: Sequence[str], lo: float, hi: float) -> pd.DataFrame:
    rows = [{"frame": name, "ci_low": float(np.nanquantile(f1[:, k], lo)), "ci_high": float(np.nanquantile(f1[:, k], hi))}
            for k, name in enumerate(frames)]
    rows += [{"frame": name, "ci_low": float(np.quantile(d, lo)), "ci_high": float(np.quantile(d, hi))} for name, d in draws.items()]
    return pd.DataFrame(rows)


PAIR_STATES = ("neither", "a_only", "b_only", "both")


def pair_confusion(Y: np.ndarray, P: np.ndarray, frames: Sequence[str], a: str, b: str) -> pd.DataFrame:
    """How two frames are confused: gold state (rows) by predicted state (columns), each one of
    ``neither``, ``<a> only``, ``<b> only``, ``both``; counts of sentences.

    >>> Y = np.array([[1, 0], [0, 1], [0, 1]]); P = np.array([[0, 1], [0, 1], [0, 0]])
    >>> int(pair_confusion(Y, P, ["t", "r"], "t", "r").loc["t only", "r only"])
    1
    """
    idx = {f: k for k, f in enumerate(frames)}
    for f in (a, b):
        if f not in idx:
            raise ConfigError(f"frame {f!r} is not one of {list(frames)}")
    state = lambda M: np.asarray(M)[:, idx[a]].astype(int) + 2 * np.asarray(M)[:, idx[b]].astype(int)  # noqa: E731
    table = np.zeros((4, 4), dtype=int)
    np.add.at(table, (state(Y), state(P)), 1)
    names = ["neither", f"{a} only", f"{b} only", "both"]
    return pd.DataFrame(table, index=pd.Index(names, name="gold"), columns=pd.Index(names, name="predicted"))


def frame_confusion(Y: np.ndarray, P: np.ndarray, frames: Sequence[str]) -> pd.DataFrame:
    """Cell (i, j), i != j: sentences whose gold has frame i but not j, predicted with j but
    without i (frame i mistaken for j). The diagonal counts the true positives of each frame."""
    Y, P = np.asarray(Y).astype(bool), np.asarray(P).astype(bool)
    gold_only = Y[:, :, None] & ~Y[:, None, :]
    pred_only = P[:, None, :] & ~P[:, :, None]
    table = (gold_only & pred_only).sum(axis=0)
    np.fill_diagonal(table, (Y & P).sum(axis=0))
    return pd.DataFrame(table, index=pd.Index(list(frames), name="gold"), columns=pd.Index(list(frames), name="predicted"))
