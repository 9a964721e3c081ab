"""The real-corpus recipe (corpora/real): references only, valid, on target; the checker works."""
from __future__ import annotations

import csv
import datetime
import hashlib
import importlib.util
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "corpora" / "real"


def _load_check():
    spec = importlib.util.spec_from_file_location("real_check", REAL / "check.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check = _load_check()


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    # read with the csv module, independently of the checker's pandas reader
    with open(REAL / "recipe.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_header_is_exactly_the_documented_columns():
    with open(REAL / "recipe.csv", encoding="utf-8") as handle:
        header = handle.readline().rstrip("\n")
    assert header == "id,url,side,actor,genre,date,title,language,licence,sha256"


def test_ids_and_urls_are_unique(rows):
    ids = [r["id"] for r in rows]
    urls = [r["url"] for r in rows]
    assert len(set(ids)) == len(ids)
    assert len(set(urls)) == len(urls)
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9-]*[a-z0-9]", i) for i in ids)


def test_dates_are_real_days_or_years_in_range(rows):
    for r in rows:
        d = r["date"]
        if len(d) == 4:
            year = int(d)
        else:
            year = datetime.date.fromisoformat(d).year  # raises on 2021-02-30 or 2021-02
            assert len(d) == 10, d
        assert 1990 <= year <= 2026, r["id"]


def test_sides_genres_languages_licences_are_from_the_codebook(rows):
    assert {r["side"] for r in rows} <= {"state", "ngo", "media", "international"}
    assert {r["genre"] for r in rows} <= {"white_paper", "press_release", "statement", "report",
                                         "newsletter", "speech", "testimony"}
    assert {r["language"] for r in rows} <= {"ja", "en"}
    assert {r["licence"] for r in rows} <= {"pdl-1.0", "gov-standard-terms", "copyright-act-art40", "copyright"}


def test_urls_are_http_and_on_no_mirror_host(rows):
    mirrors = ("vdocuments", "paperzz", "happylibus", "123deta", "expydoc", "docslib", "megalodon",
               "web.archive.org", "asyura", "5ch.net", "2ch", "wikipedia", "wikizero", "blogspot",
               "hatena", "note.com", "amazonaws")
    for r in rows:
        parts = urlsplit(r["url"])
        assert parts.scheme in ("http", "https") and parts.hostname, r["id"]
        assert not any(m in parts.hostname for m in mirrors), r["url"]


def test_state_white_papers_come_from_the_ministries_own_sites(rows):
    hosts = {urlsplit(r["url"]).hostname for r in rows if r["genre"] == "white_paper"}
    assert hosts <= {"www.npa.go.jp", "hakusyo1.moj.go.jp"}
    # NGO texts are under ordinary copyright; government pages under the government's open terms,
    # the NPA's site under the public data licence its terms page names
    assert {r["licence"] for r in rows if r["side"] == "ngo"} == {"copyright"}
    assert {r["licence"] for r in rows if r["side"] == "state"} <= {"pdl-1.0", "gov-standard-terms"}
    assert all(r["licence"] == "pdl-1.0" for r in rows if urlsplit(r["url"]).hostname == "www.npa.go.jp")


def test_sha256_column_is_empty_or_hex(rows):
    assert all(r["sha256"] == "" or re.fullmatch(r"[0-9a-f]{64}", r["sha256"]) for r in rows)


def test_counts_meet_the_sampling_targets(rows):
    assert len(rows) >= 150
    assert sum(r["side"] == "state" for r in rows) >= 60
    assert sum(r["side"] == "ngo" for r in rows) >= 40
    assert len({r["date"][:4] for r in rows}) >= 12


def test_checker_finds_no_problem_in_the_shipped_recipe():
    recipe = check.load_recipe()
    assert check.validate_recipe(recipe) == []
    assert check.target_problems(recipe) == []


def test_checker_reports_line_field_and_value_of_bad_rows():
    recipe = check.load_recipe().head(3).copy()
    recipe.loc[1, "id"] = recipe.loc[0, "id"]
    recipe.loc[2, "date"] = "2021-02-30"
    recipe.loc[2, "url"] = "https://vdocuments.pub/some-npa-paper.html"
    recipe.loc[0, "side"] = "State"
    problems = check.validate_recipe(recipe)
    assert "recipe.csv line 2: side='State' (expected one of ('state', 'ngo', 'media', 'international'))" in problems
    assert any(p.startswith("recipe.csv line 3: id ") and "line 2" in p for p in problems)
    assert any(p.startswith("recipe.csv line 4: url='https://vdocuments.pub/") for p in problems)
    assert any(p.startswith("recipe.csv line 4: date='2021-02-30'") for p in problems)
    assert len(problems) == 4


def test_checker_flags_wrong_columns():
    recipe = check.load_recipe().rename(columns={"licence": "license"})
    assert check.validate_recipe(recipe)[0].startswith("recipe.csv: columns are")


def test_compare_statuses_against_hashlib(tmp_path):
    recipe = pd.DataFrame({"id": ["a", "b", "c", "d"], "sha256": [
        hashlib.sha256("外国人".encode("utf-8")).hexdigest(), "0" * 64, "", ""]})
    corpus = tmp_path / "corpus.jsonl"
    lines = [{"doc_id": "a", "text": "外国人"}, {"doc_id": "b", "text": "犯罪"},
             {"doc_id": "c", "text": "治安"}, {"doc_id": "z", "text": "共生"}]
    corpus.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    result = check.compare(recipe, check.read_corpus(corpus))
    assert result[["id", "status"]].values.tolist() == [
        ["a", "ok"], ["b", "sha256_mismatch"], ["c", "unchecked"], ["d", "missing"], ["z", "extra"]]
    assert result.loc[result["id"] == "z", "corpus_sha256"].item() == hashlib.sha256("共生".encode()).hexdigest()


def test_main_exit_status_and_report(tmp_path, capsys):
    recipe = check.load_recipe()
    first = recipe["id"].iloc[0]
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"doc_id": first, "text": "x"}) + "\n", encoding="utf-8")
    assert check.main([str(corpus)]) == 1  # every other recipe id is missing
    out = capsys.readouterr().out
    assert f"missing ({len(recipe) - 1}):" in out
    assert "unchecked" in out


def test_count_table_matches_a_manual_count(rows):
    table = check.count_table(check.load_recipe(), "year").set_index("year")
    manual: dict[tuple[str, str], int] = {}
    for r in rows:
        key = (r["date"][:4], r["side"])
        manual[key] = manual.get(key, 0) + 1
    for (year, side), n in manual.items():
        assert table.loc[year, side] == n
    assert table["total"].sum() == len(rows)


def test_readme_tables_are_in_sync_with_the_recipe():
    text = (REAL / "README.md").read_text(encoding="utf-8")
    block = text.split(check.START, 1)[1].split(check.END, 1)[0].strip()
    assert block == check.tables_markdown(check.load_recipe()).strip()


def test_diet_queries_are_valid_and_use_only_fetch_options():
    data = check.load_diet_queries()
    assert check.validate_diet_queries(data) == []
    assert len(data["query"]) >= 10
    for query in data["query"]:
        assert set(query) <= {"id", "any", "from", "until", "speaker", "house", "meeting", "params"}
        assert query["from"] >= "1990-01-01"
    assert all(re.fullmatch(r"\d{9}X\d{11}_\d{3}", s) for s in data["speech_ids"])


def test_diet_query_validator_catches_bad_queries():
    bad = {"query": [{"id": "x", "any": "外国人", "from": "1990-13-01", "until": "1989-01-01", "house": "上院"},
                     {"id": "x", "from": "1990-01-01", "until": "2000-01-01", "house": "衆議院", "nameOfHouse": "衆議院"}],
           "speech_ids": ["115913206X00220030312_001", "12345"]}
    problems = check.validate_diet_queries(bad)
    assert any("from='1990-13-01'" in p for p in problems)
    assert any("house='上院'" in p for p in problems)
    assert any("unknown keys ['nameOfHouse']" in p for p in problems)
    assert any("give search words" in p for p in problems)
    assert any("unique" in p for p in problems)
    assert any("'12345'" in p for p in problems)
    assert not any("'115913206X00220030312_001'" in p for p in problems)


def test_datasheet_reports_the_agreement_the_package_computes():
    import importlib.util

    spec = importlib.util.spec_from_file_location("real_agreement", Path(__file__).resolve().parents[1] / "corpora" / "real" / "agreement.py")
    agreement = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(agreement)
    per_frame, sets = agreement.agreement_table().set_index("frame"), agreement.set_table().iloc[0]
    readme = (Path(__file__).resolve().parents[1] / "corpora" / "real" / "README.md").read_text(encoding="utf-8")
    pooled = per_frame.loc["(pooled frame decisions)"]
    assert f"| (pooled frame decisions) | {int(pooled.n_units)} |" in readme and f"| {pooled.kappa} | {pooled.alpha} |" in readme
    assert f"| {int(sets.n_units)} | {sets.exact_set} | {sets.alpha_exact_set} | {sets.mean_jaccard} | {sets.alpha_masi} |" in readme


def test_replace_between_markers_fills_an_empty_section(tmp_path):
    from discourse.report.html import replace_between_markers

    page = tmp_path / "README.md"
    page.write_text("a\n<!-- t:start -->\n<!-- t:end -->\nb\n", encoding="utf-8")
    replace_between_markers(page, "t", "| x |")
    assert page.read_text(encoding="utf-8") == "a\n<!-- t:start -->\n| x |\n<!-- t:end -->\nb\n"
    replace_between_markers(page, "t", "| y |")
    assert page.read_text(encoding="utf-8") == "a\n<!-- t:start -->\n| y |\n<!-- t:end -->\nb\n"
    with pytest.raises(ValueError, match="no <!-- u:start -->"):
        replace_between_markers(page, "u", "z")
