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
from functools import lru_cache
from typing import Any, Mapping

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
