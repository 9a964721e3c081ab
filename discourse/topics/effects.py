"""Covariate effects on topic prevalence, with the topic model's own uncertainty.

:func:`topic_effects` regresses each topic's document proportion on covariates by OLS, as
stm's ``estimateEffect`` (Roberts, Stewart & Tingley 2019), using the *method of composition*
(Tanner 1996; Treier & Jackman 2008) so that intervals include the uncertainty of the topic
model: for ``s = 1..S`` (``n_draws``) every document's proportions are drawn from their
variational posterior ``Dirichlet(gamma_d)`` (:meth:`TopicModel.posterior`), the regression is
refitted, and the ``S`` fits are pooled with Rubin's rules (Rubin 1987; Barnard & Rubin 1999):

* estimate ``Q = mean_s q_s``; within-draw variance ``W = mean_s u_s`` (``u_s`` the OLS variance
  ``sigma_s^2 [(X'X)^-1]_jj``); between-draw variance ``B = var_s(q_s)`` (``ddof=1``);
* total variance ``T = W + (1 + 1/S) B``; ``std_error = sqrt(T)``;
* interval ``Q +- t_{nu} sqrt(T)`` with the Barnard-Rubin degrees of freedom ``nu``
  (``= n - p`` when ``B = 0``, e.g. without a posterior).

stm instead simulates coefficients from each draw's normal approximation and takes quantiles;
with a moderate number of draws the two agree closely. Without ``posterior`` the proportions are
taken as known (one fit, classical OLS intervals) and the intervals are too narrow for a topic
model; the result's ``attrs["composition"]`` says which was done.

Example
-------
>>> gamma = model.posterior(dtm); theta = model.transform(dtm)                  # doctest: +SKIP
>>> topic_contrast(theta, dtm.docvars, "side + year", posterior=gamma,          # doctest: +SKIP
...                variable="side", a="state", b="ngo")
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import ConfigError
from .formula import Design

EFFECT_COLUMNS = ["topic", "term", "estimate", "std_error", "ci_low", "ci_high", "df", "p_value"]


def draw_proportions(posterior: pd.DataFrame, n_draws: int, rng: np.random.Generator) -> np.ndarray:
    """(n_draws, n_docs, K) draws of document-topic proportions from ``Dirichlet(gamma_d)``."""
    gamma = np.asarray(posterior, dtype=np.float64)
    g = rng.standard_gamma(np.broadcast_to(gamma, (n_draws, *gamma.shape)))
    total = g.sum(axis=2, keepdims=True)
    mean = gamma / gamma.sum(axis=1, keepdims=True)
    return np.where(total > 0, g / np.where(total > 0, total, 1.0), mean[None])  # all-zero draws: use the mean


def _prepare(doc_topics: pd.DataFrame, docvars: pd.DataFrame, topics: Sequence[str] | None,
             posterior: pd.DataFrame | None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    cols = list(topics) if topics is not None else list(doc_topics.columns)
    missing_cols = [c for c in cols if c not in doc_topics.columns]
    if missing_cols:
        raise ConfigError(f"topics {missing_cols} are not columns of doc_topics ({list(doc_topics.columns)})")
    missing = doc_topics.index.difference(docvars.index)
    if len(missing):
        raise ConfigError(f"{len(missing)} documents of doc_topics have no docvars row (e.g. {missing[0]!r}): "
                          "use the docvars of the same matrix (dtm.docvars)")
    data = docvars.loc[doc_topics.index]
    if posterior is not None:
        if not posterior.index.equals(doc_topics.index) or list(posterior.columns) != list(doc_topics.columns):
            raise ConfigError("posterior must have the same doc_ids and topic columns as doc_topics: "
                              "pass model.posterior(dtm) for the dtm given to model.transform(dtm)")
    return doc_topics, data, posterior


def _draws(doc_topics: pd.DataFrame, posterior: pd.DataFrame | None, n_draws: int,
           random_state: int) -> np.ndarray:
    if posterior is None:
        return doc_topics.to_numpy(dtype=np.float64)[None]
    if n_draws < 2:
        raise ConfigError(f"n_draws={n_draws}: the method of composition needs at least 2 draws (20 or more is usual)")
    return draw_proportions(posterior, n_draws, np.random.default_rng(random_state))


def _ols_draws(x: np.ndarray, draws: np.ndarray, lincomb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Estimates and variances of ``lincomb @ beta`` for every draw and topic: two (S, L, K) arrays."""
    n, p = x.shape
    q, r = np.linalg.qr(x)
    if np.linalg.matrix_rank(x) < p or n <= p:
        raise ConfigError(f"the design has {p} columns but rank {np.linalg.matrix_rank(x)} with {n} documents: "
                          "a level has no documents or covariates are collinear; simplify the spec or subset")
    r_inv = np.linalg.inv(r)
    cov_unscaled = r_inv @ r_inv.T
    beta = np.einsum("pq,sqk->spk", r_inv, np.einsum("np,snk->spk", q, draws))
    resid = draws - np.einsum("np,spk->snk", x, beta)
    sigma2 = (resid ** 2).sum(axis=1) / (n - p)                       # (S, K)
    est = np.einsum("lp,spk->slk", lincomb, beta)
    scale = np.einsum("lp,pq,lq->l", lincomb, cov_unscaled, lincomb)  # (L,)
    return est, sigma2[:, None, :] * scale[None, :, None]


def rubin_pool(est: np.ndarray, var: np.ndarray, df_complete: float) -> dict[str, np.ndarray]:
    """Pool (S, ...) estimates and variances by Rubin's rules with Barnard-Rubin degrees of freedom."""
    s = est.shape[0]
    qbar, w = est.mean(axis=0), var.mean(axis=0)
    b = est.var(axis=0, ddof=1) if s > 1 else np.zeros_like(qbar)
    t = w + (1 + 1 / s) * b
    lam = np.divide((1 + 1 / s) * b, t, out=np.zeros_like(t), where=t > 0)
    nu_old = np.full_like(lam, np.inf)
    np.divide(s - 1, lam ** 2, out=nu_old, where=lam > 1e-150)
    nu_obs = (df_complete + 1) / (df_complete + 3) * df_complete * (1 - lam)
    nu = np.where(np.isinf(nu_old), float(df_complete), 1 / (1 / nu_old + 1 / np.maximum(nu_obs, 1e-300)))
    return {"estimate": qbar, "within": w, "between": b, "total": t, "df": nu}


def _tidy(pooled: dict[str, np.ndarray], labels: Sequence[str], topics: Sequence[str], ci: float,
          label_name: str) -> pd.DataFrame:
    se = np.sqrt(pooled["total"])
    crit = stats.t.ppf((1 + ci) / 2, pooled["df"])
    tval = np.divide(pooled["estimate"], se, out=np.zeros_like(se), where=se > 0)
    p = 2 * stats.t.sf(np.abs(tval), pooled["df"])
    rows = []
    for k, topic in enumerate(topics):
        for j, label in enumerate(labels):
            e, h = pooled["estimate"][j, k], crit[j, k] * se[j, k]
            rows.append({"topic": topic, label_name: label, "estimate": e, "std_error": se[j, k], "ci_low": e - h,
                         "ci_high": e + h, "df": pooled["df"][j, k], "p_value": p[j, k]})
    return pd.DataFrame(rows)


def topic_effects(doc_topics: pd.DataFrame, docvars: pd.DataFrame, spec: str, *,
                  posterior: pd.DataFrame | None = None, n_draws: int = 20, topics: Sequence[str] | None = None,
                  reference: Mapping[str, Any] | None = None, ci: float = 0.95, random_state: int = 0) -> pd.DataFrame:
    """OLS of each topic's proportion on the covariates of ``spec``, pooled over posterior draws.

    Parameters
    ----------
    doc_topics : proportions from :meth:`TopicModel.transform` (index ``doc_id``).
    docvars : document variables indexed by ``doc_id`` (``dtm.docvars``).
    spec : covariates, e.g. ``"side"``, ``"side + year"``, ``"side * year"`` (see
        :mod:`discourse.topics.formula`: categorical by dtype, reference = first sorted level).
    posterior : ``model.posterior(dtm)`` (Dirichlet parameters); enables the method of composition.
    n_draws : posterior draws S (ignored without ``posterior``).
    topics : subset of topic columns (default all).
    reference : reference level per categorical variable, e.g. ``{"side": "ngo"}``.
    ci, random_state : interval level; seed of the draws.

    Notes
    -----
    A numeric covariate enters as given: with an interaction (``"side * year"``) the main effect
    of ``side`` is the difference at ``year = 0``; centre it first
    (``docvars.assign(year=docvars["year"] - 2000)``) to read it at 2000, or use
    :func:`topic_contrast` with ``at={"year": 2003}``.

    Returns
    -------
    Tidy DataFrame: ``topic``, ``term`` (``Intercept``, ``side[T.state]``, ``year``, ...),
    ``estimate``, ``std_error``, ``ci_low``, ``ci_high``, ``df``, ``p_value`` (two-sided t).

    >>> topic_effects(theta, dtm.docvars, "side", posterior=gamma,   # doctest: +SKIP
    ...               reference={"side": "ngo"}).query("term == 'side[T.state]'")
    """
    doc_topics, data, posterior = _prepare(doc_topics, docvars, topics, posterior)
    cols = list(topics) if topics is not None else list(doc_topics.columns)
    design = Design.from_spec(spec, data, reference)
    x = design.matrix(data)
    draws = _draws(doc_topics, posterior, n_draws, random_state)
    draws = draws[:, :, [list(doc_topics.columns).index(c) for c in cols]]
    est, var = _ols_draws(x, draws, np.eye(x.shape[1]))
    out = _tidy(rubin_pool(est, var, x.shape[0] - x.shape[1]), design.columns, cols, ci, "term")
    out.attrs.update(spec=spec, composition=posterior is not None, n_draws=draws.shape[0], ci=ci,
                     random_state=random_state, levels={k: list(v) for k, v in design.levels.items()})
    return out


def topic_contrast(doc_topics: pd.DataFrame, docvars: pd.DataFrame, spec: str | None = None, *, by: str,
                   target: Any, reference: Any, at: Mapping[str, Any] | None = None,
                   posterior: pd.DataFrame | None = None, n_draws: int = 20, topics: Sequence[str] | None = None,
                   ci: float = 0.95, random_state: int = 0) -> pd.DataFrame:
    """Difference in expected topic proportion between two levels of ``by`` (``target - reference``),
    from the regression on the covariates of ``spec`` (default: ``by`` alone).

    The other covariates are held at ``at`` values when given, else numeric ones at their mean
    and categorical ones at their reference level; with an interaction (``"side * year"``) the
    contrast therefore depends on ``at={"year": 2003}``. Same pooling as :func:`topic_effects`
    (the same ``random_state`` gives the same draws).

    Returns
    -------
    Tidy DataFrame: ``topic``, ``contrast`` (``"<by>: <target> - <reference>"``), ``estimate``, ``std_error``,
    ``ci_low``, ``ci_high``, ``df``, ``p_value``; ``attrs["at"]`` holds the covariate values used.

    >>> topic_contrast(theta, dtm.docvars, "side + year", posterior=gamma)   # doctest: +SKIP
    """
    doc_topics, data, posterior = _prepare(doc_topics, docvars, topics, posterior)
    cols = list(topics) if topics is not None else list(doc_topics.columns)
    spec = spec or by
    design = Design.from_spec(spec, data)
    if by not in design.levels:
        raise ConfigError(f"by={by!r} is not a categorical covariate of spec={spec!r}: "
                          f"choose among {list(design.levels)}")
    for name, level in (("target", target), ("reference", reference)):
        if level not in design.levels[by]:
            raise ConfigError(f"{name}={level!r} is not a level of {by!r}: choose among {list(design.levels[by])}")
    values = _at_values(design, data, by, at)
    rows = pd.DataFrame([{**values, by: target}, {**values, by: reference}])
    for v, levels in design.levels.items():
        rows[v] = pd.Categorical(rows[v], categories=list(levels)).astype(object)
    x_ab = design.matrix(rows)
    x = design.matrix(data)
    draws = _draws(doc_topics, posterior, n_draws, random_state)[:, :, [list(doc_topics.columns).index(c) for c in cols]]
    est, var = _ols_draws(x, draws, (x_ab[0] - x_ab[1])[None, :])
    out = _tidy(rubin_pool(est, var, x.shape[0] - x.shape[1]), [f"{by}: {target} - {reference}"], cols, ci, "contrast")
    out.attrs.update(spec=spec, by=by, target=target, reference=reference, at=values, composition=posterior is not None, n_draws=draws.shape[0], ci=ci,
                     random_state=random_state)
    return out


def _at_values(design: Design, data: pd.DataFrame, variable: str, at: Mapping[str, Any] | None) -> dict[str, Any]:
    at = dict(at or {})
    names = [*design.levels, *design.numeric]
    unknown = [k for k in at if k not in names or k == variable]
    if unknown:
        raise ConfigError(f"at={at!r}: {unknown} are not other covariates of spec={design.spec!r} (have {names})")
    values = {v: at.get(v, design.levels[v][0]) for v in design.levels if v != variable}
    values.update({v: float(at.get(v, data[v].astype(float).mean())) for v in design.numeric})
    return values
