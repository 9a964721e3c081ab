"""Key word in context: every match of a pattern with its context, metadata and character offsets.

The round trip from a number in a table back to the sentences behind it: each row gives the
document, its docvars, the token positions and the character offsets, so
``texts[doc][start:end]`` is the match, and ``left + keyword + right`` is an exact slice of
the original text (punctuation and spaces kept).

Example
-------
>>> from discourse.tokens import Tokens
>>> from discourse.metrics import kwic
>>> toks = Tokens.from_lists([["来日", "外国人", "犯罪", "が", "増加"]])
>>> kwic(toks, "来日 外国人", window=2)[["left", "keyword", "right"]].values.tolist()
[['', '来日 外国人', ' 犯罪 が']]
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, Sequence

import numpy as np
import pandas as pd

from ..errors import ConfigError, check_choice
from .collocations import segment_ids

if TYPE_CHECKING:
    from ..corpus import Corpus
    from ..tokens import Tokens, ValueType

SortBy = Literal["left", "right", "keyword"]
COLUMNS = ("pattern", "token_start", "token_end", "start", "end", "left", "keyword", "right", "sentence")


def kwic(tokens_or_corpus: "Tokens" | "Corpus", pattern: str | Sequence[str], *, window: int = 5,
         valuetype: "ValueType" = "glob", phrase: bool = False, sort_by: SortBy | None = None) -> pd.DataFrame:
    """Concordance lines for ``pattern``.

    Parameters
    ----------
    tokens_or_corpus : ``Tokens``, or a ``Corpus`` (tokenized with ``discourse.tokenize.tokenize``).
    pattern : a term or a list of terms/patterns. A pattern with spaces (``"来日 外国人"``) is a
        phrase: consecutive tokens of one sentence matching each part in turn. With
        ``phrase=True`` a list is one phrase (``["来日", "外国人"]``).
    window : tokens of context on each side (within the document; contexts may cross sentences).
    valuetype : ``"glob"`` (default, as everywhere in the package: ``"外国*"``; a plain term matches
        itself), ``"fixed"`` (exact term) or ``"regex"`` (searched in the term).
    sort_by : ``None`` (document order), ``"left"`` (by the tokens to the left, nearest first),
        ``"right"`` (by the tokens to the right) or ``"keyword"``.

    Returns
    -------
    DataFrame, one row per match: ``doc_id``, the docvars (a docvar named like a column below
    becomes ``docvar_<name>``), ``pattern``, ``token_start``/``token_end`` (token positions
    within the document, end exclusive), ``start``/``end`` (character offsets:
    ``text[start:end]`` is the match), ``left``/``keyword``/``right`` (slices of the original
    text: ``text[s:start]``, ``text[start:end]``, ``text[end:e]`` for the first/last context
    token), ``sentence`` (from the first token of the match's sentence up to the next
    sentence's first token, whitespace stripped: closing punctuation is kept even if its token
    was removed). No match gives an empty frame with these columns.

    Examples
    --------
    >>> kwic(toks, "外国*", valuetype="glob", sort_by="right")  # doctest: +SKIP
    """
    check_choice("valuetype", valuetype, ("fixed", "glob", "regex"))
    if sort_by is not None:
        check_choice("sort_by", sort_by, ("left", "right", "keyword"))
    if not isinstance(window, (int, np.integer)) or window < 0:
        raise ConfigError(f"window={window!r}: give a number of tokens >= 0")
    tokens = _as_tokens(tokens_or_corpus)
    hits = _find(tokens, _phrases(pattern, phrase), valuetype)
    frame = _rows(tokens, hits, int(window))
    if sort_by is not None and len(frame):
        frame = _sort(frame, tokens, hits, sort_by, int(window))
    frame.attrs.update({"pattern": pattern, "window": int(window), "valuetype": valuetype, "phrase": phrase, "sort_by": sort_by})
    return frame


def _as_tokens(x: Any) -> "Tokens":
    from ..corpus import Corpus
    from ..tokens import Tokens

    if isinstance(x, Tokens):
        return x
    if not isinstance(x, Corpus):
        raise ConfigError(f"tokens_or_corpus is a {type(x).__name__}: pass Tokens or a Corpus")
    try:
        from ..tokenize import tokenize
    except ImportError as exc:
        raise ConfigError(f"kwic needs Tokens, or discourse.tokenize to tokenize a corpus ({exc}): pass Tokens") from None
    return tokenize(x)


def _phrases(pattern: str | Sequence[str], phrase: bool) -> list[tuple[str, list[str]]]:
    if isinstance(pattern, str):
        pattern = [pattern]
    pattern = list(pattern)
    if not pattern or any(not str(p).strip() for p in pattern):
        raise ConfigError(f"pattern={pattern!r}: give at least one non-empty term or pattern")
    if phrase:
        parts = [part for p in pattern for part in str(p).split()]
        return [(" ".join(parts), parts)]
    return [(p, p.split()) for p in pattern]


def _find(tokens: "Tokens", phrases: list[tuple[str, list[str]]], valuetype: "ValueType") -> pd.DataFrame:
    """Matches as rows ``(first, last, pattern_no)`` in corpus token positions, in corpus order."""
    ids, n = np.asarray(tokens.ids), tokens.n_tokens
    seg = segment_ids(tokens)
    found = []
    for k, (_, parts) in enumerate(phrases):
        length = len(parts)
        if length > n:
            continue
        ok = np.ones(n - length + 1, dtype=bool)
        for j, part in enumerate(parts):
            ok &= tokens.match(part, valuetype=valuetype)[ids[j:n - length + 1 + j]]
            ok &= seg[j:n - length + 1 + j] == seg[:n - length + 1]
        first = np.flatnonzero(ok)
        found.append(pd.DataFrame({"first": first, "last": first + length - 1, "pattern_no": k}))
    hits = pd.concat(found, ignore_index=True) if found else pd.DataFrame({"first": [], "last": [], "pattern_no": []}, dtype=np.int64)
    hits = hits.sort_values(["first", "pattern_no"], kind="stable").reset_index(drop=True)
    hits["pattern"] = [phrases[k][0] for k in hits["pattern_no"]]
    return hits


def _rows(tokens: "Tokens", hits: pd.DataFrame, window: int) -> pd.DataFrame:
    ptr, starts, ends = np.asarray(tokens.doc_ptr), np.asarray(tokens.starts), np.asarray(tokens.ends)
    first, last = hits["first"].to_numpy(np.int64), hits["last"].to_numpy(np.int64)
    doc = np.searchsorted(ptr, first, side="right") - 1
    lo = np.maximum(first - window, ptr[doc])
    hi = np.minimum(last + window, ptr[doc + 1] - 1)
    sent_lo, sent_hi = _sentence_bounds(tokens, first)
    rows = []
    for d, f, l, a, b, s0, s1 in zip(doc, first, last, lo, hi, sent_lo, sent_hi):
        text = tokens.texts[d]
        start, end = int(starts[f]), int(ends[l])
        rows.append((int(f - ptr[d]), int(l + 1 - ptr[d]), start, end, text[int(starts[a]):start], text[start:end],
                     text[end:int(ends[b])] if b > l else "", text[s0:s1 if s1 >= 0 else len(text)].strip()))
    body = pd.DataFrame(rows, columns=list(COLUMNS[1:]))
    body.insert(0, "pattern", hits["pattern"].to_numpy(dtype=object))
    return pd.concat([_docvars(tokens, doc), body], axis=1)


def _sentence_bounds(tokens: "Tokens", first: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Character start of each match's sentence and the start of the next sentence in the
    same document (-1 when it is the last sentence)."""
    seg = segment_ids(tokens)
    starts = np.asarray(tokens.starts)
    seg_first = np.searchsorted(seg, seg[first], side="left")
    seg_next = np.searchsorted(seg, seg[first], side="right")
    doc = tokens.doc_index()
    has_next = seg_next < tokens.n_tokens
    has_next[has_next] = doc[seg_next[has_next]] == doc[first[has_next]]
    nxt = np.where(has_next, starts[np.minimum(seg_next, max(tokens.n_tokens - 1, 0))], -1)
    return starts[seg_first].astype(np.int64), nxt.astype(np.int64)


def _docvars(tokens: "Tokens", doc: np.ndarray) -> pd.DataFrame:
    docvars = tokens.docvars
    frame = docvars.iloc[doc].reset_index(drop=True)
    frame = frame.rename(columns={c: f"docvar_{c}" for c in frame.columns if c in COLUMNS or c == "doc_id"})
    frame.insert(0, "doc_id", np.array(tokens.doc_ids, dtype=object)[doc] if len(doc) else np.array([], dtype=object))
    return frame


def _sort(frame: pd.DataFrame, tokens: "Tokens", hits: pd.DataFrame, sort_by: str, window: int) -> pd.DataFrame:
    if sort_by == "keyword":
        return frame.sort_values("keyword", kind="stable").reset_index(drop=True)
    ids, ptr, vocab = np.asarray(tokens.ids), np.asarray(tokens.doc_ptr), tokens.vocab
    anchor = hits["first"].to_numpy(np.int64) if sort_by == "left" else hits["last"].to_numpy(np.int64)
    doc = np.searchsorted(ptr, hits["first"].to_numpy(np.int64), side="right") - 1
    step = -1 if sort_by == "left" else 1
    keys = {}
    for k in range(1, max(window, 1) + 1):
        pos = anchor + step * k
        inside = (pos >= ptr[doc]) & (pos < ptr[doc + 1])
        keys[f"_k{k}"] = [vocab[ids[p]] if ok else "" for p, ok in zip(pos, inside)]
    ordered = frame.assign(**keys).sort_values(list(keys), kind="stable")
    return ordered.drop(columns=list(keys)).reset_index(drop=True)
