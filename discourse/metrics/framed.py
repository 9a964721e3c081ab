"""Framed co-occurrence: among the sentences that mention a term group (e.g. foreigners), how many
advance a threat frame and how many a rebuttal frame, per group of documents.

Co-mention (:func:`discourse.metrics.cooccurrence`) cannot tell a claim from its rebuttal: an NGO
statement that quotes "foreign crime is rising" in order to refute it mentions foreigners and crime
as much as the white paper that makes the claim. This measure reads the frames of the mentioning
sentences instead (from a classifier, the dictionary coder or gold labels): ``share_threat`` is the
share of mentioning sentences carrying at least one of the ``threat`` frames, ``share_rebuttal`` the
share carrying at least one ``rebuttal`` frame, ``balance = share_threat - share_rebuttal``. Intervals
come from resampling documents (sentences of one document are not independent).

Example
-------
>>> framed_share(coding.labels, corpus.docvars, mentions, by="side",                   # doctest: +SKIP
...              threat=["crime_threat", "statistical_threat", "illegal_residence"],
...              rebuttal=["statistical_rebuttal", "discrimination", "human_rights"])
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

from ..errors import ConfigError
from .._internal.intervals import bootstrap_sums, percentile_interval

STATS = ("share_threat", "share_rebuttal", "balance")


def mention_flags(labels: pd.DataFrame, terms: str | Sequence[str], **tokenize_options: Any) -> np.ndarray:
    """Does each sentence of ``labels`` (a frame coding's sentence table with ``text``) contain a
    term of the group (a bundled preset name such as ``"foreigner"``, or a list of terms)? The
    sentences are tokenized with :func:`discourse.tokenize.tokenize` (compounds joined, lemmas), so
    a term matches as a token, exactly as in :func:`discourse.metrics.cooccurrence`."""
    from ..corpus import Corpus, Document
    from ..text import detect_language
    from ..tokenize import tokenize
    from .association import resolve_terms

    if "text" not in labels.columns:
        raise ConfigError("labels has no 'text' column: pass a coding's labels (FrameCoding.labels) or add the sentences")
    docs = [Document(f"s{i:07d}", str(t) if str(t).strip() else " ", language=detect_language(str(t)))
            for i, t in enumerate(labels["text"])]
    tokens = tokenize(Corpus(docs), progress=False, **tokenize_options)
    hit = tokens.match(resolve_terms(terms, "terms"))[np.asarray(tokens.ids)]
    per_doc = np.zeros(len(docs), dtype=bool)
    np.logical_or.at(per_doc, tokens.doc_index(), hit)
    return per_doc


def framed_share(labels: pd.DataFrame, docvars: pd.DataFrame, mentions: Sequence[bool] | np.ndarray, *,
                 threat: Sequence[str], rebuttal: Sequence[str], by: str | Sequence[str] | None = None,
                 n_boot: int = 1000, ci: float = 0.95, random_state: int = 0) -> pd.DataFrame:
    """Threat- and rebuttal-framed shares of the sentences that mention a term group, per group.

    Parameters
    ----------
    labels : one row per sentence: ``doc_id`` and one 0/1 column per frame (a coding's labels or gold).
    docvars : document variables indexed by ``doc_id``.
    mentions : one boolean per row of ``labels`` (see :func:`mention_flags`).
    threat, rebuttal : frame columns counted as threat / rebuttal (a study's choice: no default).
    by : docvar(s) to group by; None = whole corpus.
    n_boot, ci, random_state : document-bootstrap resamples, interval level, seed.

    Returns
    -------
    Tidy DataFrame: the ``by`` columns, ``n_docs`` (documents with a mentioning sentence),
    ``n_mentions``, ``n_threat``, ``n_rebuttal``, ``share_threat``, ``share_rebuttal``, ``balance`` and
    ``<stat>_ci_low`` / ``<stat>_ci_high`` for each share and the balance.
    """
    mentions = np.asarray(mentions, dtype=bool)
    if len(mentions) != len(labels):
        raise ConfigError(f"mentions has {len(mentions)} values for {len(labels)} label rows: give one per sentence")
    missing = [f for f in [*threat, *rebuttal] if f not in labels.columns]
    if missing or not threat or not rebuttal:
        raise ConfigError(f"threat={list(threat)}, rebuttal={list(rebuttal)}: frames {missing} are not label columns "
                          f"(have {[c for c in labels.columns if c not in ('doc_id', 'sent_id', 'start', 'end', 'text')]})")
    by_cols = [] if by is None else [by] if isinstance(by, str) else list(by)
    units = _per_document(labels[mentions], threat, rebuttal)
    absent = [b for b in by_cols if b not in docvars.columns]
    if absent:
        raise ConfigError(f"by: {absent} are not docvars (have {list(docvars.columns)})")
    units = units.join(docvars[by_cols], on="doc_id") if by_cols else units
    rng = np.random.default_rng(random_state)
    groups = units.groupby(by_cols, sort=True, dropna=False) if by_cols else [((), units)]
    rows = [_row(key if isinstance(key, tuple) else (key,), by_cols, part, n_boot, ci, rng) for key, part in groups]
    out = pd.DataFrame(rows)
    out.attrs.update(threat=list(threat), rebuttal=list(rebuttal), by=by_cols, n_boot=n_boot, ci=ci, random_state=random_state,
                     unit="sentence mentioning the term group")
    return out


def _per_document(labels: pd.DataFrame, threat: Sequence[str], rebuttal: Sequence[str]) -> pd.DataFrame:
    flags = pd.DataFrame({"doc_id": labels["doc_id"].to_numpy(),
                          "threat": (labels[list(threat)].to_numpy() > 0).any(axis=1).astype(float),
                          "rebuttal": (labels[list(rebuttal)].to_numpy() > 0).any(axis=1).astype(float)})
    grouped = flags.groupby("doc_id", sort=True)
    return grouped[["threat", "rebuttal"]].sum().assign(n=grouped.size().astype(float)).reset_index()


def _row(key: tuple, by_cols: list[str], part: pd.DataFrame, n_boot: int, ci: float, rng: np.random.Generator) -> dict:
    counts = part[["threat", "rebuttal", "n"]].to_numpy()
    t, r, n = counts.sum(axis=0)
    row: dict[str, Any] = {**dict(zip(by_cols, key)), "n_docs": len(part), "n_mentions": int(n), "n_threat": int(t),
                           "n_rebuttal": int(r), "share_threat": t / n, "share_rebuttal": r / n, "balance": (t - r) / n}
    boot = bootstrap_sums(counts, n_boot, rng)
    with np.errstate(divide="ignore", invalid="ignore"):
        draws = {"share_threat": boot[:, 0] / boot[:, 2], "share_rebuttal": boot[:, 1] / boot[:, 2],
                 "balance": (boot[:, 0] - boot[:, 1]) / boot[:, 2]}
    for stat in STATS:
        finite = draws[stat][np.isfinite(draws[stat])]
        low, high = percentile_interval(finite, ci) if len(finite) else (np.nan, np.nan)
        row[f"{stat}_ci_low"], row[f"{stat}_ci_high"] = float(low), float(high)
    return row
