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
from functools import lru_cache
from typing import Any, Iterable, Iterator, Sequence, overload

import numpy as np

from ..tokens import short_text

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
    return _pos_tag(pos if isinstance(pos, tuple) else tuple(pos))


@lru_cache(maxsize=4096)
def _pos_tag(pos: tuple[str, ...]) -> str:
    return "-".join(p for p in pos if p and p != "*")


@lru_cache(maxsize=4096)
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

    def __repr__(self) -> str:
        return f"TokenArrays({len(self):,} tokens, {int(np.count_nonzero(self.rules)):,} compounds)"

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

    def to_tokens(self, text: str, terms: list[str], pos_tags: list[str]) -> "TokenSequence":
        """The tokens as a :class:`TokenSequence` (its :class:`Token` records are made on access)."""
        return TokenSequence(self, text, terms, pos_tags)


class TokenSequence(Sequence[Token]):
    """The tokens of one text: a read-only sequence of :class:`Token` records over the arrays.

    Nothing is created per token until it is read (``seq[i]``, iteration), as in spaCy's ``Doc``;
    the column properties (:attr:`surfaces`, :attr:`lemmas`, :attr:`pos_tags`, :attr:`starts`,
    :attr:`ends`) read every token without making records. A sequence compares equal to a list or
    tuple of the same :class:`Token` records.

    Attributes
    ----------
    arrays : the :class:`TokenArrays` of the text.
    text : the text (``text[t.start:t.end] == t.surface``).

    Examples
    --------
    >>> from discourse.tokenize import JapaneseTokenizer
    >>> seq = JapaneseTokenizer().tokenize("外国人の在留資格")
    >>> len(seq), seq[0].surface, seq.lemmas
    (3, '外国人', ['外国人', 'の', '在留資格'])
    >>> seq
    TokenSequence(3 tokens: 外国人 の 在留資格)
    """

    __slots__ = ("arrays", "text", "_terms", "_pos_tags")
    #: Tokens shown by ``repr`` (the rest are counted, not printed).
    REPR_TOKENS = 12

    def __init__(self, arrays: TokenArrays, text: str, terms: list[str], pos_tags: list[str]):
        self.arrays, self.text, self._terms, self._pos_tags = arrays, text, terms, pos_tags

    def __len__(self) -> int:
        return len(self.arrays.term_ids)

    @overload
    def __getitem__(self, i: int) -> Token: ...

    @overload
    def __getitem__(self, i: slice) -> list[Token]: ...

    def __getitem__(self, i: int | slice) -> Token | list[Token]:
        if isinstance(i, slice):
            return [self._token(k) for k in range(*i.indices(len(self)))]
        n = len(self)
        k = int(i) + n if int(i) < 0 else int(i)
        if not 0 <= k < n:
            raise IndexError(f"token index {i} out of range for {n} tokens")
        return self._token(k)

    def _token(self, k: int) -> Token:
        a = self.arrays
        s, e, r = int(a.starts[k]), int(a.ends[k]), int(a.rules[k])
        return Token(self.text[s:e], self._terms[a.term_ids[k]], pos_tuple(self._pos_tags[a.pos_ids[k]]), s, e,
                     a.parts(self.text, k) if r else (), RULES[r])

    def __iter__(self) -> Iterator[Token]:
        a, text, terms, tags = self.arrays, self.text, self._terms, self._pos_tags
        rows = zip(a.term_ids.tolist(), a.pos_ids.tolist(), a.starts.tolist(), a.ends.tolist(), a.rules.tolist())
        new, set_dict = object.__new__, object.__setattr__
        for i, (t, p, s, e, r) in enumerate(rows):
            # Token(...) without the frozen dataclass's seven object.__setattr__ calls (same record)
            token = new(Token)
            set_dict(token, "__dict__", {"surface": text[s:e], "lemma": terms[t], "pos": pos_tuple(tags[p]), "start": s,
                                         "end": e, "parts": a.parts(text, i) if r else (), "rule": RULES[r]})
            yield token

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (TokenSequence, list, tuple)):
            return len(self) == len(other) and all(x == y for x, y in zip(self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __add__(self, other: Sequence[Token]) -> list[Token]:
        return list(self) + list(other)

    def __repr__(self) -> str:
        n, a = len(self), self.arrays
        shown = [self.text[s:e] for s, e in zip(a.starts[:self.REPR_TOKENS].tolist(), a.ends[:self.REPR_TOKENS].tolist())]
        words = " ".join(map(short_text, shown)) + (f" ... (+{n - len(shown):,} more)" if n > len(shown) else "")
        return f"TokenSequence({n:,} token{'s' if n != 1 else ''}{': ' + words if n else ''})"

    # --- columns without Token records ---------------------------------------------------
    @property
    def surfaces(self) -> list[str]:
        """Every token as written."""
        text = self.text
        return [text[s:e] for s, e in zip(self.arrays.starts.tolist(), self.arrays.ends.tolist())]

    @property
    def lemmas(self) -> list[str]:
        """Every token's lemma."""
        return list(map(self._terms.__getitem__, self.arrays.term_ids.tolist()))

    @property
    def pos_tags(self) -> list[str]:
        """Every token's POS tag (``名詞-普通名詞-一般``)."""
        return list(map(self._pos_tags.__getitem__, self.arrays.pos_ids.tolist()))

    @property
    def starts(self) -> list[int]:
        return self.arrays.starts.tolist()

    @property
    def ends(self) -> list[int]:
        return self.arrays.ends.tolist()

    def to_list(self) -> list[Token]:
        """Every :class:`Token` record as a list."""
        return list(self)


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

    def __repr__(self) -> str:
        """Counts only (the joined text can be long).

        >>> Batch(TokenArrays.simple(*(np.zeros(2, np.int64),) * 4), "ab cd", np.array([0, 3]), np.array([0, 1, 2]))
        Batch(2 texts, 2 tokens, 5 characters)
        """
        return f"Batch({len(self):,} texts, {len(self.arrays):,} tokens, {len(self.text):,} characters)"

    def doc_index(self) -> np.ndarray:
        """Text number of every token."""
        return np.repeat(np.arange(len(self.bases)), np.diff(self.doc_ptr))

    def local_starts(self) -> tuple[np.ndarray, np.ndarray]:
        """Token offsets relative to their own text."""
        base = self.bases[self.doc_index()] if len(self.bases) else np.zeros(0, np.int64)
        return self.arrays.starts - base, self.arrays.ends - base
