"""``EnglishTokenizer``: words, numbers and symbols of English documents (NGO and UN texts).

No model is downloaded: tokens come from a regular expression, the lemma is the lower-cased
word (no stemming, so no invented forms such as ``polic``), the possessive ``'s`` is a token of
its own, and multiword terms from the term lists (``human rights``, ``migrant workers``) are
kept whole, matched case-insensitively.

Example
-------
>>> tok = EnglishTokenizer(user_terms=["human rights"])
>>> [(t.lemma, t.pos[0]) for t in tok.tokenize("Japan's Human Rights, 2003.")]
[('japan', 'word'), ("'s", 'word'), ('human rights', 'word'), (',', 'symbol'), ('2003', 'number'), ('.', 'symbol')]
"""
from __future__ import annotations

import re
from typing import Any, Sequence

import numpy as np

from .compound import TermMatcher
from .lexicon import TermSource, domain_list, load_terms, terms_hash
from .token import RULE_CODE, Batch, Interner, Token, TokenArrays

_TOKEN = re.compile(r"\w+(?:-\w+)*(?=['’]s\b)|['’]s\b|\w+(?:['’-]\w+)*|[^\w\s]")
_NUMBER = re.compile(r"[\d.,]+")
_LATIN = re.compile(r"[A-Za-z]")


def english_terms(terms: tuple[str, ...]) -> tuple[str, ...]:
    """The multiword Latin-script terms of a list (the ones an English document can contain)."""
    return tuple(t for t in terms if _LATIN.search(t) and (" " in t or "-" in t))


class EnglishTokenizer:
    """Tokenizer for English text.

    Parameters
    ----------
    user_terms : multiword terms kept whole (list or path), rule ``"user"``.
    domain_terms : the bundled list's English multiword terms when True, none when False.

    Examples
    --------
    >>> [t.surface for t in EnglishTokenizer().tokenize("Migrant workers' rights")]
    ['Migrant workers', "'", 'rights']
    """

    language = "en"

    def __init__(self, *, user_terms: TermSource = None, domain_terms: bool | TermSource = True,
                 terms: Interner | None = None, pos_tags: Interner | None = None, **_: Any):
        self.user_terms = load_terms(user_terms, name="user_terms")
        self._domain_arg = domain_terms
        self.domain_terms = english_terms(domain_list(domain_terms))
        self.terms = terms if terms is not None else Interner()
        self.pos_tags = pos_tags if pos_tags is not None else Interner()
        listed = {t: RULE_CODE["domain"] for t in self.domain_terms}
        listed.update({t: RULE_CODE["user"] for t in english_terms(self.user_terms)})
        self._matcher = TermMatcher(listed, ignore_case=True)
        self._pos = {kind: self.pos_tags.id(kind) for kind in ("word", "number", "symbol")}

    def settings(self) -> dict[str, Any]:
        """What decides the output (recorded in ``Tokens.settings``)."""
        return {"english": "regex-lowercase-1", "english_terms": terms_hash(self.domain_terms + self.user_terms)}

    def tokenize(self, text: str) -> list[Token]:
        """The tokens of one text as :class:`Token` records."""
        return self.tokenize_arrays(text).to_tokens(text, self.terms.items, self.pos_tags.items)

    def tokenize_batch(self, texts: Sequence[str]) -> Batch:
        """The tokens of several texts (offsets into ``batch.text``, the texts joined by line breaks)."""
        from .japanese import join_texts

        joined, bases = join_texts(texts)
        arrays = self.tokenize_arrays(joined)
        return Batch(arrays, joined, bases, np.append(np.searchsorted(arrays.starts, bases), len(arrays)))

    def tokenize_arrays(self, text: str) -> TokenArrays:
        """The tokens of one text as arrays (ids into ``self.terms`` / ``self.pos_tags``)."""
        found = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
        starts = np.array([f[0] for f in found], np.int64)
        ends = np.array([f[1] for f in found], np.int64)
        words = [f[2] for f in found]
        term_ids = self.terms.ids(w.lower() for w in words)
        pos_ids = np.array([self._pos[_kind(w)] for w in words], np.int32)
        spans = self._matcher.spans(text, starts, ends) if self._matcher else np.zeros((0, 3), np.int64)
        if not len(spans):
            return TokenArrays.simple(term_ids, pos_ids, starts, ends)
        return self._joined(text, term_ids, pos_ids, starts, ends, spans)

    def _joined(self, text: str, term_ids: np.ndarray, pos_ids: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                spans: np.ndarray) -> TokenArrays:
        n = len(starts)
        head = np.ones(n, bool)
        rule_at = {}
        for i, j, code in spans.tolist():
            head[i + 1:j] = False
            rule_at[i] = code
        first = np.append(np.flatnonzero(head), n).astype(np.int64)
        heads = first[:-1]
        rules = np.array([rule_at.get(h, 0) for h in heads.tolist()], np.int8)
        t_starts, t_ends = starts[heads], ends[first[1:] - 1]
        out_terms, out_pos = term_ids[heads], pos_ids[heads]
        joined = np.flatnonzero(rules)
        phrases = (" ".join(text[s:e].split()).lower() for s, e in zip(t_starts[joined].tolist(), t_ends[joined].tolist()))
        out_terms[joined] = self.terms.ids(phrases)
        out_pos[joined] = self._pos["word"]
        return TokenArrays(out_terms, out_pos, t_starts, t_ends, rules, first, starts, ends)


def _kind(word: str) -> str:
    if word[0].isalnum() or word[0] == "_":
        return "number" if _NUMBER.fullmatch(word) else "word"
    return "word" if word.lower() in ("'s", "’s") else "symbol"




