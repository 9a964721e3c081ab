r"""Text normalization and sentence splitting for Japanese and English.

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

import bisect
import functools
import re
import unicodedata

from .errors import check_choice

__all__ = ["normalize", "sentence_spans", "split_sentences", "is_cjk", "detect_language", "NORMALIZATION_FORMS"]

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


_JAPANESE_CHARS = re.compile("[\u3041-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
_LATIN_LETTERS = re.compile("[A-Za-z]")


def detect_language(text: str) -> str:
    """``"ja"`` when kana/kanji make up at least 15% of the letters (first 20,000 characters),
    else ``"en"`` when there are Latin letters, else ``"ja"``.

    >>> detect_language("Migrants are not criminals."), detect_language("NPAは外国人犯罪を発表した。")
    ('en', 'ja')
    """
    sample = text[:20000]
    japanese, latin = len(_JAPANESE_CHARS.findall(sample)), len(_LATIN_LETTERS.findall(sample))
    return "ja" if japanese >= 0.15 * (japanese + latin) or latin == 0 else "en"


# --- normalize --------------------------------------------------------------------------------
_LINE_BREAKS = re.compile(r"\r\n|[\r\u2028\u2029\x85\x0b\x0c]")
_KEEP_AS_IS = re.compile("([\u2026\u2025])")  # … and ‥: NFKC would turn them into ... and ..
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
        text = "\n".join(_normalize_line(line, form) for line in text.split("\n"))
    return _clean_whitespace(text)


def _normalize_line(line: str, form: str) -> str:
    """Unicode normalization of one line (a newline never composes, so lines are independent;
    CPython's quick check makes already-normal lines nearly free)."""
    if unicodedata.is_normalized(form, line):  # type: ignore[arg-type]
        return line
    return "".join(part if _KEEP_AS_IS.fullmatch(part) else unicodedata.normalize(form, part)  # type: ignore[arg-type]
                   for part in _KEEP_AS_IS.split(line))


def _remove_invisible(text: str) -> str:
    return _invisible().sub("", text)


@functools.lru_cache(maxsize=1)
def _invisible() -> re.Pattern[str]:
    """Regex of every Cc/Cf character of this Python's Unicode database (but newline and tab)
    and of the variation selectors; built once. Planes 0-1 and 14 hold all of them (Unicode 15)."""
    ranges: list[list[int]] = []
    for code in (*range(0x20000), *range(0xE0000, 0xE1000)):
        if chr(code) not in "\n\t" and unicodedata.category(chr(code)) in ("Cc", "Cf"):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    body = "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in ranges)
    return re.compile(f"[{body}\ufe00-\ufe0f\U000e0100-\U000e01ef]")


def _clean_whitespace(text: str) -> str:
    lines = (_SPACES.sub(" ", line).strip(" ") for line in text.split("\n"))
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip("\n")


# --- sentence splitting -----------------------------------------------------------------------
_PAIRS = {"「": "」", "『": "』", "（": "）", "(": ")", "【": "】", "〔": "〕", "［": "］", "[": "]",
          "｛": "｝", "{": "}", "〈": "〉", "《": "》", "“": "”", "‘": "’", "｢": "｣", "〝": "〟"}
_CLOSERS = frozenset(_PAIRS.values()) | {'"', "'"}
_QUOTE_OPENERS = frozenset("「『“‘｢〝")
_JA_END = frozenset("。！？!?｡")
_BRACKET = re.compile("[" + re.escape("".join(_PAIRS) + "".join(_CLOSERS)) + "]")
# A run of terminators (a period only after kana/kanji: 増加した.) plus the closers that follow.
_KANA_KANJI = "\u3041-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_JA_STOP = re.compile(f"(?:[。！？!?｡]|(?<=[{_KANA_KANJI}])[.．])[。！？!?｡.．]*"
                      "[" + re.escape("".join(sorted(_CLOSERS))) + "]*")


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


def _outer_brackets(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Outermost matched bracket pairs ``(opener, closer)`` in ``text[start:end]``; unmatched
    brackets are ignored."""
    stack: list[tuple[str, int]] = []
    pairs: list[tuple[int, int]] = []
    for m in _BRACKET.finditer(text, start, end):
        ch, i = m.group(), m.start()
        if ch in _PAIRS:
            stack.append((ch, i))
        elif any(_PAIRS[o] == ch for o, _ in stack):
            while _PAIRS[stack[-1][0]] != ch:
                stack.pop()
            pairs.append((stack.pop()[1], i))
    outer: list[tuple[int, int]] = []
    for o, c in sorted(pairs):
        if not outer or o > outer[-1][1]:
            outer.append((o, c))
    return outer


def _ja_breaks(text: str, start: int, end: int) -> list[int]:
    outer = _outer_brackets(text, start, end) if _BRACKET.search(text, start, end) else []
    openers = [o for o, _ in outer]
    cuts = []
    for m in _JA_STOP.finditer(text, start, end):
        k = bisect.bisect_left(openers, m.start()) - 1
        if k < 0 or m.start() > outer[k][1]:  # not inside a matched pair
            cuts.append(m.end())
    cuts += [c + 1 for o, c in outer if _quote_ends_sentence(text, c, end)]
    return sorted(c for c in set(cuts) if c < end)


def _quote_ends_sentence(text: str, closer: int, end: int) -> bool:
    """``「はい。」「いいえ。」``: an outermost closing bracket after a terminator, followed by
    an opening quote or by whitespace, ends a sentence."""
    nxt = closer + 1
    return nxt < end and text[closer - 1] in _JA_END and (text[nxt] in _QUOTE_OPENERS or text[nxt].isspace())


_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st jr sr mt gen gov sen rep rev hon col lt capt sgt messrs mme "
    "e.g i.e u.n u.s u.k e.u a.m p.m etc vs cf al approx dept est inc ltd co corp bros "
    "jan feb mar apr jun jul aug sep sept oct nov dec ca viz".split())
_NUMERIC_ABBREVIATIONS = frozenset("no nos art arts p pp para paras vol vols fig figs ch sec chap op".split())
_EN_END = re.compile(r"[.!?]+[\"'”’)\]」]*(?=\s+[\"'“‘(\[「A-Z0-9])")


def _en_breaks(text: str, start: int, end: int) -> list[int]:
    cuts = []
    for m in _EN_END.finditer(text, start, end):
        single_dot = m.group().startswith(".") and not m.group().startswith("..")
        if single_dot and _is_abbreviation(text, m.start(), m.end()):
            continue
        cuts.append(m.end())
    return cuts


def _is_abbreviation(text: str, dot: int, after: int) -> bool:
    """Is the word before the period at ``dot`` an abbreviation (Mr., U.N., J., No. 5)?"""
    i = dot
    while i > max(0, dot - 20) and not text[i - 1].isspace() and text[i - 1] not in "\"'“‘([":
        i -= 1
    word = text[i:dot].lower()
    if not word:
        return False
    if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()) or re.fullmatch(r"(?:[a-z]\.)+[a-z]", word):
        return True
    nxt = _NEXT_CHAR.match(text, after)
    return word in _NUMERIC_ABBREVIATIONS and nxt is not None and nxt.group(1).isdigit()


_NEXT_CHAR = re.compile(r"\s*(\S)")
