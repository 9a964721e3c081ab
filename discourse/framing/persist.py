"""The state of a fitted :class:`~discourse.framing.FramingClassifier` as JSON values and arrays.

A classifier is saved in the package's one model format (:mod:`discourse._internal.bundle`:
``model.json`` + ``arrays.npz``, every part checked on load, never unpickled). This module says
what goes in it:

JSON state
    ``frames``, the codebook ``cues`` the cue features match (so a saved model does not depend
    on the codebook file), the ``tokenizer`` settings, the ``word_vocabulary`` and
    ``char_vocabulary`` (feature column order), the cross-validation tables.
arrays
    ``coef`` (n_frames, n_features), ``intercept``, ``word_idf``, ``char_idf``, ``thresholds``,
    ``calibration`` (n_frames, 2), ``exclusive`` (n_frames, n_frames, 0/1).

Restoring checks that these fit together (coefficients against the vocabularies, one value
per frame) and warns when the tokenizer settings differ from the current ones.

Example
-------
>>> clf.save("models/frames")                           # doctest: +SKIP
>>> FramingClassifier.load("models/frames").predict(["治安が悪化した。"])  # doctest: +SKIP
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from .._internal.bundle import check_shape
from .._internal.constants import LOGIT_CLIP
from ._tok import tokenizer_info
from .calibration import sigmoid
from .codebook import Codebook, Frame
from .dictionary import CueMatcher
from .features import FeatureSpace

STATE_ARRAYS = ("coef", "intercept", "word_idf", "char_idf", "thresholds", "calibration", "exclusive")
TABLES = ("cv_scores_", "cv_scores_optimistic_", "cv_folds_")


def _params(model: Any) -> dict[str, Any]:
    params = model.get_params()
    cb = params.get("codebook")
    params["codebook"] = cb.path if isinstance(cb, Codebook) else (str(cb) if cb else None)
    params["frames"] = list(params["frames"]) if params["frames"] is not None else None
    params["char_ngrams"] = list(params["char_ngrams"]) if params["char_ngrams"] else None
    params["block_weights"] = list(params["block_weights"])
    return params


def _cues(model: Any) -> dict[str, dict[str, list[str]]] | None:
    if model.features_.cues is None:
        return None
    return {f.id: {"ja": list(f.cues_ja), "en": list(f.cues_en)} for f in model._codebook().frames}


def _table(df: pd.DataFrame) -> dict[str, list]:
    """A small table as JSON (NaN becomes null)."""
    return {c: [None if isinstance(v, float) and not np.isfinite(v) else v for v in df[c].tolist()] for c in df.columns}


def classifier_state(model: Any) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """``(meta, arrays)`` of a fitted classifier (see the module docstring)."""
    fs = model.features_
    meta = {"params": _params(model), "frames": list(model.frames_), "cues": _cues(model),
            "tokenizer": tokenizer_info(), "word_vocabulary": list(fs.word.vocabulary),
            "char_vocabulary": list(fs.char.vocabulary)}
    meta.update({name: _table(getattr(model, name)) for name in TABLES})
    arrays = {"coef": model.coef_, "intercept": model.intercept_, "word_idf": fs.word.idf, "char_idf": fs.char.idf,
              "thresholds": model.thresholds_, "calibration": model.calibration_,
              "exclusive": model.exclusive_.astype(np.int8)}
    return meta, arrays


def _codebook(meta: dict[str, Any]) -> Codebook | None:
    cues = meta.get("cues")
    if cues is None:
        return None
    frames = tuple(Frame(id=fid, label=fid, side="none", dimension="", definition="", include=(), exclude=(),
                         cues_ja=tuple(c["ja"]), cues_en=tuple(c["en"]), examples=()) for fid, c in cues.items())
    return Codebook(name="saved model cues", version="", unit="sentence", description="", coding_rules=(), frames=frames)


def _features(meta: dict[str, Any], params: dict[str, Any], arrays: dict[str, np.ndarray], cb: Codebook | None
              ) -> FeatureSpace:
    char = tuple(params["char_ngrams"]) if params["char_ngrams"] else (1, 0)
    fs = FeatureSpace(word_ngrams=params["word_ngrams"], char_ngrams=char, min_df=params["min_df"],
                      weights=tuple(params["block_weights"]), cue_matcher=CueMatcher(cb) if cb is not None else None)
    for block, name in ((fs.word, "word"), (fs.char, "char")):
        vocab = meta[f"{name}_vocabulary"]
        check_shape(f"{name}_idf", arrays[f"{name}_idf"], (len(vocab),), f"{len(vocab)} entries in {name}_vocabulary")
        block.set_state(vocab, arrays[f"{name}_idf"])
    return fs


def _check_arrays(arrays: dict[str, np.ndarray], n_frames: int, n_features: int) -> None:
    why = f"{n_frames} frames by {n_features} features (vocabularies and cues)"
    check_shape("coef", arrays["coef"], (n_frames, n_features), why)
    for name in ("intercept", "thresholds"):
        check_shape(name, arrays[name], (n_frames,), why)
    check_shape("calibration", arrays["calibration"], (n_frames, 2), why)
    check_shape("exclusive", arrays["exclusive"], (n_frames, n_frames), why)


def restore_classifier(cls: type, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> Any:
    """A fitted ``cls`` (FramingClassifier) from :func:`classifier_state`'s output."""
    params = dict(meta["params"])
    cb = _codebook(meta)
    params.update(codebook=cb, char_ngrams=tuple(params["char_ngrams"]) if params["char_ngrams"] else None,
                  block_weights=tuple(params["block_weights"]))
    model = cls(**params)
    model._check_params()
    model.features_ = _features(meta, params, arrays, cb)
    model.frames_ = list(meta["frames"])
    _check_arrays(arrays, len(model.frames_), sum(model.features_.block_sizes))
    model.coef_, model.intercept_ = arrays["coef"].astype(np.float64), arrays["intercept"].astype(np.float64)
    model.thresholds_, model.calibration_ = arrays["thresholds"].astype(np.float64), arrays["calibration"].astype(np.float64)
    model.exclusive_ = arrays["exclusive"].astype(bool)
    model.proba_thresholds_ = sigmoid(model.calibration_[:, 0] * np.clip(model.thresholds_, -LOGIT_CLIP, LOGIT_CLIP)
                                      + model.calibration_[:, 1])
    for name in TABLES:
        setattr(model, name, pd.DataFrame(meta[name]))
    if meta.get("tokenizer") != tokenizer_info():
        warnings.warn(f"the model was fitted with other tokenizer settings ({meta.get('tokenizer')}); "
                      "predictions may differ from the original", stacklevel=4)
    return model
