"""Ingest: read supplier/link/shipment files (CSV, XLSX, JSON), validate them with errors that name
file, row and column, and load them into the store all or nothing."""

from laborlens.ingest.loader import (
    LoadReport,
    TableCounts,
    find_tables,
    load_dir,
    load_tables,
    read_dir,
)
from laborlens.ingest.readers import Table, decode_bytes, read_table, read_table_full
from laborlens.ingest.schema import LINKS, PARTIES, SCHEMAS, SHIPMENTS, TableSchema, normalise_cell
from laborlens.ingest.validate import (
    MAX_ERRORS,
    Validated,
    link_key,
    parse_date,
    parse_quantity,
    validate_tables,
)

__all__ = [
    "LINKS", "MAX_ERRORS", "PARTIES", "SCHEMAS", "SHIPMENTS", "LoadReport", "Table", "TableCounts",
    "TableSchema", "Validated", "decode_bytes", "find_tables", "link_key", "load_dir", "load_tables",
    "normalise_cell", "parse_date", "parse_quantity", "read_dir", "read_table", "read_table_full",
    "validate_tables",
]
