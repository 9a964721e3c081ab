"""Topic labels: top terms by probability, FREX and lift; representative documents.

Scores, as in stm's ``labelTopics`` (Roberts, Stewart & Tingley 2019):

``prob``
    the topic-word probability ``beta[k, v]``.
``frex``
    FREX (Bischof & Airoldi 2012; Roberts, Stewart & Airoldi 2016): the weighted harmonic mean
    of a word's ECDF rank within the topic by exclusivity and by frequency,
    ``1 / (w / ECDF_excl + (1 - w) / ECDF_freq)``, where exclusivity is
    ``beta[k, v] / sum_j beta[j, v]`` and ECDF ranks are average ranks over the vocabulary
    divided by V. ``w`` is the weight on exclusivity (as in the paper and in stm's
    ``exclusivity()``); stm's ``calcfrex(w=)`` puts its ``w`` on frequency, so stm ``w`` = 1 - ours
    (the same at the default 0.5). With ``term_counts`` (as ``labelTopics`` does) each word's
    exclusivity vector is first shrunk towards uniform with stm's James-Stein estimator
    ``js.estimate`` (Hausser & Strimmer 2009), which tames rare words.
``lift``
    ``beta[k, v] / (count_v / N)`` (Taddy 2012; stm's ``calclift``): how much more likely the
    word is in the topic than in the corpus; favours rare words. Terms with a zero count get no
    lift score (NaN) and are never listed.

Example
-------
>>> top_terms(model, method="frex", n=5)        # doctest: +SKIP
     topic  rank   term     score method
0  topic_0     1   摘発  0.993...   frex
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import ConfigError, check_choice
from .model import topic_names

if TYPE_CHECKING:
    from .model import TopicModel

Method = Literal["prob", "frex", "lift"]
METHODS = ("prob", "frex", "lift")


def js_estimate(prob: np.ndarray, count: float) -> np.ndarray:
    """stm's ``js.estimate``: shrink a discrete distribution towards uniform (James-Stein).

    ``lambda = sum(p (1 - p) / (count - 1)) / sum((p - 1/K)^2)``, clipped to [0, 1]; result
    ``lambda / K + (1 - lambda) p``. A count of 1 or less gives the uniform distribution.
    """
    prob = np.asarray(prob, dtype=np.float64)
    unif = np.full_like(prob, 1.0 / len(prob))
    if count <= 1:
        return unif
    deviation = float(np.sum((prob - unif) ** 2))
    if deviation == 0:
        return prob
    lam = float(np.sum(prob * (1 - prob) / (count - 1))) / deviation
    if np.isnan(lam):
        return unif
    lam = min(max(lam, 0.0), 1.0)
    return lam * unif + (1 - lam) * prob


def exclusivity_matrix(topic_word: np.ndarray, term_counts: np.ndarray | None = None) -> np.ndarray:
    """(K, V) ``beta[k, v] / sum_j beta[j, v]``, optionally James-Stein shrunk per word."""
    beta = np.asarray(topic_word, dtype=np.float64)
    excl = beta / np.maximum(beta.sum(axis=0, keepdims=True), 1e-300)
    if term_counts is None:
        return excl
    shrunk = [js_estimate(excl[:, v], float(term_counts[v])) for v in range(beta.shape[1])]
    return np.column_stack(shrunk) if shrunk else excl


def ecdf_ranks(scores: np.ndarray) -> np.ndarray:
    """Average ranks within each row divided by the row length (R's ``rank(x) / length(x)``)."""
    return stats.rankdata(scores, method="average", axis=1) / scores.shape[1]


def frex_scores(topic_word: np.ndarray, *, w: float = 0.5, term_counts: np.ndarray | None = None) -> np.ndarray:
    """(K, V) FREX scores; ``w`` is the weight on exclusivity (see module docstring).

    >>> frex_scores(np.array([[0.7, 0.2, 0.1], [0.1, 0.2, 0.7]])).round(3)
    array([[1.   , 0.667, 0.333],
           [0.333, 0.667, 1.   ]])
    """
    if not 0 <= w <= 1:
        raise ConfigError(f"w={w!r}: the FREX weight on exclusivity must be between 0 and 1")
    beta = np.asarray(topic_word, dtype=np.float64)
    excl = exclusivity_matrix(beta, term_counts)
    with np.errstate(divide="ignore"):
        log_excl = np.maximum(np.log(excl), -1000.0)  # stm's safelog
    e, f = ecdf_ranks(log_excl), ecdf_ranks(np.log(np.maximum(beta, 1e-300)))
    return 1.0 / (w / e + (1 - w) / f)


def lift_scores(topic_word: np.ndarray, term_counts: np.ndarray) -> np.ndarray:
    """(K, V) lift ``beta / (count / total)``; NaN for terms never counted."""
    counts = np.asarray(term_counts, dtype=np.float64)
    if counts.shape != (np.asarray(topic_word).shape[1],):
        raise ConfigError(f"term_counts has shape {counts.shape}: give one count per vocabulary term")
    emp = counts / max(counts.sum(), 1e-300)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(emp > 0, np.asarray(topic_word, dtype=np.float64) / emp, np.nan)


def term_scores(model: "TopicModel", method: Method = "prob", *, frex_weight: float = 0.5,
                shrink: bool = True) -> np.ndarray:
    """(K, V) scores of every term in every topic by ``method`` (``shrink``: James-Stein in FREX)."""
    check_choice("method", method, METHODS)
    model._check_fitted()
    beta = model.topic_word_
    if method == "prob":
        return beta
    if method == "frex":
        return frex_scores(beta, w=frex_weight, term_counts=model.term_counts_ if shrink else None)
    return lift_scores(beta, model.term_counts_)


def top_terms(model: "TopicModel", *, n: int = 10, method: Method = "prob", frex_weight: float = 0.5,
              shrink: bool = True) -> pd.DataFrame:
    """The ``n`` best terms of each topic by ``method``.

    Returns
    -------
    Tidy DataFrame: ``topic``, ``rank`` (1 = best), ``term``, ``score``, ``method``; topics in
    id order; ties keep vocabulary order.

    >>> top_terms(model, n=3).query("topic == 'topic_0'").term.tolist()   # doctest: +SKIP
    ['犯罪', '外国', '増加']
    """
    scores = term_scores(model, method, frex_weight=frex_weight, shrink=shrink)
    rows = []
    for k, name in enumerate(topic_names(scores.shape[0])):
        row = np.where(np.isnan(scores[k]), -np.inf, scores[k])
        order = np.argsort(-row, kind="stable")[:n]
        order = order[np.isfinite(row[order])]
        rows += [{"topic": name, "rank": r + 1, "term": model.vocab_[j], "score": float(scores[k, j]), "method": method}
                 for r, j in enumerate(order)]
    return pd.DataFrame(rows, columns=["topic", "rank", "term", "score", "method"])


def label_topics(model: "TopicModel", *, n: int = 7, frex_weight: float = 0.5, sep: str = "・") -> pd.DataFrame:
    """One row per topic with its top terms by each method (stm's ``labelTopics`` as a table).

    Returns
    -------
    DataFrame indexed by ``topic`` with columns ``prob``, ``frex``, ``lift`` (terms joined by
    ``sep``) and ``label`` (``"topic_0: 犯罪・摘発・増加"``: the top three FREX terms).
    """
    out = pd.DataFrame(index=pd.Index(topic_names(model.n_topics_), name="topic"))
    for method in METHODS:
        table = top_terms(model, n=n, method=method, frex_weight=frex_weight)
        out[method] = table.groupby("topic", sort=False)["term"].agg(sep.join).reindex(out.index).fillna("")
    out["label"] = [f"{t}: {sep.join(terms.split(sep)[:3])}" for t, terms in zip(out.index, out["frex"])]
    return out


def term_topic_mass(model: "TopicModel", terms: Sequence[str]) -> pd.Series:
    """Share of the occurrences of ``terms`` that the model assigns to each topic.

    Uses the fitted expected topic-word counts (gensim's ``sstats`` = ``lambda - eta``), so a
    topic that generates most of the tokens of, say, 不法滞在者 and 摘発 gets most of the mass.
    Terms outside the vocabulary are ignored; the result sums to 1 (all 0 if none is known).
    This is how to find "the topic about X" by content rather than by id.

    >>> term_topic_mass(model, ["不法滞在者", "摘発", "犯罪"]).idxmax()   # doctest: +SKIP
    'topic_6'
    """
    model._check_fitted()
    index = {t: j for j, t in enumerate(model.vocab_)}
    cols = [index[t] for t in dict.fromkeys(terms) if t in index]
    counts = np.maximum(np.asarray(model.model_.state.get_lambda() - model.model_.eta, dtype=np.float64), 0.0)
    mass = counts[:, cols].sum(axis=1) if cols else np.zeros(model.n_topics_)
    total = mass.sum()
    return pd.Series(mass / total if total > 0 else mass, index=pd.Index(topic_names(model.n_topics_), name="topic"),
                     name="share")


def representative_docs(doc_topics: pd.DataFrame, *, n: int = 3, texts: Mapping[Any, str] | Any = None,
                        chars: int = 120) -> pd.DataFrame:
    """The ``n`` documents with the highest proportion of each topic (stm's ``findThoughts``).

    Parameters
    ----------
    doc_topics : output of :meth:`TopicModel.transform` (index ``doc_id``).
    texts : optional ``{doc_id: text}``, or a ``Corpus``/``Tokens`` (anything with ``doc_ids``
        and ``texts``), to add the first ``chars`` characters of each document as ``excerpt``.

    Returns
    -------
    Tidy DataFrame: ``topic``, ``rank``, ``doc_id``, ``proportion`` (and ``excerpt``).
    """
    lookup = _text_lookup(texts)
    rows = []
    for topic in doc_topics.columns:
        best = doc_topics[topic].sort_values(ascending=False, kind="stable").head(n)
        for r, (doc_id, value) in enumerate(best.items()):
            row = {"topic": topic, "rank": r + 1, "doc_id": doc_id, "proportion": float(value)}
            if lookup is not None:
                row["excerpt"] = lookup.get(doc_id, "")[:chars]
            rows.append(row)
    return pd.DataFrame(rows)


def _text_lookup(texts: Mapping[Any, str] | Any) -> dict[Any, str] | None:
    if texts is None:
        return None
    if isinstance(texts, Mapping):
        return dict(texts)
    if hasattr(texts, "doc_ids") and hasattr(texts, "texts"):
        values = texts.texts() if callable(texts.texts) else texts.texts
        ids = texts.doc_ids() if callable(texts.doc_ids) else texts.doc_ids
        return dict(zip(ids, values))
    raise ConfigError(f"texts={type(texts).__name__}: give a dict doc_id -> text, a Corpus or a Tokens object")
