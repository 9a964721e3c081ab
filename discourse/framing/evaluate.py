"""Honest evaluation of frame coders: held-out documents, grouped cross-validation, bootstrap
intervals over documents, frame-pair confusion, C tuning and learning curves.

Every split is by *document*: no sentence of a test (or validation) document is ever used to fit
a model or tune its thresholds, and intervals resample documents. The dictionary coder and the
classifier go through the same functions, so their numbers are comparable.

Example
-------
>>> gold = load_gold_set()                                              # doctest: +SKIP
>>> ev = evaluate_holdout(FramingClassifier(), gold.train(), gold.test(), frames=gold.frames)  # doctest: +SKIP
>>> ev.scores.set_index("frame").loc["(macro)", ["f1", "ci_low", "ci_high"]]  # doctest: +SKIP
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd
from sklearn.base import clone

from .._internal.folds import grouped_folds as _grouped_folds
from ..errors import ConfigError
from .data import matrix_to_frame_lists
from .scores import bootstrap_intervals, frame_confusion, lrap, pair_confusion, prf_table

PAIR = ("statistical_threat", "statistical_rebuttal")


@dataclass(frozen=True)
class Evaluation:
    """The evaluation of one coder on one set of sentences.

    Attributes
    ----------
    name : the coder's name.
    scores : per frame, then ``(macro)`` and ``(micro)``: ``precision``, ``recall``, ``f1``,
        ``support``, ``ci_low``, ``ci_high`` (bootstrap interval of F1 over documents).
    summary : macro_f1, micro_f1, lrap (with ``*_low``/``*_high``), n_docs, n_sentences.
    pair : gold by predicted states of the two frames in ``PAIR`` (threat vs rebuttal statistics).
    confusion : frame-by-frame "mistaken for" counts (:func:`scores.frame_confusion`).
    by_language : macro/micro-F1 and sentence counts per language.
    predictions : per sentence: ``sent_id``, ``doc_id``, ``language``, ``gold``, ``predicted``
        (frame lists) and one score column per frame.
    """

    name: str
    scores: pd.DataFrame
    summary: dict[str, Any]
    pair: pd.DataFrame
    confusion: pd.DataFrame
    by_language: pd.DataFrame
    predictions: pd.DataFrame = field(repr=False)


def _frames(labels: pd.DataFrame, frames: Sequence[str] | None) -> list[str]:
    if frames is not None:
        return list(frames)
    if "frames" in labels.attrs:
        return list(labels.attrs["frames"])
    raise ConfigError("give frames=[...] (the frame columns of the labels table)")


def sentence_inputs(labels: pd.DataFrame, frames: Sequence[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """The sentence table (``text``, ``doc_id``, ``language`` if present) and 0/1 matrix of a labels table."""
    missing = [f for f in frames if f not in labels.columns]
    if missing:
        raise ConfigError(f"frames {missing} are not columns of the labels table")
    cols = [c for c in ("text", "doc_id", "sent_id", "language") if c in labels.columns]
    return labels[cols].reset_index(drop=True), labels[list(frames)].to_numpy(dtype=np.int8)


def _scores(model: Any, X: pd.DataFrame) -> np.ndarray:
    if hasattr(model, "predict_proba"):
        return np.asarray(model.predict_proba(X), dtype=float)
    return np.asarray(model.decision_function(X), dtype=float)


def score_predictions(name: str, sentences: pd.DataFrame, Y: np.ndarray, P: np.ndarray, S: np.ndarray | None,
                      frames: Sequence[str], *, n_boot: int = 1000, ci: float = 0.95, random_state: int = 0) -> Evaluation:
    """Everything :class:`Evaluation` holds, from gold ``Y``, predictions ``P`` and scores ``S``."""
    frames = list(frames)
    table = prf_table(Y, P, frames)
    doc_ids = sentences["doc_id"].astype(str).to_numpy()
    if n_boot:
        ints = bootstrap_intervals(Y, P, S, doc_ids, frames, n_boot=n_boot, ci=ci, random_state=random_state)
        table = table.merge(ints, on="frame", how="left")
    else:
        ints = pd.DataFrame(columns=["frame", "ci_low", "ci_high"])
        table = table.assign(ci_low=np.nan, ci_high=np.nan)
    summary = _summary(table, ints, Y, S, doc_ids)
    pair = pair_confusion(Y, P, frames, *PAIR) if all(f in frames for f in PAIR) else pd.DataFrame()
    preds = sentences.reset_index(drop=True).drop(columns=["text"], errors="ignore").assign(
        gold=matrix_to_frame_lists(Y, frames), predicted=matrix_to_frame_lists(P, frames))
    if S is not None:
        preds = pd.concat([preds, pd.DataFrame(S, columns=[f"score_{f}" for f in frames])], axis=1)
    return Evaluation(name, table, summary, pair, frame_confusion(Y, P, frames), _by_language(sentences, Y, P, frames), preds)


def _summary(table: pd.DataFrame, ints: pd.DataFrame, Y: np.ndarray, S: np.ndarray | None, doc_ids: np.ndarray) -> dict[str, Any]:
    rows = table.set_index("frame")
    out: dict[str, Any] = {"n_docs": int(len(np.unique(doc_ids))), "n_sentences": int(len(Y))}
    for key, row in (("macro_f1", "(macro)"), ("micro_f1", "(micro)")):
        out[key] = float(rows.loc[row, "f1"])
        out[f"{key}_low"], out[f"{key}_high"] = float(rows.loc[row, "ci_low"]), float(rows.loc[row, "ci_high"])
    out["min_frame_f1"] = float(rows.drop(index=["(macro)", "(micro)"])["f1"].min())
    out["lrap"] = lrap(Y, S) if S is not None else float("nan")
    lr = ints.set_index("frame") if len(ints) else None
    has = lr is not None and "(lrap)" in lr.index
    out["lrap_low"] = float(lr.loc["(lrap)", "ci_low"]) if has else float("nan")
    out["lrap_high"] = float(lr.loc["(lrap)", "ci_high"]) if has else float("nan")
    return out


def _by_language(sentences: pd.DataFrame, Y: np.ndarray, P: np.ndarray, frames: Sequence[str]) -> pd.DataFrame:
    if "language" not in sentences.columns:
        return pd.DataFrame()
    rows = []
    for lang in sorted(sentences["language"].unique()):
        m = (sentences["language"] == lang).to_numpy()
        t = prf_table(Y[m], P[m], frames).set_index("frame")
        rows.append({"language": lang, "n_sentences": int(m.sum()), "n_docs": int(sentences.loc[m, "doc_id"].nunique()),
                     "macro_f1": t.loc["(macro)", "f1"], "micro_f1": t.loc["(micro)", "f1"],
                     "n_positive": int(Y[m].sum())})
    return pd.DataFrame(rows)


def feature_cache(estimator: Any, *tables: pd.DataFrame) -> Any:
    """Features of every sentence of ``tables`` extracted once (``estimator.feature_cache``, e.g.
    :class:`~discourse.framing.features.FeatureCache`), or None for a coder without features."""
    if not hasattr(estimator, "feature_cache"):
        return None
    table = pd.concat([t for t in tables], ignore_index=True)
    return estimator.feature_cache(table[[c for c in ("text", "doc_id", "language") if c in table.columns]])


def fit_predict(estimator: Any, train: pd.DataFrame, test: pd.DataFrame, frames: Sequence[str], *, features: Any = None
                ) -> tuple[Any, np.ndarray, np.ndarray | None]:
    """Fit a clone of ``estimator`` on the ``train`` sentences only; predict the ``test`` ones.

    ``features`` (from :func:`feature_cache`, covering both sets) supplies the sentence features
    extracted once; the predictions of a fit with the same parameters on the same sentences are
    then also reused (a learning curve's last point is the held-out fit). Same results either way."""
    Xtr, Ytr = sentence_inputs(train, frames)
    Xte, _ = sentence_inputs(test, frames)
    overlap = set(Xtr["doc_id"]) & set(Xte["doc_id"])
    if overlap:
        raise ConfigError(f"{len(overlap)} documents are in both train and test (e.g. {sorted(overlap)[:3]}): split by document")
    if features is None or not hasattr(estimator, "predict_with_proba"):
        model = clone(estimator).fit(Xtr, Ytr)
        return model, model.predict_indicator(Xte), _scores(model, Xte)
    key = (repr(sorted(estimator.get_params().items())), _rows_key(Xtr, Ytr), _rows_key(Xte, None))
    if key not in features.predictions:
        model = clone(estimator).fit(Xtr, Ytr, features=features)
        features.predictions[key] = (model, *model.predict_with_proba(Xte, features=features))
    model, P, S = features.predictions[key]
    return model, P.copy(), S.copy()


def _rows_key(X: pd.DataFrame, Y: np.ndarray | None) -> tuple:
    """Identity of a sentence table (texts, documents, languages, gold) for reusing a fit."""
    cols = tuple(tuple(X[c].astype(str)) for c in ("text", "doc_id", "language") if c in X.columns)
    return cols, None if Y is None else (Y.shape, Y.tobytes())


def evaluate_holdout(estimator: Any, train: pd.DataFrame, test: pd.DataFrame, *, frames: Sequence[str] | None = None,
                     name: str | None = None, n_boot: int = 1000, ci: float = 0.95, random_state: int = 0,
                     features: Any = None) -> Evaluation:
    """Fit on the training documents, evaluate on the held-out test documents (``features`` as in
    :func:`fit_predict`)."""
    frames = _frames(train, frames)
    _, P, S = fit_predict(estimator, train, test, frames, features=features)
    Xte, Yte = sentence_inputs(test, frames)
    return score_predictions(name or type(estimator).__name__, Xte, Yte, P, S, frames, n_boot=n_boot, ci=ci,
                             random_state=random_state)


def grouped_folds(doc_ids: Sequence[Any], n_splits: int = 5, random_state: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """(train, test) row indices with every document entirely on one side of each split."""
    return _grouped_folds(doc_ids, n_splits, random_state=random_state)


def cross_validate(estimator: Any, labels: pd.DataFrame, *, frames: Sequence[str] | None = None, n_splits: int = 5,
                   name: str | None = None, n_boot: int = 1000, ci: float = 0.95, random_state: int = 0,
                   features: Any = None) -> Evaluation:
    """Grouped k-fold cross-validation: each fold's documents are predicted by a model fitted on
    the other folds; the pooled out-of-fold predictions are scored. Sentence features are
    extracted once (``features``, as in :func:`fit_predict`, else made here)."""
    frames = _frames(labels, frames)
    labels = labels.reset_index(drop=True)
    X, Y = sentence_inputs(labels, frames)
    features = features if features is not None else feature_cache(estimator, labels)
    P = np.zeros_like(Y)
    S = np.zeros(Y.shape, dtype=float)
    for train, test in grouped_folds(X["doc_id"], n_splits, random_state):
        _, P[test], S[test] = fit_predict(estimator, labels.iloc[train], labels.iloc[test], frames, features=features)
    return score_predictions(name or type(estimator).__name__, X, Y, P, S, frames, n_boot=n_boot, ci=ci,
                             random_state=random_state)


def tune_C(estimator: Any, train: pd.DataFrame, *, Cs: Sequence[float] = (1.0, 3.0, 10.0, 30.0),
           frames: Sequence[str] | None = None, n_splits: int = 5, random_state: int = 0,
           features: Any = None) -> tuple[float, pd.DataFrame]:
    """Choose ``C`` by grouped cross-validation on the training documents only (macro-F1 of the
    out-of-fold predictions; ties go to the smaller, more regularized C). Every C uses the same
    fold matrices (``features``, as in :func:`fit_predict`, else made here)."""
    rows = []
    features = features if features is not None else feature_cache(estimator, train)
    for C in Cs:
        ev = cross_validate(clone(estimator).set_params(C=C), train, frames=frames, n_splits=n_splits, n_boot=0,
                            random_state=random_state, features=features)
        rows.append({"C": C, "macro_f1": ev.summary["macro_f1"], "micro_f1": ev.summary["micro_f1"],
                     "min_frame_f1": ev.summary["min_frame_f1"]})
    table = pd.DataFrame(rows)
    best = table.sort_values(["macro_f1", "C"], ascending=[False, True]).iloc[0]
    return float(best["C"]), table


def learning_curve(estimator: Any, train: pd.DataFrame, test: pd.DataFrame, *, frames: Sequence[str] | None = None,
                   fractions: Sequence[float] = (0.1, 0.25, 0.5, 0.75, 1.0), n_repeats: int = 3,
                   random_state: int = 0, features: Any = None) -> pd.DataFrame:
    """F1 on the test documents against the number of annotated training sentences.

    For each repeat the training documents are shuffled once and growing prefixes (nested
    subsets of whole documents) are used to fit. Returns one row per (repeat, fraction):
    ``repeat``, ``fraction``, ``n_docs``, ``n_sentences``, ``macro_f1``, ``micro_f1``. Sentence
    features are extracted once (``features``, as in :func:`fit_predict`, else made here).
    """
    frames = _frames(train, frames)
    features = features if features is not None else feature_cache(estimator, train, test)
    Xte, Yte = sentence_inputs(test, frames)
    docs = np.array(sorted(train["doc_id"].unique()), dtype=object)
    rng = np.random.default_rng(random_state)
    rows = []
    for rep in range(n_repeats):
        order = rng.permutation(docs)
        for frac in fractions:
            keep = set(order[:max(2, int(round(frac * len(docs))))])
            part = train[train["doc_id"].isin(keep)]
            _, P, _ = fit_predict(estimator, part, test, frames, features=features)
            t = prf_table(Yte, P, frames).set_index("frame")
            rows.append({"repeat": rep, "fraction": frac, "n_docs": len(keep), "n_sentences": len(part),
                         "macro_f1": t.loc["(macro)", "f1"], "micro_f1": t.loc["(micro)", "f1"]})
    return pd.DataFrame(rows)


def side_by_side(*evaluations: Evaluation) -> pd.DataFrame:
    """Per-frame F1 (with interval) of several coders in one table, plus precision and recall."""
    out = None
    for ev in evaluations:
        part = ev.scores[["frame", "support", "precision", "recall", "f1", "ci_low", "ci_high"]].rename(
            columns={c: f"{ev.name}_{c}" for c in ("precision", "recall", "f1", "ci_low", "ci_high")})
        out = part if out is None else out.merge(part.drop(columns="support"), on="frame", how="left")
    return out if out is not None else pd.DataFrame()
