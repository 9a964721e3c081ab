"""Decoding plain-text bytes: BOM, UTF-8, Japanese legacy encodings, never mojibake.

Order of decisions (:func:`decode_bytes`):

1. A byte-order mark decides: UTF-8 (``utf-8-sig``), UTF-16 LE/BE, UTF-32 LE/BE.
2. Known binary formats (images, office files, archives) and NUL bytes are rejected.
3. ISO-2022-JP escape sequences (``ESC $ B``) → ``iso2022_jp``.
4. Strict UTF-8 → ``utf-8`` (unless the result is implausible, e.g. ``2004ǯ``: a short EUC-JP
   text can be valid UTF-8 by chance; then UTF-8 competes in step 5 with a prior of 0.3).
5. Strict decoding with ``cp932`` (Shift_JIS as written by Windows, a superset of Shift_JIS;
   Shift_JIS files are reported as ``cp932``), ``euc_jp``, ``euc_jis_2004`` (EUC with ①, ㈱)
   and ``cp1252``, plus
   charset-normalizer's guess when it is a single-byte codec; every candidate that decodes is
   scored by :func:`plausibility` (first 65,536 characters) and the best wins.
6. No candidate reaches 0.3 → :class:`~discourse.errors.IngestError` naming the file and the
   fix; more than 1% C0 control characters → the same (a binary file). Never mojibake.

Limits: a text of only a few half-width katakana (``ｶﾀｶﾅ``) or a few kanji is valid, plausible
text in both cp932 and EUC-JP and may be read in the wrong one; one hiragana settles it.

Example
-------
>>> decode_bytes("外国人の人権".encode("euc_jp"), "a.txt")
('外国人の人権', 'euc_jp')
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from ..errors import IngestError

__all__ = ["decode_bytes", "plausibility", "sniff_binary", "reject_binary", "check_controls", "JAPANESE_LEGACY"]

JAPANESE_LEGACY = ("cp932", "euc_jp", "euc_jis_2004")  # in order of preference on ties
MIN_PLAUSIBILITY = 0.3
_SAMPLE = 65536  # characters (or bytes) scored; the whole file must still decode strictly

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"PK\x03\x04", "a ZIP archive (or a .docx/.xlsx/.pptx office file)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office file (.doc/.xls/.ppt)"),
    (b"{\\rtf", "an RTF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "a program (ELF binary)"),
    (b"%!PS", "a PostScript file"),
)
_FIX = ("save it as UTF-8 text (.txt), HTML or PDF and list that file instead")


def sniff_binary(data: bytes) -> str | None:
    """A description such as ``"a PNG image"`` when ``data`` starts like a known binary format."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    if data[8:12] == b"WEBP" and data.startswith(b"RIFF"):
        return "a WebP image"
    return None


def decode_bytes(data: bytes, path: str | Path = "<bytes>") -> tuple[str, str]:
    """Decode the bytes of a text file; return ``(text, encoding)``.

    Parameters
    ----------
    data : the raw bytes.
    path : the file name, used in error messages.

    Raises
    ------
    IngestError : binary data, or bytes that no supported encoding decodes plausibly.

    Examples
    --------
    >>> decode_bytes("治安".encode("cp932"), "a.txt")
    ('治安', 'cp932')
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data[len(bom):], encoding.replace("-sig", ""), path), encoding
    reject_binary(data, path)
    if b"\x1b$B" in data or b"\x1b$@" in data or b"\x1b(J" in data:
        return _strict(data, "iso2022_jp", path), "iso2022_jp"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return _best_legacy(data, path, None)
    if _TWO_BYTE_UTF8.search(text) is None or plausibility(text[:_SAMPLE]) >= 0.5:
        return check_controls(text, path), "utf-8"
    return _best_legacy(data, path, text)  # short legacy texts can be valid UTF-8 by chance


def _strict(data: bytes, encoding: str, path: str | Path) -> str:
    try:
        return check_controls(data.decode(encoding), path)
    except UnicodeDecodeError as exc:
        raise IngestError(f"{path}: starts with a {encoding} byte-order mark/escape but byte {exc.start} "
                          f"cannot be decoded as {encoding}: the file is damaged; {_FIX}") from None


def reject_binary(data: bytes, path: str | Path) -> None:
    """Raise :class:`IngestError` for a known binary format or NUL bytes."""
    what = sniff_binary(data)
    if what:
        raise IngestError(f"{path}: looks like {what}, not text: {_FIX}")
    if b"\x00" in data:
        raise IngestError(f"{path}: contains NUL bytes, so it is a binary file or UTF-16/32 without a "
                          f"byte-order mark: {_FIX} (or with a BOM)")


def check_controls(text: str, path: str | Path) -> str:
    """Return ``text``; raise :class:`IngestError` when more than 1% are C0 control characters."""
    controls = len(_CONTROLS.findall(text))
    if controls > max(2, len(text) // 100):
        raise IngestError(f"{path}: {controls} control characters in {len(text)}: this is not a text "
                          f"file (or its encoding is not supported): {_FIX}")
    return text


def _best_legacy(data: bytes, path: str | Path, utf8: str | None) -> tuple[str, str]:
    scored = [] if utf8 is None else [(plausibility(utf8[:_SAMPLE]) + _PRIOR["utf-8"], "utf-8", utf8)]
    for encoding in _candidates(data):
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        scored.append((plausibility(text[:_SAMPLE]) + _PRIOR.get(encoding, 0.0), encoding, text))
    scored.sort(key=lambda item: -item[0])
    if utf8 is not None and scored[0][0] < MIN_PLAUSIBILITY:
        return check_controls(utf8, path), "utf-8"  # valid UTF-8 and nothing better: keep it
    if not scored or scored[0][0] < MIN_PLAUSIBILITY:
        tried = ", ".join(f"{e} ({s:.2f})" for s, e, _ in scored) or "none decoded it"
        raise IngestError(f"{path}: cannot tell the text encoding (not UTF-8; plausibility of "
                          f"{tried} too low): {_FIX}")
    _, encoding, text = scored[0]
    return check_controls(text, path), encoding


# Valid UTF-8 is strong evidence; Windows-written Shift_JIS is the most common legacy Japanese
# encoding and cp1252 the most common legacy Western one: small priors break near-ties (a few
# characters that are valid, plausible text in two encodings).
_PRIOR = {"utf-8": 0.3, "cp932": 0.05, "cp1252": 0.02}
# charset-normalizer's guess is used only when it is a single-byte (Western/Cyrillic) codec:
# Chinese/Korean codecs decode Japanese bytes into plausible-looking hanzi.
_SINGLE_BYTE = ("cp125", "iso8859", "mac-", "koi8", "cp437", "cp85", "cp86")
_TWO_BYTE_UTF8 = re.compile("[\x80-\u07ff]")
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f]")  # not tab, line breaks, form feed, ESC


def _candidates(data: bytes) -> list[str]:
    candidates = [*JAPANESE_LEGACY, "cp1252"]
    guess = _charset_normalizer_guess(data)
    if guess and guess not in candidates and codecs.lookup(guess).name.startswith(_SINGLE_BYTE):
        candidates.append(guess)
    return candidates


def _charset_normalizer_guess(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    best = from_bytes(data[:_SAMPLE]).best()  # only single-byte guesses are used: cutting is safe
    return best.encoding if best is not None else None


def plausibility(text: str) -> float:
    """Mean plausibility (-1 to 1) of the non-ASCII characters of a decoded text.

    Weights: kana and Japanese punctuation 1; JIS level-1 kanji 0.6, level-2 kanji 0.2; full-width
    forms 0.6; NEC specials (①, ㈱) 0.5; half-width katakana 0.5, half-width ``｡｢｣､･`` -0.2;
    JIS symbols, Greek, Cyrillic 0.3; private-use and control characters -1. Latin-1/Latin
    extended characters and typographic quotes score 0.8 when they stand alone between ASCII
    characters (``café``, ``“word”``; Latin Extended-B and IPA 0.2) and -0.5 in runs (``Ã©``
    mojibake) or, for quotes and dashes, glued between two letters/digits (``2004”N``); next to
    kana/kanji, typographic punctuation (``……``, ``“”``) scores 0.5. A text without non-ASCII
    characters scores 1.

    >>> round(plausibility("外国人の人権"), 2), round(plausibility("ｳｷﾀ､ﾎ"), 2)
    (0.67, 0.36)
    """
    total, n = 0.0, 0
    for i, ch in enumerate(text):
        if ch < "\x80":
            continue
        n += 1
        total += _char_weight(text, i, ch)
    return total / n if n else 1.0


def _char_weight(text: str, i: int, ch: str) -> float:
    code = ord(ch)
    if 0x3041 <= code <= 0x30FF or 0x3001 <= code <= 0x303F:
        return 1.0
    if 0x4E00 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF:
        return _kanji_weight(ch)
    if 0xFF01 <= code <= 0xFF5E or ch in "￥￠￡￢":
        return 0.6
    if 0xFF61 <= code <= 0xFF65:  # ｡｢｣､･: frequent in EUC-JP read as cp932, rare in real text
        return -0.2
    if 0xFF66 <= code <= 0xFF9F:
        return 0.5
    if 0xE000 <= code <= 0xF8FF or unicodedata.category(ch) in ("Cc", "Co", "Cn"):
        return -1.0
    if ch in _TYPOGRAPHIC and (_japanese_at(text, i - 1) or _japanese_at(text, i + 1)):
        return 0.5  # 外国人……, “共生”: typographic punctuation in Japanese text (JIS row 1)
    if _is_latin(ch):
        alone = _ascii_or_edge(text, i - 1) and _ascii_or_edge(text, i + 1)
        glued = ch in _TYPOGRAPHIC and _alnum_at(text, i - 1) and _alnum_at(text, i + 1)
        if not alone or glued:
            return -0.5
        return 0.8 if code <= 0x017F or code > 0x2000 else 0.2  # Latin Extended-B, IPA: rare
    return _jis_symbol_weight(ch)


def _kanji_weight(ch: str) -> float:
    try:
        lead = ch.encode("cp932")[0]
    except UnicodeEncodeError:
        return 0.0
    if 0x88 <= lead <= 0x97 or (lead == 0x98 and ch.encode("cp932")[1] <= 0x72):
        return 0.6
    return 0.2 if 0x98 <= lead <= 0xEA else 0.0


def _jis_symbol_weight(ch: str) -> float:
    """JIS rows 1-8 (symbols, Greek, Cyrillic, box drawing) 0.3; NEC row 13 (①, ㈱) 0.5."""
    try:
        encoded = ch.encode("cp932")
    except UnicodeEncodeError:
        return 0.1
    if len(encoded) == 2 and 0x81 <= encoded[0] <= 0x84:
        return 0.3
    return 0.5 if len(encoded) == 2 and encoded[0] == 0x87 else 0.1


def _is_latin(ch: str) -> bool:
    return 0x00A0 <= ord(ch) <= 0x02FF and ch not in "×÷" or ch in "‘’“”‚„–—…•€†‡‰‹›™"


_TYPOGRAPHIC = frozenset("‘’“”„‚–—…‥•°±§")


def _japanese_at(text: str, i: int) -> bool:
    return 0 <= i < len(text) and ("\u3041" <= text[i] <= "\u30ff" or "\u4e00" <= text[i] <= "\u9fff")


def _alnum_at(text: str, i: int) -> bool:
    return 0 <= i < len(text) and text[i].isascii() and text[i].isalnum()


def _ascii_or_edge(text: str, i: int) -> bool:
    return i < 0 or i >= len(text) or text[i] < "\x80"
