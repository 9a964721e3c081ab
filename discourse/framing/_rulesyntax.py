"""Syntax of the coding-rule language: the tree nodes, the lexer and the recursive-descent parser.

The grammar is documented in :mod:`discourse.framing.rules`; errors raised here carry the offset
in the rule text, which ``rules.parse_rule`` turns into a :class:`~discourse.framing.rules.RuleError`
with rule number, line, column and a caret.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Union

FIELDS = ("lemma", "surface", "text")
OPS = ("==", "!=", ">=", "<=", ">", "<")
DEFAULT_WINDOW = 5
_SPECIAL = set('()",&|!=<>#')
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class _Problem(Exception):
    """Internal: a parse error at an offset, turned into a RuleError by the caller."""

    def __init__(self, message: str, offset: int):
        super().__init__(message)
        self.message, self.offset = message, offset


# --- the syntax tree ------------------------------------------------------------------------
@dataclass(frozen=True)
class Term:
    """One token test (``field`` is ``any``, ``lemma``, ``surface`` or ``text``)."""

    value: str
    field: str = "any"
    pos: str = ""
    glob: bool = False
    offset: int = 0


@dataclass(frozen=True)
class Seq:
    """Consecutive matches of the items (a quoted phrase is a Seq of terms)."""

    items: tuple["Positional", ...]
    offset: int = 0


@dataclass(frozen=True)
class Alt:
    """``(a or b)`` inside near/seq: any of the items."""

    items: tuple["Positional", ...]
    offset: int = 0


@dataclass(frozen=True)
class Near:
    a: "Positional"
    b: "Positional"
    window: int = DEFAULT_WINDOW
    offset: int = 0


@dataclass(frozen=True)
class Compare:
    name: str
    op: str
    value: Any
    offset: int = 0


@dataclass(frozen=True)
class And:
    items: tuple["Expr", ...]


@dataclass(frozen=True)
class Or:
    items: tuple["Expr", ...]


@dataclass(frozen=True)
class Not:
    item: "Expr"


Positional = Union[Term, Seq, Alt]
Expr = Union[Term, Seq, Alt, Near, Compare, And, Or, Not]


# --- lexer ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Tok:
    kind: str      # ( ) , STR OP AND OR NOT WORD EOF
    value: str
    offset: int
    end: int


def _lex(text: str) -> list[_Tok]:
    out, i, n = [], 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch == "#":
            while i < n and text[i] != "\n":
                i += 1
        elif ch in "(),":
            out.append(_Tok(ch, ch, i, i + 1))
            i += 1
        elif ch == '"':
            i = _lex_string(text, i, out)
        elif ch in "&|":
            out.append(_Tok("AND" if ch == "&" else "OR", ch, i, i + 1))
            i += 1
        elif ch in "=!<>":
            i = _lex_operator(text, i, out)
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in _SPECIAL:
                j += 1
            word = text[i:j]
            kind = word.upper() if word.lower() in ("and", "or", "not") else "WORD"
            out.append(_Tok(kind, word, i, j))
            i = j
    out.append(_Tok("EOF", "", n, n))
    return out


def _lex_string(text: str, i: int, out: list[_Tok]) -> int:
    j, chars = i + 1, []
    while j < len(text) and text[j] != '"':
        if text[j] == "\\" and j + 1 < len(text):
            j += 1
        chars.append(text[j])
        j += 1
    if j >= len(text):
        raise _Problem('unterminated string: add the closing "', i)
    out.append(_Tok("STR", "".join(chars), i, j + 1))
    return j + 1


def _lex_operator(text: str, i: int, out: list[_Tok]) -> int:
    two = text[i:i + 2]
    if two in OPS:
        out.append(_Tok("OP", two, i, i + 2))
        return i + 2
    ch = text[i]
    if ch == "!":
        out.append(_Tok("NOT", "!", i, i + 1))
    elif ch == "=":
        raise _Problem("'=' is not an operator: compare with '=='", i)
    else:
        out.append(_Tok("OP", ch, i, i + 1))
    return i + 1


# --- parser -----------------------------------------------------------------------------------
class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.toks = _lex(text)
        self.i = 0

    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def peek(self, k: int = 1) -> _Tok:
        return self.toks[min(self.i + k, len(self.toks) - 1)]

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i = min(self.i + 1, len(self.toks) - 1)
        return tok

    def expect(self, kind: str, what: str) -> _Tok:
        if self.tok.kind != kind:
            raise _Problem(f"expected {what}, found {_show(self.tok)}", self.tok.offset)
        return self.take()

    def parse(self) -> Expr:
        if self.tok.kind == "EOF":
            raise _Problem("empty rule: write a condition such as 差別 or near(外国人, 犯罪, 3)", 0)
        expr = self.or_expr()
        if self.tok.kind != "EOF":
            hint = " (join conditions with 'and' or 'or')" if self.tok.kind in ("WORD", "STR", "(") else ""
            raise _Problem(f"unexpected {_show(self.tok)}{hint}", self.tok.offset)
        return expr

    def or_expr(self) -> Expr:
        items = [self.and_expr()]
        while self.tok.kind == "OR":
            self.take()
            items.append(self.and_expr())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_expr(self) -> Expr:
        items = [self.not_expr()]
        while self.tok.kind == "AND":
            self.take()
            items.append(self.not_expr())
        return items[0] if len(items) == 1 else And(tuple(items))

    def not_expr(self) -> Expr:
        if self.tok.kind == "NOT":
            self.take()
            return Not(self.not_expr())
        return self.primary()

    def primary(self) -> Expr:
        tok = self.tok
        if tok.kind == "(":
            self.take()
            expr = self.or_expr()
            self.close(tok, "(")
            return expr
        if tok.kind == "WORD" and self.peek().kind == "OP":
            return self.compare()
        if tok.kind in ("WORD", "STR"):
            return self.operand(boolean=True)
        raise _Problem(f"expected a term, a phrase, '(', near(...) or seq(...), found {_show(tok)}", tok.offset)

    def close(self, opener: _Tok, name: str) -> None:
        if self.tok.kind != ")":
            raise _Problem(f"expected ')' to close {name} opened at col {self.col(opener.offset)}, found {_show(self.tok)}",
                           self.tok.offset)
        self.take()

    def col(self, offset: int) -> int:
        return offset - (self.text.rfind("\n", 0, offset) + 1) + 1

    def compare(self) -> Compare:
        name = self.take()
        if not _NAME.fullmatch(name.value):
            raise _Problem(f"{name.value!r} is not a docvar name (letters, digits, _)", name.offset)
        op = self.take()
        val = self.tok
        if val.kind not in ("WORD", "STR"):
            raise _Problem(f"expected a value after {op.value!r}, found {_show(val)}", val.offset)
        self.take()
        return Compare(name.value, op.value, _number(val.value) if val.kind == "WORD" else val.value, name.offset)

    def operand(self, boolean: bool = False) -> Expr:
        tok = self.tok
        low = tok.value.lower()
        if tok.kind == "WORD" and low in ("near", "seq") and self.peek().kind == "(":
            if low == "near":
                if not boolean:
                    raise _Problem("near(...) cannot be an operand of near/seq: nest seq(...) or (a or b) instead",
                                   tok.offset)
                return self.near()
            return self.seq()
        if tok.kind == "STR":
            self.take()
            return _phrase(tok.value, tok.offset + 1)
        if tok.kind == "WORD":
            return self.term(boolean)
        if tok.kind == "(" and not boolean:
            return self.alt()
        raise _Problem(f"expected a term, a phrase, seq(...) or (a or b), found {_show(tok)}", tok.offset)

    def term(self, boolean: bool) -> Term:
        tok = self.take()
        if tok.value.lower() == "text:" and self.tok.kind == "STR" and self.tok.offset == tok.end:
            string = self.take()
            term = Term(string.value.casefold(), "text", offset=tok.offset)
        else:
            term = _term(tok.value, tok.offset)
        if term.field == "text" and not boolean:
            raise _Problem("text: searches the sentence text and has no token position: "
                           "use a term or phrase inside near/seq", tok.offset)
        return term

    def alt(self) -> Alt:
        opener = self.take()
        items = [self.operand()]
        while self.tok.kind == "OR":
            self.take()
            items.append(self.operand())
        if self.tok.kind != ")":
            raise _Problem(f"inside near/seq a group may only join terms with 'or': expected 'or' or ')', "
                           f"found {_show(self.tok)}", self.tok.offset)
        self.take()
        return items[0] if len(items) == 1 else Alt(tuple(items), opener.offset)

    def arguments(self, name: str) -> tuple[_Tok, list[Any]]:
        start = self.take()
        self.expect("(", f"'(' after {name}")
        args = [self.operand()]
        while self.tok.kind == ",":
            comma = self.take()
            if name == "near" and len(args) == 3:
                raise _Problem("near(a, b, n) takes at most three arguments", comma.offset)
            if name == "near" and len(args) == 2:
                args.append(self.window())
            else:
                args.append(self.operand())
        if self.tok.kind != ")":
            raise _Problem(f"expected ',' or ')' in {name}(...) opened at col {self.col(start.offset)}, "
                           f"found {_show(self.tok)}", self.tok.offset)
        self.take()
        return start, args

    def window(self) -> int:
        tok = self.take()
        if tok.kind != "WORD" or not tok.value.isdigit() or int(tok.value) < 1:
            raise _Problem(f"the window of near(a, b, n) must be a whole number >= 1, found {_show(tok)}", tok.offset)
        return int(tok.value)

    def near(self) -> Near:
        start, args = self.arguments("near")
        if len(args) < 2:
            raise _Problem("near(a, b, n) needs two operands and an optional window", start.offset)
        return Near(args[0], args[1], args[2] if len(args) == 3 else DEFAULT_WINDOW, start.offset)

    def seq(self) -> Seq:
        start, args = self.arguments("seq")
        if len(args) < 2:
            raise _Problem("seq(a, b, ...) needs at least two operands", start.offset)
        return Seq(tuple(args), start.offset)


def _show(tok: _Tok) -> str:
    return "the end of the rule" if tok.kind == "EOF" else repr(tok.value)


def _number(value: str) -> Any:
    try:
        return int(value)
    except ValueError:
        try:
            return float(value)
        except ValueError:
            return value


def _term(word: str, offset: int) -> Term:
    field, value = "any", word
    prefix, sep, rest = word.partition(":")
    if sep and prefix and prefix.isascii() and prefix.isalpha():
        if prefix.lower() not in FIELDS:
            raise _Problem(f"unknown field {prefix + ':'!r}: use lemma:, surface: or text:", offset)
        field, value = prefix.lower(), rest
    pos = ""
    if "/" in value and field != "text":
        value, pos = value.rsplit("/", 1)
        if not pos:
            raise _Problem(f"empty POS after '/' in {word!r}: write e.g. 差別/名詞", offset)
    if not value:
        raise _Problem(f"empty term in {word!r}", offset)
    value = value.casefold()
    return Term(value, field, pos, glob="*" in value and field != "text", offset=offset)


def _phrase(text: str, offset: int) -> Positional:
    items, pos = [], 0
    for piece in text.split():
        pos = text.index(piece, pos)
        term = _term(piece, offset + pos)
        if term.field == "text":
            raise _Problem("text: cannot be used inside a phrase", offset + pos)
        items.append(term)
        pos += len(piece)
    if not items:
        raise _Problem('empty phrase "": put terms between the quotes', offset - 1)
    return items[0] if len(items) == 1 else Seq(tuple(items), offset - 1)
