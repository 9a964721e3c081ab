"""Shared internals of ``discourse``: one place for each piece of logic used by several modules.

Not a public API: names here may change between versions.

Modules
-------
bundle     the one saved-model format (JSON + NPZ, checked on load) of every estimator
estimator  the fitted-state contract: ``NotFittedError``, ``save``/``load`` through a bundle
folds      cross-validation folds grouped by document
scores     precision, recall and F1 (per label, micro, macro) from 0/1 matrices or counts
intervals  bootstrap resampling weights and percentile intervals
tfidf      TF-IDF weighting (smoothed idf, sublinear tf, L2 rows), as scikit-learn
constants  numeric constants shared by several modules
plotting   the Japanese-capable figure font, imported lazily (no backend is switched)
"""
