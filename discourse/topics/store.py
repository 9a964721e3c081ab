"""Saving and loading a :class:`~discourse.topics.TopicModel` without pickle.

gensim's own ``save``/``load`` unpickles, so a model file from elsewhere could run code when
loaded. Here a model is a folder with two files:

``topic_model.npz``
    numeric arrays only, read with ``np.load(..., allow_pickle=False)``: ``sstats`` (the
    expected topic-word counts), ``lambda`` (``eta + sstats``, the variational Dirichlet
    parameters of the topics), ``expElogbeta``, ``alpha``, ``eta``, ``term_counts``, ``numdocs``.
``topic_model.json``
    the vocabulary, the estimator's parameters, the gensim version and a format version.

Loading builds an untrained ``LdaModel`` with the saved priors and overwrites its state with the
saved statistics, so inference (``transform``) gives the same numbers as the original model.

Example
-------
>>> model.save("runs/demo/topics")                         # doctest: +SKIP
>>> TopicModel.load("runs/demo/topics").transform(dtm)     # doctest: +SKIP
"""
from __future__ import annotations

import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..cache import atomic_write_bytes, atomic_write_text, read_format_json
from ..errors import ConfigError

if TYPE_CHECKING:
    from .model import TopicModel

FORMAT = "discourse.topic_model/1"
JSON_NAME, NPZ_NAME = "topic_model.json", "topic_model.npz"
ARRAYS = ("sstats", "lambda", "expElogbeta", "alpha", "eta", "term_counts", "numdocs")


def save_model(model: "TopicModel", path: str | Path) -> Path:
    """Write ``model`` (fitted) into folder ``path``; returns the folder."""
    import gensim

    folder = Path(path)
    state = model.model_.state
    arrays = {"sstats": state.sstats, "lambda": state.get_lambda(), "expElogbeta": model.model_.expElogbeta,
              "alpha": model.model_.alpha, "eta": model.model_.eta, "term_counts": model.term_counts_,
              "numdocs": np.asarray(state.numdocs, dtype=np.int64)}
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **{k: np.asarray(v) for k, v in arrays.items()})
    meta = {"format": FORMAT, "gensim": gensim.__version__, "params": _jsonable(model.get_params()),
            "n_docs": model.n_docs_, "num_updates": int(model.model_.num_updates), "vocab": list(model.vocab_)}
    atomic_write_bytes(folder / NPZ_NAME, buffer.getvalue())
    atomic_write_text(folder / JSON_NAME, json.dumps(meta, ensure_ascii=False, indent=1))
    return folder


def load_model(cls: type["TopicModel"], path: str | Path) -> "TopicModel":
    """Rebuild a model saved by :func:`save_model` (the folder, or either of its two files)."""
    folder = Path(path)
    folder = folder.parent if folder.suffix in (".json", ".npz") else folder
    meta = _read_meta(folder / JSON_NAME)
    arrays = _read_arrays(folder / NPZ_NAME, len(meta["vocab"]), int(meta["params"]["n_topics"]))
    unknown = sorted(set(meta["params"]) - set(cls._get_param_names()))
    if unknown:
        raise ConfigError(f"{folder / JSON_NAME}: unknown parameters {unknown}: the model was saved by another version")
    estimator = cls(**meta["params"])
    estimator._check_params()
    estimator.model_ = _rebuild_lda(estimator, meta, arrays)
    estimator._set_learned(tuple(meta["vocab"]), arrays["term_counts"].astype(np.float64), int(meta["n_docs"]))
    return estimator


def _read_meta(path: Path) -> dict[str, Any]:
    return read_format_json(path, FORMAT, "TopicModel.save()", "discourse topic model")


def _read_arrays(path: Path, n_terms: int, n_topics: int) -> dict[str, np.ndarray]:
    if not path.exists():
        raise ConfigError(f"{path}: model arrays not found: the folder needs both {JSON_NAME} and {NPZ_NAME}")
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in ARRAYS}
    except KeyError as exc:
        raise ConfigError(f"{path}: array {exc.args[0]!r} is missing: the model file is incomplete") from None
    except ValueError as exc:  # object arrays need pickle: refused
        raise ConfigError(f"{path}: {exc}: only plain numeric arrays are accepted") from None
    for name in ("sstats", "lambda", "expElogbeta"):
        if arrays[name].shape != (n_topics, n_terms):
            raise ConfigError(f"{path}: {name} has shape {arrays[name].shape}, expected ({n_topics}, {n_terms}) "
                              f"from {JSON_NAME}: the two files do not belong together")
    return arrays


def _rebuild_lda(estimator: "TopicModel", meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> Any:
    from gensim.models import LdaModel

    from .model import DTYPES

    dtype = DTYPES[estimator.dtype]
    lda = LdaModel(id2word=dict(enumerate(meta["vocab"])), num_topics=estimator.n_topics,
                   chunksize=estimator.chunksize, passes=estimator.passes, alpha=arrays["alpha"].astype(dtype),
                   eta=arrays["eta"].astype(dtype), decay=estimator.decay, offset=estimator.offset, eval_every=None,
                   iterations=estimator.iterations, gamma_threshold=estimator.gamma_threshold,
                   random_state=int(estimator.random_state), dtype=dtype)
    lda.state.sstats[...] = arrays["sstats"].astype(dtype)
    lda.state.numdocs = int(arrays["numdocs"])
    lda.expElogbeta = arrays["expElogbeta"].astype(dtype)
    lda.num_updates = int(meta.get("num_updates", 0))
    return lda


def _jsonable(value: Any) -> Any:
    """Parameters as JSON values (arrays and tuples become lists, NumPy scalars Python numbers)."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value.item() if isinstance(value, np.generic) else value
