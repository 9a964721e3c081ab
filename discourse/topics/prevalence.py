"""How much each group devotes to each topic, and how far apart the groups' topic mixes are.

:func:`topic_prevalence` averages document-topic proportions per group (every document weighs
the same, whatever its length) with a percentile bootstrap over documents, resampled within
each group (Efron & Tibshirani 1993; :func:`discourse._internal.intervals.bootstrap_weights`).
With ``posterior`` each bootstrap replicate also draws the documents' proportions from their
``Dirichlet(gamma)``, so the interval carries the topic model's uncertainty too.

:func:`topic_divergence` measures the Jensen-Shannon divergence between two groups' mean topic
distributions (Lin 1991), ``JSD(P, Q) = (KL(P || M) + KL(Q || M)) / 2`` with ``M = (P + Q) / 2``,
in bits by default (``base=2``: 0 = identical, 1 = disjoint). ``scipy.spatial.distance
.jensenshannon`` returns the *square root* of this (the JS distance); both are reported. The
p-value comes from a permutation test: group labels are shuffled among the two groups'
documents ``n_perm`` times, ``p = (1 + #{JSD_perm >= JSD_obs}) / (1 + n_perm)``.

Example
-------
>>> topic_prevalence(theta, dtm.docvars, by=["side", "year"])   # doctest: +SKIP
>>> topic_divergence(theta, dtm.docvars, by="side", a="state", b="ngo")   # doctest: +SKIP
"""
from __future__ import annotations

import itertools
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ..errors import ConfigError
from .._internal.constants import TIE_TOLERANCE
from .._internal.intervals import bootstrap_weights, percentile_interval
from .effects import draw_proportions


def _groups(doc_topics: pd.DataFrame, docvars: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    missing = doc_topics.index.difference(docvars.index)
    if len(missing):
        raise ConfigError(f"{len(missing)} documents of doc_topics have no docvars row (e.g. {missing[0]!r}): "
                          "use the docvars of the same matrix (dtm.docvars)")
    absent = [b for b in by if b not in docvars.columns]
    if absent:
        raise ConfigError(f"by={list(by)}: {absent} are not docvars (have {list(docvars.columns)})")
    return docvars.loc[doc_topics.index, list(by)]


def topic_prevalence(doc_topics: pd.DataFrame, docvars: pd.DataFrame, *, by: str | Sequence[str] | None = None,
                     posterior: pd.DataFrame | None = None, n_boot: int = 1000, ci: float = 0.95,
                     random_state: int = 0) -> pd.DataFrame:
    """Mean topic proportion per group with a document-bootstrap interval.

    Parameters
    ----------
    doc_topics : output of :meth:`TopicModel.transform` (index ``doc_id``).
    docvars : document variables indexed by ``doc_id``.
    by : docvar(s), e.g. ``"side"`` or ``["side", "year"]`` (per group and year); None = all.
    posterior : optional ``model.posterior(dtm)``; each replicate then draws proportions from it.
    n_boot, ci, random_state : bootstrap replicates, interval level, seed.

    Returns
    -------
    Tidy DataFrame: the ``by`` columns, ``topic``, ``n_docs``, ``mean``, ``ci_low``, ``ci_high``.
    """
    by_cols = [] if by is None else [by] if isinstance(by, str) else list(by)
    keys = _groups(doc_topics, docvars, by_cols)
    rng = np.random.default_rng(random_state)
    theta = doc_topics.to_numpy(dtype=np.float64)
    gamma = None if posterior is None else posterior.loc[doc_topics.index].to_numpy(dtype=np.float64)
    rows = []
    for key, idx in _group_index(keys, by_cols):
        boot = _boot_means(theta[idx], None if gamma is None else gamma[idx], n_boot, rng)
        low, high = percentile_interval(boot, ci, axis=0)
        mean = theta[idx].mean(axis=0)
        for k, topic in enumerate(doc_topics.columns):
            rows.append({**dict(zip(by_cols, key)), "topic": topic, "n_docs": len(idx), "mean": mean[k],
                         "ci_low": low[k], "ci_high": high[k]})
    out = pd.DataFrame(rows)
    out.attrs.update(by=by_cols, n_boot=n_boot, ci=ci, random_state=random_state, composition=posterior is not None)
    return out


def _group_index(keys: pd.DataFrame, by_cols: list[str]) -> list[tuple[tuple, np.ndarray]]:
    if not by_cols:
        return [((), np.arange(len(keys)))]
    grouped = keys.reset_index(drop=True).groupby(by_cols, sort=True, dropna=False).indices
    return [(k if isinstance(k, tuple) else (k,), np.asarray(v)) for k, v in sorted(grouped.items(), key=lambda kv: str(kv[0]))]


def _boot_means(theta: np.ndarray, gamma: np.ndarray | None, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    weights = bootstrap_weights(len(theta), n_boot, rng)
    if gamma is None:
        return weights @ theta / len(theta)
    out = np.empty((n_boot, theta.shape[1]))
    for b in range(n_boot):
        out[b] = weights[b] @ draw_proportions(gamma, 1, rng)[0] / len(theta)
    return out


def jensen_shannon(p: np.ndarray, q: np.ndarray, *, base: float = 2.0) -> float:
    """Jensen-Shannon divergence of two distributions (normalised first), in ``log base`` units.

    >>> round(jensen_shannon(np.array([1.0, 0.0]), np.array([0.0, 1.0])), 6)
    1.0
    """
    p = np.asarray(p, dtype=np.float64) / np.sum(p)
    q = np.asarray(q, dtype=np.float64) / np.sum(q)
    m = (p + q) / 2
    return float((_kl(p, m) + _kl(q, m)) / 2 / np.log(base))


def _kl(p: np.ndarray, m: np.ndarray) -> float:
    nz = p > 0
    return float(np.sum(p[nz] * np.log(p[nz] / m[nz])))


def topic_divergence(doc_topics: pd.DataFrame, docvars: pd.DataFrame, *, by: str, target: Any = None,
                     reference: Any = None, n_perm: int = 1000, base: float = 2.0, random_state: int = 0) -> pd.DataFrame:
    """Jensen-Shannon divergence between groups' mean topic distributions, with a permutation test.

    Parameters
    ----------
    by : the grouping docvar. target, reference : the two groups (levels of ``by``); when both are
        None every pair of levels is compared.
    n_perm, random_state : permutations and seed. base : logarithm base (2: bits).

    Returns
    -------
    Tidy DataFrame: ``target``, ``reference``, ``n_target``, ``n_reference``, ``jsd``, ``js_distance``
    (``sqrt(jsd)``, scipy's ``jensenshannon``), ``p_value``, ``n_perm``.
    """
    if (target is None) != (reference is None):
        raise ConfigError(f"target={target!r}, reference={reference!r}: give both groups, or neither to compare every pair")
    keys = _groups(doc_topics, docvars, [by])[by]
    levels = sorted(keys.dropna().unique().tolist(), key=str)
    pairs = [(target, reference)] if target is not None else list(itertools.combinations(levels, 2))
    theta = doc_topics.to_numpy(dtype=np.float64)
    rng = np.random.default_rng(random_state)
    rows = []
    for ga, gb in pairs:
        for g in (ga, gb):
            if g not in levels:
                raise ConfigError(f"{by}={g!r} has no documents: choose among {levels}")
        ia, ib = np.flatnonzero((keys == ga).to_numpy()), np.flatnonzero((keys == gb).to_numpy())
        obs = jensen_shannon(theta[ia].mean(axis=0), theta[ib].mean(axis=0), base=base)
        perm = _permuted_jsd(theta[np.concatenate([ia, ib])], len(ia), n_perm, base, rng)
        rows.append({"target": ga, "reference": gb, "n_target": len(ia), "n_reference": len(ib), "jsd": obs, "js_distance": np.sqrt(obs),
                     "p_value": (1 + int(np.sum(perm >= obs - TIE_TOLERANCE))) / (1 + n_perm), "n_perm": n_perm})
    out = pd.DataFrame(rows)
    out.attrs.update(by=by, base=base, random_state=random_state)
    return out


def _permuted_jsd(theta: np.ndarray, n_a: int, n_perm: int, base: float, rng: np.random.Generator) -> np.ndarray:
    out = np.empty(n_perm)
    for i in range(n_perm):
        order = rng.permutation(len(theta))
        out[i] = jensen_shannon(theta[order[:n_a]].mean(axis=0), theta[order[n_a:]].mean(axis=0), base=base)
    return out
