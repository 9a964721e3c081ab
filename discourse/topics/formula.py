"""A small formula language for covariates: ``"side"``, ``"side + year"``, ``"side * year"``.

Terms are separated by ``+``; ``a:b`` is an interaction; ``a * b`` means ``a + b + a:b``; a
leading ``~`` is allowed. An intercept is always included. A docvar is *categorical* when its
dtype is not numeric (strings, booleans, pandas ``category``) and *numeric* otherwise (``year``).
Categorical variables get treatment (dummy) coding against a reference level: by default the
first level in sorted order (for a pandas ``Categorical``, its first category), as R's and
patsy's defaults; choose another with ``reference={"side": "state"}``. Column names follow patsy:
``Intercept``, ``side[T.state]``, ``year``, ``side[T.state]:year``.

Example
-------
>>> import pandas as pd
>>> dv = pd.DataFrame({"side": ["ngo", "state", "state"], "year": [2001, 2002, 2003]})
>>> design = Design.from_spec("side * year", dv)
>>> design.columns
['Intercept', 'side[T.state]', 'year', 'side[T.state]:year']
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..errors import ConfigError, closest


def parse_spec(spec: str) -> list[tuple[str, ...]]:
    """Terms of ``spec`` as tuples of variable names, main effects first, duplicates dropped.

    >>> parse_spec("side * year")
    [('side',), ('year',), ('side', 'year')]
    """
    text = spec.strip().lstrip("~").strip()
    if not text:
        raise ConfigError(f"spec={spec!r} is empty: give covariates such as 'side' or 'side * year'")
    terms: list[tuple[str, ...]] = []
    for part in (p.strip() for p in text.split("+")):
        if "*" in part and ":" in part:
            raise ConfigError(f"spec={spec!r}: {part!r} mixes '*' and ':': write 'a * b' or 'a + b + a:b'")
        names = [n.strip() for n in re.split(r"[*:]", part)]
        if any(not _NAME.fullmatch(n) for n in names):
            raise ConfigError(f"spec={spec!r}: cannot read the term {part!r}: use docvar names joined by "
                              "'+', '*' or ':' (e.g. 'side * year')")
        combos = [c for r in range(1, len(names) + 1) for c in itertools.combinations(names, r)] if "*" in part \
            else [tuple(names)]
        terms += [c for c in combos if c not in terms]
    return sorted(terms, key=len)


_NAME = re.compile(r"[^\W\d][\w.]*")


@dataclass(frozen=True)
class Design:
    """A fitted design: the terms, the levels of each categorical variable, the column names."""

    spec: str
    terms: tuple[tuple[str, ...], ...]
    levels: Mapping[str, tuple[Any, ...]]   # categorical variable -> levels, reference first
    numeric: tuple[str, ...]
    columns: list[str]

    @classmethod
    def from_spec(cls, spec: str, data: pd.DataFrame, reference: Mapping[str, Any] | None = None) -> "Design":
        """Read ``spec`` and learn the variables' types and levels from ``data``."""
        terms = parse_spec(spec)
        variables = list(dict.fromkeys(v for t in terms for v in t))
        for v in variables:
            if v not in data.columns:
                raise ConfigError(f"spec={spec!r}: {v!r} is not a docvar{closest(v, data.columns)}: "
                                  f"choose among {list(data.columns)}")
        reference = dict(reference or {})
        unknown = [v for v in reference if v not in variables]
        if unknown:
            raise ConfigError(f"reference names {unknown}, which are not in spec={spec!r}")
        levels = {v: _levels(data[v], v, reference.get(v)) for v in variables if _is_categorical(data[v])}
        numeric = tuple(v for v in variables if v not in levels)
        columns = ["Intercept"] + [":".join(p) for t in terms for p in itertools.product(*(_names(v, levels) for v in t))]
        return cls(spec, tuple(terms), levels, numeric, columns)

    def matrix(self, data: pd.DataFrame) -> np.ndarray:
        """The (n, p) design matrix of ``data`` (which must have every variable of the spec)."""
        blocks = {v: self._variable(data, v) for v in [*self.levels, *self.numeric]}
        cols = [np.ones(len(data))]
        for term in self.terms:
            for combo in itertools.product(*(range(blocks[v].shape[1]) for v in term)):
                cols.append(np.prod([blocks[v][:, j] for v, j in zip(term, combo)], axis=0))
        return np.column_stack(cols)

    def _variable(self, data: pd.DataFrame, name: str) -> np.ndarray:
        values = data[name]
        if values.isna().any():
            raise ConfigError(f"docvar {name!r} is missing for {int(values.isna().sum())} documents: "
                              "fill it or drop those documents before estimating effects")
        if name in self.numeric:
            return values.to_numpy(dtype=np.float64)[:, None]
        levels = self.levels[name]
        bad = sorted(set(values) - set(levels), key=str)
        if bad:
            raise ConfigError(f"docvar {name!r} has level(s) {bad} not seen when the design was built (levels {list(levels)})")
        return np.column_stack([(values == lev).to_numpy(dtype=np.float64) for lev in levels[1:]]) \
            if len(levels) > 1 else np.zeros((len(data), 0))


def _is_categorical(values: pd.Series) -> bool:
    return not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)


def _levels(values: pd.Series, name: str, reference: Any) -> tuple[Any, ...]:
    if isinstance(values.dtype, pd.CategoricalDtype):
        levels = [c for c in values.cat.categories if (values == c).any()]
    else:
        levels = sorted(values.dropna().unique().tolist(), key=str)
    if reference is not None:
        if reference not in levels:
            raise ConfigError(f"reference[{name!r}]={reference!r} is not a level of {name!r}: choose among {levels}")
        levels = [reference] + [lev for lev in levels if lev != reference]
    return tuple(levels)


def _names(variable: str, levels: Mapping[str, tuple[Any, ...]]) -> list[str]:
    if variable not in levels:
        return [variable]
    return [f"{variable}[T.{lev}]" for lev in levels[variable][1:]]
