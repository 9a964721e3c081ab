"""Run folders that never lose results.

A run is written under ``runs/<name>/.partial-<id>/`` and renamed to ``runs/<name>/<id>/`` only
when complete; a failed run is renamed to ``<id>-failed`` with its manifest (status and error).
An existing folder is never overwritten or deleted.
"""
from __future__ import annotations

import datetime
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..cache import atomic_write_text, write_csv


@dataclass
class RunDir:
    """The folder of one run while it is being written."""

    final: Path
    partial: Path
    written: list[str] = field(default_factory=list)

    @classmethod
    def create(cls, root: Path, name: str, config_hash: str) -> "RunDir":
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        run_id = f"{stamp}-{config_hash[:8]}"
        final = root / name / run_id
        partial = root / name / f".partial-{run_id}"
        partial.mkdir(parents=True, exist_ok=False)
        return cls(final, partial)

    def path(self, *parts: str) -> Path:
        p = self.partial.joinpath(*parts)
        p.parent.mkdir(parents=True, exist_ok=True)
        return p

    def write_table(self, name: str, df: pd.DataFrame, *, bom: bool = False, index: bool = False) -> Path:
        """``tables/<name>.csv`` in UTF-8 (with BOM when ``bom``, for Excel on Japanese Windows)."""
        path = write_csv(self.path("tables", f"{name}.csv"), df, bom=bom, index=index)
        self.written.append(str(path.relative_to(self.partial)))
        return path

    def write_json(self, name: str, obj: Any) -> Path:
        path = self.path(name)
        atomic_write_text(path, json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n")
        return path

    def finish(self, ok: bool) -> Path:
        """Rename the partial folder to its final name (``-failed`` suffix when not ``ok``)."""
        target = self.final if ok else self.final.with_name(self.final.name + "-failed")
        n = 1
        while target.exists():
            n += 1
            target = target.with_name(f"{self.final.name}{'' if ok else '-failed'}-{n}")
        os.replace(self.partial, target)
        return target
