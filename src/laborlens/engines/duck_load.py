"""Input tables straight into DuckDB, validated on the way: files larger than memory never become Python
records as a whole.

Each CSV is read as a stream (the strict reader's rules: quotes, NUL bytes, row widths, cell and row caps,
with line numbers as the user sees them) and each Parquet file in batches; every chunk of rows goes
through the project's own row checks (:func:`laborlens.ingest.validate._check_row`: required values,
lengths, quantities, dates) and is appended to a DuckDB table. The checks that span rows and tables —
duplicate ids, party references, identical link rows counted once — run as SQL on those tables. Errors
name file, row and column exactly as :func:`laborlens.ingest.load_tables` does, and nothing is screened
when there is one.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from laborlens.errors import BadFile, InputError, InputErrors
from laborlens.ingest.limits import Limits
from laborlens.ingest.readers import _to_table
from laborlens.ingest.schema import SCHEMAS, TableSchema
from laborlens.ingest.textio import csv_records, decode_bytes, sniff_delimiter
from laborlens.ingest.validate import MAX_ERRORS, Validated, _check_row, _key_text

CHUNK = 50_000
TABLES = ("parties", "links", "shipments")
# the columns each DuckDB table keeps, in order (quantities as DOUBLE, the rest as text)
COLUMNS = {
    "parties": ("id", "name", "country", "address", "name_local", "registration_id"),
    "links": ("supplier_id", "buyer_id", "material", "hts", "quantity", "unit", "date", "document"),
    "shipments": ("id", "importer_id", "exporter_id", "material", "hts", "description", "quantity", "unit",
                  "entry_date"),
}


def find_inputs(data_dir: Path) -> dict[str, Path]:
    """parties/links/shipments as .csv or .parquet (one file per table)."""
    from laborlens.ingest.loader import find_tables

    found: dict[str, Path] = {}
    for t in TABLES:
        pq = data_dir / f"{t}.parquet"
        if pq.exists():
            others = [p.name for p in data_dir.glob(f"{t}.*") if p.suffix.lower() != ".parquet"
                      and p.suffix.lower() in (".csv", ".xlsx", ".json", ".jsonl", ".ndjson")]
            if others:
                raise InputError(f"two files for table '{t}': {pq.name}, {', '.join(others)}; keep one",
                                 file=str(data_dir))
            found[t] = pq
    if len(found) < len(TABLES):
        try:
            rest = find_tables(data_dir)
        except InputError:
            if not found:
                raise
            rest = {}
        for t, p in rest.items():
            found.setdefault(t, p)
    return found


# -- streaming readers: (row number, header) then (row number, values) ------------------------------------
def _encoding(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(1 << 20)
    if len(head) == 1 << 20:  # cut at a line end so a multi-byte character is never split
        head = head[: head.rfind(b"\n") + 1] or head
    return decode_bytes(head, str(path))[1]


def _csv_records(path: Path, limits: Limits) -> Iterator[tuple[int, list[str]]]:
    """The strict CSV reader of :func:`laborlens.ingest.textio.read_csv`, as a stream: the first item is
    the header, then every non-blank record with the line it starts on."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise BadFile(f"cannot read file: {exc.strerror or exc}", file=str(path)) from None
    if size > limits.max_file_bytes:
        mb = 1024 * 1024
        raise BadFile(f"file is {size / mb:.0f} MB, larger than the limit of {limits.max_file_bytes / mb:.0f} "
                      "MB (setting LABORLENS_MAX_FILE_MB)", file=str(path))
    enc = _encoding(path)
    file = str(path)
    with path.open("r", encoding=enc, newline="", errors="strict") as fh:
        first = fh.readline()
        fh.seek(0)
        if enc == "utf-8-sig" or first.startswith("\ufeff"):
            fh.read(1) if first.startswith("\ufeff") else None
        delimiter = sniff_delimiter(first)

        def locate(_kind: str, start: int, _line_num: int) -> int:
            return _field_on_line(path, enc, start, delimiter)

        records = csv_records(fh, file, limits, delimiter, locate, encoding=enc)
        yield 1, next(records)[1]
        yield from records


def _field_on_line(path: Path, enc: str, line_no: int, delimiter: str) -> int:
    """1-based field number where the record on ``line_no`` breaks (for the error's column)."""
    try:
        with path.open("r", encoding=enc, newline="", errors="replace") as fh:
            line = next(itertools.islice(fh, line_no - 1, None), "")
        return max(1, len(next(csv.reader([line.rstrip("\r\n")], delimiter=delimiter))))
    except (csv.Error, StopIteration, OSError):
        return 1


def _parquet_records(path: Path, limits: Limits) -> Iterator[tuple[int, list[str]]]:
    """A Parquet file as text rows (what converting it to CSV would give): header = row 1."""
    import duckdb

    from laborlens.engines.tables import _sql_path

    con = duckdb.connect()
    try:
        rel = con.execute(f"SELECT * FROM read_parquet('{_sql_path(path)}') LIMIT 0")
        names = [d[0] for d in rel.description or []]
        yield 1, names
        cols = ", ".join(f'CAST("{n.replace(chr(34), "")}" AS VARCHAR)' for n in names)
        cur = con.execute(f"SELECT {cols} FROM read_parquet('{_sql_path(path)}')")
        n = 1
        while batch := cur.fetchmany(CHUNK):
            for values in batch:
                n += 1
                if n - 1 > limits.max_rows:
                    raise BadFile(f"more than {limits.max_rows} rows (setting LABORLENS_MAX_ROWS)", str(path), n)
                cells = ["" if v is None else v for v in values]
                for i, v in enumerate(cells):
                    if "\x00" in v:
                        raise BadFile("NUL byte in cell", str(path), n, names[i])
                    if len(v) > limits.max_cell_chars:
                        raise BadFile(f"cell is longer than {limits.max_cell_chars} characters (setting "
                                      "LABORLENS_MAX_CELL_CHARS)", str(path), n, names[i])
                yield n, cells
    finally:
        con.close()


def _records(path: Path, limits: Limits) -> Iterator[tuple[int, list[Any]]]:
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return _parquet_records(path, limits)
    if suffix == ".csv":
        return _csv_records(path, limits)
    return _whole(path, limits)


def _whole(path: Path, limits: Limits) -> Iterator[tuple[int, list[Any]]]:
    """.xlsx and JSON through the in-memory readers (those formats are not streamed)."""
    from laborlens.ingest.readers import read_table_full

    schema = SCHEMAS[path.stem.lower()]
    table = read_table_full(path, schema, limits=limits)
    cols = list(table.columns)
    yield 1, cols
    for n, row in zip(table.row_numbers, table.rows, strict=True):
        yield n, [row.get(c, "") for c in cols]


# -- validation into DuckDB ----------------------------------------------------------------------------
def _table_ddl(name: str) -> str:
    cols = ["pos BIGINT", "rownum BIGINT"]
    for c in COLUMNS[name]:
        cols.append(f"{c} {'DOUBLE' if c == 'quantity' else 'VARCHAR'}")
    if name == "links":
        cols.append("lkey VARCHAR")
    return f"CREATE OR REPLACE TABLE {name} ({', '.join(cols)})"


def _link_key(row: dict[str, str], qty: float | None, date: str) -> str:
    parts = [_key_text(row["supplier_id"]), _key_text(row["buyer_id"]), _key_text(row["material"]).casefold(),
             _key_text(row["hts"]), "" if qty is None else repr(float(qty)), _key_text(row["unit"]).casefold(),
             date.strip(), _key_text(row["document"])]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()[:16].hex()


def load(con: Any, data_dir: Path, limits: Limits | None = None) -> list[str]:
    """Validate the folder's tables into DuckDB tables ``parties``, ``links``, ``shipments`` (``pos`` = the
    order the local engine sees them in; identical link rows kept once). Returns the warnings; raises
    :class:`InputErrors` (file, row, column) and loads nothing usable when any row is bad."""
    limits = limits or Limits()
    files = find_inputs(data_dir)
    v = Validated()
    file_of: dict[str, str] = {}
    broken = False  # a file that could not be read whole: its references are not checked against it
    for name in TABLES:
        con.execute(_table_ddl(name))
        path = files.get(name)
        if path is None:
            continue
        file_of[name] = str(path)
        try:
            _load_one(con, name, path, SCHEMAS[name], limits, v)
        except InputErrors as exc:
            v.errors.extend(exc.errors)
            broken = True
        except InputError as exc:
            v.errors.append(exc)
            broken = True
        if len(v.errors) > MAX_ERRORS:
            break
    if not broken and len(v.errors) <= MAX_ERRORS:
        _cross_checks(con, v, file_of)
    if v.errors:
        order = {f: i for i, f in enumerate(file_of.values())}
        v.errors.sort(key=lambda e: (e.file is None, order.get(e.file or "", 9), e.row or 0))
        raise InputErrors(v.errors[: MAX_ERRORS + 1])
    dup = _dedupe_links(con)
    if dup:
        v.warnings.append(f"{file_of['links']}: {dup} identical link row(s) counted once")
    return v.warnings


def _load_one(con: Any, name: str, path: Path, schema: TableSchema, limits: Limits, v: Validated) -> None:
    records = _records(path, limits)
    _, header = next(records)
    pos = 0
    cols = COLUMNS[name]
    while True:
        chunk = list(itertools.islice(records, CHUNK))
        if not chunk and pos:
            break
        table = _to_table(schema, str(path), header, chunk, "")  # header mapping, NFC, extra values
        if pos == 0:
            v.warnings.extend(table.warnings)
        out: dict[str, list] = {c: [] for c in ("pos", "rownum", *cols)}
        if name == "links":
            out["lkey"] = []
        for n, row in zip(table.row_numbers, table.rows, strict=True):
            r = _check_row(v, table, n, row)
            if name == "links" and row["supplier_id"] and row["supplier_id"] == row["buyer_id"]:
                v.error(f"supplier and buyer are the same party '{row['supplier_id']}'", table.file, n,
                        "buyer_id")
            if schema.id_column and ">" in row.get("id", ""):
                what = "party" if name == "parties" else "shipment"
                v.error(f"{what} id '{row['id']}' must not contain '>' (it separates ids in evidence paths)",
                        table.file, n, "id")
            out["pos"].append(pos)
            out["rownum"].append(n)
            pos += 1
            for c in cols:
                out[c].append(r[c] if c in schema.quantity_columns or c in schema.date_columns else row[c])
            if name == "links":
                out["lkey"].append(_link_key(row, r["quantity"], r["date"]))  # type: ignore[arg-type]
        if len(v.errors) > MAX_ERRORS:
            return
        if out["pos"]:
            arrays = {c: np.array(vals, dtype=np.float64 if c == "quantity" else object)
                      if c != "pos" and c != "rownum" else np.array(vals, dtype=np.int64)
                      for c, vals in out.items()}
            if "quantity" in arrays:
                arrays["quantity"] = np.array([np.nan if q is None else q for q in out["quantity"]],
                                              dtype=np.float64)
            con.register("ll_chunk", arrays)
            q = ", ".join("NULLIF(quantity, 'NaN'::DOUBLE)" if c == "quantity" else c
                          for c in ("pos", "rownum", *cols, *(["lkey"] if name == "links" else [])))
            con.execute(f"INSERT INTO {name} SELECT {q} FROM ll_chunk")
            con.unregister("ll_chunk")
        if not chunk:
            break


def _cross_checks(con: Any, v: Validated, file_of: dict[str, str]) -> None:
    """Duplicate ids (each repeat names the first row) and references to parties not in the file."""
    for name, what in (("parties", "party"), ("shipments", "shipment")):
        if name not in file_of:
            continue
        for pid, n, first in con.execute(f"""
                SELECT id, rownum, first FROM (
                    SELECT id, rownum, min(rownum) OVER (PARTITION BY id) AS first FROM {name} WHERE id <> '')
                WHERE rownum > first ORDER BY rownum LIMIT {MAX_ERRORS + 1}""").fetchall():
            v.error(f"duplicate {what} id '{pid}' (first on row {first})", file_of[name], n, "id")
    for name, cols in (("links", ("supplier_id", "buyer_id")), ("shipments", ("importer_id", "exporter_id"))):
        if name not in file_of:
            continue
        union = " UNION ALL ".join(
            f"SELECT rownum, {i} AS ci, '{c}' AS col, {c} AS pid FROM {name} WHERE {c} <> ''"
            for i, c in enumerate(cols))
        for n, col, pid in con.execute(f"""
                SELECT rownum, col, pid FROM ({union}) r ANTI JOIN parties p ON p.id = r.pid
                ORDER BY rownum, ci LIMIT {MAX_ERRORS + 1}""").fetchall():
            v.error(f"party '{pid}' is neither in the parties file nor in the store", file_of[name], n, col)


def _dedupe_links(con: Any) -> int:
    """Identical link rows count once (the first kept), as :func:`validate_tables` does."""
    before = con.execute("SELECT count(*) FROM links").fetchone()[0]
    con.execute("""CREATE OR REPLACE TABLE links AS
        SELECT (row_number() OVER (ORDER BY pos)) - 1 AS pos, * EXCLUDE (pos) FROM links
        QUALIFY row_number() OVER (PARTITION BY lkey ORDER BY pos) = 1""")
    after = con.execute("SELECT count(*) FROM links").fetchone()[0]
    return int(before - after)
