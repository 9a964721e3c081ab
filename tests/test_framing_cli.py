"""`discourse frames ...` verbs, run through ``discourse.cli.main`` on small files."""
from __future__ import annotations

import csv
import json

import pandas as pd
import pytest

from discourse.cli import main
from discourse.resources import resource


def run(argv: list[str]) -> int:
    return main(["frames", *argv])


@pytest.fixture(scope="module")
def small_gold(tmp_path_factory):
    """A gold file and split with 36 documents (24 train, 12 test) of the demo corpus."""
    folder = tmp_path_factory.mktemp("gold")
    split = pd.read_csv(resource("demo", "annotations", "split.csv"))
    ja = split[split["language"] == "ja"]
    keep = pd.concat([ja[ja["split"] == "train"].head(24), ja[ja["split"] == "test"].head(12)])
    keep.to_csv(folder / "split.csv", index=False)
    lines = [line for line in resource("demo", "annotations", "gold.jsonl").read_text(encoding="utf-8").splitlines()
             if json.loads(line)["doc_id"] in set(keep["doc_id"])]
    (folder / "gold.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_code_with_codebook_rules_and_user_rules(tmp_path, capsys):
    corpus = str(resource("demo", "corpus.jsonl"))
    assert run(["code", corpus, "-o", str(tmp_path / "labels.csv"), "--documents", str(tmp_path / "docs.csv")]) == 0
    labels = pd.read_csv(tmp_path / "labels.csv")
    assert {"doc_id", "sent_id", "text", "crime_threat"} <= set(labels.columns) and len(labels) > 2000
    assert "coded" in capsys.readouterr().out
    rules = tmp_path / "mine.txt"
    rules.write_text('*state_fear\nside == "state" and (治安 or 不安)\n', encoding="utf-8")
    assert run(["code", corpus, "--rules", str(rules), "-o", str(tmp_path / "mine.csv")]) == 0
    mine = pd.read_csv(tmp_path / "mine.csv")
    sides = dict(line.split(",")[:2] for line in resource("demo", "annotations", "split.csv").read_text().splitlines()[1:])
    coded = mine[mine["state_fear"] == 1]
    assert len(coded) > 10 and {sides[d] for d in coded["doc_id"]} == {"state"}


def test_train_evaluate_export_import_agreement(small_gold, tmp_path, capsys):
    g, s = str(small_gold / "gold.jsonl"), str(small_gold / "split.csv")
    assert run(["train", "--gold", g, "--split", s, "-o", str(tmp_path / "model")]) == 0
    assert (tmp_path / "model" / "arrays.npz").is_file()
    assert run(["evaluate", "--gold", g, "--split", s, "--C", "10", "--n-boot", "50", "--no-learning",
                "-o", str(tmp_path / "eval")]) == 0
    out = capsys.readouterr().out
    assert "classifier macro-F1" in out and "| frame | support |" in out
    table = pd.read_csv(tmp_path / "eval" / "frames_evaluation.csv")
    assert {"classifier_f1", "dictionary_f1"} <= set(table.columns)
    summary = pd.read_csv(tmp_path / "eval" / "frames_summary.csv")
    assert summary["coder"].tolist() == ["classifier", "dictionary"] and "lrap" in summary.columns
    corpus = str(resource("demo", "corpus.jsonl"))
    sheet = tmp_path / "next.xlsx"
    assert run(["annotate-export", corpus, "-o", str(sheet), "--model", str(tmp_path / "model"), "--n", "12",
                "--exclude", g]) == 0
    assert run(["annotate-import", str(sheet), "-o", str(tmp_path / "coded.csv")]) == 0
    coded = pd.read_csv(tmp_path / "coded.csv")
    assert len(coded) == 12 and coded["crime_threat"].sum() == 0
    # agreement of the gold file with itself on the exported sheet's sentences
    csv_sheet = tmp_path / "sample.csv"
    assert run(["annotate-export", corpus, "-o", str(csv_sheet), "--n", "20", "--seed", "1"]) == 0
    rows = list(csv.reader(open(csv_sheet, encoding="utf-8-sig", newline="")))
    rows[1][rows[0].index("crime_threat")] = "1"
    with open(tmp_path / "other.csv", "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    capsys.readouterr()
    assert run(["agreement", str(csv_sheet), str(tmp_path / "other.csv"), "-o", str(tmp_path / "agree.csv")]) == 0
    agree = pd.read_csv(tmp_path / "agree.csv").set_index("frame")
    assert agree.loc["crime_threat", "n_first"] == 0 and agree.loc["crime_threat", "n_second"] == 1
    assert agree.loc["crime_threat", "pct_agree"] == pytest.approx(19 / 20)
    assert "20 sentences coded in both" in capsys.readouterr().out


def _error(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("discourse: error: ") == 1, err
    return err


def test_frames_errors_are_one_line(tmp_path, capsys):
    corpus = str(resource("demo", "corpus.jsonl"))
    assert run(["code", corpus, "--rules", "r.txt", "--model", "m", "-o", str(tmp_path / "l.csv")]) == 1
    assert "give either --rules (dictionary coding) or --model (classifier), not both" in _error(capsys)
    assert run(["code", corpus, "-o", str(tmp_path)]) == 1
    assert f"-o {tmp_path}: is a folder" in _error(capsys)
    assert run(["code", corpus, "-o", str(tmp_path / "l.csv"), "--documents", str(tmp_path / "no" / "d.csv")]) == 1
    assert f"--documents {tmp_path / 'no' / 'd.csv'}: the folder {tmp_path / 'no'} does not exist" in _error(capsys)
    (tmp_path / "model").write_text("not a folder")
    assert run(["train", "-o", str(tmp_path / "model")]) == 1
    assert "is a file, not a folder" in _error(capsys)
    assert run(["code", str(tmp_path / "none.jsonl"), "-o", str(tmp_path / "l.csv")]) == 1
    assert "none.jsonl: no such file or folder" in _error(capsys)
    assert not (tmp_path / "l.csv").exists()
    assert run(["code", corpus]) == 2     # -o is required: a usage error
