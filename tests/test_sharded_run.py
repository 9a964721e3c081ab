"""Streaming runs ([compute]): the config section, the corpus index, pieces of long documents, and
tables byte-identical to the in-memory run, in this process with several shards and on a Dask
LocalCluster of 2 worker processes."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from discourse import read_corpus
from discourse.compute import plan_file_shards
from discourse.errors import ConfigError
from discourse.experiment.config import load_experiment
from discourse.experiment.run import run_experiment
from discourse.experiment.sharded import IndexedCorpus, index_corpus, split_pieces, streaming_enabled
from discourse.corpus import Document
from discourse.resources import corpora_dir

ROOT = Path(__file__).resolve().parents[1]
DEMO = corpora_dir() / "demo" / "corpus.jsonl"

METRICS = """
[[metrics]]
kind = "keyness"
name = "G2"
params = { measure = "G2" }
[[metrics]]
kind = "keyness"
name = "fightin"
params = { measure = "fightin", max_dp = 0.9 }
[[metrics]]
kind = "collocations"
name = "gaikokujin"
params = { node = "外国人", window = [5, 5], min_count = 2 }
[[metrics]]
kind = "collocations"
name = "glob"
params = { node = "外国*", window = 3, min_count = 1, by = "year" }
[[metrics]]
kind = "cooccurrence"
name = "by_side_year"
params = { a = "foreigner", b = "crime", by = ["side", "year"], n_boot = 50 }
[[metrics]]
kind = "frequency"
name = "uni"
params = { by = "side" }
[[metrics]]
kind = "frequency"
name = "bi"
params = { n = 2, min_count = 2 }
"""


def _config(tmp_path: Path, framing: bool, metrics: str = METRICS, mention: bool = True) -> Path:
    text = f"""name = "streamed"
seed = 42
[compare]
by = "side"
target = "state"
reference = "ngo"
over = "year"
[topics]
enabled = false
[outputs]
dir = "runs"
report = false
figures = false
[framing]
enabled = {str(framing).lower()}
tune_C = false
learning_curve = false
n_boot = 30
prevalence_labels = "dictionary"
{'mention = "foreigner"' if mention else ""}
threat = ["crime_threat", "statistical_threat", "illegal_residence"]
rebuttal = ["statistical_rebuttal", "discrimination"]
{metrics}"""
    path = tmp_path / "streamed.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _tables(config: Path, overrides: list[str], cache: Path, monkeypatch) -> dict[str, bytes]:
    monkeypatch.setenv("DISCOURSE_CACHE", str(cache))       # no stage cache shared between the runs
    folder = run_experiment(load_experiment(config, overrides=overrides))
    return {p.name: p.read_bytes() for p in sorted((folder / "tables").iterdir())}


def _assert_same(a: dict[str, bytes], b: dict[str, bytes]) -> None:
    assert sorted(a) == sorted(b)
    assert [n for n in a if a[n] != b[n]] == []


# --- config ------------------------------------------------------------------------------------------
def test_compute_section_defaults_and_errors(tmp_path):
    path = _config(tmp_path, False)
    cfg = load_experiment(path)
    assert (cfg.compute.scheduler, cfg.compute.streaming) == ("local", "auto")
    assert not streaming_enabled(cfg)                     # the demo corpus is small: in memory
    assert streaming_enabled(load_experiment(path, overrides=['compute.scheduler="dask-local:2"']))
    assert streaming_enabled(load_experiment(path, overrides=["compute.stream_above_mb=0.1"]))
    with pytest.raises(ConfigError, match=r"compute\.scheduler='dask:2'.*dask-local:N"):
        load_experiment(path, overrides=['compute.scheduler="dask:2"'])
    with pytest.raises(ConfigError, match=r"compute\.shard_bytes = 10 is out of range"):
        load_experiment(path, overrides=["compute.shard_bytes=10"])
    with pytest.raises(ConfigError, match=r"compute\.streaming = 'yes' is not one of"):
        load_experiment(path, overrides=['compute.streaming="yes"'])
    with pytest.raises(ConfigError, match=r"unknown key 'compute\.shards'.*shard_bytes"):
        load_experiment(path, overrides=["compute.shards=3"])


def test_streaming_rejects_metrics_that_need_tokens(tmp_path):
    path = _config(tmp_path, False, METRICS + '[[metrics]]\nkind = "kwic"\nparams = { pattern = "犯罪" }\n')
    cfg = load_experiment(path, overrides=['compute.streaming="on"'])
    with pytest.raises(ConfigError, match=r"metrics\[7\]\.kind = 'kwic' needs the corpus tokens.*streaming = \"off\""):
        run_experiment(cfg)
    assert not (tmp_path / "runs").exists()               # refused by validate, before any folder


# --- the corpus index ------------------------------------------------------------------------------------
def _messy_corpus(folder: Path) -> Path:
    lines = DEMO.read_text(encoding="utf-8").splitlines()[:40]
    first = json.loads(lines[0])
    lines[10] = "{not json"
    lines[20] = json.dumps({**first, "text": "別の本文。"}, ensure_ascii=False)         # doc_id used twice
    lines[30] = json.dumps({**json.loads(lines[5]), "doc_id": "copy-5"}, ensure_ascii=False)  # same text twice
    path = folder / "corpus.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_index_matches_read_corpus(tmp_path):
    path = _messy_corpus(tmp_path)
    with pytest.warns(UserWarning):
        full = read_corpus(path)
    with pytest.warns(UserWarning):
        index = index_corpus(path, shard_bytes=4000)
    assert len(plan_file_shards(path, target_bytes=4000)) > 3
    assert index.doc_ids == full.doc_ids and len(full) == 37
    assert index.docvars.equals(full.docvars)
    assert index.problems_frame().equals(full.problems_frame())
    assert index.n_chars == [len(t) for t in full.texts]
    assert repr(index).startswith(f"<IndexedCorpus: 37 documents, {sum(index.n_chars)} characters in ")
    kept = index.subset(side="state")
    assert [d for t in kept.tasks() for d in t.doc_ids] == full.subset(side="state").doc_ids
    assert list(index.texts) == full.texts and index.texts[7] == full.texts[7]
    assert list(kept.texts) == full.subset(side="state").texts


def test_index_holds_columns_and_gives_the_documents_without_text(tmp_path):
    """The index keeps docvars as a table and arrays (no Document per document); its documents,
    groups, subsets, keys and texts are those of the corpus read whole, extras and missing years
    included."""
    lines = DEMO.read_text(encoding="utf-8").splitlines()[:30]
    recs = [json.loads(line) for line in lines]
    recs[3]["outlet"], recs[4]["pages"] = "朝日", 12          # extras present in some documents only
    recs[5].pop("date", None)
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    full, index = read_corpus(path), index_corpus(path, shard_bytes=5000)
    assert not hasattr(index, "_index") and isinstance(index.index.line, np.ndarray)
    assert index.docvars.equals(full.docvars) and list(index.docvars.dtypes) == list(full.docvars.dtypes)
    assert list(index) == [dataclasses.replace(d, text="") for d in full]
    assert index[4] == index[full[4].doc_id] == dataclasses.replace(full[4], text="")
    keys = "".join(f"{d.doc_id}:{d.language}:{hashlib.sha256(d.text.encode('utf-8')).hexdigest()}\n" for d in full)
    assert index.content_digest() == index.content_digest(block=2) == full.content_digest() == \
        hashlib.sha256(keys.encode("utf-8")).hexdigest()
    assert index.subset(side="ngo").content_digest(block=3) == full.subset(side="ngo").content_digest() != full.content_digest()
    groups, whole = index.group("side"), full.group("side")
    assert list(groups) == list(whole)
    for side, part in groups.items():
        assert isinstance(part, IndexedCorpus) and part.doc_ids == whole[side].doc_ids
        assert list(part.texts) == whole[side].texts and part.n_chars == [len(t) for t in whole[side].texts]
    late = index.subset(lambda d: d.year is not None and d.year % 2 == 0)
    assert 0 < len(late) < len(index)
    assert late.doc_ids == full.subset(lambda d: d.year is not None and d.year % 2 == 0).doc_ids
    assert late.texts[-1] == full.subset(lambda d: d.year is not None and d.year % 2 == 0).texts[-1]


def test_docvars_of_a_large_index_are_memory_mapped(tmp_path, monkeypatch):
    """Past MAPPED_DOCS documents the index's docvars are pages of an Arrow file: equal to the
    in-memory docvars (values, dtypes, index), still read after their pages are dropped, and a
    subset maps its own rows."""
    from discourse.experiment import sharded

    monkeypatch.setenv("DISCOURSE_CACHE", str(tmp_path / "cache"))
    full = read_corpus(DEMO)
    memory = index_corpus(DEMO, shard_bytes=50_000)
    monkeypatch.setattr(sharded, "MAPPED_DOCS", 10)
    mapped = index_corpus(DEMO, shard_bytes=50_000)
    assert memory._pages is None and mapped._pages is not None and memory.index.pages is None
    for name in ("shard", "line", "n_chars", "digest"):           # the index's arrays: views of a mapped file
        values = getattr(mapped.index, name)
        assert values.base is not None and not values.flags.writeable
        assert values.dtype == getattr(memory.index, name).dtype and np.array_equal(values, getattr(memory.index, name))
    assert mapped.docvars.equals(full.docvars) and list(mapped.docvars.dtypes) == list(full.docvars.dtypes)
    assert mapped.docvars.index.name == "doc_id" and mapped.doc_ids == full.doc_ids
    files = list((tmp_path / "cache" / "spill").glob("*/docvars.arrow"))
    assert len(files) == 1 and files[0].stat().st_size > 0 and len(list((tmp_path / "cache" / "spill").glob("*/arrays.bin"))) == 1
    mapped.release_pages()
    assert mapped.docvars.equals(full.docvars) and mapped.content_digest() == full.content_digest()
    assert mapped.n_chars == memory.n_chars and [list(t.lines) for t in mapped.tasks()] == [list(t.lines) for t in memory.tasks()]
    ngo = mapped.subset(side="ngo")
    assert ngo._pages is not None and ngo.docvars.equals(full.subset(side="ngo").docvars)
    messy = pd.DataFrame({"x": [1, "a"] * 10}, index=pd.Index([f"d{i}" for i in range(20)], name="doc_id"))
    same, pages = sharded.mapped_frame(messy)               # mixed Python objects: kept in memory
    assert pages is None and same is messy


def test_folder_of_part_files(tmp_path):
    lines = DEMO.read_text(encoding="utf-8").splitlines(keepends=True)
    folder = tmp_path / "kokkai"
    folder.mkdir()
    for k, start in enumerate(range(0, len(lines), 50)):      # written out of order: read sorted by name
        (folder / f"part-{k:05d}.jsonl").write_text("".join(lines[start:start + 50]), encoding="utf-8")
    (folder / "manifest.json").write_text("{}", encoding="utf-8")
    shards = plan_file_shards(folder, target_bytes=30_000)
    assert [Path(s.path).name for s in shards] == sorted(Path(s.path).name for s in shards)
    assert len({s.path for s in shards}) == 5
    index = index_corpus(folder, shard_bytes=30_000)
    assert index.doc_ids == read_corpus(DEMO).doc_ids


def test_pieces_cut_at_sentence_starts():
    text = "".join(f"第{i}の文です。" for i in range(300))     # 300 sentences of 7-9 characters
    docs = [Document("short", "短い。"), Document("long", text)]
    pieces, owner, starts = split_pieces(docs, 1000)
    assert pieces[0].doc_id == "short" and owner.tolist()[0] == 0
    long_pieces = [p for p, o in zip(pieces, owner) if o == 1]
    assert "".join(p.text for p in long_pieces) == text
    assert len(long_pieces) == -(-len(text) // 1000) or len(long_pieces) == len(text) // 1000
    assert all(p.text.startswith("第") and p.text.endswith("。") for p in long_pieces)
    assert [s for s, o in zip(starts, owner) if o == 1] == [text.index(p.text) for p in long_pieces]


# --- byte-identical tables ---------------------------------------------------------------------------------
def test_streamed_run_equals_in_memory_run(tmp_path, monkeypatch):
    """Six shards, documents over 1,000 characters in pieces (24 demo documents are longer), frame
    prevalence from the dictionary coder's codes summed per document in the shards, the tokenizers
    remade before every shard (their term tables over a limit of 100 terms): every table is the
    in-memory run's bytes."""
    from discourse.experiment import sharded
    from discourse.framing import _tok
    from discourse.tokenize import shards as tok_shards

    config = _config(tmp_path, True, mention=False)
    memory = _tables(config, ['compute.streaming="off"'], tmp_path / "c1", monkeypatch)
    made = []
    monkeypatch.setattr(sharded, "TERMS_LIMIT", 100)
    monkeypatch.setattr(sharded, "MAPPED_DOCS", 10)                  # docvars and index arrays memory-mapped
    monkeypatch.setattr(sharded, "read_documents", lambda task, f=sharded.read_documents: made.append(
        (id(next(iter(tok_shards._TOOLS.values()), None)), _tok._tokenizer.cache_info().currsize)) or f(task))
    streamed = _tables(config, ['compute.streaming="on"', "compute.shard_bytes=60000", "compute.piece_chars=1000"],
                       tmp_path / "c2", monkeypatch)
    assert {"keyness_G2.csv", "collocations_glob.csv", "cooccurrence_by_side_year.csv", "frequency_bi.csv",
            "frames_prevalence_by_side.csv", "frames_crosstab_side.csv", "frames_gap_state_ngo.csv"} <= set(memory)
    _assert_same(memory, streamed)
    assert len(made) == 6 and all(n == 0 for _, n in made)           # the coders' tokenizers forgotten each time
    assert all(tools == id(None) for tools, _ in made[1:])            # and the counting ones


def test_streamed_run_on_dask_local_cluster(tmp_path, monkeypatch):
    """A LocalCluster of 2 worker processes (they import this checkout through PYTHONPATH)."""
    pytest.importorskip("distributed")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    config = _config(tmp_path, False)
    memory = _tables(config, ['compute.streaming="off"'], tmp_path / "c1", monkeypatch)
    from discourse.experiment import sharded

    monkeypatch.setattr(sharded, "MAPPED_DOCS", 10)                  # the client's index memory-mapped
    streamed = _tables(config, ['compute.scheduler="dask-local:2"', "compute.shard_bytes=100000"], tmp_path / "c2",
                       monkeypatch)
    _assert_same(memory, streamed)
    runs = sorted((tmp_path / "runs" / "streamed").iterdir())
    measures = [json.loads((r / "manifest.json").read_text())["measures"] for r in runs]
    assert sorted(m.get("tokens_shards", 0) for m in measures) == [0, 4]
    assert max(m.get("tokens_worker_peak_rss_mb", 0) for m in measures) > 50


# --- the metric functions accept merged counts -------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_tokens():
    from discourse.tokenize import tokenize

    corpus = read_corpus(DEMO).subset(language="ja")
    return tokenize(corpus.subset(np.arange(len(corpus)) < 80), cache_dir=False, progress=False)


def test_collocations_from_counts_equal_those_from_tokens(demo_tokens):
    from discourse.dtm import DocTermMatrix
    from discourse.metrics import collocations
    from discourse.metrics.collocations import CollocationCounts, span_counts

    dtm = DocTermMatrix._from_one(demo_tokens)
    span, freq = span_counts(demo_tokens, "外国*", window=(2, 4))
    counts = CollocationCounts(dtm, span, freq, "外国*", (2, 4))
    a = collocations(demo_tokens, "外国*", window=(2, 4), by="side", min_count=1)
    b = collocations(counts, "外国*", window=(2, 4), by="side", min_count=1)
    assert len(a) > 50 and a.equals(b) and a.attrs["sizes"] == b.attrs["sizes"]
    assert int(freq.sum()) == int(demo_tokens.match("外国*")[demo_tokens.ids].sum())
    with pytest.raises(ConfigError, match=r"counts were made for node='外国\*', window=\(2, 4\)"):
        collocations(counts, "外国*", window=5)


def test_cooccurrence_from_counts_equals_that_from_tokens(demo_tokens):
    from discourse.metrics import cooccurrence
    from discourse.metrics.association import CooccurrenceCounts, doc_cells, resolve_terms

    cells = doc_cells(demo_tokens, "foreigner", "crime")
    assert cells.shape == (len(demo_tokens), 4) and cells.sum() > 100
    counts = CooccurrenceCounts(cells, demo_tokens.docvars, tuple(resolve_terms("foreigner", "a")),
                                tuple(resolve_terms("crime", "b")))
    a = cooccurrence(demo_tokens, "foreigner", "crime", by="side", n_boot=50)
    b = cooccurrence(counts, "foreigner", "crime", by="side", n_boot=50)
    assert a.equals(b)
    with pytest.raises(ConfigError, match="counts were made for a="):
        cooccurrence(counts, ["移民"], "crime")


def test_prevalence_from_document_counts_equals_that_from_sentences():
    from discourse.framing.data import load_gold_set
    from discourse.metrics import crosstab, prevalence, prevalence_gap
    from discourse.metrics.prevalence import document_counts

    demo = corpora_dir() / "demo" / "annotations"
    gold = load_gold_set(demo / "gold.jsonl", demo / "split.csv")
    labels, frames, docvars = gold.labels, list(gold.frames), read_corpus(DEMO).docvars
    counts = document_counts(labels, frames)
    assert len(counts) == labels["doc_id"].nunique() and counts["n_units"].sum() == len(labels)
    for unit in ("sentence", "document"):
        assert prevalence(labels, docvars, by="side", frames=frames, n_boot=50, unit=unit).equals(
            prevalence(counts, docvars, by="side", frames=frames, n_boot=50, unit=unit))
    assert prevalence_gap(labels, docvars, by="side", target="state", reference="ngo", frames=frames, n_boot=50).equals(
        prevalence_gap(counts, docvars, by="side", target="state", reference="ngo", frames=frames, n_boot=50))
    assert crosstab(labels, docvars, by="side", frames=frames).equals(crosstab(counts, docvars, by="side", frames=frames))


def test_dispersion_in_row_blocks_equals_the_whole_matrix_formula():
    """DP over 10,000 documents (three blocks of rows) is bit for bit the one-pass formula."""
    from scipy import sparse

    from discourse.dtm import column_sums
    from discourse.metrics.dispersion import dispersion

    rs = np.random.default_rng(3)
    r, c = np.sort(rs.integers(0, 10_000, 200_000)), rs.zipf(1.4, 200_000) % 3000
    X = sparse.csr_matrix((rs.integers(1, 4, 200_000).astype(np.int32), (r, c)), shape=(10_000, 3000))
    rows = rs.random(10_000) < 0.6
    sub = X[rows].tocoo()
    sizes = np.asarray(X[rows].sum(axis=1), dtype=np.float64).ravel()
    share, freq = sizes / sizes.sum(), np.asarray(X[rows].sum(axis=0), dtype=np.float64).ravel()
    contrib = np.abs(sub.data / freq[sub.col] - share[sub.row]) - share[sub.row]
    expected = np.where(freq > 0, 0.5 * (np.bincount(sub.col, weights=contrib, minlength=3000) + 1.0), np.nan)
    rng, dp = dispersion(X, rows)
    assert dp.tobytes() == expected.tobytes() and rng.tolist() == np.bincount(sub.col, minlength=3000).tolist()
    assert column_sums(X, rows).tolist() == np.asarray(X[rows].sum(axis=0)).ravel().tolist()


@pytest.mark.slow
def test_memory_benchmark_prints_peaks_and_ratio(tmp_path):
    """``benchmarks/memory.py`` on tiny corpora (the real sizes take many minutes: ``make bench``)."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "memory.py"), "--mb", "0.3", "0.6", "--baseline-mb",
                          "0.3", "--shard-mb", "0.2", "--out", str(tmp_path)], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout
    peaks = [float(x) for x in __import__("re").findall(r"peak RSS (\d+) MB", out)]
    assert len(peaks) == 3 and all(100 < p < 4000 for p in peaks)
    assert "in memory (baseline), 0.3 MB" in out and "peak ratio 0.6 MB / 0.3 MB" in out
