"""The fitted-state contract shared by ``TopicModel`` and ``FramingClassifier``.

:class:`SavedEstimator` gives an estimator ``save``/``load`` through the one bundle format
(:mod:`discourse._internal.bundle`), ``__sklearn_is_fitted__`` (so
``sklearn.utils.validation.check_is_fitted`` works) and ``_check_fitted``, which raises
:class:`~discourse.errors.NotFittedError` naming the estimator.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from ..errors import NotFittedError
from .bundle import load_bundle, save_bundle


class SavedEstimator:
    """Mixin: fitted check and bundle persistence. Subclasses set ``_FITTED_ATTR`` (an attribute
    that only ``fit``/``load`` set), ``_FIT_CALL`` (how to fit, for messages) and ``_STATE_ARRAYS``,
    and implement ``_get_state`` and ``_from_state``."""

    _FITTED_ATTR: ClassVar[str]
    _FIT_CALL: ClassVar[str] = "fit(...)"
    _STATE_ARRAYS: ClassVar[tuple[str, ...]] = ()

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, self._FITTED_ATTR)

    def _check_fitted(self) -> None:
        if not self.__sklearn_is_fitted__():
            name = type(self).__name__
            raise NotFittedError(f"this {name} is not fitted yet: call fit first ({self._FIT_CALL}), "
                                 f"or load a saved one with {name}.load(path)")

    def save(self, path: "str | Path") -> Path:
        """Write the fitted estimator to folder ``path`` (``model.json`` + ``arrays.npz``, no pickle)."""
        self._check_fitted()
        return save_bundle(self, path)

    @classmethod
    def load(cls, path: "str | Path") -> Any:
        """Rebuild an estimator written by :meth:`save`; every part of the files is checked first."""
        return load_bundle(cls, path)

    def _get_state(self) -> tuple[dict[str, Any], dict[str, Any]]:
        raise NotImplementedError

    @classmethod
    def _from_state(cls, meta: dict[str, Any], arrays: dict[str, Any]) -> Any:
        raise NotImplementedError
