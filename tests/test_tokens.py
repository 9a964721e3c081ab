"""The ``Tokens`` container: shape, verbs returning new objects, n-grams, reports.

Expected values are written out by hand or recomputed with plain Python (``collections.Counter``,
list slicing) from the same term lists.
"""
from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest

from discourse.errors import ConfigError
from discourse.tokenize import tokenize
from discourse.tokens import Tokens

DOCS = [["外国人", "犯罪", "増加", "外国人"], [], ["治安", "外国人", "共生"], ["共生", "社会"]]
SENTS = [[0, 0, 1, 1], [], [0, 0, 0], [0, 1]]


@pytest.fixture
def toks() -> Tokens:
    docvars = pd.DataFrame({"side": ["state", "state", "ngo", "ngo"]}, index=pd.Index(["a", "b", "c", "d"], name="doc_id"))
    return Tokens.from_lists(DOCS, docvars, sentences=SENTS)


def test_shape_and_access(toks: Tokens) -> None:
    assert len(toks) == 4 and toks.n_tokens == 9
    assert toks.doc_ids == ["a", "b", "c", "d"]
    assert toks.to_lists() == DOCS
    assert toks.doc_ptr.tolist() == [0, 4, 4, 7, 9]
    assert toks.doc_index().tolist() == [0, 0, 0, 0, 2, 2, 2, 3, 3]
    assert toks.vocab == ("外国人", "犯罪", "増加", "治安", "共生", "社会")  # first-occurrence order
    assert toks.texts[0] == "外国人 犯罪 増加 外国人"
    for d in range(len(toks)):  # offsets point at the terms in the joined texts
        assert toks.doc_surfaces(d) == DOCS[d]


def test_select_remove_keep_empty_documents(toks: Tokens) -> None:
    kept = toks.select(["外国人", "共生"])
    assert kept.to_lists() == [[t for t in d if t in ("外国人", "共生")] for d in DOCS]
    assert kept.doc_ptr.tolist() == [0, 2, 2, 4, 5]
    removed = toks.remove(["外国人", "共生", "社会"])
    assert removed.to_lists() == [["犯罪", "増加"], [], ["治安"], []]  # empty trailing document kept
    assert removed.sent.tolist() == [0, 1, 0]
    assert toks.to_lists() == DOCS  # the original is unchanged


def test_glob_and_regex_patterns(toks: Tokens) -> None:
    assert toks.select("外国*", valuetype="glob").to_lists() == [["外国人", "外国人"], [], ["外国人"], []]
    assert toks.remove("^(共生|治安)$", valuetype="regex").to_lists() == [DOCS[0], [], ["外国人"], ["社会"]]
    with pytest.raises(ConfigError, match="valuetype"):
        toks.select("x", valuetype="fuzzy")


def test_subset_follows_docvars_and_texts(toks: Tokens) -> None:
    ngo = toks.subset(toks.docvars["side"] == "ngo")
    assert ngo.doc_ids == ["c", "d"] and ngo.to_lists() == DOCS[2:]
    assert ngo.texts == toks.texts[2:] and ngo.doc_surfaces(0) == DOCS[2]
    with pytest.raises(ConfigError, match="one per document"):
        toks.subset([True, False])


def test_ngrams_stay_inside_sentences(toks: Tokens) -> None:
    bi = toks.ngrams(2)
    expected = []
    for terms, sents in zip(DOCS, SENTS):
        expected.append([f"{a}_{b}" for (a, s1), (b, s2) in zip(zip(terms, sents), zip(terms[1:], sents[1:])) if s1 == s2])
    assert bi.to_lists() == expected == [["外国人_犯罪", "増加_外国人"], [], ["治安_外国人", "外国人_共生"], []]
    first = bi.doc_slice(0)
    assert [toks.texts[0][s:e] for s, e in zip(bi.starts[first], bi.ends[first])] == ["外国人 犯罪", "増加 外国人"]
    assert toks.ngrams(1) is toks
    with pytest.raises(ConfigError):
        toks.ngrams(0)


def test_term_frequencies_match_counter(toks: Tokens) -> None:
    counts = Counter(t for d in DOCS for t in d)
    freq = toks.term_frequencies()
    assert freq.to_dict() == dict(counts)
    assert freq.index[0] == "外国人" and freq.iloc[0] == 3
    assert list(freq.values) == sorted(freq.values, reverse=True)


def test_keep_pos_uses_pos_prefixes() -> None:
    toks = tokenize(["外国人が増えた。"], pos="all", stopwords=False, cache_dir=False)
    assert toks.keep_pos(["名詞", "動詞"]).to_lists() == [["外国人", "増える"]]
    assert toks.keep_pos(["助"]).to_lists() == [["が", "た"]]  # 助詞 and 助動詞


def test_compounds_report() -> None:
    toks = tokenize(["来日外国人と外国人。", "外国人。"], cache_dir=False)
    table = toks.compounds()
    assert list(table.columns) == ["term", "parts", "rule", "count"]
    assert table.iloc[0].tolist() == ["外国人", "外国+人", "domain", 2]
    assert table.iloc[1].tolist() == ["来日外国人", "来日+外国+人", "domain", 1]
    assert Tokens.from_lists([["a"]]).compounds().empty


def test_term_ids_and_match(toks: Tokens) -> None:
    assert toks.term_ids(["共生", "nope", "外国人"]).tolist() == [0, 4]
    assert toks.match(["犯罪"]).tolist() == [False, True, False, False, False, False]
    assert np.array_equal(toks.vocab_index["社会"], 5)


# --- subset by docvars, repr -----------------------------------------------------------------------
@pytest.fixture
def years() -> Tokens:
    docvars = pd.DataFrame({"side": ["state", "state", "ngo", "ngo"], "year": pd.array([2001, 2003, None, 2005], "Int64")},
                           index=pd.Index(["a", "b", "c", "d"], name="doc_id"))
    return Tokens.from_lists(DOCS, docvars, sentences=SENTS)


def test_subset_by_docvar_value_list_range_and_missing(years: Tokens) -> None:
    assert years.subset(side="ngo").doc_ids == ["c", "d"]
    assert years.subset(side=["ngo", "nobody"]).doc_ids == ["c", "d"]
    assert years.subset(year=(2002, 2005)).doc_ids == ["b", "d"]         # inclusive range; missing year left out
    assert years.subset(year=(2001, 2003), side="state").doc_ids == ["a", "b"]
    assert years.subset(year=None).doc_ids == ["c"]
    assert years.subset(doc_id=["d", "a"]).doc_ids == ["a", "d"]         # the index name, corpus order kept
    both = years.subset([True, True, False, True], side="state")          # mask and docvars together
    assert both.doc_ids == ["a", "b"] and both.to_lists() == DOCS[:2] and both.texts == years.texts[:2]
    assert years.subset(side="ngo").to_lists() == years.subset(years.docvars["side"] == "ngo").to_lists() == DOCS[2:]


def test_subset_names_an_unknown_docvar(years: Tokens) -> None:
    with pytest.raises(ConfigError, match=r"docvar='sid'.*did you mean 'side'"):
        years.subset(sid="ngo")


def test_subset_by_docvar_agrees_with_corpus_subset() -> None:
    from discourse.load import read_corpus

    corpus = read_corpus("corpora/demo/corpus.jsonl")
    toks = tokenize(corpus, cache_dir=False)
    for cond in ({"side": "state"}, {"side": ["ngo", "local"], "year": (2000, 2010)}, {"year": (1990, 2004)}):
        assert toks.subset(**cond).doc_ids == corpus.subset(**cond).docvars.index.tolist(), cond


def test_repr_is_short_and_names_the_contents(toks: Tokens) -> None:
    text = repr(toks)
    assert text.splitlines() == ["Tokens(4 documents, 9 tokens, 6 types)", "  docvars: side", "  a: 外国人 犯罪 増加 外国人"]
    long_docs = [[f"語{i}" * 30 for i in range(5000)]] * 3
    docvars = pd.DataFrame({f"var{i}": range(3) for i in range(50)}, index=pd.Index(["x" * 500, "y", "z"], name="doc_id"))
    big = repr(Tokens.from_lists(long_docs, docvars))
    assert len(big) < 400, big
    assert big.startswith("Tokens(3 documents, 15,000 tokens, 5,000 types)\n  docvars: var0, var1, var2, var3, var4, var5, ... (+44 more)")
    assert big.endswith("... (+4,990 more)")
    assert repr(Tokens.from_lists([])) == "Tokens(0 documents, 0 tokens, 0 types)"


def test_repr_of_the_demo_corpus_is_bounded() -> None:
    toks = tokenize(["来日外国人による犯罪が増加した。" * 2000] * 50, cache_dir=False)
    assert len(repr(toks)) < 300 and len(str(toks)) < 300
