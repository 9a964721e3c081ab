"""The gensim side of saving a :class:`~discourse.topics.TopicModel` without pickle.

gensim's own ``save``/``load`` unpickles, so a model file from elsewhere could run code when
loaded. A topic model is saved in the package's one model format (:mod:`discourse._internal.bundle`:
``model.json`` + ``arrays.npz``, every part checked on load); this module turns a fitted
``LdaModel`` into plain arrays and back:

``sstats``
    the expected topic-word counts (K, V); the topics' variational Dirichlet parameters are
    ``eta + sstats``.
``expElogbeta``
    ``exp(E[log beta])`` (K, V), what inference uses.
``alpha`` (K,), ``eta`` ((V,) or (K, V))
    the fitted priors.

Loading builds an untrained ``LdaModel`` with the saved priors and overwrites its state with the
saved statistics, so inference (``transform``) gives the same numbers as the original model.

Example
-------
>>> model.save("runs/demo/topics")                         # doctest: +SKIP
>>> TopicModel.load("runs/demo/topics").transform(dtm)     # doctest: +SKIP
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .._internal.bundle import check_shape

LDA_ARRAYS = ("sstats", "expElogbeta", "alpha", "eta")


def lda_arrays(lda: Any) -> dict[str, np.ndarray]:
    """The numeric state of a fitted gensim ``LdaModel`` (see the module docstring)."""
    return {"sstats": np.asarray(lda.state.sstats), "expElogbeta": np.asarray(lda.expElogbeta),
            "alpha": np.asarray(lda.alpha), "eta": np.asarray(lda.eta)}


def lda_meta(lda: Any) -> dict[str, Any]:
    """The scalar state of a fitted ``LdaModel`` and the gensim version that fitted it."""
    import gensim

    return {"numdocs": int(lda.state.numdocs), "num_updates": int(lda.num_updates), "gensim": gensim.__version__}


def check_lda_arrays(arrays: dict[str, np.ndarray], n_topics: int, n_terms: int) -> None:
    """:class:`~discourse._internal.bundle.BundleError` unless the arrays fit K topics and V terms."""
    why = f"{n_topics} topics (params) by {n_terms} terms (vocabulary)"
    for name in ("sstats", "expElogbeta"):
        check_shape(name, arrays[name], (n_topics, n_terms), why)
    check_shape("alpha", arrays["alpha"], (n_topics,), why)
    eta = arrays["eta"]
    check_shape("eta", eta, (n_terms,) if eta.ndim == 1 else (n_topics, n_terms), why)


def rebuild_lda(vocab: Sequence[str], arrays: dict[str, np.ndarray], meta: dict[str, Any], *, dtype: Any,
                n_topics: int, chunksize: int, passes: int, decay: float, offset: float, iterations: int,
                gamma_threshold: float, random_state: int) -> Any:
    """An ``LdaModel`` whose inference equals the saved model's."""
    from gensim.models import LdaModel

    lda = LdaModel(id2word=dict(enumerate(vocab)), num_topics=n_topics, chunksize=chunksize, passes=passes,
                   alpha=arrays["alpha"].astype(dtype), eta=arrays["eta"].astype(dtype), decay=decay, offset=offset,
                   eval_every=None, iterations=iterations, gamma_threshold=gamma_threshold,
                   random_state=int(random_state), dtype=dtype)
    lda.state.sstats[...] = arrays["sstats"].astype(dtype)
    lda.state.numdocs = int(meta.get("numdocs", 0))
    lda.expElogbeta = arrays["expElogbeta"].astype(dtype)
    lda.num_updates = int(meta.get("num_updates", 0))
    return lda
