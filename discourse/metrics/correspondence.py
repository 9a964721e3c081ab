"""Simple correspondence analysis (CA) of a count table (KH Coder's 対応分析, quanteda's
``textmodel_ca``, R's ``ca``).

With ``P = N / n``, row masses ``r`` and column masses ``c``, the standardized residuals
``S = D_r^-1/2 (P - r c^T) D_c^-1/2`` are decomposed by SVD ``S = U diag(s) V^T``. The principal
inertias are ``s**2`` (their sum is the total inertia, Pearson's chi-square / n); row standard
coordinates are ``D_r^-1/2 U``, row principal coordinates ``D_r^-1/2 U diag(s)``; columns likewise
with ``V``. Signs are fixed so that in each dimension the column coordinate of largest absolute
value is positive (any CA's axes are determined only up to sign).

References
----------
Greenacre, M. (1984). Theory and Applications of Correspondence Analysis. Academic Press.
Greenacre, M. (2017). Correspondence Analysis in Practice, 3rd ed. CRC Press (ch. 4, 13; appendix A).
Nenadic, O. & Greenacre, M. (2007). Correspondence analysis in R, with two- and three-dimensional
graphics: the ca package. Journal of Statistical Software 20(3).

Example
-------
>>> import pandas as pd
>>> smoke = pd.DataFrame([[4, 2, 3, 2], [4, 3, 7, 4], [25, 10, 12, 4], [18, 24, 33, 13], [10, 6, 7, 2]],
...                      index=["SM", "JM", "SE", "JE", "SC"], columns=["none", "light", "medium", "heavy"])
>>> ca = correspondence(smoke)
>>> ca.inertia["inertia"].round(5).tolist()
[0.07476, 0.01002, 0.00041]
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Union

import numpy as np
import pandas as pd

from ..dtm import DocTermMatrix
from ..errors import ConfigError

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from ..tokens import Tokens

TOLERANCE = 1e-12


@dataclass(frozen=True, eq=False)
class CA:
    """Result of :func:`correspondence`.

    inertia : one row per dimension: ``dim`` (1, 2, ...), ``inertia`` (principal inertia =
        squared singular value), ``pct`` (% of the total inertia), ``cum_pct``.
    rows, columns : one row per table row / column: ``label``, ``mass``, ``inertia`` (its share
        of the total inertia, summing to the total), then ``dim1``, ``dim2``, ... (principal
        coordinates), ``std1``, ``std2``, ... (standard coordinates), ``ctr1``, ``ctr2``, ...
        (contribution to the dimension's inertia: mass x std**2, summing to 1 over the rows) and
        ``cos21``, ``cos22``, ... (squared correlation with the dimension: the share of the point's
        inertia it explains, summing to 1 over all dimensions).
    total_inertia : chi-square / n. chi2, n : Pearson's chi-square of independence and the grand total.
    """

    inertia: pd.DataFrame
    rows: pd.DataFrame
    columns: pd.DataFrame
    total_inertia: float
    chi2: float
    n: float
    attrs: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        pct = ", ".join(f"{p:.1f}%" for p in self.inertia["pct"].head(3))
        return f"CA({len(self.rows)} rows x {len(self.columns)} columns, total inertia {self.total_inertia:.4g}; {pct})"

    def coordinates(self) -> pd.DataFrame:
        """Rows then columns in one table: ``point`` (``"row"`` or ``"column"``) followed by the
        columns of :attr:`rows` (``label``, ``mass``, ``inertia``, ``dim1``..., ``std1``..., ``ctr1``...,
        ``cos21``...)."""
        return pd.concat([self.rows.assign(point="row"), self.columns.assign(point="column")], ignore_index=True)[
            ["point", *self.rows.columns]]

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables a run writes: ``{"": coordinates(), "inertia": inertia}`` (``""`` = the main table)."""
        return {"": self.coordinates(), "inertia": self.inertia}


def correspondence(table: pd.DataFrame) -> CA:
    """Simple correspondence analysis of a non-negative table (rows x columns).

    Parameters
    ----------
    table : counts (terms x groups, frames x groups, topics x groups, any contingency table);
        rows or columns summing to zero are dropped (listed in ``ca.attrs["dropped"]``).

    Returns
    -------
    :class:`CA`: principal inertias with % explained, row and column masses, inertias, principal
    and standard coordinates. ``plot_biplot(ca)`` draws the symmetric map.
    """
    values = _check(table)
    keep_r, keep_c = values.sum(axis=1) > 0, values.sum(axis=0) > 0
    dropped = [str(v) for v in table.index[~keep_r]] + [str(v) for v in table.columns[~keep_c]]
    values = values[keep_r][:, keep_c]
    n = values.sum()
    p = values / n
    r, c = p.sum(axis=1), p.sum(axis=0)
    s = (p - np.outer(r, c)) / np.sqrt(np.outer(r, c))
    u, sv, vt = np.linalg.svd(s, full_matrices=False)
    k = int((sv > np.sqrt(TOLERANCE) * max(sv.max(initial=0), 1.0)).sum())
    k = min(k, min(values.shape) - 1)
    u, sv, v = u[:, :k], sv[:k], vt[:k].T
    sign = np.sign(v[np.abs(v).argmax(axis=0), np.arange(k)])
    u, v = u * sign, v * sign
    eig = sv ** 2
    total = float((s ** 2).sum())
    inertia = pd.DataFrame({"dim": np.arange(1, k + 1), "inertia": eig, "pct": 100 * eig / total,
                            "cum_pct": 100 * np.cumsum(eig) / total})
    rows = _coords(table.index[keep_r], r, (s ** 2).sum(axis=1), u / np.sqrt(r)[:, None], sv)
    cols = _coords(table.columns[keep_c], c, (s ** 2).sum(axis=0), v / np.sqrt(c)[:, None], sv)
    return CA(inertia, rows, cols, total, total * float(n), float(n),
              {"dropped": dropped, "method": "SVD of standardized residuals (Greenacre 1984)"})


def _check(table: pd.DataFrame) -> np.ndarray:
    if not isinstance(table, pd.DataFrame):
        raise ConfigError(f"table: expected a pandas DataFrame of counts (rows x columns), got {type(table).__name__}")
    try:
        values = table.to_numpy(dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise ConfigError(f"table: every cell must be a number ({err}); drop label columns or set them as the index") from err
    if not np.isfinite(values).all() or (values < 0).any():
        raise ConfigError("table: cells must be finite, non-negative counts; fill NaN with 0 and drop negative values")
    if (values.sum(axis=1) > 0).sum() < 2 or (values.sum(axis=0) > 0).sum() < 2:
        raise ConfigError(f"table of shape {values.shape}: CA needs at least 2 non-empty rows and 2 non-empty columns")
    return values


def _coords(labels: pd.Index, mass: np.ndarray, inertia: np.ndarray, std: np.ndarray, sv: np.ndarray) -> pd.DataFrame:
    frame = pd.DataFrame({"label": list(labels), "mass": mass, "inertia": inertia})
    principal = std * sv
    k = std.shape[1]
    with np.errstate(divide="ignore", invalid="ignore"):
        cos2 = mass[:, None] * principal ** 2 / inertia[:, None]
    for prefix, values in (("dim", principal), ("std", std), ("ctr", mass[:, None] * std ** 2),
                           ("cos2", np.nan_to_num(cos2))):
        for j in range(k):
            frame[f"{prefix}{j + 1}"] = values[:, j]
    return frame


def terms_by_group(x: Union["Tokens", DocTermMatrix], *, by: str, n_terms: int = 60) -> pd.DataFrame:
    """The ``n_terms`` most frequent terms x the levels of ``by``: a count table for :func:`correspondence`
    (ties in frequency broken by term)."""
    from .dispersion import doc_term_counts
    from .frequency import _groups

    if not isinstance(n_terms, (int, np.integer)) or n_terms < 2:
        raise ConfigError(f"n_terms={n_terms!r}: give an integer >= 2")
    counts = doc_term_counts(x)
    groups = _groups(x, by)
    matrix = np.column_stack([np.asarray(counts[mask].sum(axis=0)).ravel() for _, mask in groups])
    totals = matrix.sum(axis=1)
    vocab = np.array(x.vocab, dtype=object)
    order = sorted(np.flatnonzero(totals > 0), key=lambda i: (-totals[i], vocab[i]))[:n_terms]
    return pd.DataFrame(matrix[order], index=pd.Index(vocab[order], name="term"),
                        columns=pd.Index([g for g, _ in groups], name=by))


def correspondence_terms(x: Union["Tokens", DocTermMatrix], *, by: str, n_terms: int = 60) -> CA:
    """CA of the ``n_terms`` most frequent terms by the levels of ``by`` (KH Coder's 対応分析 of
    words x an external variable). Needs at least 2 levels (one dimension per level beyond the first)."""
    ca = correspondence(terms_by_group(x, by=by, n_terms=n_terms))
    ca.attrs.update(by=by, n_terms=n_terms)
    return ca


def plot_biplot(ca: CA, *, dims: tuple[int, int] = (1, 2), title: str = "", max_rows: int | None = 60) -> "Figure":
    """Symmetric map: rows and columns in principal coordinates on ``dims``, axes labelled with
    their % of inertia. See :func:`discourse.report.plots_analyses.plot_biplot`."""
    from ..report.plots_analyses import plot_biplot as _plot

    return _plot(ca, dims=dims, title=title, max_rows=max_rows)
