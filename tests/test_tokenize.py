"""Tokenization: offsets, lemmas, compounds, filters, English, parallel and cached runs.

Independent references: fugashi's own ``Tagger`` (segmentation and UniDic features),
``discourse.text.sentence_spans`` (sentence numbers), ``str.count`` (compound counts) and
hand-written expectations.
"""
from __future__ import annotations

import warnings
from importlib import metadata
from pathlib import Path

import fugashi
import numpy as np
import pytest

from discourse.cache import CorruptCacheEntry, decode_arrays, encode_arrays, pack_strings, unpack_strings
from discourse.corpus import Corpus, Document
from discourse.errors import ConfigError
from discourse.resources import read_term_list, resource
from discourse.text import sentence_spans
from discourse.tokenize import EnglishTokenizer, JapaneseTokenizer, Token, tokenize
from discourse.tokenize import japanese as japanese_module
from discourse.tokenize import shards as shards_module
from discourse.tokenize.lemma import choose_lemma, strip_gloss
from discourse.tokenize.lexicon import list_version

MIXED = ("東京の来日外国人による犯罪は２００３年に５０％増えた。\n"
         "NGO「移住連」は 2003 年の統計を批判した　全角スペース\tタブ\r\n"
         "絵文字👍と👨‍👩‍👧、ＤＶ被害、ｅ－ｍａｉｌ、COVID-19、1,218,891人。\n\n"
         "グエンさんは仮放免のまま３年。NUL\x00と\x1fUS制御文字も。 末尾 ")
DOMAIN_TERMS = ["外国人", "不法滞在者", "来日外国人", "多文化共生", "技能実習生", "仮放免", "入管法",
                "在留資格", "強制送還", "警察庁", "刑法犯"]
WHITESPACE = set(" \t\n\u3000")


@pytest.fixture(scope="module")
def tagger() -> fugashi.Tagger:
    return fugashi.Tagger()


def _check_offsets(text: str, tokens: list[Token]) -> None:
    """Every token is text[start:end]; tokens are in order, disjoint, and cover every non-space char."""
    covered = np.zeros(len(text), bool)
    last_end = 0
    for t in tokens:
        assert text[t.start:t.end] == t.surface, t
        assert t.start >= last_end and t.end > t.start, t
        covered[t.start:t.end] = True
        last_end = t.end
    uncovered = {text[i] for i in np.flatnonzero(~covered)}
    assert uncovered <= WHITESPACE | {"\x00", "\x1f"}, uncovered


# --- offsets ------------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["none", "affix", "noun_sequence"])
def test_offsets_of_every_token_in_mixed_text(mode: str) -> None:
    _check_offsets(MIXED, JapaneseTokenizer(compound=mode).tokenize(MIXED))


def test_unencodable_and_control_characters_keep_offsets(tmp_path: Path) -> None:
    text = "外国\ud800人が\x00来た\x1f。"  # lone surrogate (from a bad JSON escape), NUL, unit separator
    _check_offsets(text, JapaneseTokenizer().tokenize(text))
    toks = tokenize([text], pos="all", cache_dir=tmp_path)
    assert toks.doc_surfaces(0)[:3] == ["外国", "\ud800", "人"]
    assert tokenize([text], pos="all", cache_dir=tmp_path).to_lists() == toks.to_lists()  # cached round trip


def test_segmentation_without_compounds_is_fugashis(tagger: fugashi.Tagger) -> None:
    text = MIXED.replace("\x00", " ").replace("\x1f", " ")
    reference = [w.surface for w in tagger(text) if w.feature.pos1 != "空白"]
    ours = [t.surface for t in JapaneseTokenizer(compound="none").tokenize(text)]
    assert ours == reference


def test_batch_equals_one_text_at_a_time() -> None:
    tok = JapaneseTokenizer()
    texts = [MIXED, "", "外国人", "  空白で始まる文。", "不法滞在者が\n\n増えた"]
    batch = tok.tokenize_batch(texts)
    starts, ends = batch.local_starts()
    for d, text in enumerate(texts):
        one = tok.tokenize_arrays(text)
        sl = slice(batch.doc_ptr[d], batch.doc_ptr[d + 1])
        assert starts[sl].tolist() == one.starts.tolist() and ends[sl].tolist() == one.ends.tolist()
        assert batch.arrays.term_ids[sl].tolist() == one.term_ids.tolist()


def test_long_text_is_parsed_in_pieces_with_the_same_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "\n".join(f"第{i}段落、来日外国人の在留資格について述べた。" for i in range(40))
    whole = [(t.surface, t.start) for t in JapaneseTokenizer().tokenize(text)]
    monkeypatch.setattr(japanese_module, "MAX_CHUNK", 100)
    pieces = [(t.surface, t.start) for t in JapaneseTokenizer().tokenize(text)]
    assert len(japanese_module._chunks(text)) >= 10
    assert pieces == whole
    one_line = text.replace("\n", "")  # no line break to cut at: hard cuts, offsets still exact
    _check_offsets(one_line, JapaneseTokenizer().tokenize(one_line))


# --- lemmas -------------------------------------------------------------------------------------
def test_lemma_rules_on_unidic_quirks(tagger: fugashi.Tagger) -> None:
    text = "東京は　５０％、グエンさんが2003年にする事とすることがある。"
    lemma = {t.surface: t.lemma for t in JapaneseTokenizer(compound="none").tokenize(text)}
    raw = {w.surface: w.feature.lemma for w in tagger(text)}
    assert raw["東京"] == "トウキョウ" and lemma["東京"] == "東京"            # proper noun: written form
    assert raw["％"] == "パーセント-percent" and lemma["％"] == "パーセント"   # gloss stripped
    assert raw["グエン"] == "グエン-外国" and lemma["グエン"] == "グエン"
    assert raw["５０"] == "フィフティー-fifty" and lemma["５０"] == "５０"      # number: as written
    assert raw["2003"] is None and lemma["2003"] == "2003"                      # unknown: surface
    assert raw["する"] == "為る" and lemma["する"] == "する"                    # hiragana kept
    assert raw["事"] == "事" and lemma["事"] == "事" and lemma["こと"] == "こと"


def test_inflected_forms_share_the_lemma() -> None:
    tok = JapaneseTokenizer(compound="none")
    lemmas = {t.surface: t.lemma for t in tok.tokenize("犯罪が増えた。増えている。増える。")}
    assert lemmas["増え"] == "増える" == lemmas["増える"]


@pytest.mark.parametrize("lemma, orth, pos, expected", [
    ("トウキョウ", "東京", ("名詞", "固有名詞", "地名", "一般"), "東京"),
    ("パーセント-percent", "％", ("名詞", "普通名詞", "助数詞可能", "*"), "パーセント"),
    ("私-代名詞", "私", ("代名詞", "*", "*", "*"), "私"),
    ("為る", "する", ("動詞", "非自立可能", "*", "*"), "する"),
    ("為る", "為る", ("動詞", "非自立可能", "*", "*"), "為る"),
    ("ブラジル-Brazil", "ブラジル", ("名詞", "固有名詞", "地名", "国"), "ブラジル"),
    (None, "COVID-19", ("名詞", "普通名詞", "一般", "*"), "COVID-19"),  # unknown word: not stripped
    ("", "abc", ("名詞", "普通名詞", "一般", "*"), "abc"),
    ("フィフティー-fifty", "５０", ("名詞", "普通名詞", "一般", "*"), "５０"),
])
def test_choose_lemma(lemma: str | None, orth: str, pos: tuple, expected: str) -> None:
    assert choose_lemma(lemma, orth, pos) == expected


def test_strip_gloss_keeps_a_leading_hyphen() -> None:
    assert strip_gloss("-") == "-" and strip_gloss("ベトナム-Viet Nam") == "ベトナム"


# --- compounds ----------------------------------------------------------------------------------
def _term_tokens(tok: JapaneseTokenizer, term: str) -> list[tuple[str, str]]:
    """The tokens that cover ``term`` in a sentence around it."""
    text = f"昨年、{term}が問題になった。"
    return [(t.surface, t.rule) for t in tok.tokenize(text) if 3 <= t.start < 3 + len(term)]


def test_compound_none_keeps_unidic_words(tagger: fugashi.Tagger) -> None:
    tok = JapaneseTokenizer(compound="none", user_terms=None)
    for term in DOMAIN_TERMS:
        got = _term_tokens(tok, term)
        assert [s for s, _ in got] == [w.surface for w in tagger(term)], term
        assert len(got) > 1 and all(rule == "" for _, rule in got), term


@pytest.mark.parametrize("mode", ["affix", "noun_sequence"])
def test_domain_terms_are_one_token_in_every_joining_mode(mode: str) -> None:
    tok = JapaneseTokenizer(compound=mode)
    for term in DOMAIN_TERMS:
        assert _term_tokens(tok, term) == [(term, "domain")], term


def test_affix_rule_alone() -> None:
    tok = JapaneseTokenizer(compound="affix", domain_terms=False)
    expected = {"外国人": ["外国人"], "警察庁": ["警察庁"], "刑法犯": ["刑法犯"], "不法滞在者": ["不法", "滞在者"],
                "来日外国人": ["来日", "外国人"], "多文化共生": ["多文化", "共生"], "技能実習生": ["技能", "実習生"],
                "仮放免": ["仮", "放免"], "入管法": ["入管法"], "在留資格": ["在留", "資格"], "強制送還": ["強制", "送還"]}
    for term, parts in expected.items():
        assert [s for s, _ in _term_tokens(tok, term)] == parts, term
    assert _term_tokens(tok, "外国人") == [("外国人", "affix")]
    assert [t.surface for t in tok.tokenize("ご意見と公務員等")] == ["ご", "意見", "と", "公務員", "等"]


def test_noun_sequence_rule_alone() -> None:
    tok = JapaneseTokenizer(compound="noun_sequence", domain_terms=False)
    for term in DOMAIN_TERMS:
        assert _term_tokens(tok, term) == [(term, "noun_sequence")], term
    assert [t.surface for t in tok.tokenize("2003年の外国人犯罪")] == ["2003年", "の", "外国人犯罪"]  # a number is one token


def test_listed_term_must_sit_on_word_boundaries() -> None:
    # 刑法犯 is listed, but in 刑法犯罪 unidic reads 刑法|犯罪: the match is not applied
    tokens = [t.surface for t in JapaneseTokenizer().tokenize("刑法犯罪と刑法犯")]
    assert tokens == ["刑法", "犯罪", "と", "刑法犯"]


def test_user_terms_in_every_mode_and_multiword() -> None:
    for mode in ("none", "affix", "noun_sequence"):
        tok = JapaneseTokenizer(compound=mode, user_terms=["入管難民法", "人間の安全保障"])
        tokens = {t.surface: t for t in tok.tokenize("入管難民法と人間の安全保障。")}
        assert tokens["入管難民法"].rule == "user" and tokens["入管難民法"].parts == ("入管", "難民", "法")
        assert tokens["人間の安全保障"].lemma == "人間の安全保障"


def test_compound_report_counts_match_the_text() -> None:
    docs = ["来日外国人が増えた。外国人登録者の中の外国人。", "外国人と警察庁。", "不法滞在者。"]
    toks = tokenize(docs, cache_dir=False, stopwords=False, pos="all")
    table = toks.compounds().set_index("term")
    assert table.loc["外国人", "count"] == 2                       # 外国人 alone, not inside longer terms
    assert table.loc["外国人", "parts"] == "外国+人" and table.loc["外国人", "rule"] == "domain"
    assert table.loc["来日外国人", "parts"] == "来日+外国+人"
    assert table.loc["外国人登録者", "count"] == 1
    counted = {t: sum(terms.count(t) for terms in toks.to_lists()) for t in table.index}
    assert counted == table["count"].to_dict()


# --- corpus: filters, English, settings ------------------------------------------------------------
def _corpus() -> Corpus:
    return Corpus([
        Document("ja1", "来日外国人による犯罪が増加したと警察庁は発表した。しかし割合は小さい。", side="state"),
        Document("en1", "Japan's migrant workers face discrimination. Human rights groups say 98% of crimes "
                        "are committed by Japanese.", side="ngo", language="en"),
        Document("ja2", "多文化共生の地域づくりを進めることが大切です。", side="ngo"),
    ])


def test_pos_and_stopword_filters(tagger: fugashi.Tagger) -> None:
    corpus = _corpus()
    everything = tokenize(corpus, pos="all", stopwords=False, cache_dir=False)
    assert "は" in everything.doc_terms(0) and "。" in everything.doc_terms(0)
    content = tokenize(corpus, cache_dir=False)
    assert content.doc_terms(0) == ["来日外国人", "犯罪", "増加", "警察庁", "発表", "割合", "小さい"]
    assert content.doc_terms(2) == ["多文化共生", "地域", "つくり", "進める", "大切"]  # orthBase of づくり
    kept_tags = set(content.pos_vocab)
    assert not any(tag.startswith(("助詞", "助動詞", "補助記号", "名詞-数詞")) for tag in kept_tags)
    nouns = tokenize(corpus, pos=["名詞"], stopwords=False, cache_dir=False)
    assert all(tag.startswith("名詞") for tag in nouns.pos_vocab)
    assert nouns.doc_terms(2) == ["多文化共生", "地域", "つくり", "こと"]
    no_stop = tokenize(corpus, stopwords=False, cache_dir=False)  # しかし is a conjunction: not content
    assert no_stop.doc_terms(0) == ["来日外国人", "よる", "犯罪", "増加", "する", "警察庁", "発表", "する", "割合", "小さい"]
    custom = tokenize(corpus, stopwords=["犯罪", "増加"], cache_dir=False)  # replaces the bundled lists
    assert custom.doc_terms(0) == ["来日外国人", "よる", "する", "警察庁", "発表", "する", "割合", "小さい"]


def test_filtered_tokens_are_the_tokenizers_tokens() -> None:
    corpus = _corpus()
    toks = tokenize(corpus, pos=["名詞", "動詞"], stopwords=False, cache_dir=False)
    text = corpus["ja1"].text
    expected = [t for t in JapaneseTokenizer().tokenize(text) if t.pos[0] in ("名詞", "動詞")]
    assert toks.doc_terms(0) == [t.lemma for t in expected]
    sl = toks.doc_slice(0)
    assert toks.starts[sl].tolist() == [t.start for t in expected]
    assert [toks.pos_vocab[p] for p in toks.pos_ids[sl]] == [t.pos_tag for t in expected]


def test_english_documents() -> None:
    toks = tokenize(_corpus(), cache_dir=False)
    assert toks.doc_terms(1) == ["japan", "migrant workers", "face", "discrimination", "human rights", "groups",
                                 "say", "crimes", "committed", "japanese"]
    every = EnglishTokenizer().tokenize(_corpus()["en1"].text)
    _check_offsets(_corpus()["en1"].text, every)
    assert [(t.surface, t.pos[0]) for t in every[:3]] == [("Japan", "word"), ("'s", "word"), ("migrant workers", "word")]
    assert ("98", "number") in [(t.surface, t.pos[0]) for t in every]
    docs = Corpus([Document("e", "Human  Rights and human rights of migrant\nworkers.", side="ngo", language="en")])
    toks = tokenize(docs, cache_dir=False)
    assert toks.to_lists() == [["human rights", "human rights", "migrant workers"]]  # any whitespace inside
    assert toks.compounds()[["term", "parts", "count"]].values.tolist() == [
        ["human rights", "human+rights", 2], ["migrant workers", "migrant+workers", 1]]


def test_sentence_index_from_sentence_spans() -> None:
    corpus = _corpus()
    toks = tokenize(corpus, cache_dir=False)
    for d, doc in enumerate(corpus):
        spans = sentence_spans(doc.text, doc.language)
        sl = toks.doc_slice(d)
        for start, end, sent in zip(toks.starts[sl], toks.ends[sl], toks.sent[sl]):
            a, b = spans[sent]
            assert a <= start and end <= b
    assert toks.sent[toks.doc_slice(0)].tolist() == [0, 0, 0, 0, 0, 1, 1]


def test_surface_form_and_settings() -> None:
    toks = tokenize(_corpus(), form="surface", cache_dir=False)
    assert toks.doc_terms(0)[:3] == ["来日外国人", "犯罪", "増加"]
    assert "Japan" in toks.doc_terms(1) and "japan" not in toks.vocab
    assert toks.doc_terms(0) == toks.doc_surfaces(0)
    s = tokenize(_corpus(), cache_dir=False).settings
    assert s["fugashi"] == metadata.version("fugashi") and s["unidic_lite"] == metadata.version("unidic-lite")
    assert s["dictionary"] == "2.1.2" and s["compound"] == "affix" and s["pos"] == "content"
    assert s["domain_terms"]["version"] == list_version(resource("lexicons", "domain_terms.txt"))


@pytest.mark.parametrize("kwargs, message", [
    ({"compound": "afix"}, "did you mean 'affix'"),
    ({"pos": "contents"}, "content"),
    ({"form": "lemmas"}, "lemma"),
    ({"n_jobs": 0}, "n_jobs=0"),
    ({"user_terms": "no/such/file.txt"}, "user_terms"),
])
def test_bad_settings_name_the_argument(kwargs: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        tokenize(["外国人"], cache_dir=False, **kwargs)


# --- parallel and cache --------------------------------------------------------------------------
def _demo() -> Corpus:
    from discourse import read_corpus

    return read_corpus(resource("demo"))


def _same(a, b) -> None:
    assert a.vocab == b.vocab and a.pos_vocab == b.pos_vocab
    for name in ("ids", "starts", "ends", "sent", "pos_ids", "doc_ptr"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert a.settings == b.settings and a.compound_counts == b.compound_counts and a.texts == b.texts
    assert a.docvars.equals(b.docvars)


def test_serial_equals_parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    from concurrent.futures import ProcessPoolExecutor

    from discourse.tokenize import pipeline

    pools: list[int] = []

    class CountingPool(ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            pools.append(kwargs["max_workers"])
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(pipeline, "ProcessPoolExecutor", CountingPool)
    monkeypatch.setattr(shards_module, "TARGET_CHARS", 5_000)
    corpus = _demo()
    serial = tokenize(corpus, cache_dir=False)
    assert pools == []  # n_jobs=1 runs in this process
    parallel = tokenize(corpus, cache_dir=False, n_jobs=2)
    assert pools == [2]
    assert len(shards_module.plan_shards([d.content_hash for d in corpus], [len(d.text) for d in corpus])) > 4
    _same(serial, parallel)


def test_cached_equals_fresh_and_corrupt_entries_are_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shards_module, "TARGET_CHARS", 20_000)
    corpus = _demo()
    fresh = tokenize(corpus, cache_dir=False)
    first = tokenize(corpus, cache_dir=tmp_path)
    entries = sorted(tmp_path.rglob("*.arr"))
    assert len(entries) > 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an intact cache gives no warning
        cached = tokenize(corpus, cache_dir=tmp_path, n_jobs=2)
    _same(fresh, first)
    _same(fresh, cached)

    damaged, truncated = entries[0], entries[1]
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    truncated.write_bytes(truncated.read_bytes()[:100])
    with pytest.warns(RuntimeWarning, match="corrupt") as caught:
        rebuilt = tokenize(corpus, cache_dir=tmp_path)
    messages = " ".join(str(w.message) for w in caught)
    assert str(damaged) in messages and str(truncated) in messages
    _same(fresh, rebuilt)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the rebuilt entries are intact again
        _same(fresh, tokenize(corpus, cache_dir=tmp_path))


def test_unusable_cache_folder_warns_and_still_tokenizes(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.warns(RuntimeWarning, match="cache"):
        toks = tokenize(_corpus(), cache_dir=blocker)
    _same(toks, tokenize(_corpus(), cache_dir=False))


def test_cache_key_changes_with_settings(tmp_path: Path) -> None:
    corpus = _corpus()
    tokenize(corpus, cache_dir=tmp_path)
    tokenize(corpus, cache_dir=tmp_path, pos="all", stopwords=False)  # filters: same cached tokens
    assert len(list(tmp_path.rglob("*.arr"))) == 1
    tokenize(corpus, cache_dir=tmp_path, compound="none")
    tokenize(corpus, cache_dir=tmp_path, user_terms=["割合は小さい"])
    assert len(list(tmp_path.rglob("*.arr"))) == 3


def test_array_files_are_checked_and_never_unpickled() -> None:
    import pickle

    data = encode_arrays({"a": np.arange(5, dtype=np.int32)}, {"k": 1})
    arrays, meta = decode_arrays(data)
    assert arrays["a"].tolist() == [0, 1, 2, 3, 4] and meta == {"k": 1}
    for bad in (data[:-1], data[:10], pickle.dumps({"a": 1}), data[:-4] + b"\0\0\0\0"):
        with pytest.raises(CorruptCacheEntry):
            decode_arrays(bad)
    with pytest.raises(TypeError):
        encode_arrays({"o": np.array([object()])})
    assert unpack_strings(**pack_strings(["a\0b", "", "外国人"])) == ["a\0b", "", "外国人"]


# --- bundled lexicons ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["domain_terms.txt", "stopwords_ja.txt", "stopwords_en.txt",
                                  "foreigner_terms.txt", "crime_terms.txt"])
def test_lexicons_are_versioned(name: str) -> None:
    path = resource("lexicons", name)
    assert path.read_text(encoding="utf-8").startswith("# version: ")
    assert list_version(path).replace(".", "", 1).isdigit() and len(read_term_list(path)) > 20


def test_foreigner_and_crime_terms_are_single_tokens() -> None:
    """Every Japanese term of the association lists can match a token (as the default tokenizer cuts)."""
    ja, en = JapaneseTokenizer(), EnglishTokenizer()
    for name in ("foreigner_terms.txt", "crime_terms.txt"):
        for term in read_term_list(resource("lexicons", name)):
            if term.isascii():
                lemmas = [t.lemma for t in en.tokenize(f"The {term.title()} said.")][1:-2]
            else:
                lemmas = [t.lemma for t in ja.tokenize(f"「{term}」")][1:-1]
            assert lemmas == [term], (name, term, lemmas)


def test_stopwords_never_hold_research_terms() -> None:
    stop = set(read_term_list(resource("lexicons", "stopwords_ja.txt")))
    for name in ("foreigner_terms.txt", "crime_terms.txt", "domain_terms.txt"):
        assert not stop & set(read_term_list(resource("lexicons", name))), name


def test_progress_bar_on_request(capsys: pytest.CaptureFixture) -> None:
    tokenize(_corpus(), cache_dir=False, progress=True)
    assert "tokenize" in capsys.readouterr().err
    tokenize(_corpus(), cache_dir=False, progress=False)
    assert capsys.readouterr().err == ""


# --- the one-text path: same tokens as before, as a light sequence -----------------------------------
N, V, S = ("名詞", "普通名詞", "一般", "*"), ("動詞", "一般", "*", "*"), ("接尾辞", "名詞的", "一般", "*")
CASE, AUX = ("助詞", "格助詞", "*", "*"), ("助動詞", "*", "*", "*")
#: Hand-checked tokens (surface, lemma, pos, start, end, parts, rule) of the default tokenizer,
#: recorded before the one-text path was rewritten; the rewrite must give exactly these.
HAND_CHECKED = {
    "来日外国人による犯罪が増加した。": [
        ("来日外国人", "来日外国人", N, 0, 5, ("来日", "外国", "人"), "domain"), ("に", "に", CASE, 5, 6, (), ""),
        ("よる", "よる", V, 6, 8, (), ""), ("犯罪", "犯罪", N, 8, 10, (), ""), ("が", "が", CASE, 10, 11, (), ""),
        ("増加", "増加", ("名詞", "普通名詞", "サ変可能", "*"), 11, 13, (), ""),
        ("し", "する", ("動詞", "非自立可能", "*", "*"), 13, 14, (), ""), ("た", "た", AUX, 14, 15, (), ""),
        ("。", "。", ("補助記号", "句点", "*", "*"), 15, 16, (), "")],
    "東京で％が上がった": [
        ("東京", "東京", ("名詞", "固有名詞", "地名", "一般"), 0, 2, (), ""), ("で", "で", CASE, 2, 3, (), ""),
        ("％", "パーセント", ("名詞", "普通名詞", "助数詞可能", "*"), 3, 4, (), ""), ("が", "が", CASE, 4, 5, (), ""),
        ("上がっ", "上がる", V, 5, 8, (), ""), ("た", "た", AUX, 8, 9, (), "")],
    "グエンさんはベトナム人": [
        ("グエン", "グエン", ("名詞", "固有名詞", "人名", "一般"), 0, 3, (), ""), ("さん", "さん", S, 3, 5, (), ""),
        ("は", "は", ("助詞", "係助詞", "*", "*"), 5, 6, (), ""),
        ("ベトナム人", "ベトナム人", ("名詞", "固有名詞", "地名", "国"), 6, 11, ("ベトナム", "人"), "affix")],
    "ご意見を公務員等に": [
        ("ご", "ご", ("接頭辞", "*", "*", "*"), 0, 1, (), ""), ("意見", "意見", ("名詞", "普通名詞", "サ変可能", "*"), 1, 3, (), ""),
        ("を", "を", CASE, 3, 4, (), ""), ("公務員", "公務員", N, 4, 7, ("公務", "員"), "affix"),
        ("等", "等", S, 7, 8, (), ""), ("に", "に", CASE, 8, 9, (), "")],
    "  外国人  労働者  ": [
        ("外国人", "外国人", N, 2, 5, ("外国", "人"), "domain"),
        ("労働者", "労働者", ("名詞", "普通名詞", "サ変可能", "*"), 7, 10, ("労働", "者"), "affix")],
    "😀外国人😀が来日した🇯🇵": [
        ("😀", "😀", ("補助記号", "一般", "*", "*"), 0, 1, (), ""), ("外国人", "外国人", N, 1, 4, ("外国", "人"), "domain"),
        ("😀", "😀", ("補助記号", "一般", "*", "*"), 4, 5, (), ""), ("が", "が", CASE, 5, 6, (), ""),
        ("来日", "来日", ("名詞", "普通名詞", "サ変可能", "*"), 6, 8, (), ""),
        ("し", "する", ("動詞", "非自立可能", "*", "*"), 8, 9, (), ""), ("た", "た", AUX, 9, 10, (), ""),
        ("🇯🇵", "🇯🇵", ("補助記号", "一般", "*", "*"), 10, 12, (), "")],
    "": [],
}


def test_one_text_path_gives_the_hand_checked_tokens() -> None:
    tok = JapaneseTokenizer()
    for text, expected in HAND_CHECKED.items():
        got = tok.tokenize(text)
        assert [(t.surface, t.lemma, t.pos, t.start, t.end, t.parts, t.rule) for t in got] == expected, text
        assert got == [Token(*row) for row in expected]                     # a sequence equals the list of records
        batch = tok.tokenize_batch([text, text])                            # the batch path agrees
        assert batch.arrays.term_ids.tolist() == tok.tokenize_arrays(text).term_ids.tolist() * 2


def test_token_sequence_reads_like_a_list() -> None:
    text = "来日外国人による犯罪が増加した。"
    seq = JapaneseTokenizer().tokenize(text)
    records = [Token(*row) for row in HAND_CHECKED[text]]
    assert len(seq) == 9 and list(seq) == records and seq.to_list() == records
    assert seq[0] == records[0] and seq[-1] == records[-1] and seq[2:4] == records[2:4] and seq[::-1] == records[::-1]
    with pytest.raises(IndexError):
        seq[9]
    assert seq.surfaces == [t.surface for t in records] and seq.lemmas == [t.lemma for t in records]
    assert seq.pos_tags == [t.pos_tag for t in records] and seq.starts == [t.start for t in records]
    assert seq.ends == [t.end for t in records] and seq.text == text
    assert seq + [records[0]] == records + [records[0]]
    assert seq != records[:-1] and records == seq
    assert repr(seq) == "TokenSequence(9 tokens: 来日外国人 に よる 犯罪 が 増加 し た 。)"
    long = JapaneseTokenizer().tokenize("外国人の在留資格。" * 10000)
    assert len(repr(long)) < 200 and repr(long).endswith("... (+39,988 more))") and "40,000 tokens" in repr(long)


def test_type_table_grows_without_changing_tokens() -> None:
    """5,000 new number types in one tokenizer (past the initial table size) give the same tokens
    as a fresh tokenizer for each text."""
    texts = [f"第{n}号の外国人" for n in range(100_000, 105_000)]
    tok = JapaneseTokenizer()
    seqs = [tok.tokenize(t) for t in texts]
    assert tok._types.n > 5000
    for text, seq in zip(texts[::997] + texts[-1:], seqs[::997] + seqs[-1:]):
        assert seq == JapaneseTokenizer().tokenize(text)
        assert seq.lemmas == [text[:8], "の", "外国人"]          # 第N号: one number-with-unit token


# --- characters beyond U+FFFF ------------------------------------------------------------------------
@pytest.mark.parametrize("text, word, start", [("𠮷田さんが来た。", "𠮷田", 0), ("昨日、𠮷田と会った", "𠮷田", 3),
                                               ("𩸽を食べた", "𩸽", 0), ("𠀋の字", "𠀋", 0)])
def test_ideographs_beyond_the_bmp_stay_inside_their_words(text: str, word: str, start: int) -> None:
    for mode in ("none", "affix", "noun_sequence"):
        tokens = JapaneseTokenizer(compound=mode).tokenize(text)
        _check_offsets(text, tokens)
        found = [t for t in tokens if t.start == start]
        assert found and found[0].surface == word and found[0].lemma == word, (mode, tokens)
        assert found[0].pos[0] == "名詞", (mode, found)                    # a noun, not a symbol
        assert "田" not in [t.surface for t in tokens], mode                 # never the bare 田


def test_beyond_bmp_offsets_in_batches_and_corpora() -> None:
    texts = ["👨‍👩‍👧と𠮷田さん、𩸽と𠀋。", "𠮷田", "外国人👍来日", "𠮷" * 3 + "田中"]
    tok = JapaneseTokenizer()
    batch = tok.tokenize_batch(texts)
    starts, ends = batch.local_starts()
    for d, text in enumerate(texts):
        one = tok.tokenize(text)
        _check_offsets(text, one)
        sl = slice(batch.doc_ptr[d], batch.doc_ptr[d + 1])
        assert starts[sl].tolist() == one.starts and ends[sl].tolist() == one.ends
        assert [tok.terms.items[i] for i in batch.arrays.term_ids[sl]] == one.lemmas
    toks = tokenize(texts, cache_dir=False)                                   # pos="content", stopwords
    assert "田" not in toks.vocab and "𠮷田" in toks.doc_terms(0) and toks.doc_terms(1) == ["𠮷田"]
    for d, text in enumerate(texts):
        assert all(text[s:e] for s, e in zip(toks.starts[toks.doc_slice(d)], toks.ends[toks.doc_slice(d)]))
    assert [w.surface for w in JapaneseTokenizer().tokenize("𠮷田\x00𩸽")] == ["𠮷田", "𩸽"]


# --- speed (slow: run with `pytest -m slow`) ------------------------------------------------------
@pytest.mark.slow
def test_benchmark_one_text_and_batch_ratios_against_wakati() -> None:
    """benchmarks/tokenizer.py on unique documents with a growing vocabulary: ``tokenize(text)``
    >= 0.35 and ``tokenize_batch`` >= 0.50 of MeCab ``-Owakati`` (CPU time, same run)."""
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "benchmarks" / "tokenizer.py"
    spec = importlib.util.spec_from_file_location("bench_tokenizer", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    checks, short = bench.report_one_text(bench.demo_sentences(), 5, 0)
    assert len(checks) == 2 and "short texts" in short
    for label, ok, value in checks:
        assert ok, f"{label}: {value}"


def test_variation_selectors_stay_with_their_character() -> None:
    """葛󠄀城 (葛 + U+E0100): the tokens of the text without selectors, each selector inside the
    token of the character before it; lemmas from the dictionary as without the selector."""
    ivs, ivs2 = "\U000E0100", "\U000E0101"
    text = f"葛{ivs}城市に住む辻{ivs2}さんと𠮷{ivs}田さん"
    plain = text.replace(ivs, "").replace(ivs2, "")
    tok = JapaneseTokenizer()
    got, ref = tok.tokenize(text), tok.tokenize(plain)
    _check_offsets(text, got)
    assert [t.surface.replace(ivs, "").replace(ivs2, "") for t in got] == [t.surface for t in ref]
    assert got.surfaces[:2] == [f"葛{ivs}城", "市"] and got.lemmas[0] == "葛城"
    assert f"辻{ivs2}" in got.surfaces and f"𠮷{ivs}田" in got.surfaces
    assert [t.lemma for t in got if ivs not in t.surface and ivs2 not in t.surface] == \
           [t.lemma for t, g in zip(ref, got) if ivs not in g.surface and ivs2 not in g.surface]
    batch = tok.tokenize_batch(["外国人", text])
    starts, ends = batch.local_starts()
    assert starts[batch.doc_ptr[1]:].tolist() == got.starts and ends[batch.doc_ptr[1]:].tolist() == got.ends


def test_batch_and_array_reprs_are_bounded() -> None:
    tok = JapaneseTokenizer()
    texts = ["来日外国人の犯罪。" * 5000] * 3
    batch = tok.tokenize_batch(texts)
    assert repr(batch) == f"Batch(3 texts, {len(batch.arrays):,} tokens, {len(batch.text):,} characters)"
    assert repr(tok.tokenize_arrays("来日外国人と外国人")) == "TokenArrays(3 tokens, 2 compounds)"
    assert len(repr(batch)) < 100 and len(repr(batch.arrays)) < 100


# --- fast type keys (surface and context ids) and the exact fallback -----------------------------
AMBIGUOUS = "月の手取りは二十万円だ。詰の一手で上島さんと木川さんが勝った。"


def _fugashi_lemmas(tagger: fugashi.Tagger, text: str) -> list[str]:
    from discourse.tokenize.lemma import choose_lemma

    return [choose_lemma(w.feature.lemma, w.feature.orthBase or w.surface,
                         (w.feature.pos1, w.feature.pos2, w.feature.pos3, w.feature.pos4)) for w in tagger(text)]


@pytest.mark.parametrize("path", ["batch", "one_text"])
def test_entries_sharing_a_fast_key_are_read_again_with_exact_fields(tagger: fugashi.Tagger, path: str,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A fast key (surface, context ids, cost) names one dictionary entry unless entries share it.
    unidic-lite has such pairs (手取り: lemmas 手取り and 手っ取り, same ids, cost 10300), but
    MeCab never chooses them, as an entry with the same surface and ids costs less (7460); should
    a chosen key be shared by entries that give other tokens, the text is read again with the
    exact fields. Simulated here: the chosen 手取り key gets a second entry with lemma 手っ取り.
    上島 and 木川 share keys (readings ウエジマ/ウエシマ) but give the same token: no second reading."""
    tok = JapaneseTokenizer(compound="none", domain_terms=False)
    real = tok._lemma_fields("手取り 手取 手 詰".split())
    assert real[("手取り", "5142", "5142", "10300")] == [("手取り", "手取り"), ("手っ取り", "手取り")]
    assert real[("手取り", "5142", "5142", "7460")] == [("手取り", "手取り")]
    lemma_fields = tok._lemma_fields

    def shared(surfaces: list[str]) -> dict:
        found = lemma_fields(surfaces)
        for key, values in found.items():
            if key[0] == "手取り":
                values.append(("手っ取り", "手取り"))
        return found

    monkeypatch.setattr(tok, "_lemma_fields", shared)
    if path == "batch":
        seq = tok.tokenize_batch([AMBIGUOUS]).arrays
        lemmas = [tok.terms.items[i] for i in seq.term_ids.tolist()]
    else:
        lemmas = tok.tokenize(AMBIGUOUS).lemmas
    assert tok._exact_tagger is not None  # the second reading happened
    assert lemmas == _fugashi_lemmas(tagger, AMBIGUOUS)
    assert lemmas[2] == "手取り"  # not 手っ取り
    plain = JapaneseTokenizer(compound="none", domain_terms=False)
    pairs = plain._lemma_fields(["上島", "木川"])
    assert pairs[("上島", "4790", "4790", "9770")] == [("ウエジマ", "上島"), ("ウエシマ", "上島")]
    assert plain.tokenize("上島さんと\u3000木川さんが来た。").lemmas[:4] == ["上島", "さん", "と", "木川"]
    assert plain._exact_tagger is None  # (the full-width space, a word whose lemma is a space, too)


def test_fast_keys_give_the_exact_formats_tokens(tagger: fugashi.Tagger) -> None:
    """A tokenizer reading only exact keys (the MeCab fields themselves) gives the same tokens as
    the default one on text with names, numbers, loanwords, symbols and an ambiguous key."""
    text = MIXED + AMBIGUOUS + "キニンとキニーネ、第10000001号、グエン・ヴァン・アン氏、％、ｅ－ｍａｉｌ。"
    fast = JapaneseTokenizer()
    exact = JapaneseTokenizer()
    exact._tagger = exact._exact()
    for a, b in ((fast.tokenize(text), exact.tokenize(text)),
                 (fast.tokenize_batch([text, AMBIGUOUS]).arrays, exact.tokenize_batch([text, AMBIGUOUS]).arrays)):
        if isinstance(a, type(fast.tokenize(""))):
            assert list(a) == list(b)
        else:
            assert [fast.terms.items[i] for i in a.term_ids.tolist()] == [exact.terms.items[i] for i in b.term_ids.tolist()]
            assert [fast.pos_tags.items[i] for i in a.pos_ids.tolist()] == \
                [exact.pos_tags.items[i] for i in b.pos_ids.tolist()]
            assert a.starts.tolist() == b.starts.tolist() and a.rules.tolist() == b.rules.tolist()
    assert {key.count("\x1f") for key in exact._types} == {4}  # only exact keys: lemma, orthBase, id, lengths
    assert {key.count("\x1f") for key in fast._types} >= {5, 6}  # fast keys of dictionary and unknown words


def test_compound_parts_are_the_same_from_the_shared_cache() -> None:
    """Compound parts (外国+人) are cached by term and cut positions across shards; a warm cache
    gives the counts of a cold one, checked against str.count on the text."""
    from collections import Counter

    text = "外国人と来日外国人の不法滞在者。外国人労働者、外国人。Foreign  Workers and foreign workers"
    tok = JapaneseTokenizer()
    batch = tok.tokenize_batch([text])
    shards_module._PARTS.clear()
    cold: Counter = Counter()
    shards_module.count_compounds(batch.arrays, batch.text, tok.terms.items, cold)
    assert shards_module._PARTS  # filled
    warm: Counter = Counter()
    shards_module.count_compounds(batch.arrays, batch.text, tok.terms.items, warm)
    assert warm == cold
    alone = text.count("外国人") - text.count("来日外国人") - text.count("外国人労働者")
    assert alone == 2 and cold[("外国人", "外国+人", "domain")] == alone
    assert cold[("外国人労働者", "外国+人+労働+者", "domain")] == 1 and cold[("不法滞在者", "不法+滞在+者", "domain")] == 1


def test_dictionary_without_left_id_table_reads_exact_fields(tmp_path: Path) -> None:
    """Without ``left-id.def`` the POS cannot come from the context id, so MeCab prints the fields
    themselves (no fast keys, no lattice look-ups); the tokens are those of the default set-up."""
    from discourse.tokenize.japanese import default_dicdir

    source = Path(default_dicdir())
    for item in source.iterdir():
        if item.name != "left-id.def":
            (tmp_path / item.name).symlink_to(item)
    bare = JapaneseTokenizer(dicdir=tmp_path)
    assert bare._left is None and bare._exact_tagger is bare._tagger
    text = MIXED + AMBIGUOUS + "第10000001号のキニンとグエン氏。"
    assert list(bare.tokenize(text)) == list(JapaneseTokenizer().tokenize(text))
    assert bare._lattice_tagger is None and {key.count("\x1f") for key in bare._types} == {4}


def test_tokenizers_share_one_tagger_per_format_and_thread() -> None:
    """Each MeCab tagger maps the whole dictionary (and its touched pages count in RSS once per
    mapping): tokenizers of one process share the tagger of a format; another thread gets its own,
    and the tokens are the same whichever tokenizer, in any order, parses."""
    import threading

    a, b = JapaneseTokenizer(compound="affix"), JapaneseTokenizer(compound="none")
    assert a._tagger is b._tagger and a._exact() is b._exact() and a._tagger is not a._exact()
    other: list = []
    t = threading.Thread(target=lambda: other.append(JapaneseTokenizer()._tagger))
    t.start(), t.join()
    assert other[0] is not a._tagger
    text = "来日外国人の検挙人員は1万4,766人で、改正入管法の審議が続いた。"
    first = [(x.surface, x.lemma, x.pos) for x in a.tokenize(text)]
    b.tokenize("別の文を先に読ませる。")
    assert [(x.surface, x.lemma, x.pos) for x in a.tokenize(text)] == first
    assert [x.surface for x in b.tokenize(text)][:3] == ["来日", "外国", "人"]
