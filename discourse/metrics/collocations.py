"""Collocations: the words that occur near a node term, with their association scores.

Example
-------
>>> from discourse.tokens import Tokens
>>> from discourse.metrics import collocations
>>> toks = Tokens.from_lists([["外国人", "犯罪", "増加"], ["外国人", "犯罪"], ["人権", "尊重"]])
>>> collocations(toks, "外国人", window=(0, 1), min_count=1)[["collocate", "n_collocate_node"]].values.tolist()
[['犯罪', 2]]
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator, Sequence

import numpy as np
import pandas as pd
from scipy import sparse

from ..dtm import DocTermMatrix, column_sums, docvar_values
from ..errors import ConfigError, check_choice, closest
from . import _stats

if TYPE_CHECKING:
    from ..tokens import Tokens, ValueType

MEASURES = ("mi", "mi3", "t", "z", "dice", "log_dice", "dice_span", "log_dice_span", "G2")
DEFAULT_MEASURES = ("mi", "mi3", "t", "z", "dice", "log_dice", "G2")
# each formula takes (O11, R1 = span size, C1 = collocate frequency, N, f_node)
_FORMULAS = {
    "mi": lambda o, r, c, n, f: _stats.pmi(o, r, c, n),
    "mi3": lambda o, r, c, n, f: _stats.mi3(o, r, c, n),
    "t": lambda o, r, c, n, f: _stats.t_score(o, r, c, n),
    "z": lambda o, r, c, n, f: _stats.z_score(o, r, c, n),
    "dice": lambda o, r, c, n, f: _stats.dice(o, f, c),
    "log_dice": lambda o, r, c, n, f: _stats.log_dice(o, f, c),
    "dice_span": lambda o, r, c, n, f: _stats.dice(o, r, c),
    "log_dice_span": lambda o, r, c, n, f: _stats.log_dice(o, r, c),
    "G2": lambda o, r, c, n, f: _stats.g2_2x2(o, r, c, n) * _stats.direction(o, r, c, n) + 0.0,
}
CITATION = ("Evert, S. (2008). Corpora and collocations. In Lüdeling & Kytö (eds.), Corpus Linguistics: An International "
            "Handbook, art. 58 (surface co-occurrence in a collocational span); Rychlý, P. (2008) for logDice.")


@dataclass(frozen=True, eq=False)
class CollocationCounts:
    """Per-document counts from which :func:`collocations` computes its table without the tokens
    (merged from the shards of a streaming run, :mod:`discourse.experiment.sharded`).

    ``dtm``: term counts per document (``C1`` and ``N`` of each group); ``span``: a documents x
    terms matrix (same columns as ``dtm``) of the tokens inside the span of ``node`` within
    ``window``; ``node_freq``: occurrences of the node per document. The counts are those of
    :func:`span_counts` on each document's tokens, so the table equals the one computed from the
    tokens."""

    dtm: DocTermMatrix
    span: sparse.csr_matrix
    node_freq: np.ndarray
    node: Any
    window: tuple[int, int]
    valuetype: str = "glob"

    @property
    def docvars(self) -> pd.DataFrame:
        return self.dtm.docvars


def span_counts(tokens: "Tokens", node: str | Sequence[str], *, window: int | tuple[int, int] = (5, 5),
                valuetype: "ValueType" = "glob") -> tuple[sparse.csr_matrix, np.ndarray]:
    """``(span, node_freq)`` of ``tokens``: documents x vocabulary counts of the tokens within
    ``window`` of a node token (same sentence, nodes excluded) and the node's count per document.
    A node that matches no term gives zeros (no error: one shard may lack it)."""
    left, right = _window(window)
    matched = tokens.match(node, valuetype=valuetype)
    ids, doc = np.asarray(tokens.ids, dtype=np.int64), tokens.doc_index()
    is_node = matched[ids] if len(ids) else np.zeros(0, dtype=bool)
    span = _span(tokens, is_node, left, right) if is_node.any() else np.zeros(len(ids), dtype=bool)
    shape = (len(tokens), len(tokens.vocab))
    matrix = sparse.csr_matrix((np.ones(int(span.sum()), dtype=np.int64), (doc[span], ids[span])), shape=shape)
    matrix.sum_duplicates()
    return matrix, np.bincount(doc[is_node], minlength=len(tokens)).astype(np.int64)


def collocations(tokens: "Tokens | CollocationCounts", node: str | Sequence[str], *, window: int | tuple[int, int] = (5, 5),
                 by: str | None = None, min_count: int = 2, measures: Sequence[str] = DEFAULT_MEASURES,
                 valuetype: "ValueType" = "glob", sort_by: str | None = None) -> pd.DataFrame:
    """Collocates of ``node`` within ``window`` tokens, never across sentences or documents.

    Parameters
    ----------
    tokens : the corpus ``Tokens`` (windows count the tokens as given: removed stopwords are
        not counted), or the merged :class:`CollocationCounts` of a streaming run (same table).
    node : a term, a list of terms, or glob patterns (``"外国*"``); all matching terms are one node.
    window : ``(left, right)`` tokens, or one int for both sides.
    by : a docvar: compute the table separately per value (collocates of 外国人 in state vs NGO
        texts side by side, column ``group``); documents without a value are left out.
    min_count : keep collocates that co-occur at least this often (``n_collocate_node``).
    measures : any of ``mi``, ``mi3``, ``t``, ``z``, ``dice``, ``log_dice``, ``G2`` (the default set),
        ``dice_span``, ``log_dice_span``.
    valuetype : how ``node`` is matched: ``"glob"`` (default; a plain term matches itself),
        ``"fixed"`` or ``"regex"``.
    sort_by : the measure to rank by (highest first; default ``log_dice`` if computed, else the
        first measure); rows are ranked within each group.

    Returns
    -------
    DataFrame with ``[group,] collocate, n_collocate_node, f_collocate, f_node, expected`` and
    the measures. ``df.attrs`` holds the parameters, and in ``sizes`` per group (``"all"`` without
    ``by``) the corpus size ``N`` and the span size ``R1``. A node that never has a neighbour
    gives an empty frame (same columns).

    Notes
    -----
    The contingency table is Evert's (2008) surface co-occurrence in a collocational span.
    The *span* is the union of the windows around every node token (cut at sentence and
    document boundaries), without the node tokens themselves, so a token near two node tokens
    counts once. Then ``N`` = corpus size (tokens of the group), ``R1`` = number of tokens in the
    span, ``C1 = f_collocate`` = corpus frequency of the collocate, ``O11 = n_collocate_node`` =
    occurrences of the collocate inside the span, ``E11 = R1 * C1 / N`` (``expected``);
    ``f_node`` is the node's frequency (reported, not in the table). Measures:
    ``mi = log2(O11 / E11)``; ``mi3 = log2(O11**3 / E11)``; ``t = (O11 - E11) / sqrt(O11)``;
    ``z = (O11 - E11) / sqrt(E11)``; ``dice = 2 * O11 / (f_node + C1)`` and ``log_dice = 14 +
    log2(dice)`` as Rychlý (2008) defines them (node and collocate frequencies, comparable with
    Sketch Engine and other tools); ``dice_span`` and ``log_dice_span`` put the span size R1 in
    place of ``f_node`` (Evert's span-based table; lower values, not comparable with other tools;
    not computed unless asked for); ``G2`` = log-likelihood over the four cells, signed (negative
    when ``O11 < E11``).

    References
    ----------
    Evert, S. (2008). Corpora and collocations. In Lüdeling & Kytö (eds.), Corpus Linguistics:
    An International Handbook, art. 58. -- Church, K. W. & Hanks, P. (1990). Word association
    norms, mutual information, and lexicography. Computational Linguistics 16(1), 22-29 (MI).
    -- Church, K. W., Gale, W., Hanks, P. & Hindle, D. (1991). Using statistics in lexical
    analysis. In Zernik (ed.), Lexical Acquisition, 115-164 (t). -- Daille, B. (1994). Approche
    mixte pour l'extraction de terminologie. PhD thesis, Paris 7 (MI3). -- Dunning, T. (1993),
    Computational Linguistics 19(1), 61-74 (G2). -- Rychlý, P. (2008). A lexicographer-friendly
    association score. RASLAN 2008, 6-9 (logDice).

    Examples
    --------
    >>> collocations(toks, "外国人", window=5, by="side")  # doctest: +SKIP
    """
    left, right = _window(window)
    measures = _measures(measures)
    sort_key = _sort_key(sort_by, measures)
    if min_count < 1:
        raise ConfigError(f"min_count={min_count!r}: give an integer >= 1")
    if isinstance(tokens, CollocationCounts):
        groups = _counted_groups(tokens, node, (left, right), valuetype, by)
    else:
        groups = _token_groups(tokens, node, (left, right), valuetype, by)
    frames, sizes = [], {}
    for label, (o11, c1, f_node, vocab) in groups:
        frame, n, r1 = _table(o11, c1, f_node, vocab, min_count, measures)
        sizes["all" if by is None else str(label)] = {"N": n, "R1": r1}
        frames.append(frame.assign(group=label) if by is not None else frame)
    if not frames:
        raise ConfigError(f"by={by!r}: no document has a value: fill the docvar or use by=None")
    out = pd.concat(frames, ignore_index=True)
    out = _order(out, by, sort_key)
    out.attrs.update({"node": node, "valuetype": valuetype, "window": (left, right), "by": by, "min_count": min_count,
                      "measures": list(measures), "sort_by": sort_key, "sizes": sizes, "citation": CITATION})
    return out


def _window(window: int | tuple[int, int]) -> tuple[int, int]:
    left, right = (window, window) if isinstance(window, (int, np.integer)) else tuple(window)
    if left < 0 or right < 0 or left + right == 0:
        raise ConfigError(f"window={window!r}: give (left, right) token counts >= 0, not both 0, e.g. (5, 5)")
    return int(left), int(right)


def _measures(measures: Sequence[str]) -> list[str]:
    measures = [measures] if isinstance(measures, str) else list(measures)
    for m in measures:
        check_choice("measures", m, MEASURES)
    if not measures:
        raise ConfigError(f"measures is empty: choose from {list(MEASURES)}")
    return measures


def _sort_key(sort_by: str | None, measures: list[str]) -> str:
    if sort_by is None:
        return "log_dice" if "log_dice" in measures else measures[0]
    check_choice("sort_by", sort_by, [*measures, "n_collocate_node"])
    return sort_by


def _node_mask(tokens: "Tokens", node: str | Sequence[str], valuetype: "ValueType") -> np.ndarray:
    matched = tokens.match(node, valuetype=valuetype)
    if not matched.any():
        first = node if isinstance(node, str) else (list(node) or [""])[0]
        raise ConfigError(f"node={node!r} matches no term{closest(first, tokens.vocab)}: check the spelling "
                          "or the tokenization (compounds such as 外国人 may be split)")
    return matched[np.asarray(tokens.ids)]


def segment_ids(tokens: "Tokens") -> np.ndarray:
    """One id per (document, sentence): equal ids mean the same sentence of the same document."""
    n = tokens.n_tokens
    new = np.ones(n, dtype=bool)
    if n > 1:
        doc = tokens.doc_index()
        new[1:] = (doc[1:] != doc[:-1]) | (np.asarray(tokens.sent)[1:] != np.asarray(tokens.sent)[:-1])
    return np.cumsum(new)


def _span(tokens: "Tokens", is_node: np.ndarray, left: int, right: int) -> np.ndarray:
    """Mask of tokens within ``left``/``right`` of a node token in the same sentence, nodes excluded."""
    n = tokens.n_tokens
    seg = segment_ids(tokens)
    pos = np.flatnonzero(is_node)
    span = np.zeros(n, dtype=bool)
    for offset in [*range(-left, 0), *range(1, right + 1)]:
        q = pos + offset
        ok = (q >= 0) & (q < n)
        p, q = pos[ok], q[ok]
        span[q[seg[q] == seg[p]]] = True
    span[is_node] = False
    return span


def _token_groups(tokens: "Tokens", node: Any, window: tuple[int, int], valuetype: "ValueType",
                  by: str | None) -> Iterator[tuple[Any, tuple[np.ndarray, np.ndarray, int, np.ndarray]]]:
    """Per group: span counts ``O11``, corpus counts ``C1`` (over the vocabulary), node frequency, vocabulary."""
    is_node = _node_mask(tokens, node, valuetype)
    span = _span(tokens, is_node, *window)
    ids, n_vocab = np.asarray(tokens.ids), len(tokens.vocab)
    vocab = np.array(tokens.vocab, dtype=object)
    for label, mask in _groups(tokens, by):
        yield label, (np.bincount(ids[span & mask], minlength=n_vocab), np.bincount(ids[mask], minlength=n_vocab),
                      int((is_node & mask).sum()), vocab)


def _counted_groups(counts: CollocationCounts, node: Any, window: tuple[int, int], valuetype: str,
                    by: str | None) -> Iterator[tuple[Any, tuple[np.ndarray, np.ndarray, int, np.ndarray]]]:
    """As :func:`_token_groups`, from per-document counts."""
    asked, have = (node, window, valuetype), (counts.node, tuple(counts.window), counts.valuetype)
    if _plain(asked) != _plain(have):
        raise ConfigError(f"collocations: the counts were made for node={counts.node!r}, window={counts.window}, "
                          f"valuetype={counts.valuetype!r}, not {node!r}, {window}, {valuetype!r}: count again")
    if int(counts.node_freq.sum()) == 0:
        first = node if isinstance(node, str) else (list(node) or [""])[0]
        raise ConfigError(f"node={node!r} matches no term{closest(first, counts.dtm.vocab)}: check the spelling "
                          "or the tokenization (compounds such as 外国人 may be split)")
    vocab = np.array(counts.dtm.vocab, dtype=object)
    if by is None:
        doc_groups = [(None, np.ones(counts.dtm.n_docs, dtype=bool))]
    else:
        codes, uniques = pd.factorize(pd.Series(docvar_values(counts.docvars, by)), sort=True)
        doc_groups = [(value, codes == k) for k, value in enumerate(uniques)]
    for label, rows in doc_groups:
        o11, c1 = column_sums(counts.span, rows), column_sums(counts.dtm.matrix, rows)
        yield label, (o11, c1, int(counts.node_freq[rows].sum()), vocab)


def _plain(value: Any) -> str:
    return repr([list(v) if isinstance(v, (list, tuple)) else v for v in value])


def _groups(tokens: "Tokens", by: str | None) -> list[tuple[Any, np.ndarray]]:
    if by is None:
        return [(None, np.ones(tokens.n_tokens, dtype=bool))]
    values = pd.Series(docvar_values(tokens.docvars, by))
    codes, uniques = pd.factorize(values, sort=True)
    sizes = np.diff(tokens.doc_ptr)
    per_token = np.repeat(codes, sizes)
    return [(value, per_token == k) for k, value in enumerate(uniques)]


def _table(o11: np.ndarray, c1: np.ndarray, f_node: int, vocab: np.ndarray, min_count: int,
           measures: list[str]) -> tuple[pd.DataFrame, int, int]:
    """The table of one group from its counts: ``O11`` and ``C1`` per term, the node frequency."""
    n, r1 = int(c1.sum()), int(o11.sum())
    keep = np.flatnonzero(o11 >= min_count)
    o, c = o11[keep], c1[keep]
    frame = pd.DataFrame({"collocate": vocab[keep], "n_collocate_node": o,
                          "f_collocate": c, "f_node": np.full(len(keep), f_node, dtype=np.int64)})
    frame["expected"] = _stats.expected_2x2(r1, c, n)[0] if len(keep) else np.zeros(0)
    for m in measures:
        frame[m] = _FORMULAS[m](o, r1, c, n, f_node) if len(keep) else np.zeros(0)
    return frame, n, r1


def _order(frame: pd.DataFrame, by: str | None, key: str) -> pd.DataFrame:
    if by is None:
        return frame.sort_values([key, "collocate"], ascending=[False, True], kind="stable").reset_index(drop=True)
    frame = frame[["group", *frame.columns.drop("group")]]
    return frame.sort_values(["group", key, "collocate"], ascending=[True, False, True], kind="stable").reset_index(drop=True)
