"""Keyness: which terms a target group of documents over- or under-uses against a reference.

One function, :func:`keyness`, with the measures of the anchor tools (quanteda's
``textstat_keyness``, AntConc, Wordless, Rayson's LL wizard, scattertext's log-odds).
Every statistic is signed: positive = over-used by the target.

Example
-------
>>> from discourse.tokens import Tokens
>>> from discourse.metrics import keyness
>>> import pandas as pd
>>> toks = Tokens.from_lists([["外国人", "犯罪", "犯罪"], ["外国人", "人権", "人権"]],
...     pd.DataFrame({"side": ["state", "ngo"]}, index=pd.Index(["s1", "n1"], name="doc_id")))
>>> top = keyness(toks, by="side", target="state", measure="log_ratio").iloc[0]
>>> top["term"], float(top["log_ratio"])   # log2((2/3) / (0.5/3)): 犯罪 is absent from the NGO text
('犯罪', 2.0)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Mapping, Union

import numpy as np
import pandas as pd

from ..dtm import DocTermMatrix, column_sums, docvar_values
from .groups import group_masks
from ..errors import ConfigError, check_choice
from . import _stats

if TYPE_CHECKING:
    from ..tokens import Tokens

Measure = Literal["G2", "chi2", "pmi", "log_ratio", "pct_diff", "fightin"]
Correction = Literal["default", "none", "yates", "williams"]
MEASURES = ("G2", "chi2", "pmi", "log_ratio", "pct_diff", "fightin")
CORRECTIONS = ("default", "none", "yates", "williams")
Prior = Union[None, float, Mapping[str, float], pd.Series]

REFERENCES = {
    "G2": "Dunning, T. (1993). Accurate methods for the statistics of surprise and coincidence. Computational Linguistics 19(1), 61-74.",
    "chi2": "Pearson chi-square on the 2x2 table, Yates-corrected by default (as quanteda's textstat_keyness).",
    "pmi": "Church, K. W. & Hanks, P. (1990). Word association norms, mutual information, and lexicography. Computational Linguistics 16(1), 22-29.",
    "log_ratio": "Hardie, A. (2014). Log Ratio: an informal introduction. ESRC Centre for Corpus Approaches to Social Science (CASS).",
    "pct_diff": "Gabrielatos, C. & Marchi, A. (2012). Keyness: appropriate metrics and practical issues. CADS International Conference, Bologna.",
    "fightin": "Monroe, B. L., Colaresi, M. P. & Quinn, K. M. (2008). Fightin' words. Political Analysis 16(4), 372-403.",
}


@dataclass(frozen=True)
class GroupCounts:
    """Term counts of the target and reference groups (and of the whole input, for priors)."""

    vocab: tuple[str, ...]
    target: np.ndarray
    reference: np.ndarray
    total: np.ndarray
    n_target_docs: int
    n_reference_docs: int
    reference_values: tuple[Any, ...]
    target_mask: np.ndarray
    reference_mask: np.ndarray


def keyness(x: "Tokens" | DocTermMatrix, *, by: str, target: Any, reference: Any = None,
            measure: Measure = "G2", correction: Correction = "default", prior: Prior = None,
            prior_scale: float | None = None, min_count: int = 1, min_range: int = 1, max_dp: float | None = None,
            sort: bool = True) -> pd.DataFrame:
    """Keyness of every term of the target group against a reference group.

    Parameters
    ----------
    x : ``Tokens`` or a count ``DocTermMatrix``.
    by : the docvar that defines the groups (``side``, ``actor``, ``year`` ...).
    target : value (or list of values) of ``by`` selecting the target documents.
    reference : value(s) selecting the reference documents; ``None`` = every other document.
    measure : ``"G2"`` (log-likelihood, Dunning 1993), ``"chi2"`` (Pearson), ``"pmi"``,
        ``"log_ratio"`` (Hardie 2014), ``"pct_diff"`` (Gabrielatos & Marchi 2012) or
        ``"fightin"`` (Monroe, Colaresi & Quinn 2008).
    correction : ``"default"`` = Yates for chi2 and none for G2 (Rayson's wizard, AntConc,
        Wordless; quanteda's default applies Williams to G2); ``"yates"`` (chi2, G2),
        ``"williams"`` (G2 only) or ``"none"``. Other measures take only default/none.
    prior : fightin only. ``None``: an informative Dirichlet prior from the whole input (each
        term's count over all documents of ``x``, target and reference included); a number:
        the same prior count for every term (uninformative); a Series/mapping term -> count:
        a background corpus (every compared term needs a positive count).
    prior_scale : fightin only: rescale the prior so that it sums to this ``alpha_0``. The default
        informative prior (``prior=None``) has ``alpha_0`` = the number of tokens of the whole input,
        a prior as strong as the data: it shrinks the log-odds of rare terms hard towards the
        corpus-wide rate, so the top of the list favours frequent terms (Monroe et al.'s choice).
        For a weaker prior pass e.g. ``prior_scale=500`` (or 1% of the tokens); the smaller
        ``alpha_0``, the closer ``delta`` comes to the raw log-odds ratio and the more rare terms rise.
    min_count : keep terms with ``n_target + n_reference >= min_count`` (frequency filter).
    min_range : keep terms found in at least this many documents of the group that over-uses them
        (``range_target`` for terms with ``log_ratio >= 0``, else ``range_reference``).
    max_dp : keep terms whose DP in the group that over-uses them is at most this (dispersion
        filter: drops terms that one or two documents make "key"; ``None`` keeps all). The filters
        apply before the multiple-comparison adjustment, which counts only the terms kept.
    sort : sort by the statistic (``z`` for fightin), highest first, ties by term.

    Returns
    -------
    DataFrame, one row per term occurring in target or reference: ``term``, the statistic
    (column named as the measure; ``delta``, ``var``, ``z`` for fightin), ``p`` (two-sided; for
    chi2, G2 from the chi-square distribution with 1 df, for fightin from the normal
    distribution; absent for pmi, log_ratio, pct_diff), ``n_target``, ``n_reference`` (the
    term's counts). Every table also carries, whatever the measure: ``log_ratio`` (the effect
    size, Hardie 2014), a test statistic with its raw ``p`` (``G2`` is added for pmi, log_ratio and
    pct_diff), ``p_adj`` (Benjamini-Hochberg false discovery rate over the rows of the table), and the
    dispersion of each group: ``range_target`` / ``range_reference`` (documents containing the term)
    and ``dp_target`` / ``dp_reference`` (Gries' DP, see :mod:`discourse.metrics.dispersion`; NaN
    where the group lacks the term). Dispersion is over the rows of ``x``: pass documents, not a
    matrix grouped by ``by`` (whose range is 1 and DP 0).
    ``df.attrs`` holds the parameters, group sizes and the reference.

    Notes
    -----
    Each term's 2x2 table is (term, other terms) x (target, reference); chi2 and G2 equal
    ``scipy.stats.chi2_contingency`` on it and carry the sign of ``n_target - E11``.
    ``pmi = log2(n_target * N / (N_target * (n_target + n_reference)))`` (bits).
    ``log_ratio = log2(rel. freq. target / rel. freq. reference)``. ``pct_diff = 100 *
    (rel. target - rel. reference) / rel. reference``. Zero counts: where a zero would make
    pmi, log_ratio or pct_diff infinite it is replaced by 0.5 (Hardie 2014), so every value
    is finite and no NaN enters a ranking.

    References
    ----------
    Dunning, T. (1993). Accurate methods for the statistics of surprise and coincidence.
    Computational Linguistics 19(1), 61-74. -- Williams, D. A. (1976). Improved likelihood ratio
    tests for complete contingency tables. Biometrika 63(1), 33-37. -- Church, K. W. & Hanks, P.
    (1990). Word association norms, mutual information, and lexicography. Computational
    Linguistics 16(1), 22-29. -- Hardie, A. (2014). Log Ratio: an informal introduction. CASS,
    Lancaster University. -- Gabrielatos, C. & Marchi, A. (2012). Keyness: appropriate metrics
    and practical issues. CADS International Conference, Bologna. -- Monroe, B. L., Colaresi,
    M. P. & Quinn, K. M. (2008). Fightin' words: lexical feature selection and evaluation for
    identifying the content of political conflict. Political Analysis 16(4), 372-403 (sec. 3.5).

    Examples
    --------
    >>> keyness(toks, by="side", target="state", reference="ngo", measure="chi2")  # doctest: +SKIP
    """
    check_choice("measure", measure, MEASURES)
    check_choice("correction", correction, CORRECTIONS)
    _check_options(measure, correction, prior, prior_scale)
    counts = group_counts(x, by=by, target=target, reference=reference)
    keep = (counts.target + counts.reference) > 0
    a, c = counts.target[keep], counts.reference[keep]
    n_t, n_r = float(counts.target.sum()), float(counts.reference.sum())
    if measure == "fightin":
        alpha, alpha0 = _prior(counts, keep, prior, prior_scale)
        delta, var, z = _stats.log_odds_dirichlet(a, n_t, c, n_r, alpha, alpha0)
        columns: dict[str, np.ndarray] = {"delta": delta, "var": var, "z": z, "p": _stats.normal_p(z)}
    else:
        columns = _measure(measure, correction, a, c, n_t, n_r)
    frame = pd.DataFrame({"term": np.array(counts.vocab, dtype=object)[keep], **columns,
                          **_companions(measure, a, c, n_t, n_r),
                          "n_target": a.astype(np.int64), "n_reference": c.astype(np.int64),
                          **_dispersion_columns(x, counts, keep)})
    _check_finite(frame.drop(columns=["dp_target", "dp_reference"]), measure)
    frame = _filter(frame, min_count, min_range, max_dp)
    frame.insert(frame.columns.get_loc("p") + 1, "p_adj", _stats.bh_adjust(frame["p"].to_numpy()))
    if sort:
        key = "z" if measure == "fightin" else measure
        frame = frame.sort_values([key, "term"], ascending=[False, True], kind="stable").reset_index(drop=True)
    frame.attrs.update(_attrs(counts, by, target, measure, correction, prior, prior_scale, n_t, n_r))
    frame.attrs.update(min_count=min_count, min_range=min_range, max_dp=max_dp, p_adj="Benjamini-Hochberg")
    return frame


def _companions(measure: str, a: np.ndarray, c: np.ndarray, n_t: float, n_r: float) -> dict[str, np.ndarray]:
    """The effect size and, for measures without a test, G2 and its p (no correction)."""
    out: dict[str, np.ndarray] = {}
    if measure != "log_ratio":
        out["log_ratio"] = _stats.log_ratio(a, n_t, c, n_r)
    if measure in ("pmi", "log_ratio", "pct_diff"):
        out.update(_measure("G2", "none", a, c, n_t, n_r))
    return out


def _dispersion_columns(x: "Tokens" | DocTermMatrix, counts: GroupCounts, keep: np.ndarray) -> dict[str, np.ndarray]:
    from .dispersion import dispersion, doc_term_counts

    matrix = doc_term_counts(x)
    out = {}
    for name, mask in (("target", counts.target_mask), ("reference", counts.reference_mask)):
        rng, dp = dispersion(matrix, mask)
        out[f"range_{name}"], out[f"dp_{name}"] = rng[keep], dp[keep]
    return out


def _filter(frame: pd.DataFrame, min_count: int, min_range: int, max_dp: float | None) -> pd.DataFrame:
    for name, value, low in (("min_count", min_count, 1), ("min_range", min_range, 1)):
        if not isinstance(value, (int, np.integer)) or value < low:
            raise ConfigError(f"{name}={value!r}: give an integer >= {low}")
    if max_dp is not None and not 0 <= max_dp <= 1:
        raise ConfigError(f"max_dp={max_dp!r}: DP lies in [0, 1]; give a value in that range or None")
    own = frame["log_ratio"] >= 0   # the group that over-uses the term
    rng = np.where(own, frame["range_target"], frame["range_reference"])
    keep = ((frame["n_target"] + frame["n_reference"]) >= min_count) & (rng >= min_range)
    if max_dp is not None:
        keep &= np.where(own, frame["dp_target"], frame["dp_reference"]) <= max_dp
    return frame[keep].reset_index(drop=True)


def _check_options(measure: str, correction: str, prior: Prior, prior_scale: float | None) -> None:
    allowed = {"chi2": ("default", "none", "yates"), "G2": ("default", "none", "yates", "williams")}.get(measure, ("default", "none"))
    if correction not in allowed:
        raise ConfigError(f"correction={correction!r} does not apply to measure={measure!r}: use one of {list(allowed)}")
    if measure != "fightin" and (prior is not None or prior_scale is not None):
        raise ConfigError(f"prior/prior_scale only apply to measure='fightin', not {measure!r}: drop them")
    if prior_scale is not None and not prior_scale > 0:
        raise ConfigError(f"prior_scale={prior_scale!r}: give a positive total prior count (alpha_0)")


def _measure(measure: str, correction: str, a: np.ndarray, c: np.ndarray, n_t: float, n_r: float) -> dict[str, np.ndarray]:
    n, col = n_t + n_r, a + c
    if measure in ("chi2", "G2"):
        yates = correction == "yates" or (measure == "chi2" and correction == "default")
        fn = _stats.chi2_2x2 if measure == "chi2" else _stats.g2_2x2
        stat = fn(a, n_t, col, n, yates=yates)
        if correction == "williams":
            stat = stat / _stats.williams_q(n_t, col, n)
        stat = stat * _stats.direction(a, n_t, col, n)
        return {measure: stat + 0.0, "p": _stats.chi2_p(stat)}
    if measure == "pmi":
        return {"pmi": _stats.pmi(a, n_t, col, n)}
    if measure == "log_ratio":
        return {"log_ratio": _stats.log_ratio(a, n_t, c, n_r)}
    return {"pct_diff": _stats.pct_diff(a, n_t, c, n_r)}


def _prior(counts: GroupCounts, keep: np.ndarray, prior: Prior, prior_scale: float | None) -> tuple[np.ndarray, float]:
    if prior is None:
        full = counts.total.astype(np.float64)
    elif isinstance(prior, (int, float)) and not isinstance(prior, bool):
        if not prior > 0:
            raise ConfigError(f"prior={prior!r}: a uniform prior must be a positive count per term (e.g. 0.01)")
        full = np.where(counts.total > 0, float(prior), 0.0)
    else:
        return _background_prior(counts, keep, pd.Series(prior, dtype=np.float64), prior_scale)
    scale = 1.0 if prior_scale is None else prior_scale / full.sum()
    return full[keep] * scale, float(full.sum() * scale)


def _background_prior(counts: GroupCounts, keep: np.ndarray, background: pd.Series,
                      prior_scale: float | None) -> tuple[np.ndarray, float]:
    if (background < 0).any() or background.isna().any():
        raise ConfigError("prior: background counts must be non-negative numbers")
    terms = np.array(counts.vocab, dtype=object)[keep]
    alpha = background.reindex(terms).fillna(0.0).to_numpy()
    missing = terms[alpha <= 0]
    if len(missing):
        raise ConfigError(f"prior lacks a positive count for {len(missing)} compared terms (e.g. {list(missing[:5])}): "
                          "give every term a count, or pass prior=None (whole input) or a number (uniform prior)")
    total = float(background.sum())
    scale = 1.0 if prior_scale is None else prior_scale / total
    return alpha * scale, total * scale


def _check_finite(frame: pd.DataFrame, measure: str) -> None:
    numeric = frame.drop(columns=["term"]).to_numpy(dtype=np.float64)
    if not np.isfinite(numeric).all():  # a bug guard: the formulas above never produce NaN/inf
        raise ConfigError(f"keyness measure={measure!r} produced non-finite values: please report this with the input")


def group_counts(x: "Tokens" | DocTermMatrix, *, by: str, target: Any, reference: Any = None) -> GroupCounts:
    """Term counts in the target and reference documents of ``x`` (``Tokens`` or count DTM).

    Raises :class:`ConfigError` when a group matches no document or has no tokens, or when
    target and reference overlap.
    """
    values = docvar_values(x.docvars, by)
    t_mask, r_mask = group_masks(pd.Series(values), by=by, target=target, reference=reference)
    if isinstance(x, DocTermMatrix):
        tgt, ref, tot = _dtm_counts(x, t_mask, r_mask)
        vocab = x.vocab
    else:
        tgt, ref, tot = _token_counts(x, t_mask, r_mask)
        vocab = tuple(x.vocab)
    _check_nonempty(tgt, ref, t_mask, r_mask, target, reference, by)
    ref_values = tuple(pd.unique(pd.Series(values[r_mask]).dropna()).tolist())
    return GroupCounts(vocab, tgt, ref, tot, int(t_mask.sum()), int(r_mask.sum()), ref_values, t_mask, r_mask)


def _dtm_counts(x: DocTermMatrix, t_mask: np.ndarray, r_mask: np.ndarray) -> tuple[np.ndarray, ...]:
    if x.weighting != "count":
        raise ConfigError(f"keyness needs raw counts but the matrix is weighted ({x.weighting!r}): pass the unweighted matrix")
    sums = [column_sums(x.matrix, mask) for mask in (t_mask, r_mask)]
    return sums[0], sums[1], x.term_totals().astype(np.int64)


def _token_counts(x: "Tokens", t_mask: np.ndarray, r_mask: np.ndarray) -> tuple[np.ndarray, ...]:
    sizes = np.diff(x.doc_ptr)
    n_vocab = len(x.vocab)
    ids = np.asarray(x.ids)
    tgt = np.bincount(ids[np.repeat(t_mask, sizes)], minlength=n_vocab)
    ref = np.bincount(ids[np.repeat(r_mask, sizes)], minlength=n_vocab)
    return tgt, ref, np.bincount(ids, minlength=n_vocab)


def _check_nonempty(tgt: np.ndarray, ref: np.ndarray, t_mask: np.ndarray, r_mask: np.ndarray,
                    target: Any, reference: Any, by: str) -> None:
    for name, value, counts, mask in (("target", target, tgt, t_mask), ("reference", reference, ref, r_mask)):
        if counts.sum() == 0:
            shown = value if value is not None else "all other documents"
            raise ConfigError(f"{name}={shown!r}: its {int(mask.sum())} documents have no tokens; "
                              "check the selection (or the filtering that removed every token)")


def _attrs(counts: GroupCounts, by: str, target: Any, measure: str, correction: str, prior: Prior,
           prior_scale: float | None, n_t: float, n_r: float) -> dict[str, Any]:
    resolved = correction
    if correction == "default":
        resolved = "yates" if measure == "chi2" else "none"
    prior_desc = None
    if measure == "fightin":
        prior_desc = "whole input" if prior is None else (prior if isinstance(prior, (int, float)) else "background")
    return {"measure": measure, "by": by, "target": target, "reference": list(counts.reference_values),
            "correction": resolved, "prior": prior_desc, "prior_scale": prior_scale,
            "n_target_tokens": int(n_t), "n_reference_tokens": int(n_r),
            "n_target_docs": counts.n_target_docs, "n_reference_docs": counts.n_reference_docs,
            "citation": REFERENCES[measure]}
