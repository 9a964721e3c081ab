"""Compound rules: which adjacent dictionary words become one token.

unidic-lite splits the field's central words (外国|人, 不法|滞在|者). Two mechanisms join them,
both vectorised over a text's words (no Python loop per token):

- **rules** on word classes (:data:`~discourse.tokenize.token.NOUN`, ``ADJN`` 形状詞,
  ``PREFIX`` 接頭辞, ``SUFFIX`` nominal 接尾辞) of contiguous words (no space between):
  ``"affix"`` joins ``PREFIX? (NOUN|ADJN) SUFFIX?`` (外国+人, 滞在+者, 警察+庁, 刑法+犯, 非+正規);
  ``"noun_sequence"`` joins every run of nouns, adjectival nouns and affixes
  (不法+滞在+者, 多+文化+共生, 在留+資格); ``"none"`` joins nothing.
- **term lists** (the bundled ``domain_terms.txt`` and ``user_terms``), matched on the text
  longest-first and applied where a match starts and ends on word boundaries
  (来日外国人, 多文化共生, 人間の安全保障). In ``"affix"`` mode a matched term is a unit that
  affixes do not extend; in ``"noun_sequence"`` a noun run may contain it.

Example
-------
>>> m = TermMatcher({"不法滞在者": 3})
>>> import numpy as np
>>> m.spans("不法滞在者が", np.array([0, 2, 4, 5]), np.array([2, 4, 5, 6])).tolist()
[[0, 3, 3]]
"""
from __future__ import annotations

import re
from typing import Mapping

import numpy as np

from .token import ADJN, NOUN, OTHER, PREFIX, RULE_CODE, SPACE, SUFFIX

MODES = ("none", "affix", "noun_sequence")

#: Honorific prefixes that never attach (ご+意見 stays 意見), by lemma.
HONORIFIC_PREFIXES = frozenset({"御"})
#: Suffixes that never attach: plural, honorific and "during/about" markers (公務員+等, 山田+氏).
FREE_SUFFIXES = frozenset({"等", "達", "さん", "様", "氏", "君", "ちゃん", "殿", "共", "中", "頃", "毎", "方"})


def word_class(pos: tuple[str, str, str, str], lemma: str) -> int:
    """The compound class of a word type from its POS and lemma.

    >>> word_class(("接尾辞", "名詞的", "一般", "*"), "人") == SUFFIX
    True
    """
    pos1, pos2 = pos[0], pos[1]
    if pos1 == "空白":
        return SPACE
    if pos1 == "名詞" and pos2 != "数詞":
        return NOUN
    if pos1 == "形状詞" and pos2 != "助動詞語幹":
        return ADJN
    if pos1 == "接頭辞" and lemma not in HONORIFIC_PREFIXES:
        return PREFIX
    if pos1 == "接尾辞" and pos2 in ("名詞的", "形状詞的") and lemma not in FREE_SUFFIXES:
        return SUFFIX
    return OTHER


def _link_matrix(pairs: list[tuple[set[int], set[int]]]) -> np.ndarray:
    m = np.zeros((6, 6), dtype=bool)
    for left, right in pairs:
        for a in left:
            for b in right:
                m[a, b] = True
    return m


_HOST = {NOUN, ADJN}
_IS_HOST = np.array([c in _HOST for c in range(6)], dtype=bool)
#: LINKS[mode][class of word i, class of word i+1]: may they join?
LINKS = {
    "none": np.zeros((6, 6), dtype=bool),
    "affix": _link_matrix([({PREFIX}, _HOST), (_HOST, {SUFFIX})]),
    "noun_sequence": _link_matrix([({PREFIX}, _HOST | {PREFIX}), (_HOST | {SUFFIX}, _HOST | {SUFFIX, PREFIX})]),
}
_FLAT_LINKS = {mode: m.ravel() for mode, m in LINKS.items()}


def trie_pattern(terms: list[str], *, any_space: bool = False) -> str:
    """A regex matching any of ``terms``, the longest one at a given position first; with
    ``any_space`` a space in a term matches any run of whitespace (line breaks included).

    >>> re.match(trie_pattern(["外国人", "外国人労働者", "外国籍"]), "外国人労働者が").group()
    '外国人労働者'
    """
    trie: dict = {}
    for term in terms:
        node = trie
        for ch in term:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_regex(trie, any_space)


def _trie_regex(node: dict, any_space: bool) -> str:
    alts = [(r"\s+" if ch == " " and any_space else re.escape(ch)) + _trie_regex(child, any_space)
            for ch, child in sorted(node.items()) if ch]
    if not alts:
        return ""
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    return f"(?:{body})?" if "" in node else body


class TermMatcher:
    """Finds listed terms in a text and maps them to word-index spans.

    Parameters
    ----------
    terms : term → rule code (``RULE_CODE["domain"]`` or ``RULE_CODE["user"]``).
    ignore_case : match case-insensitively, and let a space match any whitespace (English terms).
    """

    def __init__(self, terms: Mapping[str, int], *, ignore_case: bool = False):
        self.ignore_case = ignore_case
        self.terms = {(t.lower() if ignore_case else t): code for t, code in terms.items()}
        pattern = trie_pattern(list(self.terms), any_space=ignore_case)
        self.pattern = re.compile(pattern, re.IGNORECASE if ignore_case else 0) if self.terms else None
        codes = set(self.terms.values())
        self._only_code = codes.pop() if len(codes) == 1 else None

    def __bool__(self) -> bool:
        return self.pattern is not None

    def spans(self, text: str, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """``(k, 3)`` int64 array of ``(i, j, rule)``: words ``i:j`` (two or more) spell a listed term."""
        none = np.zeros((0, 3), np.int64)
        if self.pattern is None or len(starts) < 2:
            return none
        found = [m.span() for m in self.pattern.finditer(text)]
        if not found:
            return none
        bounds = np.array(found, dtype=np.int64)
        i, j, ok = _align(bounds, starts, ends)
        i, j = i[ok], j[ok] + 1
        if not ok.all():  # rare: a match inside a word (刑法犯 in 刑法|犯罪): retry around it
            both = _resolve(list(zip(i.tolist(), j.tolist())) + self._retry(text, bounds[~ok], starts, ends))
            i, j = (np.array(col, np.int64) for col in zip(*both)) if both else (i[:0], j[:0])
        keep = j - i > 1
        i, j = i[keep], j[keep]
        if self._only_code is not None:
            codes = np.full(len(i), self._only_code, np.int64)
        else:
            codes = np.array([self._code(text[s:e]) for s, e in zip(starts[i].tolist(), ends[j - 1].tolist())], np.int64)
        return np.stack([i, j, codes], axis=1) if len(i) else none

    def _code(self, matched: str) -> int:
        return self.terms[self._key(matched)]

    def _key(self, text: str) -> str:
        return " ".join(text.lower().split()) if self.ignore_case else text

    def _retry(self, text: str, failed: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> list[tuple[int, int]]:
        """Aligned matches that start inside a failed match: shorter terms at its start, later starts."""
        out = []
        for s, e in failed.tolist():
            for length in range(e - s - 1, 0, -1):  # shorter listed terms at the same start
                if self._listed(text[s:s + length]):
                    out.extend(self._aligned_span(s, s + length, starts, ends))
            pos = s + 1
            while (m := self.pattern.search(text, pos)) is not None and m.start() < e:
                out.extend(self._aligned_span(m.start(), m.end(), starts, ends))
                pos = m.start() + 1
        return out

    def _listed(self, candidate: str) -> bool:
        return self._key(candidate) in self.terms

    @staticmethod
    def _aligned_span(s: int, e: int, starts: np.ndarray, ends: np.ndarray) -> list[tuple[int, int]]:
        i, j, ok = _align(np.array([[s, e]], np.int64), starts, ends)
        return [(int(i[0]), int(j[0]) + 1)] if ok[0] else []


def _align(bounds: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Word indices of match starts/ends, and whether both fall on word boundaries."""
    i = np.searchsorted(starts, bounds[:, 0])
    j = np.searchsorted(ends, bounds[:, 1])
    n = len(starts)
    ok = (i < n) & (j < n)
    ok[ok] = (starts[i[ok]] == bounds[ok, 0]) & (ends[j[ok]] == bounds[ok, 1])
    return i, j, ok


def _resolve(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Non-overlapping spans, leftmost first, longest first at the same start."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(set(spans), key=lambda x: (x[0], -x[1])):
        if not out or a >= out[-1][1]:
            out.append((a, b))
    return out


def join(cls: np.ndarray, starts: np.ndarray, ends: np.ndarray, mode: str,
         spans: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Group words into tokens (``spans``: the ``(i, j, rule)`` rows of :meth:`TermMatcher.spans`).

    Returns
    -------
    first : int64 array, length ``n_tokens + 1``: token ``k`` is words ``first[k]:first[k+1]``.
    rules : int8 rule code per token (0 = a single word).
    """
    n = len(cls)
    if n < 2:
        return np.arange(n + 1, dtype=np.int64), np.zeros(n, np.int8)
    pair = cls[:-1].astype(np.intp) * 6 + cls[1:]
    link = (ends[:-1] == starts[1:]) & _FLAT_LINKS[mode][pair]
    if len(spans):
        i, j = spans[:, 0], spans[:, 1]
        if mode != "noun_sequence":  # a listed term is a unit: nothing attaches to it
            link[i[i > 0] - 1] = False
            link[j[j < n] - 1] = False
        inside = np.zeros(n, np.int64)
        inside[i] += 1
        inside[j - 1] -= 1
        link |= np.cumsum(inside)[:-1] > 0
    first = _firsts(link, n)
    rules = np.where(np.diff(first) > 1, RULE_CODE[mode] if mode != "none" else 0, 0).astype(np.int8)
    if len(spans) or mode == "noun_sequence":
        rules, first = _label_spans(first, rules, spans, cls, link)
    return first, rules


def _firsts(link: np.ndarray, n: int) -> np.ndarray:
    starts = np.concatenate([[True], ~link]) if n else np.zeros(0, bool)
    return np.append(np.flatnonzero(starts), n).astype(np.int64)


def _label_spans(first: np.ndarray, rules: np.ndarray, spans: np.ndarray, cls: np.ndarray,
                 link: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mark tokens that are exactly a listed term with its rule; split rule groups with no noun."""
    if len(spans):
        i, j, code = spans[:, 0], spans[:, 1], spans[:, 2]
        k = np.searchsorted(first, i)
        exact = (first[k] == i) & (first[np.minimum(k + 1, len(first) - 1)] == j)
        rules[k[exact]] = code[exact]
    if not len(rules):
        return rules, first
    has_host = np.maximum.reduceat(_IS_HOST[cls], first[:-1])
    bad = (rules > 0) & (rules < RULE_CODE["domain"]) & ~has_host
    if not bad.any():
        return rules, first
    for k in np.flatnonzero(bad).tolist():
        link[first[k]:first[k + 1] - 1] = False
    new_first = _firsts(link, len(cls))
    keep_rule = dict(zip(first[:-1].tolist(), rules.tolist()))
    new_rules = np.array([keep_rule.get(f, 0) if b - f > 1 else 0 for f, b in zip(new_first[:-1].tolist(), new_first[1:].tolist())], np.int8)
    return new_rules, new_first


def host_index(cls: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Per token, the word that gives its POS: the last noun/adjectival noun, else the last word."""
    n = len(cls)
    if n == 0:
        return np.zeros(0, np.int64)
    marked = np.where(_IS_HOST[cls], np.arange(n), -1)
    host = np.maximum.reduceat(marked, first[:-1])
    return np.where(host >= 0, host, first[1:] - 1)
