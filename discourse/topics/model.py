"""``TopicModel``: a scikit-learn style estimator over gensim's LDA.

The constructor only stores hyper-parameters; :meth:`TopicModel.fit` trains a single-process
``gensim.models.LdaModel`` (online variational Bayes, Hoffman, Blei & Bach 2010) with the given
``random_state``, so the same data and seed give identical topics and document proportions.
``multicore=True`` uses ``LdaMulticore`` instead: faster on many cores, but **not deterministic**
(workers race for chunks), and it cannot learn ``alpha="auto"``.

Topic ids are gensim's own and are never reordered: ``topic_3`` is row 3 of
``topic_word_`` in every table, figure and saved file.

Save/load never unpickles: :meth:`TopicModel.save` writes the package's one model format
(``model.json`` with the parameters and vocabulary, ``arrays.npz`` with the topic-word statistics,
priors and term counts, every part checksummed); :meth:`TopicModel.load` checks it and rebuilds the
``LdaModel`` (see :mod:`discourse.topics.store`). Using an unfitted model raises
:class:`~discourse.errors.NotFittedError`.

Example
-------
>>> from discourse.tokens import Tokens
>>> from discourse.dtm import DocTermMatrix
>>> from discourse.topics import TopicModel
>>> docs = [["不法滞在", "摘発", "犯罪"], ["人権", "差別", "共生"]] * 20
>>> dtm = DocTermMatrix.from_tokens(Tokens.from_lists(docs))
>>> model = TopicModel(2, passes=5, random_state=0).fit(dtm)
>>> model.transform(dtm).columns.tolist()
['topic_0', 'topic_1']
"""
from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Any, Iterator, Literal, Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator

from .._internal.bundle import check_shape
from .._internal.estimator import SavedEstimator
from ..errors import ConfigError, check_choice
from .store import LDA_ARRAYS, check_lda_arrays, lda_arrays, lda_meta, rebuild_lda

if TYPE_CHECKING:
    from gensim.models import LdaModel

    from ..dtm import DocTermMatrix

ALPHA_CHOICES = ("symmetric", "asymmetric", "auto")
ETA_CHOICES = ("symmetric", "auto")
DTYPES = {"float32": np.float32, "float64": np.float64}


def topic_names(n_topics: int) -> list[str]:
    """Column names ``topic_0 .. topic_{n-1}`` (ids as gensim numbers them)."""
    return [f"topic_{k}" for k in range(n_topics)]


class TopicModel(SavedEstimator, BaseEstimator):
    """Latent Dirichlet allocation on a :class:`~discourse.dtm.DocTermMatrix` (gensim ``LdaModel``).

    Parameters
    ----------
    n_topics : number of topics K.
    passes : passes over the corpus during training (gensim ``passes``).
    iterations : maximum variational iterations per document (training and inference).
    alpha : document-topic prior: ``"symmetric"`` (1/K), ``"asymmetric"``, ``"auto"`` (learned),
        a float, or K floats.
    eta : topic-word prior: ``None``/``"symmetric"`` (1/K), ``"auto"``, a float or V floats.
    chunksize, update_every, decay, offset, gamma_threshold : gensim's online-VB settings.
    dtype : ``"float64"`` (default) or ``"float32"`` for gensim's internal arrays.
    random_state : seed (int) for initialisation and inference; same seed, same result.
    multicore : train with ``LdaMulticore`` (non-deterministic; ``alpha="auto"`` not allowed).
    workers : worker processes for ``multicore`` (None: gensim's default, cores - 1).
    backend : ``"gensim"`` (online variational Bayes, the default) or ``"tomotopy"`` (collapsed
        Gibbs sampling, single thread, deterministic with ``random_state``; several times faster on
        many documents: ``benchmarks/topics_backend.py``). With tomotopy, ``iterations`` counts Gibbs
        sweeps over the corpus (use a few hundred), ``passes``, ``chunksize`` and the online-VB settings
        are not used, ``alpha`` is ``"symmetric"``, ``"auto"`` or a float, and ``eta`` defaults to 0.01.
        Either way the fitted topics are held as a gensim model, so inference, labels, effects and
        save/load are the same for both backends.

    Attributes
    ----------
    model_ : the fitted ``gensim.models.LdaModel``.
    vocab_ : tuple of the training terms (column ``j`` of ``topic_word_``).
    topic_word_ : (K, V) topic-word probabilities (normalised ``lambda``), rows in topic-id order.
    alpha_ : (K,) fitted document-topic prior.  eta_ : the topic-word prior (V,) or (K, V).
    term_counts_ : (V,) total count of each term in the training matrix (for lift and FREX).
    n_docs_ : number of training documents.

    Examples
    --------
    >>> model = TopicModel(8, passes=10, random_state=0).fit(dtm)      # doctest: +SKIP
    >>> model.transform(dtm).loc["npa-2004-01"].idxmax()               # doctest: +SKIP
    'topic_3'
    """

    _FITTED_ATTR = "model_"
    _FIT_CALL = "fit(dtm)"
    _STATE_ARRAYS = (*LDA_ARRAYS, "term_counts")

    def __init__(self, n_topics: int = 10, *, passes: int = 10, iterations: int = 100,
                 alpha: str | float | Sequence[float] = "symmetric", eta: str | float | Sequence[float] | None = None,
                 chunksize: int = 2000, update_every: int = 1, decay: float = 0.5, offset: float = 1.0,
                 gamma_threshold: float = 0.001, dtype: Literal["float32", "float64"] = "float64",
                 random_state: int = 0, multicore: bool = False, workers: int | None = None,
                 backend: Literal["gensim", "tomotopy"] = "gensim") -> None:
        self.n_topics = n_topics
        self.passes = passes
        self.iterations = iterations
        self.alpha = alpha
        self.eta = eta
        self.chunksize = chunksize
        self.update_every = update_every
        self.decay = decay
        self.offset = offset
        self.gamma_threshold = gamma_threshold
        self.dtype = dtype
        self.random_state = random_state
        self.multicore = multicore
        self.workers = workers
        self.backend = backend

    # --- validation ---------------------------------------------------------------------
    def _check_params(self) -> None:
        for name in ("n_topics", "passes", "iterations", "chunksize"):
            value = getattr(self, name)
            if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"{name}={value!r}: give a positive integer")
        if not isinstance(self.random_state, numbers.Integral) or isinstance(self.random_state, bool):
            raise ConfigError(f"random_state={self.random_state!r}: give an integer seed (e.g. 0) so runs repeat")
        check_choice("dtype", self.dtype, tuple(DTYPES))
        if isinstance(self.alpha, str):
            check_choice("alpha", self.alpha, ALPHA_CHOICES)
        if isinstance(self.eta, str):
            check_choice("eta", self.eta, ETA_CHOICES)
        check_choice("backend", self.backend, ("gensim", "tomotopy"))
        if self.backend == "tomotopy" and not (self.alpha in ("symmetric", "auto") or isinstance(self.alpha, numbers.Real)):
            raise ConfigError(f"alpha={self.alpha!r} is not available with backend='tomotopy': use 'symmetric', 'auto' or a float")
        if self.backend == "tomotopy" and self.multicore:
            raise ConfigError("multicore=True is a gensim setting: the tomotopy backend runs one deterministic thread")
        if self.multicore and self.alpha == "auto":
            raise ConfigError("alpha='auto' is not available with multicore=True (gensim's LdaMulticore cannot "
                              "learn alpha): use multicore=False or a fixed alpha such as 'symmetric'")

    def _prior(self, value: Any) -> Any:
        if value is None or isinstance(value, (str, numbers.Real)):
            return value
        return np.asarray(value, dtype=DTYPES[self.dtype])

    # --- fitting ------------------------------------------------------------------------
    def fit(self, dtm: "DocTermMatrix", y: Any = None) -> "TopicModel":
        """Train on the counts of ``dtm`` (weighting must be ``"count"``); returns ``self``.

        >>> TopicModel(6, random_state=1).fit(dtm).topic_word_.shape   # doctest: +SKIP
        (6, 1520)
        """
        self._check_params()
        _require_counts(dtm)
        if self.backend == "tomotopy":
            self.model_ = self._train_tomotopy(dtm)
        else:
            self.model_ = self._train(BowCorpus(dtm.matrix, self.chunksize), dict(enumerate(dtm.vocab)))
        self._set_learned(tuple(dtm.vocab), dtm.term_totals().astype(np.float64), dtm.n_docs)
        return self

    def _train(self, bow: "BowCorpus", id2word: dict[int, str]) -> "LdaModel":
        from gensim.models import LdaModel, LdaMulticore

        common = dict(corpus=bow.materialized(), id2word=id2word, num_topics=self.n_topics, chunksize=self.chunksize,
                      passes=self.passes, alpha=self._prior(self.alpha), eta=self._prior(self.eta),
                      decay=self.decay, offset=self.offset, eval_every=None, iterations=self.iterations,
                      gamma_threshold=self.gamma_threshold, random_state=int(self.random_state),
                      dtype=DTYPES[self.dtype])
        if self.multicore:
            return LdaMulticore(workers=self.workers, **common)
        return LdaModel(update_every=self.update_every, **common)

    def _train_tomotopy(self, dtm: "DocTermMatrix") -> "LdaModel":
        """Gibbs sampling with tomotopy, then the sampled topic-word counts as a gensim model's state
        (``lambda = counts + eta``), so that inference and persistence are the gensim backend's."""
        from scipy.special import psi

        from .backends import fit_lda

        eta = 0.01 if self.eta is None else self.eta
        if not isinstance(eta, numbers.Real):
            raise ConfigError(f"eta={self.eta!r}: the tomotopy backend takes one float (or None for 0.01)")
        res = fit_lda(dtm.matrix, dtm.vocab, n_topics=self.n_topics, backend="tomotopy", iterations=self.iterations,
                      alpha=self.alpha, eta=float(eta), random_state=int(self.random_state))
        topic_counts = np.maximum((res.doc_gamma - res.alpha).sum(axis=0), 0.0)        # tokens per topic
        n_terms = len(dtm.vocab)
        lam = res.topic_word * (topic_counts + n_terms * float(eta))[:, None]          # counts + eta, per topic
        sstats = np.maximum(lam - float(eta), 0.0)
        lam = sstats + float(eta)
        arrays = {"sstats": sstats, "alpha": res.alpha, "eta": np.full(n_terms, float(eta)),
                  "expElogbeta": np.exp(psi(lam) - psi(lam.sum(axis=1))[:, None])}
        return rebuild_lda(tuple(dtm.vocab), arrays, {"numdocs": dtm.n_docs}, dtype=DTYPES[self.dtype],
                           n_topics=self.n_topics, chunksize=self.chunksize, passes=self.passes, decay=self.decay,
                           offset=self.offset, iterations=self._inference_iterations(), gamma_threshold=self.gamma_threshold,
                           random_state=self.random_state)

    def _inference_iterations(self) -> int:
        """Variational iterations per document at inference: ``iterations`` under gensim; gensim's
        default 100 under tomotopy (where ``iterations`` counts Gibbs sweeps of training)."""
        return 100 if self.backend == "tomotopy" else self.iterations

    def _set_learned(self, vocab: tuple[str, ...], term_counts: np.ndarray, n_docs: int) -> None:
        model = self.model_
        self.vocab_ = vocab
        self.topic_word_ = np.asarray(model.get_topics(), dtype=np.float64)
        self.alpha_ = np.asarray(model.alpha, dtype=np.float64).copy()
        self.eta_ = np.asarray(model.eta, dtype=np.float64).copy()
        self.term_counts_ = term_counts
        self.n_docs_ = int(n_docs)
        self.n_features_in_ = len(vocab)

    # --- inference ----------------------------------------------------------------------
    def posterior(self, dtm: "DocTermMatrix") -> pd.DataFrame:
        """Variational Dirichlet parameters ``gamma`` of each document's topic proportions.

        Document ``d``'s proportions have the approximate posterior ``Dirichlet(gamma[d])``
        (Blei, Ng & Jordan 2003); :func:`~discourse.topics.topic_effects` draws from it (the
        method of composition). Terms of ``dtm`` not in the training vocabulary are ignored.
        Inference restarts its random generator from ``random_state`` on every call, so the same
        model and matrix always give the same values.

        Returns
        -------
        DataFrame indexed by ``doc_id``, columns ``topic_0 ..``, rows sum to ``sum(alpha) + n_tokens``.
        """
        self._check_fitted()
        _require_counts(dtm)
        gamma = self._infer(self._align(dtm))
        return pd.DataFrame(gamma, index=dtm.docvars.index.copy(), columns=topic_names(self.n_topics_))

    def transform(self, dtm: "DocTermMatrix") -> pd.DataFrame:
        """Document-topic proportions (posterior means ``gamma / gamma.sum()``), rows sum to 1.

        Returns
        -------
        DataFrame indexed by ``doc_id`` with columns ``topic_0 .. topic_{K-1}`` (topic ids as fitted).

        >>> model.transform(dtm).round(2).head(1)   # doctest: +SKIP
                     topic_0  topic_1
        doc_id
        npa-2004-01     0.91     0.09
        """
        gamma = self.posterior(dtm)
        return gamma.div(gamma.sum(axis=1), axis=0)

    def fit_transform(self, dtm: "DocTermMatrix", y: Any = None) -> pd.DataFrame:
        """``fit(dtm).transform(dtm)``."""
        return self.fit(dtm).transform(dtm)

    def _align(self, dtm: "DocTermMatrix") -> sparse.csr_matrix:
        """The counts of ``dtm`` with columns in training-vocabulary order (unknown terms dropped)."""
        if tuple(dtm.vocab) == self.vocab_:
            return dtm.matrix.tocsr()
        index = {t: j for j, t in enumerate(self.vocab_)}
        cols = np.array([index.get(t, -1) for t in dtm.vocab], dtype=np.int64)
        keep = np.flatnonzero(cols >= 0)
        sub = dtm.matrix[:, keep].tocoo()
        shape = (dtm.n_docs, len(self.vocab_))
        return sparse.csr_matrix((sub.data, (sub.row, cols[keep][sub.col])), shape=shape)

    def _infer(self, x: sparse.csr_matrix) -> np.ndarray:
        model = self.model_
        saved, model.random_state = model.random_state, np.random.RandomState(int(self.random_state))
        try:
            parts = [model.inference(chunk)[0] for chunk in BowCorpus(x, self.chunksize).chunks()]
        finally:
            model.random_state = saved
        if not parts:
            return np.zeros((0, self.n_topics_))
        return np.vstack(parts).astype(np.float64)

    @property
    def n_topics_(self) -> int:
        """Number of fitted topics."""
        self._check_fitted()
        return self.topic_word_.shape[0]

    # --- persistence (the package's one model format, see discourse._internal.bundle) ----------
    def _get_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """Hyper-parameters, vocabulary and gensim state as JSON values and plain arrays."""
        self._check_fitted()
        meta = {"params": self.get_params(), "vocab": list(self.vocab_), "n_docs": self.n_docs_,
                **lda_meta(self.model_)}
        return meta, {**lda_arrays(self.model_), "term_counts": np.asarray(self.term_counts_, dtype=np.float64)}

    @classmethod
    def _from_state(cls, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> "TopicModel":
        """Rebuild a fitted model from :meth:`_get_state`'s output (shapes checked first)."""
        estimator = cls(**meta["params"])
        estimator._check_params()
        vocab = tuple(meta["vocab"])
        check_lda_arrays(arrays, estimator.n_topics, len(vocab))
        check_shape("term_counts", arrays["term_counts"], (len(vocab),), f"{len(vocab)} terms (vocabulary)")
        estimator.model_ = rebuild_lda(
            vocab, arrays, meta, dtype=DTYPES[estimator.dtype], n_topics=estimator.n_topics,
            chunksize=estimator.chunksize, passes=estimator.passes, decay=estimator.decay, offset=estimator.offset,
            iterations=estimator._inference_iterations(), gamma_threshold=estimator.gamma_threshold,
            random_state=estimator.random_state)
        estimator._set_learned(vocab, arrays["term_counts"].astype(np.float64), int(meta["n_docs"]))
        return estimator


def _require_counts(dtm: "DocTermMatrix") -> None:
    if getattr(dtm, "weighting", "count") != "count":
        raise ConfigError(f"the document-term matrix is weighted ({dtm.weighting!r}): LDA models counts, "
                          "pass the matrix before weight()")


def csr_to_bow(x: sparse.csr_matrix) -> list[list[tuple[int, int]]]:
    """One ``[(term_id, count), ...]`` list per row of a CSR count matrix (gensim's bag-of-words)."""
    indptr, indices = x.indptr, x.indices.tolist()
    data = np.asarray(x.data)
    data = data.astype(np.int64).tolist() if np.all(np.mod(data, 1) == 0) else data.tolist()
    return [list(zip(indices[a:b], data[a:b])) for a, b in zip(indptr[:-1].tolist(), indptr[1:].tolist())]


class BowCorpus:
    """The rows of a CSR count matrix as gensim bag-of-words, converted chunk by chunk.

    Iterating yields one ``[(term_id, count), ...]`` per document and can be repeated (one
    pass per training pass), so memory holds the compact CSR matrix plus one chunk of Python
    lists. :meth:`materialized` returns the full list instead when it is small enough
    (``nnz <= MAX_BOW_IN_MEMORY``): converting once is faster than once per pass, and costs
    about 100 bytes per non-zero cell.
    """

    MAX_BOW_IN_MEMORY = 10_000_000

    def __init__(self, matrix: sparse.spmatrix, chunksize: int = 2000) -> None:
        self.matrix = matrix.tocsr()
        self.chunksize = max(int(chunksize), 1)

    def __len__(self) -> int:
        return self.matrix.shape[0]

    def chunks(self) -> Iterator[list[list[tuple[int, int]]]]:
        for i in range(0, len(self), self.chunksize):
            yield csr_to_bow(self.matrix[i:i + self.chunksize])

    def __iter__(self) -> Iterator[list[tuple[int, int]]]:
        for chunk in self.chunks():
            yield from chunk

    def materialized(self) -> "BowCorpus | list[list[tuple[int, int]]]":
        """The whole bag-of-words as a list when it is small enough, else ``self`` (streamed)."""
        return csr_to_bow(self.matrix) if self.matrix.nnz <= self.MAX_BOW_IN_MEMORY else self
