"""LDA backends: gensim and tomotopy behind fit_lda/infer, deterministic with a seed."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from discourse.errors import ConfigError
from discourse.topics.backends import fit_lda, infer
from discourse.topics.synthetic import match_topics, synthetic_corpus

SETTINGS = {"tomotopy": dict(iterations=150), "gensim": dict(passes=20)}


@pytest.fixture(scope="module")
def data():
    sc = synthetic_corpus(n_docs=240, n_topics=4, n_terms=60, doc_length=60, random_state=3)
    return sc, sc.dtm.matrix, sc.dtm.vocab


@pytest.fixture(scope="module", params=["tomotopy", "gensim"])
def fitted(request, data):
    sc, X, V = data
    return request.param, fit_lda(X, V, n_topics=4, backend=request.param, random_state=7, **SETTINGS[request.param])


@pytest.mark.parametrize("backend, kwargs", [("tomotopy", dict(iterations=30)), ("gensim", dict(passes=2))])
def test_same_seed_same_fit_other_seed_other_fit(backend, kwargs, data):
    _, X, V = data
    X = X[:120]
    res, again, other = (fit_lda(X, V, n_topics=4, backend=backend, random_state=s, **kwargs) for s in (7, 7, 8))
    assert np.array_equal(res.topic_word, again.topic_word) and np.array_equal(res.doc_topic, again.doc_topic)
    assert not np.array_equal(res.topic_word, other.topic_word)


def test_shapes_sums_and_recovered_topics(fitted, data):
    backend, res = fitted
    sc, X, V = data
    assert res.topic_word.shape == (4, len(V)) and res.doc_topic.shape == (X.shape[0], 4)
    np.testing.assert_allclose(res.topic_word.sum(axis=1), 1.0, atol=1e-12)
    np.testing.assert_allclose(res.doc_topic.sum(axis=1), 1.0, atol=1e-12)
    assert res.backend == backend and res.vocab == tuple(V) and res.alpha.shape == (4,)
    assert np.isfinite(res.log_likelihood) and res.log_likelihood < 0 and res.perplexity > 1
    # the planted topics are found (columns in the matrix's order, whatever the backend's own order)
    match = match_topics(res.topic_word, sc.topic_word)
    assert match["cosine"].min() > 0.9, match
    # documents' proportions follow the planted ones
    est = res.doc_topic[:, match.set_index("true_topic")["estimated_topic"].to_numpy()]
    assert np.corrcoef(est.ravel(), sc.doc_topics.to_numpy().ravel())[0, 1] > 0.8


def test_infer_is_deterministic_aligns_vocab_and_handles_empty_rows(fitted, data):
    backend, res = fitted
    _, X, V = data
    new = sparse.vstack([X[:30], sparse.csr_matrix((1, X.shape[1]), dtype=X.dtype)]).tocsr()
    a, b = infer(res, new), infer(res, new)
    assert np.array_equal(a, b) and a.shape == (31, 4)
    np.testing.assert_allclose(a[-1], res.alpha / res.alpha.sum())  # no words: the prior mean
    # close to the fitted proportions of the same documents
    assert np.abs(a[:30] - res.doc_topic[:30]).mean() < 0.1
    # columns in another order (plus an unknown term) give the same result by name
    perm = np.random.default_rng(0).permutation(len(V))
    shuffled = sparse.hstack([new[:, perm], sparse.csr_matrix(np.ones((31, 1), dtype=np.int64))]).tocsr()
    c = infer(res, shuffled, [V[j] for j in perm] + ["未知語"])
    np.testing.assert_allclose(a, c, atol=1e-6)  # gensim sums in float32 in the new column order


def test_alpha_auto_is_learned_and_a_float_is_kept(data):
    _, X, V = data
    auto = fit_lda(X, V, n_topics=4, backend="tomotopy", iterations=60, alpha="auto", random_state=0)
    assert not np.allclose(auto.alpha, 0.25)
    fixed = fit_lda(X, V, n_topics=4, backend="tomotopy", iterations=30, alpha=0.3, random_state=0)
    np.testing.assert_allclose(fixed.alpha, 0.3, rtol=1e-6)


@pytest.mark.parametrize("kwargs, fragment", [
    (dict(backend="mallet"), "mallet"),
    (dict(n_topics=0), "n_topics=0"),
    (dict(alpha="flat"), "flat"),
    (dict(random_state=None), "random_state=None"),
])
def test_errors_name_the_bad_value(data, kwargs, fragment):
    _, X, V = data
    with pytest.raises(ConfigError, match=fragment):
        fit_lda(X, V, **{"n_topics": 4, **kwargs})


def test_weighted_or_misaligned_matrices_are_refused(data):
    _, X, V = data
    with pytest.raises(ConfigError, match="whole counts"):
        fit_lda(X * 0.5, V, n_topics=2, backend="tomotopy")
    with pytest.raises(ConfigError, match="columns"):
        fit_lda(X, V[:-1], n_topics=2)


def test_doc_gamma_is_the_dirichlet_posterior(fitted, data):
    backend, res = fitted
    _, X, _ = data
    np.testing.assert_allclose(res.doc_gamma / res.doc_gamma.sum(axis=1, keepdims=True), res.doc_topic, atol=1e-6)
    lengths = np.asarray(X.sum(axis=1)).ravel()
    if backend == "tomotopy":  # the last sample's topic counts plus alpha, exactly
        counts = np.array([np.bincount(np.asarray(d.topics), minlength=4) for d in res.model.docs])
        np.testing.assert_allclose(res.doc_gamma, counts + res.alpha, rtol=1e-5)
    else:  # variational gamma: alpha plus the expected topic counts
        np.testing.assert_allclose(res.doc_gamma.sum(axis=1), lengths + res.alpha.sum(), rtol=1e-3)
    g = infer(res, X[:5], gamma=True)
    np.testing.assert_allclose(g.sum(axis=1), lengths[:5] + res.alpha.sum(), rtol=1e-3)
