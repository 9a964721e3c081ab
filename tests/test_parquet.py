"""Parquet export: tokens (one row per token), DTM (tidy counts), DataFrames; round trips."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from discourse import read_corpus
from discourse.dtm import DocTermMatrix
from discourse.errors import ConfigError
from discourse.parquet import read_tokens_parquet, to_parquet
from discourse.resources import corpora_dir
from discourse.tokenize import tokenize
from discourse.tokens import Tokens


@pytest.fixture(scope="module")
def corpus():
    return read_corpus(corpora_dir() / "demo" / "corpus.jsonl")


@pytest.fixture(scope="module")
def tokens(corpus):
    return tokenize(corpus, cache_dir=False)


def test_token_rows_by_hand(tmp_path):
    toks = Tokens.from_lists([["外国人", "犯罪", "外国人"], [], ["人権"]], sentences=[[0, 0, 1], [], [0]])
    assert to_parquet(toks, tmp_path / "t.parquet", row_group_size=2) == 4
    df = pd.read_parquet(tmp_path / "t.parquet")
    assert list(df.columns) == ["doc_id", "sentence", "position", "term", "start", "end"]  # no POS tags: no pos column
    assert df.to_dict("list") == {"doc_id": ["d0", "d0", "d0", "d2"], "sentence": [0, 0, 1, 0],
                                  "position": [0, 1, 2, 0], "term": ["外国人", "犯罪", "外国人", "人権"],
                                  "start": [0, 4, 7, 0], "end": [3, 6, 10, 2]}
    assert pq.ParquetFile(tmp_path / "t.parquet").metadata.num_row_groups == 2


def test_tokens_round_trip_values(tmp_path, tokens, corpus):
    path = tmp_path / "tokens.parquet"
    assert to_parquet(tokens, path, row_group_size=5000) == tokens.n_tokens
    df = pd.read_parquet(path)
    d = tokens.doc_index()
    assert df["doc_id"].tolist() == [tokens.doc_ids[i] for i in d]
    assert df["term"].tolist() == [tokens.vocab[i] for i in tokens.ids]
    assert df["pos"].tolist() == [tokens.pos_vocab[i] for i in tokens.pos_ids]
    assert np.array_equal(df["position"], np.arange(tokens.n_tokens) - tokens.doc_ptr[d])
    for name, col in (("sentence", "sent"), ("start", "starts"), ("end", "ends")):
        assert np.array_equal(df[name].to_numpy(), getattr(tokens, col)), name
    # surfaces from the offsets are the document text
    texts = dict(zip(tokens.doc_ids, tokens.texts))
    row = df.iloc[123]
    assert texts[row["doc_id"]][row["start"]:row["end"]]
    back = read_tokens_parquet(path, corpus)
    assert back.doc_ids == tokens.doc_ids and back.texts == tokens.texts
    assert back.to_lists() == tokens.to_lists()
    assert [back.pos_vocab[i] for i in back.pos_ids] == [tokens.pos_vocab[i] for i in tokens.pos_ids]
    for col in ("starts", "ends", "sent", "doc_ptr"):
        assert np.array_equal(getattr(back, col), getattr(tokens, col)), col
    assert DocTermMatrix.from_tokens(back).matrix.toarray().sum() == tokens.n_tokens
    alone = read_tokens_parquet(path)
    assert alone.doc_ids == [i for i, n in zip(tokens.doc_ids, np.diff(tokens.doc_ptr)) if n]


def test_shards_are_written_one_after_another(tmp_path, tokens):
    halves = [tokens.subset(np.arange(len(tokens)) < 100), tokens.subset(np.arange(len(tokens)) >= 100)]
    assert to_parquet(iter(halves), tmp_path / "s.parquet") == tokens.n_tokens
    a = pd.read_parquet(tmp_path / "s.parquet")
    to_parquet(tokens, tmp_path / "one.parquet")
    pd.testing.assert_frame_equal(a, pd.read_parquet(tmp_path / "one.parquet"))


def test_dtm_tidy_counts(tmp_path, tokens):
    dtm = DocTermMatrix.from_tokens(tokens)
    assert to_parquet(dtm, tmp_path / "dtm.parquet", row_group_size=1000) == dtm.matrix.nnz
    df = pd.read_parquet(tmp_path / "dtm.parquet")
    assert list(df.columns) == ["doc_id", "term", "count"] and df["count"].dtype == np.int64
    wide = df.pivot_table(index="doc_id", columns="term", values="count", fill_value=0, aggfunc="sum")
    dense = pd.DataFrame(dtm.matrix.toarray(), index=dtm.docvars.index, columns=list(dtm.vocab))
    dense = dense.loc[wide.index, wide.columns]
    assert np.array_equal(wide.to_numpy(), dense.to_numpy())
    assert df["count"].sum() == tokens.n_tokens
    weighted = dtm.weight("prop")
    to_parquet(weighted, tmp_path / "w.parquet")
    w = pd.read_parquet(tmp_path / "w.parquet")
    assert "weight" in w.columns and np.allclose(w.groupby("doc_id", sort=False)["weight"].sum(), 1.0)


def test_dataframes_and_duckdb(tmp_path):
    frame = pd.DataFrame({"term": ["外国人", "犯罪"], "n": [3, 1]}).set_index("term")
    assert to_parquet(frame, tmp_path / "f.parquet") == 2
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "f.parquet"), frame)
    duckdb = pytest.importorskip("duckdb")
    assert duckdb.sql(f"select sum(n) from '{tmp_path / 'f.parquet'}'").fetchone()[0] == 4


def test_errors(tmp_path):
    with pytest.raises(ConfigError, match="cannot write a int"):
        to_parquet(3, tmp_path / "x.parquet")
    with pytest.raises(ConfigError, match="not found"):
        read_tokens_parquet(tmp_path / "missing.parquet")
    pd.DataFrame({"a": [1]}).to_parquet(tmp_path / "a.parquet")
    with pytest.raises(ConfigError, match="not a token file"):
        read_tokens_parquet(tmp_path / "a.parquet")
