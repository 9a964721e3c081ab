"""Content-addressed on-disk cache and atomic file writes.

Writes go to a temporary file in the same folder and are renamed into place, so a crash never
leaves a half-written file under the final name. Saved models use these writes through the one
checked model format, :mod:`discourse._internal.bundle`.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from .errors import DiscourseError


def atomic_write_bytes(path: Path, data: bytes | Sequence[bytes | memoryview]) -> Path:
    """Write ``data`` (bytes, or a sequence of byte pieces written one after the other, so that a
    large file need not be joined in memory first) to ``path`` atomically (temp file + ``os.replace``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            for piece in ([data] if isinstance(data, (bytes, bytearray, memoryview)) else data):
                fh.write(piece)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically."""
    return atomic_write_bytes(path, text.encode(encoding))


def write_csv(path: Path, df: "Any", *, bom: bool = False, index: bool = False) -> Path:
    """Write a DataFrame as CSV atomically: UTF-8, floats to 10 significant digits (so identical
    computations give identical bytes); ``bom=True`` adds a BOM and CRLF line ends, which Excel on a
    Japanese Windows system needs to open UTF-8 correctly."""
    text = df.to_csv(index=index, lineterminator="\r\n" if bom else "\n", float_format="%.10g")
    return atomic_write_text(Path(path), ("\ufeff" if bom else "") + text)


def stable_hash(obj: Any, length: int = 16) -> str:
    """sha256 of a JSON-serialisable object (keys sorted), hex, first ``length`` characters."""
    blob = json.dumps(obj, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:length]


def default_cache_dir() -> Path:
    """``$DISCOURSE_CACHE`` or ``./.discourse-cache``."""
    return Path(os.environ.get("DISCOURSE_CACHE", ".discourse-cache"))


# --- checked array files (the tokenization cache) ------------------------------------------------
# A cache entry is one file: MAGIC, the sha256 of the body, then the body: an 8-byte header
# length, a JSON header (array names, dtypes, shapes, offsets; free ``meta``) and the raw array
# bytes. Loading parses JSON and wraps bytes with ``numpy.frombuffer``: no code is executed (no
# pickle), and a truncated or corrupted file fails the checksum and is rebuilt, never trusted.
ARRAY_MAGIC = b"DISCOURSE-ARRAYS-1\n"
_ALIGN = 16


class CorruptCacheEntry(DiscourseError, ValueError):
    """A cache file that is truncated, corrupted or of another format (callers rebuild it)."""


def encode_arrays(arrays: dict[str, np.ndarray], meta: dict[str, Any] | None = None) -> bytes:
    """Serialise named NumPy arrays (numeric dtypes) with a checksum; see :func:`decode_arrays`.

    >>> data = encode_arrays({"ids": np.arange(3, dtype=np.int32)}, {"n_docs": 1})
    >>> arrays, meta = decode_arrays(data)
    >>> arrays["ids"].tolist(), meta
    ([0, 1, 2], {'n_docs': 1})
    """
    return b"".join(_array_pieces(arrays, meta))


def _array_pieces(arrays: dict[str, np.ndarray], meta: dict[str, Any] | None) -> list[bytes | memoryview]:
    """The bytes of :func:`encode_arrays` as pieces (the arrays' own memory, not copies):
    magic, sha256 of the body, then the body (header length, header, aligned arrays)."""
    entries, chunks, offset = [], [], 0
    for name, arr in arrays.items():
        arr = np.ascontiguousarray(arr)
        if arr.dtype.hasobject:
            raise TypeError(f"array {name!r} has dtype object: only numeric arrays can be cached")
        pad = (-offset) % _ALIGN
        chunks.append(b"\0" * pad)
        offset += pad
        entries.append([name, arr.dtype.str, list(arr.shape), offset, arr.nbytes])
        chunks.append(memoryview(arr.reshape(-1).view(np.uint8)))
        offset += arr.nbytes
    header = json.dumps({"arrays": entries, "meta": meta or {}}, ensure_ascii=False).encode("utf-8")
    header += b" " * ((-(len(ARRAY_MAGIC) + 32 + 8 + len(header))) % _ALIGN)  # arrays start aligned in the file
    body = [len(header).to_bytes(8, "little") + header, *chunks]
    digest = hashlib.sha256()
    for piece in body:
        digest.update(piece)
    return [ARRAY_MAGIC + digest.digest(), *body]


def decode_arrays(data: bytes) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Inverse of :func:`encode_arrays` (read-only arrays); :class:`CorruptCacheEntry` if the data
    is truncated, altered or not such a file."""
    head = len(ARRAY_MAGIC)
    if data[:head] != ARRAY_MAGIC or len(data) < head + 40:
        raise CorruptCacheEntry("not a discourse array file (wrong magic or truncated)")
    body = memoryview(data)[head + 32:]
    if hashlib.sha256(body).digest() != data[head:head + 32]:
        raise CorruptCacheEntry("checksum mismatch (truncated or corrupted)")
    size = int.from_bytes(body[:8], "little")
    try:
        header = json.loads(bytes(body[8:8 + size]).decode("utf-8"))
        base = 8 + size
        arrays = {name: np.frombuffer(body, dtype=np.dtype(dtype), count=int(np.prod(shape, dtype=np.int64)),
                                       offset=base + off).reshape(shape)
                  for name, dtype, shape, off, _ in header["arrays"]}
    except (ValueError, KeyError, TypeError) as exc:
        raise CorruptCacheEntry(f"unreadable header ({exc})") from None
    return arrays, header.get("meta", {})


def write_arrays(path: Path, arrays: dict[str, np.ndarray], meta: dict[str, Any] | None = None) -> Path:
    """Write a checked array file atomically (piece by piece: the arrays are not copied)."""
    return atomic_write_bytes(Path(path), _array_pieces(arrays, meta))


def read_arrays(path: Path) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Read a checked array file; :class:`CorruptCacheEntry` if it is damaged, FileNotFoundError if absent."""
    return decode_arrays(Path(path).read_bytes())


def pack_strings(items: list[str]) -> dict[str, np.ndarray]:
    """Strings as two numeric arrays (UTF-8 bytes and character lengths) for :func:`encode_arrays`.

    >>> unpack_strings(**pack_strings(["外国人", "", "犯罪"]))
    ['外国人', '', '犯罪']
    """
    joined = "\0".join(items)
    return {"blob": np.frombuffer(joined.encode("utf-8", "surrogatepass"), np.uint8),
            "lengths": np.fromiter(map(len, items), dtype=np.int64, count=len(items))}


def unpack_strings(blob: np.ndarray, lengths: np.ndarray) -> list[str]:
    """Inverse of :func:`pack_strings`."""
    n = len(lengths)
    if n == 0:
        return []
    text = blob.tobytes().decode("utf-8", "surrogatepass")
    if text.count("\0") == n - 1:
        return text.split("\0")
    out, pos = [], 0
    for length in lengths.tolist():
        out.append(text[pos:pos + length])
        pos += length + 1
    return out


def code_fingerprint(*modules: str) -> str:
    """Hash of the source files of the named ``discourse`` sub-packages or modules (``"tokenize"``,
    ``"text"``), part of cache keys so that a code change invalidates what it computed. The shared
    helpers (``_internal``), which any module may use, are always included."""
    base = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in dict.fromkeys((*modules, "_internal")):
        target = base / name
        files = sorted(target.rglob("*.py")) if target.is_dir() else [target.with_suffix(".py")]
        for f in files:
            digest.update(f.name.encode() + f.read_bytes())
    return digest.hexdigest()[:16]
