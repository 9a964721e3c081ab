"""LDA fitting backends behind one function: gensim (online variational Bayes) or tomotopy
(collapsed Gibbs sampling in C++).

:func:`fit_lda` takes a document-term count matrix and its vocabulary and returns a
:class:`FitResult` with the same fields whichever backend fitted it: topic-word distributions
in the column order of the matrix, document-topic proportions, the document-topic prior, a
per-word log-likelihood (or bound) and a perplexity. Both backends are deterministic for a seed:
gensim with ``random_state``, tomotopy with ``seed`` and one worker thread (tomotopy's parallel
samplers are not reproducible, so ``fit_lda`` always uses one thread). :func:`infer` gives the
topic proportions of new documents.

tomotopy is several times faster than gensim's single-process ``LdaModel`` on short documents
(``benchmarks/topics_backend.py``), and its topics are at least as coherent there.

Example
-------
>>> from scipy import sparse
>>> X = sparse.csr_matrix([[3, 0, 1], [0, 2, 2], [4, 1, 0]])
>>> res = fit_lda(X, ["a", "b", "c"], n_topics=2, backend="tomotopy", iterations=50, random_state=0)
>>> res.topic_word.shape, res.doc_topic.shape
((2, 3), (3, 2))
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass, field
from typing import Any, Literal, Sequence

import numpy as np
from scipy import sparse

from ..errors import ConfigError, check_choice

Backend = Literal["gensim", "tomotopy"]
BACKENDS = ("gensim", "tomotopy")
AlphaSpec = Literal["symmetric", "auto"]


@dataclass(frozen=True, eq=False)
class FitResult:
    """A fitted LDA model, backend-independent.

    Attributes
    ----------
    topic_word : (K, V) float64, row ``k`` the word distribution of topic ``k`` over the columns
        of the fitted matrix (rows sum to 1; a column with no count gets 0 under tomotopy).
    doc_topic : (n_docs, K) float64, rows sum to 1 (an empty document gets the prior mean).
    doc_gamma : (n_docs, K) parameters of each document's Dirichlet posterior of its proportions
        (gensim's variational ``gamma``; under tomotopy the topic counts of the last Gibbs sample
        plus ``alpha``), rows summing to about ``n_tokens + sum(alpha)``; ``doc_topic`` is its
        row-normalised form. For draws of the proportions (``topic_effects``).
    alpha : (K,) document-topic prior after fitting (learned when ``alpha="auto"``).
    log_likelihood : per-word log-likelihood (tomotopy) or per-word variational bound (gensim).
    perplexity : ``exp(-log_likelihood)`` (tomotopy's own) or ``2 ** -bound`` (gensim's).
    n_iter : Gibbs iterations (tomotopy) or passes (gensim) run.
    backend : ``"gensim"`` or ``"tomotopy"``.
    vocab : the column terms.
    model : the backend's model object (for :func:`infer`; not meant to be persisted).
    settings : the arguments of :func:`fit_lda` (for manifests).
    """

    topic_word: np.ndarray
    doc_topic: np.ndarray
    doc_gamma: np.ndarray
    alpha: np.ndarray
    log_likelihood: float
    perplexity: float
    n_iter: int
    backend: str
    vocab: tuple[str, ...]
    model: Any = field(repr=False, default=None)
    settings: dict[str, Any] = field(default_factory=dict)

    def top_terms(self, n: int = 10) -> list[list[str]]:
        """The ``n`` most probable terms of each topic."""
        order = np.argsort(-self.topic_word, axis=1, kind="stable")[:, :n]
        return [[self.vocab[j] for j in row] for row in order]


def fit_lda(matrix: sparse.spmatrix, vocab: Sequence[str], *, n_topics: int, backend: Backend = "gensim",
            iterations: int | None = None, passes: int = 10, alpha: AlphaSpec | float = "symmetric",
            eta: float | None = None, random_state: int = 0, burn_in: int = 0,
            chunksize: int = 2000) -> FitResult:
    """Fit LDA on a document-term count matrix with gensim or tomotopy.

    Parameters
    ----------
    matrix : (n_docs, V) sparse counts (non-negative integers).
    vocab : the V column terms.
    n_topics : K.
    backend : ``"gensim"`` (``LdaModel``, online variational Bayes) or ``"tomotopy"``
        (``LDAModel``, collapsed Gibbs sampling, one thread).
    iterations : tomotopy: Gibbs sweeps over the corpus (default 500); gensim: maximum variational
        iterations per document (default 100, gensim's ``iterations``).
    passes : gensim only: passes over the corpus.
    alpha : ``"symmetric"`` (1/K for each topic), ``"auto"`` (learned: gensim's ``alpha="auto"``,
        tomotopy's hyper-parameter optimisation every 10 sweeps) or a float for every topic.
    eta : topic-word prior (default 1/K under gensim, 0.01 under tomotopy, each tool's default).
    random_state : seed; the same data and seed give the same result.
    burn_in : tomotopy only: sweeps before the priors are optimised (``alpha="auto"``).
    chunksize : gensim only: documents per online update.

    Returns
    -------
    FitResult
    """
    check_choice("backend", backend, BACKENDS)
    X = _counts(matrix, vocab)
    _check_params(n_topics, iterations, passes, alpha, random_state)
    settings = dict(n_topics=n_topics, backend=backend, iterations=iterations, passes=passes, alpha=alpha, eta=eta,
                    random_state=random_state, burn_in=burn_in, chunksize=chunksize)
    if backend == "tomotopy":
        return _fit_tomotopy(X, tuple(vocab), n_topics, iterations or 500, alpha, eta, random_state, burn_in, settings)
    return _fit_gensim(X, tuple(vocab), n_topics, iterations or 100, passes, alpha, eta, random_state, chunksize,
                       settings)


def infer(result: FitResult, matrix: sparse.spmatrix, vocab: Sequence[str] | None = None, *,
          iterations: int | None = None, gamma: bool = False) -> np.ndarray:
    """Topic proportions (n_docs, K), rows summing to 1, of new documents under a fitted model
    (with ``gamma=True``: the Dirichlet posterior parameters instead, as ``FitResult.doc_gamma``).

    ``matrix`` has the columns of ``result.vocab``, or of ``vocab`` when given (then its columns
    are matched to the model's terms by name and unknown terms are dropped). Deterministic: the
    generator restarts from the fit's seed on every call. ``iterations``: tomotopy's Gibbs
    sweeps per document (default 100).
    """
    X = _align(matrix, vocab, result.vocab)
    seed = int(result.settings.get("random_state", 0))
    if result.backend == "tomotopy":
        used = set(result.model.used_vocabs)
        keep = np.array([t in used for t in result.vocab], dtype=np.int64)
        X = (X @ sparse.diags(keep)).astype(np.int64).tocsr()  # terms the model never saw tell nothing
        X.eliminate_zeros()
        props = _infer_tomotopy(result, X, iterations or 100)
        return _gamma_of(props, X, result.alpha) if gamma else props
    g = _infer_gensim(result.model, X, seed)
    return g if gamma else _normalize(g)


def _gamma_of(props: np.ndarray, X: sparse.csr_matrix, alpha: np.ndarray) -> np.ndarray:
    """Collapsed-Gibbs proportions ``(n_dk + alpha_k) / (n_d + sum(alpha))`` back to ``n_dk + alpha_k``."""
    lengths = np.asarray(X.sum(axis=1), dtype=np.float64).ravel()
    return props * (lengths + alpha.sum())[:, None]


# --- checks and conversions ---------------------------------------------------------------------
def _check_params(n_topics: int, iterations: int | None, passes: int, alpha: Any, random_state: Any) -> None:
    for name, value in (("n_topics", n_topics), ("passes", passes), ("iterations", iterations)):
        if value is not None and (not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1):
            raise ConfigError(f"{name}={value!r}: give a whole number >= 1")
    if not isinstance(random_state, numbers.Integral) or isinstance(random_state, bool):
        raise ConfigError(f"random_state={random_state!r}: give an integer seed (e.g. 0) so runs repeat")
    if isinstance(alpha, str):
        check_choice("alpha", alpha, ("symmetric", "auto"))
    elif not isinstance(alpha, numbers.Real) or alpha <= 0:
        raise ConfigError(f"alpha={alpha!r}: give 'symmetric', 'auto' or a positive number")


def _counts(matrix: Any, vocab: Sequence[str]) -> sparse.csr_matrix:
    X = sparse.csr_matrix(matrix)
    if X.shape[1] != len(vocab):
        raise ConfigError(f"the matrix has {X.shape[1]} columns but vocab has {len(vocab)} terms: "
                          "give one term per column")
    if X.nnz and (X.data.min() < 0 or not np.all(np.mod(X.data, 1) == 0)):
        raise ConfigError("LDA needs non-negative whole counts: fit on a 'count' matrix, not a weighted one")
    X = X.astype(np.int64)
    X.sum_duplicates()
    return X


def _align(matrix: Any, vocab: Sequence[str] | None, model_vocab: tuple[str, ...]) -> sparse.csr_matrix:
    X = sparse.csr_matrix(matrix)
    if vocab is None:
        return _counts(X, model_vocab)
    X = _counts(X, vocab)
    index = {t: j for j, t in enumerate(model_vocab)}
    cols = np.array([index.get(t, -1) for t in vocab], dtype=np.int64)
    keep = cols >= 0
    mapping = sparse.csr_matrix((np.ones(int(keep.sum()), dtype=np.int64), (np.flatnonzero(keep), cols[keep])),
                                shape=(len(vocab), len(model_vocab)))
    return (X @ mapping).tocsr()


def _bow(X: sparse.csr_matrix) -> list[list[tuple[int, int]]]:
    ind, data, ptr = X.indices.tolist(), X.data.tolist(), X.indptr.tolist()
    return [list(zip(ind[a:b], data[a:b])) for a, b in zip(ptr[:-1], ptr[1:])]


def _words(X: sparse.csr_matrix, vocab: Sequence[str]) -> list[list[str]]:
    """Each row as a list of term strings, each repeated by its count (tomotopy's input)."""
    ind, data, ptr = X.indices, X.data, X.indptr
    out = []
    for a, b in zip(ptr[:-1].tolist(), ptr[1:].tolist()):
        ids = np.repeat(ind[a:b], data[a:b])
        out.append([vocab[j] for j in ids.tolist()])
    return out


def _normalize(rows: np.ndarray) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.float64)
    return rows / rows.sum(axis=1, keepdims=True)


# --- gensim ---------------------------------------------------------------------------------------
def _fit_gensim(X: sparse.csr_matrix, vocab: tuple[str, ...], k: int, iterations: int, passes: int, alpha: Any,
                eta: float | None, seed: int, chunksize: int, settings: dict[str, Any]) -> FitResult:
    from gensim.models import LdaModel

    bow = _bow(X)
    model = LdaModel(corpus=bow, id2word=dict(enumerate(vocab)), num_topics=k, passes=passes, iterations=iterations,
                     alpha=alpha, eta=eta, random_state=seed, chunksize=chunksize, eval_every=None)
    bound = float(model.log_perplexity(bow)) if X.nnz else 0.0
    gamma = _infer_gensim(model, X, seed)
    return FitResult(_normalize(model.get_topics()), _normalize(gamma), gamma,
                     np.asarray(model.alpha, dtype=np.float64).copy(), bound, float(2 ** -bound), passes, "gensim",
                     vocab, model, settings)


def _infer_gensim(model: Any, X: sparse.csr_matrix, seed: int) -> np.ndarray:
    saved = model.random_state
    model.random_state = np.random.RandomState(seed)
    try:
        gamma, _ = model.inference(_bow(X))
    finally:
        model.random_state = saved
    return np.asarray(gamma, dtype=np.float64)


# --- tomotopy -------------------------------------------------------------------------------------
def _fit_tomotopy(X: sparse.csr_matrix, vocab: tuple[str, ...], k: int, iterations: int, alpha: Any,
                  eta: float | None, seed: int, burn_in: int, settings: dict[str, Any]) -> FitResult:
    import tomotopy as tp

    a = 1.0 / k if alpha in ("symmetric", "auto") else float(alpha)
    model = tp.LDAModel(tw=tp.TermWeight.ONE, min_cf=0, min_df=0, rm_top=0, k=k, alpha=a,
                        eta=0.01 if eta is None else float(eta), seed=seed)
    model.optim_interval = 10 if alpha == "auto" else 0
    model.burn_in = burn_in
    words = _words(X, vocab)
    added = [i for i, w in enumerate(words) if w]
    for i in added:
        model.add_doc(words[i])
    if not added:
        raise ConfigError("every document is empty: LDA needs counts (check the DTM's trimming)")
    model.train(iterations, workers=1, parallel=tp.ParallelScheme.COPY_MERGE)
    alpha_ = np.asarray(model.alpha, dtype=np.float64).reshape(-1)
    alpha_ = np.full(k, float(alpha_[0])) if alpha_.size == 1 else alpha_
    doc_topic = np.tile(alpha_ / alpha_.sum(), (X.shape[0], 1))
    if added:
        doc_topic[added] = np.array([d.get_topic_dist() for d in model.docs], dtype=np.float64)
    doc_topic = _normalize(doc_topic)
    return FitResult(_topic_word(model, vocab, k), doc_topic, _gamma_of(doc_topic, X, alpha_), alpha_,
                     float(model.ll_per_word),
                     float(model.perplexity), int(model.global_step), "tomotopy", vocab, model, settings)


def _topic_word(model: Any, vocab: tuple[str, ...], k: int) -> np.ndarray:
    """Topic-word rows in the matrix's column order (tomotopy orders its vocabulary itself)."""
    index = {t: j for j, t in enumerate(vocab)}
    cols = np.array([index[t] for t in model.used_vocabs], dtype=np.int64)
    out = np.zeros((k, len(vocab)), dtype=np.float64)
    for t in range(k):
        out[t, cols] = np.asarray(model.get_topic_word_dist(t), dtype=np.float64)
    return _normalize(out)


def _infer_tomotopy(result: FitResult, X: sparse.csr_matrix, iterations: int) -> np.ndarray:
    model = result.model
    known = set(model.used_vocabs)
    words = [[w for w in doc if w in known] for doc in _words(X, result.vocab)]
    out = np.tile(result.alpha / result.alpha.sum(), (X.shape[0], 1))
    rows = [i for i, w in enumerate(words) if w]
    if rows:
        docs = [model.make_doc(words[i]) for i in rows]
        dists, _ = model.infer(docs, iterations=iterations, workers=1, parallel=_tp().ParallelScheme.COPY_MERGE)
        out[rows] = np.array(dists, dtype=np.float64)
    return _normalize(out)


def _tp() -> Any:
    import tomotopy as tp

    return tp


__all__ = ["BACKENDS", "FitResult", "fit_lda", "infer"]
