"""select_k and its criteria: coherence (by hand, no NaN), exclusivity (stm), perplexity, processes, figure."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from discourse.errors import ConfigError
from discourse.topics import (TopicModel, coherence, exclusivity, frex_scores, heldout_perplexity, plot_select_k,
                              reference_texts, select_k, split_documents, synthetic_corpus)

EPS = 1e-12  # gensim's epsilon in the co-occurrence ratios


@pytest.fixture(scope="module")
def sim():
    return synthetic_corpus(n_docs=160, n_topics=4, n_terms=60, doc_length=60, random_state=2)


def _hand_model(vocab, beta):
    model = TopicModel(len(beta))
    model.model_, model.vocab_ = object(), tuple(vocab)
    model.topic_word_ = np.asarray(beta, dtype=float)
    return model


TEXTS = [["犯罪", "摘発"], ["犯罪", "摘発"], ["人権", "差別"], ["人権", "差別", "共生"]]
VOCAB = ["犯罪", "摘発", "人権", "差別", "共生", "治安"]


def test_coherence_by_hand_including_words_that_never_cooccur():
    # topic_0: 犯罪, 摘発 (always together); topic_1: 犯罪, 人権 (never together)
    beta = [[0.5, 0.4, 0.02, 0.02, 0.02, 0.04], [0.5, 0.02, 0.4, 0.02, 0.02, 0.04]]
    coh = coherence(_hand_model(VOCAB, beta), TEXTS, n_terms=2, window=10)
    n = 4
    # u_mass(w1, w2) = log((D(w1, w2)/N + eps) / (D(w1)/N)), w1 = the more probable word
    assert coh.loc["topic_0", "u_mass"] == pytest.approx(math.log((2 / n + EPS) / (2 / n)))
    assert coh.loc["topic_1", "u_mass"] == pytest.approx(math.log(EPS / (2 / n)))
    # npmi = log((p12 + eps) / (p1 p2)) / -log(p12 + eps); windows = whole documents here
    npmi_never = math.log(EPS / (0.5 * 0.5)) / -math.log(EPS)
    assert coh.loc["topic_1", "c_npmi"] == pytest.approx(npmi_never, rel=1e-9)
    assert coh.loc["topic_0", "c_npmi"] == pytest.approx(math.log((0.5 + EPS) / 0.25) / -math.log(0.5 + EPS), rel=1e-9)
    assert np.isfinite(coh.to_numpy()).all()
    assert coh.loc["topic_0", "c_v"] > coh.loc["topic_1", "c_v"]


def test_top_words_absent_from_the_texts_are_skipped_not_nan():
    # 治安 is the most probable word of topic_0 but never occurs in the reference texts
    beta = [[0.1, 0.3, 0.01, 0.01, 0.01, 0.57], [0.01, 0.01, 0.5, 0.4, 0.03, 0.05]]
    coh = coherence(_hand_model(VOCAB, beta), TEXTS, n_terms=2, window=10)
    assert not coh.isna().to_numpy().any()
    assert coh.loc["topic_0", "u_mass"] == pytest.approx(math.log((2 / 4 + EPS) / (2 / 4)))   # 摘発-犯罪


def test_exclusivity_matches_a_transcription_of_stm():
    beta = np.random.default_rng(4).dirichlet(np.full(25, 0.3), size=5)
    tbeta = beta.T                                               # stm works on V x K
    mat = tbeta / tbeta.sum(axis=1, keepdims=True)
    from scipy.stats import rankdata
    ex = np.column_stack([rankdata(mat[:, k]) for k in range(5)]) / 25
    fr = np.column_stack([rankdata(tbeta[:, k]) for k in range(5)]) / 25
    frex = 1 / (0.7 / ex + 0.3 / fr)
    expected = [frex[np.argsort(-tbeta[:, k], kind="stable")[:10], k].sum() for k in range(5)]
    np.testing.assert_allclose(exclusivity(beta, n_terms=10), expected, rtol=1e-12)
    np.testing.assert_allclose(frex_scores(beta, w=0.7), frex.T, rtol=1e-12)


def test_perplexity_is_vocabulary_size_for_uniform_topics(sim):
    model = TopicModel(4, passes=2, random_state=0).fit(sim.dtm)
    model.topic_word_ = np.full_like(model.topic_word_, 1.0 / sim.dtm.n_terms)
    assert heldout_perplexity(model, sim.dtm) == pytest.approx(sim.dtm.n_terms, rel=1e-12)


def test_perplexity_near_the_oracle_and_below_the_unigram(sim):
    test = split_documents(sim.dtm.n_docs, test_size=0.25, random_state=0)
    model = TopicModel(4, passes=20, random_state=0).fit(sim.dtm.subset(~test))
    ours = heldout_perplexity(model, sim.dtm.subset(test), random_state=0)
    # oracle: true topics and true proportions score the same held-out halves
    x = sim.dtm.subset(test).matrix.tocsr().astype(np.int64)
    rng = np.random.default_rng(0)
    obs = x.copy()
    obs.data = rng.binomial(x.data, 0.5)
    held = (x - obs).tocoo()
    theta = sim.doc_topics.to_numpy()[test]
    p = (theta @ sim.topic_word)[held.row, held.col]
    oracle = math.exp(-(held.data * np.log(p)).sum() / held.data.sum())
    unigram = np.asarray(sim.dtm.subset(~test).matrix.sum(axis=0)).ravel() + 0.5
    uni = math.exp(-(held.data * np.log(unigram[held.col] / unigram.sum())).sum() / held.data.sum())
    assert oracle * 0.95 < ours < oracle * 1.15
    assert ours < 0.85 * uni


def test_split_documents_is_seeded_and_sized():
    a = split_documents(100, test_size=0.2, random_state=3)
    assert a.sum() == 20 and np.array_equal(a, split_documents(100, test_size=0.2, random_state=3))
    assert not np.array_equal(a, split_documents(100, test_size=0.2, random_state=4))
    with pytest.raises(ConfigError, match="test_size"):
        split_documents(10, test_size=1.5)


def test_reference_texts_without_tokens_are_document_sets(sim):
    texts, window = reference_texts(sim.dtm)
    assert window == max(len(t) for t in texts)
    assert sorted(texts[0]) == sorted(sim.dtm.vocab[j] for j in sim.dtm.matrix[0].indices)
    trimmed = sim.dtm.trim(min_docfreq=30)
    ordered, none = reference_texts(trimmed, sim.tokens)
    assert none is None and set(ordered[0]) <= set(trimmed.vocab)
    assert ordered[0] == [t for t in sim.tokens.doc_terms(0) if t in set(trimmed.vocab)]


def test_select_k_table_is_complete_and_the_same_in_two_processes(sim):
    one = select_k(sim.dtm, [4, 2], texts=sim.tokens, passes=10, random_state=0)
    assert list(one["k"]) == [2, 4]
    assert list(one.columns[:6]) == ["k", "c_v", "u_mass", "c_npmi", "exclusivity", "perplexity"]
    assert not one.drop(columns="fit_seconds").isna().to_numpy().any()
    assert (one["n_undefined"] == 0).all() and (one["n_test"] == 32).all()
    assert one.set_index("k").loc[4, "perplexity"] < one.set_index("k").loc[2, "perplexity"]
    two = select_k(sim.dtm, [4, 2], texts=sim.tokens, passes=10, random_state=0, n_jobs=2)
    cols = ["k", "c_v", "u_mass", "c_npmi", "exclusivity", "perplexity"]
    assert one[cols].equals(two[cols])


def test_select_k_rejects_bad_grids(sim):
    with pytest.raises(ConfigError, match="k_grid"):
        select_k(sim.dtm, [1])
    with pytest.raises(ConfigError, match="n_topics"):
        select_k(sim.dtm, [2, 3], n_topics=4)


def test_plot_select_k_uses_the_japanese_font(tmp_path, sim):
    table = select_k(sim.dtm, [2, 3], passes=2)
    fig = plot_select_k(table)
    assert len(fig.axes) == 5
    assert fig.axes[0].get_xlabel() == "k (トピック数)"
    assert fig.axes[0].xaxis.label.get_fontfamily() == ["IPAexGothic"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")                     # a missing glyph warns: make it fail
        fig.savefig(tmp_path / "k.png")
    assert (tmp_path / "k.png").stat().st_size > 10_000
