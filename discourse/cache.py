"""Content-addressed on-disk cache and atomic file writes.

Writes go to a temporary file in the same folder and are renamed into place, so a crash never
leaves a half-written file under the final name.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temp file + ``os.replace``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def atomic_write_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically."""
    return atomic_write_bytes(path, text.encode(encoding))


def stable_hash(obj: Any, length: int = 16) -> str:
    """sha256 of a JSON-serialisable object (keys sorted), hex, first ``length`` characters."""
    blob = json.dumps(obj, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:length]


def default_cache_dir() -> Path:
    """``$DISCOURSE_CACHE`` or ``./.discourse-cache``."""
    return Path(os.environ.get("DISCOURSE_CACHE", ".discourse-cache"))
