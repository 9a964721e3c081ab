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

from typing import TYPE_CHECKING, Any, Sequence

import numpy as np
import pandas as pd

from ..dtm import docvar_values
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


def collocations(tokens: "Tokens", node: str | Sequence[str], *, window: int | tuple[int, int] = (5, 5),
                 by: str | None = None, min_count: int = 2, measures: Sequence[str] = DEFAULT_MEASURES,
                 valuetype: "ValueType" = "glob", sort_by: str | None = None) -> pd.DataFrame:
    """Collocates of ``node`` within ``window`` tokens, never across sentences or documents.

    Parameters
    ----------
    tokens : the corpus ``Tokens`` (windows count the tokens as given: removed stopwords are
        not counted).
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
    is_node = _node_mask(tokens, node, valuetype)
    span = _span(tokens, is_node, left, right)
    frames, sizes = [], {}
    for label, mask in _groups(tokens, by):
        frame, n, r1 = _table(tokens, is_node & mask, span & mask, mask, min_count, measures)
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


def _groups(tokens: "Tokens", by: str | None) -> list[tuple[Any, np.ndarray]]:
    if by is None:
        return [(None, np.ones(tokens.n_tokens, dtype=bool))]
    values = pd.Series(docvar_values(tokens.docvars, by))
    codes, uniques = pd.factorize(values, sort=True)
    sizes = np.diff(tokens.doc_ptr)
    per_token = np.repeat(codes, sizes)
    return [(value, per_token == k) for k, value in enumerate(uniques)]


def _table(tokens: "Tokens", is_node: np.ndarray, span: np.ndarray, mask: np.ndarray, min_count: int,
           measures: list[str]) -> tuple[pd.DataFrame, int, int]:
    ids = np.asarray(tokens.ids)
    n_vocab = len(tokens.vocab)
    o11 = np.bincount(ids[span], minlength=n_vocab)
    c1 = np.bincount(ids[mask], minlength=n_vocab)
    n, r1, f_node = int(mask.sum()), int(span.sum()), int(is_node.sum())
    keep = np.flatnonzero(o11 >= min_count)
    o, c = o11[keep], c1[keep]
    frame = pd.DataFrame({"collocate": np.array(tokens.vocab, dtype=object)[keep], "n_collocate_node": o,
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
