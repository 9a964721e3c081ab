"""``Tokens``: the tokens of a whole corpus, stored compactly.

All documents' kept tokens live in flat NumPy arrays (term id, character offsets, sentence
index, POS id) with one pointer array marking where each document starts; the vocabulary is
shared. No Python object per token is kept, so memory stays proportional to the token count.
Verbs (``select``, ``remove``, ``subset``, ``ngrams``) return new ``Tokens``.

Example
-------
>>> from discourse.tokenize import tokenize            # doctest: +SKIP
>>> toks = tokenize(corpus)                            # doctest: +SKIP
>>> toks.remove(["する", "ある"]).doc_terms(0)[:3]      # doctest: +SKIP
['来日外国人', '犯罪', '増加']
"""
from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Iterator, Literal, Sequence

import numpy as np
import pandas as pd

from .errors import ConfigError, check_choice

ValueType = Literal["fixed", "glob", "regex"]
#: Tokens, docvar names and characters per word shown by the ``repr`` of ``Tokens``.
REPR_TOKENS, REPR_DOCVARS, REPR_WORD = 10, 6, 20


@dataclass(frozen=True)
class Tokens:
    """Tokens of a corpus.

    Attributes
    ----------
    vocab : tuple of term strings; ``ids`` index into it.
    ids, starts, ends, sent, pos_ids : int arrays, one value per token, all documents concatenated.
        ``starts``/``ends`` are character offsets into the document's text
        (``texts[d][starts[i]:ends[i]]`` is the token's surface); ``sent`` is the sentence index
        within the document (collocation windows never cross it).
    doc_ptr : int64 array of length ``n_docs + 1``; document ``d`` owns tokens
        ``doc_ptr[d]:doc_ptr[d+1]``.
    pos_vocab : tuple of POS strings (``名詞-普通名詞``, ...); ``pos_ids`` index into it.
    docvars : DataFrame indexed by ``doc_id`` (as ``Corpus.docvars``).
    texts : the documents' texts (for KWIC and offsets).
    settings : the tokenizer settings that produced these tokens (recorded in manifests).
    compound_counts : ``(term, parts, rule, count)`` of every compound the tokenizer applied
        (``("外国人", "外国+人", "affix", 12)``), counted over the whole corpus before POS and
        stopword filtering; see :meth:`compounds`.
    """

    vocab: tuple[str, ...]
    ids: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    sent: np.ndarray
    pos_ids: np.ndarray
    pos_vocab: tuple[str, ...]
    doc_ptr: np.ndarray
    docvars: pd.DataFrame
    texts: tuple[str, ...]
    settings: dict[str, Any] = field(default_factory=dict)
    compound_counts: tuple[tuple[str, str, str, int], ...] = ()

    @classmethod
    def from_lists(cls, docs: Sequence[Sequence[str]], docvars: pd.DataFrame | None = None, *,
                   sentences: Sequence[Sequence[int]] | None = None, texts: Sequence[str] | None = None,
                   settings: dict[str, Any] | None = None) -> "Tokens":
        """Build from lists of term strings (pre-tokenized text, tests, English word lists).

        Offsets are computed as if the terms were joined by single spaces (``texts`` defaults to
        that joined text); ``sentences`` gives each token's sentence index (default all 0);
        ``docvars`` defaults to ``doc_id`` ``d0``, ``d1``, ...
        """
        vocab: dict[str, int] = {}
        ids, starts, ends, sent = [], [], [], []
        joined = []
        for d, terms in enumerate(docs):
            pos = 0
            for k, term in enumerate(terms):
                ids.append(vocab.setdefault(term, len(vocab)))
                starts.append(pos)
                ends.append(pos + len(term))
                pos += len(term) + 1
                sent.append(sentences[d][k] if sentences is not None else 0)
            joined.append(" ".join(terms))
        if docvars is None:
            docvars = pd.DataFrame(index=pd.Index([f"d{i}" for i in range(len(docs))], name="doc_id"))
        if len(docvars) != len(docs):
            raise ConfigError(f"docvars has {len(docvars)} rows for {len(docs)} documents")
        ptr = np.concatenate([[0], np.cumsum([len(t) for t in docs])]).astype(np.int64)
        n = len(ids)
        return cls(tuple(vocab), np.array(ids, np.int32), np.array(starts, np.int32), np.array(ends, np.int32),
                   np.array(sent, np.int32), np.zeros(n, np.int16), ("",), ptr, docvars,
                   tuple(texts) if texts is not None else tuple(joined), dict(settings or {}))

    # --- shape and access -----------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.doc_ptr) - 1

    @property
    def n_tokens(self) -> int:
        return int(self.doc_ptr[-1])

    @property
    def doc_ids(self) -> list[str]:
        return list(self.docvars.index)

    def doc_slice(self, d: int) -> slice:
        return slice(int(self.doc_ptr[d]), int(self.doc_ptr[d + 1]))

    def doc_terms(self, d: int) -> list[str]:
        """The terms of document ``d`` as strings."""
        vocab = self.vocab
        return [vocab[i] for i in self.ids[self.doc_slice(d)]]

    def __iter__(self) -> Iterator[list[str]]:
        for d in range(len(self)):
            yield self.doc_terms(d)

    def to_lists(self) -> list[list[str]]:
        """Every document as a list of term strings (for gensim and tests; not for large corpora)."""
        return list(self)

    def term_ids(self, terms: Iterable[str]) -> np.ndarray:
        """Ids of the given terms that are in the vocabulary."""
        index = self.vocab_index
        return np.array(sorted({index[t] for t in terms if t in index}), dtype=np.int64)

    @property
    def vocab_index(self) -> dict[str, int]:
        return {t: i for i, t in enumerate(self.vocab)}

    def doc_index(self) -> np.ndarray:
        """Document number of every token."""
        return np.repeat(np.arange(len(self)), np.diff(self.doc_ptr))

    def __repr__(self) -> str:
        """Counts, docvar names and the first tokens of the first document (bounded length).

        >>> Tokens.from_lists([["外国人", "犯罪"], ["人権"]])
        Tokens(2 documents, 3 tokens, 3 types)
          d0: 外国人 犯罪
        """
        n = len(self)
        head = (f"Tokens({n:,} document{'s' if n != 1 else ''}, {self.n_tokens:,} tokens, "
                f"{int(np.count_nonzero(np.bincount(self.ids, minlength=len(self.vocab)))):,} types)"
                f"{_docvar_names(self.docvars)}")
        if not n:
            return head
        first = self.doc_slice(0)
        words = [self.vocab[i] for i in self.ids[first][:REPR_TOKENS].tolist()]
        more = first.stop - first.start - len(words)
        line = " ".join(map(short_text, words)) + (f" ... (+{more:,} more)" if more > 0 else "")
        return f"{head}\n  {short_text(str(self.docvars.index[0]), 40)}: {line}"

    # --- verbs ------------------------------------------------------------------------------
    def match(self, patterns: str | Sequence[str], *, valuetype: ValueType = "glob") -> np.ndarray:
        """Boolean mask over the vocabulary of terms matching any pattern (``"glob"``, the default
        everywhere in the package: a plain term matches itself, ``外国*`` every term starting with
        外国; ``"fixed"``; ``"regex"``, searched in the term)."""
        check_choice("valuetype", valuetype, ("fixed", "glob", "regex"))
        pats = [patterns] if isinstance(patterns, str) else list(patterns)
        if valuetype == "glob" and not any(ch in p for p in pats for ch in "*?["):
            valuetype = "fixed"                      # plain terms: the exact (fast) lookup
        if valuetype == "fixed":
            wanted = set(pats)
            return np.array([t in wanted for t in self.vocab], dtype=bool)
        regexes = [re.compile(fnmatch.translate(p) if valuetype == "glob" else p) for p in pats]
        fullmatch = valuetype == "glob"
        return np.array([any((r.fullmatch(t) if fullmatch else r.search(t)) for r in regexes) for t in self.vocab], dtype=bool)

    def select(self, patterns: str | Sequence[str], *, valuetype: ValueType = "glob") -> "Tokens":
        """Keep only tokens whose term matches a pattern."""
        return self._keep_tokens(self.match(patterns, valuetype=valuetype)[self.ids])

    def remove(self, patterns: str | Sequence[str], *, valuetype: ValueType = "glob") -> "Tokens":
        """Drop tokens whose term matches a pattern."""
        return self._keep_tokens(~self.match(patterns, valuetype=valuetype)[self.ids])

    def keep_pos(self, prefixes: Sequence[str]) -> "Tokens":
        """Keep tokens whose POS string starts with one of ``prefixes`` (``"名詞"``, ``"動詞"``)."""
        ok = np.array([p.startswith(tuple(prefixes)) for p in self.pos_vocab], dtype=bool)
        return self._keep_tokens(ok[self.pos_ids] if len(ok) else np.zeros(self.n_tokens, bool))

    def _keep_tokens(self, keep: np.ndarray) -> "Tokens":
        counts = np.bincount(self.doc_index()[keep], minlength=len(self))
        ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        return replace(self, ids=self.ids[keep], starts=self.starts[keep], ends=self.ends[keep],
                       sent=self.sent[keep], pos_ids=self.pos_ids[keep], doc_ptr=ptr)

    def subset(self, mask: Sequence[bool] | np.ndarray | None = None, **docvars: Any) -> "Tokens":
        """Keep the documents where ``mask`` is true and every named docvar matches (docvars and
        texts follow).

        Docvar values match as in :meth:`discourse.corpus.Corpus.subset`: a value means equal, a
        list/set (or a tuple other than a ``year`` range) means "one of", ``year=(2000, 2005)``
        is an inclusive range, None means missing. The index name (``doc_id``) can be used too.

        >>> toks.subset(side="state", year=(2000, 2005))          # doctest: +SKIP
        >>> toks.subset(toks.docvars["side"] == "ngo")              # doctest: +SKIP
        """
        mask = docvar_mask(self.docvars, len(self), mask, docvars)
        keep = mask[self.doc_index()]
        sizes = np.diff(self.doc_ptr)[mask]
        ptr = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        return replace(self, ids=self.ids[keep], starts=self.starts[keep], ends=self.ends[keep], sent=self.sent[keep],
                       pos_ids=self.pos_ids[keep], doc_ptr=ptr, docvars=self.docvars[mask],
                       texts=tuple(t for t, m in zip(self.texts, mask) if m))

    def ngrams(self, n: int = 2, *, sep: str = "_") -> "Tokens":
        """Contiguous n-grams within sentences, as new terms joined by ``sep``; offsets span the n-gram."""
        if n < 1:
            raise ConfigError(f"n={n}: n-grams need n >= 1")
        if n == 1:
            return self
        doc = self.doc_index()
        first = np.arange(max(self.n_tokens - n + 1, 0))
        last = first + n - 1
        ok = (doc[first] == doc[last]) & (self.sent[first] == self.sent[last])
        first, last = first[ok], last[ok]
        grams = [sep.join(self.vocab[i] for i in self.ids[a:b + 1]) for a, b in zip(first, last)]
        vocab, ids = np.unique(np.array(grams, dtype=object), return_inverse=True) if grams else (np.array([], object), np.array([], np.int64))
        sizes = np.bincount(doc[first], minlength=len(self)) if len(first) else np.zeros(len(self), np.int64)
        ptr = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        return replace(self, vocab=tuple(vocab.tolist()), ids=ids.astype(np.int32), starts=self.starts[first],
                       ends=self.ends[last], sent=self.sent[first], pos_ids=self.pos_ids[first], doc_ptr=ptr,
                       settings={**self.settings, "ngrams": n})

    def term_frequencies(self) -> pd.Series:
        """Total count of each term, most frequent first (ties by term)."""
        counts = np.bincount(self.ids, minlength=len(self.vocab))
        s = pd.Series(counts, index=pd.Index(self.vocab, name="term"), name="frequency")
        return s[s > 0].sort_index().sort_values(ascending=False, kind="stable")

    # --- tokenizer reports ----------------------------------------------------------------------
    def compounds(self) -> pd.DataFrame:
        """The compounds the tokenizer applied: one row per (term, parts, rule), most frequent first.

        Columns: ``term`` (``外国人``), ``parts`` (the dictionary words joined by ``+``:
        ``外国+人``), ``rule`` (``affix``, ``noun_sequence``, ``domain`` or ``user``), ``count``
        (occurrences in the corpus as tokenized, before POS and stopword filtering).

        >>> toks.compounds().head(1)                       # doctest: +SKIP
             term   parts   rule  count
        0  外国人  外国+人  domain    131
        """
        return pd.DataFrame(list(self.compound_counts), columns=["term", "parts", "rule", "count"]).astype({"count": "int64"})

    def doc_surfaces(self, d: int) -> list[str]:
        """The tokens of document ``d`` as written in its text (``texts[d][start:end]``)."""
        text, sl = self.texts[d], self.doc_slice(d)
        return [text[s:e] for s, e in zip(self.starts[sl].tolist(), self.ends[sl].tolist())]


# --- helpers shared with DocTermMatrix --------------------------------------------------------
def docvar_mask(docvars: pd.DataFrame, n: int, mask: Sequence[bool] | np.ndarray | None,
                equals: dict[str, Any]) -> np.ndarray:
    """Documents kept by a boolean ``mask`` (one per document) and docvar conditions
    (``name=value``, matched as in :meth:`discourse.corpus.Corpus.subset`)."""
    from .corpus import _match

    if mask is None:
        keep = np.ones(n, dtype=bool)
    else:
        keep = np.array(mask, dtype=bool)
        if keep.shape != (n,):
            raise ConfigError(f"mask has {keep.size} values for {n} documents: give one per document "
                              "(or docvar conditions such as side='state')")
    for name, value in equals.items():
        keep &= _match(_docvar_column(docvars, name), value, name)
    return keep


def _docvar_column(docvars: pd.DataFrame, name: str) -> pd.Series:
    if name in docvars.columns:
        return docvars[name]
    if name == docvars.index.name:
        return pd.Series(docvars.index, index=docvars.index)
    check_choice("docvar", name, [*docvars.columns, *([docvars.index.name] if docvars.index.name else [])])
    raise AssertionError  # pragma: no cover - check_choice raised


def short_text(word: str, limit: int = REPR_WORD) -> str:
    """A word for a ``repr``: control characters escaped, cut to ``limit`` characters."""
    shown = word if word.isprintable() else repr(word)[1:-1]
    return shown if len(shown) <= limit else shown[:limit - 1] + "…"


def _docvar_names(docvars: pd.DataFrame) -> str:
    names = [short_text(str(c)) for c in docvars.columns]
    if not names:
        return ""
    shown = ", ".join(names[:REPR_DOCVARS]) + (f", ... (+{len(names) - REPR_DOCVARS} more)" if len(names) > REPR_DOCVARS else "")
    return f"\n  docvars: {shown}"
