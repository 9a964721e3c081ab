"""discourse: discourse analysis of Japanese (and English) political text.

>>> import discourse
>>> corpus = discourse.read_corpus("corpora/demo")  # doctest: +SKIP
"""
from __future__ import annotations

from .corpus import Corpus, Document
from .errors import ConfigError, CorpusError, DiscourseError
from .load import import_folder, read_corpus

__version__ = "0.1.0"
__all__ = ["Corpus", "Document", "read_corpus", "import_folder", "DiscourseError", "ConfigError", "CorpusError", "__version__"]
