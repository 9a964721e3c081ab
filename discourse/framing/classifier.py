"""``FramingClassifier``: supervised multi-label frame coding of sentences (scikit-learn estimator).

One-vs-rest logistic regression per frame (class weights ``"balanced"`` so rare frames are not
ignored) over TF-IDF features (:mod:`discourse.framing.features`: lemma uni/bigrams of the
package tokens with compounds, character 2-4-grams, codebook cue counts). After the fit on all
training sentences, out-of-fold scores from a cross-validation *grouped by document* inside the
training data (no document in two folds) give, per frame, a Platt calibration (probabilities)
and the decision threshold that maximizes F1. Nothing outside the training data is used.

``cv_scores_`` is a *nested* estimate: the out-of-fold sentences are split again by document
into ``cv`` folds, and each fold is decided with thresholds (and exclusive pairs) chosen on the
other folds only, so no document is scored by a threshold its own labels helped to choose
(``cv_folds_`` counts what each fold's thresholds saw). It costs no extra model fit: the scores
themselves are the out-of-fold scores above, so the linear models behind the tuning folds' scores
did see the scored documents in training, and the feature vocabularies are those of all training
sentences. Refitting everything inside each outer fold (:func:`discourse.framing.cross_validate`)
costs five more fits and, on the demo training documents, gave macro-F1 0.725 against 0.722 here.
Scoring the thresholds on the scores that chose them (``cv_scores_optimistic_``) is biased
upwards: on the demo training documents macro-F1 0.746 against 0.722 nested. Neither replaces
the evaluation on held-out test documents (:func:`discourse.framing.evaluate_holdout`), which
is the headline number.

Defaults (C=10, cue block weight 0.3, exclusive pairs) were chosen by grouped cross-validation
on the demo corpus's training documents only; ``discourse.framing.tune_C`` re-tunes C on yours.

Languages: one model for Japanese and English. Each sentence is tokenized with the tokenizer of
its language (``language`` column, or detected from the script), so lexical features are
language-specific (the two never share a lemma) while the intercepts, the cue features (a
frame's codebook cues, matched in the sentence's language) and the tuning are shared. Measured by
grouped 5-fold CV on the demo training documents (1,722 Japanese and 213 English sentences):
this joint model gave English macro-F1 0.56 (micro 0.57), one model per language 0.59 (0.59),
Japanese 0.75 either way: a difference within the noise of 213 sentences, so the simpler single
model (one file, one set of thresholds) is the default. Fit separate models (subset the training
table by ``language``) when a corpus has enough English. The evaluation reports each language
separately (``Evaluation.by_language``).

Example
-------
>>> clf = FramingClassifier().fit(train_sentences, train_frames)     # doctest: +SKIP
>>> clf.predict(["来日外国人の犯罪が前年より増加した。"])              # doctest: +SKIP
[['statistical_threat']]
>>> clf.predict_proba(["来日外国人の犯罪が前年より増加した。"]).round(2)  # doctest: +SKIP
"""
from __future__ import annotations

import math
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

from .._internal.constants import LOGIT_CLIP, MIN_EXCLUSIVE_SUPPORT, MIN_PLATT_SLOPE, MIN_TUNE_POSITIVES, NEVER
from .._internal.estimator import SavedEstimator
from .._internal.folds import grouped_folds
from .._internal.scores import prf
from ..errors import ConfigError, check_choice
from ._tok import tokenize_sentences
from .calibration import best_threshold, platt, sigmoid
from .codebook import Codebook, load_codebook
from .data import FrameCoding, as_sentence_table, corpus_sentences, frame_coding, frame_lists_to_matrix, matrix_to_frame_lists
from .dictionary import CueMatcher
from .features import FeatureCache, FeatureSpace
from .persist import STATE_ARRAYS, classifier_state, restore_classifier


class FramingClassifier(SavedEstimator, BaseEstimator):
    """Multi-label frame classifier over sentences.

    Parameters
    ----------
    frames : frame ids (default: the codebook's, or the columns of a DataFrame ``y``).
    C : inverse L2 regularization strength of each logistic regression.
    class_weight : ``"balanced"`` (default) or None.
    word_ngrams : longest lemma n-gram (1 = unigrams only).
    char_ngrams : (min, max) character n-gram length; ``None`` switches the block off.
    min_df : a feature must occur in at least this many training sentences.
    cue_features : add the codebook cue counts (language-independent features).
    marker_features : add discourse markers (negation, quotation/report, comparison with the
        whole, growth, figures, procedure, questions; :mod:`discourse.framing.markers`), crossed
        with the cues: a negated or quoted threat cue can then count against the threat frame.
    context : add the cue counts of the previous and next sentence of the same document (needs
        ``doc_id`` and the sentences in document order; zeros otherwise).
    mask_names : replace names of organisations, offices, events and laws (人権擁護局,
        多文化共生推進室, 「…に関する法律案」) by a placeholder before any feature is computed, so a
        cue word inside a name counts for nothing (:func:`~discourse.framing.markers.mask_names`).
    denial : ``"suppress"``: a sentence that rejects a claim as unfounded, false or a myth
        (…という根拠はない, no evidence that …) does not get the frames of the claims it rejects
        (the marker file's ``denial.frames``; :func:`~discourse.framing.markers.denies_claim`);
        ``"none"`` (default) leaves the decisions to the model.
    procedural_margin : raise every frame's decision threshold by this much (decision-score
        units) for procedural sentences: dated announcements, enactments and meetings, contact
        lines (:func:`~discourse.framing.markers.is_procedural`); 0 (default) switches it off.
    block_weights : multipliers of the (word, char, cue[, markers, context]) blocks.
    thresholds : ``"cv"`` (per-frame F1-optimal threshold on grouped out-of-fold scores; a frame
        with fewer than 5 out-of-fold positives gets the calibrated 0.5 cut instead) or
        ``"fixed"`` (probability 0.5).
    cv : folds of the grouped cross-validation inside the training data.
    oof_sentences : out-of-fold sentences wanted for tuning; on a training set larger than this,
        only as many of the ``cv`` folds are fitted as give that many (1 of 5 folds, i.e. a
        grouped 80/20 validation split, for 20,000 sentences), which keeps tuning cheap on large
        data; None always fits all folds. The demo corpus (< 4,000) uses all 5 folds.
    calibration : ``"platt"`` (sigmoid fitted on out-of-fold scores) or ``"none"``.
    exclusive : ``"learned"``: two frames that (almost) never co-occur in the training data
        (in at most 2% of the rarer one's sentences, e.g. statistical_threat and
        statistical_rebuttal) are not predicted together: of two such frames above their
        thresholds, only the one with the larger margin is kept. ``"none"`` switches this off.
    codebook : Codebook or path (cue features, default frames); default the bundled codebook.
    random_state : seed of the fold assignment and of liblinear.

    Attributes
    ----------
    frames_, features_ (FeatureSpace), coef_ (n_frames, n_features), intercept_, thresholds_
    (decision-score thresholds), proba_thresholds_, calibration_ ((a, b) per frame), exclusive_
    (n_frames, n_frames) bool, cv_scores_ (nested cross-validated precision, recall, F1 per frame:
    each out-of-fold sentence decided by thresholds chosen without its document),
    cv_scores_optimistic_ (the same at the final thresholds, on the scores that chose them: biased
    upwards, for comparison only), cv_folds_ (per outer fold of the nested estimate: documents and
    sentences that chose the thresholds, documents and sentences scored, documents in both = 0).
    """

    _FITTED_ATTR = "coef_"
    _FIT_CALL = "fit(sentences, frames)"
    _STATE_ARRAYS = STATE_ARRAYS

    def __init__(self, frames: Sequence[str] | None = None, *, C: float = 10.0, class_weight: str | None = "balanced",
                 word_ngrams: int = 2, char_ngrams: tuple[int, int] | None = (2, 4), min_df: int = 2,
                 cue_features: bool = True, marker_features: bool = False, context: bool = False,
                 mask_names: bool = False, denial: str = "none", procedural_margin: float = 0.0,
                 block_weights: tuple[float, ...] = (1.0, 1.0, 0.3),
                 thresholds: str = "cv", cv: int = 5, oof_sentences: int | None = 4000, calibration: str = "platt",
                 exclusive: str = "learned", codebook: Codebook | str | None = None, random_state: int = 0):
        self.frames = frames
        self.C = C
        self.class_weight = class_weight
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.min_df = min_df
        self.cue_features = cue_features
        self.marker_features = marker_features
        self.context = context
        self.mask_names = mask_names
        self.denial = denial
        self.procedural_margin = procedural_margin
        self.block_weights = block_weights
        self.thresholds = thresholds
        self.cv = cv
        self.oof_sentences = oof_sentences
        self.calibration = calibration
        self.exclusive = exclusive
        self.codebook = codebook
        self.random_state = random_state

    # --- fitting ------------------------------------------------------------------------------
    def fit(self, X: Any, y: Any, groups: Sequence[Any] | None = None, *, features: FeatureCache | None = None
            ) -> "FramingClassifier":
        """Fit on sentences ``X`` (list of strings, or a table with ``text`` and optionally
        ``doc_id`` and ``language``) and frames ``y`` (lists of frame ids, a 0/1 matrix, or a
        DataFrame with one column per frame). ``groups`` (default: ``X["doc_id"]``) keeps each
        document within one fold of the threshold cross-validation. ``features`` (from
        :meth:`feature_cache`) supplies features extracted once for these sentences; the fit is
        the same with or without it."""
        self._check_params()
        table = as_sentence_table(X)
        self.frames_ = self._frame_ids(y)
        Y = self._targets(y, len(table))
        groups = _groups(table, groups, X)
        self.features_ = self._feature_space()
        Xm = self._fit_features(table, features)
        self.coef_, self.intercept_, oof, rows = self._fit_linear(Xm, Y, groups)
        self.exclusive_ = self._exclusive(Y)
        self._tune(oof, Y[rows], None if groups is None else groups[rows])
        return self

    def _exclusive(self, Y: np.ndarray) -> np.ndarray:
        return exclusive_pairs(Y) if self.exclusive == "learned" else np.zeros((Y.shape[1],) * 2, bool)

    def _check_params(self) -> None:
        check_choice("thresholds", self.thresholds, ("cv", "fixed"))
        check_choice("calibration", self.calibration, ("platt", "none"))
        check_choice("class_weight", self.class_weight, ("balanced", None))
        check_choice("exclusive", self.exclusive, ("learned", "none"))
        check_choice("denial", self.denial, ("none", "suppress"))
        if not (isinstance(self.procedural_margin, (int, float)) and self.procedural_margin >= 0):
            raise ConfigError(f"procedural_margin={self.procedural_margin!r}: give a number >= 0 (0 switches the gate off)")
        if not (isinstance(self.cv, int) and self.cv >= 2):
            raise ConfigError(f"cv={self.cv!r}: the threshold cross-validation needs an integer >= 2 folds")
        if self.oof_sentences is not None and self.oof_sentences < 1:
            raise ConfigError(f"oof_sentences={self.oof_sentences!r}: give a positive number or None (all folds)")
        if not self.C > 0:
            raise ConfigError(f"C={self.C!r}: the regularization constant must be > 0")

    def _codebook(self) -> Codebook:
        if isinstance(self.codebook, Codebook):
            return self.codebook
        return load_codebook(self.codebook)

    def _frame_ids(self, y: Any) -> list[str]:
        if self.frames is not None:
            return list(self.frames)
        if isinstance(y, pd.DataFrame):
            return [str(c) for c in y.columns]
        return list(self._codebook().ids)

    def _targets(self, y: Any, n: int) -> np.ndarray:
        if isinstance(y, pd.DataFrame):
            Y = y[self.frames_].to_numpy()
        elif isinstance(y, np.ndarray) or sp.issparse(y):
            Y = y.toarray() if sp.issparse(y) else y
        else:
            y = list(y)
            is_lists = all(isinstance(v, (list, tuple, set, frozenset)) and all(isinstance(x, str) for x in v) for v in y)
            Y = frame_lists_to_matrix([list(v) for v in y], self.frames_, "y: ") if is_lists else np.asarray(y)
        Y = np.asarray(Y)
        if Y.shape != (n, len(self.frames_)):
            raise ConfigError(f"y has shape {Y.shape}; expected ({n}, {len(self.frames_)}): one row per sentence, "
                              f"one column per frame {self.frames_}")
        if not np.isin(Y, (0, 1)).all():
            raise ConfigError("y must hold only 0 and 1 (or lists of frame ids)")
        return Y.astype(np.int8)

    def _feature_space(self) -> FeatureSpace:
        cues = cue_matcher(self._codebook()) if self.cue_features else None
        char = tuple(self.char_ngrams) if self.char_ngrams else (1, 0)
        return FeatureSpace(word_ngrams=self.word_ngrams, char_ngrams=char, min_df=self.min_df,
                            weights=tuple(self.block_weights), cue_matcher=cues, markers=self.marker_features,
                            context=self.context)

    def _inputs(self, table: pd.DataFrame) -> tuple[list, list[str], list[str], list | None]:
        texts, langs, docs = self._plain(table)
        return tokenize_sentences(texts, langs), texts, langs, docs

    def _plain(self, table: pd.DataFrame) -> tuple[list[str], list[str], list | None]:
        """Texts (names masked when ``mask_names``), languages and doc ids of a sentence table: the
        strings every feature is extracted from, with or without a :class:`FeatureCache`."""
        texts, langs, docs = _plain_inputs(table)
        if self.mask_names:
            from .markers import mask_names

            texts = [mask_names(t, lang) for t, lang in zip(texts, langs)]
        return texts, langs, docs

    def _fit_features(self, table: pd.DataFrame, cache: FeatureCache | None) -> sp.csr_matrix:
        """The training matrix: from ``cache`` when it holds these sentences (fitted matrices of
        the same training rows are reused), else extracted from the strings."""
        plain = self._plain(table)
        rows = cache.rows(self.features_, plain[0], plain[1]) if cache is not None else None
        if rows is None:
            return self.features_.fit_transform(*self._inputs(table))
        fs = self.features_
        key = (fs.word.min_df, fs.weights, fs.markers, fs.context, rows.tobytes(),
               None if plain[2] is None or not fs.context else tuple(plain[2]))
        if key not in cache.fitted:
            Xm = fs.fit_transform_rows(cache, rows, *plain)
            cache.fitted[key] = (Xm, (fs.word.vocabulary, fs.word.idf), (fs.char.vocabulary, fs.char.idf))
        Xm, word, char = cache.fitted[key]
        fs.word.set_state(*word)
        fs.char.set_state(*char)
        return Xm

    def feature_cache(self, X: Any) -> FeatureCache:
        """Features of sentences ``X`` extracted once, for repeated fits and predictions on subsets
        of them (cross-validation, C tuning, learning curves): pass it as ``features=``."""
        table = as_sentence_table(X)
        tokens, texts, langs, _ = self._inputs(table)
        return FeatureCache(self._feature_space(), tokens, texts, langs)

    def _fit_one(self, Xm: sp.csr_matrix, y: np.ndarray) -> tuple[np.ndarray, float]:
        """One frame's logistic regression (liblinear, dual: fast when features outnumber sentences)."""
        if y.min() == y.max():  # one class only: a constant decision
            return np.zeros(Xm.shape[1]), (NEVER if y[0] else -NEVER)
        lr = LogisticRegression(C=self.C, class_weight=self.class_weight, solver="liblinear", dual=True,
                                max_iter=1000, random_state=self.random_state)
        lr.fit(Xm, y)
        return lr.coef_[0], float(lr.intercept_[0])

    def _fit_linear(self, Xm: sp.csr_matrix, Y: np.ndarray, groups: np.ndarray | None
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The models on all sentences, and out-of-fold scores of the tuning folds.

        Returns ``coef``, ``intercept``, ``oof`` scores and the ``rows`` they belong to."""
        folds = self._tuning_folds(len(Y), groups)
        parts = [Xm[train] for train, _ in folds]
        jobs = [(Xm, Y[:, j]) for j in range(Y.shape[1])]
        jobs += [(X, Y[train, j]) for X, (train, _) in zip(parts, folds) for j in range(Y.shape[1])]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            fitted = [self._fit_one(X, y) for X, y in jobs]
        n_frames = Y.shape[1]
        coef = np.vstack([w for w, _ in fitted[:n_frames]])
        intercept = np.array([b for _, b in fitted[:n_frames]])
        oof, rows = [], []
        for k, (_, val) in enumerate(folds):
            block = fitted[n_frames * (k + 1): n_frames * (k + 2)]
            oof.append(Xm[val] @ np.vstack([w for w, _ in block]).T + np.array([b for _, b in block]))
            rows.append(val)
        return coef, intercept, np.vstack(oof), np.concatenate(rows)

    def _folds(self, n: int, groups: np.ndarray | None) -> list[tuple[np.ndarray, np.ndarray]]:
        """Train/validation indices of the inner cross-validation (grouped by document)."""
        return grouped_folds(groups, self.cv, random_state=self.random_state, n=n, what="threshold tuning")

    def _tuning_folds(self, n: int, groups: np.ndarray | None) -> list[tuple[np.ndarray, np.ndarray]]:
        """The folds whose validation scores tune thresholds and calibration: all ``cv`` folds, or
        on a large training set only as many as give ``oof_sentences`` out-of-fold sentences."""
        folds = self._folds(n, groups)
        if self.oof_sentences is None:
            return folds
        needed = math.ceil(len(folds) * self.oof_sentences / max(n, 1))
        return folds[:max(1, min(len(folds), needed))]

    def _choose(self, oof: np.ndarray, Y: np.ndarray, *, thresholds_only: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Per-frame Platt calibration ``(a, b)`` and decision threshold from scores ``oof``.
        ``thresholds_only``: the calibration is fitted only where the threshold needs it (the
        thresholds are the same; the returned calibration is then incomplete)."""
        n_frames = Y.shape[1]
        cal = np.tile([1.0, 0.0], (n_frames, 1))
        thr = np.zeros(n_frames)
        for j in range(n_frames):
            from_scores = self.thresholds == "cv" and Y[:, j].sum() >= MIN_TUNE_POSITIVES
            needed = not thresholds_only or not (from_scores or not Y[:, j].any())
            if needed and self.calibration == "platt" and 0 < Y[:, j].sum() < len(Y):
                a, b = platt(oof[:, j], Y[:, j])
                cal[j] = (a, b) if a > 0 else (MIN_PLATT_SLOPE, b)
            if not Y[:, j].any():
                thr[j] = NEVER
            elif self.thresholds == "cv" and Y[:, j].sum() >= MIN_TUNE_POSITIVES:
                thr[j] = best_threshold(oof[:, j], Y[:, j])
            else:
                thr[j] = -cal[j, 1] / cal[j, 0]
        return cal, thr

    def _tune(self, oof: np.ndarray, Y: np.ndarray, groups: np.ndarray | None) -> None:
        cal, thr = self._choose(oof, Y)
        self.calibration_, self.thresholds_ = cal, thr
        self.proba_thresholds_ = sigmoid(cal[:, 0] * np.clip(thr, -LOGIT_CLIP, LOGIT_CLIP) + cal[:, 1])
        self.cv_scores_optimistic_ = _prf(Y, apply_exclusive(oof - thr, self.exclusive_), self.frames_)
        self.cv_scores_, self.cv_folds_ = self._nested_scores(oof, Y, groups)

    def _nested_scores(self, oof: np.ndarray, Y: np.ndarray, groups: np.ndarray | None
                       ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Scores of the out-of-fold sentences, each fold (by document) decided with thresholds
        and exclusive pairs chosen on the other folds only; and what each fold's thresholds saw."""
        units = groups if groups is not None else np.arange(len(Y))
        if len(np.unique(units)) < 2:   # one document: nothing left to choose thresholds on
            table = _prf(Y, np.zeros_like(Y), self.frames_)
            return table.assign(precision=np.nan, recall=np.nan, f1=np.nan), pd.DataFrame(columns=FOLD_COLUMNS)
        P, rows = np.zeros_like(Y), []
        for k, (tune, scored) in enumerate(self._folds(len(Y), groups)):
            _, thr = self._choose(oof[tune], Y[tune], thresholds_only=True)
            P[scored] = apply_exclusive(oof[scored] - thr, self._exclusive(Y[tune]))
            seen, judged = set(units[tune].tolist()), set(units[scored].tolist())
            rows.append({"fold": k, "n_tuning_docs": len(seen), "n_tuning_sentences": len(tune),
                         "n_scored_docs": len(judged), "n_scored_sentences": len(scored),
                         "n_shared_docs": len(seen & judged)})
        return _prf(Y, P, self.frames_), pd.DataFrame(rows, columns=FOLD_COLUMNS)

    # --- prediction ---------------------------------------------------------------------------
    def transform(self, X: Any, *, features: FeatureCache | None = None) -> sp.csr_matrix:
        """The feature matrix of sentences (columns: ``features_.feature_names``); ``features``
        as in :meth:`fit` (same matrix)."""
        self._check_fitted()
        table = as_sentence_table(X)
        plain = self._plain(table)
        rows = features.rows(self.features_, plain[0], plain[1]) if features is not None else None
        if rows is not None:
            return self.features_.transform_rows(features, rows, *plain)
        return self.features_.transform(*self._inputs(table))

    def decision_function(self, X: Any, *, features: FeatureCache | None = None) -> np.ndarray:
        """Linear scores (n_sentences, n_frames), after the denial and procedural gates when on;
        ``features`` as in :meth:`fit` (same scores)."""
        table = as_sentence_table(X)
        scores = np.asarray(self.transform(table, features=features) @ self.coef_.T + self.intercept_)
        return self._gate(table, scores)

    def _gate(self, table: pd.DataFrame, scores: np.ndarray) -> np.ndarray:
        """Scores of denied frames put below their thresholds; procedural sentences' scores lowered."""
        if self.denial == "none" and not self.procedural_margin:
            return scores
        from .markers import denies_claim, is_procedural, load_markers

        texts, langs = table["text"].tolist(), table["language"].tolist()
        if self.procedural_margin:
            proc = np.array([is_procedural(t, lang) for t, lang in zip(texts, langs)], dtype=bool)
            scores[proc] -= self.procedural_margin
        if self.denial == "suppress":
            cols = [j for j, f in enumerate(self.frames_) if f in load_markers().denial_frames]
            rows = np.flatnonzero([denies_claim(t, lang) for t, lang in zip(texts, langs)])
            if len(rows) and cols:
                block = np.ix_(rows, cols)
                scores[block] = np.minimum(scores[block], self.thresholds_[cols] - 1.0)
        return scores

    def predict_with_proba(self, X: Any, *, features: FeatureCache | None = None) -> tuple[np.ndarray, np.ndarray]:
        """``(predict_indicator(X), predict_proba(X) as an array)`` from one featurization."""
        scores = self.decision_function(X, features=features)
        return self._decide(scores), self._proba(scores)

    def _proba(self, scores: np.ndarray) -> np.ndarray:
        return sigmoid(self.calibration_[:, 0] * scores + self.calibration_[:, 1])

    def predict_proba(self, X: Any) -> pd.DataFrame:
        """Calibrated probabilities, one column per frame."""
        return pd.DataFrame(self._proba(self.decision_function(X)), columns=list(self.frames_))

    def predict_indicator(self, X: Any) -> np.ndarray:
        """0/1 matrix (n_sentences, n_frames) at the tuned thresholds (exclusive pairs resolved)."""
        return self._decide(self.decision_function(X))

    def _decide(self, scores: np.ndarray) -> np.ndarray:
        return apply_exclusive(scores - self.thresholds_, self.exclusive_)

    def predict(self, X: Any) -> list[list[str]]:
        """The frames of each sentence (a list of frame ids, possibly empty)."""
        return matrix_to_frame_lists(self.predict_indicator(X), self.frames_)

    def score(self, X: Any, y: Any) -> float:
        """Macro-averaged F1 over frames (what GridSearchCV maximizes)."""
        self._check_fitted()
        Y = self._targets(y, len(as_sentence_table(X)))
        return float(_prf(Y, self.predict_indicator(X), self.frames_)["f1"].mean())

    def code_corpus(self, corpus: Any, *, batch_size: int = 10000) -> FrameCoding:
        """Split a corpus into sentences and classify them: sentence labels (labels format),
        probabilities, and per-document frame shares. Sentences are featurized ``batch_size``
        at a time, so memory for features stays bounded on large corpora."""
        self._check_fitted()
        sentences = corpus_sentences(corpus)
        parts = [self.decision_function(sentences.iloc[i:i + batch_size]) for i in range(0, len(sentences), batch_size)]
        scores = np.vstack(parts) if parts else np.zeros((0, len(self.frames_)))
        return frame_coding(sentences, self._decide(scores), self._proba(scores), self.frames_)

    # --- explanation and persistence (see explain.py, persist.py) -----------------------------
    def top_features(self, n: int = 15) -> pd.DataFrame:
        """The ``n`` most positive and most negative features of each frame."""
        from .explain import top_features

        return top_features(self, n=n)

    def explain(self, sentence: str, *, language: str = "auto") -> Any:
        """Which tokens pushed each frame's decision for one sentence (an ``Explanation``)."""
        from .explain import explain

        return explain(self, sentence, language=language)

    @classmethod
    def pretrained(cls) -> "FramingClassifier":
        """The shipped model, trained on real gold annotations of state and NGO texts plus the demo
        gold (see :mod:`discourse.framing.pretrained` for what it was trained on and how it scores
        on held-out real documents)."""
        from ..resources import corpora_dir
        from .codebook import PRETRAINED_MODEL

        path = corpora_dir().joinpath(*PRETRAINED_MODEL)
        if not (path / "model.json").exists():
            raise ConfigError(f"{path}: the pretrained frame model is missing: reinstall the package, or train it with "
                               "python corpora/real/train.py after fetching the real corpus")
        return cls.load(path)

    # --- persistence: the package's one model format (discourse._internal.bundle) -------------
    def _get_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """Hyper-parameters, vocabularies, frames and cues as JSON values; weights as arrays."""
        self._check_fitted()
        return classifier_state(self)

    @classmethod
    def _from_state(cls, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> "FramingClassifier":
        """Rebuild a fitted classifier from :meth:`_get_state`'s output (shapes checked first)."""
        return restore_classifier(cls, meta, arrays)


def save_model(model: FramingClassifier, path: str | Path) -> Path:
    """``model.save(path)``: write a fitted classifier as ``model.json`` + ``arrays.npz``."""
    return model.save(path)


def load_model(path: str | Path) -> FramingClassifier:
    """``FramingClassifier.load(path)``: read and check a saved classifier (never unpickles)."""
    return FramingClassifier.load(path)


FOLD_COLUMNS = ["fold", "n_tuning_docs", "n_tuning_sentences", "n_scored_docs", "n_scored_sentences", "n_shared_docs"]


@lru_cache(maxsize=8)
def cue_matcher(codebook: Codebook) -> CueMatcher:
    """The cue matcher of a codebook, built once per codebook (it tokenizes every cue; matchers
    are only read, so fits share one)."""
    return CueMatcher(codebook)


def _plain_inputs(table: pd.DataFrame) -> tuple[list[str], list[str], list | None]:
    """Texts, languages and doc ids (None without a ``doc_id`` column) of a sentence table."""
    docs = table["doc_id"].tolist() if "doc_id" in table.columns else None
    return table["text"].tolist(), table["language"].tolist(), docs


def _groups(table: pd.DataFrame, groups: Sequence[Any] | None, X: Any) -> np.ndarray | None:
    if groups is not None:
        g = np.asarray(groups, dtype=object)
        if len(g) != len(table):
            raise ConfigError(f"groups has {len(g)} values for {len(table)} sentences: give each sentence its doc_id")
        return g
    if isinstance(X, pd.DataFrame) and "doc_id" in X.columns:
        return X["doc_id"].to_numpy(dtype=object)
    return None


def exclusive_pairs(Y: np.ndarray, tolerance: float = 0.02, min_support: int = MIN_EXCLUSIVE_SUPPORT) -> np.ndarray:
    """Frame pairs that co-occur in at most ``tolerance`` of the rarer frame's positive sentences,
    both frames having at least ``min_support`` positives (a frame seen once or twice never
    co-occurs with anything by chance: that is no evidence of exclusivity).

    >>> exclusive_pairs(np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1]]), min_support=1).astype(int).tolist()
    [[0, 1, 0], [1, 0, 1], [0, 1, 0]]
    """
    Y = np.asarray(Y, dtype=np.int64)
    both, n = Y.T @ Y, Y.sum(axis=0)
    out = (both <= tolerance * np.minimum.outer(n, n)) & (np.minimum.outer(n, n) >= max(min_support, 1))
    np.fill_diagonal(out, False)
    return out


def apply_exclusive(margins: np.ndarray, exclusive: np.ndarray) -> np.ndarray:
    """0/1 decisions ``margins >= 0``, where of two exclusive frames only the one with the larger
    margin is kept (greedily, largest margin first).

    >>> apply_exclusive(np.array([[0.5, 0.2, -1.0]]), np.array([[0, 1, 0], [1, 0, 0], [0, 0, 0]], bool)).tolist()
    [[1, 0, 0]]
    """
    on = margins >= 0
    if not exclusive.any() or not on.any():
        return on.astype(np.int8)
    rows = np.arange(len(margins))
    keep = np.zeros_like(on)
    for x in np.argsort(-margins, axis=1, kind="stable").T:
        keep[rows, x] = on[rows, x] & ~(keep & exclusive[x]).any(axis=1)
    return keep.astype(np.int8)


def _prf(Y: np.ndarray, P: np.ndarray, frames: Sequence[str]) -> pd.DataFrame:
    t = prf(Y, P)
    return pd.DataFrame({"frame": list(frames), "precision": t["precision"], "recall": t["recall"], "f1": t["f1"],
                         "support": t["support"].astype(int)})
