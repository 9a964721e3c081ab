"""Cross-validation folds that keep every document on one side of each split.

Example
-------
>>> import numpy as np
>>> docs = np.array(["a", "a", "b", "c"])
>>> folds = grouped_folds(docs, 2, random_state=0)
>>> [bool(set(docs[train]) & set(docs[test])) for train, test in folds]
[False, False]
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..errors import ConfigError


def grouped_folds(groups: Sequence[Any] | None, n_splits: int, *, random_state: int = 0, n: int | None = None,
                  what: str = "grouped cross-validation") -> list[tuple[np.ndarray, np.ndarray]]:
    """(train, test) row indices of ``min(n_splits, n_groups)`` shuffled folds by ``groups``
    (documents); without ``groups``, plain shuffled k-fold over ``n`` rows."""
    from sklearn.model_selection import GroupKFold, KFold

    if groups is None:
        splitter = KFold(n_splits=min(n_splits, n), shuffle=True, random_state=random_state)
        return list(splitter.split(np.zeros(n)))
    groups = np.asarray(groups, dtype=object)
    n_groups = len(np.unique(groups))
    if n_groups < 2:
        raise ConfigError(f"{what} needs sentences from at least 2 documents (groups); got {n_groups}")
    splitter = GroupKFold(n_splits=min(n_splits, n_groups), shuffle=True, random_state=random_state)
    return list(splitter.split(np.zeros(len(groups)), groups=groups))
