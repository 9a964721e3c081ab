"""Text normalization and sentence splitting for Japanese and English.

``normalize`` is applied to every ingested text; ``sentence_spans`` gives character spans of
sentences so that token offsets and sentence indices can be computed on the same string.

Example
-------
>>> from discourse.text import normalize, split_sentences
>>> normalize("ＮＰＡは\u3000ｶﾀｶﾅで「発表」した。\r\n")
'NPAは カタカナで「発表」した。'
>>> split_sentences("彼は「行く。」と言った。次だ！")
['彼は「行く。」と言った。', '次だ！']
"""
from __future__ import annotations

import re
import unicodedata

from .errors import check_choice

__all__ = ["normalize", "sentence_spans", "split_sentences", "is_cjk", "NORMALIZATION_FORMS"]

NORMALIZATION_FORMS = ("NFKC", "NFC", "none")
LANGUAGES = ("ja", "en")

# --- character classes ------------------------------------------------------------------------
_CJK_RANGES = (
    (0x3001, 0x303F),  # CJK symbols and punctuation (、。「」 ...), not the ideographic space
    (0x3040, 0x30FF),  # hiragana, katakana
    (0x31F0, 0x31FF),  # katakana phonetic extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF01, 0xFFEF),  # half-width and full-width forms
    (0x20000, 0x3FFFF),  # CJK extensions B-H
)


def is_cjk(ch: str) -> bool:
    """True for a Japanese/Chinese character: kana, kanji, CJK punctuation, full-width forms.

    >>> is_cjk("外"), is_cjk("。"), is_cjk("a")
    (True, True, False)
    """
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in _CJK_RANGES)


# --- normalize --------------------------------------------------------------------------------
_LINE_BREAKS = re.compile(r"\r\n|[\r\u2028\u2029\x85\x0b\x0c]")
_KEEP_AS_IS = re.compile("([\u2026\u2025])")  # … and ‥: NFKC would turn them into ... and ..
_VARIATION_SELECTORS = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_RUNS = re.compile(r"\n{3,}")


def normalize(text: str, *, form: str = "NFKC") -> str:
    """Normalize a text for analysis (applied to everything ``discourse.ingest`` reads).

    What changes, in this order:

    1. Line endings: ``\\r\\n``, ``\\r``, U+2028/U+2029, NEL, vertical tab and form feed (a PDF
       page break) become ``\\n``.
    2. Removed: zero-width and other format characters (Unicode category Cf: U+200B-U+200F,
       U+2060, BOM U+FEFF, soft hyphen U+00AD, bidi marks), variation selectors (U+FE00-FE0F,
       IVS), and control characters (category Cc) except newline and tab.
    3. Unicode normalization ``form`` (default NFKC): full-width ASCII → half-width
       (``ＮＰＡ１２３！？（）`` → ``NPA123!?()``), half-width katakana → full-width
       (``ｶﾞｲｺｸｼﾞﾝ`` → ``ガイコクジン``, ``｢｣｡､`` → ``「」。、``), ideographic space and no-break
       spaces → space, compatibility characters expanded (``①`` → ``1``, ``㈱`` → ``(株)``,
       ``㍻`` → ``平成``). Kept as they are: ``「」『』。、ー〜`` (NFKC leaves them) and ``…`` ``‥``
       (protected from NFKC, which would make them ``...``).
    4. Whitespace: tabs and runs of spaces → one space; spaces at the start and end of every line
       removed (Japanese paragraph indentation too); at most one blank line in a row; leading and
       trailing blank lines of the whole text removed.

    Parameters
    ----------
    text : the raw text.
    form : ``"NFKC"`` (default), ``"NFC"`` or ``"none"`` (steps 1, 2 and 4 only).

    Examples
    --------
    >>> normalize("　来日外国人犯罪は\u200b増加ｼﾀ。  \\r\\n\\r\\n\\r\\n（前年比１０％）\\t")
    '来日外国人犯罪は増加シタ。\\n\\n(前年比10%)'
    """
    check_choice("form", form, NORMALIZATION_FORMS)
    text = _LINE_BREAKS.sub("\n", text)
    text = _remove_invisible(text)
    if form != "none":
        text = "".join(part if _KEEP_AS_IS.fullmatch(part) else unicodedata.normalize(form, part)
                       for part in _KEEP_AS_IS.split(text))
    return _clean_whitespace(text)


def _remove_invisible(text: str) -> str:
    text = _VARIATION_SELECTORS.sub("", text)
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf"))


def _clean_whitespace(text: str) -> str:
    lines = (_SPACES.sub(" ", line).strip(" ") for line in text.split("\n"))
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip("\n")


# --- sentence splitting -----------------------------------------------------------------------
_PAIRS = {"「": "」", "『": "』", "（": "）", "(": ")", "【": "】", "〔": "〕", "［": "］", "[": "]",
          "｛": "｝", "{": "}", "〈": "〉", "《": "》", "“": "”", "‘": "’", "｢": "｣", "〝": "〟"}
_CLOSERS = frozenset(_PAIRS.values()) | {'"', "'"}
_JA_END = frozenset("。！？!?｡")
_JA_DOT = frozenset(".．")  # a period ends a Japanese sentence only after kana/kanji (増加した.)


def sentence_spans(text: str, language: str = "ja") -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the sentences of ``text`` (``text[start:end]``).

    Leading and trailing whitespace of each sentence is excluded; empty sentences are dropped.

    Japanese (``"ja"``): a sentence ends after ``。！？!?`` (a run of them counts as one end),
    together with any closing brackets/quotes that follow, and at every line break. A
    terminator inside a matched pair of brackets (``「」『』（）()【】`` ...) does not end the
    sentence; an unmatched bracket is ignored. A quotation that ends with a terminator and is
    directly followed by another quotation (``「はい。」「いいえ。」``) is a sentence of its own.
    A period (``.`` or ``．``) directly after kana/kanji also ends a sentence (texts that use
    ``，．``).

    English (``"en"``): a sentence ends at ``.``, ``!`` or ``?`` (plus closing quotes/brackets)
    followed by whitespace and an upper-case letter, a quote, a digit or an opening bracket;
    not after common abbreviations (Mr., Dr., e.g., i.e., U.N., vs., etc., initials, and No.,
    Art., p., Vol. before a number). Blank lines always end a sentence; a single line break
    ends one unless the next line starts with a lower-case letter (a hard-wrapped line).

    Examples
    --------
    >>> text = "政府は「治安が悪化した。」と述べた。しかし、統計は違う！"
    >>> [text[s:e] for s, e in sentence_spans(text)]
    ['政府は「治安が悪化した。」と述べた。', 'しかし、統計は違う！']
    """
    check_choice("language", language, LANGUAGES)
    spans: list[tuple[int, int]] = []
    for start, end in _segments(text, language):
        splitter = _ja_breaks if language == "ja" else _en_breaks
        cuts = [start, *splitter(text, start, end), end]
        spans.extend(_strip(text, a, b) for a, b in zip(cuts, cuts[1:]))
    return [s for s in spans if s[0] < s[1]]


def split_sentences(text: str, language: str = "ja") -> list[str]:
    """The sentences of ``text`` as strings (see :func:`sentence_spans`).

    >>> split_sentences("外国人犯罪が増えた。本当か？")
    ['外国人犯罪が増えた。', '本当か？']
    """
    return [text[s:e] for s, e in sentence_spans(text, language)]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _segments(text: str, language: str) -> list[tuple[int, int]]:
    """Line spans (Japanese) or paragraph/line spans (English) that sentences never cross."""
    if language == "ja":
        pattern = re.compile(r"[^\n\r\u2028\u2029]+")
        return [m.span() for m in pattern.finditer(text)]
    cuts = [0] + [m.end() for m in re.finditer(r"\n[^\S\n]*\n\s*|\n(?=[^\S\n]*[^\sa-z])", text)] + [len(text)]
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if a < b]


def _bracket_depth(text: str, start: int, end: int) -> list[int]:
    """Depth of matched-bracket nesting at each position of ``text[start:end]`` (a position
    holding an opener or its closer counts as outside); unmatched brackets are ignored."""
    stack: list[tuple[str, int]] = []
    delta = [0] * (end - start + 1)
    for i in range(start, end):
        ch = text[i]
        if ch in _PAIRS and not (ch in _CLOSERS and stack and _PAIRS[stack[-1][0]] == ch):
            stack.append((ch, i))
        elif ch in _CLOSERS and any(_PAIRS[o] == ch for o, _ in stack):
            while _PAIRS[stack[-1][0]] != ch:
                stack.pop()
            _, j = stack.pop()
            delta[j - start + 1] += 1
            delta[i - start] -= 1
    depth, out = 0, []
    for d in delta[:-1]:
        depth += d
        out.append(depth)
    return out


def _ja_breaks(text: str, start: int, end: int) -> list[int]:
    depth = _bracket_depth(text, start, end)
    cuts: list[int] = []
    i = start
    while i < end:
        ch = text[i]
        inside = depth[i - start] > 0
        if not inside and (ch in _JA_END or (ch in _JA_DOT and i > start and _is_kana_kanji(text[i - 1]))):
            i = _skip(text, _skip(text, i + 1, end, _JA_END | _JA_DOT), end, _CLOSERS)
            cuts.append(i)
            continue
        if _quote_ends_sentence(text, i, start, end, depth):
            cuts.append(i + 1)
        i += 1
    return [c for c in cuts if c < end]


def _skip(text: str, i: int, end: int, chars: frozenset[str]) -> int:
    while i < end and text[i] in chars:
        i += 1
    return i


def _quote_ends_sentence(text: str, i: int, start: int, end: int, depth: list[int]) -> bool:
    """``「はい。」「いいえ。」``: an outermost closing quote after a terminator, followed by
    another opening bracket or by whitespace, ends a sentence."""
    if text[i] not in _CLOSERS or i + 1 >= end or depth[i - start] != 0 or i == start:
        return False
    if i - 1 - start < 0 or depth[i - 1 - start] == 0 or text[i - 1] not in _JA_END:
        return False
    return text[i + 1] in _PAIRS or text[i + 1].isspace()


def _is_kana_kanji(ch: str) -> bool:
    return is_cjk(ch) and ch not in _CLOSERS and not 0xFF01 <= ord(ch) <= 0xFF5E


_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st jr sr mt gen gov sen rep rev hon col lt capt sgt messrs mme "
    "e.g i.e u.n u.s u.k e.u a.m p.m etc vs cf al approx dept est inc ltd co corp bros "
    "jan feb mar apr jun jul aug sep sept oct nov dec ca viz".split())
_NUMERIC_ABBREVIATIONS = frozenset("no nos art arts p pp para paras vol vols fig figs ch sec chap op".split())
_EN_END = re.compile(r"[.!?]+[\"'”’)\]」]*(?=\s+[\"'“‘(\[「A-Z0-9])")


def _en_breaks(text: str, start: int, end: int) -> list[int]:
    cuts = []
    for m in _EN_END.finditer(text, start, end):
        if text[m.start():m.end()].startswith(".") and m.end() - m.start() >= 1 and text[m.start()] == "." \
                and not text[m.start():m.end()].startswith("..") and _is_abbreviation(text, m.start(), end):
            continue
        cuts.append(m.end())
    return cuts


def _is_abbreviation(text: str, dot: int, end: int) -> bool:
    """Is the word before the period at ``dot`` an abbreviation (Mr., U.N., J., No. 5)?"""
    i = dot
    while i > 0 and not text[i - 1].isspace() and text[i - 1] not in "\"'“‘([":
        i -= 1
    word = text[i:dot].lower()
    if not word:
        return False
    if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()) or re.fullmatch(r"(?:[a-z]\.)+[a-z]", word):
        return True
    nxt = text[dot + 1:end].lstrip()[:1]
    return word in _NUMERIC_ABBREVIATIONS and nxt.isdigit()
