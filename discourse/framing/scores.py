"""Multi-label evaluation metrics with document bootstrap intervals.

Per-frame precision, recall, F1 and support; macro-F1 (mean of the frames' F1) and micro-F1
(F1 of the pooled decisions); label ranking average precision (LRAP, as defined by
scikit-learn: per sentence, the mean over its true frames of the share of true frames among the
frames ranked at or above it; a sentence with no true frame, or with all frames true, scores 1).
Intervals resample *documents* with replacement (the unit that was sampled: sentences of one
document are not independent), with :func:`discourse._internal.intervals.bootstrap_weights`.
The counting and averaging rules are those of :mod:`discourse._internal.scores`.

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

from .._internal.intervals import bootstrap_weights, percentile_interval
from .._internal.scores import confusion_counts as counts
from .._internal.scores import f1_from_counts, macro, micro, prf
from ..errors import ConfigError


def _f1(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> np.ndarray:
    """F1 = 2tp / (2tp + fp + fn); NaN where undefined (no gold and no predicted positive)."""
    return f1_from_counts(tp, fp, fn, undefined=np.nan)


def prf_table(Y: np.ndarray, P: np.ndarray, frames: Sequence[str]) -> pd.DataFrame:
    """Precision, recall, F1 and support per frame, then ``(macro)`` and ``(micro)`` rows.

    Precision (recall) of a frame never predicted (never true) is 0, as scikit-learn's
    ``zero_division=0``; the F1 of a frame with neither gold nor predicted positives is 0 too, but
    such a frame is left out of the ``(macro)`` mean (as in the bootstrap intervals).
    """
    per = prf(Y, P)
    table = pd.DataFrame({"frame": list(frames), "precision": per["precision"], "recall": per["recall"],
                          "f1": per["f1"], "support": per["support"].astype(int)})
    averages = [{"frame": "(macro)", **macro(per)}, {"frame": "(micro)", **micro(per)}]
    return pd.concat([table, pd.DataFrame(averages)], ignore_index=True)


def lrap_per_sentence(Y: np.ndarray, S: np.ndarray) -> np.ndarray:
    """Label ranking average precision of each sentence (scores ``S``, higher = more likely).

    A frame's rank is the number of frames scored at least as high (ties share the lowest rank,
    as ``rankdata(method="max")``); all sentences at once, grouped by their number of true frames.
    """
    Y, S = np.asarray(Y).astype(bool), np.asarray(S, dtype=float)
    out = np.ones(len(Y))
    if not len(Y):
        return out
    at_or_above = S[:, None, :] >= S[:, :, None]          # [i, j, k]: frame k scored >= frame j
    rank_all = at_or_above.sum(axis=2)
    rank_rel = (at_or_above & Y[:, None, :]).sum(axis=2)
    n_rel = Y.sum(axis=1)
    for k in np.unique(n_rel):
        if k == 0 or k == Y.shape[1]:
            continue
        rows = np.flatnonzero(n_rel == k)
        cols = np.nonzero(Y[rows])[1].reshape(len(rows), k)
        ratio = np.take_along_axis(rank_rel[rows], cols, 1) / np.take_along_axis(rank_all[rows], cols, 1)
        out[rows] = np.mean(ratio, axis=1)
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
    return _interval_rows(f1, draws, frames, ci)


def _interval_rows(f1: np.ndarray, draws: dict[str, np.ndarray], frames: Sequence[str], ci: float) -> pd.DataFrame:
    low, high = percentile_interval(f1, ci, axis=0, skip_nan=True)   # a frame absent from every resample: NaN
    rows = [{"frame": name, "ci_low": float(low[k]), "ci_high": float(high[k])} for k, name in enumerate(frames)]
    for name, d in draws.items():
        lo, hi = percentile_interval(d, ci, axis=0)
        rows.append({"frame": name, "ci_low": float(lo), "ci_high": float(hi)})
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
