"""Token records, the compact per-text result, and string interning.

A :class:`Token` is the readable record of one token (for one text, tests and teaching); whole
corpora never become Token objects: tokenizers produce :class:`TokenArrays` (NumPy arrays of
ids and offsets) and :func:`discourse.tokenize.tokenize` stores those in ``Tokens``.

Example
-------
>>> t = Token("外国人", "外国人", ("名詞", "普通名詞", "一般", "*"), 0, 3, ("外国", "人"), "affix")
>>> t.pos_tag, t.is_compound
('名詞-普通名詞-一般', True)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np

#: Compound rule names; ``TokenArrays.rules`` holds their index (0 = not a compound).
RULES = ("", "affix", "noun_sequence", "domain", "user")
RULE_CODE = {name: i for i, name in enumerate(RULES)}

#: Classes used by the compound rules (one per word type).
OTHER, NOUN, ADJN, PREFIX, SUFFIX, SPACE = range(6)


@dataclass(frozen=True)
class Token:
    """One token of a text.

    Attributes
    ----------
    surface : the text as written, ``text[start:end]``.
    lemma : the countable form (see :mod:`discourse.tokenize.lemma`); a compound's lemma is its
        surface (``外国人``).
    pos : UniDic ``(pos1, pos2, pos3, pos4)`` with ``"*"`` for empty levels; a compound takes
        the POS of its head noun; English tokens have ``("word"|"number"|"symbol", "*", "*", "*")``.
    start, end : character offsets into the text.
    parts : the surfaces of the dictionary words joined into a compound (``("外国", "人")``);
        empty for a simple token.
    rule : which rule made the compound: ``"affix"``, ``"noun_sequence"``, ``"domain"``
        (bundled term list) or ``"user"`` (``user_terms``); ``""`` for a simple token.
    """

    surface: str
    lemma: str
    pos: tuple[str, str, str, str]
    start: int
    end: int
    parts: tuple[str, ...] = ()
    rule: str = ""

    @property
    def pos_tag(self) -> str:
        """The POS levels joined by ``-`` without the empty ones (``名詞-普通名詞-一般``)."""
        return pos_tag(self.pos)

    @property
    def is_compound(self) -> bool:
        return bool(self.parts)


def pos_tag(pos: Iterable[str]) -> str:
    """``("名詞", "普通名詞", "一般", "*")`` → ``"名詞-普通名詞-一般"``.

    >>> pos_tag(("助詞", "格助詞", "*", "*"))
    '助詞-格助詞'
    """
    return "-".join(p for p in pos if p and p != "*")


def pos_tuple(tag: str) -> tuple[str, str, str, str]:
    """Inverse of :func:`pos_tag`: pad to four levels with ``"*"``.

    >>> pos_tuple("助詞-格助詞")
    ('助詞', '格助詞', '*', '*')
    """
    levels = (tag.split("-") + ["*"] * 4)[:4] if tag else ["*"] * 4
    return (levels[0], levels[1], levels[2], levels[3])


class _Index(dict):
    """A dict that gives an unseen string the next id (``dict.__getitem__`` stays in C)."""

    __slots__ = ("items",)

    def __init__(self, items: list[str]):
        super().__init__()
        self.items = items

    def __missing__(self, key: str) -> int:
        i = len(self.items)
        self.items.append(key)
        self[key] = i
        return i


class Interner:
    """Strings to dense ids in first-seen order (the vocabulary of a tokenizer).

    >>> v = Interner()
    >>> v.ids(["外国人", "犯罪", "外国人"]).tolist(), v.items
    ([0, 1, 0], ['外国人', '犯罪'])
    """

    def __init__(self) -> None:
        self.items: list[str] = []
        self.index = _Index(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def id(self, item: str) -> int:
        return self.index[item]

    def ids(self, items: Iterable[str]) -> np.ndarray:
        return np.fromiter(map(self.index.__getitem__, items), dtype=np.int32)


@dataclass(frozen=True)
class TokenArrays:
    """The tokens of one text as arrays (what tokenizers return to the corpus pipeline).

    Attributes
    ----------
    term_ids, pos_ids : int32 ids into the tokenizer's ``terms`` and ``pos_tags`` interners.
    starts, ends : int64 character offsets (``text[starts[i]:ends[i]]`` is token ``i``).
    rules : int8 index into :data:`RULES` (0 = simple token).
    first : int64, length ``n + 1``: token ``i`` joins dictionary words
        ``first[i]:first[i+1]`` of ``raw_starts``/``raw_ends``.
    raw_starts, raw_ends : offsets of the dictionary words before compounding.
    """

    term_ids: np.ndarray
    pos_ids: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    rules: np.ndarray
    first: np.ndarray
    raw_starts: np.ndarray
    raw_ends: np.ndarray

    def __len__(self) -> int:
        return len(self.term_ids)

    @classmethod
    def simple(cls, term_ids: np.ndarray, pos_ids: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> "TokenArrays":
        """Arrays of a text without compounds."""
        n = len(term_ids)
        return cls(term_ids, pos_ids, starts, ends, np.zeros(n, np.int8), np.arange(n + 1, dtype=np.int64), starts, ends)

    def parts(self, text: str, i: int) -> tuple[str, ...]:
        """Surfaces of the dictionary words of compound ``i`` (empty for a simple token)."""
        a, b = int(self.first[i]), int(self.first[i + 1])
        if b - a < 2:
            return ()
        return tuple(text[s:e] for s, e in zip(self.raw_starts[a:b].tolist(), self.raw_ends[a:b].tolist()))

    def to_tokens(self, text: str, terms: list[str], pos_tags: list[str]) -> list[Token]:
        """Readable :class:`Token` records (one Python object per token: for single texts)."""
        out = []
        for i, (t, p, s, e, r) in enumerate(zip(self.term_ids.tolist(), self.pos_ids.tolist(), self.starts.tolist(),
                                               self.ends.tolist(), self.rules.tolist())):
            out.append(Token(text[s:e], terms[t], pos_tuple(pos_tags[p]), s, e, self.parts(text, i) if r else (), RULES[r]))
        return out


@dataclass(frozen=True)
class Batch:
    """The tokens of several texts tokenized together.

    Attributes
    ----------
    arrays : the tokens of all texts; offsets are into ``text``.
    text : the texts joined by ``"\\n"`` (no token crosses a line break).
    bases : int64 offset of each text in ``text``.
    doc_ptr : int64, length ``n_texts + 1``: text ``d`` owns tokens ``doc_ptr[d]:doc_ptr[d+1]``.
    """

    arrays: TokenArrays
    text: str
    bases: np.ndarray
    doc_ptr: np.ndarray

    def __len__(self) -> int:
        return len(self.bases)

    def doc_index(self) -> np.ndarray:
        """Text number of every token."""
        return np.repeat(np.arange(len(self.bases)), np.diff(self.doc_ptr))

    def local_starts(self) -> tuple[np.ndarray, np.ndarray]:
        """Token offsets relative to their own text."""
        base = self.bases[self.doc_index()] if len(self.bases) else np.zeros(0, np.int64)
        return self.arrays.starts - base, self.arrays.ends - base
