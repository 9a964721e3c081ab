"""Active learning: which unlabelled sentences to annotate next.

Uncertainty sampling (Lewis & Gale 1994) adapted to multi-label coding with tuned thresholds:
for each frame, a sentence is uncertain when its calibrated probability is close to that
frame's decision threshold,

    u_f = 1 - |p_f - t_f| / (t_f if p_f < t_f else 1 - t_f)      (1 at the threshold, 0 at 0 or 1)

and the sentence's uncertainty is the sum over frames. Sentences of one document are alike, so
the ranking is diversified across documents: at most ``per_doc`` sentences per document, taken
round-robin (every document's most uncertain sentence first, documents in order of that
sentence's uncertainty, then every document's second one, ...).

References
----------
Lewis, D. D. & Gale, W. A. (1994). A sequential algorithm for training text classifiers. SIGIR.
Settles, B. (2009). Active learning literature survey (diversity among batch queries).

Example
-------
>>> pick = rank_for_annotation(clf, corpus_sentences(corpus), n=40, exclude=gold["sent_id"])  # doctest: +SKIP
"""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np
import pandas as pd

from ..errors import ConfigError


def uncertainty(proba: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Per sentence and frame, closeness of the probability to the frame's threshold (0..1).

    >>> uncertainty(np.array([[0.5, 0.0, 1.0, 0.75]]), np.array([0.5, 0.5, 0.5, 0.5])).round(2).tolist()
    [[1.0, 0.0, 0.0, 0.5]]
    """
    p, t = np.asarray(proba, float), np.broadcast_to(np.asarray(thresholds, float), np.shape(proba))
    scale = np.where(p < t, t, 1.0 - t)
    return 1.0 - np.divide(np.abs(p - t), scale, out=np.zeros_like(p), where=scale > 0)


def rank_for_annotation(model: Any, sentences: pd.DataFrame, *, n: int = 50, per_doc: int = 2,
                        exclude: Iterable[str] | None = None) -> pd.DataFrame:
    """The ``n`` sentences to annotate next (most informative first, diverse across documents).

    Parameters
    ----------
    model : a fitted FramingClassifier (calibrated probabilities and tuned thresholds).
    sentences : candidate sentences with ``sent_id``, ``doc_id``, ``text`` (``language`` optional).
    n : how many to return; per_doc : at most this many from one document.
    exclude : sent_ids already annotated.

    Returns
    -------
    The chosen rows of ``sentences`` with ``rank``, ``uncertainty``, ``closest_frame``
    (the frame whose decision is most uncertain) and ``p_<frame>`` probabilities.
    """
    if not hasattr(model, "proba_thresholds_"):
        raise ConfigError("rank_for_annotation needs a fitted FramingClassifier (probabilities and thresholds)")
    if n < 1 or per_doc < 1:
        raise ConfigError(f"n={n}, per_doc={per_doc}: both must be >= 1")
    done = set(exclude or ())
    pool = sentences[~sentences["sent_id"].isin(done)].reset_index(drop=True)
    if pool.empty:
        return pool.assign(rank=[], uncertainty=[], closest_frame=[])
    proba = model.predict_proba(pool).to_numpy()
    u = uncertainty(proba, model.proba_thresholds_)
    pool = pool.assign(uncertainty=u.sum(axis=1), closest_frame=np.array(model.frames_, dtype=object)[u.argmax(axis=1)])
    for j, f in enumerate(model.frames_):
        pool[f"p_{f}"] = proba[:, j]
    order = _round_robin(pool, n, per_doc)
    return pool.loc[order].assign(rank=np.arange(1, len(order) + 1)).reset_index(drop=True)


def _round_robin(pool: pd.DataFrame, n: int, per_doc: int) -> list[int]:
    ranked = pool.sort_values(["uncertainty", "sent_id"], ascending=[False, True])
    per = {doc: list(rows.index) for doc, rows in ranked.groupby("doc_id", sort=False)}
    docs = sorted(per, key=lambda d: (-pool.loc[per[d][0], "uncertainty"], str(d)))
    out: list[int] = []
    for r in range(per_doc):
        for d in docs:
            if r < len(per[d]):
                out.append(per[d][r])
                if len(out) == n:
                    return out
    return out
