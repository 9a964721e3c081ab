"""Hierarchical clustering: the linkage equals scipy's on an independently built matrix, and a
planted two-cluster structure is recovered."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.cluster import hierarchy
from scipy.spatial.distance import pdist

from discourse.errors import ConfigError
from discourse.metrics.clustering import cluster_documents, cluster_terms, plot_dendrogram
from discourse.tokens import Tokens

CRIME = ["犯罪", "治安", "検挙", "不法"]
RIGHTS = ["人権", "共生", "支援", "差別"]


def _planted(seed: int = 3) -> Tokens:
    rng = np.random.default_rng(seed)
    docs = []
    for k in range(16):
        pool = CRIME if k % 2 == 0 else RIGHTS
        docs.append(list(rng.choice(pool, size=6)) + ["外国人"])
    return Tokens.from_lists(docs, pd.DataFrame({"side": ["state", "ngo"] * 8},
                                                index=pd.Index([f"d{k}" for k in range(16)], name="doc_id")))


def test_term_linkage_equals_scipy() -> None:
    toks = _planted()
    result = cluster_terms(toks, n_terms=9, method="average", metric="jaccard")
    # independent presence matrix: term x document, from the lists
    docs = toks.to_lists()
    presence = np.array([[term in set(d) for d in docs] for term in result.labels])
    expected = hierarchy.linkage(pdist(presence, metric="jaccard"), method="average")
    np.testing.assert_allclose(result.linkage, expected)
    # the labels are the 9 terms by frequency, ties by term
    counts = pd.Series([t for d in docs for t in d]).value_counts()
    ranked = sorted(counts.index, key=lambda t: (-counts[t], t))
    assert list(result.labels) == ranked


def test_planted_term_clusters() -> None:
    result = cluster_terms(_planted().remove(["外国人"]), n_terms=8, n_clusters=2)   # drop the term every doc has
    table = result.clusters.set_index("term")["cluster"]
    assert sorted(table.index) == sorted(CRIME + RIGHTS)
    crime, rights = {table[t] for t in CRIME}, {table[t] for t in RIGHTS}
    assert len(crime) == 1 and len(rights) == 1 and crime != rights


def test_documents_ward_equals_scipy_and_planted() -> None:
    toks = _planted()
    result = cluster_documents(toks, method="ward", metric="euclidean", n_clusters=2)
    docs = toks.to_lists()
    vocab = sorted({t for d in docs for t in d})
    props = np.array([[d.count(t) / len(d) for t in vocab] for d in docs])
    order = [toks.vocab.index(t) for t in vocab]   # dtm columns follow toks.vocab
    np.testing.assert_allclose(result.features[:, order], props)
    np.testing.assert_allclose(result.linkage, hierarchy.linkage(pdist(result.features), method="ward"))
    clusters = result.clusters.set_index("doc_id")["cluster"]
    assert clusters[[f"d{k}" for k in range(0, 16, 2)]].nunique() == 1
    assert clusters[[f"d{k}" for k in range(1, 16, 2)]].nunique() == 1
    assert clusters["d0"] != clusters["d1"]


def test_dendrogram_and_errors() -> None:
    result = cluster_terms(_planted(), n_terms=9, n_clusters=2)
    fig = plot_dendrogram(result)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert sorted(labels) == sorted(result.labels)
    with pytest.raises(ConfigError, match="n_clusters"):
        result.cut(20)
    with pytest.raises(ConfigError, match="method"):
        cluster_terms(_planted(), method="centroidish")
