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

Three sentence-level judgements serve the classifier's gates (coding rules 1 and 3 of the codebook):

- :func:`denies_claim`: the sentence rejects a claim as unfounded, false, a myth or a prejudice
  (…という根拠はない, …というのは誤りだ; no evidence that …), so it does not advance that claim;
- :func:`mask_names`: names of organisations, offices, events and laws (人権擁護局, 多文化共生推進室,
  「…に関する法律案」) replaced by placeholders, so a cue word inside a name counts for nothing;
- :func:`is_procedural`: a dated announcement, enactment or meeting, or a contact line.

All patterns are data, not code: ``corpora/codebooks/discourse_markers.toml`` (versioned; the
shipped model's manifest records the version it was trained with), read by :func:`load_markers`.

Example
-------
>>> markers("「外国人犯罪が増えている」という主張には根拠がない。")
{'neg': 2, 'quote': 2, 'growth': 1}
"""
from __future__ import annotations

import math
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from ..errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

MARKER_NAMES = ("neg", "quote", "whole", "growth", "number", "procedure", "question")
MARKERS_FILE = ("codebooks", "discourse_markers.toml")


@dataclass(frozen=True)
class MarkerData:
    """The compiled marker data (``corpora/codebooks/discourse_markers.toml``).

    ``markers[lang][name]``: one compiled pattern per marker; ``denial[lang]``: claim-rejecting
    expressions and ``denial_frames`` the frames a denied claim does not get; ``names[lang]``:
    ``(pattern, placeholder)`` pairs of organisation and law names; ``procedural[lang]``: procedural
    sentence patterns; ``version`` of the file."""

    version: str
    markers: Mapping[str, Mapping[str, re.Pattern]]
    denial: Mapping[str, re.Pattern]
    denial_frames: tuple[str, ...]
    names: Mapping[str, tuple[tuple[re.Pattern, str], ...]]
    procedural: Mapping[str, re.Pattern]


def _join(patterns: Sequence[str], lang: str, where: str, *, case: bool = False) -> re.Pattern:
    """One pattern from alternatives; English ones ignore case unless ``case`` (names need capitals)."""
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE if lang == "en" and not case else 0)
    except re.error as exc:
        raise ConfigError(f"{where}: not a valid regular expression ({exc}): fix the pattern") from None


def _ja_names(raw: Mapping[str, Any], where: str) -> tuple[tuple[re.Pattern, str], ...]:
    end = "(?![一-龥々ァ-ヴー])"
    alt = lambda xs: "|".join(sorted(map(re.escape, xs), key=len, reverse=True))  # noqa: E731
    org, law = alt(raw["org_suffixes"]), alt(raw["law_suffixes"])
    quoted = lambda suffix: "|".join(f"{q[0]}[^{q[0]}{q[-1]}]{{2,80}}?(?:{suffix}){q[-1]}" for q in ("「」", "『』"))  # noqa: E731
    pats = [(quoted(f"{law}|法"), raw["law_placeholder"]), (quoted(org), raw["org_placeholder"]),
            (f"(?:{raw['run']}[一-龥々ァ-ヴー](?:{law})|{raw['short_law']}){end}", raw["law_placeholder"]),
            (f"{raw['run']}[一-龥々ァ-ヴー](?:{org}){end}", raw["org_placeholder"])]
    return tuple((_join([p], "ja", where), repl) for p, repl in pats)


@lru_cache(maxsize=4)
def load_markers(path: str | None = None) -> MarkerData:
    """Read and compile the marker data file (default: the bundled ``discourse_markers.toml``)."""
    from ..resources import resource

    file = Path(path) if path else resource(*MARKERS_FILE)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file}: not valid TOML: {exc}") from None
    for key in ("version", "markers", "denial", "names", "procedural"):
        if key not in data:
            raise ConfigError(f"{file}: missing key {key!r}: the marker file needs version, markers, denial, names, procedural")
    mk = {lang: {n: _join(table[n], lang, f"{file}: markers.{lang}.{n}") for n in MARKER_NAMES}
          for lang, table in data["markers"].items()}
    names = {"ja": _ja_names(data["names"], f"{file}: names"),
             "en": tuple((_join(data["names"]["en"][k], "en", f"{file}: names.en.{k}", case=True),
                          data["names"][f"{'org' if k == 'org' else 'law'}_placeholder"]) for k in ("law", "org"))}
    return MarkerData(version=str(data["version"]), markers=mk,
                      denial={lang: _join(data["denial"][lang], lang, f"{file}: denial.{lang}") for lang in ("ja", "en")},
                      denial_frames=tuple(data["denial"]["frames"]), names=names,
                      procedural={lang: _join(data["procedural"][lang], lang, f"{file}: procedural.{lang}")
                                  for lang in ("ja", "en")})


def _lang(language: str) -> str:
    return "en" if language == "en" else "ja"


def markers(text: str, language: str = "ja") -> dict[str, int]:
    """Counts of each marker in ``text`` (markers with a zero count are left out)."""
    pats = load_markers().markers[_lang(language)]
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


def denies_claim(text: str, language: str = "ja") -> bool:
    """Whether the sentence rejects a claim as a whole (unfounded, false, a myth, a prejudice).

    >>> denies_claim("外国人が増えると犯罪が増えるという根拠はない。")
    True
    >>> denies_claim("不法滞在は許されるものではない。")
    False
    """
    return bool(load_markers().denial[_lang(language)].search(text))


def mask_names(text: str, language: str = "ja") -> str:
    """``text`` with organisation, office, event and law names replaced by placeholders.

    >>> mask_names("法務省人権擁護局が相談に応じた。")
    'NAMEORGが相談に応じた。'
    """
    for pattern, placeholder in load_markers().names[_lang(language)]:
        text = pattern.sub(placeholder, text)
    return text


def is_procedural(text: str, language: str = "ja") -> bool:
    """Whether the sentence is procedural: a dated announcement, enactment or meeting, a contact line.

    >>> is_procedural("2023年6月9日、改正法が可決・成立した。")
    True
    """
    return bool(load_markers().procedural[_lang(language)].search(text.strip()))
