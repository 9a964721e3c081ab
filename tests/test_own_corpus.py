"""End to end with a researcher's own corpus: two (constructed) newspapers compared by an ``outlet``
docvar, no ``side`` at all; imported from a folder of .txt files plus metadata.csv, validated and
run with reduced settings; values in the tables checked by hand; the report names the outlets."""
from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pandas as pd
import pytest

from discourse.cli import main
from discourse.experiment import load_experiment, run_experiment, validate_inputs

# Our own constructed texts (no third-party text): a crime-and-order paper and a rights paper.
DOCS = {
    "y1": ("yomiuri_like", "2018-04-02", "外国人による犯罪が増えたと警察は発表した。治安の悪化を心配する声が多い。警察は取り締まりを強化する。"),
    "y2": ("yomiuri_like", "2018-09-10", "治安を守るため、入国管理を厳しくするべきだ。不法滞在の摘発が続いている。"),
    "y3": ("yomiuri_like", "2019-03-15", "外国人の犯罪は組織化していると当局は指摘した。治安のための予算が増えた。"),
    "y4": ("yomiuri_like", "2019-11-20", "警察は繁華街の治安について住民に説明した。防犯カメラを増やす計画がある。"),
    "y5": ("yomiuri_like", "2020-06-01", "外国人が関わる犯罪の検挙件数が公表された。治安の維持が課題だ。"),
    "y6": ("yomiuri_like", "2020-12-08", "入国管理の強化で不法滞在は減ったと政府は説明した。"),
    "a1": ("asahi_like", "2018-05-12", "外国人の人権を守る取り組みが広がっている。差別をなくすための条例ができた。"),
    "a2": ("asahi_like", "2018-10-03", "多文化共生の地域づくりについて市民が話し合った。日本語教室が人気だ。"),
    "a3": ("asahi_like", "2019-02-21", "外国人を犯罪と結びつける報道は偏見を生むと専門家は批判した。差別の被害が相談された。"),
    "a4": ("asahi_like", "2019-08-30", "技能実習生の労働環境を改善するよう支援団体が求めた。人権の保障が必要だ。"),
    "a5": ("asahi_like", "2020-04-17", "外国人の子どもの教育を支える活動が続いている。多文化共生の学校が増えた。"),
    "a6": ("asahi_like", "2020-10-25", "差別的な言動に反対する集会が開かれた。人権の尊重を訴えた。"),
}

CONFIG = """# Research question: does the crime-and-order paper use different words and frames than the rights paper?
name = "two_papers"
seed = 7

[compare]
by = "outlet"
target = "yomiuri_like"
reference = "asahi_like"
over = "year"

[corpus]
path = "corpus.jsonl"

[dtm]
min_termfreq = 1
min_docfreq = 1
max_docfreq = 1.0

[topics]
enabled = true
n_topics = 2
passes = 2
iterations = 20
n_draws = 3
n_boot = 20

[framing]
enabled = true
annotations = "{annotations}"
split = "{split}"
prevalence_labels = "dictionary"
tune_C = false
learning_curve = false
n_boot = 20

[outputs]
dir = "runs"

[[metrics]]
kind = "keyness"
params = {{ measure = "G2" }}

[[metrics]]
kind = "collocations"
params = {{ node = "外国人", window = [3, 3], min_count = 1 }}

[[metrics]]
kind = "cooccurrence"
name = "foreigner_crime"
params = {{ a = ["外国人"], b = ["犯罪"], n_boot = 20 }}
"""


def _write_folder(folder: Path) -> None:
    folder.mkdir()
    rows = ["file,doc_id,outlet,date,title,language"]
    for doc_id, (outlet, date, text) in DOCS.items():
        (folder / f"{doc_id}.txt").write_text(text + "\n", encoding="utf-8")
        rows.append(f"{doc_id}.txt,{doc_id},{outlet},{date},{outlet} {date},ja")
    (folder / "metadata.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


def _g2(a: int, b: int, c: int, d: int) -> float:
    """Log-likelihood of the 2x2 table [[a, b], [c, d]] (term, other terms) x (target, reference), signed."""
    n = a + b + c + d
    cells = [(a, (a + b) * (a + c) / n), (b, (a + b) * (b + d) / n), (c, (c + d) * (a + c) / n), (d, (c + d) * (b + d) / n)]
    g2 = 2 * sum(o * math.log(o / e) for o, e in cells if o > 0)
    return g2 if a > cells[0][1] else -g2


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    root = tmp_path_factory.mktemp("study")
    _write_folder(root / "texts")
    assert main(["corpus", "import", str(root / "texts"), "-o", str(root / "corpus.jsonl")]) == 0
    lines = (root / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    if len(lines) < len(DOCS):
        pytest.skip("this loader still requires a 'side' docvar (side becomes an ordinary docvar with the loader change)")
    annotations = Path(__file__).resolve().parents[1] / "corpora" / "demo" / "annotations"
    config = root / "two_papers.toml"
    config.write_text(CONFIG.format(annotations=(annotations / "gold.jsonl").as_posix(),
                                    split=(annotations / "split.csv").as_posix()), encoding="utf-8")
    return root, config


@pytest.fixture(scope="module")
def run(study):
    root, config = study
    mp = pytest.MonkeyPatch()
    mp.setenv("DISCOURSE_CACHE", str(root / "cache"))
    try:
        cfg = load_experiment(config)
        lines = validate_inputs(cfg)
        out = run_experiment(cfg)
    finally:
        mp.undo()
    return cfg, lines, out


def test_import_keeps_outlet_and_no_side(study):
    root, _ = study
    records = [json.loads(line) for line in (root / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r["doc_id"]: r["outlet"] for r in records} == {k: v[0] for k, v in DOCS.items()}
    assert not any(r.get("side") for r in records)


def test_validate_reports_the_comparison(run):
    cfg, lines, _ = run
    assert "compare outlet: yomiuri_like vs asahi_like (12 documents), over year" in lines
    assert cfg.metrics[0].params == {"measure": "G2", "by": "outlet", "target": "yomiuri_like", "reference": "asahi_like"}


def test_corpus_summary_counts_documents_by_outlet_and_year(run):
    _, _, out = run
    summary = pd.read_csv(out / "tables" / "corpus_summary.csv", dtype={"value": str})
    outlet = summary[summary["by"] == "outlet"].set_index("value")
    assert outlet["n_docs"].to_dict() == {"asahi_like": 6, "yomiuri_like": 6}
    chars = {o: sum(len(t) + 0 for oo, _, t in DOCS.values() if oo == o) for o in ("asahi_like", "yomiuri_like")}
    assert all(abs(outlet.loc[o, "n_chars"] - chars[o]) <= 6 for o in chars)   # text as imported (a final newline each at most)
    assert summary[summary["by"] == "year"].set_index("value")["n_docs"].to_dict() == {"2018": 4, "2019": 4, "2020": 4}
    assert "side" not in set(summary["by"])


def test_keyness_row_by_hand(run):
    _, _, out = run
    table = pd.read_csv(out / "tables" / "keyness.csv")
    row = table.set_index("term").loc["治安"]
    # 治安 is written 5 times in the yomiuri_like texts and never in the asahi_like ones
    assert sum(t.count("治安") for o, _, t in DOCS.values() if o == "yomiuri_like") == 5
    assert (row["n_target"], row["n_reference"]) == (5, 0)
    n_t, n_r = int(table["n_target"].sum()), int(table["n_reference"].sum())      # all tokens of each paper
    assert row["G2"] == pytest.approx(_g2(5, 0, n_t - 5, n_r), rel=1e-9)
    assert table.set_index("term").loc["人権", "G2"] < 0                           # the other paper's word


def test_cooccurrence_with_custom_terms_by_hand(run):
    _, _, out = run
    table = pd.read_csv(out / "tables" / "cooccurrence_foreigner_crime.csv").set_index("outlet")
    # sentences with 外国人 and 犯罪: y1, y3, y5 (yomiuri_like) and a3 (asahi_like)
    assert table.loc["yomiuri_like", "n_both"] == 3 and table.loc["asahi_like", "n_both"] == 1
    assert table.loc["yomiuri_like", "n_a"] == 3 and table.loc["asahi_like", "n_a"] == 3
    assert table.loc["yomiuri_like", "p_b_given_a"] == pytest.approx(1.0)


def test_tables_of_every_stage_use_the_outlets(run):
    _, _, out = run
    names = {p.stem for p in (out / "tables").glob("*.csv")}
    assert {"collocations", "topics_contrast_yomiuri_like_asahi_like", "topics_prevalence_by_outlet", "topics_effects",
            "frames_prevalence_by_outlet", "frames_gap_yomiuri_like_asahi_like", "frames_prevalence_by_outlet_year"} <= names
    gap = pd.read_csv(out / "tables" / "frames_gap_yomiuri_like_asahi_like.csv")
    assert set(gap.columns) >= {"frame", "share_target", "share_reference", "gap"}
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "ok" and manifest["n_problems"] == 0
    assert manifest["provenance"]["n_test_docs_in_corpus"] == 0


def test_report_names_the_outlets_and_says_whose_scores_the_classifier_has(run):
    _, _, out = run
    page = re.sub(r"data:[a-z/]+;base64,[A-Za-z0-9+/=]+", "", (out / "report.html").read_text(encoding="utf-8"))
    assert "yomiuri_like" in page and "asahi_like" in page
    assert not re.search(r"\b(state|ngo|NGO)\b", page)
    assert "None of those test documents is in this corpus" in page and "(none of them in this corpus)" in page
    assert "the dictionary coder" in page
