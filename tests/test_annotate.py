"""Annotation export/import (CSV with BOM, XLSX) with validation, and active-learning selection."""
from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pytest

from discourse.framing import (AnnotationError, FramingClassifier, export_annotation, import_annotation, load_codebook,
                               load_gold_set, rank_for_annotation, uncertainty)
from discourse.framing.annotate import text_hash
from discourse.framing.evaluate import sentence_inputs

FRAMES = list(load_codebook().ids)


@pytest.fixture()
def sentences():
    return pd.DataFrame({"sent_id": ["d1:000", "d1:001", "d1:002", "d2:000"], "doc_id": ["d1", "d1", "d1", "d2"],
                         "text": ["外国人犯罪が増えた。", "しかし割合は2%だ。", "差別をやめよう。", "Detention must end."]})


@pytest.fixture()
def docvars():
    return pd.DataFrame({"side": ["ngo", "international"], "date": ["2004-05-01", "2006"], "year": [2004, 2006]},
                        index=pd.Index(["d1", "d2"], name="doc_id"))


def _rows(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def _write(path, rows):
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)


def test_csv_export_has_bom_context_metadata_and_frame_columns(tmp_path, sentences, docvars):
    path = export_annotation(sentences.iloc[[1, 3]], tmp_path / "a.csv", docvars=docvars, context_source=sentences)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    header, first, second = _rows(path)
    assert header[:5] == ["sent_id", "doc_id", "side", "date", "year"]
    assert header[-2:] == ["notes", "text_hash"] and header[8:-2] == FRAMES
    row = dict(zip(header, first))
    assert row["context_before"] == "外国人犯罪が増えた。" and row["context_after"] == "差別をやめよう。"
    assert row["text"] == "しかし割合は2%だ。" and row["text_hash"] == text_hash(row["text"])
    assert all(row[f] == "" for f in FRAMES) and row["side"] == "ngo"
    assert dict(zip(header, second))["context_before"] == ""           # no context across documents


def test_round_trip_csv_and_xlsx(tmp_path, sentences, docvars):
    for name in ("a.csv", "a.xlsx"):
        path = export_annotation(sentences, tmp_path / name, docvars=docvars)
        if name.endswith(".csv"):
            rows = _rows(path)
            h = rows[0]
            rows[2][h.index("statistical_rebuttal")] = "1"
            rows[3][h.index("discrimination")] = "1"
            rows[3][h.index("human_rights")] = "0"
            rows[2][h.index("notes")] = "concession"
            _write(path, rows)
        else:
            from openpyxl import load_workbook

            wb = load_workbook(path)
            ws = wb["annotation"]
            h = [c.value for c in ws[1]]
            assert ws.data_validations.dataValidation and wb.sheetnames == ["annotation", "codebook"]
            ws.cell(row=3, column=h.index("statistical_rebuttal") + 1, value=1)
            ws.cell(row=4, column=h.index("discrimination") + 1, value=1)
            ws.cell(row=4, column=h.index("human_rights") + 1, value=0)
            ws.cell(row=3, column=h.index("notes") + 1, value="concession")
            wb.save(path)
        labels = import_annotation(path)
        assert list(labels.columns) == ["doc_id", "sent_id", "text", *FRAMES]
        assert labels["statistical_rebuttal"].tolist() == [0, 1, 0, 0]
        assert labels["discrimination"].tolist() == [0, 0, 1, 0]
        assert labels[FRAMES].to_numpy().sum() == 2
        assert labels.attrs["notes"] == {"d1:001": "concession"}
        assert labels.attrs["blank"] == ["d1:000", "d2:000"]


def test_import_reports_every_problem_with_row_and_column(tmp_path, sentences):
    path = export_annotation(sentences, tmp_path / "a.csv")
    rows = _rows(path)
    h = list(rows[0])
    rows[0][h.index("discrimination")] = "discrimnation"             # typo in a frame column
    _write(path, rows)
    with pytest.raises(AnnotationError) as info:
        import_annotation(path)
    msg = str(info.value)
    letter = chr(ord("A") + h.index("discrimination"))
    assert f"row 1, column {letter}: unknown frame column 'discrimnation' (did you mean 'discrimination'?)" in msg
    assert "column 'discrimination' is missing" in msg and str(path) in msg

    rows[0][h.index("discrimination")] = "discrimination"
    rows[2][h.index("text")] = "しかし割合は3%だ。"                   # text edited after export
    rows[3][h.index("sent_id")] = "d1:000"                             # duplicate id
    rows[4][h.index("crime_threat")] = "yes"                           # bad value
    rows[1][h.index("integration")] = "2"
    _write(path, rows)
    with pytest.raises(AnnotationError) as info:
        import_annotation(path)
    problems = info.value.problems
    col = lambda f: chr(ord("A") + h.index(f))  # noqa: E731
    assert f"row 3, column {col('text')} (text): sentence 'd1:001' was changed since export" in problems[1]
    assert f"row 4, column A (sent_id): sent_id 'd1:000' duplicates row 2" == problems[2]
    assert any(p == f"row 5, column {col('crime_threat')} (crime_threat): value 'yes' is not 0, 1 or blank" for p in problems)
    assert any(p.startswith(f"row 2, column {col('integration')} (integration): value '2'") for p in problems)
    assert len(problems) == 4


def test_excel_numbers_and_booleans_are_accepted(tmp_path, sentences):
    from openpyxl import load_workbook

    path = export_annotation(sentences.head(2), tmp_path / "a.xlsx")
    wb = load_workbook(path)
    ws = wb["annotation"]
    h = [c.value for c in ws[1]]
    ws.cell(row=2, column=h.index("crime_threat") + 1, value=1.0)
    ws.cell(row=3, column=h.index("crime_threat") + 1, value="0")
    wb.save(path)
    assert import_annotation(path)["crime_threat"].tolist() == [1, 0]


def test_uncertainty_formula_by_hand():
    p = np.array([[0.30, 0.90, 0.05], [0.10, 0.40, 0.20]])
    t = np.array([0.30, 0.60, 0.10])
    u = uncertainty(p, t)
    # row 0: at threshold -> 1; 0.9 above 0.6: 1 - 0.3/0.4 = 0.25; 0.05 below 0.1: 1 - 0.05/0.1 = 0.5
    np.testing.assert_allclose(u[0], [1.0, 0.25, 0.5])
    np.testing.assert_allclose(u[1], [1 - 0.2 / 0.3, 1 - 0.2 / 0.6, 1 - 0.1 / 0.9])


def test_active_learning_ranks_uncertain_sentences_with_a_cap_per_document():
    gold = load_gold_set()
    train = gold.train()
    keep = sorted(train["doc_id"].unique())[:60]
    X, Y = sentence_inputs(train[train["doc_id"].isin(keep)], gold.frames)
    model = FramingClassifier().fit(X, Y)
    pool = gold.test()[["sent_id", "doc_id", "text", "language"]]
    done = set(pool["sent_id"][:50])
    pick = rank_for_annotation(model, pool, n=30, per_doc=2, exclude=done)
    assert len(pick) == 30 and pick["rank"].tolist() == list(range(1, 31))
    assert not set(pick["sent_id"]) & done
    assert pick.groupby("doc_id").size().max() <= 2
    # round robin: the first picks are each document's most uncertain sentence, from distinct documents
    first = pick.head(pick["doc_id"].nunique())
    assert first["doc_id"].is_unique
    u = uncertainty(model.predict_proba(pool).to_numpy(), model.proba_thresholds_).sum(axis=1)
    scored = pool.assign(u=u)
    scored = scored[~scored["sent_id"].isin(done)]
    assert pick["uncertainty"].iloc[0] == pytest.approx(scored["u"].max())
    best_per_doc = scored.groupby("doc_id")["u"].max().sort_values(ascending=False)
    assert list(first["doc_id"][:5]) == list(best_per_doc.index[:5])
