"""Frequency and n-gram lists with dispersion (AntConc's word list, quanteda's ``textstat_frequency``,
Wordless's wordlist), and the token positions behind a lexical dispersion plot.

``freq`` counts occurrences; ``rel_freq`` is per million tokens (per million n-grams for ``n > 1``)
of the group; ``docfreq`` counts the group's documents containing the term and ``range`` is that
count as a share of the group's documents; ``dp`` is Gries' DP (0 = spread in proportion to document
sizes, near 1 = concentrated; see :mod:`discourse.metrics.dispersion`).

References
----------
Gries, S. Th. (2008). Dispersions and adjusted frequencies in corpora. IJCL 13(4), 403-437.
Anthony, L. (2022). AntConc (Version 4). Waseda University (word and n-gram lists, range).
Benoit, K. et al. (2018). quanteda: an R package for the quantitative analysis of textual data.
JOSS 3(30), 774 (``textstat_frequency``, ``textplot_xray``).

Example
-------
>>> import pandas as pd
>>> from discourse.tokens import Tokens
>>> toks = Tokens.from_lists([["外国人", "犯罪", "外国人"], ["外国人", "人権"]])
>>> df = frequency(toks)
>>> top = df.iloc[0]
>>> top["term"], int(top["freq"]), int(top["docfreq"]), float(top["range"])
('外国人', 3, 2, 1.0)
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence, Union

import numpy as np
import pandas as pd

from ..dtm import DocTermMatrix, column_sums, docvar_values
from ..errors import ConfigError
from .dispersion import dispersion, doc_term_counts

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from ..tokens import Tokens

PER_MILLION = 1e6


def _groups(x: Union["Tokens", DocTermMatrix], by: str | None) -> list[tuple[Any, np.ndarray]]:
    """``(level, boolean row mask)`` per level of ``by`` (sorted), or one ``("all", all rows)``."""
    n_docs = x.n_docs if isinstance(x, DocTermMatrix) else len(x)
    if by is None:
        return [("all", np.ones(n_docs, dtype=bool))]
    values = pd.Series(docvar_values(x.docvars, by))
    levels = list(values.dropna().unique())
    try:
        levels = sorted(levels)          # numbers (years) in numeric order
    except TypeError:
        levels = sorted(levels, key=str)  # mixed types
    return [(level, (values == level).to_numpy()) for level in levels]


def frequency(x: Union["Tokens", DocTermMatrix], *, by: str | None = None, n: int = 1, min_count: int = 1) -> pd.DataFrame:
    """Term (``n=1``) or n-gram frequency list, per group of documents.

    Parameters
    ----------
    x : ``Tokens`` (or a count ``DocTermMatrix`` for ``n=1``).
    by : docvar to group by (one list per level, levels sorted); None = the whole input.
    n : n-gram length; n-grams join consecutive tokens of one sentence with ``_`` (never across
        a sentence or document boundary), as :meth:`Tokens.ngrams`.
    min_count : keep rows with ``freq >= min_count`` (within the group).

    Returns
    -------
    DataFrame, one row per (group, term) occurring in the group: ``group`` (the level, ``"all"``
    without ``by``), ``rank`` (1 = most frequent in the group; ties share the lowest rank),
    ``term``, ``freq``, ``rel_freq`` (per million tokens, or n-grams, of the group), ``docfreq``
    (documents containing it), ``range`` (docfreq / documents of the group, 0-1), ``dp`` (Gries'
    DP within the group), ``n_docs`` and ``n_tokens`` of the group. Sorted by group, then
    frequency (highest first), then term. ``df.attrs`` holds ``by``, ``n``, ``min_count``.
    """
    if not isinstance(min_count, (int, np.integer)) or min_count < 1:
        raise ConfigError(f"min_count={min_count!r}: give an integer >= 1")
    if isinstance(x, DocTermMatrix) and n != 1:
        raise ConfigError(f"n={n}: n-grams need Tokens (word order), not a DocTermMatrix; pass the tokens")
    data = x if isinstance(x, DocTermMatrix) else x.ngrams(n)
    counts, vocab = doc_term_counts(data), np.array(data.vocab, dtype=object)
    frames = [_group_list(counts, vocab, level, mask, min_count) for level, mask in _groups(data, by)]
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    out.attrs.update(by=by, n=n, min_count=min_count, rel_freq="per million tokens of the group")
    return out


def _group_list(counts: Any, vocab: np.ndarray, level: Any, mask: np.ndarray, min_count: int) -> pd.DataFrame:
    freq = column_sums(counts, mask)
    n_tokens, n_docs = int(freq.sum()), int(mask.sum())
    rng, dp = dispersion(counts, mask)
    keep = freq >= max(min_count, 1)
    frame = pd.DataFrame({"group": level, "term": vocab[keep], "freq": freq[keep],
                          "rel_freq": freq[keep] / max(n_tokens, 1) * PER_MILLION, "docfreq": rng[keep],
                          "range": rng[keep] / max(n_docs, 1), "dp": dp[keep], "n_docs": n_docs, "n_tokens": n_tokens})
    frame = frame.sort_values(["freq", "term"], ascending=[False, True], kind="stable").reset_index(drop=True)
    frame.insert(1, "rank", frame["freq"].rank(method="min", ascending=False).astype(np.int64))
    return frame


def dispersion_positions(x: "Tokens", terms: str | Sequence[str], *, by: str | None = None,
                         over: str | None = "year") -> pd.DataFrame:
    """Where each term occurs: one row per occurrence, documents laid end to end.

    Documents are ordered by ``by`` (if given), then ``over`` (if given), then input order;
    positions count tokens from the start of that ordering (within each ``by`` group).

    Returns columns ``term``, ``doc_id``, ``group`` (level of ``by`` or ``"all"``), ``over`` (the
    document's value of ``over`` or NA), ``position`` (token offset within the group's run of
    documents), ``rel_position`` (position / the group's token count, 0-1). ``df.attrs`` holds the
    document boundaries per group (``attrs["docs"]``: ``group``, ``doc_id``, ``over``, ``start``, ``end``).
    """
    terms = [terms] if isinstance(terms, str) else list(terms)
    if not terms:
        raise ConfigError("terms: give at least one term")
    order = _doc_order(x, by, over)
    index, rows, docs = x.vocab_index, [], []
    wanted = {index[t]: t for t in terms if t in index}
    for group, part in order.groupby("group", sort=False):
        pos = 0
        total = int(part["size"].sum())
        for r in part.itertuples():
            ids = x.ids[x.doc_slice(r.doc)]
            for k in np.flatnonzero(np.isin(ids, list(wanted))) if wanted else []:
                rows.append({"term": wanted[int(ids[k])], "doc_id": r.doc_id, "group": group, "over": r.over,
                             "position": pos + int(k), "rel_position": (pos + int(k)) / max(total, 1)})
            docs.append({"group": group, "doc_id": r.doc_id, "over": r.over, "start": pos, "end": pos + int(r.size)})
            pos += int(r.size)
    out = pd.DataFrame(rows, columns=["term", "doc_id", "group", "over", "position", "rel_position"])
    out.attrs.update(terms=terms, by=by, over=over, docs=pd.DataFrame(docs), missing=[t for t in terms if t not in index])
    return out


def dispersion_tables(positions: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The tables a run writes for :func:`dispersion_positions`: ``{"": positions, "docs": the
    document boundaries}`` (``group``, ``doc_id``, ``over``, ``start``, ``end``)."""
    docs = positions.attrs.get("docs")
    return {"": positions, "docs": docs if docs is not None else pd.DataFrame(columns=["group", "doc_id", "over", "start", "end"])}


def _doc_order(x: "Tokens", by: str | None, over: str | None) -> pd.DataFrame:
    frame = pd.DataFrame({"doc": np.arange(len(x)), "doc_id": x.doc_ids, "size": np.diff(x.doc_ptr),
                          "group": docvar_values(x.docvars, by) if by else "all",
                          "over": docvar_values(x.docvars, over) if over else pd.NA})
    keys = [k for k, used in (("group", by), ("over", over)) if used]
    return frame.sort_values([*keys, "doc"], kind="stable") if keys else frame


def dispersion_plot(x: "Tokens", terms: str | Sequence[str], *, by: str | None = None,
                    over: str | None = "year") -> "Figure":
    """Lexical dispersion plot (NLTK's ``dispersion_plot``, quanteda's ``textplot_xray``): one row
    per term, a tick per occurrence along the documents laid end to end (ordered by ``over``, with
    the period boundaries marked), one panel per level of ``by``. See :func:`dispersion_positions`."""
    from ..report.plots_analyses import plot_dispersion

    return plot_dispersion(dispersion_positions(x, terms, by=by, over=over))
