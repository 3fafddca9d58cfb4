"""The one CSV writer for every export: cells a spreadsheet would run as a formula are neutralised.

Exports (verdicts.csv, match output, compare --pairs, the defender and audit exports) carry text that came
from someone else's file: party names, reasons quoting them, free-text notes. Excel, LibreOffice and Google
Sheets treat a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (``=HYPERLINK(...)`` leaks
data, DDE payloads run commands), and a leading tab or carriage return is stripped by some importers so the
next character counts instead. East-Asian spreadsheets also accept the full-width forms (``＝ ＋ － ＠``, as
typed with a CJK input method) and Excel accepts the minus sign U+2212. Following the OWASP advice, such a
cell is written with a leading apostrophe (``'=1+1``): every spreadsheet shows it as text and the original
is still readable by eye and recoverable by a program (strip one leading ``'``).

Leading blanks do not protect a cell (several importers trim them), so the first character after any
spaces decides. Numbers stay numbers: a Python ``int``/``float`` is never a formula, and a string in a
column the caller declares numeric (``numeric=``) is left alone when it parses as a finite number, so
``-3.5`` in a score column is still ``-3.5``. Every other string is checked, including ones that look like
numbers in text columns (a "number" in a name column is someone's text).
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import IO, Any

__all__ = ["DictWriter", "Writer", "safe_cell", "writer"]

# ASCII triggers, their full-width forms (U+FF1D = U+FF0B + U+FF0D - U+FF20 @), the minus sign U+2212 and
# the small/heavy variants U+FE62/U+FE63/U+FE66/U+2796 some fonts and sheets fold to them.
TRIGGERS = frozenset("=+-@\t\r\n" "\uff1d\uff0b\uff0d\uff20" "\u2212\ufe62\ufe63\ufe66\u2796\u2795")
_BLANKS = " \u00a0\u3000"
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def _is_number(text: str) -> bool:
    if not _NUMBER.fullmatch(text.strip()):
        return False
    return math.isfinite(float(text))


def safe_cell(value: Any, numeric: bool = False) -> Any:
    """``value`` as a spreadsheet will show it as text: formula-like strings get a leading ``'``."""
    if value is None:
        return ""
    if isinstance(value, int | float):  # bools too: csv writes True/False as before
        return value
    text = str(value)
    if text.lstrip(_BLANKS)[:1] not in TRIGGERS:  # "" (empty or all blanks) is not in it either
        return text
    if numeric and _is_number(text):
        return text
    return "'" + text


class Writer:
    """``csv.writer`` with :func:`safe_cell` on every cell; ``numeric`` holds the 0-based numeric columns."""

    def __init__(self, fh: IO[str], numeric: Collection[int] = (), **fmt: Any) -> None:
        self._w = csv.writer(fh, **fmt)
        self._numeric = frozenset(numeric)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._w.writerow([safe_cell(v, i in self._numeric) for i, v in enumerate(row)])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class DictWriter:
    """``csv.DictWriter`` with :func:`safe_cell` on every value; ``numeric`` holds numeric field names."""

    def __init__(self, fh: IO[str], fieldnames: Sequence[str], numeric: Collection[str] = (),
                 **fmt: Any) -> None:
        self._w = csv.DictWriter(fh, fieldnames=fieldnames, **fmt)
        self._numeric = frozenset(numeric)
        self.fieldnames = self._w.fieldnames

    def writeheader(self) -> Any:
        # Header names can come from an uploaded file too (compare --pairs keeps the input's columns).
        return self._w.writer.writerow([safe_cell(f) for f in self._w.fieldnames])

    def writerow(self, row: Mapping[str, Any]) -> Any:
        return self._w.writerow({k: safe_cell(v, k in self._numeric) for k, v in row.items()})

    def writerows(self, rows: Iterable[Mapping[str, Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(fh: IO[str], numeric: Collection[int] = (), **fmt: Any) -> Writer:
    """The export writer (same call as ``csv.writer``)."""
    return Writer(fh, numeric, **fmt)
