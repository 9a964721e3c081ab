"""Discourse markers: what a sentence does with a claim, as classifier features.

Real texts defeat a bag of words in recurring ways: an NGO statement quotes the state's claim in
order to reject it (「外国人犯罪が増えている」という主張には根拠がない), a white paper reports growth
figures, a statement opens with procedure (当会は…声明を発表する). The words of the claim are the same;
what differs is negation, quotation or report, the comparison made, and the sentence's procedural role.
This module turns those into a small, fixed set of features (no fitting, no text stored), and crosses
negation and quotation with the codebook cues so that a model can learn that a *negated* or *quoted*
threat cue points away from the threat frame.

Markers (each a regular expression per language; counted, then ``log1p``):

- ``neg``: negation and denial (ない, ず, ではない, 根拠は…ない, 誤り, 誤解, 偏見, デマ; not, no, never,
  myth, unfounded, no evidence);
- ``quote``: quotation or reported speech (「…」, とされる, と言われる, という主張/言説/報道,
  と述べ, によれば; claims, so-called, according to, "…");
- ``whole``: comparison with the whole or the population (全体, 割合, 比率, 人口比, 占める, 日本人,
  総数, 人口10万人; share, proportion, per capita, population);
- ``growth``: change within the group (増加, 減少, 前年比, 倍, 過去最多, 急増, 推移; increase, rise,
  record, doubled);
- ``number``: a figure (digits, 万, %);
- ``procedure``: procedural or organisational sentences (声明, 要請, 申し入れ, 開催, 当会, 本会, 会長,
  下記, 以上, 記者会見; we urge, we call on, hereby, press conference);
- ``question``: a question or rhetorical question (か。, ？; ?).

Crossed features: ``neg×<frame>`` and ``quote×<frame>`` for every frame whose cues the sentence
matches, so the classifier can weigh a negated or quoted cue differently from an asserted one.

Example
-------
>>> markers("「外国人犯罪が増えている」という主張には根拠がない。")
{'neg': 2, 'quote': 2, 'growth': 1}
"""
from __future__ import annotations

import math
import re
from typing import Mapping, Sequence

import numpy as np

MARKER_NAMES = ("neg", "quote", "whole", "growth", "number", "procedure", "question")

_PATTERNS = {
    "ja": {
        "neg": r"(?:ない|なく|なかった|ません|ず[にのとも。、]|ぬ|ではない|とは言えない|とはいえない|根拠[はがも]|誤り|誤解|偏見|デマ|神話|事実無根|否定)",
        "quote": r"(?:「[^」]{2,}」|『[^』]{2,}』|とされ|と言われ|といわれ|という(?:主張|言説|報道|見方|声|議論|指摘|イメージ)|(?:である|だ|とする|している|ている|た)という|と述べ|と発言|と強調|と主張|によれば|によると|いわゆる)",
        "whole": r"(?:全体|割合|比率|人口比|占め|日本人|総数|全検挙|人口10万|10万人当たり|人口あたり|人口当たり|登録者数|在留者数)",
        "growth": r"(?:増加|減少|前年比|前年同期比|[0-9０-９.]+倍|過去最多|過去最高|急増|激増|倍増|増え|減っ|推移|ピーク|半減)",
        "number": r"(?:[0-9０-９]+|[一二三四五六七八九十百千]+万|％|%)",
        "procedure": r"(?:声明|要請|申し入れ|申入れ|開催|当会|本会|会長|下記|以上|記者会見|談話|決議|署名|提出|求めます|求める)",
        "question": r"(?:か。|か？|？|\?)",
    },
    "en": {
        "neg": r"\b(?:not|no|never|none|nor|cannot|without|myth|false|unfounded|baseless|misleading|prejudice)\b|n't",
        "quote": r"(?:\"[^\"]{2,}\"|“[^”]{2,}”|\bso-called\b|\bclaim(?:s|ed)?\b|\ballege(?:s|d)?\b|\baccording to\b|\bsaid\b|\bstated\b)",
        "whole": r"\b(?:share|proportion|per capita|population|percent of all|total|overall|compared with|rate per)\b",
        "growth": r"\b(?:increas\w*|ris(?:e|es|ing)|rose|grow\w*|decreas\w*|declin\w*|fell|record|doubled|surge\w*|peak\w*)\b",
        "number": r"[0-9]",
        "procedure": r"\b(?:we (?:urge|call|demand|request)|hereby|press conference|statement|resolution|submitted)\b",
        "question": r"\?",
    },
}
_COMPILED = {lang: {k: re.compile(v, re.IGNORECASE if lang == "en" else 0) for k, v in pats.items()}
             for lang, pats in _PATTERNS.items()}


def markers(text: str, language: str = "ja") -> dict[str, int]:
    """Counts of each marker in ``text`` (markers with a zero count are left out)."""
    pats = _COMPILED.get(language, _COMPILED["ja"])
    out = {name: len(pats[name].findall(text)) for name in MARKER_NAMES}
    return {k: v for k, v in out.items() if v}


def marker_names(frames: Sequence[str]) -> list[str]:
    """Column names of :func:`marker_matrix`: the markers, then ``neg×<frame>`` and ``quote×<frame>``."""
    return [*MARKER_NAMES, *(f"neg×{f}" for f in frames), *(f"quote×{f}" for f in frames)]


def marker_row(text: str, language: str, cue_counts: Mapping[str, float] | Sequence[float], frames: Sequence[str]) -> np.ndarray:
    """One feature row: ``log1p`` marker counts, then negation and quotation crossed with the frames
    whose cues the sentence matches (1 when both are present)."""
    found = markers(text, language)
    cues = np.asarray([cue_counts.get(f, 0) for f in frames] if isinstance(cue_counts, Mapping) else cue_counts, dtype=float)
    base = [math.log1p(found.get(name, 0)) for name in MARKER_NAMES]
    has_cue = (cues > 0).astype(float)
    return np.concatenate([base, has_cue * bool(found.get("neg")), has_cue * bool(found.get("quote"))])


def marker_matrix(texts: Sequence[str], languages: Sequence[str], cue_counts: np.ndarray, frames: Sequence[str]) -> np.ndarray:
    """:func:`marker_row` for many sentences: ``(n_sentences, len(marker_names(frames)))``."""
    if not len(texts):
        return np.zeros((0, len(marker_names(frames))))
    return np.vstack([marker_row(t, lang, c, frames) for t, lang, c in zip(texts, languages, np.asarray(cue_counts))])
