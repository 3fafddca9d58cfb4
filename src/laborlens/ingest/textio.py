"""The one way laborlens reads input files: bytes under a size cap, one text decoder, one strict CSV
reader, JSON with its nesting depth checked before it is parsed, and .xlsx workbooks opened read-only with
their unpacked size checked before a cell is parsed. Used by ``load`` (ingest), ``lists import``
(refdata.importers), ``match`` and the upload API.

Every refusal is a :class:`~laborlens.errors.BadFile` naming file, row (the line a record starts on; the
spreadsheet row for .xlsx) and column, because the person fixing the file needs to find the spot.
"""

from __future__ import annotations

import csv
import io
import json
import re
import threading
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from laborlens.errors import BadFile
from laborlens.ingest.limits import Limits

_MB = 1024 * 1024


def _mb(n: int) -> str:
    return f"{n / _MB:.0f} MB" if n >= _MB else f"{n} bytes"


def read_bytes(path: Path | str, limits: Limits) -> bytes:
    """The file's bytes, refused before reading when larger than ``limits.max_file_bytes``."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise BadFile(f"file is {_mb(size)}, larger than the limit of {_mb(limits.max_file_bytes)} "
                          "(setting LABORLENS_MAX_FILE_MB)", file=str(path))
        with path.open("rb") as fh:
            data = fh.read(limits.max_file_bytes + 1)  # the file may grow between stat and read
    except OSError as exc:
        raise BadFile(f"cannot read file: {exc.strerror or exc}", file=str(path)) from None
    if len(data) > limits.max_file_bytes:
        raise BadFile(f"file is larger than the limit of {_mb(limits.max_file_bytes)}", file=str(path))
    return data


def decode_bytes(data: bytes, file: str = "", encoding: str | None = None) -> tuple[str, str]:
    """Decode file bytes: UTF-16 if it has a UTF-16 BOM (Excel "Unicode text"), else UTF-8 with or
    without BOM, else GB18030 (what Chinese Excel and many ERP exports write). Returns (text, encoding).

    Ambiguity: a short GB18030 text can happen to be valid UTF-8; pass ``encoding`` to override."""
    if encoding:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise BadFile(f"cannot decode as {encoding}: {exc}", file=file or None) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise BadFile(f"has a UTF-16 byte-order mark but is not valid UTF-16: {exc}",
                          file=file or None) from None
    try:
        return data.decode("utf-8-sig"), "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    except UnicodeDecodeError as utf8_err:
        try:
            return data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            line = data.count(b"\n", 0, utf8_err.start) + 1
            bad = data[utf8_err.start:utf8_err.start + 1].hex()
            raise BadFile(f"text encoding not recognised: not UTF-8 (byte 0x{bad} on line {line}) and not "
                          "GB18030; "
                          "save the file as 'CSV UTF-8'", file=file or None, row=line) from None


def read_text(path: Path | str, limits: Limits, encoding: str | None = None) -> tuple[str, str]:
    """The file as text, within the size cap: (text, encoding found)."""
    return decode_bytes(read_bytes(path, limits), str(path), encoding)


# --- CSV -------------------------------------------------------------------------------------------------

def sniff_delimiter(text: str) -> str:
    """Comma unless the header plainly uses semicolons (European Excel) or tabs (Excel "Unicode text")."""
    first = text.split("\n", 1)[0]
    if "," in first:
        return ","
    for d in ("\t", ";"):
        if d in first:
            return d
    return ","


def _column_of_open_quote(text: str, start_line: int, delimiter: str) -> int:
    """1-based field number of the quote left open in the record that starts on ``start_line``."""
    line = text.splitlines()[start_line - 1] if start_line >= 1 else ""
    try:
        return len(next(csv.reader([line], delimiter=delimiter)))
    except (csv.Error, StopIteration):
        return 1


def _long_field(text: str, line_no: int, delimiter: str, cap: int) -> int:
    """1-based field number of the first cell longer than ``cap`` in the record starting on ``line_no``."""
    rest = "\n".join(text.split("\n")[line_no - 1:])
    old = csv.field_size_limit()
    csv.field_size_limit(max(len(rest) + 1, old))
    try:
        values = next(csv.reader(io.StringIO(rest, newline=""), delimiter=delimiter))
    except (csv.Error, StopIteration):
        return 1
    finally:
        csv.field_size_limit(old)
    return next((i + 1 for i, v in enumerate(values) if len(v) > cap), 1)


def _column_after_quote(text: str, line_no: int, delimiter: str) -> int:
    """1-based field number where a closing quote is followed by more text on line ``line_no``."""
    lines = text.splitlines()
    line = lines[line_no - 1] if 1 <= line_no <= len(lines) else ""
    field, quoted, i = 1, False, 0
    while i < len(line):
        ch = line[i]
        if quoted:
            if ch == '"' and line[i + 1:i + 2] == '"':
                i += 1
            elif ch == '"':
                quoted = False
                if line[i + 1:i + 2] not in (delimiter, ""):
                    return field
        elif ch == '"':
            quoted = True
        elif ch == delimiter:
            field += 1
        i += 1
    return field


def csv_records(lines: Iterable[str], file: str, limits: Limits, delimiter: str,
                locate: Callable[[str, int, int], int], encoding: str = ""
                ) -> Iterator[tuple[int, list[str]]]:
    """The strict CSV reading shared by :func:`read_csv` (a text in memory) and the streaming readers of the
    DuckDB engine: yields the header first, then every non-blank record, each with the line it starts on.
    An unterminated quote, a stray quote, a NUL byte, a row with fewer or more values than the header, a
    cell over ``max_cell_chars`` or more than ``max_rows`` records is refused with its line and column.
    ``locate(kind, start, line_num)`` gives the 1-based field where a broken record breaks, for the error's
    column (``kind``: ``long`` cell, ``open`` quote, text ``after`` a closing quote)."""
    old_limit = csv.field_size_limit()
    csv.field_size_limit(max(limits.max_cell_chars + 1, 1))
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    header: list[str] | None = None
    rows = 0
    too_long = (f"a cell is longer than {limits.max_cell_chars} characters (setting "
                "LABORLENS_MAX_CELL_CHARS)")

    def col(i: int) -> str:
        return header[i] if header and i < len(header) and header[i] else str(i + 1)

    try:
        while True:
            start = reader.line_num + 1
            try:
                values = next(reader)
            except StopIteration:
                break
            except UnicodeDecodeError:  # a stream decoded as it is read
                raise BadFile(f"text encoding changes inside the file (read as {encoding}); save the file as "
                              "'CSV UTF-8'", file, start) from None
            except csv.Error as exc:
                msg = str(exc)
                if "field larger" in msg:
                    raise BadFile(too_long, file, start, col(locate("long", start, reader.line_num) - 1)) from None
                if "end of data" in msg or "EOF" in msg:
                    n = locate("open", start, reader.line_num)
                    raise BadFile("unterminated quote: a quoted cell is never closed (it would swallow the "
                                  "rows after it)", file, start, col(n - 1)) from None
                n = locate("after", start, reader.line_num)
                raise BadFile(f"malformed CSV: {msg} (text after a closing quote?)", file, reader.line_num,
                              col(n - 1)) from None
            if not any(v.strip() for v in values):
                continue
            for i, v in enumerate(values):
                if "\x00" in v:
                    raise BadFile("NUL byte in cell (a binary file, or a UTF-16 file without its byte-order "
                                  "mark?)", file, start, col(i))
                # csv.field_size_limit is process-wide (another thread may have set it): check here too
                if len(v) > limits.max_cell_chars:
                    raise BadFile(too_long, file, start, col(i))
            if header is None:
                header = [h.strip() for h in values]
                yield start, header
                continue
            if len(values) != len(header):
                # the column goes in the text: "file:row: row has more values" is what people grep for
                if len(values) > len(header):
                    msg = (f"row has more values ({len(values)}) than the header has columns "
                           f"({len(header)}); the extra starts at column {len(header) + 1} (an unquoted "
                           "comma?)")
                else:
                    msg = (f"row has fewer values ({len(values)}) than the header has columns "
                           f"({len(header)}); column {len(values) + 1} '{col(len(values))}' is missing (a "
                           "value left out, or a broken quote?)")
                raise BadFile(msg, file, start)
            if rows >= limits.max_rows:
                raise BadFile(f"more than {limits.max_rows} rows (setting LABORLENS_MAX_ROWS)", file, start)
            rows += 1
            yield start, values
    finally:
        csv.field_size_limit(old_limit)
    if header is None:
        raise BadFile("file is empty (expected a header row)", file, 1)


def read_csv(text: str, file: str, limits: Limits,
             delimiter: str | None = None) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and ``(line, values)`` records of a CSV text, strictly (see :func:`csv_records`). Blank lines
    are skipped."""
    delimiter = delimiter or sniff_delimiter(text)

    def locate(kind: str, start: int, line_num: int) -> int:
        if kind == "long":
            return _long_field(text, start, delimiter, limits.max_cell_chars)
        if kind == "open":
            return _column_of_open_quote(text, start, delimiter)
        return _column_after_quote(text, line_num, delimiter)

    records = csv_records(io.StringIO(text, newline=""), file, limits, delimiter, locate)
    header = next(records)[1]
    return header, list(records)


def read_csv_file(path: Path | str, limits: Limits,
                  required: tuple[str, ...] = ()) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """:func:`read_csv` of a file (size cap, decoder), checking that the header has ``required`` columns."""
    header, records = read_csv(read_text(path, limits)[0], str(path), limits)
    for need in required:
        if need not in header:
            shown = ", ".join(h for h in header if h)
            raise BadFile(f"missing required column '{need}' (header has: {shown})", str(path), 1, need)
    return header, records


# --- JSON ------------------------------------------------------------------------------------------------

_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_JSON_BRACKET = re.compile(r"[\[\]{}]")


def check_json_depth(text: str, file: str, limits: Limits, row: int | None = None) -> None:
    """Refuse JSON nested deeper than ``max_json_depth`` before it is parsed (the parser recurses)."""
    depth = 0
    body = _JSON_STRING.sub(lambda m: '"' + " " * (len(m.group()) - 2) + '"', text)  # keeps columns
    for m in _JSON_BRACKET.finditer(body):
        depth += 1 if m.group() in "[{" else -1
        if depth > limits.max_json_depth:
            line = (row or 1) + body.count("\n", 0, m.start())
            column = m.start() - body.rfind("\n", 0, m.start())
            raise BadFile(f"JSON nested deeper than {limits.max_json_depth} levels (setting "
                          "LABORLENS_MAX_JSON_DEPTH)", file, line, str(column))


def loads_json(text: str, file: str, limits: Limits, row: int | None = None) -> Any:
    """``json.loads`` after the depth check; a syntax error names line and column."""
    check_json_depth(text, file, limits, row)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        line = exc.lineno if row is None else row + exc.lineno - 1
        raise BadFile(f"invalid JSON: {exc.msg}", file, line, str(exc.colno)) from None
    except RecursionError:  # only when max_json_depth is set above what the interpreter can parse
        raise BadFile("JSON nested too deeply", file, row) from None


def check_cells(values: list[Any], file: str, row: int, limits: Limits,
                names: list[str] | None = None) -> None:
    """Refuse a cell over ``max_cell_chars`` or holding a NUL byte (values of .xlsx and JSON rows)."""
    for i, v in enumerate(values):
        if not isinstance(v, str):
            continue
        column = names[i] if names and i < len(names) else str(i + 1)
        if len(v) > limits.max_cell_chars:
            raise BadFile(f"cell is longer than {limits.max_cell_chars} characters (setting "
                          "LABORLENS_MAX_CELL_CHARS)", file, row, column)
        if "\x00" in v:
            raise BadFile("NUL byte in cell", file, row, column)


# --- XLSX ------------------------------------------------------------------------------------------------

def check_xlsx_size(path: Path, limits: Limits) -> None:
    """Refuse a workbook whose parts unpack to more than ``max_unpacked_bytes``, from the sizes the zip
    directory declares (zipfile never inflates a part past its declared size), before any XML is parsed:
    a 1 MB file whose one cell expands to 1 GB is refused here."""
    try:
        with zipfile.ZipFile(path) as z:
            total = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise BadFile(f"not a readable .xlsx workbook: {exc}", file=str(path)) from None
    if total > limits.max_unpacked_bytes:
        raise BadFile(f"workbook unpacks to {_mb(total)}, more than the limit of "
                      f"{_mb(limits.max_unpacked_bytes)} (setting LABORLENS_MAX_UNPACKED_MB)", file=str(path))


_OPEN_LOCK = threading.Lock()


def _open_unsized(path: Path) -> Any:
    """``openpyxl.load_workbook`` in read-only mode without its dimension scan: a sheet that declares no
    <dimension> is parsed to its end just to size it (minutes for 5 million rows, before the first row is
    seen). Rows are then streamed as they are stored, so the row cap stops a long sheet early."""
    import openpyxl
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    with _OPEN_LOCK:
        original = ReadOnlyWorksheet._get_size
        ReadOnlyWorksheet._get_size = lambda self: None  # type: ignore[method-assign]
        try:
            return openpyxl.load_workbook(path, read_only=True, data_only=True)
        finally:
            ReadOnlyWorksheet._get_size = original  # type: ignore[method-assign]


def iter_xlsx_rows(path: Path, limits: Limits, sheet: str | None = None) -> Iterator[tuple[int, list[Any]]]:
    """(spreadsheet row, values) of the first sheet (or the one named ``sheet``, case-insensitive), read-only
    and streamed, stopping with an error past ``max_rows`` rows or a cell past ``max_cell_chars``."""
    path = Path(path)
    size = path.stat().st_size if path.exists() else 0
    if size > limits.max_file_bytes:
        raise BadFile(f"file is {_mb(size)}, larger than the limit of {_mb(limits.max_file_bytes)} "
                      "(setting LABORLENS_MAX_FILE_MB)", file=str(path))
    check_xlsx_size(path, limits)
    try:
        wb = _open_unsized(path)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException ...
        raise BadFile(f"not a readable .xlsx workbook: {exc}", file=str(path)) from None
    try:
        ws = next((w for w in wb.worksheets if sheet and w.title.strip().lower() == sheet), wb.worksheets[0])
        for n, values in enumerate(ws.iter_rows(values_only=True), start=1):
            if n > limits.max_rows + 1:  # + the header row
                raise BadFile(f"more than {limits.max_rows} rows (setting LABORLENS_MAX_ROWS)", str(path), n)
            vals = list(values)
            check_cells(vals, str(path), n, limits)
            yield n, vals
    finally:
        wb.close()
