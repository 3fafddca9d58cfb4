"""Tables exported as a file: CSV through the formula-safe writer (:mod:`laborlens.csvout`) and XLSX with
openpyxl, formulas neutralised the same way.

A :class:`Table` is the columns and rows an export shows (the filtered rows of a results table or of the
review queue). In XLSX a string cell is never a formula once written as text, but a spreadsheet user who
edits it, or saves the sheet as CSV, turns ``=HYPERLINK(...)`` back into one: cells get the same leading
``'`` as in CSV (:func:`laborlens.csvout.safe_cell`). Numeric columns stay numbers. Characters XML cannot
carry (control characters other than tab and newlines) are dropped from XLSX cells.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from laborlens import csvout
from laborlens.csvout import safe_cell
from laborlens.errors import InputError

__all__ = ["FORMATS", "MEDIA_TYPES", "XLSX_MAX_ROWS", "Table", "to_bytes", "to_csv", "to_xlsx"]

FORMATS = ("csv", "xlsx")
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
XLSX_MAX_ROWS = 1_048_575  # a sheet's 1,048,576 rows less the header
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(slots=True)
class Table:
    """What an export holds: column names, rows (lists of cells), the numeric column names, a title."""

    columns: Sequence[str]
    rows: list[list[Any]]
    numeric: frozenset[str] = field(default_factory=frozenset)
    title: str = "export"

    def __len__(self) -> int:
        return len(self.rows)


def to_csv(table: Table) -> bytes:
    """UTF-8 CSV like every other export (no BOM; XLSX is the file for Excel); formulas neutralised."""
    buf = io.StringIO()
    cols = list(table.columns)
    w = csvout.writer(buf, numeric=[i for i, c in enumerate(cols) if c in table.numeric])
    w.writerow(cols)
    w.writerows(table.rows)
    return buf.getvalue().encode("utf-8")


def _xlsx_cell(value: Any, numeric: bool) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    text = str(value)
    if numeric and text.strip():
        try:
            return int(text) if text.strip().lstrip("+-").isdigit() else float(text)
        except ValueError:
            pass
    return safe_cell(_XML_ILLEGAL.sub("", text))


def to_xlsx(table: Table) -> bytes:
    """One sheet: a bold, frozen header row, then the rows; formula-like text neutralised as in CSV."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    if len(table.rows) > XLSX_MAX_ROWS:
        raise InputError(f"{len(table.rows):,} rows do not fit in one XLSX sheet "
                         f"({XLSX_MAX_ROWS:,} at most): export CSV, or narrow the filter", column="format")
    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = re.sub(r"[\[\]:*?/\\]", " ", table.title)[:31] or "export"
    cols = list(table.columns)
    ws.append([safe_cell(c) for c in cols])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    is_num = [c in table.numeric for c in cols]
    for row in table.rows:
        ws.append([_xlsx_cell(v, is_num[i] if i < len(is_num) else False) for i, v in enumerate(row)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_bytes(table: Table, fmt: str) -> bytes:
    if fmt == "csv":
        return to_csv(table)
    if fmt == "xlsx":
        return to_xlsx(table)
    raise InputError(f"format must be one of {', '.join(FORMATS)}", column="format")
