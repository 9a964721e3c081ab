"""``DocTermMatrix``: sparse document-term counts with a vocabulary and docvars.

Built from :class:`~discourse.tokens.Tokens` in one vectorised pass over the flat token arrays
(no per-document Python lists); a sequence of ``Tokens`` shards is stacked shard by shard.
Verbs (``trim``, ``group``, ``weight``, ``subset``) return new matrices, as quanteda's ``dfm_*``.

Example
-------
>>> from discourse.tokens import Tokens
>>> from discourse.dtm import DocTermMatrix
>>> toks = Tokens.from_lists([["来日外国人", "犯罪", "増加"], ["外国人", "人権", "人権"]])
>>> dtm = DocTermMatrix.from_tokens(toks)
>>> dtm.term_frequencies().head(1).to_dict()
{'人権': 2}
>>> dtm.trim(min_termfreq=2).vocab
('人権',)
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Iterable, Literal, Sequence

import numpy as np
import pandas as pd
from scipy import sparse

from .errors import ConfigError, check_choice, closest

if TYPE_CHECKING:
    import gensim
    from .tokens import Tokens

FreqType = Literal["count", "prop"]
Scheme = Literal["count", "prop", "tfidf", "logcount", "boolean"]
SCHEMES = ("count", "prop", "tfidf", "logcount", "boolean")


def docvar_values(docvars: pd.DataFrame, name: str) -> np.ndarray:
    """The values of docvar ``name`` (a column, or the index when it carries that name)."""
    if name in docvars.columns:
        return docvars[name].to_numpy()
    if name == docvars.index.name:
        return docvars.index.to_numpy()
    choices = [*docvars.columns, *([docvars.index.name] if docvars.index.name else [])]
    raise ConfigError(f"by={name!r} is not a docvar{closest(name, choices)}: choose one of {choices}")


def column_sums(matrix: sparse.spmatrix, rows: np.ndarray | None = None) -> np.ndarray:
    """Column sums over the rows selected by the boolean ``rows`` (all rows: ``None``) of an
    integer count matrix, as int64, without copying the selected rows (a product with the mask).

    >>> column_sums(sparse.csr_matrix(np.array([[1, 0], [2, 3]])), np.array([False, True])).tolist()
    [2, 3]
    """
    from ._internal.diskcsr import DiskCSR

    if isinstance(matrix, DiskCSR):
        return matrix.column_sums(None if rows is None else np.asarray(rows, dtype=bool))
    m = sparse.csr_matrix(matrix)
    weights = np.ones(m.shape[0], dtype=np.int64) if rows is None else np.asarray(rows, dtype=np.int64)
    return np.asarray(m.T @ weights).ravel().astype(np.int64)


@dataclass(frozen=True, eq=False)
class DocTermMatrix:
    """Documents x terms.

    Attributes
    ----------
    matrix : ``scipy.sparse.csr_matrix``, shape ``(n_docs, n_terms)``; int64 counts, or float64
        after :meth:`weight`.
    vocab : the terms, one per column.
    docvars : DataFrame indexed by ``doc_id`` (by the group value after :meth:`group`).
    weighting : ``"count"`` for raw counts, else the scheme given to :meth:`weight`.
    """

    matrix: sparse.csr_matrix
    vocab: tuple[str, ...]
    docvars: pd.DataFrame
    weighting: str = "count"

    def __post_init__(self) -> None:
        n_docs, n_terms = self.matrix.shape
        if n_terms != len(self.vocab) or n_docs != len(self.docvars):
            raise ConfigError(f"matrix shape {self.matrix.shape} does not match {len(self.docvars)} docvars rows "
                              f"and {len(self.vocab)} terms: give one docvars row per document and one term per column")

    # --- construction ---------------------------------------------------------------------
    @classmethod
    def from_tokens(cls, tokens: "Tokens" | Iterable["Tokens"]) -> "DocTermMatrix":
        """Count terms per document.

        Parameters
        ----------
        tokens : a ``Tokens`` object, or an iterable of ``Tokens`` shards (vocabularies are
            merged; each shard is counted and released before the next is read).

        Only terms that occur are kept (a term removed with ``Tokens.remove`` gets no column);
        documents without tokens keep an empty row.
        """
        from .tokens import Tokens

        if isinstance(tokens, Tokens):
            return cls._from_one(tokens)._drop_unused()
        return cls._stack(tokens)._drop_unused()

    @classmethod
    def _from_one(cls, tokens: "Tokens") -> "DocTermMatrix":
        n_docs, n_terms = len(tokens), len(tokens.vocab)
        data = np.ones(tokens.n_tokens, dtype=np.int64)
        indptr = np.asarray(tokens.doc_ptr, dtype=np.int64)
        matrix = sparse.csr_matrix((data, np.asarray(tokens.ids, dtype=np.int64), indptr), shape=(n_docs, n_terms))
        matrix.sum_duplicates()
        return cls(matrix, tuple(tokens.vocab), tokens.docvars.copy())

    @classmethod
    def _stack(cls, shards: Iterable["Tokens"]) -> "DocTermMatrix":
        index: dict[str, int] = {}
        blocks, docvars = [], []
        for shard in shards:
            part = cls._from_one(shard)
            lookup = np.array([index.setdefault(t, len(index)) for t in part.vocab], dtype=np.int64)
            coo = part.matrix.tocoo()
            blocks.append((coo.data, coo.row, lookup[coo.col], part.matrix.shape[0]))
            docvars.append(part.docvars)
        if not blocks:
            raise ConfigError("tokens is an empty sequence of shards: give at least one Tokens object")
        rows = [sparse.csr_matrix((d, (r, c)), shape=(n, len(index))) for d, r, c, n in blocks]
        frame = pd.concat(docvars)
        if frame.index.has_duplicates:
            dup = frame.index[frame.index.duplicated()][0]
            raise ConfigError(f"doc_id {dup!r} occurs in two shards: doc_ids must be unique across shards")
        return cls(sparse.vstack(rows, format="csr").astype(np.int64), tuple(index), frame)

    def _drop_unused(self) -> "DocTermMatrix":
        used = self.term_totals() > 0
        return self if used.all() else self._keep_terms(used)

    # --- shape and access -----------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, int]:
        return self.matrix.shape

    @property
    def n_docs(self) -> int:
        return self.matrix.shape[0]

    @property
    def n_terms(self) -> int:
        return self.matrix.shape[1]

    @property
    def doc_ids(self) -> list[Any]:
        return list(self.docvars.index)

    def __repr__(self) -> str:
        """Shape, weighting, docvar names and the most frequent terms (bounded length).

        >>> from discourse.tokens import Tokens
        >>> DocTermMatrix.from_tokens(Tokens.from_lists([["人権", "人権", "外国人"]]))
        DocTermMatrix(1 document x 2 terms, count, 2 non-zero)
          top terms: 人権 (2), 外国人 (1)
        """
        from .tokens import REPR_TOKENS, _docvar_names, short_text

        n = self.n_docs
        head = (f"DocTermMatrix({n:,} document{'s' if n != 1 else ''} x {self.n_terms:,} terms, {self.weighting}, "
                f"{self.matrix.nnz:,} non-zero){_docvar_names(self.docvars)}")
        if not self.n_terms or not self.matrix.nnz:
            return head
        totals = self.term_frequencies()
        top = totals[totals > 0].head(REPR_TOKENS)
        fmt = "{:,}" if self.weighting == "count" else "{:.3g}"
        terms = ", ".join(f"{short_text(str(t))} ({fmt.format(v)})" for t, v in top.head(6).items())
        return f"{head}\n  top terms: {terms}" + (", ..." if len(top) > 6 else "")

    def term_totals(self) -> np.ndarray:
        """Column sums (total count or weight of each term), in vocabulary order."""
        return np.asarray(self.matrix.sum(axis=0)).ravel()

    def doc_counts(self) -> np.ndarray:
        """Number of documents in which each term occurs, in vocabulary order."""
        return np.diff(self.matrix.tocsc().indptr)

    def term_frequencies(self) -> pd.Series:
        """Total of each term, most frequent first (ties in term order); name ``frequency``."""
        return self._ranked(self.term_totals(), "frequency")

    def doc_frequencies(self) -> pd.Series:
        """Number of documents containing each term, most frequent first; name ``docfreq``."""
        return self._ranked(self.doc_counts(), "docfreq")

    def _ranked(self, values: np.ndarray, name: str) -> pd.Series:
        s = pd.Series(values, index=pd.Index(self.vocab, name="term"), name=name)
        return s.sort_index().sort_values(ascending=False, kind="stable")

    # --- verbs ------------------------------------------------------------------------------
    def trim(self, *, min_termfreq: float | None = None, max_termfreq: float | None = None,
             min_docfreq: float | None = None, max_docfreq: float | None = None,
             termfreq_type: FreqType = "count", docfreq_type: FreqType = "count") -> "DocTermMatrix":
        """Keep terms whose frequencies lie within the bounds (inclusive), as quanteda's ``dfm_trim``.

        ``termfreq_type="prop"`` compares a term's share of all tokens, ``docfreq_type="prop"``
        the share of documents containing it; ``"count"`` compares raw numbers.

        >>> dtm.trim(min_docfreq=0.5, docfreq_type="prop")  # doctest: +SKIP
        """
        check_choice("termfreq_type", termfreq_type, ("count", "prop"))
        check_choice("docfreq_type", docfreq_type, ("count", "prop"))
        self._require_counts("trim")
        tf = self.term_totals().astype(np.float64)
        df = self.doc_counts().astype(np.float64)
        if termfreq_type == "prop":
            tf = tf / max(tf.sum(), 1.0)
        if docfreq_type == "prop":
            df = df / max(self.n_docs, 1)
        keep = np.ones(self.n_terms, dtype=bool)
        for name, value, series, is_min in (("min_termfreq", min_termfreq, tf, True), ("max_termfreq", max_termfreq, tf, False),
                                            ("min_docfreq", min_docfreq, df, True), ("max_docfreq", max_docfreq, df, False)):
            if value is not None:
                _check_bound(name, value, termfreq_type if "term" in name else docfreq_type)
                keep &= (series >= value) if is_min else (series <= value)
        return self._keep_terms(keep)

    def _keep_terms(self, keep: np.ndarray) -> "DocTermMatrix":
        cols = np.flatnonzero(keep)
        return replace(self, matrix=self.matrix[:, cols].tocsr(), vocab=tuple(self.vocab[i] for i in cols))

    def subset(self, mask: Sequence[bool] | np.ndarray | pd.Series | None = None, **docvars: Any) -> "DocTermMatrix":
        """Keep the documents where ``mask`` is true (one boolean per document, in order) and every
        named docvar matches, as in :meth:`discourse.corpus.Corpus.subset` (a value, a list of
        values, ``year=(low, high)`` inclusive, None for missing; the index name works too).

        >>> dtm.subset(side="state", year=(2000, 2005))  # doctest: +SKIP
        """
        from .tokens import docvar_mask

        mask = docvar_mask(self.docvars, self.n_docs, mask, docvars)
        return replace(self, matrix=self.matrix[mask], docvars=self.docvars[mask])

    def group(self, by: str) -> "DocTermMatrix":
        """Sum the rows of documents sharing a value of docvar ``by`` (quanteda's ``dfm_group``).

        The result has one row per value (sorted); its docvars are indexed by the value (index
        name ``by``), with ``n_docs`` and every docvar that is constant within each group.
        Documents whose ``by`` is missing raise :class:`ConfigError`.

        >>> dtm.group("side").doc_ids  # doctest: +SKIP
        ['ngo', 'state']
        """
        self._require_counts("group")
        values = pd.Series(docvar_values(self.docvars, by))
        if values.isna().any():
            raise ConfigError(f"by={by!r}: {int(values.isna().sum())} documents have no value: "
                              "fill the docvar or subset() them away before grouping")
        codes, uniques = pd.factorize(values, sort=True)
        n_groups = len(uniques)
        indicator = sparse.csr_matrix((np.ones(len(codes), np.int64), (codes, np.arange(len(codes)))),
                                      shape=(n_groups, self.n_docs))
        return replace(self, matrix=(indicator @ self.matrix).tocsr(), docvars=_group_docvars(self.docvars, by, codes, uniques))

    def weight(self, scheme: Scheme = "prop", *, base: float = 10.0, smooth_idf: bool = True,
               sublinear_tf: bool = False, norm: Literal["l2", "l1"] | None = "l2") -> "DocTermMatrix":
        """Weight the counts.

        ``"count"``: unchanged. ``"prop"``: each count divided by its document's total (empty
        documents stay 0). ``"logcount"``: ``1 + log_base(count)`` for non-zero counts (quanteda's
        ``dfm_weight(scheme="logcount")``, base 10). ``"boolean"``: 1 where the term occurs.
        ``"tfidf"``: scikit-learn's ``TfidfTransformer`` exactly: ``tf * idf`` with
        ``tf = count`` (or ``1 + ln(count)`` with ``sublinear_tf``),
        ``idf = ln((1 + n) / (1 + df)) + 1`` (``smooth_idf=True``) or ``ln(n / df) + 1``,
        then each row scaled to unit ``norm`` (``None`` for no scaling). This differs from
        quanteda's ``dfm_tfidf`` (``idf = log10(n / df)``, no ``+1``, no normalisation).
        """
        check_choice("scheme", scheme, SCHEMES)
        self._require_counts("weight")
        check_choice("norm", norm, ("l2", "l1", None))
        x = self.matrix.astype(np.float64)
        if scheme == "prop":
            x = _scale_rows(x, 1.0 / np.maximum(np.asarray(x.sum(axis=1)).ravel(), 1e-300))
        elif scheme == "logcount":
            x.data = 1.0 + np.log(x.data) / np.log(base)
        elif scheme == "boolean":
            x.data = np.ones_like(x.data)
        elif scheme == "tfidf":
            x = _tfidf(x, self.doc_counts(), smooth_idf=smooth_idf, sublinear_tf=sublinear_tf, norm=norm)
        return replace(self, matrix=x.tocsr(), weighting=scheme)

    def _require_counts(self, verb: str) -> None:
        if self.weighting != "count":
            raise ConfigError(f"{verb}() needs raw counts but this matrix is weighted ({self.weighting!r}): "
                              f"call {verb}() before weight()")

    # --- export -----------------------------------------------------------------------------
    def to_sklearn(self) -> tuple[sparse.csr_matrix, np.ndarray]:
        """``(X, feature_names)``: a copy of the CSR matrix and the terms (as ``get_feature_names_out``)."""
        return self.matrix.copy(), np.array(self.vocab, dtype=object)

    def to_gensim(self) -> tuple[list[list[tuple[int, Any]]], "gensim.corpora.Dictionary"]:
        """``(bow_corpus, dictionary)``: one ``[(term_id, count), ...]`` list per document, and a
        ``gensim.corpora.Dictionary`` whose ids are this matrix's column numbers."""
        from gensim.corpora import Dictionary

        x = self.matrix
        cast = int if self.weighting in ("count", "boolean") else float
        bow = [[(int(j), cast(v)) for j, v in zip(x.indices[a:b], x.data[a:b])] for a, b in zip(x.indptr[:-1], x.indptr[1:])]
        dictionary = Dictionary()
        dictionary.token2id = {t: i for i, t in enumerate(self.vocab)}
        dictionary.dfs = {i: int(v) for i, v in enumerate(self.doc_counts())}
        dictionary.cfs = {i: cast(v) for i, v in enumerate(self.term_totals())}
        dictionary.num_docs, dictionary.num_nnz = self.n_docs, int(x.nnz)
        dictionary.num_pos = cast(x.sum())
        return bow, dictionary


def _check_bound(name: str, value: float, kind: str) -> None:
    if value < 0 or (kind == "prop" and value > 1):
        limit = "between 0 and 1" if kind == "prop" else ">= 0"
        raise ConfigError(f"{name}={value!r} is out of range: with type {kind!r} give a value {limit}")


def _scale_rows(x: sparse.csr_matrix, factors: np.ndarray) -> sparse.csr_matrix:
    return (sparse.diags(factors) @ x).tocsr()


def _tfidf(x: sparse.csr_matrix, df: np.ndarray, *, smooth_idf: bool, sublinear_tf: bool,
           norm: str | None) -> sparse.csr_matrix:
    """scikit-learn's TF-IDF (the package's one implementation, :mod:`discourse._internal.tfidf`)."""
    from ._internal.tfidf import smooth_idf as idf_of, tfidf

    return tfidf(x, idf_of(df, x.shape[0], smooth=smooth_idf), sublinear=sublinear_tf, norm=norm)


def _group_docvars(docvars: pd.DataFrame, by: str, codes: np.ndarray, uniques: Any) -> pd.DataFrame:
    frame = docvars.reset_index(drop=docvars.index.name == by or docvars.index.name is None)
    frame = frame.drop(columns=[by], errors="ignore").assign(_g=codes)
    out = pd.DataFrame(index=pd.Index(list(uniques), name=by))
    out["n_docs"] = np.bincount(codes, minlength=len(out))
    grouped = frame.groupby("_g", sort=True)
    for column in frame.columns.drop("_g"):
        if (grouped[column].nunique(dropna=False) <= 1).all():
            out[column] = grouped[column].first().to_numpy()
    return out
