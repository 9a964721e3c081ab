"""A small coding-rule language for dictionary coding (in the spirit of KH Coder's coding rules
and quanteda's dictionaries), with errors that point at the position in the rule.

A rule decides, for one sentence (its tokens, text and its document's docvars), whether a code
applies. Grammar (EBNF; keywords are case-insensitive)::

    rule     = or_expr ;
    or_expr  = and_expr { ("or" | "|") and_expr } ;
    and_expr = not_expr { ("and" | "&") not_expr } ;
    not_expr = ("not" | "!") not_expr | primary ;              (* "a and not b" *)
    primary  = "(" or_expr ")" | near | seq | compare | phrase | term ;
    near     = "near" "(" operand "," operand [ "," INTEGER ] ")" ;   (* default window 5 *)
    seq      = "seq" "(" operand "," operand { "," operand } ")" ;
    operand  = term | phrase | seq | "(" operand { "or" operand } ")" ;
    compare  = NAME ("==" | "!=" | ">=" | "<=" | ">" | "<") (STRING | NUMBER | WORD) ;
    phrase   = '"' term { " " term } '"' ;                     (* consecutive tokens *)
    term     = [ ("lemma" | "surface") ":" ] WORD [ "/" POS ] | "text:" (WORD | STRING) ;

Terms
    ``差別`` (a bare term) matches a token whose lemma *or* surface is 差別; ``lemma:差別`` only
    the lemma, ``surface:外国人`` only the surface. ``差別/名詞`` also requires the token's POS
    tag (``名詞-普通名詞-一般``) to be ``名詞`` or to start with ``名詞-``. A ``*`` in a term is a
    wildcard (``外国*``). ``text:犯罪`` matches a substring of the sentence text (KH Coder's string
    search; no tokens involved). Matching ignores letter case. Terms are matched on the tokens of
    the package tokenizer with compounds, so 来日外国人 is one token: ``外国人`` does not match it,
    ``text:外国人`` does.
Phrases and sequences
    ``"不法 滞在"`` and ``seq(不法, 滞在)`` match consecutive tokens; ``seq`` takes any operands,
    e.g. ``seq((外国人 or 外国籍), 犯罪)``.
Proximity
    ``near(外国人, 犯罪, 3)`` holds when the two occur in the sentence at most 3 tokens apart
    (adjacent tokens are 1 apart; the order does not matter; overlapping matches do not count).
Document variables
    ``side == "state"``, ``year >= 2000``, ``language == en``: compare a docvar of the sentence's
    document (numbers compare as numbers, other values as strings; a missing value never holds).

Rule files hold several codes, KH Coder style: a line ``*code`` starts a code, the following
lines (joined) are its rule, ``#`` starts a comment::

    *discrimination
    差別 or 偏見 or near(外国人, (犯罪者 or 犯罪), 3)
    *state_crime
    side == "state" and (外国人犯罪 or seq(来日外国人, 犯罪))

A mistake is a :class:`RuleError` naming the rule, the line and the column, with a caret::

    rule 1, col 14: expected ',' or ')' in near(...) opened at col 1, found '3'
      near(外国人, 犯罪 3 and 増加)
                        ^

Example
-------
>>> rs = parse_rules({"dis": "差別 or near(外国人, 偏見, 3)"})
>>> rs.codes
('dis',)
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping

from ..errors import ConfigError
from ._rulesyntax import (DEFAULT_WINDOW, FIELDS, OPS, Alt, And, Compare, Expr, Near, Not, Or, Positional, Seq, Term,
                          _Parser, _Problem)

__all__ = ["RuleError", "Rule", "RuleSet", "parse_rule", "parse_rules", "read_rules", "walk", "Term", "Seq", "Alt",
           "Near", "Compare", "And", "Or", "Not", "Expr", "Positional", "FIELDS", "OPS", "DEFAULT_WINDOW"]


class RuleError(ConfigError):
    """A rule that cannot be parsed or evaluated; the message points at rule, line and column."""

    def __init__(self, message: str, *, rule: int = 1, code: str = "", col: int = 1, line_text: str = "",
                 source: str = "", line: int | None = None):
        self.rule, self.code, self.col, self.line, self.source = rule, code, col, line, source
        where = f"{source} line {line}: " if source and line is not None else (f"{source}: " if source else "")
        code_part = f" (code {code!r})" if code else ""
        text = f"{where}rule {rule}, col {col}: {message}{code_part}"
        if line_text:
            text += f"\n  {line_text}\n  {' ' * _width(line_text[:col - 1])}^"
        super().__init__(text)


def _width(text: str) -> int:
    """Display width (wide East Asian characters count 2) so the caret lines up."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


# --- rules and rule sets ------------------------------------------------------------------------
@dataclass(frozen=True)
class Rule:
    """A parsed rule: the code it assigns, the syntax tree and where it came from."""

    code: str
    expr: Expr
    text: str
    number: int = 1
    line: int | None = None
    source: str = ""

    def error(self, message: str, offset: int) -> RuleError:
        """A :class:`RuleError` pointing at ``offset`` of this rule's text."""
        return _error(message, offset, self.text, self.number, self.code, self.source, self.line)


def _error(message: str, offset: int, text: str, number: int, code: str, source: str, line: int | None) -> RuleError:
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    line_text = text[line_start:line_end if line_end >= 0 else len(text)]
    extra_lines = text.count("\n", 0, offset)
    at = None if line is None else line + extra_lines
    return RuleError(message, rule=number, code=code, col=offset - line_start + 1, line_text=line_text,
                     source=source, line=at)


def parse_rule(text: str, *, code: str = "", number: int = 1, source: str = "", line: int | None = None) -> Rule:
    """Parse one rule.

    >>> parse_rule("差別/名詞 and not 人種").expr.__class__.__name__
    'And'
    """
    try:
        return Rule(code, _Parser(text).parse(), text, number, line, source)
    except _Problem as p:
        raise _error(p.message, p.offset, text, number, code, source, line) from None


@dataclass(frozen=True)
class RuleSet:
    """Ordered rules, one per code."""

    rules: tuple[Rule, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.rules)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def __getitem__(self, code: str) -> Rule:
        for r in self.rules:
            if r.code == code:
                return r
        raise KeyError(code)

    def to_text(self) -> str:
        """The rule-file form (``*code`` lines followed by the rule), readable by :func:`parse_rules`."""
        return "".join(f"*{r.code}\n{r.text.strip()}\n" for r in self.rules)

    def docvars_used(self) -> set[str]:
        """Docvar names that the rules compare."""
        return {node.name for r in self.rules for node in walk(r.expr) if isinstance(node, Compare)}


def walk(expr: Expr) -> Iterator[Expr]:
    """Every node of a syntax tree, depth first."""
    yield expr
    children: tuple = ()
    if isinstance(expr, (And, Or, Seq, Alt)):
        children = expr.items
    elif isinstance(expr, Not):
        children = (expr.item,)
    elif isinstance(expr, Near):
        children = (expr.a, expr.b)
    for child in children:
        yield from walk(child)


def parse_rules(rules: str | Mapping[str, str], *, source: str = "") -> RuleSet:
    """Parse a rule file's text (``*code`` + rule lines) or a mapping ``{code: rule}``.

    >>> parse_rules("*a\\n差別 or 偏見\\n*b\\nside == 'x'").codes   # doctest: +SKIP
    """
    if isinstance(rules, Mapping):
        parsed = [parse_rule(str(text), code=str(code), number=n, source=source) for n, (code, text) in enumerate(rules.items(), 1)]
    elif isinstance(rules, str):
        parsed = [parse_rule(text, code=code, number=n, source=source, line=line)
                  for n, (code, text, line) in enumerate(_split_file(rules, source), 1)]
    else:
        raise ConfigError(f"rules must be rule-file text or a mapping {{code: rule}}, got {type(rules).__name__}")
    seen: set[str] = set()
    for r in parsed:
        if r.code in seen:
            raise RuleError(f"code {r.code!r} is defined twice: merge the two rules with 'or'", rule=r.number,
                            source=source, line=r.line)
        seen.add(r.code)
    if not parsed:
        raise ConfigError(f"{source or 'rules'}: no rules: start each code with a line '*code'")
    return RuleSet(tuple(parsed))


def _split_file(text: str, source: str) -> list[tuple[str, str, int]]:
    blocks: list[list[Any]] = []
    for n, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("*"):
            code = stripped[1:].split("#", 1)[0].strip()
            if not code:
                raise RuleError("a code line needs a name after '*', e.g. *discrimination", rule=len(blocks) + 1,
                                source=source, line=n, line_text=line, col=line.index("*") + 2)
            blocks.append([code, [], None])
        elif stripped and not stripped.startswith("#"):
            if not blocks:
                raise RuleError("a condition before any code line: start the code with a line '*name'",
                                rule=1, source=source, line=n, line_text=line, col=1)
            if blocks[-1][2] is None:
                blocks[-1][2] = n
            blocks[-1][1].append(line)
        elif blocks and blocks[-1][2] is not None:
            blocks[-1][1].append(line)
    out = []
    for k, (code, lines, first) in enumerate(blocks, 1):
        if first is None:
            raise RuleError("this code has no condition: add a rule line below it", rule=k, code=code, source=source)
        out.append((code, "\n".join(lines).rstrip(), first))
    return out


def read_rules(path: str | Path) -> RuleSet:
    """Read a rule file (UTF-8; see the module docstring for the format)."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"rules file {str(path)!r} not found: give a path to a UTF-8 text file of *code lines and rules")
    return parse_rules(path.read_text(encoding="utf-8-sig"), source=str(path))
