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


# --- fragments found by corpora/real/keyness_check.py on a real state/NGO sample ------------------
@pytest.mark.parametrize("text, expected", [
    # a host takes a chain of suffixes and bound nouns (弁護+士+会, 受刑+者+数) ...
    ("県の弁護士会は受刑者数と出国者数を調べた。",
     ["県", "の", "弁護士会", "は", "受刑者数", "と", "出国者数", "を", "調べ", "た", "。"]),
    # ... but relational markers stay free, so the noun before them keeps its count
    ("留学生向けの説明会で住民同士が話した。",
     ["留学生", "向け", "の", "説明会", "で", "住民", "同士", "が", "話し", "た", "。"]),
    # 局 (bureau) ends the noun before it (a one-character keyness term was cut off 法務|局,
    # 刑事|局) and still takes suffixes itself (局+長); "addressed to" stays free
    ("東京法務局と警察庁刑事局、同局の事務局長と局長。",
     ["東京", "法務局", "と", "警察庁", "刑事局", "、", "同局", "の", "事務局長", "と", "局長", "。"]),
    ("放送局あての手紙。", ["放送局", "あて", "の", "手紙", "。"]),
    # a law name takes 改悪 as it takes 改正 and 違反
    ("市民団体は入管法改悪に反対した。", ["市民", "団体", "は", "入管法改悪", "に", "反対", "し", "た", "。"]),
])
def test_suffix_chains_and_law_tails(tok: JapaneseTokenizer, text: str, expected: list[str]) -> None:
    assert surfaces(tok, text) == expected


@pytest.mark.parametrize("text, expected", [
    # editions of yearly publications and chapter/section/paragraph numbers
    ("令和3年版の報告書は第2章と第5節、第3項にあり、平成30年版と違う。",
     ["令和3年版", "の", "報告書", "は", "第2章", "と", "第5節", "、", "第3項", "に", "あり", "、", "平成30年版", "と",
      "違う", "。"]),
    # labels of notes, figures and tables before or after their number; a bare label stays a word
    ("詳しくは(注2)と図3-4、表2-1、5-1-2図を見よ(注)。",
     ["詳しく", "は", "(", "注2", ")", "と", "図3-4", "、", "表2-1", "、", "5-1-2図", "を", "見よ", "(", "注", ")", "。"]),
    # a label that closes one number does not open the next
    ("2-1図3-5表で示した。", ["2-1図", "3-5表", "で", "示し", "た", "。"]),
])
def test_labels_editions_and_chapters_are_numbers(tok: JapaneseTokenizer, text: str, expected: list[str]) -> None:
    got = tok.tokenize(text)
    assert [t.surface for t in got] == expected
    numerals = [t.surface for t in got if t.pos[:2] == ("名詞", "数詞")]   # what numbers="drop" removes
    assert numerals == [s for s in expected if any(c.isdigit() for c in s)]


def test_labels_and_editions_follow_the_numbers_option() -> None:
    text = "令和3年版の第2章と図3-4、(注2)によれば検挙件数が増加した。"
    assert tokenize([text], cache_dir=False).doc_terms(0) == ["検挙件数", "増加"]
    assert tokenize([text], cache_dir=False, numbers="keep").doc_terms(0) == [
        "令和3年版", "第2章", "図3-4", "注2", "検挙件数", "増加"]


@pytest.mark.parametrize("text, expected", [
    ("犯罪白書と警察白書は矯正統計年報を引く。", ["犯罪白書", "と", "警察白書", "は", "矯正統計年報", "を", "引く", "。"]),
    ("F級受刑者、F級新受刑者、F指標受刑者とF指標入所受刑者の数。",
     ["F級受刑者", "、", "F級新受刑者", "、", "F指標受刑者", "と", "F指標入所受刑者", "の", "数", "。"]),
    ("院内集会で理事長声明と民族的少数者の権利を論じた。",
     ["院内集会", "で", "理事長声明", "と", "民族的少数者", "の", "権利", "を", "論じ", "た", "。"]),
    ("出入国在留管理局と入国管理センター、視察委員会。", ["出入国在留管理局", "と", "入国管理センター", "、", "視察委員会", "。"]),
    ("横浜地方法務局は各地の外キ連と話した。", ["横浜", "地方法務局", "は", "各地", "の", "外キ連", "と", "話し", "た", "。"]),
    ("恣意的拘禁作業部会は人道配慮を求めた。", ["恣意的拘禁作業部会", "は", "人道配慮", "を", "求め", "た", "。"]),
    ("集団密航と国際犯罪組織に海上保安庁が対応し、保護観察も行う。",
     ["集団密航", "と", "国際犯罪組織", "に", "海上保安庁", "が", "対応", "し", "、", "保護観察", "も", "行う", "。"]),
    ("外キ協と全国難民弁護団連絡会議が声明を出した。", ["外キ協", "と", "全国難民弁護団連絡会議", "が", "声明", "を", "出し", "た", "。"]),
    # 1.3: left on the fuller local corpus
    ("送致人員と送致件数、認知件数が並ぶ。", ["送致人員", "と", "送致件数", "、", "認知件数", "が", "並ぶ", "。"]),
    ("大臣は閣議後記者会見で答え、別の記者会見も開いた。",
     ["大臣", "は", "閣議後記者会見", "で", "答え", "、", "別", "の", "記者会見", "も", "開い", "た", "。"]),
    ("大村入国管理センターと東日本入国管理センターを訪ねた。",
     ["大村入国管理センター", "と", "東日本入国管理センター", "を", "訪ね", "た", "。"]),
])
def test_domain_terms_added_from_the_real_sample(tok: JapaneseTokenizer, text: str, expected: list[str]) -> None:
    assert surfaces(tok, text) == expected


def test_domain_terms_version_is_recorded() -> None:
    assert tokenize(["犯罪白書"], cache_dir=False).settings["domain_terms"]["version"] == "1.3"


# --- the measurement script itself ------------------------------------------------------------------
def _check_script():
    import importlib.util
    import sys
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "corpora" / "real" / "keyness_check.py"
    spec = importlib.util.spec_from_file_location("_keyness_check", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module                   # its dataclasses look their module up
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_keyness_check_flags_the_three_kinds_of_fragment() -> None:
    check = _check_script()
    Context, suspicion = check.Context, check.suspicion
    from collections import Counter

    noun = "名詞-普通名詞-一般"
    bound_char = Context(n=4, bound=3, pos=Counter({noun: 4}))
    assert [r[:3] for r in suspicion("国", bound_char, 3)] == ["(a)"]
    glued = Context(n=4, left=Counter({"犯罪": 3}), pos=Counter({noun: 4}))
    assert [r[:3] for r in suspicion("白書", glued, 3)] == ["(b)"]
    affix = Context(n=4, pos=Counter({"接尾辞-名詞的-一般": 4}))
    assert [r[:3] for r in suspicion("者", affix, 3)] == ["(c)"]
    verb = Context(n=4, left=Counter({"共に": 4}), pos=Counter({"動詞-一般": 4}))
    assert suspicion("生きる", verb, 3) == []          # a verb never forms one token with a neighbour
    assert suspicion("国", Context(n=2, bound=2, pos=Counter({noun: 2})), 3) == []   # too rare to judge
    assert all(isinstance(reason, str) and reason for reason in check.REVIEWED.values())
