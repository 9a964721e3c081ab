"""Study variables assigned by a user-editable rules file (TOML), never hard-coded.

A rules file is an ordered list of rules. Each rule matches document fields by regular
expression (Python :mod:`re`, ``re.search``: anywhere in the value; anchor with ``^``/``$``) and
sets variables; the first matching rule wins; documents no rule matches get the file's
``[default]`` values. A rule matches when *all* its ``match`` fields match (write two rules
for "or"). Missing values match as the empty string.

.. code-block:: toml

    record_rule_as = "side_rule"      # docvar that records which rule matched ("" = none)

    [default]
    side = "other"

    [[rules]]
    name = "government"
    match.speaker_position = "大臣|政府参考人|警察庁"
    set.side = "state"

Example
-------
>>> from discourse.corpus import Corpus, Document
>>> rules = parse_rules({"default": {"side": "other"},
...     "rules": [{"name": "gov", "match": {"speaker_position": "大臣"}, "set": {"side": "state"}}]})
>>> docs = Corpus([Document("a", "治安が悪化した。", extra={"speaker_position": "法務大臣"}),
...                Document("b", "共生を進める。", extra={"speaker_position": ""})])
>>> out, counts = apply_rules(docs, rules)
>>> [d.side for d in out], counts.by_value["n_docs"].tolist()
(['state', 'other'], [1, 1])
"""
from __future__ import annotations

import dataclasses
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import pandas as pd

from ..corpus import LANGUAGES, Corpus, Document
from ..errors import ConfigError, closest

try:  # Python 3.11+
    import tomllib
except ModuleNotFoundError:  # pragma: no cover
    import tomli as tomllib  # type: ignore[no-redef]

__all__ = ["Rule", "Rules", "RuleCounts", "RuleTally", "load_rules", "parse_rules", "apply_rules"]

_TOP_KEYS = ("record_rule_as", "default", "rules")
_RULE_KEYS = ("name", "match", "set")
_FORBIDDEN = ("doc_id", "text", "year")
_DOC_FIELDS = tuple(f.name for f in dataclasses.fields(Document) if f.name not in ("extra",))
_CHOICES = {"language": LANGUAGES}  # side and other study variables take any value
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Rule:
    """One rule: ``number`` (1-based position in the file), ``name``, ``match`` (field → compiled
    regex) and ``assign`` (variable → value)."""

    number: int
    name: str
    match: Mapping[str, re.Pattern[str]]
    assign: Mapping[str, str]

    @property
    def label(self) -> str:
        """``rule 2 (government)``, or ``rule 2`` for a rule without a name."""
        return f"rule {self.number}" if self.name == f"rule {self.number}" else f"rule {self.number} ({self.name})"

    def matches(self, doc: Document) -> bool:
        """True when every ``match`` field of ``doc`` matches its regex (missing = ``""``)."""
        return all(pattern.search(_value(doc, name)) for name, pattern in self.match.items())


@dataclass(frozen=True)
class Rules:
    """A parsed rules file: ordered ``rules``, ``default`` values, the docvar ``record_rule_as``
    naming the rule that matched (``""``: not recorded) and the ``path`` it came from."""

    rules: tuple[Rule, ...]
    default: Mapping[str, str] = field(default_factory=dict)
    record_rule_as: str = ""
    path: str = "<rules>"

    @property
    def variables(self) -> list[str]:
        """Every variable a rule or the default sets, in first-seen order."""
        seen = dict.fromkeys(self.default)
        for rule in self.rules:
            seen.update(dict.fromkeys(rule.assign))
        return list(seen)

    def __repr__(self) -> str:
        return f"<Rules {self.path}: {len(self.rules)} rules setting {self.variables}>"


@dataclass(frozen=True)
class RuleCounts:
    """How many documents each rule matched and each value was assigned.

    Attributes
    ----------
    by_rule : columns ``rule`` (number; 0 = the default), ``name``, ``n_docs``, one row per rule
        in file order, then the default.
    by_value : columns ``variable``, ``value``, ``n_docs`` (sorted by variable then value).
    """

    by_rule: pd.DataFrame
    by_value: pd.DataFrame

    def __str__(self) -> str:
        return (f"documents per rule:\n{self.by_rule.to_string(index=False)}\n"
                f"documents per assigned value:\n{self.by_value.to_string(index=False)}")


def load_rules(path: str | Path, *, fields: Sequence[str] | None = None) -> Rules:
    """Read and check a rules file (see the module docstring for the format).

    Parameters
    ----------
    path : the TOML file.
    fields : the document fields rules may match (e.g. the Diet speech docvars); None: checked
        when the rules are applied.

    Raises
    ------
    ConfigError : missing or invalid TOML, unknown key, a rule without ``match`` or ``set``, a
        bad regex, an unknown field, a value that is not a string or not a valid side; the message
        names the file, the rule number and the field.
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: rules file not found: give the path of a .toml rules file "
                          "(see corpora/rules/kokkai_side.toml)")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}): fix the syntax (strings in quotes, "
                          "'[[rules]]' before each rule)") from None
    return parse_rules(data, path=str(path), fields=fields)


def parse_rules(data: Mapping[str, Any], *, path: str = "<rules>", fields: Sequence[str] | None = None) -> Rules:
    """Build :class:`Rules` from an already parsed mapping (the contents of a rules file)."""
    _check_keys(data, _TOP_KEYS, f"{path}")
    record = data.get("record_rule_as", "")
    if not isinstance(record, str) or (record and (not _NAME.fullmatch(record) or record in _FORBIDDEN + _DOC_FIELDS)):
        raise ConfigError(f"{path}: record_rule_as={record!r}: give a new docvar name such as 'side_rule', "
                          "or \"\" to not record the matching rule")
    default = _assignments(data.get("default", {}), f"{path}: [default]")
    raw_rules = data.get("rules", [])
    if not isinstance(raw_rules, list) or not raw_rules:
        raise ConfigError(f"{path}: no rules: add at least one '[[rules]]' table with match and set")
    rules = tuple(_rule(raw, n, path, fields) for n, raw in enumerate(raw_rules, 1))
    return Rules(rules, default, record, path)


def _rule(raw: Any, number: int, path: str, fields: Sequence[str] | None) -> Rule:
    where = f"{path}: rule {number}"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a table ('[[rules]]'), got {type(raw).__name__}")
    name = str(raw.get("name", f"rule {number}"))
    where = f"{where} ({name})" if "name" in raw else where
    _check_keys(raw, _RULE_KEYS, where)
    match = raw.get("match")
    if not isinstance(match, dict) or not match:
        raise ConfigError(f"{where}: no 'match' table: add e.g. match.speaker_position = \"大臣\"")
    patterns = {str(k): _compile(v, f"{where}: field {k!r}") for k, v in match.items()}
    if fields is not None:
        for name_ in patterns:
            _check_field(name_, fields, where)
    assign = _assignments(raw.get("set"), f"{where}: set")
    if not assign:
        raise ConfigError(f"{where}: no 'set' table: add e.g. set.side = \"state\"")
    return Rule(number, name, patterns, assign)


def _compile(pattern: Any, where: str) -> re.Pattern[str]:
    if not isinstance(pattern, str):
        raise ConfigError(f"{where}: regex {pattern!r} is a {type(pattern).__name__}: write it as a string in quotes")
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ConfigError(f"{where}: bad regex {pattern!r} ({exc}): escape special characters "
                          "such as ( ) [ ] with a backslash") from None


def _assignments(raw: Any, where: str) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a table of variable = \"value\", got {raw!r}")
    out = {}
    for key, value in raw.items():
        if key in _FORBIDDEN or not _NAME.fullmatch(key):
            raise ConfigError(f"{where}: variable {key!r} cannot be set: use a name made of letters, "
                              f"digits and _ other than {list(_FORBIDDEN)}")
        if not isinstance(value, str):
            raise ConfigError(f"{where}: variable {key!r} = {value!r}: values are strings, write it in quotes")
        if key in _CHOICES and value not in _CHOICES[key]:
            raise ConfigError(f"{where}: variable {key!r} = {value!r} is not one of {list(_CHOICES[key])}"
                              f"{closest(value, _CHOICES[key])}")
        out[key] = value
    return out


def _check_keys(raw: Mapping[str, Any], allowed: Sequence[str], where: str) -> None:
    for key in raw:
        if key not in allowed:
            raise ConfigError(f"{where}: unknown key {key!r}{closest(key, allowed)}: allowed keys are {list(allowed)}")


def _check_field(name: str, fields: Iterable[str], where: str) -> None:
    fields = list(fields)
    if name not in fields:
        raise ConfigError(f"{where}: field {name!r} is not a field of these documents{closest(name, fields)}: "
                          f"match one of {fields}")


def _value(doc: Document, name: str) -> str:
    value = getattr(doc, name) if name in _DOC_FIELDS else doc.extra.get(name)
    return "" if value is None else str(value)


def apply_rules(corpus: Corpus | Iterable[Document], rules: Rules) -> tuple[Corpus, RuleCounts]:
    """Assign the rules' variables to every document; return the new corpus and the counts.

    Variables that are :class:`~discourse.corpus.Document` fields (``side``, ``actor``,
    ``genre``, ``title`` ...) replace the field, others become docvars (``extra``). A document
    that no rule matches gets the ``[default]`` values (and keeps the rest). With
    ``record_rule_as``, the name of the matching rule (or ``"default"``) is stored in that docvar.

    Raises
    ------
    ConfigError : a rule matches a field that no document has (a typo), naming the file, rule and field.
    """
    docs = list(corpus)
    _check_fields_present(docs, rules)
    tally = RuleTally(rules)
    out = [tally.assign(doc) for doc in docs]
    return Corpus(out, getattr(corpus, "problems", ())), tally.counts()


class RuleTally:
    """Assign rules one document at a time (for streams) and count the assignments.

    >>> tally = RuleTally(parse_rules({"rules": [{"match": {"title": "白書"}, "set": {"side": "state"}}]}))
    >>> tally.assign(Document("a", "治安。", title="警察白書")).side
    'state'
    >>> tally.counts().by_rule["n_docs"].tolist()
    [1, 0]
    """

    def __init__(self, rules: Rules):
        self.rules = rules
        self.hits: Counter = Counter()
        self.values: Counter = Counter()

    def assign(self, doc: Document) -> Document:
        """The document with the first matching rule's (or the default) variables set."""
        rule = next((r for r in self.rules.rules if r.matches(doc)), None)
        self.hits[rule.number if rule else 0] += 1
        assign = dict(rule.assign if rule else self.rules.default)
        if self.rules.record_rule_as:
            assign[self.rules.record_rule_as] = rule.name if rule else "default"
        new = _assigned(doc, assign)
        for var in self.rules.variables:
            self.values[(var, _value(new, var))] += 1
        return new

    def counts(self) -> RuleCounts:
        """The :class:`RuleCounts` of the documents assigned so far."""
        rows = [{"rule": r.number, "name": r.name, "n_docs": self.hits.get(r.number, 0)} for r in self.rules.rules]
        by_rule = pd.DataFrame(rows + [{"rule": 0, "name": "default", "n_docs": self.hits.get(0, 0)}],
                               columns=["rule", "name", "n_docs"])
        by_value = pd.DataFrame([{"variable": v, "value": x, "n_docs": n} for (v, x), n in sorted(self.values.items())],
                                columns=["variable", "value", "n_docs"])
        return RuleCounts(by_rule, by_value)


def _check_fields_present(docs: list[Document], rules: Rules) -> None:
    if not docs:
        return
    present = set(_DOC_FIELDS) | {k for d in docs for k in d.extra}
    for rule in rules.rules:
        for name in rule.match:
            _check_field(name, sorted(present), f"{rules.path}: {rule.label}")


def _assigned(doc: Document, assign: Mapping[str, str]) -> Document:
    fields = {k: v for k, v in assign.items() if k in _DOC_FIELDS}
    extra = {**doc.extra, **{k: v for k, v in assign.items() if k not in _DOC_FIELDS}}
    return dataclasses.replace(doc, extra=extra, **fields)
