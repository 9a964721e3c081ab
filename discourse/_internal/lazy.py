"""Lazy package exports: a package names what it exports and from which module, and a module is
imported only when one of its names is first used (PEP 562 ``__getattr__``).

``import discourse.framing.data`` then loads the data module, not the classifier and
scikit-learn; ``from discourse.framing import FramingClassifier`` loads the classifier when asked.

Example
-------
>>> __getattr__, __dir__ = lazy_exports("discourse.framing", {"codebook": ["load_codebook"]})  # doctest: +SKIP
"""
from __future__ import annotations

import importlib
from typing import Any, Callable, Mapping, Sequence


def lazy_exports(package: str, modules: Mapping[str, Sequence[str]]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``: each name of ``modules[m]`` comes from
    ``package.m``, imported on first use and then stored in the package's namespace (a name equal
    to a module name is imported at once)."""
    where = {name: module for module, names in modules.items() for name in names}
    for name in set(where) & set(modules):
        # a name that is also a module's (``explain`` in discourse.framing) is bound now: the first import
        # of that module sets the package attribute to the module, which would hide a lazy function
        setattr(importlib.import_module(package), name, getattr(importlib.import_module(f"{package}.{where[name]}"), name))

    def __getattr__(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{where[name]}"), name)
        setattr(importlib.import_module(package), name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(where) | set(vars(importlib.import_module(package))))

    return __getattr__, __dir__


def exported(modules: Mapping[str, Sequence[str]]) -> list[str]:
    """Every exported name, in the order given (for ``__all__``)."""
    return [name for names in modules.values() for name in names]
