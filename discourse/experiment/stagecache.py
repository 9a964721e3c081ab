"""Stage cache: tokens, the document-term matrix, the topics tables and the framing evaluation reused
across runs when their inputs and settings are unchanged (checked array files or lossless JSON
tables, no pickle; a damaged entry is rebuilt, never trusted). Figures are cached beside them
(``stages/figures``, :func:`discourse.report.figures.figure_cache`)."""
from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
from scipy import sparse

from ..cache import (CorruptCacheEntry, atomic_write_text, default_cache_dir, pack_strings, read_arrays, unpack_strings,
                     write_arrays)
from ..dtm import DocTermMatrix
from ..tokens import Tokens

log = logging.getLogger("discourse.run")
TOKEN_FIELDS = ("ids", "starts", "ends", "sent", "pos_ids", "doc_ptr")


def cached(kind: str, key: str, build: Callable[[], Any], save: Callable[[Any], tuple[dict, dict]],
           load: Callable[[dict, dict], Any], root: Path | None = None) -> tuple[Any, bool]:
    """Return ``(value, hit)``: the cached value for ``key`` if intact, else ``build()`` (then stored)."""
    path = (root or default_cache_dir()) / "stages" / kind / f"{key}.bin"
    if path.exists():
        try:
            arrays, meta = read_arrays(path)
            return load(arrays, meta), True
        except (CorruptCacheEntry, KeyError, ValueError) as exc:
            log.warning("stage cache %s is damaged (%s): rebuilding", path, exc)
    value = build()
    arrays, meta = save(value)
    write_arrays(path, arrays, meta)
    return value, False


def save_tokens(tokens: Tokens) -> tuple[dict, dict]:
    arrays = {name: getattr(tokens, name) for name in TOKEN_FIELDS}
    arrays.update({f"vocab_{k}": v for k, v in pack_strings(list(tokens.vocab)).items()})
    arrays.update({f"pos_{k}": v for k, v in pack_strings(list(tokens.pos_vocab)).items()})
    return arrays, {"settings": tokens.settings}


def tokens_loader(docvars, texts) -> Callable[[dict, dict], Tokens]:
    """Rebuild ``Tokens`` from cached arrays plus the corpus's docvars and texts."""
    def load(arrays: dict, meta: dict) -> Tokens:
        vocab = unpack_strings(arrays["vocab_blob"], arrays["vocab_lengths"])
        pos = unpack_strings(arrays["pos_blob"], arrays["pos_lengths"])
        if len(arrays["doc_ptr"]) != len(docvars) + 1:
            raise ValueError("cached tokens do not match the corpus size")
        fields = {name: np.array(arrays[name]) for name in TOKEN_FIELDS}
        return Tokens(vocab=tuple(vocab), pos_vocab=tuple(pos), docvars=docvars, texts=tuple(texts),
                      settings=meta["settings"], **fields)
    return load


def save_dtm(dtm: DocTermMatrix) -> tuple[dict, dict]:
    m = dtm.matrix
    arrays = {"data": m.data, "indices": m.indices, "indptr": m.indptr, "shape": np.array(m.shape, np.int64)}
    arrays.update({f"vocab_{k}": v for k, v in pack_strings(list(dtm.vocab)).items()})
    return arrays, {"doc_ids": [str(i) for i in dtm.docvars.index], "weighting": dtm.weighting}


def dtm_loader(docvars) -> Callable[[dict, dict], DocTermMatrix]:
    def load(arrays: dict, meta: dict) -> DocTermMatrix:
        matrix = sparse.csr_matrix((np.array(arrays["data"]), np.array(arrays["indices"]), np.array(arrays["indptr"])),
                                   shape=tuple(arrays["shape"]))
        vocab = unpack_strings(arrays["vocab_blob"], arrays["vocab_lengths"])
        return DocTermMatrix(matrix, tuple(vocab), docvars.loc[meta["doc_ids"]], meta["weighting"])
    return load


def cached_tables(kind: str, key: str, build: Callable[[], tuple[dict[str, pd.DataFrame], dict]],
                  root: Path | None = None) -> tuple[dict[str, pd.DataFrame], dict, bool]:
    """Cache a bundle of DataFrames plus JSON metadata (pandas' table-schema JSON keeps the dtypes;
    no pickle). The entry carries the sha256 of its content, checked on every read, so a damaged or
    hand-edited entry is rebuilt with a warning, never trusted. Returns ``(tables, meta, hit)``."""
    path = (root or default_cache_dir()) / "stages" / kind / f"{key}.json"
    if path.exists():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            payload = data["payload"]
            if data["sha256"] != payload_digest(payload):
                raise ValueError("its content does not match its checksum (edited or damaged)")
            tables = {name: frame_from_json(blob) for name, blob in payload["tables"].items()}
            return tables, payload["meta"], True
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("stage cache %s is damaged (%s): rebuilding", path, exc)
    tables, meta = build()
    payload = {"tables": {name: frame_to_json(df) for name, df in tables.items()}, "meta": meta}
    payload = json.loads(json.dumps(payload, ensure_ascii=False))     # the form a reader will see
    atomic_write_text(path, json.dumps({"sha256": payload_digest(payload), "payload": payload}, ensure_ascii=False))
    # the tables as a later run will read them (no attrs, the stored dtypes): a cold run and a warm
    # run then draw and write from the same frames
    return {name: frame_from_json(blob) for name, blob in payload["tables"].items()}, payload["meta"], False


def payload_digest(payload: Any) -> str:
    """sha256 of a JSON payload in canonical form (sorted keys, exact float repr)."""
    import hashlib

    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, allow_nan=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def frame_to_json(df: pd.DataFrame) -> dict:
    """Columns, dtypes and values of ``df`` (index dropped) as JSON-ready data; floats keep every
    digit (Python's repr round-trips exactly), so a cached table is written byte for byte as a fresh one."""
    data = {str(c): [None if (v is pd.NA or v is None) else v for v in df[c].tolist()] for c in df.columns}
    return {"columns": [str(c) for c in df.columns], "dtypes": {str(c): str(t) for c, t in df.dtypes.items()}, "data": data}


def frame_from_json(blob: dict) -> pd.DataFrame:
    """Inverse of :func:`frame_to_json`."""
    df = pd.DataFrame({c: blob["data"][c] for c in blob["columns"]}, columns=blob["columns"])
    return df.astype({c: t for c, t in blob["dtypes"].items() if t not in ("object",)})
