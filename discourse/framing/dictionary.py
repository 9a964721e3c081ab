"""Dictionary coding: codebook cue lexicons and user rules applied to sentences.

The codebook's cue lexicons become rules automatically (:func:`codebook_rules`): each cue is
normalized and tokenized with the package tokenizer of its language, and matched as a phrase of
lemmas (so 取締り matches 取り締まる-forms and a cue of several words matches consecutive
tokens). Japanese cues apply to Japanese sentences, English cues to English ones. The generated
rules are ordinary rule text (``codebook_rules().to_text()``): print them, edit them, pass them
back as ``DictionaryCoder(rules=...)``.

Example
-------
>>> coder = DictionaryCoder(rules={"discrimination": "差別 or 偏見"})
>>> coder.predict(["外国人への差別をなくす。", "治安が悪化した。"])   # doctest: +SKIP
[['discrimination'], []]
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from ..errors import ConfigError
from ..text import normalize
from ._tok import SentenceTokens, tokenize_sentences
from .codebook import Codebook, load_codebook
from .data import FrameCoding, as_sentence_table, corpus_sentences, frame_coding, labels_table, matrix_to_frame_lists
from .matching import SentenceBatch, SentenceContext, check_docvars, score
from .rules import RuleSet, parse_rules, read_rules

LANGUAGES = ("ja", "en")
_BAD_WORD = re.compile(r'[\s()",&|!=<>#/*]|^[A-Za-z]+:')


def cue_words(cue: str, language: str) -> tuple[str, ...]:
    """The case-folded lemmas of a cue's tokens (spaces dropped): what a cue matches.

    >>> cue_words("取締り", "ja")     # doctest: +SKIP
    ('取り締まり',)
    """
    from ._tok import sentence_tokens

    toks = sentence_tokens(normalize(cue), language)
    return tuple(lem.casefold() for lem, pos in zip(toks.lemma, toks.pos) if not pos.startswith("空白") and lem.strip())


def cue_rule_text(cue: str, language: str) -> str:
    """One cue as rule text: a term, a quoted phrase, or ``text:"..."`` when a token cannot be
    written as a term (it holds an operator character)."""
    words = cue_words(cue, language)
    if not words or any(_BAD_WORD.search(w) for w in words):
        return 'text:"' + normalize(cue).casefold().replace("\\", "\\\\").replace('"', '\\"') + '"'
    if len(words) == 1:
        return f"lemma:{words[0]}" if words[0] in ("and", "or", "not", "near", "seq") else words[0]
    return '"' + " ".join(words) + '"'


def codebook_rules(codebook: Codebook | None = None, *, languages: Sequence[str] = LANGUAGES) -> RuleSet:
    """Rules from a codebook's cue lexicons, one code per frame:
    ``(language == "ja" and (cue or cue ...)) or (language == "en" and (...))``."""
    cb = codebook or load_codebook()
    rules = {}
    for frame in cb.frames:
        parts = []
        for lang in languages:
            cues = list(dict.fromkeys(cue_rule_text(c, lang) for c in frame.cues(lang)))
            if cues:
                parts.append(f'(language == "{lang}" and ({" or ".join(cues)}))')
        rules[frame.id] = "\nor ".join(parts)
    return parse_rules(rules, source=f"codebook {cb.name!r}")


def resolve_rules(rules: Any, codebook: Codebook | None = None) -> RuleSet:
    """A RuleSet from a RuleSet, rule-file text, a mapping, a path to a rule file, or None
    (the codebook's cue rules)."""
    if rules is None:
        return codebook_rules(codebook)
    if isinstance(rules, RuleSet):
        return rules
    if isinstance(rules, Path) or (isinstance(rules, str) and "\n" not in rules and rules.endswith((".txt", ".rules"))):
        return read_rules(rules)
    if isinstance(rules, (str, Mapping)):
        return parse_rules(rules)
    raise ConfigError(f"rules={rules!r}: give a RuleSet, rule text, a {{code: rule}} mapping or a rule-file path")


class DictionaryCoder(BaseEstimator):
    """Transparent dictionary coding of sentences with rules.

    Parameters
    ----------
    rules : RuleSet, rule-file text or path, a ``{code: rule}`` mapping, or None for the codebook's
        cue rules (:func:`codebook_rules`).
    codebook : the codebook for ``rules=None`` (default: the bundled one).

    Notes
    -----
    ``fit`` only resolves the rules (a dictionary learns nothing), so the coder can be evaluated
    exactly like the classifier. Methods take a list of sentences or a sentence table (``text``,
    optionally ``language``, ``doc_id``) and optional ``docvars`` indexed by ``doc_id`` for rules
    that compare docvars.
    """

    def __init__(self, rules: Any = None, *, codebook: Codebook | None = None):
        self.rules = rules
        self.codebook = codebook

    def fit(self, X: Any = None, y: Any = None) -> "DictionaryCoder":
        self.rules_ = resolve_rules(self.rules, self.codebook)
        self.frames_ = list(self.rules_.codes)
        return self

    def _ready(self) -> RuleSet:
        if not hasattr(self, "rules_"):
            self.fit()
        return self.rules_

    def decision_function(self, X: Any, docvars: pd.DataFrame | None = None) -> np.ndarray:
        """Match counts (n_sentences, n_codes): how many alternatives of each rule matched.

        All sentences are evaluated at once over token arrays (:class:`~.matching.SentenceBatch`);
        the result equals the sentence-by-sentence evaluation of :func:`~.matching.score`."""
        rules = self._ready()
        table = as_sentence_table(X)
        batch = self._batch(table, docvars, rules)
        out = np.zeros((len(table), len(rules)), dtype=np.int32)
        for j, rule in enumerate(rules):
            out[:, j] = batch.score(rule.expr)
        return out

    def _batch(self, table: pd.DataFrame, docvars: pd.DataFrame | None, rules: RuleSet) -> SentenceBatch:
        extra = [c for c in table.columns if c not in ("text", "start", "end")]
        available = set(extra) | (set(docvars.columns) if docvars is not None else set())
        check_docvars(rules, available)
        texts = table["text"].tolist()
        toks = tokenize_sentences(texts, table["language"].tolist())
        columns = {name: _docvar_column(name, table, docvars, extra) for name in rules.docvars_used()}
        return SentenceBatch(toks, texts, columns)

    def _decision_reference(self, X: Any, docvars: pd.DataFrame | None = None) -> np.ndarray:
        """The sentence-by-sentence evaluation (one :class:`~.matching.SentenceContext` per
        sentence): the reference that the vectorised :meth:`decision_function` is tested and
        benchmarked against."""
        rules = self._ready()
        table = as_sentence_table(X)
        contexts = self._contexts(table, docvars, rules)
        out = np.zeros((len(table), len(rules)), dtype=np.int32)
        for i, ctx in enumerate(contexts):
            for j, rule in enumerate(rules):
                out[i, j] = score(rule.expr, ctx)
        return out

    def _contexts(self, table: pd.DataFrame, docvars: pd.DataFrame | None, rules: RuleSet) -> list[SentenceContext]:
        toks = tokenize_sentences(table["text"].tolist(), table["language"].tolist())
        extra = [c for c in table.columns if c not in ("text", "start", "end")]
        rows = table[extra].to_dict("records")
        per_doc = {} if docvars is None else docvars.to_dict("index")
        available = set(extra) | (set(docvars.columns) if docvars is not None else set())
        check_docvars(rules, available)
        return [SentenceContext(t, text, {**per_doc.get(row.get("doc_id"), {}), **row})
                for t, text, row in zip(toks, table["text"], rows)]

    def predict_indicator(self, X: Any, docvars: pd.DataFrame | None = None) -> np.ndarray:
        """0/1 matrix (n_sentences, n_codes)."""
        return (self.decision_function(X, docvars) > 0).astype(np.int8)

    def predict(self, X: Any, docvars: pd.DataFrame | None = None) -> list[list[str]]:
        """The codes of each sentence."""
        return matrix_to_frame_lists(self.predict_indicator(X, docvars), self._ready().codes)

    def code(self, X: Any, docvars: pd.DataFrame | None = None) -> pd.DataFrame:
        """The labels format (ids of the sentence table + one 0/1 column per code)."""
        table = as_sentence_table(X)
        return labels_table(table, self.predict_indicator(table, docvars), self._ready().codes)

    def code_corpus(self, corpus: Any, *, batch_size: int = 50000) -> FrameCoding:
        """Split a corpus into sentences and code them: labels, match counts, document shares
        (``batch_size`` sentences at a time)."""
        return self._code_corpus(corpus, batch_size, self.decision_function)

    def _code_reference(self, corpus: Any, *, batch_size: int = 10000) -> FrameCoding:
        """:meth:`code_corpus` with the sentence-by-sentence reference evaluation (benchmark and
        equality tests)."""
        return self._code_corpus(corpus, batch_size, self._decision_reference)

    def _code_corpus(self, corpus: Any, batch_size: int, decide: Any) -> FrameCoding:
        sentences, docvars = corpus_sentences(corpus), corpus.docvars
        parts = [decide(sentences.iloc[i:i + batch_size], docvars) for i in range(0, len(sentences), batch_size)]
        scores = np.vstack(parts) if parts else np.zeros((0, len(self._ready())), dtype=np.int32)
        return frame_coding(sentences, (scores > 0).astype(np.int8), scores, self._ready().codes)


def _docvar_column(name: str, table: pd.DataFrame, docvars: pd.DataFrame | None, extra: list[str]) -> Any:
    """A callable giving one value of docvar ``name`` per sentence: the sentence table's column
    when it has one, else the value of the sentence's document in ``docvars`` (None when absent),
    as the per-sentence evaluation resolves it."""
    def values() -> list[Any]:
        if name in extra:
            return table[name].tolist()
        if docvars is None or name not in docvars.columns:
            return [None] * len(table)
        per_doc = dict(zip(docvars.index.tolist(), docvars[name].tolist()))
        return [per_doc.get(d) for d in table["doc_id"].tolist()] if "doc_id" in extra else [None] * len(table)
    return values


class CueMatcher:
    """Fast cue counting for classifier features: one pass over a sentence's tokens.

    Counts, per frame, the matches of its cues in the sentence's language, exactly as the rule
    from :func:`codebook_rules` scores them (tested), without evaluating rule trees.
    """

    def __init__(self, codebook: Codebook | None = None, *, languages: Sequence[str] = LANGUAGES):
        cb = codebook or load_codebook()
        self.frames = cb.ids
        self.index: dict[str, dict[str, list[tuple[tuple[str, ...], int]]]] = {}
        self.texts: dict[str, list[tuple[str, int]]] = {}
        for lang in languages:
            idx, texts = self.index.setdefault(lang, {}), self.texts.setdefault(lang, [])
            for j, frame in enumerate(cb.frames):
                seen: set[str] = set()
                for cue in frame.cues(lang):
                    rule = cue_rule_text(cue, lang)
                    if rule in seen:
                        continue
                    seen.add(rule)
                    if rule.startswith("text:"):
                        texts.append((normalize(cue).casefold(), j))
                    else:
                        words = cue_words(cue, lang)
                        idx.setdefault(words[0], []).append((words, j))

    def counts(self, tokens: SentenceTokens, text: str, language: str) -> np.ndarray:
        """Cue matches per frame in one sentence."""
        out = np.zeros(len(self.frames), dtype=np.float64)
        idx = self.index.get(language, {})
        lem = [x.casefold() for x in tokens.lemma]
        sur = [x.casefold() for x in tokens.surface]
        n = len(lem)
        for i in range(n):
            keys = (lem[i],) if lem[i] == sur[i] else (lem[i], sur[i])
            for key in keys:
                for words, j in idx.get(key, ()):
                    if i + len(words) <= n and all(w == lem[i + k] or w == sur[i + k] for k, w in enumerate(words)):
                        out[j] += 1  # a key is either the lemma or the surface: never counted twice
        low = text.casefold()
        for needle, j in self.texts.get(language, ()):
            out[j] += needle in low
        return out

    def matched_tokens(self, tokens: SentenceTokens, language: str) -> dict[int, list[int]]:
        """Per frame index, the token indices covered by its matched (token) cues."""
        idx = self.index.get(language, {})
        lem = [x.casefold() for x in tokens.lemma]
        sur = [x.casefold() for x in tokens.surface]
        out: dict[int, list[int]] = {}
        for i in range(len(lem)):
            for key in {lem[i], sur[i]}:
                for words, j in idx.get(key, ()):
                    if i + len(words) <= len(lem) and all(w == lem[i + k] or w == sur[i + k] for k, w in enumerate(words)):
                        out.setdefault(j, []).extend(range(i, i + len(words)))
        return out


__all__ = ["DictionaryCoder", "CueMatcher", "codebook_rules", "cue_rule_text", "cue_words", "resolve_rules"]
