"""Choosing the two groups of a comparison: one vocabulary for every function that compares
(``by``, ``target``, ``reference``), one place for its rules and error messages."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..errors import ConfigError


def group_masks(values: pd.Series, *, by: str, target: Any, reference: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks of the target and reference rows of ``values`` (the ``by`` column).

    ``target`` / ``reference`` are a value or a list of values; ``reference=None`` = every other
    row with a value. Raises :class:`ConfigError` naming the levels when a group is empty or the two
    overlap."""
    present = sorted({str(v) for v in values.dropna().unique()})

    def pick(wanted: Any, name: str) -> np.ndarray:
        wanted = list(wanted) if isinstance(wanted, (list, tuple, set, frozenset)) else [wanted]
        mask = values.isin(wanted).to_numpy(dtype=bool)
        if not mask.any():
            raise ConfigError(f"{name}={wanted if len(wanted) > 1 else wanted[0]!r} is not a level of {by!r}: choose among {present}")
        return mask

    t = pick(target, "target")
    r = (values.notna().to_numpy() & ~t) if reference is None else pick(reference, "reference")
    if (t & r).any():
        raise ConfigError(f"target={target!r} and reference={reference!r} share documents: give disjoint values of {by!r}")
    if not r.any():
        raise ConfigError(f"reference: no document of {by!r} outside target={target!r} (levels: {present})")
    return t, r
