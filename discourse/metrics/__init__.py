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

__all__ = ["keyness", "collocations", "kwic", "cooccurrence", "cooccurrence_by_term", "term_groups", "crime_figures",
           "crime_figures_wide", "dispersion", "framed_share", "mention_flags", "prevalence", "prevalence_gap", "crosstab"]
