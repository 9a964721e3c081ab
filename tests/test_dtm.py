"""DocTermMatrix: counts, trim, group, weight (tf-idf against scikit-learn), exports."""
from __future__ import annotations

import dataclasses
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from discourse.dtm import DocTermMatrix
from discourse.errors import ConfigError
from discourse.tokens import Tokens

DOCS = [
    ["来日", "外国人", "犯罪", "が", "増加", "犯罪"],
    ["外国人", "の", "人権", "を", "守る"],
    ["犯罪", "の", "増加", "が", "治安", "を", "悪化"],
    ["人権", "と", "共生", "人権"],
    [],
]
DOCVARS = pd.DataFrame({"side": ["state", "ngo", "state", "ngo", "ngo"], "year": [2003, 2003, 2004, 2004, 2005],
                        "actor": ["警察庁", "移住連", "警察庁", "移住連", "移住連"]},
                       index=pd.Index(["s1", "n1", "s2", "n2", "n3"], name="doc_id"))


@pytest.fixture
def toks() -> Tokens:
    return Tokens.from_lists(DOCS, DOCVARS)


@pytest.fixture
def dtm(toks: Tokens) -> DocTermMatrix:
    return DocTermMatrix.from_tokens(toks)


def dense(dtm: DocTermMatrix) -> pd.DataFrame:
    return pd.DataFrame(dtm.matrix.toarray(), index=dtm.doc_ids, columns=list(dtm.vocab))


def test_counts_match_counter(dtm: DocTermMatrix) -> None:
    assert dtm.matrix.dtype == np.int64 and sparse.isspmatrix_csr(dtm.matrix)
    table = dense(dtm)
    for doc_id, terms in zip(DOCVARS.index, DOCS):
        row = table.loc[doc_id]
        assert dict(row[row > 0]) == dict(Counter(terms))
    assert dtm.shape == (5, 13)
    assert dtm.docvars.equals(DOCVARS)


def test_frozen_and_verbs_return_new_objects(dtm: DocTermMatrix) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        dtm.vocab = ()  # type: ignore[misc]
    trimmed = dtm.trim(min_termfreq=2)
    assert trimmed is not dtm and dtm.n_terms == 13


def test_removed_terms_get_no_column() -> None:
    toks = Tokens.from_lists(DOCS[:4])  # (Tokens.remove fails on a trailing empty document: reported)
    dtm = DocTermMatrix.from_tokens(toks.remove(["が", "を", "の"]))
    assert not {"が", "を", "の"} & set(dtm.vocab)
    assert dtm.term_totals().sum() == sum(len(d) for d in DOCS) - 6


def test_frequencies(dtm: DocTermMatrix) -> None:
    tf = dtm.term_frequencies()
    assert tf.iloc[0] == 3 and tf.index[0] in {"犯罪", "人権"}
    assert tf["犯罪"] == 3 and tf["人権"] == 3 and tf["守る"] == 1
    assert list(tf.index[:2]) == sorted(["犯罪", "人権"])  # ties broken by term
    df = dtm.doc_frequencies()
    assert df["犯罪"] == 2 and df["人権"] == 2 and df["外国人"] == 2 and df["来日"] == 1


def test_trim_counts_and_props(dtm: DocTermMatrix) -> None:
    assert set(dtm.trim(min_termfreq=3).vocab) == {"犯罪", "人権"}
    assert set(dtm.trim(max_termfreq=1).vocab) == {"来日", "守る", "治安", "悪化", "と", "共生"}
    assert set(dtm.trim(min_docfreq=2, max_termfreq=2).vocab) == {"外国人", "が", "増加", "の", "を"}
    # 22 tokens: 犯罪 and 人権 have 3/22 = 0.136; 5 documents: docfreq 2 = 0.4
    assert set(dtm.trim(min_termfreq=0.1, termfreq_type="prop").vocab) == {"犯罪", "人権"}
    assert set(dtm.trim(max_docfreq=0.2, docfreq_type="prop").vocab) == {"来日", "守る", "治安", "悪化", "と", "共生"}
    kept = dtm.trim(min_docfreq=2)
    assert kept.n_docs == 5 and dense(kept).sum().sum() == dense(dtm)[list(kept.vocab)].sum().sum()


@pytest.mark.parametrize("kwargs", [{"min_docfreq": 1.5, "docfreq_type": "prop"}, {"min_termfreq": -1},
                                    {"termfreq_type": "share"}])
def test_trim_rejects_bad_bounds(dtm: DocTermMatrix, kwargs: dict) -> None:
    with pytest.raises(ConfigError):
        dtm.trim(**kwargs)


def test_group_sums_rows(dtm: DocTermMatrix) -> None:
    g = dtm.group("side")
    assert g.doc_ids == ["ngo", "state"] and g.docvars.index.name == "side"
    table = dense(g)
    assert table.loc["state", "犯罪"] == 3 and table.loc["ngo", "人権"] == 3 and table.loc["ngo", "犯罪"] == 0
    assert (table.sum(axis=0).to_numpy() == dense(dtm).sum(axis=0).to_numpy()).all()
    assert g.docvars["n_docs"].tolist() == [3, 2]
    assert g.docvars["actor"].tolist() == ["移住連", "警察庁"]  # constant within groups: kept
    assert "year" not in g.docvars.columns  # varies within groups: dropped


def test_group_by_year_and_missing_values(dtm: DocTermMatrix) -> None:
    assert dtm.group("year").doc_ids == [2003, 2004, 2005]
    with pytest.raises(ConfigError, match="by='sid'.*did you mean 'side'"):
        dtm.group("sid")
    missing = dataclasses.replace(dtm, docvars=DOCVARS.assign(side=["state", None, "state", "ngo", "ngo"]))
    with pytest.raises(ConfigError, match="1 documents have no value"):
        missing.group("side")


def test_subset(dtm: DocTermMatrix) -> None:
    sub = dtm.subset(DOCVARS["side"] == "state")
    assert sub.doc_ids == ["s1", "s2"] and sub.n_terms == dtm.n_terms
    assert dense(sub).loc["s2", "治安"] == 1
    with pytest.raises(ConfigError, match="mask has 2 values for 5 documents"):
        dtm.subset([True, False])


def test_weight_prop_logcount_boolean(dtm: DocTermMatrix) -> None:
    counts = dense(dtm).to_numpy(dtype=float)
    prop = dtm.weight("prop").matrix.toarray()
    assert np.allclose(prop[0], counts[0] / 6) and np.allclose(prop[4], 0)  # empty document stays 0
    log = dtm.weight("logcount").matrix.toarray()
    j = dtm.vocab.index("犯罪")
    assert log[0, j] == pytest.approx(1 + np.log10(2), rel=1e-12) and log[1, j] == 0
    assert (dtm.weight("boolean").matrix.toarray() == (counts > 0)).all()
    assert dtm.weight("prop").weighting == "prop"
    with pytest.raises(ConfigError, match="call group\\(\\) before weight\\(\\)"):
        dtm.weight("prop").group("side")


@pytest.mark.parametrize("smooth_idf", [True, False])
@pytest.mark.parametrize("sublinear_tf", [True, False])
@pytest.mark.parametrize("norm", ["l2", "l1", None])
def test_tfidf_equals_sklearn(dtm: DocTermMatrix, smooth_idf: bool, sublinear_tf: bool, norm: str | None) -> None:
    from sklearn.feature_extraction.text import TfidfTransformer

    ours = dtm.weight("tfidf", smooth_idf=smooth_idf, sublinear_tf=sublinear_tf, norm=norm).matrix.toarray()
    ref = TfidfTransformer(smooth_idf=smooth_idf, sublinear_tf=sublinear_tf, norm=norm).fit_transform(dtm.matrix).toarray()
    assert np.allclose(ours, ref, rtol=1e-12, atol=0)


def test_tfidf_hand_computed(dtm: DocTermMatrix) -> None:
    x = dtm.weight("tfidf", smooth_idf=False, norm=None).matrix.toarray()
    j = dtm.vocab.index("犯罪")  # count 2 in s1, in 2 of 5 documents
    assert x[0, j] == pytest.approx(2 * (np.log(5 / 2) + 1), rel=1e-12)


def test_to_sklearn(dtm: DocTermMatrix) -> None:
    x, names = dtm.to_sklearn()
    assert list(names) == list(dtm.vocab) and (x != dtm.matrix).nnz == 0 and x is not dtm.matrix


def test_to_gensim_ids_and_counts(dtm: DocTermMatrix) -> None:
    bow, dictionary = dtm.to_gensim()
    assert len(bow) == 5 and bow[4] == []
    for terms, doc in zip(DOCS, bow):
        assert sorted(doc) == sorted(dictionary.doc2bow(terms))
        assert {dictionary[i]: c for i, c in doc} == dict(Counter(terms))
    assert dictionary.dfs[dictionary.token2id["犯罪"]] == 2 and dictionary.cfs[dictionary.token2id["人権"]] == 3
    assert dictionary.num_docs == 5 and dictionary.num_pos == 22 and dictionary.num_nnz == dtm.matrix.nnz


def test_gensim_lda_runs_on_export(dtm: DocTermMatrix) -> None:
    from gensim.models import LdaModel

    bow, dictionary = dtm.to_gensim()
    lda = LdaModel(bow, id2word=dictionary, num_topics=2, random_state=0, passes=1)
    assert {w for w, _ in lda.show_topic(0, topn=13)} == set(dtm.vocab)


def test_shards_equal_one_pass(toks: Tokens) -> None:
    whole = DocTermMatrix.from_tokens(toks)
    shards = [Tokens.from_lists(DOCS[:2], DOCVARS.iloc[:2]), Tokens.from_lists(DOCS[2:], DOCVARS.iloc[2:])]
    stacked = DocTermMatrix.from_tokens(iter(shards))
    assert stacked.doc_ids == whole.doc_ids
    assert dense(stacked)[list(whole.vocab)].equals(dense(whole))
    with pytest.raises(ConfigError, match="doc_id 's1' occurs in two shards"):
        DocTermMatrix.from_tokens([shards[0], shards[0]])


def test_shape_mismatch_is_an_error(dtm: DocTermMatrix) -> None:
    with pytest.raises(ConfigError, match="does not match"):
        DocTermMatrix(dtm.matrix, dtm.vocab[:-1], dtm.docvars)


def test_subset_by_docvars(dtm: DocTermMatrix) -> None:
    assert dtm.subset(side="ngo").doc_ids == ["n1", "n2", "n3"]
    assert dtm.subset(year=(2004, 2005), side="ngo").doc_ids == ["n2", "n3"]   # inclusive year range
    assert dtm.subset(actor=["警察庁"]).doc_ids == ["s1", "s2"]
    assert dtm.subset(doc_id="n2").doc_ids == ["n2"]
    sub = dtm.subset([True, True, True, False, False], side="state")
    assert sub.doc_ids == ["s1", "s2"]
    assert (sub.matrix != dtm.matrix[[0, 2]]).nnz == 0 and sub.docvars.equals(DOCVARS.iloc[[0, 2]])
    grouped = dtm.group("side")
    assert grouped.subset(side="ngo").doc_ids == ["ngo"]                        # the group index name
    with pytest.raises(ConfigError, match="docvar='sides'"):
        dtm.subset(sides="ngo")


def test_repr_is_short(dtm: DocTermMatrix) -> None:
    lines = repr(dtm).splitlines()
    assert lines[:2] == ["DocTermMatrix(5 documents x 13 terms, count, 20 non-zero)", "  docvars: side, year, actor"]
    assert lines[2] == "  top terms: 人権 (3), 犯罪 (3), が (2), の (2), を (2), 増加 (2), ..."
    wide = Tokens.from_lists([[f"語{i}" * 40 for i in range(20000)]] * 2)
    assert len(repr(DocTermMatrix.from_tokens(wide))) < 400
    assert "tfidf" in repr(dtm.weight("tfidf"))
