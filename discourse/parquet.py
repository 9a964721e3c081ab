"""Parquet export of tokens, document-term matrices and tables, for DuckDB, Polars or Spark users.

:func:`to_parquet` writes

* :class:`~discourse.tokens.Tokens` (or an iterable of ``Tokens`` shards, as
  :func:`discourse.stream.iter_tokens` yields them) as one row per token:
  ``doc_id`` (string), ``sentence`` (int32, sentence index within the document), ``position``
  (int32, index of the token among the document's kept tokens), ``term`` (string), ``pos``
  (string, only when the tokens carry POS tags), ``start``/``end`` (int32, character offsets into
  the document's text). Rows are written in row groups of at most ``row_group_size`` tokens, one
  shard at a time, with pyarrow's ``ParquetWriter``: memory holds one row group, not the file.
* a :class:`~discourse.dtm.DocTermMatrix` as a tidy table ``doc_id``, ``term``, ``count``
  (int64, or ``weight`` float64 for a weighted matrix), one row per non-zero cell.
* a ``pandas.DataFrame`` as it is (its index is kept when it is named or not a RangeIndex).

Strings are dictionary-encoded and the file is compressed with zstd, so the repeated terms cost
little. :func:`read_tokens_parquet` reads a token file back into ``Tokens``.

Example
-------
>>> from discourse.tokens import Tokens
>>> toks = Tokens.from_lists([["外国人", "犯罪"], ["人権"]])
>>> import tempfile, os, pandas as pd
>>> path = os.path.join(tempfile.mkdtemp(), "tokens.parquet")
>>> to_parquet(toks, path)
3
>>> pd.read_parquet(path)["term"].tolist()
['外国人', '犯罪', '人権']
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

import numpy as np
import pandas as pd

from .errors import ConfigError

if TYPE_CHECKING:
    import pyarrow as pa

    from .corpus import Corpus
    from .dtm import DocTermMatrix
    from .tokens import Tokens

ROW_GROUP_SIZE = 1_000_000


def to_parquet(obj: Any, path: str | os.PathLike[str], *, row_group_size: int = ROW_GROUP_SIZE,
               compression: str = "zstd") -> int:
    """Write tokens, a document-term matrix or a DataFrame to a Parquet file; return the row count.

    Parameters
    ----------
    obj : ``Tokens``, an iterable of ``Tokens`` shards, a ``DocTermMatrix`` or a ``DataFrame``.
    path : the ``.parquet`` file to write (its folder is created).
    row_group_size : rows per row group (and the most rows held in memory at once).
    compression : a Parquet codec (``"zstd"``, ``"snappy"``, ``"gzip"``, ``"none"``).
    """
    import pyarrow.parquet as pq

    from .dtm import DocTermMatrix
    from .tokens import Tokens

    if row_group_size < 1:
        raise ConfigError(f"row_group_size={row_group_size}: give 1 or more rows per row group")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(obj, pd.DataFrame):
        keep_index = obj.index.name is not None or not isinstance(obj.index, pd.RangeIndex)
        obj.to_parquet(path, engine="pyarrow", compression=compression, index=keep_index,
                       row_group_size=row_group_size)
        return len(obj)
    if isinstance(obj, DocTermMatrix):
        batches = _dtm_batches(obj, row_group_size)
    elif isinstance(obj, Tokens):
        batches = _token_batches([obj], row_group_size)
    elif isinstance(obj, Iterable) and not isinstance(obj, (str, bytes)):
        batches = _token_batches(obj, row_group_size)
    else:
        raise ConfigError(f"to_parquet cannot write a {type(obj).__name__}: give Tokens (or an iterable of Tokens "
                          "shards), a DocTermMatrix or a pandas DataFrame")
    rows, writer = 0, None
    try:
        for table in batches:
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema, compression=compression)
            writer.write_table(table, row_group_size=row_group_size)
            rows += table.num_rows
    finally:
        if writer is not None:
            writer.close()
    if writer is None:
        raise ConfigError(f"nothing to write to {str(path)!r}: the token shards were empty")
    return rows


def _strings(values: Iterable[Any]) -> "pa.Array":
    import pyarrow as pa

    return pa.array([str(v) for v in values], type=pa.string())


def _token_batches(shards: Iterable["Tokens"], size: int) -> Iterator["pa.Table"]:
    """Tables of at most ``size`` token rows, shard by shard, document boundaries kept."""
    from .tokens import Tokens

    for n, toks in enumerate(shards):
        if not isinstance(toks, Tokens):
            raise ConfigError(f"shard {n} is a {type(toks).__name__}, not Tokens: give Tokens shards")
        ptr = np.asarray(toks.doc_ptr, dtype=np.int64)
        vocab, doc_ids = _strings(toks.vocab), _strings(toks.doc_ids)
        has_pos = len(toks.pos_vocab) > 1 or (len(toks.pos_vocab) == 1 and toks.pos_vocab[0] != "")
        pos_vocab = _strings(toks.pos_vocab) if has_pos else None
        a = 0
        while a < toks.n_tokens:
            b = min(a + size, toks.n_tokens)
            yield _token_table(toks, a, b, ptr, vocab, doc_ids, pos_vocab)
            a = b


def _token_table(toks: "Tokens", a: int, b: int, ptr: np.ndarray, vocab: "pa.Array", doc_ids: "pa.Array",
                 pos_vocab: "pa.Array | None") -> "pa.Table":
    import pyarrow as pa

    doc = np.searchsorted(ptr, np.arange(a, b), side="right") - 1
    cols = {"doc_id": doc_ids.take(pa.array(doc)),
            "sentence": pa.array(np.asarray(toks.sent[a:b], dtype=np.int32)),
            "position": pa.array((np.arange(a, b) - ptr[doc]).astype(np.int32)),
            "term": vocab.take(pa.array(np.asarray(toks.ids[a:b], dtype=np.int64)))}
    if pos_vocab is not None:
        cols["pos"] = pos_vocab.take(pa.array(np.asarray(toks.pos_ids[a:b], dtype=np.int64)))
    cols["start"] = pa.array(np.asarray(toks.starts[a:b], dtype=np.int32))
    cols["end"] = pa.array(np.asarray(toks.ends[a:b], dtype=np.int32))
    return pa.table(cols)


def _dtm_batches(dtm: "DocTermMatrix", size: int) -> Iterator["pa.Table"]:
    import pyarrow as pa

    X = dtm.matrix.tocsr()
    X.sort_indices()
    vocab, doc_ids = _strings(dtm.vocab), _strings(dtm.docvars.index)
    name = "count" if dtm.weighting == "count" else "weight"
    dtype = np.int64 if name == "count" else np.float64
    a, n = 0, X.shape[0]
    while a < n:
        b = int(np.searchsorted(X.indptr, X.indptr[a] + size, side="right")) - 1
        b = min(max(b, a + 1), n)
        lo, hi = X.indptr[a], X.indptr[b]
        rows = np.repeat(np.arange(a, b), np.diff(X.indptr[a:b + 1]))
        yield pa.table({"doc_id": doc_ids.take(pa.array(rows)),
                        "term": vocab.take(pa.array(X.indices[lo:hi].astype(np.int64))),
                        name: pa.array(np.asarray(X.data[lo:hi], dtype=dtype))})
        a = b
    if n == 0:
        yield pa.table({"doc_id": pa.array([], pa.string()), "term": pa.array([], pa.string()),
                        name: pa.array([], pa.int64() if name == "count" else pa.float64())})


def read_tokens_parquet(path: str | os.PathLike[str], corpus: "Corpus | None" = None) -> "Tokens":
    """Read a token file written by :func:`to_parquet` back into ``Tokens``.

    Without ``corpus`` the documents are those with at least one token (in file order), the
    docvars hold only ``doc_id`` and the texts are empty (offsets still refer to the original
    texts). With ``corpus``, its documents, docvars and texts are used (documents without tokens
    included) and every ``doc_id`` of the file must be in it.
    """
    import pyarrow.parquet as pq

    from .tokens import Tokens

    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"token file {str(path)!r} not found: "
                          "write it with discourse.parquet.to_parquet(tokens, path)")
    table = pq.read_table(path)
    missing = {"doc_id", "sentence", "term", "start", "end"} - set(table.column_names)
    if missing:
        raise ConfigError(f"{str(path)!r} is not a token file: it lacks the columns {sorted(missing)} "
                          f"(has {table.column_names})")
    doc_codes, doc_uniques = pd.factorize(table.column("doc_id").to_numpy(zero_copy_only=False))
    term_ids, vocab = pd.factorize(table.column("term").to_numpy(zero_copy_only=False))
    if "pos" in table.column_names:
        pos_ids, pos_vocab = pd.factorize(table.column("pos").to_numpy(zero_copy_only=False))
    else:
        pos_ids, pos_vocab = np.zeros(table.num_rows, dtype=np.int64), np.array([""], dtype=object)
    if len(doc_codes) and np.any(np.diff(doc_codes) < 0):
        raise ConfigError(f"{str(path)!r}: the rows of a document are not contiguous: write files with to_parquet")
    if corpus is None:
        ids = list(doc_uniques)
        docvars = pd.DataFrame(index=pd.Index(ids, name="doc_id"))
        texts: tuple[str, ...] = tuple("" for _ in ids)
        sizes = np.bincount(doc_codes, minlength=len(ids))
    else:
        docvars = corpus.docvars
        where = {d: i for i, d in enumerate(docvars.index)}
        unknown = [d for d in doc_uniques if d not in where]
        if unknown:
            raise ConfigError(f"{str(path)!r} has documents not in the corpus, e.g. {unknown[:3]}: "
                              "give the corpus the tokens were made from")
        order = np.array([where[d] for d in doc_uniques], dtype=np.int64)
        if len(order) and np.any(np.diff(order) < 0):
            raise ConfigError(f"{str(path)!r}: documents are not in the corpus's order: give the same corpus")
        sizes = np.zeros(len(docvars), dtype=np.int64)
        sizes[order] = np.bincount(doc_codes, minlength=len(order))
        texts = tuple(doc.text for doc in corpus)
    ptr = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)

    def col(name: str) -> np.ndarray:
        return table.column(name).to_numpy().astype(np.int32)

    return Tokens(tuple(str(v) for v in vocab), term_ids.astype(np.int32), col("start"), col("end"),
                  col("sentence"), pos_ids.astype(np.int16), tuple(str(p) for p in pos_vocab), ptr, docvars, texts)


__all__ = ["ROW_GROUP_SIZE", "read_tokens_parquet", "to_parquet"]
