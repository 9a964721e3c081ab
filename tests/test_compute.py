"""Scheduler specs, map_shards in-process and on a Dask LocalCluster, tokenize+count by shard."""
from __future__ import annotations

import json

import numpy as np
import pytest

from discourse import read_corpus
from discourse.compute import (FileShard, Scheduler, count_shard, map_shards, merge_counts, parquet_shard,
                               peak_rss_mb, plan_file_shards, read_shard, scheduler_client)
from discourse.dtm import DocTermMatrix
from discourse.errors import ConfigError
from discourse.resources import corpora_dir
from discourse.tokenize import tokenize

DEMO = corpora_dir() / "demo" / "corpus.jsonl"


@pytest.mark.parametrize("spec, expected", [
    ("local", Scheduler("local", 1, "")),
    (None, Scheduler("local", 1, "")),
    (" dask-local:3 ", Scheduler("dask-local", 3, "")),
    ("tcp://10.1.2.3:8786", Scheduler("address", 1, "tcp://10.1.2.3:8786")),
    ("tls://scheduler.example.org:8786", Scheduler("address", 1, "tls://scheduler.example.org:8786")),
])
def test_parse_specs(spec, expected):
    assert Scheduler.parse(spec) == expected
    assert Scheduler.parse(str(expected)) == expected


@pytest.mark.parametrize("spec, fragment", [
    ("dask-local", "'dask-local'"), ("dask-local:0", "'dask-local:0'"), ("dask-local:two", "'dask-local:two'"),
    ("dask", "'dask'"), ("tcp://host", "'tcp://host'"), ("http://host:8786", "'http://host:8786'"), (4, "scheduler=4"),
])
def test_bad_specs_are_named(spec, fragment):
    with pytest.raises(ConfigError, match=fragment):
        Scheduler.parse(spec)


def test_plan_file_shards_cover_the_file_at_line_boundaries(tmp_path):
    shards = plan_file_shards(DEMO, target_bytes=50_000)
    data = DEMO.read_bytes()
    assert len(shards) > 4 and shards[0].start == 0 and shards[-1].stop == len(data)
    assert all(a.stop == b.start for a, b in zip(shards, shards[1:]))
    assert all(data[s.stop - 1:s.stop] == b"\n" for s in shards)
    assert [s.first_line for s in shards] == [1 + data[:s.start].count(b"\n") for s in shards]
    ids = [doc.doc_id for s in shards for doc in read_shard(s)]
    assert ids == [doc.doc_id for doc in read_corpus(DEMO, schema=False)]
    with pytest.raises(ConfigError, match="target_bytes=0"):
        plan_file_shards(DEMO, target_bytes=0)


def test_count_shards_merge_to_the_whole_corpus_counts():
    shards = plan_file_shards(DEMO, target_bytes=60_000)
    merged = merge_counts(map_shards(count_shard, shards, "local"))
    whole = DocTermMatrix.from_tokens(tokenize(read_corpus(DEMO, schema=False), cache_dir=False))
    assert merged.doc_ids == whole.doc_ids and sorted(whole.vocab) == list(merged.vocab)
    cols = [whole.vocab.index(t) for t in merged.vocab]
    assert np.array_equal(whole.matrix[:, cols].toarray(), merged.matrix.toarray())
    # another cut of the same file gives the same bytes
    other = merge_counts(map_shards(count_shard, plan_file_shards(DEMO, target_bytes=150_000), "local"))
    assert _bytes(other) == _bytes(merged)


def _bytes(dtm) -> tuple:
    m = dtm.matrix
    return m.indptr.tobytes(), m.indices.tobytes(), m.data.tobytes(), m.data.dtype.str, dtm.vocab, tuple(dtm.doc_ids)


def test_dask_local_cluster_gives_the_same_bytes_as_in_process():
    shards = plan_file_shards(DEMO, target_bytes=60_000)
    local_parts = map_shards(count_shard, shards, "local")
    local = merge_counts(local_parts)
    with scheduler_client("dask-local:2") as client:
        assert len(client.scheduler_info()["workers"]) == 2
        parts = map_shards(count_shard, shards, client=client)
        peaks = client.run(peak_rss_mb)
    assert [p.doc_ids for p in parts] == [p.doc_ids for p in local_parts]  # results come back in shard order
    assert _bytes(merge_counts(parts)) == _bytes(local)
    assert len(peaks) == 2 and all(50 < v < 4000 for v in peaks.values())
    with scheduler_client("local") as none:
        assert none is None


def test_bad_lines_of_a_shard_are_problems_with_file_line_numbers(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"doc_id": "a", "text": "外国人の犯罪。"}, ensure_ascii=False) + "\n{not json\n",
                   encoding="utf-8")
    corpus = read_shard(FileShard(str(bad), 0, bad.stat().st_size, first_line=5))
    assert [d.doc_id for d in corpus] == ["a"] and len(corpus.problems) == 1
    assert corpus.problems_frame()["line"].tolist() == [6]  # numbered from the shard's first line


def test_parquet_shards_make_one_table_of_the_corpus(tmp_path):
    import pandas as pd

    shards = plan_file_shards(DEMO, target_bytes=120_000)
    done = map_shards(parquet_shard, shards, "local", out_dir=tmp_path)
    assert len(done) == len(shards) > 1
    tokens = pd.read_parquet(tmp_path / "tokens")
    counts = pd.read_parquet(tmp_path / "counts")
    whole = tokenize(read_corpus(DEMO, schema=False), cache_dir=False)
    assert len(tokens) == whole.n_tokens == sum(d["n_tokens"] for d in done) == counts["count"].sum()
    assert tokens["term"].tolist() == [whole.vocab[i] for i in whole.ids]  # files sort in corpus order
    assert tokens["doc_id"].unique().tolist() == [d for d, n in zip(whole.doc_ids, np.diff(whole.doc_ptr)) if n]


def test_part_folder_shards_follow_the_file_names(tmp_path):
    lines = DEMO.read_text(encoding="utf-8").splitlines(keepends=True)
    for name, chunk in (("part-00002.jsonl", lines[150:]), ("part-00001.jsonl", lines[:150])):
        (tmp_path / name).write_text("".join(chunk), encoding="utf-8")
    (tmp_path / "manifest.json").write_text("{}", encoding="utf-8")
    shards = plan_file_shards(tmp_path, target_bytes=100_000)
    assert [s.path.rsplit("/", 1)[1] for s in shards][0] == "part-00001.jsonl"
    assert [s.first_line for s in shards if s.path.endswith("2.jsonl")][0] == 1
    ids = [d.doc_id for s in shards for d in read_shard(s)]
    assert ids == read_corpus(DEMO).doc_ids


def test_merge_counts_onto_a_given_vocabulary():
    shards = plan_file_shards(DEMO, target_bytes=120_000)
    parts = [count_shard(s) for s in shards[:2]]
    dtm = merge_counts(parts)
    wider = merge_counts(parts, vocab=["あ", *dtm.vocab])          # one more column, first
    assert wider.vocab[1:] == dtm.vocab and wider.matrix[:, 0].nnz == 0
    assert (wider.matrix[:, 1:] != dtm.matrix).nnz == 0
    with pytest.raises(ConfigError, match="vocab lacks the terms"):
        merge_counts(parts, vocab=dtm.vocab[1:])


def test_shard_records_report_a_line_that_is_not_utf8(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_bytes(DEMO.read_bytes().split(b"\n", 1)[0] + b"\n" + b'{"doc_id": "x", "text": "\xff"}\n')
    from discourse.compute import shard_records

    records = list(shard_records(plan_file_shards(path)[0]))
    assert isinstance(records[0][2], dict)
    assert records[1][1] == 2 and "line 2: not UTF-8" in str(records[1][2])
    assert len(read_shard(plan_file_shards(path)[0])) == 1


def test_an_existing_scheduler_by_its_tcp_address_gives_the_same_bytes():
    """``"tcp://host:port"``: the tasks go to a Dask cluster that was started elsewhere (here a
    LocalCluster of one worker process, reached only through its address)."""
    distributed = pytest.importorskip("distributed")
    shards = plan_file_shards(DEMO, target_bytes=60_000)[:3]
    local = merge_counts(map_shards(count_shard, shards, "local"))
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        assert Scheduler.parse(address) == Scheduler("address", 1, address) and address.startswith("tcp://")
        parts = map_shards(count_shard, shards, address)
    assert _bytes(merge_counts(parts)) == _bytes(local)
