"""TopicModel: estimator contract, determinism, inference, save/load, labels, recovery of known topics."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.base import clone

from discourse.dtm import DocTermMatrix
from discourse.errors import ConfigError, NotFittedError
from discourse.tokens import Tokens
from discourse.topics import (TopicModel, frex_scores, label_topics, lift_scores, match_topics, representative_docs,
                              representative_sentences, synthetic_corpus, term_topic_mass, top_terms,
                              topic_effects)


@pytest.fixture(scope="module")
def sim():
    return synthetic_corpus(n_docs=400, n_topics=4, doc_length=150, random_state=0)


@pytest.fixture(scope="module")
def fitted(sim):
    return TopicModel(4, passes=20, random_state=0).fit(sim.dtm)


@pytest.fixture(scope="module")
def small():
    return synthetic_corpus(n_docs=80, n_topics=3, n_terms=30, doc_length=40, random_state=3)


# --- checks against truth -------------------------------------------------------------------
def test_fitted_topics_match_the_true_topics(sim, fitted):
    match = match_topics(fitted.topic_word_, sim.topic_word)
    assert match["best_cosine"].mean() >= 0.9
    assert match["cosine"].min() >= 0.9          # one-to-one, not several fits on one true topic


def test_planted_side_difference_is_found_with_covering_interval(sim, fitted):
    theta, gamma = fitted.transform(sim.dtm), fitted.posterior(sim.dtm)
    eff = topic_effects(theta, sim.dtm.docvars, "side", posterior=gamma, reference={"side": "ngo"})
    eff = eff[eff["term"] == "side[T.state]"].set_index("topic")
    match = match_topics(fitted.topic_word_, sim.topic_word).set_index("true_topic")["estimated_topic"]
    for true_k in (0, 1):                       # +0.15 and -0.15 planted
        row = eff.loc[f"topic_{match[true_k]}"]
        assert row["ci_low"] <= sim.true_effect[true_k] <= row["ci_high"]
        assert np.sign(row["ci_low"]) == np.sign(row["ci_high"]) == np.sign(sim.true_effect[true_k])


# --- estimator contract -----------------------------------------------------------------------
def test_constructor_only_stores_and_clone_works():
    model = TopicModel(n_topics=-3, passes=0, alpha="bogus")      # no validation in __init__
    assert model.get_params()["n_topics"] == -3
    params = TopicModel(5, passes=3, alpha="auto", random_state=7).get_params()
    assert params["n_topics"] == 5 and params["alpha"] == "auto" and params["random_state"] == 7
    twin = clone(TopicModel(5, passes=3, random_state=7))
    assert twin.get_params() == TopicModel(5, passes=3, random_state=7).get_params()
    assert twin.set_params(n_topics=9).n_topics == 9


def test_fit_returns_self_and_learned_state_ends_in_underscore(small):
    model = TopicModel(3, passes=2, random_state=0)
    before = set(vars(model))
    assert model.fit(small.dtm) is model
    added = set(vars(model)) - before
    assert added and all(name.endswith("_") for name in added)
    assert model.topic_word_.shape == (3, small.dtm.n_terms)
    np.testing.assert_allclose(model.topic_word_.sum(axis=1), 1.0)
    assert not hasattr(clone(model), "model_")


def test_bad_parameters_raise_config_error_at_fit(small):
    with pytest.raises(ConfigError, match="n_topics"):
        TopicModel(0).fit(small.dtm)
    with pytest.raises(ConfigError, match="alpha"):
        TopicModel(3, alpha="symetric").fit(small.dtm)
    with pytest.raises(ConfigError, match="multicore"):
        TopicModel(3, alpha="auto", multicore=True).fit(small.dtm)
    with pytest.raises(ConfigError, match="weighted"):
        TopicModel(3).fit(small.dtm.weight("prop"))
    with pytest.raises(NotFittedError, match="TopicModel is not fitted yet: call fit first"):
        TopicModel(3).transform(small.dtm)


def test_two_fits_with_the_same_seed_are_identical(small):
    a = TopicModel(3, passes=3, alpha="auto", random_state=11).fit(small.dtm)
    b = TopicModel(3, passes=3, alpha="auto", random_state=11).fit(small.dtm)
    assert np.array_equal(a.topic_word_, b.topic_word_)
    assert np.array_equal(a.alpha_, b.alpha_)
    assert np.array_equal(a.transform(small.dtm).to_numpy(), b.transform(small.dtm).to_numpy())
    c = TopicModel(3, passes=3, alpha="auto", random_state=12).fit(small.dtm)
    assert not np.array_equal(a.topic_word_, c.topic_word_)


# --- inference ------------------------------------------------------------------------------------
def test_transform_is_indexed_by_doc_id_and_rows_sum_to_one(sim, fitted):
    theta = fitted.transform(sim.dtm)
    assert list(theta.index) == sim.dtm.doc_ids and theta.index.name == "doc_id"
    assert list(theta.columns) == ["topic_0", "topic_1", "topic_2", "topic_3"]
    np.testing.assert_allclose(theta.sum(axis=1), 1.0)


def test_posterior_rows_sum_to_alpha_plus_document_length(sim, fitted):
    """LDA's update gamma = alpha + sum_w n_w phi_w with sum_k phi = 1 gives sum(gamma) = sum(alpha) + N_d."""
    gamma = fitted.posterior(sim.dtm)
    lengths = np.asarray(sim.dtm.matrix.sum(axis=1)).ravel()
    np.testing.assert_allclose(gamma.sum(axis=1), fitted.alpha_.sum() + lengths, rtol=1e-6)


def test_transform_equals_gensims_document_topics(sim, fitted):
    bow, _ = sim.dtm.to_gensim()
    fitted.model_.random_state = np.random.RandomState(fitted.random_state)
    ours = fitted.transform(sim.dtm.subset(np.arange(sim.dtm.n_docs) == 5)).to_numpy()[0]
    theirs = dict(fitted.model_.get_document_topics(bow[5], minimum_probability=0.0))
    np.testing.assert_allclose(ours, [theirs[k] for k in range(4)], rtol=1e-6)


def test_transform_aligns_vocabulary_by_term(sim, fitted):
    """Permuted columns and an unknown term give the same proportions."""
    perm = np.random.default_rng(0).permutation(sim.dtm.n_terms)
    extra = sparse.csr_matrix(np.ones((sim.dtm.n_docs, 1), dtype=np.int64) * 3)
    matrix = sparse.hstack([sim.dtm.matrix[:, perm], extra], format="csr")
    other = DocTermMatrix(matrix, tuple(sim.dtm.vocab[j] for j in perm) + ("未知語",), sim.dtm.docvars)
    np.testing.assert_allclose(fitted.transform(other).to_numpy(), fitted.transform(sim.dtm).to_numpy(), rtol=1e-9)


def test_multicore_mode_learns_the_topics(small):
    model = TopicModel(3, passes=10, multicore=True, workers=1, random_state=0).fit(small.dtm)
    assert match_topics(model.topic_word_, small.topic_word)["cosine"].mean() >= 0.8


# --- save / load --------------------------------------------------------------------------------
def test_reloaded_model_transforms_identically(tmp_path, sim, fitted):
    folder = fitted.save(tmp_path / "model")
    assert sorted(p.name for p in folder.iterdir()) == ["arrays.npz", "model.json"]
    with np.load(folder / "arrays.npz", allow_pickle=False) as npz:
        assert set(npz.files) == {"sstats", "expElogbeta", "alpha", "eta", "term_counts"}
        np.testing.assert_allclose(npz["sstats"] + npz["eta"], fitted.model_.state.get_lambda())
        np.testing.assert_array_equal(npz["term_counts"], sim.dtm.term_totals())
    loaded = TopicModel.load(folder)
    assert loaded.get_params() == fitted.get_params()
    assert loaded.vocab_ == fitted.vocab_
    assert np.array_equal(loaded.topic_word_, fitted.topic_word_)
    assert np.array_equal(loaded.transform(sim.dtm).to_numpy(), fitted.transform(sim.dtm).to_numpy())
    assert np.array_equal(loaded.posterior(sim.dtm).to_numpy(), fitted.posterior(sim.dtm).to_numpy())


def test_load_refuses_pickled_arrays_and_foreign_files(tmp_path, fitted):
    folder = fitted.save(tmp_path / "m")
    arrays = dict(np.load(folder / "arrays.npz", allow_pickle=False))
    arrays["alpha"] = np.array([{"evil": 1}], dtype=object)     # would need pickle to read
    np.savez(folder / "arrays.npz", **arrays)
    with pytest.raises(ConfigError, match="numeric arrays"):
        TopicModel.load(folder)
    meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    (folder / "model.json").write_text(json.dumps({**meta, "format": "gensim"}), encoding="utf-8")
    with pytest.raises(ConfigError, match="format"):
        TopicModel.load(folder)
    with pytest.raises(ConfigError, match="not found"):
        TopicModel.load(tmp_path / "nowhere")


# --- labels ---------------------------------------------------------------------------------------
def _r_rank(values):
    """R's rank(): average ranks of ties, 1-based (written out, not scipy)."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for t in range(i, j + 1):
            ranks[order[t]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def _js_estimate(prob, ct):
    """stm's js.estimate, transcribed."""
    if ct <= 1:
        return [1 / len(prob)] * len(prob)
    mlvar = [p * (1 - p) / (ct - 1) for p in prob]
    unif = 1 / len(prob)
    deviation = sum((p - unif) ** 2 for p in prob)
    if deviation == 0:
        return list(prob)
    lam = min(max(sum(mlvar) / deviation, 0), 1)
    return [lam * unif + (1 - lam) * p for p in prob]


def _calcfrex(logbeta, w, wordcounts=None):
    """stm's calcfrex, transcribed (its w weighs the frequency term): returns the (K, V) scores."""
    k_, v_ = len(logbeta), len(logbeta[0])
    excl = [[0.0] * v_ for _ in range(k_)]
    for v in range(v_):
        lse = np.log(sum(np.exp(logbeta[k][v]) for k in range(k_)))
        col = [np.exp(logbeta[k][v] - lse) for k in range(k_)]
        if wordcounts is not None:
            col = _js_estimate(col, wordcounts[v])
        for k in range(k_):
            excl[k][v] = max(np.log(col[k]), -1000)
    frex = []
    for k in range(k_):
        fs = [r / v_ for r in _r_rank(list(logbeta[k]))]
        es = [r / v_ for r in _r_rank(excl[k])]
        frex.append([1 / (w / f + (1 - w) / e) for f, e in zip(fs, es)])
    return np.array(frex)


@pytest.mark.parametrize("w", [0.5, 0.7, 0.2])
def test_frex_matches_a_transcription_of_stm_calcfrex(fitted, w):
    beta = fitted.topic_word_
    logbeta = np.log(beta).tolist()
    np.testing.assert_allclose(frex_scores(beta, w=w), _calcfrex(logbeta, 1 - w), rtol=1e-12)
    counts = fitted.term_counts_
    np.testing.assert_allclose(frex_scores(beta, w=w, term_counts=counts), _calcfrex(logbeta, 1 - w, counts), rtol=1e-12)


def test_frex_with_ties_uses_average_ranks():
    beta = np.array([[0.4, 0.4, 0.2], [0.2, 0.2, 0.6]])
    expected = _calcfrex(np.log(beta).tolist(), 0.5)
    np.testing.assert_allclose(frex_scores(beta), expected)
    assert expected[0, 0] == expected[0, 1]


def test_lift_by_hand():
    beta = np.array([[0.5, 0.3, 0.2], [0.1, 0.1, 0.8]])
    lift = lift_scores(beta, np.array([10, 30, 60]))
    np.testing.assert_allclose(lift, [[5.0, 1.0, 1 / 3], [1.0, 1 / 3, 4 / 3]])
    assert np.isnan(lift_scores(beta, np.array([10, 0, 60]))[:, 1]).all()


def test_top_terms_and_label_topics(sim, fitted):
    table = top_terms(fitted, n=5, method="prob")
    assert list(table.columns) == ["topic", "rank", "term", "score", "method"]
    t0 = table[table["topic"] == "topic_0"]
    expected = [fitted.vocab_[j] for j in np.argsort(-fitted.topic_word_[0], kind="stable")[:5]]
    assert t0["term"].tolist() == expected and t0["rank"].tolist() == [1, 2, 3, 4, 5]
    labels = label_topics(fitted, n=4)
    assert list(labels.index) == ["topic_0", "topic_1", "topic_2", "topic_3"]
    assert labels.loc["topic_0", "prob"] == "・".join(expected[:4])
    assert labels.loc["topic_0", "label"].startswith("topic_0: ")
    lift = top_terms(fitted, n=3, method="lift")
    best = np.nanargmax(lift_scores(fitted.topic_word_, fitted.term_counts_)[1])
    assert lift[lift["topic"] == "topic_1"]["term"].iloc[0] == fitted.vocab_[best]


def test_representative_docs_are_the_highest_proportions(sim, fitted):
    theta = fitted.transform(sim.dtm)
    reps = representative_docs(theta, n=2, texts=sim.tokens, chars=10)
    first = reps[(reps["topic"] == "topic_2") & (reps["rank"] == 1)].iloc[0]
    assert first["doc_id"] == theta["topic_2"].idxmax()
    assert first["excerpt"] == sim.tokens.texts[sim.dtm.doc_ids.index(first["doc_id"])][:10]


def _hand_model(vocab, beta):
    model = TopicModel(len(beta))
    model.model_, model.vocab_ = object(), tuple(vocab)
    model.topic_word_, model.term_counts_ = np.asarray(beta, dtype=float), np.ones(len(vocab))
    return model


def test_representative_sentences_by_hand():
    text = "昨年、不法滞在者の摘発が増えた。私たちは人権を守る。"
    words = [("不法滞在者", 3, 0), ("摘発", 9, 0), ("増える", 12, 0), ("人権", 20, 1), ("守る", 23, 1)]
    vocab = ["不法滞在者", "摘発", "増える", "人権", "守る"]
    tokens = Tokens(tuple(vocab), np.arange(5, dtype=np.int32), np.array([s for _, s, _ in words], np.int32),
                    np.array([s + len(w) - (1 if w == "増える" else 0) for w, s, _ in words], np.int32),
                    np.array([t for _, _, t in words], np.int32), np.zeros(5, np.int16), ("",),
                    np.array([0, 5], np.int64), pd.DataFrame(index=pd.Index(["d1"], name="doc_id")), (text,))
    beta = [[0.4, 0.4, 0.1, 0.05, 0.05], [0.05, 0.05, 0.1, 0.4, 0.4]]
    theta = pd.DataFrame([[0.5, 0.5]], index=pd.Index(["d1"], name="doc_id"), columns=["topic_0", "topic_1"])
    out = representative_sentences(_hand_model(vocab, beta), tokens, theta, n=1, min_tokens=2, window=3)
    t0, t1 = out.iloc[0], out.iloc[1]
    assert t0["sentence"] == "昨年、不法滞在者の摘発が増えた。" and t1["sentence"] == "私たちは人権を守る。"
    # responsibilities with theta = (.5, .5): 0.4/0.45 twice and 0.1/0.2 -> mean
    assert t0["score"] == pytest.approx((0.4 / 0.45 * 2 + 0.5) / 3)
    assert t1["score"] == pytest.approx(0.4 / 0.45)
    assert t1["left"] == "えた。" and t0["right"] == "私たち"
    assert text[t1["start"]:t1["end"]] == t1["sentence"]
    strict = representative_sentences(_hand_model(vocab, beta), tokens, theta, n=1, min_tokens=3)
    assert strict["sent"].tolist() == [0, 0]          # the two-token sentence is too short


def test_term_topic_mass_finds_the_topic_of_anchor_terms(sim, fitted):
    match = match_topics(fitted.topic_word_, sim.topic_word).set_index("true_topic")["estimated_topic"]
    anchors = [sim.dtm.vocab[j] for j in np.argsort(-sim.topic_word[1])[:5]]
    mass = term_topic_mass(fitted, anchors + ["未知語"])
    assert mass.idxmax() == f"topic_{match[1]}" and mass.max() > 0.8
    assert mass.sum() == pytest.approx(1.0)
    assert (term_topic_mass(fitted, ["未知語"]) == 0).all()


def test_streamed_bag_of_words_gives_the_same_model(small, monkeypatch):
    """Large matrices are streamed chunk by chunk each pass instead of held as Python lists."""
    from discourse.topics.model import BowCorpus

    listed = TopicModel(3, passes=3, chunksize=16, random_state=2).fit(small.dtm)
    monkeypatch.setattr(BowCorpus, "MAX_BOW_IN_MEMORY", 0)
    assert BowCorpus(small.dtm.matrix).materialized().__class__ is BowCorpus
    streamed = TopicModel(3, passes=3, chunksize=16, random_state=2).fit(small.dtm)
    assert np.array_equal(listed.topic_word_, streamed.topic_word_)
    bow, _ = small.dtm.to_gensim()
    assert list(BowCorpus(small.dtm.matrix, 7)) == bow


def test_tomotopy_backend_recovers_planted_topics_and_saves_like_gensim(tmp_path):
    """The tomotopy backend: deterministic with a seed, recovers the planted topics of the synthetic
    corpus, and its model transforms, saves and loads through the same gensim state."""
    from discourse.topics.synthetic import synthetic_corpus

    sim = synthetic_corpus(random_state=0)
    k = sim.topic_word.shape[0]
    a = TopicModel(k, backend="tomotopy", iterations=200, random_state=1).fit(sim.dtm)
    b = TopicModel(k, backend="tomotopy", iterations=200, random_state=1).fit(sim.dtm)
    np.testing.assert_array_equal(a.topic_word_, b.topic_word_)
    cos = (a.topic_word_ / np.linalg.norm(a.topic_word_, axis=1, keepdims=True)) @ \
          (sim.topic_word / np.linalg.norm(sim.topic_word, axis=1, keepdims=True)).T
    assert (cos.max(axis=0) > 0.9).all()                       # every planted topic found
    theta = a.transform(sim.dtm)
    assert np.allclose(theta.sum(axis=1), 1.0)
    loaded = TopicModel.load(a.save(tmp_path / "m"))
    pd.testing.assert_frame_equal(loaded.transform(sim.dtm), theta)
    with pytest.raises(ConfigError, match="not available with backend='tomotopy'"):
        TopicModel(k, backend="tomotopy", alpha="asymmetric").fit(sim.dtm)
