"""Explanations of a fitted :class:`~discourse.framing.FramingClassifier`.

A linear model's decision for a sentence is ``intercept + sum(x_f * w_f)`` over its features.
:func:`top_features` lists the largest weights of each frame; :func:`explain` splits one
sentence's decision into token contributions: a lemma n-gram's contribution goes to its tokens
(shared equally), a character n-gram's to the characters it covers and from them to the tokens
holding those characters, a cue feature's to the tokens of the matched cue words. The token
contributions plus the intercept add up to the decision score exactly, so a scholar can say
which words made the model code the sentence as it did.

Example
-------
>>> exp = clf.explain("外国人への差別をなくそう。")            # doctest: +SKIP
>>> exp.tokens.query("frame == 'discrimination'").nlargest(3, "contribution")  # doctest: +SKIP
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._tok import SentenceTokens, is_punct, tokenize_sentences
from .data import as_sentence_table


def top_features(model: Any, n: int = 15) -> pd.DataFrame:
    """The ``n`` largest positive and ``n`` most negative weights of each frame.

    Returns ``frame``, ``direction`` (``positive``/``negative``), ``rank``, ``block`` (``word``,
    ``char``, ``cue``), ``feature``, ``weight``.
    """
    model._check_fitted()
    names = np.array(model.features_.feature_names, dtype=object)
    rows = []
    for j, frame in enumerate(model.frames_):
        w = model.coef_[j]
        for direction, order in (("positive", np.argsort(-w, kind="stable")), ("negative", np.argsort(w, kind="stable"))):
            picked = [i for i in order[:n] if (w[i] > 0 if direction == "positive" else w[i] < 0)]
            for rank, i in enumerate(picked, 1):
                block, feature = names[i].split(":", 1)
                rows.append({"frame": frame, "direction": direction, "rank": rank, "block": block,
                             "feature": feature, "weight": float(w[i])})
    return pd.DataFrame(rows, columns=["frame", "direction", "rank", "block", "feature", "weight"])


@dataclass(frozen=True)
class Explanation:
    """Why the classifier coded one sentence as it did.

    Attributes
    ----------
    sentence : the text.
    decisions : one row per frame: ``frame``, ``score`` (decision value), ``probability``,
        ``threshold`` (probability), ``predicted`` (bool), ``intercept``.
    tokens : one row per (frame, token): ``frame``, ``token``, ``start``, ``end``,
        ``contribution`` (sums with the intercept to ``score``).
    """

    sentence: str
    decisions: pd.DataFrame
    tokens: pd.DataFrame

    def top(self, frame: str, n: int = 5) -> pd.DataFrame:
        """The ``n`` tokens that pushed ``frame`` up most and down most."""
        part = self.tokens[self.tokens["frame"] == frame]
        return pd.concat([part.nlargest(n, "contribution"), part.nsmallest(n, "contribution")]).drop_duplicates()

    def to_text(self, n: int = 3) -> str:
        """A short report: each predicted frame (or the closest one) with its strongest tokens."""
        lines = [self.sentence]
        shown = self.decisions[self.decisions["predicted"]]
        if shown.empty:
            shown = self.decisions.nlargest(1, "probability")
        for row in shown.itertuples():
            part = self.tokens[self.tokens["frame"] == row.frame]
            up = ", ".join(f"{t} (+{c:.2f})" for t, c in part.nlargest(n, "contribution")[["token", "contribution"]].to_numpy() if c > 0)
            down = ", ".join(f"{t} ({c:.2f})" for t, c in part.nsmallest(n, "contribution")[["token", "contribution"]].to_numpy() if c < 0)
            mark = "coded" if row.predicted else "not coded"
            lines.append(f"  {row.frame}: p={row.probability:.2f} (threshold {row.threshold:.2f}, {mark}); "
                         f"for: {up or '-'}; against: {down or '-'}")
        return "\n".join(lines)


def explain(model: Any, sentence: str, *, language: str = "auto") -> Explanation:
    """Token contributions to each frame's decision for one sentence (see the module docstring)."""
    model._check_fitted()
    table = as_sentence_table([sentence], language=language)
    lang = table["language"][0]
    toks = tokenize_sentences([sentence], [lang])[0]
    x = model.transform(table).toarray()[0]
    contrib = x * model.coef_                             # (n_frames, n_features)
    token_of_char = _token_of_char(toks, len(sentence))
    per_token = _distribute(model, contrib, toks, sentence, lang, token_of_char)
    scores = contrib.sum(axis=1) + model.intercept_
    proba = model._proba(scores)
    decisions = pd.DataFrame({"frame": model.frames_, "score": scores, "probability": proba,
                              "threshold": model.proba_thresholds_, "predicted": model._decide(scores[None, :])[0].astype(bool),
                              "intercept": model.intercept_})
    rows = [{"frame": f, "token": toks.surface[i], "start": toks.start[i], "end": toks.end[i],
             "contribution": float(per_token[j, i])} for j, f in enumerate(model.frames_) for i in range(len(toks))]
    return Explanation(sentence, decisions, pd.DataFrame(rows, columns=["frame", "token", "start", "end", "contribution"]))


def _token_of_char(toks: SentenceTokens, n_chars: int) -> np.ndarray:
    """Index of the token holding each character (-1 for spaces): characters of gaps go to the
    preceding token, so that no weight is lost."""
    out = np.full(n_chars, -1, dtype=np.int64)
    for i, (s, e) in enumerate(zip(toks.start, toks.end)):
        out[s:e] = i
    last = -1
    for c in range(n_chars):
        if out[c] >= 0:
            last = out[c]
        else:
            out[c] = last if last >= 0 else (0 if len(toks) else -1)
    return out


def _distribute(model: Any, contrib: np.ndarray, toks: SentenceTokens, sentence: str, lang: str,
                token_of_char: np.ndarray) -> np.ndarray:
    n_frames, n_tok = contrib.shape[0], max(len(toks), 1)
    out = np.zeros((n_frames, n_tok))
    fs = model.features_
    n_word, n_char, n_cue = fs.block_sizes[:3]
    word_index = {w: i for i, w in enumerate(fs.word.vocabulary)}
    for feat, members in _word_members(toks, fs.word_ngrams).items():
        i = word_index.get(feat)
        if i is not None:
            out[:, members] += contrib[:, [i]] / len(members)
    char_index = {c: n_word + i for i, c in enumerate(fs.char.vocabulary)}
    for gram, chars in _char_members(sentence, fs.char_ngrams).items():
        i = char_index.get(gram)
        if i is not None:
            share = contrib[:, i] / len(chars)
            for c in chars:
                out[:, token_of_char[c]] += share
    if n_cue:
        _cue_share(out, contrib[:, n_word + n_char:n_word + n_char + n_cue], fs.cues, toks, lang)
    return out[:, :len(toks)] if len(toks) else out[:, :0]


def _word_members(toks: SentenceTokens, n: int) -> dict[str, list[int]]:
    """Each lemma n-gram of the sentence with the (non-punctuation) token indices it covers."""
    kept = [i for i, p in enumerate(toks.pos) if not is_punct(p)]
    out: dict[str, list[int]] = {}
    for k in range(1, n + 1):
        for a in range(len(kept) - k + 1):
            idx = kept[a:a + k]
            out.setdefault(" ".join(toks.lemma[i] for i in idx), []).extend(idx)
    return out


def _char_members(sentence: str, ngram_range: tuple[int, int]) -> dict[str, list[int]]:
    """Each character n-gram (as :func:`char_features` makes them) with the offsets in
    ``sentence`` of the characters it covers."""
    chars: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(sentence):
        for folded in ch.casefold():
            if folded.isspace():
                if chars and chars[-1] != " ":
                    chars.append(" ")
                    where.append(i)
            else:
                chars.append(folded)
                where.append(i)
    if chars and chars[-1] == " ":
        chars.pop()
        where.pop()
    text = "".join(chars)
    lo, hi = ngram_range
    out: dict[str, list[int]] = {}
    for k in range(lo, hi + 1):
        for a in range(len(text) - k + 1):
            out.setdefault(text[a:a + k], []).extend(where[a:a + k])
    return out


def _cue_share(out: np.ndarray, contrib: np.ndarray, cues: Any, toks: SentenceTokens, lang: str) -> None:
    """Give each frame's cue-feature contribution to the tokens of the cues that matched
    (to all tokens equally when only a text cue matched)."""
    members = cues.matched_tokens(toks, lang)
    for j in range(contrib.shape[1]):
        total = contrib[:, j]
        if not total.any():
            continue
        idx = members.get(j) or list(range(len(toks)))
        out[:, idx] += total[:, None] / len(idx)
