"""Sentence tokens for the framing coders, from the package's tokenizers.

Every token is kept (no stopword or POS filtering): rules need particles for phrases, and the
classifier decides itself which tokens make features. Sentences are tokenized in batches
(``tokenize_batch`` of :mod:`discourse.tokenize`, default settings: compounds with the bundled
domain terms) and cached in memory by ``(language, text)``, so cross-validation and repeated
calls tokenize each sentence once; :func:`clear_cache` empties the cache (the benchmark does,
so that both pipelines pay for their tokens).

Example
-------
>>> sentence_tokens("外国人の犯罪が増えた。", "ja").lemma[:3]
('外国人', 'の', '犯罪')
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Sequence

from ..errors import check_choice

CACHE_SIZE = 1 << 18
_CACHE: dict[tuple[str, str], "SentenceTokens"] = {}


@dataclass(frozen=True)
class SentenceTokens:
    """The tokens of one sentence as parallel tuples: surfaces, lemmas (ASCII ones lower-cased),
    POS tags (``名詞-普通名詞-一般``; English ``word``/``number``/``symbol``), offsets."""

    surface: tuple[str, ...]
    lemma: tuple[str, ...]
    pos: tuple[str, ...]
    start: tuple[int, ...]
    end: tuple[int, ...]

    def __len__(self) -> int:
        return len(self.surface)


@lru_cache(maxsize=None)
def _tokenizer(language: str) -> Any:
    """The package tokenizer for ``language`` (default settings)."""
    from ..tokenize import EnglishTokenizer, JapaneseTokenizer

    return JapaneseTokenizer() if language == "ja" else EnglishTokenizer()


def tokenizer_info() -> dict[str, Any]:
    """Settings of the two tokenizers (recorded in saved models)."""
    return {lang: _tokenizer(lang).settings() for lang in ("ja", "en")}


def sentence_tokens(text: str, language: str = "ja") -> SentenceTokens:
    """Tokens of one sentence with the package tokenizer for ``language`` (cached)."""
    return tokenize_sentences([text], [language])[0]


def tokenize_sentences(texts: Sequence[str], languages: Sequence[str]) -> list[SentenceTokens]:
    """Tokens of many sentences, each with the tokenizer of its language (batched, cached)."""
    out: list[Any] = [_CACHE.get((lang, text)) for text, lang in zip(texts, languages)]
    todo: dict[str, dict[str, None]] = {}
    for text, lang, done in zip(texts, languages, out):
        if done is None:
            check_choice("language", lang, ("ja", "en"))
            todo.setdefault(lang, {})[text] = None
    if len(_CACHE) + sum(len(v) for v in todo.values()) > CACHE_SIZE:
        _CACHE.clear()
    for lang, unique in todo.items():
        _CACHE.update(zip(((lang, t) for t in unique), _batch(list(unique), lang)))
    return [done if done is not None else _CACHE[(lang, text)] for text, lang, done in zip(texts, languages, out)]


def _batch(texts: list[str], language: str) -> list[SentenceTokens]:
    tok = _tokenizer(language)
    if not hasattr(tok, "tokenize_batch"):  # the documented per-text interface
        return [_from_tokens(tok.tokenize(text)) for text in texts]
    batch = tok.tokenize_batch(texts)
    arrays, joined = batch.arrays, batch.text
    terms, tags = tok.terms.items, tok.pos_tags.items
    lemmas = [_lower(terms[i]) for i in arrays.term_ids.tolist()]
    pos = [tags[i] for i in arrays.pos_ids.tolist()]
    starts, ends = arrays.starts.tolist(), arrays.ends.tolist()
    ptr, bases = batch.doc_ptr.tolist(), batch.bases.tolist()
    out = []
    for d, base in enumerate(bases):
        a, b = ptr[d], ptr[d + 1]
        s, e = starts[a:b], ends[a:b]
        out.append(SentenceTokens(tuple(joined[x:y] for x, y in zip(s, e)), tuple(lemmas[a:b]), tuple(pos[a:b]),
                                  tuple(x - base for x in s), tuple(y - base for y in e)))
    return out


def _from_tokens(tokens: list[Any]) -> SentenceTokens:
    return SentenceTokens(tuple(t.surface for t in tokens), tuple(_lower(t.lemma or t.surface) for t in tokens),
                          tuple(t.pos_tag if hasattr(t, "pos_tag") else "-".join(p for p in t.pos if p and p != "*")
                                for t in tokens),
                          tuple(t.start for t in tokens), tuple(t.end for t in tokens))


def _lower(lemma: str) -> str:
    return lemma.lower() if lemma.isascii() else lemma


def clear_cache() -> None:
    """Forget cached sentence tokens."""
    _CACHE.clear()


def is_punct(pos: str) -> bool:
    """Punctuation and symbols (UniDic 補助記号, 記号, 空白; English ``symbol``)."""
    return pos.startswith(("補助記号", "記号", "空白", "symbol"))
