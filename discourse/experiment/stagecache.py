"""Stage cache: tokens, the document-term matrix, the topics tables and the framing evaluation reused
across runs when their inputs and settings are unchanged (checked array files, no pickle; a damaged
entry is rebuilt, never trusted). Figures are cached beside them (``stages/figures``, :func:`discourse.report.figures.figure_cache`)."""
from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
from scipy import sparse

from ..cache import CorruptCacheEntry, default_cache_dir, pack_strings, read_arrays, unpack_strings, write_arrays
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
    """Cache a bundle of DataFrames plus JSON metadata in one checked array file (:func:`tables_to_arrays`:
    numeric and string columns as arrays, the dtypes kept; no pickle), so a table of one row per
    document costs its arrays, not a Python object per cell. The file's checksum is verified on every
    read: a damaged or hand-edited entry is rebuilt with a warning, never trusted. Returns
    ``(tables, meta, hit)``."""
    path = (root or default_cache_dir()) / "stages" / kind / f"{key}.bin"
    if path.exists():
        try:
            arrays, header = read_arrays(path)
            return tables_from_arrays(arrays, header["tables"]), header["meta"], True
        except (CorruptCacheEntry, ValueError, KeyError, TypeError) as exc:
            log.warning("stage cache %s is damaged (%s): rebuilding", path, exc)
    tables, meta = build()
    arrays, specs = tables_to_arrays(tables)
    # the header as a later run will read it (JSON), written piece by piece beside the arrays
    header = json.loads(json.dumps({"tables": specs, "meta": meta}, ensure_ascii=False))
    write_arrays(path, arrays, header)
    # the tables as a later run will read them (no attrs, the stored dtypes, the same array bytes):
    # a cold run and a warm run then draw and write from the same frames
    return tables_from_arrays(arrays, header["tables"]), header["meta"], False


def tables_to_arrays(tables: dict[str, pd.DataFrame]) -> tuple[dict[str, np.ndarray], dict[str, dict]]:
    """DataFrames (index dropped) as named arrays for :func:`~discourse.cache.encode_arrays`, and a
    JSON-ready spec per table: its columns and dtypes, and how each column is kept: ``array`` (NumPy
    numeric or bool, bit for bit), ``strings`` (all values ``str``, :func:`~discourse.cache.pack_strings`)
    or ``json`` (any other column, its values in the spec, missing values as ``null``).

    >>> df = pd.DataFrame({"term": ["外国人", "犯罪"], "n": [3, 1], "p": [0.1, 1 / 3], "x": [None, "a"]})
    >>> out = tables_from_arrays(*tables_to_arrays({"t": df}))["t"]
    >>> out.equals(df), out["p"].tolist() == [0.1, 1 / 3], tables_to_arrays({"t": df})[1]["t"]["kinds"]
    (True, True, ['strings', 'array', 'array', 'json'])
    """
    arrays: dict[str, np.ndarray] = {}
    specs: dict[str, dict] = {}
    for t, (name, df) in enumerate(tables.items()):
        spec: dict[str, Any] = {"columns": [str(c) for c in df.columns],
                                "dtypes": [str(d) for d in df.dtypes], "kinds": [], "values": {}}
        for i in range(df.shape[1]):
            col, stem = df.iloc[:, i], f"{t}/{i}"
            if isinstance(col.dtype, np.dtype) and col.dtype.kind in "biuf":
                arrays[stem] = col.to_numpy()
                spec["kinds"].append("array")
            elif not col.isna().any() and pd.api.types.infer_dtype(col, skipna=False) == "string":
                arrays.update({f"{stem}/{k}": v for k, v in pack_strings(col.tolist()).items()})
                spec["kinds"].append("strings")
            else:
                spec["values"][str(i)] = [None if (v is pd.NA or v is None) else v for v in col.tolist()]
                spec["kinds"].append("json")
        specs[name] = spec
    return arrays, specs


def tables_from_arrays(arrays: dict[str, np.ndarray], specs: dict[str, dict]) -> dict[str, pd.DataFrame]:
    """Inverse of :func:`tables_to_arrays`."""
    out = {}
    for t, (name, spec) in enumerate(specs.items()):
        columns: dict[int, Any] = {}
        for i, kind in enumerate(spec["kinds"]):
            stem = f"{t}/{i}"
            columns[i] = (np.array(arrays[stem]) if kind == "array" else
                          unpack_strings(arrays[f"{stem}/blob"], arrays[f"{stem}/lengths"]) if kind == "strings" else
                          spec["values"][str(i)])
        df = pd.DataFrame(columns, columns=list(range(len(spec["kinds"]))))
        df = df.astype({i: d for i, d in enumerate(spec["dtypes"]) if d != "object"})
        df.columns = spec["columns"]
        out[name] = df
    return out

