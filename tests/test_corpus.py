"""The corpus model: JSONL round trip, folder loading, verbs, and every validation error."""
from __future__ import annotations

import json
import re
import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from discourse import import_folder, read_corpus
from discourse.corpus import Corpus, Document, parse_date
from discourse.errors import ConfigError, CorpusError
from discourse.load import NearDuplicateIndex, iter_jsonl, near_duplicate_key

DOCS = [
    Document("npa-2003", "来日外国人犯罪の検挙件数は過去最多となった。", side="state", actor="警察庁",
             genre="white paper", date="2003-09-01", title="警察白書", source="NPA", extra={"pages": 12, "tags": ["crime", "stats"]}),
    Document("ijuren-2004", "外国人に対する差別こそが問題である。", side="ngo", actor="移住連", genre="newsletter",
             date="2004-05", extra={"pages": 4, "reviewed": True}),
    Document("tokyo-2003", "不法滞在者を五年で半減させる。", side="state", actor="東京都", genre="joint statement",
             date="2003"),
    Document("un-2006", "Migrants face discrimination in Japan.", side="international", actor="UN", date="2006-01-15",
             language="en", extra={"note": None, "meta": {"k": "v"}}),
    Document("media-x", "新聞は外国人犯罪を大きく報じた。", side="media"),
]


@pytest.fixture()
def corpus() -> Corpus:
    return Corpus(DOCS)


# --- JSONL round trip -----------------------------------------------------------------------
def test_jsonl_round_trip_is_exact(corpus: Corpus, tmp_path: Path) -> None:
    path = corpus.to_jsonl(tmp_path / "c.jsonl")
    back = read_corpus(path, strict=True)
    assert back.documents == corpus.documents            # texts, metadata and extras, in order
    assert back.problems == ()
    pd.testing.assert_frame_equal(back.docvars, corpus.docvars)
    assert back["un-2006"].extra == {"note": None, "meta": {"k": "v"}}
    assert back["npa-2003"].extra == {"pages": 12, "tags": ["crime", "stats"]}
    first = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    assert first["text"] == DOCS[0].text and first["pages"] == 12 and "year" not in first


def test_jsonl_text_with_line_separators_round_trips(tmp_path: Path) -> None:
    doc = Document("d", "一行目\n二行目\r\n\u2028三\u2029四\t「引用」", side="ngo")
    back = read_corpus(Corpus([doc]).to_jsonl(tmp_path / "c.jsonl"), strict=True)
    assert back.documents == (doc,)


def test_read_corpus_folder_with_corpus_jsonl(corpus: Corpus, tmp_path: Path) -> None:
    corpus.to_jsonl(tmp_path / "corpus.jsonl")
    assert read_corpus(tmp_path).documents == corpus.documents


def test_iter_jsonl_is_lazy_and_numbered(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text('{"doc_id": "a"}\n\n{"doc_id": "b"}\nnot json\n', encoding="utf-8")
    it = iter_jsonl(path)
    assert next(it) == (1, {"doc_id": "a"}) and next(it) == (3, {"doc_id": "b"})
    with pytest.raises(CorpusError, match=r"c\.jsonl line 4: not valid JSON"):
        next(it)


# --- folder + metadata.csv ------------------------------------------------------------------
def test_folder_with_metadata(tmp_path: Path) -> None:
    (tmp_path / "npa.txt").write_bytes("来日外国人犯罪が増加した。".encode("euc_jp"))
    (tmp_path / "ngo.txt").write_text("外国人住民の人権を守る。", encoding="utf-8-sig")
    (tmp_path / "metadata.csv").write_text(
        "file,doc_id,side,actor,date,language,region\n"
        "npa.txt,npa-2004,state,警察庁,2004/9/15,ja,関東\n"
        "ngo.txt,,ngo,移住連,2004年10月,,\n", encoding="utf-8")
    corpus = read_corpus(tmp_path, strict=True)
    assert corpus.doc_ids == ["npa-2004", "ngo"]
    assert corpus["npa-2004"] == Document("npa-2004", "来日外国人犯罪が増加した。", side="state", actor="警察庁",
                                          date="2004-09-15", extra={"region": "関東", "file": "npa.txt",
                                                                    "encoding": "euc_jp", "format": "text"})
    assert corpus["ngo"].date == "2004-10" and corpus["ngo"].extra["encoding"] == "utf-8-sig"
    assert corpus.docvars["year"].tolist() == [2004, 2004]


def test_folder_metadata_problems_name_line_and_field(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("外国人住民の人権を守る。", encoding="utf-8")
    (tmp_path / "b.txt").write_text("不法就労の取締りを強化する。", encoding="utf-8")
    (tmp_path / "metadata.csv").write_text(
        "file,side,date\na.txt,,2004\nb.txt,state,2004,extra\n,ngo,2004\nb.txt,state,2004年13月\n", encoding="utf-8")
    with pytest.warns(UserWarning, match="3 item") as record:
        corpus = read_corpus(tmp_path)
    assert len(record) == 1 and record[0].filename == __file__  # one warning, pointing at the caller
    meta = tmp_path / "metadata.csv"
    assert corpus.doc_ids == ["a"] and corpus["a"].side == ""   # no side: loaded, side empty
    assert [(p.path, p.line, p.field) for p in corpus.problems] == [(str(meta), 3, "file"), (str(meta), 4, "file"),
                                                                    (str(meta), 5, "date")]
    assert f"{meta} line 3: field 'file': the row for 'b.txt' has 4 values for 3 columns" in corpus.problems[0].message
    assert f"{meta} line 4: field 'file' is empty" in corpus.problems[1].message
    assert "2 x field 'file', first: " in str(record[0].message) and "1 x field 'date'" in str(record[0].message)


def test_folder_without_corpus_or_metadata(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match=r"folder has neither corpus\.jsonl nor metadata\.csv"):
        read_corpus(tmp_path)
    with pytest.raises(CorpusError, match=r"nothing\.jsonl: no such file or folder"):
        read_corpus(tmp_path / "nothing.jsonl")


# --- verbs ----------------------------------------------------------------------------------
def test_subset(corpus: Corpus) -> None:
    assert corpus.subset(side="state").doc_ids == ["npa-2003", "tokyo-2003"]
    assert corpus.subset(side=["ngo", "media"]).doc_ids == ["ijuren-2004", "media-x"]
    assert corpus.subset(year=(2003, 2004)).doc_ids == ["npa-2003", "ijuren-2004", "tokyo-2003"]
    assert corpus.subset(year=2006, language="en").doc_ids == ["un-2006"]
    assert corpus.subset(year=None).doc_ids == ["media-x"]
    assert corpus.subset(lambda d: "外国人" in d.text).doc_ids == ["npa-2003", "ijuren-2004", "media-x"]
    assert corpus.subset([True, False, False, False, True], side="state").doc_ids == ["npa-2003"]
    assert corpus.subset(pages=4).doc_ids == ["ijuren-2004"]


def test_subset_returns_new_corpus_and_validates(corpus: Corpus) -> None:
    sub = corpus.subset(side="ngo")
    assert sub is not corpus and len(corpus) == 5 and isinstance(sub, Corpus)
    assert sub["ijuren-2004"] is corpus["ijuren-2004"]
    with pytest.raises(ConfigError, match=r"docvar='sid' is not one of .*did you mean 'side'"):
        corpus.subset(sid="ngo")
    with pytest.raises(ConfigError, match=r"mask has 2 values for 5 documents"):
        corpus.subset([True, False])


def test_group_matches_pandas(corpus: Corpus) -> None:
    groups = corpus.group("side")
    expected = corpus.docvars.reset_index().groupby("side")["doc_id"].apply(list).to_dict()
    assert {k: g.doc_ids for k, g in groups.items()} == expected
    assert list(groups) == ["international", "media", "ngo", "state"]


def test_group_by_year_puts_missing_last(corpus: Corpus) -> None:
    groups = corpus.group("year")
    assert {k: g.doc_ids for k, g in groups.items()} == {
        2003: ["npa-2003", "tokyo-2003"], 2004: ["ijuren-2004"], 2006: ["un-2006"], None: ["media-x"]}
    assert list(groups) == [2003, 2004, 2006, None]
    with pytest.raises(ConfigError, match=r"by='tags'.*holds lists"):
        corpus.group("tags")
    with pytest.raises(ConfigError, match=r"by='yeer' is not one of .*did you mean 'year'"):
        corpus.group("yeer")


def test_sample(corpus: Corpus) -> None:
    picks = np.sort(np.random.default_rng(7).choice(5, size=3, replace=False))
    sample = corpus.sample(3, random_state=7)
    assert sample.doc_ids == [corpus.doc_ids[i] for i in picks]
    assert sample.doc_ids == corpus.sample(3, random_state=7).doc_ids      # reproducible
    assert corpus.sample(5).doc_ids == corpus.doc_ids                     # all, in corpus order
    draws = {tuple(corpus.sample(2, random_state=s).doc_ids) for s in range(100)}
    assert len(draws) == 10                                               # all C(5,2) pairs occur


def test_sample_with_replacement_renumbers(corpus: Corpus) -> None:
    picks = np.sort(np.random.default_rng(0).choice(5, size=8, replace=True))
    sample = corpus.sample(8, replace=True)
    base = [corpus.doc_ids[i] for i in picks]
    assert [d.split("#")[0] for d in sample.doc_ids] == base
    assert len(set(sample.doc_ids)) == 8
    first_repeat = next(i for i in range(1, 8) if base[i] == base[i - 1])
    assert sample.doc_ids[first_repeat] == f"{base[first_repeat]}#2"


@pytest.mark.parametrize("n, match", [(6, "larger than the corpus"), (-1, "not a count"), (2.5, "not a count")])
def test_sample_errors(corpus: Corpus, n: object, match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        corpus.sample(n)  # type: ignore[arg-type]


def test_docvars_is_a_copy(corpus: Corpus) -> None:
    dv = corpus.docvars
    dv.loc["npa-2003", "side"] = "ngo"
    assert corpus.docvars.loc["npa-2003", "side"] == "state"
    assert list(corpus.docvars.columns[:8]) == ["side", "actor", "genre", "date", "year", "title", "source", "language"]
    assert str(corpus.docvars["year"].dtype) == "Int64"


def test_constructor_errors() -> None:
    with pytest.raises(CorpusError, match=r"doc_id 'a' is used twice"):
        Corpus([Document("a", "x"), Document("a", "y")])
    with pytest.raises(ConfigError, match=r"\['side'\] are fields of Document"):
        Document("a", "x", extra={"side": "ngo"})
    with pytest.raises(KeyError, match="no document with doc_id 'zz'"):
        Corpus([Document("a", "x")])["zz"]


@pytest.mark.parametrize("raw, iso", [("2004", "2004"), ("2004-9", "2004-09"), ("2004/09/05", "2004-09-05"),
                                      ("2004.9.5", "2004-09-05"), ("2004年9月5日", "2004-09-05"), ("2004年9月", "2004-09"),
                                      (2004, "2004")])
def test_parse_date(raw: object, iso: str) -> None:
    assert parse_date(raw) == iso


@pytest.mark.parametrize("raw", ["2004-13", "2004-02-30", "04", "平成16年", "1700", "2004-09-01x"])
def test_parse_date_rejects(raw: str) -> None:
    with pytest.raises(ValueError):
        parse_date(raw)


# --- validation errors: skipped-and-reported and fatal --------------------------------------
GOOD = {"doc_id": "ok", "text": "外国人の人権を守るための活動を続けている。", "side": "ngo"}
LONG = "来日外国人犯罪の検挙件数は前年に比べて増加し過去最多となったと警察庁は発表したが移住連は反論した"

# (line written after the GOOD line, field, message fragment)
ERRORS = [
    ('{"doc_id": "ok", "text": "別の本文です。", "side": "ngo"}', "doc_id", "'ok' is used twice (first at {path} line 1)"),
    ('{"text": "本文。", "side": "ngo"}', "doc_id", "field 'doc_id' is missing or empty"),
    ('{"doc_id": "x", "side": "ngo"}', "text", "field 'text' is missing or empty"),
    ('{"doc_id": "x", "text": "本文。", "side": "ngo", "language": "jp"}', "language", "field 'language' has unknown value 'jp'"),
    ('{"doc_id": "x", "text": "本文。", "side": "ngo", "date": "2004-13-01"}', "date", "field 'date': month must be in 1..12"),
    ('{"doc_id": "x", "text": "本文。", "side": "ngo", "date": "昨年"}', "date", "field 'date': unparseable date '昨年'"),
    ('{"doc_id": "x", "text": " \\u3000\\n ", "side": "ngo"}', "text", "field 'text' is empty (only whitespace)"),
    ('{"doc_id": "x", "text": "本文。", "side": "ngo",', "record", "not valid JSON"),
    ('["x", "本文", "ngo"]', "record", "expected a JSON object per line, got list"),
    ('{"doc_id": "x", "text": "外国人の人権を守るための活動を続けている。", "side": "state"}', "text", "identical to 'ok'"),
    ('{"doc_id": "x", "text": "外国人の人権を、守るための活動を続けている", "side": "state"}', "text", "a near-duplicate of 'ok'"),
    ('{"doc_id": "x", "text": "ＯＫ", "side": "ngo"}\n{"doc_id": "y", "text": "ok!", "side": "ngo"}', "text",
     "a near-duplicate of 'x'"),
    # values of the wrong type are never turned into strings
    ('{"doc_id": 17, "text": "本文。"}', "doc_id", "[E101] field 'doc_id' holds an int (17), not a string: "
     'write it as a JSON string ("17")'),
    ('{"doc_id": ["a", "b"], "text": "本文。"}', "doc_id", "[E101] field 'doc_id' holds a list ([\"a\", \"b\"])"),
    ('{"doc_id": "x", "text": ["本文", "続き"]}', "text", "[E101] field 'text' holds a list ([\"本文\", \"続き\"]), "
     "not a string: give the whole text as one JSON string"),
    ('{"doc_id": "x", "text": 3.5}', "text", "[E101] field 'text' holds a float (3.5)"),
    ('{"doc_id": "x", "text": "本文。", "side": ["ngo"]}', "side", "[E101] field 'side' holds a list"),
    ('{"doc_id": "x", "text": "本文。", "actor": 12}', "actor", "[E101] field 'actor' holds an int (12)"),
    # lone surrogates, in the text or deep inside an extra
    ('{"doc_id": "x", "text": "\\ud800本文。"}', "text", "[E102] field 'text' holds a lone surrogate (\\ud800 in the JSON)"),
    ('{"doc_id": "x", "text": "本文。", "note": {"k": ["\\udc00"]}}', "note", "[E102] field 'note' holds a lone surrogate"),
    # an explicit year is validated and must agree with the date
    ('{"doc_id": "x", "text": "本文。", "year": "soon"}', "year", "[E103] field 'year': 'soon' is not a year (a str)"),
    ('{"doc_id": "x", "text": "本文。", "year": 1066}', "year", "[E103] field 'year': 1066 is not a year (out of range): "
     "give a whole number between 1800 and 2200"),
    ('{"doc_id": "x", "text": "本文。", "year": true}', "year", "[E103] field 'year': True is not a year (a bool)"),
    ('{"doc_id": "x", "text": "本文。", "year": 2004.0}', "year", "is not a year (a float)"),
    ('{"doc_id": "x", "text": "本文。", "date": "2004-05", "year": 2005}', "year",
     "[E104] field 'year': 2005 disagrees with field 'date' '2004-05': correct one of them"),
]


def _write(tmp_path: Path, bad: str) -> Path:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(GOOD, ensure_ascii=False) + "\n" + bad + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("bad, field, fragment", ERRORS)
def test_validation_error_is_reported(tmp_path: Path, bad: str, field: str, fragment: str) -> None:
    path = _write(tmp_path, bad)
    line = 1 + len(bad.splitlines())  # the last line is the bad one
    with pytest.warns(UserWarning, match="1 item"):
        corpus = read_corpus(path)
    assert corpus.doc_ids == ["ok", "x"][: 2 if "\n" in bad else 1]
    (problem,) = corpus.problems
    assert (problem.path, problem.line, problem.field) == (str(path), line, field)
    assert problem.message.startswith(f"{path} line {line}: ")
    assert fragment.format(path=path) in problem.message
    if field != "record":
        assert f"field '{field}'" in problem.message


@pytest.mark.parametrize("bad, field, fragment", ERRORS)
def test_validation_error_is_fatal_in_strict_mode(tmp_path: Path, bad: str, field: str, fragment: str) -> None:
    path = _write(tmp_path, bad)
    line = 1 + len(bad.splitlines())
    with pytest.raises(CorpusError) as info:
        read_corpus(path, strict=True)
    message = str(info.value)
    assert message.startswith(f"{path} line {line}: ") and fragment.format(path=path) in message
    if field != "record":
        assert f"field '{field}'" in message


def test_non_utf8_line_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    good = json.dumps(GOOD, ensure_ascii=False).encode("utf-8")
    bad = '{"doc_id": "x", "text": "本文", "side": "ngo"}'.encode("cp932")
    path.write_bytes(b"\xef\xbb\xbf" + good + b"\n" + bad + b"\n")
    with pytest.warns(UserWarning):
        corpus = read_corpus(path)
    assert corpus.doc_ids == ["ok"] and corpus.problems[0].line == 2
    assert "mixed.jsonl line 2: not UTF-8" in corpus.problems[0].message
    with pytest.raises(CorpusError, match=r"mixed\.jsonl line 2: not UTF-8.*re-save the file as UTF-8"):
        read_corpus(path, strict=True)


def test_many_problems_all_reported_in_order(tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl"
    lines = [json.dumps(GOOD, ensure_ascii=False)] + [bad for bad, _, _ in ERRORS[:10]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = read_corpus(path)
    assert corpus.doc_ids == ["ok"]
    assert [p.line for p in corpus.problems] == list(range(2, 12))
    assert [p.field for p in corpus.problems] == [f for _, f, _ in ERRORS[:10]]


# --- duplicate detection --------------------------------------------------------------------
def test_near_duplicate_key_ignores_layout_width_and_punctuation() -> None:
    assert near_duplicate_key("外国人の人権。\n\n守る！") == near_duplicate_key("外国人の人権 守る") \
        == near_duplicate_key("外国人の人権、守る!")
    assert near_duplicate_key("ＡＢＣ") == near_duplicate_key("abc")
    assert near_duplicate_key("外国人の人権") != near_duplicate_key("外国人の権利")


def _jaccard(a: str, b: str, k: int = 5) -> float:
    """Exact Jaccard similarity of the character 5-gram sets, punctuation and spaces removed."""
    a, b = (re.sub(r"[\W_]", "", t) for t in (a, b))
    sa, sb = ({t[i:i + k] for i in range(len(t) - k + 1)} for t in (a, b))
    return len(sa & sb) / len(sa | sb)


def test_minhash_estimates_jaccard() -> None:
    """MinHash similarity is within 0.1 of the exact 5-gram Jaccard computed here by hand."""
    index = NearDuplicateIndex()
    base = LONG * 2 + "一方で治安対策の強化を求める声も上がっている"
    for edit in (base[:40] + "増減" + base[42:], base[:60], base.replace("外国人", "在留者")):
        sig_a, sig_b = index.signature(base), index.signature(edit)
        if sig_b is None:
            continue
        estimate = float(np.mean(sig_a == sig_b))
        assert abs(estimate - _jaccard(base, edit)) < 0.1


def test_near_duplicate_index_threshold() -> None:
    index = NearDuplicateIndex(threshold=0.9)
    text = ("移住連は、外国人労働者が日本経済を支えており、賃金未払いや搾取の被害にあっていると指摘した。"
            "さらに、入国管理局の収容施設における処遇の改善と、仮放免者の就労許可を求めた。"
            "政府の統計は外国人犯罪の増加を強調するが、外国人登録者数の増加を考慮していない。"
            "地域の日本語教室や多文化共生の取り組みを支えるのは、住民のボランティアである。"
            "私たちは、差別と偏見のない共生社会の実現に向けて、今後も活動を続けていく。")
    index.add(text, "a")
    one_char = text.replace("搾取", "詐取", 1)
    assert _jaccard(text, one_char) > 0.94 and index.query(one_char)[0] == "a"
    three_edits = text.replace("搾取", "詐取").replace("処遇", "待遇").replace("強調", "強弁")
    assert 0.8 < _jaccard(text, three_edits) < 0.9 and index.query(three_edits) is None
    other = "警察庁は、来日外国人による組織犯罪が凶悪化しており、治安回復のため取締りを強化すると発表した。" * 2
    assert _jaccard(text, other) < 0.2 and index.query(other) is None
    assert index.query("短い文。") is None  # below min_chars: only exact duplicates count


def test_fuzzy_duplicates_are_checked_on_import_only(tmp_path: Path) -> None:
    text = LONG * 2
    rows = [{"doc_id": "a", "text": text, "side": "state"}, {"doc_id": "b", "text": text[:-3] + "と述べた", "side": "ngo"}]
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    assert read_corpus(path, strict=True).doc_ids == ["a", "b"]    # JSONL: exact and layout copies only
    (tmp_path / "a.txt").write_text(rows[0]["text"], encoding="utf-8")
    (tmp_path / "b.txt").write_text(rows[1]["text"], encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("file,side\na.txt,state\nb.txt,ngo\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"metadata\.csv line 3: field 'text': a near-duplicate of 'a'.*5-grams shared"):
        read_corpus(tmp_path, strict=True)


# --- any docvar, any value: side is an ordinary docvar ---------------------------------------
def _jsonl(tmp_path: Path, rows: list[dict], name: str = "corpus.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_any_side_and_any_docvar_load_as_they_are(tmp_path: Path) -> None:
    rows = [{"doc_id": "a", "text": "与党は外国人政策を見直す。", "side": "party_a", "party_bloc": 3},
            {"doc_id": "b", "text": "野党は反対した。", "side": "party_b"},
            {"doc_id": "c", "text": "記者は両者に取材した。"}]                       # no side at all
    path = _jsonl(tmp_path, rows)
    with path.open("a", encoding="utf-8") as fh:                           # a surrogate *pair* is one character
        fh.write('{"doc_id": "e", "text": "絵文字\\ud83d\\ude00です。"}\n')
    corpus = read_corpus(path, strict=True)
    assert corpus["e"].text == "絵文字\U0001F600です。"
    corpus = corpus.subset(lambda d: d.doc_id != "e")
    assert corpus.doc_ids == ["a", "b", "c"] and corpus.problems == ()
    assert corpus.docvars["side"].tolist() == ["party_a", "party_b", ""]
    assert corpus["a"].extra == {"party_bloc": 3} and corpus["c"].language == "ja"
    assert corpus["a"] == Document("a", rows[0]["text"], side="party_a", extra={"party_bloc": 3})
    assert list(corpus.group("side")) == ["", "party_a", "party_b"]
    assert corpus.subset(side="party_b").doc_ids == ["b"]
    assert Document("d", "本文。").side == ""                                   # no study's level as a default


def test_language_is_still_checked_because_it_picks_the_tokenizer(tmp_path: Path) -> None:
    path = _jsonl(tmp_path, [{"doc_id": "a", "text": "本文。", "language": "zh"}])
    with pytest.raises(CorpusError, match=r"field 'language' has unknown value 'zh': use one of \['ja', 'en'\]"):
        read_corpus(path, strict=True)


# --- year --------------------------------------------------------------------------------------
def test_explicit_year_wins_and_round_trips(tmp_path: Path) -> None:
    rows = [{"doc_id": "a", "text": "一。", "year": 2004}, {"doc_id": "b", "text": "二。", "date": "2005-03", "year": 2005},
            {"doc_id": "c", "text": "三。", "date": "2006"}, {"doc_id": "d", "text": "四。"}]
    corpus = read_corpus(_jsonl(tmp_path, rows), strict=True)
    assert corpus.docvars["year"].tolist() == [2004, 2005, 2006, pd.NA]
    assert [d.year for d in corpus] == [2004, 2005, 2006, None]
    assert corpus.subset(year=(2004, 2005)).doc_ids == ["a", "b"]
    back = read_corpus(corpus.to_jsonl(tmp_path / "back.jsonl"), strict=True)
    assert back.documents == corpus.documents
    written = [json.loads(line) for line in (tmp_path / "back.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [("year" in w) for w in written] == [True, False, False, False]  # only where the date cannot give it


def test_year_in_metadata_csv_is_a_number(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("外国人住民の人権を守る。", encoding="utf-8")
    (tmp_path / "b.txt").write_text("不法就労の取締りを強化する。", encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("file,year,date\na.txt,2004,\nb.txt,2004,2005-01\n", encoding="utf-8")
    with pytest.warns(UserWarning, match="1 item"):
        corpus = read_corpus(tmp_path)
    assert corpus.doc_ids == ["a"] and corpus["a"].year == 2004 and corpus.docvars["year"].tolist() == [2004]
    (problem,) = corpus.problems
    assert (problem.line, problem.field, problem.doc_id) == (3, "year", "b")
    assert "[E104] field 'year': 2004 disagrees with field 'date' '2005-01'" in problem.message


def test_document_year_is_checked_in_python_too() -> None:
    assert Document("a", "x", date="2004-09").year == 2004
    assert Document("a", "x", year=1999).year == 1999
    with pytest.raises(ConfigError, match=r"\[E104\] field 'year': 2005 disagrees with field 'date' '2004'"):
        Document("a", "x", date="2004", year=2005)
    with pytest.raises(ConfigError, match=r"\[E103\].*'1999' is not a year \(a str\)"):
        Document("a", "x", year="1999")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match=r"text=\['x'\] is a list: give text as a string"):
        Document("a", ["x"])  # type: ignore[arg-type]


# --- problems: kept through the verbs, exported as a table ------------------------------------
@pytest.fixture()
def loaded(tmp_path: Path) -> Corpus:
    rows = [dict(GOOD), {"doc_id": "y", "text": "移住連は反論した。", "side": "ngo", "date": "2004"},
            {"doc_id": "z", "text": ["a", "list"]}, {"doc_id": "ok", "text": "重複したidの文書。"}]
    path = _jsonl(tmp_path, rows, "c.jsonl")
    with path.open("a", encoding="utf-8") as fh:
        fh.write('{"doc_id": "w", "text": "\\ud800"}\n')
    with pytest.warns(UserWarning, match="3 item"):
        return read_corpus(path)


def test_problems_survive_subset_group_and_sample(loaded: Corpus) -> None:
    assert loaded.doc_ids == ["ok", "y"] and len(loaded.problems) == 3
    assert repr(loaded) == f"<Corpus: 2 documents, {len(GOOD['text']) + 9} characters, 3 problems>"
    assert loaded.subset(side="ngo").problems == loaded.problems
    assert loaded.subset(lambda d: False).problems == loaded.problems
    assert all(g.problems == loaded.problems for g in loaded.group("side").values())
    assert loaded.sample(1, random_state=3).problems == loaded.problems
    assert loaded.sample(4, replace=True).problems == loaded.problems


def test_problems_frame_is_tidy_and_exact(loaded: Corpus, tmp_path: Path) -> None:
    frame = loaded.problems_frame()
    assert frame.columns.tolist() == ["file", "line", "doc_id", "field", "problem", "fix"]
    assert str(frame["line"].dtype) == "Int64"
    path = str(tmp_path / "c.jsonl")
    assert frame[["file", "line", "doc_id", "field"]].values.tolist() == [
        [path, 3, "z", "text"], [path, 4, "ok", "doc_id"], [path, 5, "w", "text"]]
    assert frame["problem"].tolist() == [
        "[E101] field 'text' holds a list ([\"a\", \"list\"]), not a string",
        f"field 'doc_id': 'ok' is used twice (first at {path} line 1)",
        "[E102] field 'text' holds a lone surrogate (\\ud800 in the JSON), which is not a character"]
    assert frame["fix"].tolist()[:2] == ["give the whole text as one JSON string", "give each document its own id"]
    for p, row in zip(loaded.problems, frame.itertuples()):  # the message is location + problem + fix
        assert p.message == f"{row.file} line {row.line}: {row.problem}: {row.fix}"
    frame.to_csv(tmp_path / "problems.csv", index=False)            # writable as UTF-8 (no surrogates left)
    back = pd.read_csv(tmp_path / "problems.csv", keep_default_na=False)
    assert back["problem"].tolist() == frame["problem"].tolist()
    assert Corpus([]).problems_frame().shape == (0, 6)


def test_problems_of_old_style_messages_are_split_too(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps(GOOD, ensure_ascii=False) + "\n{oops\n", encoding="utf-8")
    with pytest.warns(UserWarning):
        frame = read_corpus(path).problems_frame()
    row = frame.iloc[0]
    assert (row["line"], row["field"], row["fix"]) == (2, "record", "fix the line")
    assert row["problem"].startswith("not valid JSON (")


def test_corpus_stays_immutable(loaded: Corpus) -> None:
    with pytest.raises(AttributeError):
        loaded.problems = ()  # type: ignore[misc]
    with pytest.raises(AttributeError):
        loaded.problems[0].message = "changed"  # type: ignore[misc]
    with pytest.raises(dataclasses_FrozenInstanceError()):
        loaded["ok"].side = "state"  # type: ignore[misc]
    frame = loaded.problems_frame()
    frame.loc[0, "fix"] = "edited"
    assert loaded.problems_frame().loc[0, "fix"] != "edited"


def dataclasses_FrozenInstanceError() -> type:
    import dataclasses

    return dataclasses.FrozenInstanceError


def test_one_warning_counts_thousands_of_problems_by_kind(tmp_path: Path) -> None:
    rows = [{"doc_id": f"d{i}", "text": f"本文{i}。", "year": "x"} for i in range(3000)]
    rows += [{"doc_id": i, "text": f"別の本文{i}。"} for i in range(20)] + [{"doc_id": "ok", "text": "良い。"}]
    with pytest.warns(UserWarning) as record:
        corpus = read_corpus(_jsonl(tmp_path, rows))
    assert len(record) == 1 and corpus.doc_ids == ["ok"] and len(corpus.problems) == 3020
    message = str(record[0].message)
    assert message.startswith("3020 item(s) skipped while reading ")
    assert "3000 x field 'year' [E103], first: " in message and "line 1: [E103]" in message
    assert "20 x field 'doc_id' [E101], first: " in message and "line 3001: [E101]" in message
    assert len(message.splitlines()) == 3


# --- a study's schema -------------------------------------------------------------------------
SCHEMA_TOML = '''
[fields.side]
required = true
values = ["state", "ngo"]

[fields.pages]
type = "int"

[fields.tags]
values = ["crime", "labour"]
'''


def test_schema_checks_required_fields_values_and_types(tmp_path: Path) -> None:
    rows = [{"doc_id": "a", "text": "一。", "side": "state", "pages": 3, "tags": ["crime"]},
            {"doc_id": "b", "text": "二。", "side": "party_a"},
            {"doc_id": "c", "text": "三。"},
            {"doc_id": "d", "text": "四。", "side": "ngo", "pages": "3"},
            {"doc_id": "e", "text": "五。", "side": "ngo", "pages": True},
            {"doc_id": "f", "text": "六。", "side": "ngo", "tags": ["crime", "labor"]}]
    path = _jsonl(tmp_path, rows, "c.jsonl")
    schema = tmp_path / "study.toml"
    schema.write_text(SCHEMA_TOML, encoding="utf-8")
    assert read_corpus(path).doc_ids == list("abcdef")                  # no schema.toml beside it: none applies
    with pytest.warns(UserWarning, match="5 item"):
        corpus = read_corpus(path, schema=schema)
    assert corpus.doc_ids == ["a"]
    assert [(p.line, p.field, p.doc_id) for p in corpus.problems] == [
        (2, "side", "b"), (3, "side", "c"), (4, "pages", "d"), (5, "pages", "e"), (6, "tags", "f")]
    messages = [p.message for p in corpus.problems]
    assert messages[0] == (f"{path} line 2: [E106] field 'side': value 'party_a' is not allowed by the schema "
                           f"{schema}: use one of ['state', 'ngo']")
    assert f"[E107] field 'side' is missing or empty, but the schema {schema} requires it" in messages[1]
    assert "[E108] field 'pages': '3' is a str, but the schema" in messages[2] and "wants int" in messages[2]
    assert "[E108] field 'pages': True is a bool" in messages[3]
    assert "value 'labor' is not allowed" in messages[4] and "(did you mean 'labour'?)" in messages[4]
    with pytest.raises(CorpusError, match=r"c\.jsonl line 2: \[E106\] field 'side': value 'party_a'"):
        read_corpus(path, schema=schema, strict=True)
    as_dict = {"fields": {"side": {"required": True, "values": ["state", "ngo"]}}}
    with pytest.warns(UserWarning, match="2 item"):
        assert read_corpus(path, schema=as_dict).doc_ids == ["a", "d", "e", "f"]


def test_schema_toml_in_the_datasheet_folder_is_read_automatically(tmp_path: Path) -> None:
    rows = [{"doc_id": "a", "text": "一。", "side": "state"}, {"doc_id": "b", "text": "二。", "side": "party_a"}]
    _jsonl(tmp_path, rows)
    (tmp_path / "schema.toml").write_text(SCHEMA_TOML, encoding="utf-8")
    for source in (tmp_path, tmp_path / "corpus.jsonl"):
        with pytest.warns(UserWarning, match="1 item"):
            corpus = read_corpus(source)
        assert corpus.doc_ids == ["a"] and str(tmp_path / "schema.toml") in corpus.problems[0].message
    assert read_corpus(tmp_path, schema=False).doc_ids == ["a", "b"]


def test_schema_toml_applies_to_import_folder(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("外国人住民の人権を守る。", encoding="utf-8")
    (tmp_path / "b.txt").write_text("不法就労の取締りを強化する。", encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("file,side\na.txt,ngo\nb.txt,police\n", encoding="utf-8")
    (tmp_path / "schema.toml").write_text(SCHEMA_TOML, encoding="utf-8")
    with pytest.raises(CorpusError, match=r"metadata\.csv line 3: \[E106\] field 'side': value 'police'"):
        read_corpus(tmp_path, strict=True)


@pytest.mark.parametrize("schema, match", [
    ({"fields": {"side": {"requird": True}}}, r"\[fields\.side\] unknown key 'requird' \(did you mean 'required'\?\)"),
    ({"field": {}}, r"unknown key 'field' \(did you mean 'fields'\?\)"),
    ({"fields": {"side": {"values": "state"}}}, r"values = 'state': give a list"),
    ({"fields": {"n": {"type": "integer"}}}, r"type = 'integer' is not one of .* \(did you mean 'int'\?\)"),
    ({"fields": {"n": {"required": "yes"}}}, r"required = 'yes': write true or false"),
    (42, r"schema=42: give a Schema, a dict or the path"),
])
def test_bad_schemas_are_config_errors(tmp_path: Path, schema: object, match: str) -> None:
    path = _jsonl(tmp_path, [GOOD])
    with pytest.raises(ConfigError, match=match):
        read_corpus(path, schema=schema)  # type: ignore[arg-type]


def test_bad_schema_file_names_the_file(tmp_path: Path) -> None:
    path = _jsonl(tmp_path, [GOOD])
    (tmp_path / "schema.toml").write_text("[fields.side\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"schema\.toml: not a valid TOML file"):
        read_corpus(path)
    with pytest.raises(ConfigError, match=r"nothere\.toml: no such schema file"):
        read_corpus(path, schema=tmp_path / "nothere.toml")


# --- import_folder: input paths stay inside the folder ----------------------------------------
def test_metadata_paths_outside_the_folder_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "study"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "in.txt").write_text("外国人住民の人権を守る。", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("秘密の本文はここにある。", encoding="utf-8")
    (folder / "link.txt").symlink_to(tmp_path / "secret.txt")
    (folder / "metadata.csv").write_text(
        "file,doc_id\nsub/in.txt,in\n../secret.txt,up\n/etc/hostname,abs\nlink.txt,link\nsub/../sub/in.txt,again\n",
        encoding="utf-8")
    with pytest.warns(UserWarning, match="4 item"):
        corpus = import_folder(folder)
    assert corpus.doc_ids == ["in"]
    meta = str(folder / "metadata.csv")
    problems = corpus.problems
    assert [(p.path, p.line, p.field) for p in problems[:3]] == [(meta, 3, "file"), (meta, 4, "file"), (meta, 5, "file")]
    assert problems[0].message == (f"{meta} line 3: [E105] field 'file': '../secret.txt' is outside the folder {folder}: "
                                   "copy the file into the folder and give its path relative to the folder")
    assert "'/etc/hostname' is outside the folder" in problems[1].message
    assert "'link.txt' is outside the folder" in problems[2].message
    assert "field 'text': identical to 'in'" in problems[3].message            # the inside path is read normally
    assert all("秘密" not in d.text for d in corpus)
    with pytest.raises(CorpusError, match=r"line 3: \[E105\]"):
        import_folder(folder, strict=True)


def test_demo_datasheet_schema_holds_and_bites(tmp_path: Path) -> None:
    from discourse.resources import resource

    demo = resource("demo")
    assert (demo / "schema.toml").is_file()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        corpus = read_corpus(demo)
    assert len(corpus) == 215 and corpus.problems == ()
    lines = (demo / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    lines[0] = json.dumps({**first, "side": "party_a"}, ensure_ascii=False)
    (tmp_path / "corpus.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    shutil.copy(demo / "schema.toml", tmp_path / "schema.toml")
    with pytest.warns(UserWarning, match="1 item"):
        copy = read_corpus(tmp_path)
    assert len(copy) == 214 and copy.problems[0].doc_id == first["doc_id"] and copy.problems[0].line == 1


# --- the error family ----------------------------------------------------------------------------
def test_not_fitted_error_is_caught_as_value_and_attribute_error() -> None:
    from discourse.errors import DiscourseError, NotFittedError

    for base in (DiscourseError, ValueError, AttributeError):
        with pytest.raises(base, match="call fit"):
            raise NotFittedError("this TopicModel is not fitted: call fit(dtm) first")
    assert not issubclass(NotFittedError, CorpusError)


def test_coded_messages_fill_their_template() -> None:
    from discourse.errors import Errors, coded

    assert coded("E105", value="../x", folder="study") == "[E105] field 'file': '../x' is outside the folder study"
    codes = [name for name in vars(Errors) if re.fullmatch(r"E\d{3}", name)]
    assert len(codes) == len(set(getattr(Errors, c) for c in codes))      # no two codes share a message
    with pytest.raises(AttributeError):
        coded("E999")
