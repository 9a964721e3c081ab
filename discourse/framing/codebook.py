"""Frame codebooks (TOML): loading and validation.

A codebook has top-level ``name``, ``version``, ``unit``, ``description``, ``coding_rules`` and a
list of ``[[frame]]`` tables (``id``, ``label``, ``side``, ``dimension``, ``definition``,
``include``, ``exclude``, ``cues_ja``, ``cues_en``, ``examples``). Unknown keys, duplicate ids,
missing fields and empty lexicons are errors naming the file, the frame and the fix.

Example
-------
>>> cb = load_codebook()                       # the bundled default
>>> cb.ids[:2]
('crime_threat', 'illegal_residence')
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from ..errors import ConfigError, closest
from ..resources import resource

DEFAULT_CODEBOOK = ("codebooks", "migration_crime_frames.toml")
PRETRAINED_MODEL = ("models", "frames_real")       # the shipped classifier, under corpora/
TOP_KEYS = {"name", "version", "unit", "description", "coding_rules", "frame"}
FRAME_KEYS = ("id", "label", "side", "dimension", "definition", "include", "exclude", "cues_ja", "cues_en", "examples")
LIST_KEYS = {"include", "exclude", "cues_ja", "cues_en", "examples"}
SIDES = ("state", "ngo", "both", "none")


@dataclass(frozen=True)
class Frame:
    """One frame of a codebook (fields as in the TOML file)."""

    id: str
    label: str
    side: str
    dimension: str
    definition: str
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    cues_ja: tuple[str, ...]
    cues_en: tuple[str, ...]
    examples: tuple[str, ...]

    def cues(self, language: str = "ja") -> tuple[str, ...]:
        """The cue lexicon for ``language`` (``ja`` or ``en``)."""
        return self.cues_ja if language == "ja" else self.cues_en


@dataclass(frozen=True)
class Codebook:
    """A validated codebook: metadata and its frames in file order."""

    name: str
    version: str
    unit: str
    description: str
    coding_rules: tuple[str, ...]
    frames: tuple[Frame, ...]
    path: str = ""

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(f.id for f in self.frames)

    def __getitem__(self, frame_id: str) -> Frame:
        for f in self.frames:
            if f.id == frame_id:
                return f
        raise KeyError(f"no frame {frame_id!r} in codebook {self.name!r}{closest(frame_id, self.ids)}")

    def check_ids(self, ids: Any, where: str = "") -> None:
        """Raise :class:`ConfigError` naming any id that is not a frame of this codebook."""
        for i in ids:
            if i not in self.ids:
                raise ConfigError(f"{where}unknown frame {i!r}{closest(str(i), self.ids)}: frames are {list(self.ids)}")


def load_codebook(path: str | Path | None = None) -> Codebook:
    """Load and validate a codebook TOML file (default: the bundled migration-crime codebook)."""
    path = Path(path) if path else resource(*DEFAULT_CODEBOOK)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    _check_keys(data, TOP_KEYS, f"{path}")
    frames = tuple(_frame(raw, path, n) for n, raw in enumerate(data.get("frame", []), 1))
    if not frames:
        raise ConfigError(f"{path}: no [[frame]] tables: a codebook needs at least one frame")
    seen: set[str] = set()
    for f in frames:
        if f.id in seen:
            raise ConfigError(f"{path}: frame id {f.id!r} is used twice: give each frame its own id")
        seen.add(f.id)
    meta = {k: str(data.get(k, "")) for k in ("name", "version", "unit", "description")}
    return Codebook(coding_rules=tuple(data.get("coding_rules", [])), frames=frames, path=str(path), **meta)


def _check_keys(table: dict, allowed: set[str] | tuple[str, ...], where: str) -> None:
    for key in table:
        if key not in allowed:
            raise ConfigError(f"{where}: unknown key {key!r}{closest(key, allowed)}: allowed keys are {sorted(allowed)}")


def _frame(raw: dict, path: Path, n: int) -> Frame:
    where = f"{path}: frame #{n} ({raw.get('id', '?')})"
    _check_keys(raw, FRAME_KEYS, where)
    for key in FRAME_KEYS:
        if key not in raw:
            raise ConfigError(f"{where}: missing key {key!r}: every frame needs {list(FRAME_KEYS)}")
    if raw["side"] not in SIDES:
        raise ConfigError(f"{where}: side {raw['side']!r} is not one of {list(SIDES)}")
    for key in LIST_KEYS:
        if not isinstance(raw[key], list) or not all(isinstance(x, str) and x.strip() for x in raw[key]):
            raise ConfigError(f"{where}: {key!r} must be a list of non-empty strings")
    if not raw["cues_ja"] and not raw["cues_en"]:
        raise ConfigError(f"{where}: empty lexicon: give cues_ja or cues_en at least one cue")
    return Frame(**{k: tuple(raw[k]) if k in LIST_KEYS else str(raw[k]) for k in FRAME_KEYS})
