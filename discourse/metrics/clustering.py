"""Hierarchical clustering of terms (KH Coder's 階層的クラスター分析 of words) and of documents,
with :mod:`scipy.cluster.hierarchy`.

Terms are described by the units they occur in (a binary units x terms matrix, KH Coder's
default), documents by their term proportions. The distance between two items is one of
scipy's metrics (``jaccard`` for terms as KH Coder; ``cosine`` or ``euclidean`` for documents)
and the agglomeration is ``ward``, ``average``, ``complete`` or ``single``. Ward's method is
defined for Euclidean distances; with another metric scipy applies the same Lance-Williams
update to the given distances (as R's ``hclust(method = "ward.D2")`` does, and as KH Coder does
with Jaccard distances): state the metric when you report it.

References
----------
Ward, J. H. (1963). Hierarchical grouping to optimize an objective function. JASA 58, 236-244.
Murtagh, F. & Legendre, P. (2014). Ward's hierarchical agglomerative clustering method: which
algorithms implement Ward's criterion? Journal of Classification 31, 274-295.
Higuchi, K. (2016). KH Coder 3 reference manual (hierarchical cluster analysis of words).

Example
-------
>>> from discourse.tokens import Tokens
>>> toks = Tokens.from_lists([["犯罪", "治安"], ["犯罪", "治安"], ["人権", "共生"], ["人権", "共生"]])
>>> result = cluster_terms(toks, n_terms=4, unit="document", metric="jaccard", n_clusters=2)
>>> result.clusters.sort_values("term")[["term", "cluster"]].values.tolist()
[['人権', 1], ['共生', 1], ['治安', 2], ['犯罪', 2]]
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Union

import numpy as np
import pandas as pd
from scipy.cluster import hierarchy
from scipy.spatial.distance import pdist

from ..dtm import DocTermMatrix
from ..errors import ConfigError, check_choice
from .network import unit_term_matrix

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from ..tokens import Tokens

Method = Literal["ward", "average", "complete", "single"]
METHODS = ("ward", "average", "complete", "single")
METRICS = ("jaccard", "cosine", "euclidean", "correlation", "cityblock")
Metric = Literal["jaccard", "cosine", "euclidean", "correlation", "cityblock"]


@dataclass(frozen=True, eq=False)
class Clustering:
    """Result of :func:`cluster_terms` / :func:`cluster_documents`.

    linkage : scipy's ``(n - 1) x 4`` linkage matrix. labels : the items (terms or doc_ids), in
    the row order of the matrix that was clustered. features : that matrix (items x features).
    clusters : ``item`` (``term`` or ``doc_id``), ``cluster`` (1..k, numbered in dendrogram
    order from the left), ``freq`` (occurrences, terms only) when ``n_clusters`` was given.
    """

    linkage: np.ndarray
    labels: tuple[str, ...]
    features: np.ndarray
    clusters: pd.DataFrame
    attrs: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"Clustering({len(self.labels)} items, method={self.attrs.get('method')!r}, metric={self.attrs.get('metric')!r})"

    def leaves(self) -> pd.DataFrame:
        """The items in dendrogram leaf order: ``leaf`` (1 = first leaf, the bottom of a horizontal
        dendrogram), then the columns of :attr:`clusters` (``term`` and ``freq``, or ``doc_id``; and
        ``cluster`` when the tree was cut)."""
        table = self.clusters.iloc[hierarchy.leaves_list(self.linkage)].reset_index(drop=True)
        table.insert(0, "leaf", np.arange(1, len(table) + 1))
        return table

    def tables(self) -> dict[str, pd.DataFrame]:
        """The table a run writes: ``{"": leaves()}``."""
        return {"": self.leaves()}

    def cut(self, n_clusters: int) -> np.ndarray:
        """Cluster numbers (1..n_clusters, in dendrogram order from the left) of the items."""
        if not 1 <= n_clusters <= len(self.labels):
            raise ConfigError(f"n_clusters={n_clusters}: give a number between 1 and {len(self.labels)}")
        raw = hierarchy.fcluster(self.linkage, n_clusters, criterion="maxclust")
        leaves = hierarchy.leaves_list(self.linkage)
        order = {c: k + 1 for k, c in enumerate(dict.fromkeys(raw[leaves]))}
        return np.array([order[c] for c in raw], dtype=np.int64)


def _link(features: np.ndarray, method: str, metric: str) -> np.ndarray:
    check_choice("method", method, METHODS)
    check_choice("metric", metric, METRICS)
    if len(features) < 2:
        raise ConfigError(f"clustering needs at least 2 items, got {len(features)}: lower the filters")
    data = features.astype(bool) if metric == "jaccard" else features.astype(np.float64)
    dist = pdist(data, metric=metric)
    if not np.isfinite(dist).all():
        raise ConfigError(f"metric={metric!r} is undefined for an item with no features (all zeros): drop empty items "
                          "or choose metric='euclidean'")
    return hierarchy.linkage(dist, method=method)


def cluster_terms(x: "Tokens", *, n_terms: int = 50, method: Method = "ward", metric: Metric = "jaccard",
                  unit: Literal["sentence", "document"] = "document", n_clusters: int | None = None) -> Clustering:
    """Cluster the ``n_terms`` most frequent terms by the units they occur in.

    Parameters
    ----------
    x : ``Tokens`` (filtered to content words first, e.g. ``x.keep_pos(["名詞"])``).
    n_terms : how many of the most frequent terms (ties broken by term).
    method : scipy linkage method. metric : scipy distance on the binary units x terms profiles
        (``jaccard`` = 1 - shared units / units with either).
    unit : ``"document"`` or ``"sentence"`` as the co-occurrence unit.
    n_clusters : cut the tree into this many clusters (``clusters`` table); None = no cut.
    """
    m = unit_term_matrix(x, unit)
    totals = np.bincount(np.asarray(x.ids, np.int64), minlength=len(x.vocab))
    vocab = np.array(x.vocab, dtype=object)
    order = sorted(np.flatnonzero(totals > 0), key=lambda i: (-totals[i], vocab[i]))[:n_terms]
    features = m[:, order].T.toarray()
    result = Clustering(_link(features, method, metric), tuple(vocab[order]), features, pd.DataFrame(),
                        dict(method=method, metric=metric, unit=unit, n_terms=n_terms, items="terms"))
    table = pd.DataFrame({"term": list(result.labels), "freq": totals[order].astype(np.int64)})
    return _with_clusters(result, table, n_clusters)


def cluster_documents(x: Union["Tokens", DocTermMatrix], *, method: Method = "ward", metric: Metric = "euclidean",
                      weighting: Literal["prop", "count", "tfidf"] = "prop", n_clusters: int | None = None) -> Clustering:
    """Cluster documents by their term profiles (rows of the document-term matrix, weighted by
    ``weighting``: ``prop`` = proportions of the document's tokens; ``tfidf`` l2-normalized)."""
    check_choice("weighting", weighting, ("prop", "count", "tfidf"))
    dtm = x if isinstance(x, DocTermMatrix) else DocTermMatrix.from_tokens(x)
    weighted = dtm if weighting == "count" else dtm.weight(weighting) if weighting == "tfidf" else dtm.weight("prop")
    features = weighted.matrix.toarray()
    labels = tuple(str(d) for d in dtm.doc_ids)
    result = Clustering(_link(features, method, metric), labels, features, pd.DataFrame(),
                        dict(method=method, metric=metric, weighting=weighting, items="documents"))
    return _with_clusters(result, pd.DataFrame({"doc_id": list(labels)}), n_clusters)


def _with_clusters(result: Clustering, table: pd.DataFrame, n_clusters: int | None) -> Clustering:
    if n_clusters is not None:
        table = table.assign(cluster=result.cut(n_clusters))
    result.attrs["n_clusters"] = n_clusters
    return Clustering(result.linkage, result.labels, result.features, table, result.attrs)


def plot_dendrogram(result: Clustering, *, n_clusters: int | None = None, title: str = "") -> "Figure":
    """Dendrogram of a :class:`Clustering` (leaves labelled with the terms or doc_ids). See
    :func:`discourse.report.plots_analyses.plot_dendrogram`."""
    from ..report.plots_analyses import plot_dendrogram as _plot

    return _plot(result, n_clusters=n_clusters, title=title)
