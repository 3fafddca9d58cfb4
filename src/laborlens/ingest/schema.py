"""Column schemas for the three screening input tables (see DESIGN.md, "Screening input formats").

A schema is data, not code, so that readers, validation and the CLI agree on one definition and the
lead can tighten a rule (e.g. make ``country`` a required value) in one place.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class TableSchema:
    """What one input table must and may contain.

    ``required`` columns must be present in the header; ``nonempty`` columns must also hold a value on
    every row (a party without a name cannot be screened, one without an address still can). ``max_len``
    mirrors the database column sizes so PostgreSQL never rejects a row half-way through a load.
    """

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    nonempty: tuple[str, ...] = ()
    id_column: str | None = None
    quantity_columns: tuple[str, ...] = ()
    date_columns: tuple[str, ...] = ()
    party_refs: tuple[str, ...] = ()
    max_len: tuple[tuple[str, int], ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


PARTIES = TableSchema(
    name="parties",
    required=("id", "name", "country", "address"),
    optional=("name_local", "registration_id"),
    nonempty=("id", "name"),
    id_column="id",
    max_len=(("id", 200), ("country", 100), ("registration_id", 200)),
)

LINKS = TableSchema(
    name="links",
    required=("supplier_id", "buyer_id", "material"),
    optional=("hts", "quantity", "unit", "date", "document"),
    nonempty=("supplier_id", "buyer_id", "material"),
    quantity_columns=("quantity",),
    date_columns=("date",),
    party_refs=("supplier_id", "buyer_id"),
    max_len=(("supplier_id", 200), ("buyer_id", 200), ("material", 200), ("hts", 20), ("unit", 20)),
)

SHIPMENTS = TableSchema(
    name="shipments",
    required=("id", "importer_id", "exporter_id", "material", "hts", "description"),
    optional=("quantity", "unit", "entry_date"),
    nonempty=("id", "importer_id", "exporter_id", "material"),
    id_column="id",
    quantity_columns=("quantity",),
    date_columns=("entry_date",),
    party_refs=("importer_id", "exporter_id"),
    max_len=(("id", 200), ("importer_id", 200), ("exporter_id", 200), ("material", 200), ("hts", 20),
             ("unit", 20)),
)

SCHEMAS: dict[str, TableSchema] = {s.name: s for s in (PARTIES, LINKS, SHIPMENTS)}

_HEADER_SEP = re.compile(r"[\s\-]+")


def normalise_header(text: str) -> str:
    """``" Supplier ID "`` and ``"supplier-id"`` both mean ``supplier_id``: exports from ERPs and
    spreadsheets rarely keep the exact spelling, and a load should not fail over capitalisation."""
    text = unicodedata.normalize("NFKC", text).replace("\ufeff", "").strip().lower()
    return _HEADER_SEP.sub("_", text)


def normalise_cell(value: str) -> str:
    """Cell text as stored: NFC (so the same name typed on two systems compares equal) and stripped of
    surrounding whitespace (spreadsheets pad cells invisibly)."""
    return unicodedata.normalize("NFC", value).strip()
