"""Evaluating rules (:mod:`discourse.framing.rules`) on one sentence.

A :class:`SentenceContext` indexes a sentence's tokens by lemma and surface (case-folded) once;
terms are then dictionary look-ups, so a rule with hundreds of alternatives stays cheap.

Example
-------
>>> from discourse.framing.rules import parse_rule
>>> from discourse.framing._tok import SentenceTokens
>>> toks = SentenceTokens(("外国人", "へ", "の", "差別"), ("外国人", "へ", "の", "差別"),
...                       ("名詞", "助詞", "助詞", "名詞"), (0, 3, 4, 5), (3, 4, 5, 7))
>>> ctx = SentenceContext(toks, "外国人への差別", {"side": "ngo"})
>>> holds(parse_rule('near(外国人, 差別, 3) and side == "ngo"'), ctx)
True
"""
from __future__ import annotations

import fnmatch
import re
from bisect import bisect_right
from functools import lru_cache
from itertools import chain
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import closest
from ._tok import SentenceTokens
from .rules import Alt, And, Compare, Expr, Near, Not, Or, Rule, RuleSet, Seq, Term, walk

Span = tuple[int, int]


class SentenceContext:
    """A sentence prepared for rule evaluation: tokens indexed by lemma and surface, its text and
    its document's docvars."""

    __slots__ = ("lemma", "surface", "pos", "text", "docvars", "by_lemma", "by_surface")

    def __init__(self, tokens: SentenceTokens, text: str, docvars: Mapping[str, Any]):
        self.lemma = [x.casefold() for x in tokens.lemma]
        self.surface = [x.casefold() for x in tokens.surface]
        self.pos = tokens.pos
        self.text = text.casefold()
        self.docvars = docvars
        self.by_lemma: dict[str, list[int]] = {}
        self.by_surface: dict[str, list[int]] = {}
        for i, (lem, sur) in enumerate(zip(self.lemma, self.surface)):
            self.by_lemma.setdefault(lem, []).append(i)
            self.by_surface.setdefault(sur, []).append(i)


@lru_cache(maxsize=4096)
def _glob(pattern: str) -> re.Pattern[str]:
    return re.compile(fnmatch.translate(pattern))


def positions(term: Term, ctx: SentenceContext) -> list[int]:
    """Token indices that ``term`` matches."""
    if term.glob:
        rx = _glob(term.value)
        found = [i for i in range(len(ctx.lemma))
                 if (term.field != "surface" and rx.match(ctx.lemma[i])) or (term.field != "lemma" and rx.match(ctx.surface[i]))]
    elif term.field == "lemma":
        found = ctx.by_lemma.get(term.value, [])
    elif term.field == "surface":
        found = ctx.by_surface.get(term.value, [])
    else:
        a, b = ctx.by_lemma.get(term.value, []), ctx.by_surface.get(term.value, [])
        found = sorted(set(a) | set(b)) if a and b else (a or b)
    if term.pos:
        found = [i for i in found if ctx.pos[i] == term.pos or ctx.pos[i].startswith(term.pos + "-")]
    return found


def spans(node: Expr, ctx: SentenceContext) -> list[Span]:
    """Token spans ``(start, end)`` matched by a positional node (term, phrase, seq, or-group)."""
    if isinstance(node, Term):
        return [(i, i + 1) for i in positions(node, ctx)]
    if isinstance(node, Alt):
        return sorted({s for item in node.items for s in spans(item, ctx)})
    if isinstance(node, Seq):
        current = spans(node.items[0], ctx)
        for item in node.items[1:]:
            if not current:
                return []
            by_start: dict[int, list[int]] = {}
            for s, e in spans(item, ctx):
                by_start.setdefault(s, []).append(e)
            current = [(s, e2) for s, e in current for e2 in by_start.get(e, ())]
        return current
    raise TypeError(f"{type(node).__name__} has no token position")


def _near(node: Near, ctx: SentenceContext) -> bool:
    a, b = spans(node.a, ctx), spans(node.b, ctx)
    for sa, ea in a:
        for sb, eb in b:
            gap = sb - ea + 1 if ea <= sb else (sa - eb + 1 if eb <= sa else None)
            if gap is not None and gap <= node.window:
                return True
    return False


def _compare(node: Compare, ctx: SentenceContext) -> bool:
    value = ctx.docvars.get(node.name)
    if _missing(value):
        return False
    want = node.value
    if isinstance(want, (int, float)):
        try:
            value = float(value)
        except (TypeError, ValueError):
            want = str(want)
            value = str(value)
    else:
        value = str(value)
    op = node.op
    return (value == want if op == "==" else value != want if op == "!=" else value >= want if op == ">="
            else value <= want if op == "<=" else value > want if op == ">" else value < want)


def _missing(value: Any) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def holds(node: Expr | Rule, ctx: SentenceContext) -> bool:
    """Does the rule (or sub-rule) hold for the sentence?"""
    if isinstance(node, Rule):
        node = node.expr
    if isinstance(node, Term) and node.field == "text":
        return fnmatch.fnmatchcase(ctx.text, f"*{node.value}*") if node.glob else node.value in ctx.text
    if isinstance(node, (Term, Seq, Alt)):
        return bool(spans(node, ctx))
    if isinstance(node, Or):
        return any(holds(x, ctx) for x in node.items)
    if isinstance(node, And):
        return all(holds(x, ctx) for x in node.items)
    if isinstance(node, Not):
        return not holds(node.item, ctx)
    if isinstance(node, Near):
        return _near(node, ctx)
    if isinstance(node, Compare):
        return _compare(node, ctx)
    raise TypeError(f"not a rule node: {node!r}")


def score(node: Expr | Rule, ctx: SentenceContext) -> int:
    """Strength of evidence: the number of matches of an or-list (each alternative that holds
    counts, a term counts its occurrences); 0 exactly when the rule does not hold."""
    if isinstance(node, Rule):
        node = node.expr
    if isinstance(node, Or):
        return sum(score(x, ctx) for x in node.items)
    if isinstance(node, And):
        return max(score(x, ctx) for x in node.items) if all(holds(x, ctx) for x in node.items) else 0
    if isinstance(node, (Term, Seq, Alt)) and not (isinstance(node, Term) and node.field == "text"):
        return len(spans(node, ctx))
    return int(holds(node, ctx))


def check_docvars(rules: RuleSet, available: set[str] | frozenset[str]) -> None:
    """Raise a RuleError pointing at the first comparison of a docvar that is not ``available``."""
    for rule in rules:
        for node in walk(rule.expr):
            if isinstance(node, Compare) and node.name not in available:
                raise rule.error(f"unknown docvar {node.name!r}{closest(node.name, available)}: "
                                 f"available are {sorted(available)}", node.offset)


def evaluate(rule: Rule, ctx: SentenceContext) -> int:
    """Score of one rule on one sentence (see :func:`score`)."""
    return score(rule.expr, ctx)


# --- vectorised evaluation over many sentences -----------------------------------------------------
class _Values:
    """A docvar lookup for :func:`_compare` on one value."""

    __slots__ = ("docvars",)

    def __init__(self, name: str, value: Any):
        self.docvars = {name: value}


class SentenceBatch:
    """Many sentences prepared for vectorised rule evaluation.

    The tokens of all sentences are concatenated into integer arrays (case-folded lemma, surface
    and POS ids into small vocabularies, the sentence of each token); a term's positions are a
    slice of a token order sorted by id (an inverted index), so a term costs its occurrences, not
    the corpus size. :meth:`score` gives, for every sentence at once, exactly what
    :func:`score` gives for one :class:`SentenceContext` (tested against it).

    Parameters
    ----------
    tokens : the tokens of each sentence.
    texts : the sentence texts (for ``text:`` terms).
    columns : ``name -> values`` (one value per sentence, or a callable returning them) for
        docvar comparisons.
    """

    def __init__(self, tokens: Sequence[SentenceTokens], texts: Sequence[str],
                 columns: Mapping[str, Any] | None = None):
        self.n = len(tokens)
        lengths = np.fromiter((len(t) for t in tokens), dtype=np.int64, count=self.n)
        self.ptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        self.tok_sent = np.repeat(np.arange(self.n, dtype=np.int64), lengths)
        self.n_tok = int(self.ptr[-1])
        # lemmas and surfaces share one (case-folded) vocabulary, so "lemma or surface" is one key
        codes, self.vocab = _codes(chain(chain.from_iterable(t.lemma for t in tokens),
                                         chain.from_iterable(t.surface for t in tokens)), 2 * self.n_tok, casefold=True)
        self.lemma, self.surface = codes[:self.n_tok], codes[self.n_tok:]
        self._tokens = tokens
        self._pos: tuple[np.ndarray, list[str]] | None = None
        self._texts = texts
        self._low: list[str] | None = None
        self._columns = dict(columns or {})
        self._index: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._lookup: dict[str, int] | None = None
        self._spans: dict[Any, tuple[np.ndarray, np.ndarray]] = {}
        self._factorized: dict[str, tuple[np.ndarray, list[Any]]] = {}
        self._memo: dict[tuple[str, int], tuple[Expr, np.ndarray]] = {}

    # --- terms and spans ------------------------------------------------------------------------
    def _inverted(self, field: str) -> tuple[np.ndarray, np.ndarray]:
        """Token indices sorted by key (the lemma, the surface, or for ``any`` both: a token whose
        surface differs from its lemma is listed under each) and the bounds of each key's run."""
        if field not in self._index:
            tokens = np.arange(self.n_tok, dtype=np.int64)
            if field == "any":
                differs = self.surface != self.lemma
                keys = np.concatenate([self.lemma, self.surface[differs]])
                tokens = np.concatenate([tokens, tokens[differs]])
            else:
                keys = self.lemma if field == "lemma" else self.surface
            order = np.argsort(keys * (self.n_tok + 1) + tokens)  # by key, then by position
            bounds = np.concatenate([[0], np.cumsum(np.bincount(keys, minlength=len(self.vocab)))]).astype(np.int64)
            self._index[field] = (tokens[order], bounds)
        return self._index[field]

    def positions(self, term: Term) -> np.ndarray:
        """Sorted global token indices that ``term`` matches (as :func:`positions` per sentence)."""
        if self._lookup is None:
            self._lookup = {v: i for i, v in enumerate(self.vocab)}
        if term.glob:
            rx = _glob(term.value)
            ids = [i for i, v in enumerate(self.vocab) if rx.match(v)]
        else:
            ids = [self._lookup[term.value]] if term.value in self._lookup else []
        if not ids:
            return np.zeros(0, dtype=np.int64)
        order, bounds = self._inverted(term.field)
        pos = order[bounds[ids[0]]:bounds[ids[0] + 1]] if len(ids) == 1 else \
            np.unique(np.concatenate([order[bounds[i]:bounds[i + 1]] for i in ids]))
        if term.pos and len(pos):
            if self._pos is None:
                self._pos = _codes(chain.from_iterable(t.pos for t in self._tokens), self.n_tok, casefold=False)
            codes, vocab = self._pos
            ok = np.array([p == term.pos or p.startswith(term.pos + "-") for p in vocab], dtype=bool)
            pos = pos[ok[codes[pos]]]
        return pos.astype(np.int64, copy=False)

    def spans(self, node: Expr) -> tuple[np.ndarray, np.ndarray]:
        """Token spans ``(starts, ends)`` (global indices) matched by a positional node; a
        sequence keeps one span per way of matching it, as :func:`spans` does."""
        key = _key(node)
        if key not in self._spans:
            self._spans[key] = self._compute_spans(node)
        return self._spans[key]

    def _compute_spans(self, node: Expr) -> tuple[np.ndarray, np.ndarray]:
        if isinstance(node, Term):
            p = self.positions(node)
            return p, p + 1
        if isinstance(node, Alt):
            parts = [self.spans(item) for item in node.items]
            s = np.concatenate([p[0] for p in parts])
            e = np.concatenate([p[1] for p in parts])
            code = np.unique(s * (self.n_tok + 1) + e)
            return code // (self.n_tok + 1), code % (self.n_tok + 1)
        if isinstance(node, Seq):
            s, e = self.spans(node.items[0])
            for item in node.items[1:]:
                if not len(s):
                    break
                s, e = self._join(s, e, *self.spans(item))
            return s, e
        raise TypeError(f"{type(node).__name__} has no token position")

    def _join(self, s: np.ndarray, e: np.ndarray, s2: np.ndarray, e2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if len(s2) > 1 and not bool(np.all(s2[1:] >= s2[:-1])):
            order = np.argsort(s2, kind="stable")
            s2, e2 = s2[order], e2[order]
        lo, hi = np.searchsorted(s2, e, "left"), np.searchsorted(s2, e, "right")
        count = hi - lo
        left = np.repeat(np.arange(len(s)), count)
        right = np.repeat(lo - np.cumsum(count) + count, count) + np.arange(int(count.sum()))
        ns, ne = s[left], e2[right]
        same = self.tok_sent[ns] == self.tok_sent[s2[right]]
        return ns[same], ne[same]

    def _count(self, starts: np.ndarray) -> np.ndarray:
        return np.bincount(self.tok_sent[starts], minlength=self.n).astype(np.int64)

    # --- the other nodes ----------------------------------------------------------------------
    def _text(self, term: Term) -> np.ndarray:
        if self._low is None:
            self._low = [t.casefold() for t in self._texts]
        low, needle = self._low, term.value
        if term.glob or not needle or "\x00" in needle:
            pattern = f"*{needle}*"
            return np.fromiter((fnmatch.fnmatchcase(t, pattern) if term.glob else needle in t for t in low),
                               dtype=bool, count=self.n)
        joined = getattr(self, "_joined", None)
        if joined is None:
            joined = self._joined = "\x00".join(low)
            self._starts = list(np.cumsum([0] + [len(t) + 1 for t in low[:-1]]).tolist()) if low else []
            self._has_nul = any("\x00" in t for t in low)
        if self._has_nul:
            return np.fromiter((needle in t for t in low), dtype=bool, count=self.n)
        out = np.zeros(self.n, dtype=bool)
        starts, at = self._starts, joined.find(needle)
        while at >= 0:
            k = bisect_right(starts, at) - 1
            out[k] = True
            if k + 1 >= len(starts):
                break
            at = joined.find(needle, starts[k + 1])
        return out

    def _near(self, node: Near) -> np.ndarray:
        sa, ea = self.spans(node.a)
        sb, eb = self.spans(node.b)
        out = np.zeros(self.n, dtype=bool)
        if not len(sa) or not len(sb):
            return out
        ka, kb = self.tok_sent[sa], self.tok_sent[sb]
        if len(kb) > 1 and not bool(np.all(kb[1:] >= kb[:-1])):
            order = np.argsort(kb, kind="stable")
            sb, eb, kb = sb[order], eb[order], kb[order]
        lo, hi = np.searchsorted(kb, ka, "left"), np.searchsorted(kb, ka, "right")
        count = hi - lo
        left = np.repeat(np.arange(len(sa)), count)
        right = np.repeat(lo - np.cumsum(count) + count, count) + np.arange(int(count.sum()))
        a_s, a_e, b_s, b_e = sa[left], ea[left], sb[right], eb[right]
        gap = np.where(a_e <= b_s, b_s - a_e + 1, np.where(b_e <= a_s, a_s - b_e + 1, node.window + 1))
        out[ka[left][gap <= node.window]] = True
        return out

    def _column(self, name: str) -> tuple[np.ndarray, list[Any]]:
        """Codes and distinct values of a docvar column (values of different types, e.g. 1 and
        1.0, stay distinct, since they compare differently as strings)."""
        values = self._columns[name]
        if callable(values):
            values = values()
        if not isinstance(values, list):
            values = list(values)
        types = {type(v) for v in values}
        if types <= {str} or types <= {int} or types <= {float}:
            codes, uniques = pd.factorize(np.fromiter(values, dtype=object, count=len(values)), use_na_sentinel=False)
            return np.asarray(codes, dtype=np.int64), list(uniques)
        index: dict[Any, int] = {}
        reps: list[Any] = []
        codes = np.empty(len(values), dtype=np.int64)
        for i, v in enumerate(values):
            try:
                k: Any = (type(v), v)
                c = index.get(k)
            except TypeError:
                k, c = None, None
            if c is None:
                c = len(reps)
                reps.append(v)
                if k is not None:
                    index[k] = c
            codes[i] = c
        return codes, reps

    def _compare(self, node: Compare) -> np.ndarray:
        if node.name not in self._factorized:
            self._factorized[node.name] = self._column(node.name)
        codes, uniques = self._factorized[node.name]
        hits = [_compare(node, _Values(node.name, v)) for v in uniques]  # type: ignore[arg-type]
        hit = np.array(hits + [False], dtype=bool)
        return hit[codes]

    # --- rules ------------------------------------------------------------------------------------
    def holds(self, node: Expr | Rule) -> np.ndarray:
        """Per sentence: does the rule hold (as :func:`holds`)?"""
        if isinstance(node, Rule):
            node = node.expr
        memo = self._memo.get(("h", id(node)))
        if memo is not None and memo[0] is node:
            return memo[1]
        out = self._holds(node)
        self._memo[("h", id(node))] = (node, out)
        return out

    def _holds(self, node: Expr) -> np.ndarray:
        if isinstance(node, Term) and node.field == "text":
            return self._text(node)
        if isinstance(node, (Term, Seq, Alt)):
            return self._count(self.spans(node)[0]) > 0
        if isinstance(node, Or):
            return np.logical_or.reduce([self.holds(x) for x in node.items])
        if isinstance(node, And):
            return np.logical_and.reduce([self.holds(x) for x in node.items])
        if isinstance(node, Not):
            return ~self.holds(node.item)
        if isinstance(node, Near):
            return self._near(node)
        if isinstance(node, Compare):
            return self._compare(node)
        raise TypeError(f"not a rule node: {node!r}")

    def score(self, node: Expr | Rule) -> np.ndarray:
        """Per sentence, the strength of evidence (as :func:`score`): int64 array."""
        if isinstance(node, Rule):
            node = node.expr
        memo = self._memo.get(("s", id(node)))
        if memo is not None and memo[0] is node:
            return memo[1]
        out = self._score(node)
        self._memo[("s", id(node))] = (node, out)
        return out

    def _score(self, node: Expr) -> np.ndarray:
        if isinstance(node, Or):
            return np.sum([self.score(x) for x in node.items], axis=0, dtype=np.int64)
        if isinstance(node, And):
            ok = np.logical_and.reduce([self.holds(x) for x in node.items])
            best = np.max([self.score(x) for x in node.items], axis=0)
            return np.where(ok, best, 0).astype(np.int64)
        if isinstance(node, (Term, Seq, Alt)) and not (isinstance(node, Term) and node.field == "text"):
            return self._count(self.spans(node)[0])
        return self.holds(node).astype(np.int64)


def _codes(values: Iterable[str], n: int, *, casefold: bool) -> tuple[np.ndarray, list[str]]:
    """Integer codes of strings (case-folded first when asked) and their vocabulary."""
    arr = np.fromiter(values, dtype=object, count=n) if n else np.zeros(0, dtype=object)
    codes, uniques = pd.factorize(arr)
    if not casefold:
        return codes.astype(np.int64), list(uniques)
    folded = [str(u).casefold() for u in uniques]
    codes2, vocab = pd.factorize(np.array(folded, dtype=object)) if folded else (np.zeros(0, np.int64), [])
    return np.asarray(codes2, dtype=np.int64)[codes] if len(codes) else codes.astype(np.int64), list(vocab)


def _key(node: Expr) -> Any:
    """A cache key for a positional node that ignores where it was written."""
    if isinstance(node, Term):
        return ("T", node.value, node.field, node.pos, node.glob)
    if isinstance(node, (Seq, Alt)):
        return (type(node).__name__, tuple(_key(x) for x in node.items))
    return node
