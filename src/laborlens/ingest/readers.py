"""Read one input table from CSV, XLSX or JSON into rows of text keyed by canonical column names.

Everything becomes text here and is parsed (quantities, dates) in validation, so that every problem is
reported the same way, with file, row and column, whichever format it came in. Row numbers are what the
user sees: for CSV and XLSX the spreadsheet row (header = row 1, first data row = 2); for a JSON array the
1-based position of the object; for JSON lines the line number.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from laborlens.errors import BadFile, InputError, InputErrors
from laborlens.ingest.limits import Limits
from laborlens.ingest.schema import SCHEMAS, TableSchema, normalise_cell, normalise_header
from laborlens.ingest.textio import (
    check_cells,
    check_json_depth,
    decode_bytes,
    iter_xlsx_rows,
    read_csv,
    read_text,
)

__all__ = ["FORMATS", "Table", "decode_bytes", "read_table", "read_table_full"]

FORMATS: dict[str, str] = {".csv": "csv", ".xlsx": "xlsx", ".json": "json", ".jsonl": "json",
                           ".ndjson": "json"}


@dataclass
class Table:
    """One table as read: canonical rows plus the row numbers a user would look up."""

    schema: TableSchema
    file: str
    rows: list[dict[str, str]] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    encoding: str = ""


def read_table(path: Path | str, schema: TableSchema | str, encoding: str | None = None,
               limits: Limits | None = None) -> list[dict]:
    """Rows of ``path`` as dicts of canonical column -> stripped text ('' when absent).

    Raises :class:`InputErrors` when the file cannot be read or lacks a required column.
    """
    return read_table_full(path, schema, encoding, limits).rows


def read_table_full(path: Path | str, schema: TableSchema | str, encoding: str | None = None,
                    limits: Limits | None = None) -> Table:
    """Like :func:`read_table` but keeps row numbers, warnings and the detected encoding. ``limits`` caps
    file size, rows, cell length and JSON depth (:class:`~laborlens.ingest.limits.Limits` defaults)."""
    path = Path(path)
    limits = limits or Limits()
    schema = SCHEMAS[schema] if isinstance(schema, str) else schema
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        hint = " (save it as .xlsx)" if path.suffix.lower() == ".xls" else ""
        raise InputError(f"unsupported file type {path.suffix or '(none)'}{hint}; use .csv, .xlsx or .json",
                         file=str(path))
    if not path.is_file():
        raise InputError("file not found", file=str(path))
    records: list[tuple[int, list[Any]]]
    try:
        if fmt == "xlsx":
            (header, records), enc = _read_xlsx(path, schema, limits), ""
        else:
            text, enc = read_text(path, limits, encoding)
            if fmt == "csv":
                header, raw = read_csv(text, str(path), limits)
                records = list(raw)
            else:
                header, records = _read_json(text, str(path), schema, limits)
    except InputErrors:
        raise
    except InputError as exc:
        raise InputErrors([exc]) from None
    return _to_table(schema, str(path), header, records, enc)


def _cell_text(v: Any) -> str:
    """Spreadsheet and JSON values as the text a user typed: 12.0 -> '12', a date cell -> '2024-05-01'."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isfinite(v) and v.is_integer() and abs(v) < 1e15:
            return str(int(v))
        return repr(v)
    if isinstance(v, datetime):
        return v.date().isoformat() if v.time() == time(0) else v.isoformat()
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


def _read_xlsx(path: Path, schema: TableSchema,
               limits: Limits) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """First sheet, or the sheet named after the table when a workbook holds several."""
    header: list[str] | None = None
    records: list[tuple[int, list[Any]]] = []
    for n, values in iter_xlsx_rows(path, limits, schema.name):
        cells = [_cell_text(v) for v in values]
        if header is None:
            if any(c.strip() for c in cells):
                header = cells
            continue
        records.append((n, cells))
    if header is None:
        raise InputError("sheet is empty (expected a header row)", file=str(path), row=1)
    return header, records


def _read_json(text: str, file: str, schema: TableSchema,
               limits: Limits) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """A JSON array of objects, ``{"<table>": [...]}``, or JSON lines (one object per line)."""
    body = text.lstrip("\ufeff \t\r\n")
    objects: list[tuple[int, Any]] = []
    if body.startswith("["):
        check_json_depth(body, file, limits)
        try:
            data = json.loads(body)
        except json.JSONDecodeError as exc:
            raise BadFile(f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
                          file=file, row=exc.lineno, column=str(exc.colno)) from None
        objects = list(enumerate(data, start=1))
    else:
        if body.startswith("{"):
            check_json_depth(body, file, limits)
        try:
            whole = json.loads(body) if body.startswith("{") else None
        except json.JSONDecodeError:
            whole = None  # JSON lines
        if isinstance(whole, dict) and isinstance(whole.get(schema.name), list):
            objects = list(enumerate(whole[schema.name], start=1))
        elif isinstance(whole, dict) and "\n" in body.strip():
            raise InputError(f'expected a JSON array of objects, {{"{schema.name}": [...]}} or JSON lines',
                             file=file, row=1)
        else:
            for n, line in enumerate(text.splitlines(), start=1):
                if line.strip().lstrip("\ufeff"):
                    check_json_depth(line, file, limits, n)
                    try:
                        objects.append((n, json.loads(line.lstrip("\ufeff"))))
                    except json.JSONDecodeError as exc:
                        raise BadFile(f"invalid JSON line: {exc.msg} at column {exc.colno}", file=file,
                                      row=n) from None
    errors = [InputError("expected a JSON object", file=file, row=n) for n, o in objects
              if not isinstance(o, dict)]
    if errors:
        raise InputErrors(errors[:50])
    if len(objects) > limits.max_rows:
        raise BadFile(f"more than {limits.max_rows} rows (setting LABORLENS_MAX_ROWS)", file,
                      objects[limits.max_rows][0])
    header: list[str] = []
    seen: set[str] = set()
    for _, o in objects:
        for k in o:
            if k not in seen:
                seen.add(k)
                header.append(k)
    records: list[tuple[int, list[Any]]] = []
    for n, o in objects:
        cells: list[Any] = []
        for k in header:
            v = o.get(k)
            cells.append(json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else _cell_text(v))
        check_cells(cells, file, n, limits, header)
        records.append((n, cells))
    return header, records


def _to_table(schema: TableSchema, file: str, header: list[str], records: list[tuple[int, list[Any]]],
              encoding: str) -> Table:
    """Map the header onto canonical columns and rows onto dicts; report missing and doubled columns."""
    table = Table(schema=schema, file=file, encoding=encoding)
    index: dict[str, int] = {}
    errors: list[InputError] = []
    ignored: list[str] = []
    for i, h in enumerate(header):
        key = normalise_header(str(h))
        if key in schema.columns:
            if key in index:
                errors.append(InputError(f"column '{key}' appears twice in the header", file=file, row=1,
                                         column=key))
            else:
                index[key] = i
        elif key:
            ignored.append(str(h).strip())
    for col in schema.required:
        if col not in index:
            errors.append(InputError(f"missing required column '{col}' (header has: "
                                     f"{', '.join(str(h).strip() for h in header if str(h).strip())})",
                                     file=file, row=1, column=col))
    if errors:
        raise InputErrors(errors)
    if ignored:
        table.warnings.append(f"{file}: ignored unknown column(s): {', '.join(ignored)}")
    table.columns = [c for c in schema.columns if c in index]
    width = len(header)
    extra_rows: list[int] = []
    for n, cells in records:
        texts = [normalise_cell(str(c)) for c in cells]
        if not any(texts):
            continue  # blank line or formatted-but-empty spreadsheet row
        if len(texts) > width and any(texts[width:]):
            extra_rows.append(n)
        row = {c: (texts[i] if i < len(texts) else "") for c, i in index.items()}
        for c in schema.optional:
            row.setdefault(c, "")
        table.rows.append(row)
        table.row_numbers.append(n)
    if extra_rows:
        errors = [InputError("row has more values than the header has columns (an unquoted comma?)",
                             file=file, row=n) for n in extra_rows[:50]]
        raise InputErrors(errors)
    return table
