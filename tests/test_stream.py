"""Streaming batches give the same corpus and the same document-term matrix as the whole file."""
from __future__ import annotations

import json

import pytest

from discourse import read_corpus
from discourse.dtm import DocTermMatrix
from discourse.errors import CorpusError
from discourse.resources import resource
from discourse.stream import iter_corpus, iter_tokens
from discourse.tokenize import tokenize

DEMO = resource("demo", "corpus.jsonl")


def _cells(dtm: DocTermMatrix) -> dict[tuple[str, str], int]:
    coo = dtm.matrix.tocoo()
    ids = list(dtm.docvars.index)
    return {(ids[r], dtm.vocab[c]): int(v) for r, c, v in zip(coo.row, coo.col, coo.data)}


def test_batches_cover_the_corpus_in_order():
    batches = list(iter_corpus(DEMO, batch_size=40))
    assert [len(b) for b in batches] == [40, 40, 40, 40, 40, 15]
    assert [d for b in batches for d in b.doc_ids] == read_corpus(DEMO).doc_ids


def test_dtm_built_shard_by_shard_equals_the_whole(tmp_path):
    whole = DocTermMatrix.from_tokens(tokenize(read_corpus(DEMO), cache_dir=tmp_path))
    streamed = DocTermMatrix.from_tokens(iter_tokens(DEMO, batch_size=60, cache_dir=tmp_path))
    assert list(streamed.docvars.index) == list(whole.docvars.index)
    assert _cells(streamed) == _cells(whole)


def test_a_doc_id_repeated_across_batches_is_caught(tmp_path):
    rows = [{"doc_id": f"d{i}", "text": f"文書{i}の本文です。", "side": "state"} for i in range(3)]
    rows.append({"doc_id": "d0", "text": "別の本文です。", "side": "ngo"})
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    batches = list(iter_corpus(path, batch_size=3))
    assert [b.doc_ids for b in batches] == [["d0", "d1", "d2"], []]
    problem = batches[1].problems[0]
    assert (problem.line, problem.field) == (4, "doc_id") and str(path) in str(problem)
    with pytest.raises(CorpusError, match="'d0' is used twice"):
        list(iter_corpus(path, batch_size=3, strict=True))
