"""Statistics a scholar can import and cite, each returning a tidy DataFrame.

Every function is named after its statistic, documents its columns, puts its parameters in
``df.attrs`` and cites the literature in its docstring.

>>> from discourse import metrics
>>> metrics.keyness(tokens, by="side", target="state", measure="G2")  # doctest: +SKIP
>>> metrics.collocations(tokens, "外国人", window=(5, 5), by="side")    # doctest: +SKIP
>>> metrics.kwic(tokens, "来日 外国人", window=5, sort_by="right")       # doctest: +SKIP
"""
from __future__ import annotations

from .collocations import collocations
from .keyness import keyness
from .kwic import kwic

from .association import cooccurrence, cooccurrence_by_term, term_groups
from .crime_figures import crime_figures, crime_figures_wide
from .dispersion import dispersion
from .framed import framed_share, mention_flags
from .prevalence import crosstab, prevalence, prevalence_gap

from .claims import check_claims, extract_claims, frames_vs_figures
from .clustering import cluster_documents, cluster_terms, plot_dendrogram
from .correspondence import correspondence, correspondence_terms, plot_biplot
from .frequency import dispersion_plot, dispersion_positions, frequency
from .network import cooccurrence_network, network_html, plot_network
from .trends import keyness_over, plot_trends, term_trends

__all__ = ["keyness", "collocations", "kwic", "cooccurrence", "cooccurrence_by_term", "term_groups", "crime_figures",
           "crime_figures_wide", "dispersion", "framed_share", "mention_flags", "prevalence", "prevalence_gap", "crosstab",
           "frequency", "dispersion_positions", "dispersion_plot", "cooccurrence_network", "plot_network", "network_html",
           "correspondence", "correspondence_terms", "plot_biplot", "cluster_terms", "cluster_documents", "plot_dendrogram",
           "term_trends", "keyness_over", "plot_trends", "extract_claims", "check_claims", "frames_vs_figures"]
