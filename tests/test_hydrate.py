"""Shipped annotations (hash + frames, no text) attach to a fetched corpus by sentence hash; a changed
page is reported, never mis-aligned."""
from __future__ import annotations

import hashlib
import json

import pytest

from discourse.corpus import Corpus, Document
from discourse.errors import CorpusError
from discourse.framing.data import load_gold_set
from discourse.framing.hydrate import hydrate, read_annotations


def h(s: str) -> str:
    return hashlib.sha256(s.encode("utf-8")).hexdigest()


S1, S2, S3 = "来日外国人犯罪は増加の一途をたどっている。", "私たちは排外的な言説に反対します。", "外国人の人権を守る必要がある。"


def annotations(tmp_path, rows):
    path = tmp_path / "ann.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


def test_labels_attach_by_hash_and_changes_are_reported(tmp_path):
    corpus = Corpus([Document("npa-1", "前置き。" + S1, side="state"),
                     Document("ngo-1", S2 + "共生社会を、求めます。", side="ngo")])   # the page changed: 共生社会を求めます。 edited
    path = annotations(tmp_path, [
        {"doc_id": "npa-1", "sha256": h(S1), "frames": ["crime_threat", "statistical_threat"]},
        {"doc_id": "ngo-1", "sha256": h(S2), "frames": ["discrimination"]},
        {"doc_id": "ngo-1", "sha256": h("共生社会を求めます。"), "frames": ["integration"]},
        {"doc_id": "gone-1", "sha256": h(S3), "frames": ["human_rights"]},
    ])
    result = hydrate(path, corpus)
    gold = result.gold.set_index("doc_id")
    assert gold.loc["npa-1", "text"] == S1 and gold.loc["npa-1", "sent_id"] == "npa-1:001"
    assert corpus["npa-1"].text[gold.loc["npa-1", "start"]:gold.loc["npa-1", "end"]] == S1
    assert gold.loc["ngo-1", "frames"] == ["discrimination"]
    report = result.report.set_index("doc_id")
    assert report.loc["ngo-1", "status"] == "changed" and report.loc["ngo-1", "n_missing"] == 1
    assert report.loc["gone-1", "status"] == "missing_document" and report.loc["npa-1", "status"] == "ok"
    assert sorted(result.missing["reason"]) == ["document not in the corpus", "sentence not found (the page changed)"]
    # the hydrated file is an ordinary gold file
    out = result.write_gold(tmp_path / "gold.jsonl")
    (tmp_path / "split.csv").write_text("doc_id,split\nnpa-1,train\nngo-1,test\n", encoding="utf-8")
    gs = load_gold_set(out, tmp_path / "split.csv")
    assert len(gs.labels) == 2 and gs.labels.set_index("doc_id").loc["npa-1", "crime_threat"] == 1


@pytest.mark.parametrize("row,message", [
    ({"doc_id": "a", "sha256": "abc", "frames": []}, "line 1: field 'sha256'"),
    ({"doc_id": "a", "sha256": "0" * 64, "frames": ["crime_threatt"]}, "line 1: field 'frames': unknown frames \\['crime_threatt'\\]"),
    ({"doc_id": "a", "frames": []}, "line 1: missing keys \\['sha256'\\]"),
])
def test_bad_annotation_lines(tmp_path, row, message):
    with pytest.raises(CorpusError, match=message):
        read_annotations(annotations(tmp_path, [row]))


def test_cli_hydrate_exit_codes(tmp_path, capsys):
    from discourse.cli import main

    corpus_path = tmp_path / "fetched.jsonl"
    Corpus([Document("npa-1", "前置き。" + S1, side="state")]).to_jsonl(corpus_path)
    ok = annotations(tmp_path, [{"doc_id": "npa-1", "sha256": h(S1), "frames": ["crime_threat"]}])
    assert main(["frames", "hydrate", str(ok), "--corpus", str(corpus_path), "-o", str(tmp_path / "g.jsonl")]) == 0
    assert json.loads((tmp_path / "g.jsonl").read_text(encoding="utf-8"))["text"] == S1
    (tmp_path / "more.jsonl").write_text(ok.read_text(encoding="utf-8") + json.dumps(
        {"doc_id": "npa-1", "sha256": h(S3), "frames": []}) + "\n", encoding="utf-8")
    code = main(["frames", "hydrate", str(tmp_path / "more.jsonl"), "--corpus", str(corpus_path), "-o", str(tmp_path / "g2.jsonl"),
                 "--report", str(tmp_path / "r.csv")])
    assert code == 3 and "1 annotation(s) (page changed or not fetched) skipped" in capsys.readouterr().err
    assert "changed" in (tmp_path / "r.csv").read_text(encoding="utf-8-sig")
