"""Topic models that compare the sides: gensim LDA as a scikit-learn style estimator, k
selection, interpretable labels, and covariate effects with the model's own uncertainty.

Modules
-------
model      ``TopicModel`` (fit / transform / posterior / save / load)
store      the gensim state as plain arrays for save/load (the package's one checked JSON + NPZ format)
labels     top terms by ``prob``, ``frex``, ``lift``; ``label_topics``; representative documents
sentences  representative sentences with KWIC-style context
select     ``select_k``: coherence ``c_v``/``u_mass``/``c_npmi``, exclusivity, held-out perplexity
effects    ``topic_effects`` and ``topic_contrast`` (OLS, method of composition, Rubin's rules)
prevalence ``topic_prevalence`` (bootstrap), ``topic_divergence`` (Jensen-Shannon + permutations)
formula    the covariate spec (``"side * year"``)
plots      figures with a Japanese-capable font
synthetic  seeded corpora from known topics (tests, teaching)

Example
-------
>>> from discourse.topics import TopicModel, label_topics, topic_contrast
>>> model = TopicModel(8, passes=20, random_state=0).fit(dtm)                 # doctest: +SKIP
>>> label_topics(model)["frex"]                                                # doctest: +SKIP
topic
topic_0    不法・滞在・摘発・強制・送還・取締り・半減
topic_1    人権・差別・偏見・排外・権利・収容・尊厳
>>> theta, gamma = model.transform(dtm), model.posterior(dtm)                  # doctest: +SKIP
>>> topic_contrast(theta, dtm.docvars, "side + year", posterior=gamma,         # doctest: +SKIP
...                variable="side", a="state", b="ngo")
"""
from __future__ import annotations

from .._internal.lazy import exported, lazy_exports

# each module is imported when one of its names is first used (plots do not load gensim or scikit-learn)
_EXPORTS = {
    "model": ["TopicModel", "topic_names"],
    "labels": ["top_terms", "label_topics", "term_scores", "frex_scores", "lift_scores", "js_estimate",
               "representative_docs", "term_topic_mass"],
    "sentences": ["representative_sentences"],
    "select": ["select_k", "coherence", "exclusivity", "heldout_perplexity", "reference_texts", "split_documents"],
    "prevalence": ["topic_prevalence", "topic_divergence", "jensen_shannon"],
    "effects": ["topic_effects", "topic_contrast", "draw_proportions", "rubin_pool"],
    "formula": ["Design", "parse_spec"],
    "plots": ["plot_select_k", "plot_contrast", "plot_prevalence"],
    "synthetic": ["synthetic_corpus", "SyntheticCorpus", "match_topics"],
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
__all__ = exported(_EXPORTS)
