"""A study's rules for a corpus: which docvars every document must have, which values they may
take, and of which type. The package itself requires only ``doc_id`` and ``text``; a schema adds
what one study needs, without making it a default for every other study.

A schema is a small TOML file (or the same structure as a dict), one table per field::

    # schema.toml, next to corpus.jsonl (read automatically by read_corpus)
    [fields.side]
    required = true
    values = ["state", "ngo", "media", "international", "other"]

    [fields.pages]
    type = "int"

Keys of a field: ``required`` (true: present and not empty), ``values`` (the allowed values; for a
list-valued docvar, every element must be allowed), ``type`` (``str``, ``int``, ``float``, ``bool``,
``list`` or ``dict``; an ``int`` is a ``float`` too). Rules apply to the docvars as loaded:
``date`` normalized, ``year`` derived from it, values from ``metadata.csv`` are strings.

Example
-------
>>> from discourse.corpus import Document
>>> schema = Schema.from_mapping({"fields": {"side": {"required": True, "values": ["state", "ngo"]}}})
>>> schema.check(Document("d1", "外国人犯罪が増えた。", side="party_a"), "c.jsonl line 3")
Traceback (most recent call last):
...
discourse.errors.CorpusError: c.jsonl line 3: [E106] field 'side': value 'party_a' is not allowed by the schema <dict>: use one of ['state', 'ngo']
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Union

from .corpus import Document, located_error
from .errors import ConfigError, closest, coded

TYPES: dict[str, tuple[type, ...]] = {"str": (str,), "int": (int,), "float": (int, float), "bool": (bool,),
                                      "list": (list,), "dict": (dict,)}
FIELD_KEYS = ("required", "values", "type")
SCHEMA_FILE = "schema.toml"


@dataclass(frozen=True)
class FieldRule:
    """The rule for one docvar (see the module docstring)."""

    name: str
    required: bool = False
    values: tuple[Any, ...] | None = None
    type: str | None = None


@dataclass(frozen=True)
class Schema:
    """Rules for the docvars of a corpus; ``source`` names the file (or ``<dict>``) in messages."""

    fields: tuple[FieldRule, ...]
    source: str = "<dict>"

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], source: str = "<dict>") -> "Schema":
        """Build from ``{"fields": {name: {"required": ..., "values": [...], "type": ...}}}``;
        :class:`ConfigError` names the source, the key and the fix for anything else."""
        _check_keys(data, ("fields",), source, "")
        fields = data.get("fields", {})
        if not isinstance(fields, Mapping):
            raise ConfigError(f"{source}: 'fields' must be a table of fields ([fields.side] ...), got {fields!r}")
        return cls(tuple(_rule(name, spec, source) for name, spec in fields.items()), source)

    @classmethod
    def from_toml(cls, path: str | os.PathLike[str]) -> "Schema":
        """Read a ``schema.toml`` (see the module docstring)."""
        try:
            import tomllib
        except ModuleNotFoundError:  # Python < 3.11
            import tomli as tomllib

        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{path}: no such schema file: give the path of a schema.toml") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not a valid TOML file ({exc}): fix the file") from None
        return cls.from_mapping(data, str(path))

    def check(self, doc: Document, loc: str) -> None:
        """Raise a located :class:`~discourse.errors.CorpusError` at the first rule ``doc`` breaks."""
        values = {**doc.to_dict(), "year": doc.year}
        for rule in self.fields:
            self._check_field(rule, values.get(rule.name), loc, doc.doc_id)

    def _check_field(self, rule: FieldRule, value: Any, loc: str, doc_id: str) -> None:
        name, schema = rule.name, self.source
        if value is None or value == "":
            if rule.required:
                raise located_error(loc, name, coded("E107", field=name, schema=schema),
                                    "add it to every document (or drop required from the schema)", doc_id=doc_id)
            return
        if rule.type is not None and not _is_type(value, rule.type):
            raise located_error(loc, name, coded("E108", field=name, value=repr(value), found=type(value).__name__,
                                                 schema=schema, wanted=rule.type),
                                f"store it as a JSON {rule.type} (or change the type in the schema)", doc_id=doc_id)
        if rule.values is not None:
            for item in value if isinstance(value, list) else [value]:
                if not _allowed(item, rule.values):
                    raise located_error(loc, name, coded("E106", field=name, value=item, schema=schema),
                                        f"use one of {list(rule.values)}{closest(str(item), map(str, rule.values))}",
                                        doc_id=doc_id)


SchemaLike = Union[Schema, Mapping[str, Any], str, "os.PathLike[str]"]


def load_schema(schema: SchemaLike | None) -> Schema | None:
    """A :class:`Schema` from a Schema, a dict or the path of a TOML file (None stays None)."""
    if schema is None or isinstance(schema, Schema):
        return schema
    if isinstance(schema, Mapping):
        return Schema.from_mapping(schema)
    if isinstance(schema, (str, os.PathLike)):
        return Schema.from_toml(schema)
    raise ConfigError(f"schema={schema!r}: give a Schema, a dict or the path of a schema.toml")


def schema_beside(path: Path) -> Schema | None:
    """The ``schema.toml`` in ``path`` (a folder) or next to it (a file), if there is one."""
    folder = path if path.is_dir() else path.parent
    candidate = folder / SCHEMA_FILE
    return Schema.from_toml(candidate) if candidate.is_file() else None


def _rule(name: str, spec: Any, source: str) -> FieldRule:
    where = f"{source}: [fields.{name}]"
    if not isinstance(spec, Mapping):
        raise ConfigError(f"{where} must be a table (required, values, type), got {spec!r}")
    _check_keys(spec, FIELD_KEYS, source, f"[fields.{name}] ")
    required, values, type_ = spec.get("required", False), spec.get("values"), spec.get("type")
    if not isinstance(required, bool):
        raise ConfigError(f"{where}: required = {required!r}: write true or false")
    if values is not None and not isinstance(values, list):
        raise ConfigError(f"{where}: values = {values!r}: give a list of the allowed values")
    if type_ is not None and type_ not in TYPES:
        raise ConfigError(f"{where}: type = {type_!r} is not one of {list(TYPES)}{closest(str(type_), TYPES)}")
    return FieldRule(str(name), required, tuple(values) if values is not None else None, type_)


def _check_keys(table: Mapping[str, Any], allowed: tuple[str, ...], source: str, prefix: str) -> None:
    for key in table:
        if key not in allowed:
            raise ConfigError(f"{source}: {prefix}unknown key {key!r}{closest(str(key), allowed)}: "
                              f"use {list(allowed)}")


def _is_type(value: Any, name: str) -> bool:
    if name in ("int", "float") and isinstance(value, bool):
        return False
    return isinstance(value, TYPES[name])


def _allowed(value: Any, allowed: tuple[Any, ...]) -> bool:
    """``value in allowed`` without ``True == 1`` counting as a match."""
    return any(value == a and type(value) is type(a) or (value == a and {type(value), type(a)} <= {int, float})
               for a in allowed)
