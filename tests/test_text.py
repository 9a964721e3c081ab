"""Normalization and sentence splitting: hand-written expected outputs."""
from __future__ import annotations

import pytest

from discourse.errors import ConfigError
from discourse.text import detect_language, is_cjk, normalize, sentence_spans, split_sentences


# --- normalize ------------------------------------------------------------------------------
@pytest.mark.parametrize("raw, expected", [
    ("ＮＰＡ２００４年", "NPA2004年"),                       # full-width ASCII -> half-width
    ("（前年比１０％増）！？", "(前年比10%増)!?"),
    ("ｶﾞｲｺｸｼﾞﾝ ﾊﾝｻﾞｲ", "ガイコクジン ハンザイ"),             # half-width katakana -> full-width, voiced marks composed
    ("｢外国人｣｡､", "「外国人」。、"),                         # half-width brackets/punctuation -> full-width
    ("「治安」『白書』。、ー〜", "「治安」『白書』。、ー〜"),     # kept as they are
    ("それは……違う‥", "それは……違う‥"),                     # … and ‥ protected from NFKC
    ("外国人\u3000労働者", "外国人 労働者"),                   # ideographic space -> space
    ("①㈱㍻", "1(株)平成"),                                 # compatibility characters expanded
    ("人\u200b権\u200d\ufeff", "人権"),                      # zero-width characters removed
    ("差\u00ad別", "差別"),                                  # soft hyphen removed
    ("葛\U000e0100飾", "葛飾"),                              # ideographic variation selector removed
    ("a\x00b\x07c\x1bd", "abcd"),                            # control characters removed
])
def test_normalize_characters(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_normalize_whitespace_and_lines() -> None:
    raw = "\u3000第一段落です。  \r\n続き\t\tです。 \r\r\n\n\n\n  第二段落。\x0c第三ページ。\n\n"
    assert normalize(raw) == "第一段落です。\n続き です。\n\n第二段落。\n第三ページ。"


def test_normalize_collapses_blank_lines_to_one() -> None:
    assert normalize("a\n \n\t\n\nb\n\nc") == "a\n\nb\n\nc"


def test_normalize_nfc_keeps_width() -> None:
    assert normalize("ＮＰＡ ｶﾀｶﾅ  x", form="NFC") == "ＮＰＡ ｶﾀｶﾅ x"
    assert normalize("か\u3099", form="NFC") == "が"
    assert normalize("ＮＰＡ\u200b \r\n", form="none") == "ＮＰＡ"


def test_normalize_is_idempotent() -> None:
    raw = "　ＮＰＡは ｶﾀｶﾅ…\r\n\r\n\r\n①「治安」。\u200b"
    once = normalize(raw)
    assert normalize(once) == once == "NPAは カタカナ…\n\n1「治安」。"


def test_normalize_rejects_unknown_form() -> None:
    with pytest.raises(ConfigError, match=r"form='NFKD' is not one of"):
        normalize("x", form="NFKD")


@pytest.mark.parametrize("text, language", [
    ("Migrants are not criminals.", "en"), ("来日外国人犯罪", "ja"), ("", "ja"), ("2004 / 12", "ja"),
    ("The NGO Ijuren (移住連) answered the National Police Agency statistics.", "en"),
    ("NPAとMOJはcrime statisticsを発表した", "ja"),
])
def test_detect_language(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_is_cjk() -> None:
    assert [is_cjk(c) for c in "外あア。「Ａa1 \u3000"] == [True] * 6 + [False] * 4


# --- sentence spans: Japanese ---------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("外国人犯罪が増加した。治安が悪化した。", ["外国人犯罪が増加した。", "治安が悪化した。"]),
    ("本当か！？嘘だ!!そうか?", ["本当か！？", "嘘だ!!", "そうか?"]),               # runs of terminators
    ("政府は「治安が悪化した。対策が必要だ。」と述べた。次。",
     ["政府は「治安が悪化した。対策が必要だ。」と述べた。", "次。"]),                    # 。 inside 「」
    ("『白書。』（注。詳細は後述。）を参照。", ["『白書。』（注。詳細は後述。）を参照。"]),  # 『』 and （）
    ("(注。)と(注!)がある。", ["(注。)と(注!)がある。"]),                             # ASCII parentheses
    ("「外国人。」「犯罪。」", ["「外国人。」", "「犯罪。」"]),                          # quote after quote
    ("彼は言った。「行くぞ。」", ["彼は言った。", "「行くぞ。」"]),
    ("増加した。」と述べた。", ["増加した。」", "と述べた。"]),                          # unmatched closer after 。
    ("見出し\n本文が続く。次の文。", ["見出し", "本文が続く。", "次の文。"]),             # line breaks end sentences
    ("（閉じない括弧。次の文。", ["（閉じない括弧。", "次の文。"]),                      # unmatched opener ignored
    ("増加した.次に3.5%増えた.", ["増加した.", "次に3.5%増えた."]),                     # ASCII period after kana
    ("  \u3000字下げ。  \n\n  ", ["字下げ。"]),                                         # whitespace excluded
    ("", []),
])
def test_split_sentences_japanese(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_sentence_spans_are_exact_offsets() -> None:
    text = " 来日外国人犯罪。\n　「治安。」と述べた！ "
    spans = sentence_spans(text, "ja")
    assert spans == [(1, 9), (11, 21)]
    assert [text[s:e] for s, e in spans] == ["来日外国人犯罪。", "「治安。」と述べた！"]


# --- sentence spans: English ----------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("Crime rose. Migrants were blamed.", ["Crime rose.", "Migrants were blamed."]),
    ("Mr. Ishihara spoke. Dr. Sato replied.", ["Mr. Ishihara spoke.", "Dr. Sato replied."]),
    ("The U.N. Special Rapporteur visited. He met NGOs.", ["The U.N. Special Rapporteur visited.", "He met NGOs."]),
    ("See Art. 9 and No. 5 of the Act. Then stop.", ["See Art. 9 and No. 5 of the Act.", "Then stop."]),
    ("Rights, e.g. Due process, i.e. Fairness. Next.", ["Rights, e.g. Due process, i.e. Fairness.", "Next."]),
    ("Japan vs. Others and drugs, guns etc. Were cited.", ["Japan vs. Others and drugs, guns etc. Were cited."]),
    ("Why? Because! \"Quoted.\" (Aside.) 98% were Japanese.",
     ["Why?", "Because!", "\"Quoted.\"", "(Aside.)", "98% were Japanese."]),
    ("It fell 3.5 percent. J. R. Smith said so.", ["It fell 3.5 percent.", "J. R. Smith said so."]),
    ("no split here. lower case follows.", ["no split here. lower case follows."]),
    ("Title line\nA new sentence.\nand a wrapped one. End.\n\nNext paragraph",
     ["Title line", "A new sentence.\nand a wrapped one.", "End.", "Next paragraph"]),
])
def test_split_sentences_english(text: str, expected: list[str]) -> None:
    assert split_sentences(text, language="en") == expected


def test_sentence_spans_rejects_unknown_language() -> None:
    with pytest.raises(ConfigError, match=r"language='jp' is not one of \['ja', 'en'\]"):
        sentence_spans("x", language="jp")


def test_spans_cover_all_non_space_text() -> None:
    """Every non-whitespace character belongs to exactly one sentence; spans are ordered."""
    text = "政府は「治安。」と述べた。しかし\n統計は違う！NGOは反論した?\n\n  最後"
    spans = sentence_spans(text)
    assert all(a < b for a, b in spans) and all(e1 <= s2 for (_, e1), (s2, _) in zip(spans, spans[1:]))
    covered = "".join(text[s:e] for s, e in spans)
    assert covered.replace("\n", "") == "".join(text.split())
