"""Representative sentences of each topic, with KWIC-style context.

A sentence's score for topic ``k`` is the mean, over its tokens that the model knows, of the
token's topic responsibility given its document,
``r[k] = beta[k, w] theta[d, k] / sum_j beta[j, w] theta[d, j]``: the share of the sentence's
words the model attributes to topic ``k`` (the per-word posterior of LDA with ``theta`` fixed at
the document's estimate). Sentences with fewer than ``min_tokens`` known tokens are skipped, so
one-word headings do not win. Tokens are scored in blocks, so memory stays flat.

Example
-------
>>> representative_sentences(model, tokens, n=2)[["topic", "doc_id", "sentence"]]   # doctest: +SKIP
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import ConfigError
from .model import topic_names

if TYPE_CHECKING:
    from ..tokens import Tokens
    from .model import TopicModel

DELIMITERS = "。．！？!?\n"
BLOCK_TOKENS = 200_000
COLUMNS = ["topic", "rank", "doc_id", "sent", "score", "n_tokens", "left", "sentence", "right", "start", "end"]


def representative_sentences(model: "TopicModel", tokens: "Tokens", doc_topics: pd.DataFrame | None = None, *,
                             n: int = 3, min_tokens: int = 3, window: int = 30) -> pd.DataFrame:
    """The ``n`` sentences that express each topic most purely.

    Parameters
    ----------
    model : a fitted :class:`~discourse.topics.TopicModel`.
    tokens : the documents' :class:`~discourse.tokens.Tokens` (sentence index ``sent`` and
        character offsets into ``texts``).
    doc_topics : document-topic proportions indexed by ``doc_id`` (default:
        ``model.transform`` of the matrix built from ``tokens``).
    n, min_tokens : sentences per topic; minimum number of in-vocabulary tokens.
    window : characters of context on each side.

    Returns
    -------
    Tidy DataFrame: ``topic``, ``rank``, ``doc_id``, ``sent``, ``score`` (mean responsibility,
    0-1), ``n_tokens``, ``left``, ``sentence``, ``right`` (slices of the document text:
    ``left + sentence + right`` is contiguous up to stripped whitespace), ``start``, ``end``
    (character offsets of ``sentence``).
    """
    theta = _doc_topics(model, tokens, doc_topics)
    cols = _vocab_map(model, tokens)
    runs = _sentence_runs(tokens)
    best = _score_blocks(model.topic_word_, theta, tokens, cols, runs, n=n, min_tokens=min_tokens)
    rows = []
    for k, name in enumerate(topic_names(model.n_topics_)):
        for rank, (score, run, count) in enumerate(best[k]):
            rows.append({"topic": name, "rank": rank + 1, "score": score, "n_tokens": count,
                         **_context(tokens, runs, run, window)})
    return pd.DataFrame(rows, columns=COLUMNS)


def _doc_topics(model: "TopicModel", tokens: "Tokens", doc_topics: pd.DataFrame | None) -> np.ndarray:
    if doc_topics is None:
        from ..dtm import DocTermMatrix

        return model.transform(DocTermMatrix.from_tokens(tokens)).to_numpy()
    missing = [d for d in tokens.doc_ids if d not in doc_topics.index]
    if missing:
        raise ConfigError(f"doc_topics has no row for {len(missing)} documents of tokens (e.g. {missing[0]!r}): "
                          "transform the same documents")
    return doc_topics.loc[tokens.doc_ids].to_numpy(dtype=np.float64)


def _vocab_map(model: "TopicModel", tokens: "Tokens") -> np.ndarray:
    """Model column of every token's term (-1 when the model does not know it)."""
    index = {t: j for j, t in enumerate(model.vocab_)}
    lookup = np.array([index.get(t, -1) for t in tokens.vocab], dtype=np.int64)
    return lookup[tokens.ids] if tokens.n_tokens else np.zeros(0, np.int64)


def _sentence_runs(tokens: "Tokens") -> np.ndarray:
    """(n_sentences, 3): document, first token, end token (exclusive) of each run of one sentence."""
    doc = tokens.doc_index()
    if len(doc) == 0:
        return np.zeros((0, 3), dtype=np.int64)
    change = np.ones(len(doc), dtype=bool)
    change[1:] = (doc[1:] != doc[:-1]) | (tokens.sent[1:] != tokens.sent[:-1])
    starts = np.flatnonzero(change)
    ends = np.append(starts[1:], len(doc))
    return np.column_stack([doc[starts], starts, ends]).astype(np.int64)


def _score_blocks(beta: np.ndarray, theta: np.ndarray, tokens: "Tokens", cols: np.ndarray, runs: np.ndarray,
                  *, n: int, min_tokens: int) -> list[list[tuple[float, int, int]]]:
    """Per topic, the best ``n`` (score, run index, known-token count), best first."""
    best: list[list[tuple[float, int, int]]] = [[] for _ in range(beta.shape[0])]
    r0 = 0
    while r0 < len(runs):
        r1 = int(np.searchsorted(runs[:, 1], runs[r0, 1] + BLOCK_TOKENS, side="left"))
        r1 = max(r1, r0 + 1)
        scores, counts = _block_scores(beta, theta, cols, runs[r0:r1])
        for k in range(beta.shape[0]):
            ok = np.flatnonzero(counts >= min_tokens)
            top = ok[np.argsort(-scores[ok, k], kind="stable")[:n]]
            best[k] = sorted(best[k] + [(float(scores[i, k]), r0 + int(i), int(counts[i])) for i in top],
                             key=lambda t: (-t[0], t[1]))[:n]
        r0 = r1
    return best


def _block_scores(beta: np.ndarray, theta: np.ndarray, cols: np.ndarray, runs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = int(runs[0, 1]), int(runs[-1, 2])
    c = cols[lo:hi]
    doc = np.repeat(runs[:, 0], runs[:, 2] - runs[:, 1])
    known = c >= 0
    resp = np.zeros((hi - lo, beta.shape[0]))
    weights = beta[:, c[known]].T * theta[doc[known]]
    resp[known] = weights / np.maximum(weights.sum(axis=1, keepdims=True), 1e-300)
    offsets = runs[:, 1] - lo
    sums = np.add.reduceat(resp, offsets, axis=0)
    counts = np.add.reduceat(known.astype(np.int64), offsets)
    return sums / np.maximum(counts, 1)[:, None], counts


def _context(tokens: "Tokens", runs: np.ndarray, run: int, window: int) -> dict:
    d, first, end = (int(v) for v in runs[run])
    text = tokens.texts[d]
    lo = int(tokens.ends[runs[run - 1, 2] - 1]) if run > 0 and runs[run - 1, 0] == d else 0
    hi = int(tokens.starts[runs[run + 1, 1]]) if run + 1 < len(runs) and runs[run + 1, 0] == d else len(text)
    s0, s1 = int(tokens.starts[first]), int(tokens.ends[end - 1])
    cut = max(text.rfind(ch, lo, s0) for ch in DELIMITERS)
    start = cut + 1 if cut >= 0 else lo
    stops = [i for i in (text.find(ch, s1, hi) for ch in DELIMITERS) if i >= 0]
    stop = min(stops) + 1 if stops else hi
    while start < s0 and text[start].isspace():
        start += 1
    while stop > s1 and text[stop - 1].isspace():
        stop -= 1
    return {"doc_id": tokens.doc_ids[d], "sent": int(tokens.sent[first]), "left": text[max(0, start - window):start],
            "sentence": text[start:stop], "right": text[stop:stop + window], "start": start, "end": stop}
