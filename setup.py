"""Build hook: a wheel (and a non-editable ``pip install .``) ships the bundled data.

The source checkout keeps ``corpora/`` at the top level (lexicons, codebooks, statistics, the demo
corpus). ``build_py`` copies it into the *build tree* as ``discourse/_corpora/``, where
``discourse.resources.corpora_dir()`` finds it once installed. Editable installs skip the copy
and keep reading ``corpora/`` from the checkout. Everything else is in ``setup.cfg``.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
DATA_DIR = "_corpora"  # must match discourse/resources.py


class BuildPyWithCorpora(build_py):
    """``build_py`` that also copies ``corpora/`` to ``<build_lib>/discourse/_corpora/``."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        source = ROOT / "corpora"
        if not source.is_dir():
            raise FileNotFoundError(f"{source} is missing: build from a complete checkout or sdist")
        target = Path(self.build_lib) / "discourse" / DATA_DIR
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.py[cod]", ".*"))


setup(cmdclass={"build_py": BuildPyWithCorpora})
