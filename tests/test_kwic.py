"""KWIC: offsets round-trip into the original text, phrases, patterns, sorting, sentences."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from discourse.errors import ConfigError
from discourse.metrics import kwic
from discourse.tokens import Tokens

TEXTS = ["来日外国人の犯罪が、増加した。治安は悪化した。", "外国人の人権を守る！来日した人々と共生する。", "統計：外国人犯罪は約2%。"]
# Tokens as a tokenizer would give them, punctuation already removed; sentence index per token.
TOKENS = [
    (["来日", "外国人", "の", "犯罪", "が", "増加", "し", "た", "治安", "は", "悪化", "し", "た"], [0] * 8 + [1] * 5),
    (["外国人", "の", "人権", "を", "守る", "来日", "し", "た", "人々", "と", "共生", "する"], [0] * 5 + [1] * 7),
    (["統計", "外国人", "犯罪", "は", "約", "2", "%"], [0] * 7),
]
DOCVARS = pd.DataFrame({"side": ["state", "ngo", "ngo"], "year": [2004, 2005, 2006]},
                       index=pd.Index(["npa-1", "ngo-1", "ngo-2"], name="doc_id"))


def tokens_from_text(texts: list[str], tokens: list[tuple[list[str], list[int]]], docvars: pd.DataFrame) -> Tokens:
    """Tokens with real character offsets: each term is located in the text after the previous one."""
    vocab: dict[str, int] = {}
    ids, starts, ends, sent, sizes = [], [], [], [], []
    for text, (terms, sents) in zip(texts, tokens):
        pos = 0
        for term, s in zip(terms, sents):
            pos = text.index(term, pos)
            ids.append(vocab.setdefault(term, len(vocab)))
            starts.append(pos)
            ends.append(pos + len(term))
            sent.append(s)
            pos += len(term)
        sizes.append(len(terms))
    ptr = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    return Tokens(tuple(vocab), np.array(ids, np.int32), np.array(starts, np.int32), np.array(ends, np.int32),
                  np.array(sent, np.int32), np.zeros(len(ids), np.int16), ("",), ptr, docvars, tuple(texts))


@pytest.fixture
def toks() -> Tokens:
    return tokens_from_text(TEXTS, TOKENS, DOCVARS)


def assert_round_trip(df: pd.DataFrame, toks: Tokens) -> None:
    texts = dict(zip(toks.doc_ids, toks.texts))
    for _, row in df.iterrows():
        text = texts[row["doc_id"]]
        assert text[row["start"]:row["end"]] == row["keyword"]
        assert text[row["start"] - len(row["left"]):row["start"]] == row["left"]
        assert text[row["end"]:row["end"] + len(row["right"])] == row["right"]
        assert row["keyword"] in row["sentence"] and row["sentence"] in text


def test_offsets_round_trip(toks: Tokens) -> None:
    df = kwic(toks, "外国人", window=3)
    assert df["doc_id"].tolist() == ["npa-1", "ngo-1", "ngo-2"]
    assert_round_trip(df, toks)
    first = df.iloc[0]
    assert (first["start"], first["end"], first["token_start"], first["token_end"]) == (2, 5, 1, 2)
    assert (first["left"], first["keyword"], first["right"]) == ("来日", "外国人", "の犯罪が")
    # punctuation between tokens is kept in the context although it has no token
    assert kwic(toks, "犯罪", window=3).iloc[0]["right"] == "が、増加し"


def test_docvars_and_columns(toks: Tokens) -> None:
    df = kwic(toks, "人権", window=2)
    assert list(df.columns) == ["doc_id", "side", "year", "pattern", "token_start", "token_end", "start", "end",
                                "left", "keyword", "right", "sentence"]
    row = df.iloc[0]
    assert (row["doc_id"], row["side"], row["year"], row["pattern"]) == ("ngo-1", "ngo", 2005, "人権")
    assert toks.doc_terms(1)[row["token_start"]:row["token_end"]] == ["人権"]


def test_sentence_is_the_whole_sentence_with_its_punctuation(toks: Tokens) -> None:
    df = kwic(toks, ["犯罪", "治安", "共生"], window=1)
    got = dict(zip(df["keyword"], df["sentence"]))
    assert got["治安"] == "治安は悪化した。"
    assert got["共生"] == "来日した人々と共生する。"
    assert df[df["doc_id"] == "npa-1"].set_index("keyword").loc["犯罪", "sentence"] == "来日外国人の犯罪が、増加した。"
    assert df[df["doc_id"] == "ngo-2"]["sentence"].item() == "統計：外国人犯罪は約2%。"


def test_phrase_from_spaces_and_from_list(toks: Tokens) -> None:
    df = kwic(toks, "来日 外国人", window=2)
    assert len(df) == 1 and df.iloc[0]["keyword"] == "来日外国人" and df.iloc[0]["pattern"] == "来日 外国人"
    assert (df.iloc[0]["token_start"], df.iloc[0]["token_end"]) == (0, 2)
    same = kwic(toks, ["来日", "外国人"], window=2, phrase=True)
    pd.testing.assert_frame_equal(df, same)
    assert len(kwic(toks, ["来日", "外国人"], window=2)) == 5  # without phrase=True: either term


def test_phrase_does_not_cross_sentences(toks: Tokens) -> None:
    assert len(kwic(toks, "守る 来日")) == 0  # adjacent tokens, but "！" ends the sentence
    assert len(kwic(toks, "た 治安")) == 0
    assert len(kwic(toks, "し た")) == 3


def test_glob_and_regex(toks: Tokens) -> None:
    assert kwic(toks, "外国*", valuetype="glob")["keyword"].tolist() == ["外国人"] * 3
    assert sorted(kwic(toks, "^(犯罪|治安)$", valuetype="regex")["keyword"]) == ["治安", "犯罪", "犯罪"]
    assert kwic(toks, "外国", valuetype="fixed").empty


def test_window_is_cut_at_document_edges(toks: Tokens) -> None:
    df = kwic(toks, "統計", window=5)
    assert df.iloc[0]["left"] == "" and df.iloc[0]["right"] == "：外国人犯罪は約2"
    last = kwic(toks, "%", window=3).iloc[0]
    assert last["right"] == "" and last["left"] == "は約2"
    assert kwic(toks, "外国人", window=0)["left"].tolist() == ["", "", ""]


def test_sort_by_contexts(toks: Tokens) -> None:
    plain = kwic(toks, "外国人", window=2)
    by_right = kwic(toks, "外国人", window=2, sort_by="right")
    # right contexts (の, 人権) < (の, 犯罪) < (犯罪, は): code-point order, の U+306E < 人 U+4EBA < 犯 U+72AF
    assert by_right["doc_id"].tolist() == ["ngo-1", "npa-1", "ngo-2"]
    keys = [(toks.doc_terms(toks.doc_ids.index(d))[e:e + 2]) for d, e in zip(by_right["doc_id"], by_right["token_end"])]
    assert keys == sorted(keys)
    by_left = kwic(toks, "外国人", window=2, sort_by="left")
    assert by_left["doc_id"].tolist() == ["ngo-1", "npa-1", "ngo-2"]  # no left context first, then 来日 < 統計
    by_kw = kwic(toks, ["犯罪", "人権"], sort_by="keyword")
    assert by_kw["keyword"].tolist() == sorted(by_kw["keyword"].tolist())
    assert set(plain.index) == set(by_left.index)


def test_empty_result_and_errors(toks: Tokens) -> None:
    empty = kwic(toks, "存在しない語")
    assert empty.empty and "sentence" in empty.columns and "side" in empty.columns
    with pytest.raises(ConfigError, match="window=-1"):
        kwic(toks, "外国人", window=-1)
    with pytest.raises(ConfigError, match="sort_by='middle'"):
        kwic(toks, "外国人", sort_by="middle")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="non-empty"):
        kwic(toks, " ")
    with pytest.raises(ConfigError, match="tokens_or_corpus is a list: pass Tokens or a Corpus"):
        kwic([["外国人"]], "外国人")  # type: ignore[arg-type]


def test_from_lists_offsets_round_trip() -> None:
    toks = Tokens.from_lists([["the", "foreign", "crime", "rate"], ["foreign", "residents"]], sentences=[[0, 0, 1, 1], [0, 0]])
    df = kwic(toks, "foreign", window=1)
    assert df["left"].tolist() == ["the ", ""] and df["right"].tolist() == [" crime", " residents"]
    assert df["sentence"].tolist() == ["the foreign", "foreign residents"]
    assert_round_trip(df, toks)


def test_real_tokenizer_round_trip() -> None:
    try:
        from discourse.tokenize import tokenize
    except ImportError as exc:
        pytest.skip(f"discourse.tokenize.tokenize is not available yet ({exc}); written by another helper")
    from discourse.corpus import Corpus, Document

    corpus = Corpus([Document("npa-2004", "来日外国人による犯罪が増加している。治安の回復が急務だ。", side="state"),
                     Document("ngo-2004", "外国人の大半は法を守って暮らしている。差別をやめよう！", side="ngo")])
    toks = tokenize(corpus)
    df = kwic(corpus, "犯罪", window=3)
    assert len(df) >= 1 and df.iloc[0]["doc_id"] == "npa-2004"
    assert df.iloc[0]["sentence"] == "来日外国人による犯罪が増加している。"
    assert_round_trip(df, toks)
    every = kwic(toks, "*", valuetype="glob", window=2)
    assert len(every) == toks.n_tokens
    assert_round_trip(every, toks)
