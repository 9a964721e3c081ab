"""Tokens without fragments: each case found in real state and NGO texts, on sentences written for
these tests, asserted as exact token sequences (default tokenizer: compound="affix", bundled lists)."""
from __future__ import annotations

import pytest

from discourse.errors import ConfigError
from discourse.tokenize import JapaneseTokenizer, tokenize
from discourse.tokenize.compound import NUMBER_CLASS, is_katakana_word, word_class
from discourse.tokenize.lemma import choose_lemma, merges_other_word


@pytest.fixture(scope="module")
def tok() -> JapaneseTokenizer:
    return JapaneseTokenizer()


def surfaces(tok: JapaneseTokenizer, text: str) -> list[str]:
    return [t.surface for t in tok.tokenize(text)]


@pytest.mark.parametrize("text, expected", [
    # fixed expressions and grammatical words
    ("我が国の治安は改善した。", ["我が国", "の", "治安", "は", "改善", "し", "た", "。"]),
    ("自治体とともに取り組む。", ["自治体", "と", "ともに", "取り組む", "。"]),
    # law and bill names
    ("政府は改正法案を国会に提出した。", ["政府", "は", "改正法案", "を", "国会", "に", "提出", "し", "た", "。"]),
    ("ヘイトスピーチ解消法と入管法違反、改正入管法、入管法改正案、本法律案。",
     ["ヘイトスピーチ解消法", "と", "入管法違反", "、", "改正入管法", "、", "入管法改正案", "、", "本法律案", "。"]),
    # never across a particle, a verb or punctuation
    ("入管法の改正案は、国会で審議された。", ["入管法", "の", "改正案", "は", "、", "国会", "で", "審議", "さ", "れ", "た", "。"]),
    ("改正入管法と刑事訴訟法の一部を改正する法律案",
     ["改正入管法", "と", "刑事訴訟法", "の", "一部", "を", "改正", "する", "法律案"]),
    ("外国人、犯罪。外国人の犯罪。", ["外国人", "、", "犯罪", "。", "外国人", "の", "犯罪", "。"]),
    # the length cap: a law name pulls at most MAX_LAW_WORDS words, a listed term counting whole
    ("外国人技能実習制度適正化推進基本法", ["外国人技能実習制度", "適正化推進基本法"]),
    # key phrases and joint statements
    ("外国人犯罪と来日外国人犯罪の報道が続いた。", ["外国人犯罪", "と", "来日外国人犯罪", "の", "報道", "が", "続い", "た", "。"]),
    ("市民団体は共同声明を発表した。", ["市民", "団体", "は", "共同声明", "を", "発表", "し", "た", "。"]),
    # nationality and category suffixes, ratios
    ("中国籍の住民を国籍別に数え、前年比で見る。",
     ["中国籍", "の", "住民", "を", "国籍別", "に", "数え", "、", "前年比", "で", "見る", "。"]),
    # katakana loanword runs (a single katakana word stays apart from a noun)
    ("ヘイト行為やアムネスティの報告、ハンガーストライキ。",
     ["ヘイト", "行為", "や", "アムネスティ", "の", "報告", "、", "ハンガーストライキ", "。"]),
])
def test_compounds_real_texts_need(tok: JapaneseTokenizer, text: str, expected: list[str]) -> None:
    assert surfaces(tok, text) == expected


@pytest.mark.parametrize("text, expected", [
    ("平成16年と昭和55年、令和元年、2004年の検挙人員は1万4,766人で、3.8%、2倍となった。",
     ["平成16年", "と", "昭和55年", "、", "令和元年", "、", "2004年", "の", "検挙人員", "は", "1万4,766人", "で", "、",
      "3.8%", "、", "2倍", "と", "なっ", "た", "。"]),
    ("検挙件数は32.1%減となった。", ["検挙件数", "は", "32.1%減", "と", "なっ", "た", "。"]),
    ("委員会は同6.7%減と発表し、第3次計画を示した。",
     ["委員会", "は", "同6.7%減", "と", "発表", "し", "、", "第3次", "計画", "を", "示し", "た", "。"]),
    ("昨年は3件増、外国人は約3割。", ["昨年", "は", "3件増", "、", "外国人", "は", "約3割", "。"]),
    # a comma joins thousands only (three digits after it); a number never joins a noun
    ("番号は1,23と1,234人。", ["番号", "は", "1", ",", "23", "と", "1,234人", "。"]),
    ("4-1-2-1図は2004年外国人の推移。", ["4-1-2-1図", "は", "2004年", "外国人", "の", "推移", "。"]),
])
def test_numbers_with_units_are_one_token(tok: JapaneseTokenizer, text: str, expected: list[str]) -> None:
    got = tok.tokenize(text)
    assert [t.surface for t in got] == expected
    assert "減" not in [t.surface for t in got]


def test_a_number_token_is_a_numeral() -> None:
    tokens = {t.surface: t for t in JapaneseTokenizer().tokenize("1万4,766人と32.1%減と平成16年")}
    assert all(tokens[s].pos[:2] == ("名詞", "数詞") for s in ("1万4,766人", "32.1%減", "平成16年"))
    assert tokens["1万4,766人"].parts == ("1", "万", "4", ",", "766", "人")


def test_compound_none_still_gives_the_dictionary_words() -> None:
    tok = JapaneseTokenizer(compound="none")
    assert surfaces(tok, "改正法案は32.1%減") == ["改正", "法", "案", "は", "32", ".", "1", "%", "減"]


def test_noun_sequence_mode_keeps_numbers_apart() -> None:
    tok = JapaneseTokenizer(compound="noun_sequence")
    assert surfaces(tok, "2004年外国人犯罪対策") == ["2004年", "外国人犯罪対策"]


def test_the_fields_terms_stay_whole(tok: JapaneseTokenizer) -> None:
    text = "来日外国人と不法滞在者、外国人と多文化共生。"
    assert surfaces(tok, text) == ["来日外国人", "と", "不法滞在者", "、", "外国人", "と", "多文化共生", "。"]


# --- lemmas ---------------------------------------------------------------------------------------
def test_lemmas_keep_the_written_word_where_unidic_merges_words(tok: JapaneseTokenizer) -> None:
    text = "成果を挙げ、手を上げ、時間を計り、音楽を聴き、事故に遭い、国境を超える。子どもと子供。"
    lemmas = [(t.surface, t.lemma) for t in tok.tokenize(text) if t.pos[0] == "動詞"]
    assert lemmas == [("挙げ", "挙げる"), ("上げ", "上げる"), ("計り", "計る"), ("聴き", "聴く"), ("遭い", "遭う"),
                      ("超える", "超える")]
    nouns = {t.surface: t.lemma for t in tok.tokenize(text) if t.pos[0] == "名詞"}
    assert nouns["子ども"] == nouns["子供"] == "子供"        # a spelling variant still shares the lemma


def test_katakana_words_keep_their_spelling(tok: JapaneseTokenizer) -> None:
    assert [(t.surface, t.lemma) for t in tok.tokenize("ヘイトとアムネスティ")] == [
        ("ヘイト", "ヘイト"), ("と", "と"), ("アムネスティ", "アムネスティ")]


@pytest.mark.parametrize("lemma, written, expected", [
    ("上げる", "挙げる", "挙げる"), ("測る", "計る", "計る"), ("見る", "観る", "観る"), ("擬装", "偽装", "偽装"),
    ("子供", "子ども", "子供"), ("取り締まる", "取締る", "取り締まる"), ("為る", "する", "する"), ("ヘート", "ヘイト", "ヘイト"),
])
def test_choose_lemma_on_merged_words(lemma: str, written: str, expected: str) -> None:
    assert choose_lemma(lemma, written, ("動詞", "一般", "*", "*")) == expected


def test_merges_other_word_compares_kanji() -> None:
    assert merges_other_word("越える", "超える") and not merges_other_word("行う", "行なう")
    assert is_katakana_word("スピーチ") and not is_katakana_word("ー") and not is_katakana_word("・")


def test_word_classes_of_the_new_rules() -> None:
    noun = ("名詞", "普通名詞", "一般", "*")
    assert word_class(noun, "籍") == word_class(("接尾辞", "名詞的", "一般", "*"), "者")
    assert word_class(noun, "法") != word_class(noun, "犯罪")


# --- numbers in the corpus pipeline ----------------------------------------------------------------
TEXT = "平成16年の検挙人員は1万4,766人で32.1%減。"


@pytest.mark.parametrize("numbers, expected", [
    ("drop", ["検挙人員"]),
    ("keep", ["平成16年", "検挙人員", "1万4,766人", "32.1%減"]),
    ("class", [NUMBER_CLASS, "検挙人員", NUMBER_CLASS, NUMBER_CLASS]),
])
def test_numbers_option(numbers: str, expected: list[str]) -> None:
    toks = tokenize([TEXT], cache_dir=False, numbers=numbers)
    assert toks.doc_terms(0) == expected
    assert toks.settings["numbers"] == numbers


def test_numbers_option_with_surface_form_and_era_year() -> None:
    toks = tokenize(["令和元年の検挙は5,563人。元年は減少した。"], cache_dir=False, numbers="class", form="surface")
    assert toks.doc_terms(0) == [NUMBER_CLASS, "検挙", NUMBER_CLASS, NUMBER_CLASS, "減少"]
    kept = tokenize(["令和元年の検挙は5,563人。"], cache_dir=False, numbers="keep")
    assert kept.doc_terms(0) == ["令和元年", "検挙", "5,563人"]


def test_numbers_option_is_checked() -> None:
    with pytest.raises(ConfigError, match="numbers"):
        tokenize([TEXT], cache_dir=False, numbers="remove")
