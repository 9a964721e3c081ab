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
    with pytest.warns(UserWarning, match="1 item"):
        batches = list(iter_corpus(path, batch_size=3))
    assert [b.doc_ids for b in batches] == [["d0", "d1", "d2"], []]
    problem = batches[1].problems[0]
    assert (problem.line, problem.field) == (4, "doc_id") and str(path) in str(problem)
    with pytest.raises(CorpusError, match="'d0' is used twice"):
        list(iter_corpus(path, batch_size=3, strict=True))


def test_batches_validate_exactly_as_read_corpus(tmp_path):
    rows = [{"doc_id": "a", "text": "一つ目の本文。", "side": "party_a"},
            {"doc_id": 7, "text": "数字のid。"},
            {"doc_id": "b", "text": "二つ目の本文。", "year": 2004, "date": "2005"},
            {"doc_id": "c", "text": "三つ目の本文。", "side": "party_b", "year": 2004},
            {"doc_id": "a", "text": "同じidの本文。"},
            {"doc_id": "d", "text": "四つ目の本文。", "side": "police"}]
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    (tmp_path / "schema.toml").write_text('[fields.side]\nvalues = ["party_a", "party_b"]\n', encoding="utf-8")
    with pytest.warns(UserWarning, match="4 item"):
        whole = read_corpus(tmp_path)
    with pytest.warns(UserWarning, match="4 item") as record:
        batches = list(iter_corpus(tmp_path, batch_size=2))
    assert len(record) == 1                                           # one warning for the whole stream
    assert whole.doc_ids == ["a", "c"] and [d for b in batches for d in b.doc_ids] == whole.doc_ids
    streamed = [p for b in batches for p in b.problems]
    assert [(p.line, p.field) for p in streamed] == [(2, "doc_id"), (3, "year"), (5, "doc_id"), (6, "side")]
    assert [p.message for p in streamed] == [p.message for p in whole.problems]   # same words, same place
    assert [len(b.problems) for b in batches] == [1, 1, 2]
    with pytest.warns(UserWarning, match="3 item"):
        assert [b.doc_ids for b in iter_corpus(tmp_path, batch_size=2, schema=False)] == [["a"], ["c"], ["d"]]
