"""Run folders that never lose results.

A run is written under ``runs/<name>/.partial-<id>/`` and renamed to ``runs/<name>/<id>/`` only
when complete; a failed run is renamed to ``<id>-failed`` with its manifest (status and error).
An existing folder is never overwritten or deleted.

The partial folder holds ``.pid`` (process id and host of the writing run). A partial folder left
by a run that was killed without a chance to clean up (SIGKILL, power loss) is found at the next
run in the same ``runs/<name>/``: if its process is gone, it is renamed to ``<id>-failed`` with a
manifest saying so (status ``killed``); partial folders of live processes are left alone.
"""
from __future__ import annotations

import datetime
import json
import logging
import os
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..cache import atomic_write_text, write_csv

log = logging.getLogger("discourse.run")
PID_FILE = ".pid"


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
        if partial.parent.is_dir():
            recover_stale(partial.parent)
        partial.mkdir(parents=True, exist_ok=False)
        (partial / PID_FILE).write_text(f"{os.getpid()} {socket.gethostname()}\n", encoding="utf-8")
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
        (self.partial / PID_FILE).unlink(missing_ok=True)
        os.replace(self.partial, target)
        return target


def process_alive(pid: int) -> bool:
    """Is there a process with this id (on this host)?"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover_stale(folder: Path) -> list[Path]:
    """Rename the ``.partial-*`` folders in ``folder`` whose run's process is gone to ``<id>-failed``
    (with a manifest, status ``killed``); return the new paths. Folders without a ``.pid`` file, of
    another host or of a live process are left alone."""
    recovered = []
    for partial in sorted(folder.glob(".partial-*")):
        try:
            pid_text, host = (partial / PID_FILE).read_text(encoding="utf-8").split()
            pid = int(pid_text)
        except (OSError, ValueError):
            continue
        if host != socket.gethostname() or process_alive(pid):
            continue
        run = RunDir(final=folder / partial.name[len(".partial-"):], partial=partial)
        if not (partial / "manifest.json").exists():
            run.write_json("manifest.json", {"status": "killed", "error": f"the run's process {pid} ended without "
                                             "finishing (killed); found and closed by a later run",
                                             "files": sorted(str(p.relative_to(partial)) for p in partial.rglob("*")
                                                             if p.is_file() and p.name != PID_FILE)})
        target = run.finish(ok=False)
        log.warning("a killed run left %s: kept as %s (status 'killed')", partial, target)
        recovered.append(target)
    return recovered
