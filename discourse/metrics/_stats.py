"""Formula helpers shared by the metrics: one place for each formula, vectorised over terms.

Every 2x2 statistic here is written for the contingency table given by its margins, as in
Evert (2008) and NLTK's ``BigramAssocMeasures``:

=========  ==================  ==================  ======
           term / collocate    anything else       total
=========  ==================  ==================  ======
row 1      ``O11``             ``O12 = R1 - O11``  ``R1``
row 2      ``O21 = C1 - O11``  ``O22``             ``N - R1``
total      ``C1``              ``N - C1``          ``N``
=========  ==================  ==================  ======

Keyness: row 1 = the target group's tokens (``R1`` = target size), ``C1`` = the term's count
in target + reference, ``N`` = both sizes. Collocations: row 1 = the tokens inside the node's
windows, ``C1`` = the collocate's corpus frequency, ``N`` = the corpus size. Expected counts
are ``E_ij = R_i * C_j / N``.

References
----------
Dunning, T. (1993). Accurate methods for the statistics of surprise and coincidence.
    Computational Linguistics 19(1), 61-74.
Evert, S. (2008). Corpora and collocations. In Lüdeling & Kytö (eds.), Corpus Linguistics:
    An International Handbook, art. 58. Berlin: de Gruyter.
Williams, D. A. (1976). Improved likelihood ratio tests for complete contingency tables.
    Biometrika 63(1), 33-37.
Hardie, A. (2014). Log ratio: an informal introduction. CASS, Lancaster University.
Gabrielatos, C. & Marchi, A. (2012). Keyness: appropriate metrics and practical issues.
    CADS International Conference, Bologna.
Monroe, B. L., Colaresi, M. P. & Quinn, K. M. (2008). Fightin' words: lexical feature selection
    and evaluation for identifying the content of political conflict. Political Analysis 16(4),
    372-403.
Rychlý, P. (2008). A lexicographer-friendly association score. RASLAN 2008, 6-9.

Example
-------
犯罪 is 10 of 100 tokens in state texts and 5 of 200 in NGO texts:

>>> float(log_ratio(10, 100, 5, 200))
2.0
>>> round(float(g2_2x2(10, 100, 15, 300)), 4)
7.3298
"""
from __future__ import annotations

import numpy as np
from scipy import special

ZERO_ADJUSTMENT = 0.5
"""Count used in place of a zero where a zero would make a ratio infinite (Hardie 2014)."""

LOG_DICE_OFFSET = 14.0
"""Rychlý's (2008) constant: ``log_dice = 14 + log2(dice)``, so 14 is the theoretical maximum."""


def _f(x: object) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


def observed_2x2(o11: object, r1: object, c1: object, n: object) -> list[np.ndarray]:
    """The four cells ``(O11, O12, O21, O22)`` as an array of shape ``(4, k)``."""
    o11, r1, c1, n = _f(o11), _f(r1), _f(c1), _f(n)
    return np.broadcast_arrays(o11, r1 - o11, c1 - o11, n - r1 - c1 + o11)


def expected_2x2(r1: object, c1: object, n: object) -> list[np.ndarray]:
    """Expected cells ``(E11, E12, E21, E22)`` under independence: ``R_i * C_j / N``."""
    r1, c1, n = _f(r1), _f(c1), _f(n)
    r2, c2 = n - r1, n - c1
    return np.broadcast_arrays(r1 * c1 / n, r1 * c2 / n, r2 * c1 / n, r2 * c2 / n)


def degenerate_2x2(r1: object, c1: object, n: object) -> np.ndarray:
    """True where a margin is zero (an expected cell is 0): the table carries no information."""
    r1, c1, n = _f(r1), _f(c1), _f(n)
    return (r1 <= 0) | (r1 >= n) | (c1 <= 0) | (c1 >= n)


def yates_adjust(observed: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """Move every cell 0.5 towards its expected value, never past it (as ``scipy.stats.chi2_contingency``)."""
    diff = expected - observed
    return observed + np.sign(diff) * np.minimum(0.5, np.abs(diff))


def _cells(o11: object, r1: object, c1: object, n: object, yates: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    obs = np.array(observed_2x2(o11, r1, c1, n))
    exp = np.array(expected_2x2(r1, c1, n))
    bad = degenerate_2x2(r1, c1, n)
    exp = np.where(bad, 1.0, exp)  # any finite value: the result is set to 0 below
    return (yates_adjust(obs, exp) if yates else obs), exp, np.broadcast_to(bad, obs.shape[1:])


def chi2_2x2(o11: object, r1: object, c1: object, n: object, *, yates: bool = True) -> np.ndarray:
    """Pearson's chi-square of each 2x2 table, with Yates' continuity correction by default.

    Equal to ``scipy.stats.chi2_contingency(table, correction=yates)[0]``; 0 for a table with
    an empty margin (where scipy raises).
    """
    obs, exp, bad = _cells(o11, r1, c1, n, yates)
    return np.where(bad, 0.0, ((obs - exp) ** 2 / exp).sum(axis=0))


def g2_2x2(o11: object, r1: object, c1: object, n: object, *, yates: bool = False) -> np.ndarray:
    """Log-likelihood ratio ``G2 = 2 * sum(O * ln(O / E))`` of each 2x2 table (Dunning 1993).

    ``0 * ln 0 = 0``. With ``yates=True`` the cells are Yates-adjusted first (what
    ``chi2_contingency(correction=True, lambda_="log-likelihood")`` does).
    """
    obs, exp, bad = _cells(o11, r1, c1, n, yates)
    return np.where(bad, 0.0, 2.0 * special.xlogy(obs, obs / exp).sum(axis=0))


def williams_q(r1: object, c1: object, n: object) -> np.ndarray:
    """Williams' (1976) correction divisor for a 2x2 table:
    ``q = 1 + (N/R1 + N/R2 - 1) * (N/C1 + N/C2 - 1) / (6 N)``; ``G2_adj = G2 / q``."""
    r1, c1, n = _f(r1), _f(c1), _f(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = 1.0 + (n / r1 + n / (n - r1) - 1.0) * (n / c1 + n / (n - c1) - 1.0) / (6.0 * n)
    return np.where(degenerate_2x2(r1, c1, n), 1.0, q)


def chi2_p(stat: object, df: int = 1) -> np.ndarray:
    """Upper-tail p-value of a (possibly signed) chi-square statistic with ``df`` degrees of freedom
    (``scipy.special.chdtrc``, what ``scipy.stats.chi2.sf`` computes, without importing scipy.stats)."""
    return special.chdtrc(df, np.abs(_f(stat)))


def normal_p(z: object) -> np.ndarray:
    """Two-sided p-value of a standard normal z-score (``scipy.special.ndtr(-|z|)`` is
    ``scipy.stats.norm.sf(|z|)``)."""
    return 2.0 * special.ndtr(-np.abs(_f(z)))


def direction(o11: object, r1: object, c1: object, n: object) -> np.ndarray:
    """+1 where ``O11 > E11`` (over-use / attraction), -1 where below, 0 where equal."""
    return np.sign(_f(o11) - np.array(expected_2x2(r1, c1, n))[0])


def adjust_zero(x: object) -> np.ndarray:
    """Replace zero counts by :data:`ZERO_ADJUSTMENT` (0.5)."""
    x = _f(x)
    return np.where(x == 0, ZERO_ADJUSTMENT, x)


def log_ratio(a: object, n_a: object, b: object, n_b: object) -> np.ndarray:
    """Hardie's (2014) Log Ratio: ``log2((a / n_a) / (b / n_b))``, zero counts set to 0.5."""
    return np.log2((adjust_zero(a) / _f(n_a)) / (adjust_zero(b) / _f(n_b)))


def pct_diff(a: object, n_a: object, b: object, n_b: object) -> np.ndarray:
    """Gabrielatos & Marchi's (2012) %DIFF: ``100 * (a/n_a - b/n_b) / (b/n_b)``.

    Only a zero reference count ``b`` makes it undefined; it is set to 0.5 (Hardie's adjustment,
    not G&M's 1e-18, which would push such terms to ~1e20 %). ``a = 0`` gives -100.
    """
    rel_a, rel_b = _f(a) / _f(n_a), adjust_zero(b) / _f(n_b)
    return 100.0 * (rel_a - rel_b) / rel_b


def pmi(o11: object, r1: object, c1: object, n: object) -> np.ndarray:
    """Pointwise mutual information in bits, ``log2(O11 * N / (R1 * C1)) = log2(O11 / E11)``
    (Church & Hanks 1990). ``O11 = 0`` is set to 0.5 so the value stays finite."""
    return np.log2(adjust_zero(o11) * _f(n) / (_f(r1) * _f(c1)))


def mi3(o11: object, r1: object, c1: object, n: object) -> np.ndarray:
    """``MI3 = log2(O11**3 / E11)`` (Daille 1994; Evert 2008), favouring frequent pairs."""
    return np.log2(_f(o11) ** 3 / expected_2x2(r1, c1, n)[0])


def t_score(o11: object, r1: object, c1: object, n: object) -> np.ndarray:
    """``t = (O11 - E11) / sqrt(O11)`` (Church et al. 1991)."""
    o11 = _f(o11)
    return (o11 - expected_2x2(r1, c1, n)[0]) / np.sqrt(o11)


def z_score(o11: object, r1: object, c1: object, n: object) -> np.ndarray:
    """``z = (O11 - E11) / sqrt(E11)`` (Berry-Rogghe 1973)."""
    e11 = expected_2x2(r1, c1, n)[0]
    return (_f(o11) - e11) / np.sqrt(e11)


def dice(o11: object, r1: object, c1: object) -> np.ndarray:
    """Dice coefficient ``2 * O11 / (R1 + C1)``."""
    return 2.0 * _f(o11) / (_f(r1) + _f(c1))


def log_dice(o11: object, r1: object, c1: object) -> np.ndarray:
    """Rychlý's (2008) logDice: ``14 + log2(dice)``."""
    return LOG_DICE_OFFSET + np.log2(dice(o11, r1, c1))


def log_odds_dirichlet(y_i: object, n_i: object, y_j: object, n_j: object, alpha: object,
                       alpha0: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Monroe, Colaresi & Quinn (2008), sec. 3.5: log-odds ratio with a Dirichlet prior.

    ``delta = log((y_i + a) / (n_i + a0 - y_i - a)) - log((y_j + a) / (n_j + a0 - y_j - a))``,
    ``var = 1 / (y_i + a) + 1 / (y_j + a)``, ``z = delta / sqrt(var)``; ``a`` is the term's
    prior count, ``a0`` the sum of the prior over the vocabulary. Returns ``(delta, var, z)``.
    """
    y_i, y_j, a = _f(y_i), _f(y_j), _f(alpha)
    odds_i = (y_i + a) / (_f(n_i) + alpha0 - y_i - a)
    odds_j = (y_j + a) / (_f(n_j) + alpha0 - y_j - a)
    delta = np.log(odds_i) - np.log(odds_j)
    var = 1.0 / (y_i + a) + 1.0 / (y_j + a)
    return delta, var, delta / np.sqrt(var)


def bh_adjust(p: object) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (false discovery rate; Benjamini & Hochberg 1995):
    ``p_adj(i) = min_{j >= i} p(j) * m / j`` over the ascending p-values, capped at 1."""
    p = _f(p)
    if p.size == 0:
        return p.copy()
    order = np.argsort(p, kind="stable")
    ranked = p[order] * p.size / np.arange(1, p.size + 1)
    adjusted = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty_like(p)
    out[order] = np.minimum(adjusted, 1.0)
    return out
