"""Choosing the number of topics: coherence, exclusivity and held-out perplexity over a grid of k.

For each k, :func:`select_k` fits a :class:`TopicModel` on a seeded training split of the
documents (``1 - test_size``) and reports, for that model:

``c_v``, ``u_mass``, ``c_npmi``
    gensim's ``CoherenceModel`` (Röder, Both & Hinneburg 2015; Mimno et al. 2011; Bouma 2009)
    on the top ``n_terms`` words of each topic, averaged over topics. The reference texts are
    *all* documents of the matrix, restricted to its (trimmed) vocabulary: the given ``texts``
    (a ``Tokens`` object or lists of terms, in order, so gensim's sliding windows - 110 tokens
    for ``c_v``, 10 for ``c_npmi`` - apply), or, without ``texts``, each document's set of
    terms with the window set to the whole document (boolean-document co-occurrence, as the
    matrix keeps no word order).
``exclusivity``
    stm's ``exclusivity()`` (Roberts, Stewart & Airoldi 2016): per topic, the sum of FREX scores
    (weight 0.7 on exclusivity) of its top ``n_terms`` words; averaged over topics.
``perplexity``
    held-out perplexity by document completion (Wallach et al. 2009): each test document's
    counts are split at random in halves (binomial thinning, seeded); its proportions are
    inferred from one half and the other half is scored,
    ``exp(-sum n log(sum_k theta_k beta_kw) / sum n)`` (lower is better).

Undefined coherence (no NaN reaches the table): top words are chosen only among terms that
occur in the reference texts, so every probability in gensim's ratios is positive; pairs of
words that never co-occur get gensim's epsilon (1e-12) and so a finite, very low score. A topic
whose score is still not finite would be left out of the average and counted in
``n_undefined``; the table therefore never holds NaN.

``n_jobs > 1`` runs the values of k in that many processes (``concurrent.futures``); the
results do not depend on ``n_jobs``.

Example
-------
>>> table = select_k(dtm, [4, 6, 8, 10], texts=tokens, n_jobs=2)   # doctest: +SKIP
>>> plot_select_k(table).savefig("select_k.png")                  # doctest: +SKIP
"""
from __future__ import annotations

import time
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING, Any, Iterable, Sequence

import numpy as np
import pandas as pd

from ..errors import ConfigError
from .labels import frex_scores
from .model import TopicModel, topic_names

if TYPE_CHECKING:
    from ..dtm import DocTermMatrix
    from ..tokens import Tokens

MEASURES = ("c_v", "u_mass", "c_npmi")
TABLE_COLUMNS = ["k", *MEASURES, "exclusivity", "perplexity", "n_undefined", "n_train", "n_test", "fit_seconds"]


def exclusivity(topic_word: np.ndarray, *, n_terms: int = 10, w: float = 0.7) -> np.ndarray:
    """stm's ``exclusivity()``: per topic, the summed FREX (weight ``w`` on exclusivity) of its
    ``n_terms`` most probable words. Larger = topics with words of their own."""
    beta = np.asarray(topic_word, dtype=np.float64)
    frex = frex_scores(beta, w=w)
    top = np.argsort(-beta, axis=1, kind="stable")[:, :n_terms]
    return np.take_along_axis(frex, top, axis=1).sum(axis=1)


def reference_texts(dtm: "DocTermMatrix", texts: "Tokens | Iterable[Sequence[str]] | None" = None) -> tuple[list[list[str]], int | None]:
    """``(texts, window)`` for coherence: terms restricted to the matrix's vocabulary; window None
    means gensim's default windows, else the whole-document window used for pseudo-texts."""
    vocab = set(dtm.vocab)
    if texts is None:
        x = dtm.matrix.tocsr()
        docs = [[dtm.vocab[j] for j in x.indices[a:b]] for a, b in zip(x.indptr[:-1], x.indptr[1:])]
        return docs, max([len(d) for d in docs] + [2])
    lists = texts.to_lists() if hasattr(texts, "to_lists") else [list(t) for t in texts]
    return [[t for t in doc if t in vocab] for doc in lists], None


def coherence(model: TopicModel, texts: list[list[str]], *, window: int | None = None, n_terms: int = 10,
              measures: Sequence[str] = MEASURES, dictionary: Any = None) -> pd.DataFrame:
    """Per-topic coherence of ``model`` on reference ``texts`` (lists of terms) with gensim.

    ``dictionary`` (a gensim ``Dictionary`` of ``texts``) is built when not given.

    Returns
    -------
    DataFrame indexed by ``topic`` with one column per measure; a value is NaN only when gensim's
    score is not finite (see module docstring), which :func:`select_k` counts as ``n_undefined``.
    """
    from gensim.corpora import Dictionary
    from gensim.models import CoherenceModel

    for m in measures:
        if m not in MEASURES:
            raise ConfigError(f"measures: {m!r} is not one of {list(MEASURES)}")
    dictionary = Dictionary(texts) if dictionary is None else dictionary
    topics = _top_words(model, dictionary, n_terms)
    out = pd.DataFrame(index=pd.Index(topic_names(model.n_topics_), name="topic"))
    for m in measures:
        kwargs = {"window_size": window} if window is not None and m != "u_mass" else {}
        cm = CoherenceModel(topics=topics, texts=texts, dictionary=dictionary, coherence=m, topn=len(topics[0]),
                            processes=1, **kwargs)
        values = np.asarray(cm.get_coherence_per_topic(), dtype=np.float64)
        out[m] = np.where(np.isfinite(values), values, np.nan)
    return out


def _top_words(model: TopicModel, dictionary: Any, n_terms: int) -> list[list[str]]:
    """Each topic's most probable words among those that occur in the reference texts."""
    present = np.array([t in dictionary.token2id for t in model.vocab_], dtype=bool)
    if present.sum() < 2:
        raise ConfigError("fewer than two of the model's terms occur in the reference texts: "
                          "give texts made of the same terms as the matrix")
    scores = np.where(present[None, :], model.topic_word_, -np.inf)
    order = np.argsort(-scores, axis=1, kind="stable")[:, :min(n_terms, int(present.sum()))]
    return [[model.vocab_[j] for j in row] for row in order]


def split_documents(n_docs: int, *, test_size: float = 0.2, random_state: int = 0) -> np.ndarray:
    """Boolean mask of test documents (``round(test_size * n)``, at least 1, seeded)."""
    if not 0 < test_size < 1:
        raise ConfigError(f"test_size={test_size!r}: give a share between 0 and 1, e.g. 0.2")
    n_test = min(max(int(round(test_size * n_docs)), 1), n_docs - 1)
    mask = np.zeros(n_docs, dtype=bool)
    mask[np.random.default_rng(random_state).choice(n_docs, size=n_test, replace=False)] = True
    return mask


def heldout_perplexity(model: TopicModel, dtm: "DocTermMatrix", *, random_state: int = 0) -> float:
    """Document-completion perplexity of ``model`` on the documents of ``dtm`` (see module docstring)."""
    x = model._align(dtm).tocsr().astype(np.int64)
    rng = np.random.default_rng(random_state)
    observed = x.copy()
    observed.data = rng.binomial(x.data, 0.5)
    held = (x - observed).tocoo()
    if held.sum() == 0:
        raise ConfigError("the held-out documents have no tokens left to score: use longer documents or more of them")
    gamma = model._infer(observed.tocsr())
    theta = gamma / gamma.sum(axis=1, keepdims=True)
    prob = np.einsum("nk,kn->n", theta[held.row], model.topic_word_[:, held.col])
    return float(np.exp(-np.sum(held.data * np.log(prob)) / held.data.sum()))


def evaluate_k(k: int, dtm: "DocTermMatrix", test: np.ndarray, texts: list[list[str]], window: int | None,
               n_terms: int, params: dict[str, Any], dictionary: Any = None) -> dict[str, Any]:
    """Fit one k on the training documents and compute every criterion (one row of the table)."""
    start = time.perf_counter()
    model = TopicModel(k, **params).fit(dtm.subset(~test))
    seconds = time.perf_counter() - start
    coh = coherence(model, texts, window=window, n_terms=n_terms, dictionary=dictionary)
    row = {"k": k, **{m: float(coh[m].mean()) for m in MEASURES}}
    row.update(exclusivity=float(exclusivity(model.topic_word_, n_terms=n_terms).mean()),
               perplexity=heldout_perplexity(model, dtm.subset(test), random_state=params.get("random_state", 0)),
               n_undefined=int(coh.isna().to_numpy().sum()), n_train=int((~test).sum()), n_test=int(test.sum()),
               fit_seconds=seconds)
    return row


def select_k(dtm: "DocTermMatrix", k_grid: Sequence[int], *, texts: "Tokens | Iterable[Sequence[str]] | None" = None,
             n_terms: int = 10, test_size: float = 0.2, n_jobs: int = 1, random_state: int = 0,
             **model_params: Any) -> pd.DataFrame:
    """Compare numbers of topics (see module docstring for each criterion).

    Parameters
    ----------
    dtm : counts (trimmed as for the final model).
    k_grid : the values of k, e.g. ``[4, 6, 8, 10, 12]``.
    texts : the documents' tokens in order (``Tokens`` or lists of terms), for window coherence.
    n_terms : top words per topic for coherence and exclusivity.
    test_size : share of documents held out for perplexity (seeded by ``random_state``).
    n_jobs : processes over k (1 = in this process).
    random_state : seed of the split, the models and the completion split.
    model_params : other :class:`TopicModel` parameters (``passes``, ``alpha``, ...).

    Returns
    -------
    Tidy DataFrame, one row per k (sorted): ``k``, ``c_v``, ``u_mass``, ``c_npmi``,
    ``exclusivity``, ``perplexity``, ``n_undefined``, ``n_train``, ``n_test``, ``fit_seconds``.
    """
    grid = sorted({int(k) for k in k_grid})
    if not grid or grid[0] < 2:
        raise ConfigError(f"k_grid={list(k_grid)}: give at least one number of topics >= 2")
    if n_jobs < 1:
        raise ConfigError(f"n_jobs={n_jobs}: give a number of processes >= 1")
    if "n_topics" in model_params:
        raise ConfigError("n_topics is set by k_grid: remove it from the model parameters")
    TopicModel(grid[0], random_state=random_state, **model_params)._check_params()
    test = split_documents(dtm.n_docs, test_size=test_size, random_state=random_state)
    ref, window = reference_texts(dtm, texts)
    params = {**model_params, "random_state": random_state}
    from gensim.corpora import Dictionary

    dictionary = Dictionary(ref)
    args = [(k, dtm, test, ref, window, n_terms, params, dictionary) for k in grid]
    if n_jobs == 1 or len(grid) == 1:
        rows = [evaluate_k(*a) for a in args]
    else:
        with ProcessPoolExecutor(max_workers=min(n_jobs, len(grid))) as pool:
            rows = list(pool.map(evaluate_k, *zip(*args)))
    out = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    out.attrs.update(test_size=test_size, random_state=random_state, n_terms=n_terms,
                     texts="tokens" if texts is not None else "document sets", params=params)
    return out
