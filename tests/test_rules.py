"""The coding-rule language: parsing, position-pointing errors, evaluation, and the dictionary coder."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from discourse.framing._tok import SentenceTokens
from discourse.framing.data import load_gold_set
from discourse.framing.dictionary import CueMatcher, DictionaryCoder, codebook_rules, cue_rule_text
from discourse.framing.matching import SentenceContext, holds, score
from discourse.framing.rules import RuleError, parse_rule, parse_rules, read_rules


def toks(*items: tuple[str, str, str]) -> SentenceTokens:
    """Tokens from (surface, lemma, pos) triples, offsets as if concatenated."""
    starts, pos = [], 0
    for s, _, _ in items:
        starts.append(pos)
        pos += len(s)
    return SentenceTokens(tuple(i[0] for i in items), tuple(i[1] for i in items), tuple(i[2] for i in items),
                          tuple(starts), tuple(s + len(i[0]) for s, i in zip(starts, items)))


# 外国人 / の / 犯罪 / が / 増え / た / 。   (lemma of 増え is 増える)
SENT = toks(("外国人", "外国人", "名詞-普通名詞-一般"), ("の", "の", "助詞-格助詞"), ("犯罪", "犯罪", "名詞-普通名詞-一般"),
            ("が", "が", "助詞-格助詞"), ("増え", "増える", "動詞-一般"), ("た", "た", "助動詞"), ("。", "。", "補助記号-句点"))
TEXT = "外国人の犯罪が増えた。"


def check(rule: str, docvars: dict | None = None, tokens: SentenceTokens = SENT, text: str = TEXT) -> bool:
    return holds(parse_rule(rule).expr, SentenceContext(tokens, text, docvars or {}))


@pytest.mark.parametrize("rule, expected", [
    ("犯罪", True), ("増える", True), ("増え", True),                    # bare term: lemma or surface
    ("lemma:増える", True), ("lemma:増え", False), ("surface:増え", True), ("surface:増える", False),
    ("犯罪/名詞", True), ("犯罪/名詞-普通名詞", True), ("犯罪/動詞", False), ("犯罪/名", False),  # POS prefix by level
    ("外国*", True), ("*罪", True), ("外国", False),                    # wildcard vs whole token
    ('"外国人 の 犯罪"', True), ('"外国人 犯罪"', False), ("seq(外国人, の, 犯罪)", True),
    ("seq((外国籍 or 外国人), の, 犯罪)", True), ("seq(犯罪, 外国人)", False),
    ("near(外国人, 犯罪, 2)", True), ("near(外国人, 犯罪, 1)", False), ("near(犯罪, 外国人, 2)", True),
    ("near(外国人, 増える)", True), ("near(外国人, 増える, 3)", False), ("near(犯罪, 犯罪, 5)", False),
    ("near(\"外国人 の\", 犯罪, 1)", True),
    ("text:人の犯", True), ('text:"人の 犯"', False), ("TEXT:人の犯", True),
    ("犯罪 and not 治安", True), ("not 犯罪 or 外国人", True), ("not (犯罪 or 治安)", False),
    ("治安 or 犯罪 and 外国人", True), ("(治安 or 犯罪) and 治安", False), ("治安 | 犯罪 & !治安", True),
])
def test_rule_evaluation(rule, expected):
    assert check(rule) is expected


def test_precedence_and_binds_tighter_than_or():
    expr = parse_rule("a or b and c").expr
    assert type(expr).__name__ == "Or" and type(expr.items[1]).__name__ == "And"


@pytest.mark.parametrize("rule, docvars, expected", [
    ('side == "state"', {"side": "state"}, True), ("side == state", {"side": "state"}, True),
    ('side != "state"', {"side": "ngo"}, True), ("year >= 2000", {"year": 2003}, True),
    ("year >= 2000", {"year": 1999}, False), ("year < 2000", {"year": np.int64(1995)}, True),
    ("year >= 2000", {"year": pd.NA}, False), ("year >= 2000", {"year": None}, False),
    ('date >= "2003-06"', {"date": "2003-09-01"}, True),
    ('犯罪 and side == "ngo"', {"side": "state"}, False),
])
def test_docvar_conditions(rule, docvars, expected):
    assert check(rule, docvars) is expected


@pytest.mark.parametrize("rule, col, fragment", [
    ("near(外国人, 犯罪 and 増加)", 14, "expected ',' or ')' in near(...) opened at col 1, found 'and'"),
    ("(差別 or 偏見", 10, "expected ')' to close ( opened at col 1"),
    ("差別 and", 7, "found the end of the rule"),
    ("pos:名詞", 1, "unknown field 'pos:'"),
    ('"不法 滞在', 1, "unterminated string"),
    ("year = 2000", 6, "compare with '=='"),
    ("near(a, b, 0)", 12, "whole number >= 1"),
    ("near(a, b, 2, 3)", 13, "at most three arguments"),
    ("near(text:x, b)", 6, "no token position"),
    ("seq(a)", 1, "at least two operands"),
    ("差別/", 1, "empty POS"),
    ("差別 偏見", 4, "join conditions with 'and' or 'or'"),
    ("", 1, "empty rule"),
    ("near((a and b), c)", 9, "inside near/seq a group may only join terms with 'or'"),
])
def test_parse_errors_point_at_the_column(rule, col, fragment):
    with pytest.raises(RuleError) as info:
        parse_rule(rule, number=3)
    err = info.value
    assert err.col == col
    assert str(err).startswith(f"rule 3, col {col}: ")
    assert fragment in str(err)


def test_error_caret_lines_up_under_wide_characters():
    with pytest.raises(RuleError) as info:
        parse_rule("near(外国人, 犯罪 and 増加)")
    line, caret = str(info.value).splitlines()[1:3]
    # 'near(' (5) + 外国人 (3 wide = 6) + ', ' (2) + 犯罪 (4) + ' ' (1) = 18 columns before 'and'
    assert caret.index("^") - 2 == 18 and line.strip().startswith("near(")


RULE_FILE = """# frames of the pilot study
*discrimination
差別 or 偏見   # either word
  or near(外国人, 犯罪者, 3)

*state_crime
side == "state"
and (外国人犯罪 or seq(来日外国人, 犯罪))
"""


def test_rule_file_codes_lines_and_round_trip(tmp_path):
    path = tmp_path / "pilot.rules.txt"
    path.write_text(RULE_FILE, encoding="utf-8")
    rules = read_rules(path)
    assert rules.codes == ("discrimination", "state_crime")
    assert rules["discrimination"].line == 3 and rules["state_crime"].line == 7
    assert rules.docvars_used() == {"side"}
    again = parse_rules(rules.to_text())
    assert [r.expr for r in again] == [r.expr for r in rules]


def test_rule_file_errors_name_file_line_and_column(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("*a\n差別\n*b\n外国人 and\n  near(外国人 犯罪)\n", encoding="utf-8")
    with pytest.raises(RuleError) as info:
        read_rules(path)
    msg = str(info.value)
    assert msg.startswith(f"{path} line 5: rule 2, col 12: ") and "(code 'b')" in msg


@pytest.mark.parametrize("text, fragment", [
    ("差別\n*a\nx", "a condition before any code line"),
    ("*a\nx\n*a\ny", "code 'a' is defined twice"),
    ("*a\n*b\nx", "this code has no condition"),
    ("*\nx", "needs a name after '*'"),
])
def test_rule_file_structure_errors(text, fragment):
    with pytest.raises(RuleError, match=fragment):
        parse_rules(text)


def test_unknown_docvar_is_reported_at_its_column():
    coder = DictionaryCoder(rules={"x": '差別 or yeer >= 2000'})
    with pytest.raises(RuleError) as info:
        coder.predict(pd.DataFrame({"text": ["差別だ。"], "doc_id": ["d1"]}), docvars=pd.DataFrame({"year": [2001]}, index=["d1"]))
    assert "rule 1, col 7:" in str(info.value) and "unknown docvar 'yeer' (did you mean 'year'?)" in str(info.value)


def test_score_counts_matches_of_or_lists():
    sent = toks(("差別", "差別", "名詞"), ("と", "と", "助詞"), ("偏見", "偏見", "名詞"), ("と", "と", "助詞"), ("差別", "差別", "名詞"))
    ctx = SentenceContext(sent, "差別と偏見と差別", {"language": "ja"})
    assert score(parse_rule("差別 or 偏見 or 治安").expr, ctx) == 3
    assert score(parse_rule('language == "ja" and (差別 or 偏見)').expr, ctx) == 3
    assert score(parse_rule('language == "en" and (差別 or 偏見)').expr, ctx) == 0


def test_dictionary_coder_with_the_package_tokenizer():
    coder = DictionaryCoder(rules={"dis": "差別 or 偏見", "crime": 'near(外国人, 犯罪, 2) and side == "state"'})
    table = pd.DataFrame({"text": ["外国人への差別をなくす。", "外国人の犯罪が増えた。", "外国人の犯罪が増えた。"],
                          "doc_id": ["n1", "s1", "n1"]})
    docvars = pd.DataFrame({"side": ["state", "ngo"]}, index=pd.Index(["s1", "n1"], name="doc_id"))
    assert coder.predict(table, docvars) == [["dis"], ["crime"], []]
    labels = coder.code(table, docvars)
    assert list(labels.columns) == ["doc_id", "text", "dis", "crime"] and labels["dis"].tolist() == [1, 0, 0]


def test_codebook_rules_apply_cues_of_the_sentence_language():
    rules = codebook_rules()
    assert rules.codes[0] == "crime_threat" and 'language == "en"' in rules["crime_threat"].text
    coder = DictionaryCoder().fit()
    out = coder.predict(pd.DataFrame({"text": ["These raids amount to racial profiling.", "職務質問が続いている。"],
                                      "language": ["en", "ja"]}))
    assert "discrimination" in out[0] and "discrimination" in out[1]
    assert cue_rule_text("安全・安心", "ja") == '"安全 ・ 安心"'
    assert cue_rule_text("deport", "en") == "deport"


def test_cue_matcher_counts_equal_the_codebook_rules_on_the_demo_gold():
    gold = load_gold_set()
    table = gold.labels.assign(language=gold.language)
    coder = DictionaryCoder().fit()
    expected = coder.decision_function(table)
    matcher = CueMatcher()
    from discourse.framing._tok import tokenize_sentences

    tokens = tokenize_sentences(table["text"].tolist(), table["language"].tolist())
    got = np.vstack([matcher.counts(t, x, lang) for t, x, lang in zip(tokens, table["text"], table["language"])])
    assert (expected > 0).sum() > 1000
    np.testing.assert_array_equal(got, expected)


def test_code_corpus_feeds_crosstab_and_batches_do_not_matter():
    from discourse.corpus import Corpus, Document
    from discourse.metrics.prevalence import crosstab

    corpus = Corpus([Document("s1", "治安の悪化が懸念される。不法滞在者の摘発を強化する。", side="state"),
                     Document("n1", "差別と偏見をなくそう。日本語教室を開く。地域で共生する。", side="ngo")])
    coder = DictionaryCoder()
    one = coder.code_corpus(corpus)
    two = coder.code_corpus(corpus, batch_size=2)
    pd.testing.assert_frame_equal(one.labels, two.labels)
    assert one.labels["sent_id"].tolist() == ["s1:000", "s1:001", "n1:000", "n1:001", "n1:002"]
    assert one.documents.set_index("doc_id").loc["n1", "discrimination"] == pytest.approx(1 / 3)
    table = crosstab(one.labels, corpus.docvars, by="side", frames=list(coder.frames_)).set_index(["frame", "group"])
    assert table.loc[("public_safety", "state"), "n_positive"] == 1 and table.loc[("integration", "ngo"), "n_positive"] == 2
