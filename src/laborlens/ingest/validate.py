"""Check a set of tables row by row and turn them into model records.

All problems are collected (up to :data:`MAX_ERRORS`) rather than stopping at the first, because a
compliance analyst fixing an export wants the whole list in one pass, not one error per run.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from laborlens.errors import InputError
from laborlens.ingest.readers import Table
from laborlens.model import Link, Party, Shipment

MAX_ERRORS = 50

_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d*)?$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_quantity(text: str) -> float | None:
    """A non-negative finite number, or None for an empty cell.

    Accepts what people and programs write: ``12``, ``12.5``, ``1e-05`` (Python's repr), ``1,234.5``
    (thousands separators). Raises ValueError with a message fit for the user otherwise."""
    s = text.strip().replace("\u00a0", "").replace(" ", "")
    if not s:
        return None
    if _THOUSANDS.match(s):
        s = s.replace(",", "")
    try:
        value = float(s)
    except ValueError:
        raise ValueError(f"quantity '{text}' is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"quantity '{text}' is not a finite number")
    if value < 0:
        raise ValueError(f"quantity '{text}' is negative")
    return value + 0.0  # -0.0 -> 0.0


def parse_date(text: str) -> str:
    """An ISO calendar date ``YYYY-MM-DD`` (returned unchanged), or '' for an empty cell.

    Other spellings (05/01/2024) are refused rather than guessed: day/month order differs by country."""
    s = text.strip()
    if not s:
        return ""
    if not _ISO_DATE.match(s):
        raise ValueError(f"date '{text}' is not in ISO form YYYY-MM-DD")
    try:
        date.fromisoformat(s)
    except ValueError:
        raise ValueError(f"date '{text}' is not a real calendar date") from None
    return s


def _key_text(v: str) -> str:
    return " ".join(unicodedata.normalize("NFC", v).split())


def link_key(link: Link) -> str:
    """sha256 of the normalised row: the same link loaded twice (or with different spacing, or
    'Cotton' vs 'cotton') gets the same key, so re-loading a file adds nothing."""
    parts = [
        _key_text(link.supplier_id), _key_text(link.buyer_id), _key_text(link.material).casefold(),
        _key_text(link.hts), "" if link.quantity is None else repr(float(link.quantity)),
        _key_text(link.unit).casefold(), link.date.strip(), _key_text(link.document),
    ]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


@dataclass
class Validated:
    """The records that passed, and everything that did not."""

    parties: list[Party] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    shipments: list[Shipment] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    duplicate_links: int = 0

    def error(self, message: str, file: str, row: int | None = None, column: str | None = None) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(InputError(message, file=file, row=row, column=column))
        elif len(self.errors) == MAX_ERRORS:
            self.errors.append(InputError(f"more errors not shown (stopped after {MAX_ERRORS})"))


def _check_row(v: Validated, table: Table, n: int, row: dict[str, str]) -> dict[str, object]:
    """Per-cell checks common to all tables; returns the row with quantity/date parsed."""
    s = table.schema
    out: dict[str, object] = dict(row)
    for col in s.nonempty:
        if not row.get(col, ""):
            v.error(f"required value '{col}' is empty", table.file, n, col)
    for col, limit in s.max_len:
        if len(row.get(col, "")) > limit:
            v.error(f"'{col}' is longer than {limit} characters", table.file, n, col)
    for col in s.quantity_columns:
        try:
            out[col] = parse_quantity(row.get(col, ""))
        except ValueError as exc:
            v.error(str(exc), table.file, n, col)
            out[col] = None
    for col in s.date_columns:
        try:
            out[col] = parse_date(row.get(col, ""))
        except ValueError as exc:
            v.error(str(exc), table.file, n, col)
            out[col] = ""
    return out


def _unique_ids(v: Validated, table: Table, what: str) -> None:
    first: dict[str, int] = {}
    for n, row in zip(table.row_numbers, table.rows, strict=False):
        pid = row.get("id", "")
        if not pid:
            continue
        if ">" in pid:  # ids are joined with ">" in evidence paths
            v.error(f"{what} id '{pid}' must not contain '>' (it separates ids in evidence paths)",
                    table.file, n, "id")
        if pid in first:
            v.error(f"duplicate {what} id '{pid}' (first on row {first[pid]})", table.file, n, "id")
        else:
            first[pid] = n


def validate_tables(
    parties: Table | None,
    links: Table | None,
    shipments: Table | None,
    known_party_ids: Callable[[Iterable[str]], set[str]] | None = None,
) -> Validated:
    """Validate all tables together, since links and shipments refer to parties.

    ``known_party_ids`` answers "which of these ids already exist?" (the store); ids defined in the
    parties file are always known. Without it only the files count."""
    v = Validated()
    for t in (parties, links, shipments):
        if t is not None:
            v.warnings.extend(t.warnings)
    file_ids: set[str] = set()
    if parties is not None:
        _unique_ids(v, parties, "party")
        for n, row in zip(parties.row_numbers, parties.rows, strict=False):
            _check_row(v, parties, n, row)
            file_ids.add(row["id"])
            v.parties.append(Party(id=row["id"], name=row["name"], country=row["country"],
                                   address=row["address"], name_local=row["name_local"],
                                   registration_id=row["registration_id"]))
    refs: list[tuple[Table, int, str, str]] = []  # table, row, column, party id
    if links is not None:
        seen: set[str] = set()
        for n, row in zip(links.row_numbers, links.rows, strict=False):
            r = _check_row(v, links, n, row)
            if row["supplier_id"] and row["supplier_id"] == row["buyer_id"]:
                v.error(f"supplier and buyer are the same party '{row['supplier_id']}'", links.file, n,
                        "buyer_id")
            refs += [(links, n, c, row[c]) for c in ("supplier_id", "buyer_id") if row[c]]
            link = Link(supplier_id=row["supplier_id"], buyer_id=row["buyer_id"], material=row["material"],
                        hts=row["hts"], quantity=r["quantity"], unit=row["unit"],  # type: ignore[arg-type]
                        date=r["date"], document=row["document"])  # type: ignore[arg-type]
            key = link_key(link)
            if key in seen:
                v.duplicate_links += 1
                continue
            seen.add(key)
            v.links.append(link)
        if v.duplicate_links:
            v.warnings.append(f"{links.file}: {v.duplicate_links} identical link row(s) counted once")
    if shipments is not None:
        _unique_ids(v, shipments, "shipment")
        for n, row in zip(shipments.row_numbers, shipments.rows, strict=False):
            r = _check_row(v, shipments, n, row)
            refs += [(shipments, n, c, row[c]) for c in ("importer_id", "exporter_id") if row[c]]
            v.shipments.append(Shipment(
                id=row["id"], importer_id=row["importer_id"], exporter_id=row["exporter_id"],
                material=row["material"], hts=row["hts"], description=row["description"],
                quantity=r["quantity"], unit=row["unit"], entry_date=r["entry_date"]))  # type: ignore[arg-type]
    unresolved = sorted({pid for _, _, _, pid in refs if pid not in file_ids})
    known = known_party_ids(unresolved) if (known_party_ids and unresolved) else set()
    for table, n, col, pid in refs:
        if pid not in file_ids and pid not in known:
            v.error(f"party '{pid}' is neither in the parties file nor in the store", table.file, n, col)
    # report in reading order: file by file, row by row (the cap note, which has no file, stays last)
    order = {t.file: i for i, t in enumerate((parties, links, shipments)) if t is not None}
    v.errors.sort(key=lambda e: (e.file is None, order.get(e.file or "", 9), e.row or 0))
    return v
