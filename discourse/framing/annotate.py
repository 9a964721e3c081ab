"""Annotation files: export sentences to CSV or XLSX for coding, import them back with validation.

An exported sheet has one row per sentence: ``sent_id``, ``doc_id``, the document's metadata
(``side``, ``actor``, ``genre``, ``date`` ...), ``context_before``, ``text``, ``context_after``,
one column per frame (write ``1`` where the sentence carries the frame; ``0`` or blank where it
does not), ``notes`` and ``text_hash`` (a fingerprint of the sentence text). CSV files are UTF-8
with a byte-order mark so that Excel on Japanese Windows opens them correctly; XLSX files
(openpyxl) add 0/1 validation on the frame cells, frozen header and a ``codebook`` sheet.

Import checks every row and reports all problems at once, each with the file, the row (as the
spreadsheet numbers it, header = row 1) and the column: an unknown frame column, a missing
frame column, a duplicate ``sent_id``, a sentence whose text changed since export, a value other
than 0, 1 or blank.

Example
-------
>>> export_annotation(sentences, "to_code.xlsx", docvars=corpus.docvars)   # doctest: +SKIP
>>> labels = import_annotation("to_code.xlsx")                            # doctest: +SKIP
"""
from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ..cache import atomic_write_bytes
from ..errors import CorpusError, check_choice, closest
from .codebook import Codebook, load_codebook

META_COLUMNS = ("side", "actor", "genre", "date", "year", "title", "language", "source")
FIXED = ("sent_id", "doc_id", "start", "end", "context_before", "text", "context_after", "notes", "text_hash")
MAX_REPORTED = 25


class AnnotationError(CorpusError):
    """Problems in an annotation file; ``problems`` lists each one (file, row, column, fix)."""

    def __init__(self, path: str, problems: list[str]):
        self.problems = problems
        shown = problems[:MAX_REPORTED]
        more = f"\n  ... and {len(problems) - MAX_REPORTED} more" if len(problems) > MAX_REPORTED else ""
        super().__init__(f"{path}: {len(problems)} problem(s) in the annotation file:\n  " + "\n  ".join(shown) + more)


def text_hash(text: str) -> str:
    """Fingerprint of a sentence text (first 12 hex digits of its sha256).

    >>> text_hash("治安が悪化した。")
    'fa9b3b3fa3e6'
    """
    return hashlib.sha256(str(text).encode("utf-8")).hexdigest()[:12]


def _context(sentences: pd.DataFrame, source: pd.DataFrame, width: int) -> tuple[list[str], list[str]]:
    """The ``width`` sentences before and after each sentence in its document (from ``source``)."""
    if width <= 0:
        return [""] * len(sentences), [""] * len(sentences)
    order = source.reset_index(drop=True)
    position = {sid: i for i, sid in enumerate(order["sent_id"])}
    docs, texts = order["doc_id"].tolist(), order["text"].tolist()
    before, after = [], []
    for sid in sentences["sent_id"]:
        i = position.get(sid)
        if i is None:
            before.append("")
            after.append("")
            continue
        prev = [texts[k] for k in range(max(0, i - width), i) if docs[k] == docs[i]]
        nxt = [texts[k] for k in range(i + 1, min(len(texts), i + 1 + width)) if docs[k] == docs[i]]
        before.append(" ".join(prev))
        after.append(" ".join(nxt))
    return before, after


def annotation_table(sentences: pd.DataFrame, *, frames: Sequence[str] | None = None, docvars: pd.DataFrame | None = None,
                     context: int = 1, context_source: pd.DataFrame | None = None,
                     prefill: pd.DataFrame | None = None) -> pd.DataFrame:
    """The sheet as a DataFrame (what :func:`export_annotation` writes).

    Parameters
    ----------
    sentences : ``sent_id``, ``doc_id``, ``text`` (e.g. from ``corpus_sentences`` or a ranking).
    frames : frame columns (default: the bundled codebook's).
    docvars : document metadata indexed by ``doc_id`` (``corpus.docvars``).
    context : sentences of context on each side; ``context_source`` is the full sentence table
        to take them from (default: ``sentences``).
    prefill : a labels table whose 0/1 values fill the frame cells (e.g. a second-round check);
        default blank.
    """
    frames = list(frames) if frames is not None else list(load_codebook().ids)
    for col in ("sent_id", "doc_id", "text"):
        if col not in sentences.columns:
            raise CorpusError(f"sentences needs a {col!r} column (has {list(sentences.columns)})")
    s = sentences.reset_index(drop=True)
    out = s[["sent_id", "doc_id"]].copy()
    if docvars is not None:
        meta = [c for c in META_COLUMNS if c in docvars.columns]
        out = out.join(docvars[meta].astype(object).where(docvars[meta].notna(), ""), on="doc_id")
    before, after = _context(s, context_source if context_source is not None else s, context)
    out["context_before"], out["text"], out["context_after"] = before, s["text"].tolist(), after
    fill = prefill.set_index("sent_id") if prefill is not None else None
    for f in frames:
        out[f] = [int(fill.loc[sid, f]) if fill is not None and sid in fill.index else "" for sid in s["sent_id"]]
    out["notes"] = ""
    out["text_hash"] = [text_hash(t) for t in s["text"]]
    return out


def export_annotation(sentences: pd.DataFrame, path: str | Path, *, format: str = "auto", codebook: Codebook | None = None,
                      **options: Any) -> Path:
    """Write an annotation sheet to ``path`` (``.csv`` or ``.xlsx``; ``format`` overrides the suffix).
    ``options`` are those of :func:`annotation_table`."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".") if format == "auto" else format
    check_choice("format", fmt, ("csv", "xlsx"))
    cb = codebook or load_codebook()
    options.setdefault("frames", cb.ids)
    table = annotation_table(sentences, **options)
    data = _csv_bytes(table) if fmt == "csv" else _xlsx_bytes(table, cb, list(options["frames"]))
    return atomic_write_bytes(path, data)


def _csv_bytes(table: pd.DataFrame) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(table.columns)
    writer.writerows(table.astype(object).where(table.notna(), "").itertuples(index=False))
    return buf.getvalue().encode("utf-8-sig")


def _xlsx_bytes(table: pd.DataFrame, codebook: Codebook, frames: list[str]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "annotation"
    ws.append(list(table.columns))
    for row in table.astype(object).where(table.notna(), "").itertuples(index=False):
        ws.append([None if v == "" else v for v in row])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    cols = list(table.columns)
    first_frame = cols.index(frames[0]) + 1 if frames else 1
    ws.freeze_panes = ws.cell(row=2, column=first_frame)
    check = DataValidation(type="whole", operator="between", formula1="0", formula2="1", allow_blank=True,
                           showErrorMessage=True, error="0, 1 or blank", errorTitle="frame value")
    ws.add_data_validation(check)
    n = len(table) + 1
    for f in frames:
        letter = get_column_letter(cols.index(f) + 1)
        check.add(f"{letter}2:{letter}{max(n, 2)}")
        ws.column_dimensions[letter].width = 6
    for name, width in (("text", 60), ("context_before", 40), ("context_after", 40), ("notes", 30)):
        letter = get_column_letter(cols.index(name) + 1)
        ws.column_dimensions[letter].width = width
        for cell in ws[letter][1:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet = wb.create_sheet("codebook")
    sheet.append(["id", "label", "side", "definition", "include", "exclude"])
    for fr in codebook.frames:
        sheet.append([fr.id, fr.label, fr.side, fr.definition, "; ".join(fr.include), "; ".join(fr.exclude)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- import -------------------------------------------------------------------------------------
def _read_rows(path: Path) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of a CSV (UTF-8, BOM or not) or XLSX file (sheet ``annotation`` or the first)."""
    if not path.is_file():
        raise CorpusError(f"{path}: annotation file not found")
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
        ws = wb["annotation"] if "annotation" in wb.sheetnames else wb.worksheets[0]
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        wb.close()
    elif path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = [list(r) for r in csv.reader(fh)]
    else:
        raise CorpusError(f"{path}: unknown file type {path.suffix!r}: import .csv or .xlsx files")
    if not rows:
        raise CorpusError(f"{path}: the file is empty: expected a header row and one row per sentence")
    header = ["" if h is None else str(h).strip() for h in rows[0]]
    return header, [r + [None] * (len(header) - len(r)) for r in rows[1:] if any(v not in (None, "") for v in r)]


def _cell_value(value: Any) -> int | None | str:
    """0, 1, None (blank) or the offending text."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float, np.integer, np.floating)) and float(value) in (0.0, 1.0):
        return int(value)
    text = str(value).strip()
    return int(text) if text in ("0", "1") else (int(float(text)) if text in ("0.0", "1.0") else text)


def import_annotation(path: str | Path, *, codebook: Codebook | None = None, frames: Sequence[str] | None = None) -> pd.DataFrame:
    """Read a coded annotation sheet back as a labels table (blank = 0).

    Returns ``doc_id``, ``sent_id``, ``text`` and one 0/1 column per frame; ``attrs["notes"]``
    maps sent_ids to non-empty notes and ``attrs["blank"]`` lists the sentences whose frame
    cells were all blank. Raises :class:`AnnotationError` listing every problem.
    """
    path = Path(path)
    frames = list(frames) if frames is not None else list((codebook or load_codebook()).ids)
    header, rows = _read_rows(path)
    problems = _check_header(header, frames)
    if problems:
        raise AnnotationError(str(path), problems)
    col = {h: k for k, h in enumerate(header)}
    records, notes, blank, seen = [], {}, [], {}
    for r, row in enumerate(rows, 2):
        rec, row_problems = _check_row(row, r, col, frames, seen)
        problems.extend(row_problems)
        if rec is None:
            continue
        records.append(rec)
        if rec.pop("_blank"):
            blank.append(rec["sent_id"])
        if rec.get("notes"):
            notes[rec["sent_id"]] = rec["notes"]
        rec.pop("notes", None)
    if problems:
        raise AnnotationError(str(path), problems)
    labels = pd.DataFrame(records, columns=["doc_id", "sent_id", "text", *frames])
    labels.attrs.update(frames=frames, notes=notes, blank=blank, source=str(path))
    return labels


def _letter(k: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(k + 1)


def _check_header(header: list[str], frames: list[str]) -> list[str]:
    problems = []
    known = set(FIXED) | set(META_COLUMNS)
    for k, h in enumerate(header):
        if h and h not in known and h not in frames:
            problems.append(f"row 1, column {_letter(k)}: unknown frame column {h!r}{closest(h, frames)}: "
                            f"frames are {frames}; rename it or delete the column")
    for k, h in enumerate(header):
        if h and header.index(h) != k:
            problems.append(f"row 1, column {_letter(k)}: column {h!r} appears twice (first in column {_letter(header.index(h))})")
    for name in ("sent_id", "text", *frames):
        if name not in header:
            problems.append(f"row 1: column {name!r} is missing: every exported sheet has it (re-export or restore it)")
    return problems


def _check_row(row: list[Any], r: int, col: dict[str, int], frames: list[str], seen: dict[str, int]
               ) -> tuple[dict[str, Any] | None, list[str]]:
    problems = []
    sid = "" if row[col["sent_id"]] is None else str(row[col["sent_id"]]).strip()
    text = "" if row[col["text"]] is None else str(row[col["text"]])
    if not sid:
        return None, [f"row {r}, column {_letter(col['sent_id'])} (sent_id): empty sentence id"]
    if sid in seen:
        problems.append(f"row {r}, column {_letter(col['sent_id'])} (sent_id): sent_id {sid!r} duplicates row {seen[sid]}")
    seen.setdefault(sid, r)
    if "text_hash" in col and row[col["text_hash"]] not in (None, ""):
        if text_hash(text) != str(row[col["text_hash"]]).strip():
            problems.append(f"row {r}, column {_letter(col['text'])} (text): sentence {sid!r} was changed since export "
                            "(its text no longer matches text_hash): restore the original text; put remarks in 'notes'")
    rec: dict[str, Any] = {"doc_id": "" if "doc_id" not in col or row[col["doc_id"]] is None else str(row[col["doc_id"]]),
                           "sent_id": sid, "text": text,
                           "notes": "" if "notes" not in col or row[col["notes"]] is None else str(row[col["notes"]]).strip()}
    values = []
    for f in frames:
        v = _cell_value(row[col[f]])
        if isinstance(v, str):
            problems.append(f"row {r}, column {_letter(col[f])} ({f}): value {v!r} is not 0, 1 or blank")
            v = None
        values.append(v)
        rec[f] = v or 0
    rec["_blank"] = all(v is None for v in values)
    return rec, problems
