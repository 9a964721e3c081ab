"""Compound rules: which adjacent dictionary words become one token.

unidic-lite splits the field's central words (外国|人, 不法|滞在|者). Two mechanisms join them,
both vectorised over a text's words (no Python loop per token):

- **rules** on word classes (:data:`~discourse.tokenize.token.NOUN`, ``ADJN`` 形状詞,
  ``PREFIX`` 接頭辞, ``SUFFIX`` nominal 接尾辞) of contiguous words (no space between):
  ``"affix"`` joins ``PREFIX? (NOUN|ADJN) SUFFIX*`` (外国+人, 滞在+者, 警察+庁, 刑法+犯, 非+正規,
  弁護+士+会, 受刑+者+数);
  ``"noun_sequence"`` joins every run of nouns, adjectival nouns and affixes
  (不法+滞在+者, 多+文化+共生, 在留+資格); ``"none"`` joins nothing.
- **rules that hold in every joining mode** (measured on white papers and NGO statements, where
  a third of the top keyness terms were such fragments): numbers with their units, eras and
  changes are one token (平成+16+年, 1+万+4+,+766+人, 32+.+1+%+減, 約+3+割, 平成+17+年+版,
  第+4+章, 図+1+-+1, 注+1) and never join the nouns around them; katakana loanword runs join
  (ヘイト+スピーチ); law and bill names take the noun run before 法/案, at most
  :data:`MAX_LAW_WORDS` words (改正+入管+法, 法律+案), and 違反/改正/改悪 after 法 (入管法+違反);
  bound nouns attach like suffixes (中国+籍, 国籍+別, 前年+比), also after another suffix
  (弁護+士+会), and 局 ends the noun before it (法務+局); relational markers (向け, 同士) never
  attach.
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
from typing import Mapping, Sequence

import numpy as np

from .token import ADJN, NOUN, OTHER, PREFIX, RULE_CODE, SPACE, SUFFIX

MODES = ("none", "affix", "noun_sequence")
#: What ``tokenize(numbers=...)`` does with number tokens.
NUMBERS = ("drop", "keep", "class")
#: The term of every number token with ``numbers="class"``.
NUMBER_CLASS = "<number>"

#: Honorific prefixes that never attach (ご+意見 stays 意見), by lemma.
HONORIFIC_PREFIXES = frozenset({"御"})
#: Suffixes that never attach: plural, honorific, "during/about" and relational markers
#: (公務員+等, 山田+氏, 留学生+向け, 出身者+同士, 放送局+あて).
FREE_SUFFIXES = frozenset({"等", "達", "たち", "さん", "様", "氏", "君", "ちゃん", "殿", "共", "中", "頃", "毎", "方",
                           "向け", "同士", "どうし", "あて", "宛", "宛て"})
#: Nouns that unidic-lite cuts off a compound but that only occur bound to the noun before them;
#: they attach like nominal suffixes (中国+籍, 国籍+別, 前年+比, 認定+率, 委員+会, 自治+体, 不安+感,
#: 雇用+主, 愛知+県), also after a suffix (弁護+士+会, 受刑+者+数).
#: A listed term stays a unit: 検挙人員|数 keeps 検挙人員 countable.
BOUND_NOUNS = frozenset({"籍", "別", "比", "数", "率", "会", "歴", "層", "額", "体", "感", "主", "県"})
#: Nouns that end the name of an office and join the noun before them (法務+局, 刑事+局,
#: 事務+局+長), but that are also words taking suffixes themselves (局+長): unlike bound nouns
#: they stay hosts. (市 would fit too; it is left out for now, the tokenizer's tests keep 葛城|市.)
HEAD_NOUNS = frozenset({"局"})
#: Heads of law and bill names: a noun run ending in one joins whole (改正|入管|法, 法律|案).
LAW_HEADS = frozenset({"法"})
BILL_HEADS = frozenset({"案"})
#: Nouns that attach after a law name (入管法+違反, 入管法+改正, 入管法+改悪).
LAW_TAILS = frozenset({"違反", "改正", "改定", "改悪"})
#: Prefixes that attach to a number (約+3割, 第+3次, 同+6.7%減).
NUMBER_PREFIXES = frozenset({"約", "第", "計", "毎", "同"})
#: Era names that attach to the year after them (平成+16年, 令和+元年).
ERAS = frozenset({"明治", "大正", "昭和", "平成", "令和"})
#: Words that end a number besides counters (助数詞): 22+年中, 第+4+章, 第+1+項.
NUMBER_UNITS = frozenset({"年中", "年末", "年度", "万人", "元年", "章", "項"})
#: Labels of figures, tables and notes: they join the number after them as well as the number
#: before them (図+1+-+1, 注+1, 4-1-2-1+図).
NUMBER_LABELS = frozenset({"図", "表", "注"})
#: Changes written after a number (32.1%+減, 1万人+増).
NUMBER_CHANGES = frozenset({"増", "減"})
#: Other words written after the counter that ends a number and belonging to it: the edition
#: of a yearly publication (平成+17+年+版, 令和+元年+版). They attach like changes.
NUMBER_TRAILERS = frozenset({"版"})
#: Separators inside a number (3.8, 1万4,766, 4-1-2-1).
NUMBER_SEPARATORS = frozenset({".", "．", ",", "，", "-", "－", "‐", "−"})
_COMMAS = frozenset({",", "，"})
#: Longest law or bill name joined, in dictionary words.
MAX_LAW_WORDS = 6

# classes beyond token.py's OTHER, NOUN, ADJN, PREFIX, SUFFIX, SPACE (0-5)
NUM, NUMSEP, COMMA, ERA, COUNTER, CHANGE, NUMPREFIX, KATA, LAW, BILL, LAWTAIL, YEAR1, LABEL, HEAD = range(6, 20)
N_CLASSES = 20
#: The class each new class behaves as for the affix and noun-sequence rules.
_BASE = {NUM: OTHER, NUMSEP: OTHER, COMMA: OTHER, ERA: NOUN, COUNTER: NOUN, CHANGE: NOUN, NUMPREFIX: PREFIX,
         KATA: NOUN, LAW: NOUN, BILL: NOUN, LAWTAIL: NOUN, YEAR1: NOUN, LABEL: NOUN,
         HEAD: NOUN}


def word_class(pos: tuple[str, str, str, str], lemma: str) -> int:
    """The compound class of a word type from its POS and lemma.

    >>> word_class(("接尾辞", "名詞的", "一般", "*"), "人") == SUFFIX
    True
    >>> word_class(("名詞", "普通名詞", "一般", "*"), "籍") == SUFFIX   # bound noun
    True
    """
    pos1, pos2 = pos[0], pos[1]
    if pos1 == "空白":
        return SPACE
    special = _number_class(pos, lemma)
    if special is not None:
        return special
    if pos1 == "名詞" and pos2 != "数詞":
        return _noun_class(pos2, lemma)
    if pos1 == "形状詞" and pos2 != "助動詞語幹":
        return ADJN
    if pos1 == "接頭辞" and lemma not in HONORIFIC_PREFIXES:
        return NUMPREFIX if lemma in NUMBER_PREFIXES else PREFIX
    if pos1 == "接尾辞" and pos2 in ("名詞的", "形状詞的") and lemma not in FREE_SUFFIXES:
        return SUFFIX
    return OTHER


def _number_class(pos: tuple[str, str, str, str], lemma: str) -> int | None:
    """NUM, separators, counters, eras and changes (None for other words)."""
    pos1, pos2, pos3 = pos[0], pos[1], pos[2]
    if pos1 == "名詞" and pos2 == "数詞":
        return NUM
    if lemma in NUMBER_SEPARATORS and pos1 in ("補助記号", "記号", "名詞"):
        return COMMA if lemma in _COMMAS else NUMSEP
    if lemma in ("％", "%", "パーセント") and pos1 in ("補助記号", "名詞"):
        return COUNTER
    if pos1 == "名詞" and lemma in NUMBER_LABELS:
        return LABEL
    if pos1 == "名詞" and lemma in NUMBER_TRAILERS:
        return CHANGE
    if (pos1 == "名詞" and lemma not in BOUND_NOUNS and lemma not in HEAD_NOUNS
            and (pos3 == "助数詞可能" or lemma in NUMBER_UNITS - {"元年"})):
        return COUNTER
    if lemma == "元年" and pos1 == "名詞":
        return YEAR1
    if pos1 == "名詞" and lemma in ERAS:
        return ERA
    if pos1 == "名詞" and lemma in NUMBER_CHANGES:
        return CHANGE
    return None


def _noun_class(pos2: str, lemma: str) -> int:
    if lemma in NUMBER_PREFIXES:  # 同 is a noun in (同+6.7%減)
        return NUMPREFIX
    if lemma in BOUND_NOUNS:
        return SUFFIX
    if lemma in HEAD_NOUNS:
        return HEAD
    if lemma in LAW_HEADS:
        return LAW
    if lemma in BILL_HEADS:
        return BILL
    if lemma in LAW_TAILS:
        return LAWTAIL
    if pos2 == "普通名詞" and is_katakana_word(lemma):
        return KATA
    return NOUN


def is_katakana_word(text: str) -> bool:
    """A loanword spelled in katakana (two or more characters, ``ー`` allowed, no ``・``).

    >>> is_katakana_word("スピーチ"), is_katakana_word("ー"), is_katakana_word("外国")
    (True, False, False)
    """
    return len(text) > 1 and all("\u30a1" <= c <= "\u30fa" or c == "ー" for c in text) and text[0] != "ー"


def _link_matrix(pairs: list[tuple[set[int], set[int]]]) -> np.ndarray:
    m = np.zeros((N_CLASSES, N_CLASSES), dtype=bool)
    for left, right in pairs:
        for a in left:
            for b in right:
                m[a, b] = True
    return m


def with_base(classes: set[int]) -> set[int]:
    """``classes`` and every new class that behaves as one of them."""
    return set(classes) | {c for c, base in _BASE.items() if base in classes}


_HOST = with_base({NOUN, ADJN})
_IS_HOST = np.array([c in _HOST for c in range(N_CLASSES)], dtype=bool)
_IS_NUM = np.array([c == NUM for c in range(N_CLASSES)], dtype=bool)
_HOST_OR_NUM = _IS_HOST | _IS_NUM
_PREFIXES = with_base({PREFIX})
#: LINKS[mode][class of word i, class of word i+1]: may they join?
LINKS = {
    "none": np.zeros((N_CLASSES, N_CLASSES), dtype=bool),
    "affix": _link_matrix([(_PREFIXES, _HOST), (_HOST, {SUFFIX, HEAD})]),   # + suffix chains: _suffix_chains
    "noun_sequence": _link_matrix([(_PREFIXES, _HOST | _PREFIXES), (_HOST | {SUFFIX}, _HOST | {SUFFIX} | _PREFIXES)]),
}
_FLAT_LINKS = {mode: m.ravel() for mode, m in LINKS.items()}
#: Links inside numbers (every joining mode); commas are checked for three digits after them.
NUMBER_LINKS = _link_matrix([({NUMPREFIX, ERA, LABEL}, {NUM}), ({ERA}, {YEAR1}),
                             ({NUM}, {NUM, NUMSEP, COMMA, COUNTER, SUFFIX, LABEL}), ({NUMSEP, COMMA}, {NUM})]).ravel()
#: Links that are not about numbers but hold in every joining mode: katakana loanword runs
#: (ヘイト+スピーチ), law names and what follows them (法+案, 入管法+違反).
SPECIAL_LINKS = _link_matrix([({KATA}, {KATA}), ({LAW}, {BILL, LAWTAIL})]).ravel()
#: Words a law or bill name may be built from (pulled in front of 法/案).
_LAW_PART = np.array([c in (_HOST | {SUFFIX} | _PREFIXES) for c in range(N_CLASSES)], dtype=bool)


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

    Besides the mode's affix or noun-sequence links, every joining mode makes numbers one token
    (平成+16+年, 1+万+4+,+766+人, 32+.+1+%+減), joins katakana loanword runs (ヘイト+スピーチ)
    and law and bill names (改正+入管+法, 法律+案, 入管法+違反); a number never joins the nouns
    around it.

    Returns
    -------
    first : int64 array, length ``n_tokens + 1``: token ``k`` is words ``first[k]:first[k+1]``.
    rules : int8 rule code per token (0 = a single word).
    """
    n = len(cls)
    if n < 2:
        return np.arange(n + 1, dtype=np.int64), np.zeros(n, np.int8)
    contiguous = ends[:-1] == starts[1:]
    pair = cls[:-1].astype(np.intp) * N_CLASSES + cls[1:]
    link = contiguous & _FLAT_LINKS[mode][pair]
    number = number_links(cls, pair, starts, ends, contiguous) if mode != "none" else None
    if number is not None:
        link = _closed(link, number)
    if len(spans):
        i, j = spans[:, 0], spans[:, 1]
        if mode != "noun_sequence":  # a listed term is a unit: nothing attaches to it
            link[i[i > 0] - 1] = False
            link[j[j < n] - 1] = False
        inside = np.zeros(n, np.int64)
        inside[i] += 1
        inside[j - 1] -= 1
        link |= np.cumsum(inside)[:-1] > 0
    if mode == "affix":
        link = _suffix_chains(link, cls, contiguous, spans)
    if number is not None:  # loanwords and law names join whatever the lists say; numbers stay whole
        link |= (contiguous & SPECIAL_LINKS[pair]) | _law_links(cls, contiguous, spans)
        link = _closed(link, number)
    first = _firsts(link, n)
    rules = np.where(np.diff(first) > 1, RULE_CODE[mode] if mode != "none" else 0, 0).astype(np.int8)
    if len(spans) or mode == "noun_sequence":
        rules, first = _label_spans(first, rules, spans, cls, link)
    return first, rules


def _suffix_chains(link: np.ndarray, cls: np.ndarray, contiguous: np.ndarray, spans: np.ndarray) -> np.ndarray:
    """A suffix joins the suffix before it when that one is already joined to its host
    (弁護+士+会, 受刑+者+数): a chain grows from a host, never starts on its own (a suffix after a
    verb stays apart) and never extends a listed term (不法残留者|数)."""
    chain = contiguous & (cls[:-1] == SUFFIX) & (cls[1:] == SUFFIX)
    if not chain.any():
        return link
    if len(spans):
        n = len(cls)
        i, j = spans[:, 0], spans[:, 1]
        chain[i[i > 0] - 1] = False
        chain[j[j < n] - 1] = False
    for _ in range(8):   # one more suffix per round; real chains are two or three long
        grow = chain & ~link & np.concatenate([[False], link[:-1]])
        if not grow.any():
            break
        link = link | grow
    return link


def number_links(cls: np.ndarray, pair: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                  contiguous: np.ndarray) -> np.ndarray:
    """Links between the words of numbers: a separator needs a numeral after it (a comma one of
    three characters, 1万4,766), and 増/減 (and 版) attach after a counter (or 元年) that ends a number."""
    number = contiguous & NUMBER_LINKS[pair]
    label_out = cls[:-1] == LABEL   # a label that closes a number opens no other: 4-3-1-1図|7-2-2-1-2図
    number[label_out] &= ~np.concatenate([[False], number[:-1]])[label_out]
    comma_out = cls[:-1] == COMMA
    number[comma_out] &= (ends[1:] - starts[1:])[comma_out] == 3
    into_sep = (cls[1:] == COMMA) | (cls[1:] == NUMSEP)
    out_of_next = np.append(number[1:], False)
    number[into_sep] &= out_of_next[into_sep]
    previous = np.concatenate([[False], number[:-1]])
    ends_number = (cls[:-1] == COUNTER) | (cls[:-1] == SUFFIX) | (cls[:-1] == YEAR1)
    number |= contiguous & (cls[1:] == CHANGE) & previous & ends_number
    return number


def _closed(link: np.ndarray, number: np.ndarray) -> np.ndarray:
    """Keep numbers apart: a word joined into a number joins nothing else."""
    in_number = np.zeros(len(link) + 1, bool)
    in_number[:-1] |= number
    in_number[1:] |= number
    return (link & ~(in_number[:-1] | in_number[1:])) | number


def _law_links(cls: np.ndarray, contiguous: np.ndarray, spans: np.ndarray) -> np.ndarray:
    """Links that pull the noun run before 法/案 into the law or bill name, at most
    :data:`MAX_LAW_WORDS` words (a listed term counts whole): 改正+入管+法; a particle,
    conjunction or punctuation ends it (出入国管理|及び|難民認定法)."""
    out = np.zeros(len(contiguous), bool)
    heads = np.flatnonzero((cls == LAW) | (cls == BILL))
    if not len(heads):
        return out
    part = _LAW_PART[cls]
    span_start = _span_starts(len(cls), spans)
    for h in heads.tolist():
        k = h
        while k > 0 and contiguous[k - 1] and part[k - 1] and h - span_start[k - 1] + 1 <= MAX_LAW_WORDS:
            out[span_start[k - 1]:k] = True
            k = int(span_start[k - 1])
    return out


def _span_starts(n: int, spans: np.ndarray) -> np.ndarray:
    """Per word, the first word of the listed term it belongs to (itself outside terms)."""
    start = np.arange(n)
    if len(spans):
        i, lengths = spans[:, 0], spans[:, 1] - spans[:, 0]
        offsets = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        start[np.repeat(i, lengths) + offsets] = np.repeat(i, lengths)
    return start


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
    has_host = np.maximum.reduceat(_HOST_OR_NUM[cls], first[:-1])
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
    """Per token, the word that gives its POS: the first numeral of a number (1万4,766人 is a
    numeral), else the last noun/adjectival noun, else the last word."""
    n = len(cls)
    if n == 0:
        return np.zeros(0, np.int64)
    index = np.arange(n)
    marked = np.where(_IS_HOST[cls], index, -1)
    host = np.maximum.reduceat(marked, first[:-1])
    first_num = np.minimum.reduceat(np.where(_IS_NUM[cls], index, n), first[:-1])
    all_numeric = np.minimum.reduceat(_NUMERIC[cls], first[:-1]).astype(bool)
    host = np.where(all_numeric & (first_num < n), first_num, host)
    return np.where(host >= 0, host, first[1:] - 1)


#: Classes a number token is made of.
_NUMERIC = np.array([c in (NUM, NUMSEP, COMMA, ERA, COUNTER, CHANGE, NUMPREFIX, SUFFIX, YEAR1, LABEL)
                     for c in range(N_CLASSES)], dtype=np.int8)


# --- numbers in the corpus pipeline -------------------------------------------------------------
#: Era years, and a bare 増/減 (the change of a bracketed figure before it: 2,694件(7.2%)減).
_NUMBER_TERM = re.compile(r"^(?:(?:明治|大正|昭和|平成|令和)?元年|増|減)$")


def number_mask(terms: Sequence[str], pos_tags: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Which terms and which POS tags mark a number token: the POS ``名詞-数詞`` (a joined number
    takes it from its first numeral), English ``number``, the era year ``令和元年``/``元年``, and a
    bare 増/減 left after a bracketed figure (``2,694件(7.2%)減``: it belongs to that figure).

    >>> [m.tolist() for m in number_mask(["平成元年", "外国人"], ["名詞-数詞", "名詞-普通名詞-一般", "number"])]
    [[True, False], [True, False, True]]
    """
    by_term = np.fromiter((bool(_NUMBER_TERM.match(t)) for t in terms), bool, len(terms))
    by_pos = np.fromiter((p.startswith("名詞-数詞") or p == "number" for p in pos_tags), bool, len(pos_tags))
    return by_term, by_pos


def number_tokens(ids: np.ndarray, pos_ids: np.ndarray, terms: Sequence[str], pos_tags: Sequence[str]) -> np.ndarray:
    """Per token: is it a number (see :func:`number_mask`)?"""
    by_term, by_pos = number_mask(terms, pos_tags)
    return by_term[ids] | by_pos[pos_ids] if len(ids) else np.zeros(0, bool)


def apply_numbers(keep: np.ndarray, ids: np.ndarray, pos_ids: np.ndarray, terms: Sequence[str],
                  pos_tags: Sequence[str], numbers: str) -> np.ndarray:
    """The token filter with ``numbers`` applied: number tokens are dropped (``"drop"``) or kept
    (``"keep"``, ``"class"``) whatever the POS filter and stopwords said."""
    return np.where(number_tokens(ids, pos_ids, terms, pos_tags), numbers != "drop", keep)


def number_class(terms: Sequence[str], ids: np.ndarray, pos_ids: np.ndarray,
                 pos_tags: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """Every number token gets the one term :data:`NUMBER_CLASS` (added to the vocabulary)."""
    vocab = list(terms)
    is_number = number_tokens(ids, pos_ids, vocab, pos_tags)
    if NUMBER_CLASS not in vocab:
        vocab.append(NUMBER_CLASS)
    return vocab, np.where(is_number, vocab.index(NUMBER_CLASS), ids).astype(np.int32)
