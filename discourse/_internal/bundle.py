"""The one saved-model format of ``discourse`` estimators: a folder with a JSON file and an NPZ file.

``model.json``
    ``format`` and ``format_version``, the estimator ``class``, the ``package_version`` that wrote
    it, the hyper-parameters (``params``), the non-numeric learned state (``state``: vocabularies,
    frame ids, ...), and for every array its ``dtype``, ``shape`` and ``sha256``; ``checksum``
    is the sha256 of all of this, so an edited file is noticed.
``arrays.npz``
    the numeric learned state, read with ``np.load(..., allow_pickle=False)``: loading never
    runs code from the file.

Both files are written atomically (:func:`discourse.cache.atomic_write_bytes`), the arrays
first. :func:`load_bundle` refuses, with :class:`BundleError` naming the file and the fix, a
missing file, another or newer format, another class, missing or extra arrays, a dtype, shape
or checksum that differs from the record, and non-finite values; the estimator's
``_from_state`` then checks that the arrays fit together (e.g. coefficients against the
vocabulary).

An estimator supports the format with ``_get_state() -> (meta, arrays)`` (``meta`` holds
``params`` plus any JSON state) and ``classmethod _from_state(meta, arrays)``; its class
attribute ``_STATE_ARRAYS`` names the arrays it writes.

Example
-------
>>> model.save("runs/demo/frames")                      # doctest: +SKIP
>>> FramingClassifier.load("runs/demo/frames")          # doctest: +SKIP
"""
from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

import numpy as np

from ..cache import atomic_write_bytes, atomic_write_text
from ..errors import ConfigError

FORMAT = "discourse.model"
FORMAT_VERSION = 1
JSON_NAME, NPZ_NAME = "model.json", "arrays.npz"
#: ``format`` values of files written before this format, and what to do with them.
LEGACY_FORMATS = ("discourse.topic_model/1", "discourse-framing-classifier")


class BundleError(ConfigError):
    """A saved model that cannot be loaded: the message names the file, the problem and the fix."""


# --- writing ---------------------------------------------------------------------------------------
def array_record(arr: np.ndarray) -> dict[str, Any]:
    """``dtype``, ``shape`` and ``sha256`` (of the C-ordered bytes) of one array."""
    arr = np.ascontiguousarray(arr)
    return {"dtype": arr.dtype.str, "shape": list(arr.shape), "sha256": hashlib.sha256(arr.tobytes()).hexdigest()}


def json_checksum(meta: dict[str, Any]) -> str:
    """sha256 of ``meta`` without its ``checksum`` key (canonical JSON: sorted keys)."""
    body = {k: v for k, v in meta.items() if k != "checksum"}
    blob = json.dumps(body, sort_keys=True, ensure_ascii=False, allow_nan=False).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()


def jsonable(value: Any) -> Any:
    """JSON values from parameters: arrays and tuples become lists, NumPy scalars Python numbers."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value.item() if isinstance(value, np.generic) else value


def save_bundle(estimator: Any, path: str | Path) -> Path:
    """Write ``estimator._get_state()`` into folder ``path`` (created); returns the folder."""
    from .. import __version__

    folder = Path(path)
    meta, arrays = estimator._get_state()
    meta = dict(meta)
    arrays = {name: np.asarray(a) for name, a in arrays.items()}
    _check_writable(type(estimator), arrays)
    record = {"format": FORMAT, "format_version": FORMAT_VERSION, "class": type(estimator).__name__,
              "package_version": __version__, "params": jsonable(meta.pop("params")), "state": jsonable(meta),
              "arrays": {name: array_record(a) for name, a in arrays.items()}}
    record["checksum"] = json_checksum(record)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    atomic_write_bytes(folder / NPZ_NAME, buffer.getvalue())
    atomic_write_text(folder / JSON_NAME, json.dumps(record, ensure_ascii=False, indent=1, allow_nan=False))
    return folder


def _check_writable(cls: type, arrays: dict[str, np.ndarray]) -> None:
    expected = set(cls._STATE_ARRAYS)
    if set(arrays) != expected:
        raise BundleError(f"{cls.__name__}._get_state() gave arrays {sorted(arrays)}, expected {sorted(expected)}")
    for name, a in arrays.items():
        if a.dtype.kind not in "biuf":
            raise BundleError(f"{cls.__name__}: array {name!r} has dtype {a.dtype}: only numeric arrays are saved")
        if a.dtype.kind == "f" and not np.isfinite(a).all():
            raise BundleError(f"{cls.__name__}: array {name!r} holds NaN or infinite values: the fit failed, "
                              "refit before saving")


# --- reading ---------------------------------------------------------------------------------------
def load_bundle(cls: type, path: str | Path) -> Any:
    """Read and check a bundle written by :func:`save_bundle` for ``cls``; returns ``cls._from_state(...)``.

    ``path`` is the folder, or either of its two files.
    """
    folder = Path(path)
    folder = folder.parent if folder.name in (JSON_NAME, NPZ_NAME) else folder
    file = folder / JSON_NAME
    record = read_record(file, cls)
    arrays = read_arrays(folder / NPZ_NAME, record, cls)
    unknown = sorted(set(record["params"]) - set(cls._get_param_names()))
    if unknown:
        raise BundleError(f"{file}: unknown parameters {unknown} for {cls.__name__}: the model was saved by "
                          f"another version of discourse ({record.get('package_version')}); refit it with this one")
    meta = {"params": record["params"], **record["state"]}
    try:
        return cls._from_state(meta, arrays)
    except BundleError as exc:
        raise BundleError(f"{folder}: {exc}: {JSON_NAME} and {NPZ_NAME} do not belong together; "
                          f"save the model again with {cls.__name__}.save()") from None
    except KeyError as exc:
        raise BundleError(f"{file}: the state lacks {exc.args[0]!r}: the file was not written by "
                          f"{cls.__name__}.save() of this version; refit and save it again") from None
    except ConfigError as exc:
        raise BundleError(f"{file}: the saved parameters are not valid here ({exc}); refit and save the "
                          "model again") from None


def read_record(file: Path, cls: type) -> dict[str, Any]:
    """The checked JSON record of a bundle (format, version, checksum, class)."""
    writer = f"{cls.__name__}.save()"
    if not file.is_file():
        raise BundleError(f"{file}: model file not found: give the folder written by {writer}")
    try:
        record = json.loads(file.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BundleError(f"{file}: not valid JSON ({exc}): the model file is damaged; save it again with {writer}") from None
    _check_format(file, record, writer)
    if record.get("checksum") != json_checksum(record):
        raise BundleError(f"{file}: checksum mismatch: the file was edited or damaged after it was saved; "
                          f"save the model again with {writer} (change hyper-parameters with set_params and refit)")
    if record.get("class") != cls.__name__:
        raise BundleError(f"{file}: holds a {record.get('class')}, not a {cls.__name__}: "
                          f"load it with {record.get('class')}.load()")
    return record


def _check_format(file: Path, record: Any, writer: str) -> None:
    fmt = record.get("format") if isinstance(record, dict) else type(record).__name__
    if fmt in LEGACY_FORMATS:
        raise BundleError(f"{file}: an older discourse model format ({fmt!r}): refit the model and save it again "
                          f"with {writer}")
    if fmt != FORMAT:
        raise BundleError(f"{file}: not a discourse model (format {fmt!r}, expected {FORMAT!r}): "
                          f"give a folder written by {writer}")
    version = record.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise BundleError(f"{file}: format_version {version!r} is not a format version: the file is damaged")
    if version > FORMAT_VERSION:
        raise BundleError(f"{file}: format_version {version} is newer than this discourse reads ({FORMAT_VERSION}): "
                          f"upgrade discourse (it was saved by {record.get('package_version')})")


def read_arrays(file: Path, record: dict[str, Any], cls: type) -> dict[str, np.ndarray]:
    """The arrays of a bundle, each checked against its record (names, dtype, shape, sha256, finite)."""
    if not file.is_file():
        raise BundleError(f"{file}: model arrays not found: the folder needs both {JSON_NAME} and {NPZ_NAME}; "
                          f"save the model again with {cls.__name__}.save()")
    try:
        with np.load(file, allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
    except ValueError as exc:  # an object array needs pickle: refused
        raise BundleError(f"{file}: {exc}: only plain numeric arrays are accepted (no pickle)") from None
    except (OSError, EOFError, KeyError) as exc:
        raise BundleError(f"{file}: unreadable ({exc}): the file is damaged; save the model again") from None
    _check_names(file, set(arrays), set(record["arrays"]), set(cls._STATE_ARRAYS))
    for name, arr in arrays.items():
        _check_array(file, name, arr, record["arrays"][name])
    return arrays


def _check_names(file: Path, found: set[str], recorded: set[str], expected: set[str]) -> None:
    for what, names in (("recorded in " + JSON_NAME, recorded), ("found", found)):
        missing, extra = sorted(expected - names), sorted(names - expected)
        if missing or extra:
            raise BundleError(f"{file}: arrays {what} differ from what the model needs: missing {missing}, "
                              f"extra {extra}; save the model again")


def _check_array(file: Path, name: str, arr: np.ndarray, rec: dict[str, Any]) -> None:
    if arr.dtype.kind not in "biuf":
        raise BundleError(f"{file}: array {name!r} has dtype {arr.dtype}: only plain numeric arrays are accepted")
    if arr.dtype.str != rec.get("dtype") or list(arr.shape) != rec.get("shape"):
        raise BundleError(f"{file}: array {name!r} is {arr.dtype.str} {list(arr.shape)}, but {JSON_NAME} records "
                          f"{rec.get('dtype')} {rec.get('shape')}: the two files do not belong together")
    if array_record(arr)["sha256"] != rec.get("sha256"):
        raise BundleError(f"{file}: array {name!r}: checksum mismatch: the file was edited or damaged after it "
                          "was saved; save the model again")
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        bad = int(np.size(arr) - np.isfinite(arr).sum())
        raise BundleError(f"{file}: array {name!r} holds {bad} NaN or infinite values: a model with them predicts "
                          "nothing useful; refit it and save again")


def check_shape(name: str, arr: np.ndarray, expected: tuple[int, ...], why: str) -> None:
    """For ``_from_state``: :class:`BundleError` unless ``arr.shape == expected`` (``why``: where from)."""
    if tuple(arr.shape) != tuple(expected):
        raise BundleError(f"array {name!r} has shape {tuple(arr.shape)}, expected {tuple(expected)} ({why})")
