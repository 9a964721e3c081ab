"""Tokenization: ``JapaneseTokenizer`` (fugashi + unidic-lite), ``EnglishTokenizer``, ``tokenize``.

``tokenize(corpus, **settings) -> Tokens`` picks the tokenizer from each document's
``language``, caches shards on disk and can use several processes; ``JapaneseTokenizer().
tokenize(text)`` gives the tokens of one text as a :class:`TokenSequence` of :class:`Token`
records (made when read).

Examples
--------
>>> from discourse.tokenize import JapaneseTokenizer
>>> [t.surface for t in JapaneseTokenizer().tokenize("外国人の在留資格")]
['外国人', 'の', '在留資格']
"""
from __future__ import annotations

from .compound import MODES
from .english import EnglishTokenizer
from .japanese import JapaneseTokenizer, dictionary_info
from .pipeline import CONTENT_POS, is_content, tokenize
from .token import RULES, Batch, Token, TokenArrays, TokenSequence

__all__ = ["tokenize", "JapaneseTokenizer", "EnglishTokenizer", "Token", "TokenSequence", "TokenArrays", "Batch", "MODES", "RULES",
           "CONTENT_POS", "is_content", "dictionary_info"]
