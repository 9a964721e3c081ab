"""Lemma rules for unidic-lite words, applied once per word type (never per token).

UniDic's ``lemma`` field is close to what a researcher wants to count, with three quirks that
these rules undo without inventing text (every lemma is the dictionary's lemma, its base
written form, or the surface):

- a sense or origin gloss after a hyphen (``パーセント-percent``, ``グエン-外国``, ``私-代名詞``)
  is stripped: ``パーセント``, ``グエン``, ``私``;
- proper nouns whose lemma is a katakana reading (``東京`` → ``トウキョウ``) keep their written
  form ``東京``;
- a word the writer spelled in hiragana keeps that spelling when UniDic's lemma is a kanji form
  the text never used (``する`` not ``為る``, ``こと`` not ``事``, ``ある`` not ``有る``);
- numbers (``2003``, ``５０``, whose UniDic lemma is ``フィフティー-fifty``) and unknown words
  (lemma ``None``) keep the surface;
- a word written with kanji that its lemma does not contain keeps its written base form: UniDic
  files different words under one lemma (挙げる and 上げる under ``上げる``, 図る and 測る under
  ``計る``, 観る under ``見る``), while spelling variants whose kanji the lemma contains still
  share it (子ども → ``子供``, 取締り → ``取り締まり``);
- a loanword written in katakana keeps its written form where UniDic respells it
  (ヘイト not ``ヘート``, アムネスティ not ``アムネスティー``).

Example
-------
>>> choose_lemma("トウキョウ", "東京", ("名詞", "固有名詞", "地名", "一般"))
'東京'
>>> choose_lemma("パーセント-percent", "％", ("名詞", "普通名詞", "助数詞可能", "*"))
'パーセント'
>>> choose_lemma("上げる", "挙げる", ("動詞", "非自立可能", "*", "*"))
'挙げる'
"""
from __future__ import annotations

import re
import unicodedata

POS = tuple[str, str, str, str]

_HIRAGANA = (0x3041, 0x309F)
_KATAKANA = (0x30A0, 0x30FF)
_PROLONGED = "ー・"
_KANJI = re.compile("[々〆\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


def strip_gloss(lemma: str) -> str:
    """``パーセント-percent`` → ``パーセント``; a lemma starting with ``-`` is kept.

    >>> strip_gloss("グエン-外国")
    'グエン'
    """
    cut = lemma.find("-", 1)
    return lemma[:cut] if cut > 0 else lemma


def _all_in(text: str, lo: int, hi: int) -> bool:
    return bool(text) and all(lo <= ord(c) <= hi or c in _PROLONGED for c in text)


def is_hiragana(text: str) -> bool:
    """True when every character is hiragana (or the prolonged sound mark).

    >>> is_hiragana("する"), is_hiragana("為る")
    (True, False)
    """
    return _all_in(text, *_HIRAGANA)


def is_katakana(text: str) -> bool:
    """True when every character is katakana (``ー`` and ``・`` included).

    >>> is_katakana("トウキョウ")
    True
    """
    return _all_in(text, *_KATAKANA)


def has_kanji(text: str) -> bool:
    """True when a character is a CJK ideograph (``為る``, ``事``) or ``々``/``〆``.

    >>> has_kanji("為る"), has_kanji("する")
    (True, False)
    """
    return _KANJI.search(text) is not None


def kanji_of(text: str) -> set[str]:
    """The kanji of a text (``々`` and ``〆`` included).

    >>> kanji_of("取り締まり") == {"取", "締"}
    True
    """
    return set(_KANJI.findall(text))


def merges_other_word(lemma: str, written: str) -> bool:
    """Does UniDic's lemma name a different word than the written form, i.e. does the written
    form use a kanji the lemma lacks?

    >>> merges_other_word("上げる", "挙げる"), merges_other_word("子供", "子ども")
    (True, False)
    """
    return bool(kanji_of(written) - kanji_of(lemma))


def is_number(text: str) -> bool:
    """Digits only (ASCII or full-width), e.g. ``2003`` or ``５０``.

    >>> is_number("５０"), is_number("五十")
    (True, False)
    """
    return bool(text) and all(unicodedata.category(c) == "Nd" for c in text)


def choose_lemma(lemma: str | None, orth_base: str | None, pos: POS) -> str:
    """The countable lemma of one unidic-lite word type.

    Parameters
    ----------
    lemma : UniDic ``lemma`` (``f[7]``); None or ``""`` for unknown words.
    orth_base : UniDic ``orthBase`` (``f[10]``, the base form as written); for unknown words the
        surface.
    pos : ``(pos1, pos2, pos3, pos4)``.

    >>> choose_lemma("為る", "する", ("動詞", "非自立可能", "*", "*"))
    'する'
    """
    written = orth_base or ""
    if not lemma or lemma == "*":
        return written
    if is_number(written):
        return written
    base = strip_gloss(lemma)
    if pos[1] == "固有名詞" and is_katakana(base) and written and not is_katakana(written):
        return written
    if is_hiragana(written) and has_kanji(base):
        return written
    if has_kanji(written) and merges_other_word(base, written):
        return written
    if is_katakana(written) and is_katakana(base) and written != base and "・" not in written:
        return written
    return base
