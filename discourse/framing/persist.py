"""Saving and loading a fitted FramingClassifier without pickle.

A model folder holds ``model.json`` (format version, hyper-parameters, frames, the codebook cues
the cue features use, vocabularies, thresholds, calibration, cross-validation scores, the
tokenizer settings) and ``arrays.npz`` (coefficients, intercepts, idf vectors, thresholds,
calibration), read with ``np.load(allow_pickle=False)``. Loading parses JSON and numeric arrays
only, so a model file from elsewhere cannot run code.

Example
-------
>>> clf.save("models/frames")                           # doctest: +SKIP
>>> FramingClassifier.load("models/frames").predict(["治安が悪化した。"])  # doctest: +SKIP
"""
from __future__ import annotations

import io
import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..cache import atomic_write_bytes, atomic_write_text, read_format_json
from ..errors import ConfigError
from ._tok import tokenizer_info
from .codebook import Codebook, Frame

FORMAT = "discourse-framing-classifier"
VERSION = 1
ARRAYS = ("coef", "intercept", "word_idf", "char_idf", "thresholds", "calibration", "exclusive")


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
    cb = model._codebook()
    return {f.id: {"ja": list(f.cues_ja), "en": list(f.cues_en)} for f in cb.frames}


def save_model(model: Any, path: str | Path) -> Path:
    """Write ``model.json`` and ``arrays.npz`` into folder ``path`` (created; files replaced atomically)."""
    model._check_fitted()
    folder = Path(path)
    fs = model.features_
    meta = {"format": FORMAT, "format_version": VERSION, "params": _params(model), "frames": list(model.frames_),
            "cues": _cues(model), "tokenizer": tokenizer_info(), "word_ngrams": fs.word_ngrams,
            "char_ngrams": list(fs.char_ngrams), "block_weights": list(fs.weights),
            "word_vocabulary": fs.word.vocabulary, "char_vocabulary": fs.char.vocabulary,
            "cv_scores": model.cv_scores_.to_dict("list")}
    buf = io.BytesIO()
    np.savez(buf, coef=model.coef_, intercept=model.intercept_, word_idf=fs.word.idf, char_idf=fs.char.idf,
             thresholds=model.thresholds_, calibration=model.calibration_,
             exclusive=model.exclusive_.astype(np.int8))
    atomic_write_bytes(folder / "arrays.npz", buf.getvalue())
    atomic_write_text(folder / "model.json", json.dumps(meta, ensure_ascii=False, indent=1))
    return folder


def _read_meta(folder: Path) -> dict[str, Any]:
    file = folder / "model.json"
    meta = read_format_json(file, FORMAT, "FramingClassifier.save()", "discourse framing model")
    if meta.get("format_version") != VERSION:
        raise ConfigError(f"{file}: format_version {meta.get('format_version')!r} is not supported (expected {VERSION}): "
                          "refit the model with this version of discourse")
    return meta


def _read_arrays(folder: Path) -> dict[str, np.ndarray]:
    file = folder / "arrays.npz"
    if not file.is_file():
        raise ConfigError(f"{folder}: no arrays.npz next to model.json: the model folder is incomplete")
    try:
        with np.load(file, allow_pickle=False) as data:
            arrays = {k: np.asarray(data[k]) for k in ARRAYS}
    except (KeyError, ValueError, OSError) as exc:
        raise ConfigError(f"{file}: unreadable or incomplete ({exc}); expected arrays {list(ARRAYS)}") from None
    for k, a in arrays.items():
        if a.dtype.kind not in "fiu":
            raise ConfigError(f"{file}: array {k!r} has dtype {a.dtype}; expected numbers")
    return arrays


def _codebook(meta: dict[str, Any]) -> Codebook | None:
    cues = meta.get("cues")
    if cues is None:
        return None
    frames = tuple(Frame(id=fid, label=fid, side="none", dimension="", definition="", include=(), exclude=(),
                         cues_ja=tuple(c["ja"]), cues_en=tuple(c["en"]), examples=()) for fid, c in cues.items())
    return Codebook(name="saved model cues", version="", unit="sentence", description="", coding_rules=(), frames=frames)


def load_model(path: str | Path) -> Any:
    """Rebuild a fitted FramingClassifier from a folder written by :func:`save_model`."""
    from .classifier import FramingClassifier
    from .dictionary import CueMatcher
    from .features import FeatureSpace

    folder = Path(path)
    meta, arrays = _read_meta(folder), _read_arrays(folder)
    params = dict(meta["params"])
    cb = _codebook(meta)
    params["codebook"] = cb
    params["char_ngrams"] = tuple(params["char_ngrams"]) if params["char_ngrams"] else None
    params["block_weights"] = tuple(params["block_weights"])
    model = FramingClassifier(**params)
    fs = FeatureSpace(word_ngrams=meta["word_ngrams"], char_ngrams=tuple(meta["char_ngrams"]), min_df=params["min_df"],
                      weights=tuple(meta["block_weights"]), cue_matcher=CueMatcher(cb) if cb is not None else None)
    fs.word.set_state(meta["word_vocabulary"], arrays["word_idf"])
    fs.char.set_state(meta["char_vocabulary"], arrays["char_idf"])
    n_features = sum(fs.block_sizes)
    if arrays["coef"].shape != (len(meta["frames"]), n_features):
        raise ConfigError(f"{folder}: coef has shape {arrays['coef'].shape} but the vocabularies give "
                          f"({len(meta['frames'])}, {n_features}): model.json and arrays.npz do not belong together")
    model.frames_, model.features_ = list(meta["frames"]), fs
    model.coef_, model.intercept_ = arrays["coef"], arrays["intercept"]
    model.thresholds_, model.calibration_ = arrays["thresholds"], arrays["calibration"]
    model.exclusive_ = arrays["exclusive"].astype(bool)
    from .calibration import sigmoid

    model.proba_thresholds_ = sigmoid(model.calibration_[:, 0] * np.clip(model.thresholds_, -50, 50) + model.calibration_[:, 1])
    model.cv_scores_ = pd.DataFrame(meta["cv_scores"])
    if meta.get("tokenizer") != tokenizer_info():
        warnings.warn(f"{folder}: the model was fitted with other tokenizer settings ({meta.get('tokenizer')}); "
                      "predictions may differ from the original", stacklevel=2)
    return model
