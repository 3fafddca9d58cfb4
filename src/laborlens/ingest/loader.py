"""Find the input tables in a folder, validate them together and load them in one transaction.

All or nothing: a load that finds any error writes nothing, so the store never holds half a supply chain
(a shipment whose exporter is missing would silently screen as clear).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from laborlens.errors import InputError, InputErrors
from laborlens.ingest.limits import Limits
from laborlens.ingest.readers import FORMATS, Table, read_table_full
from laborlens.ingest.schema import SCHEMAS
from laborlens.ingest.validate import Validated, link_key, validate_tables
from laborlens.model import Link, Party, Shipment
from laborlens.store import Store
from laborlens.store import models as m

TABLE_NAMES = ("parties", "links", "shipments")
_CHUNK = 500


@dataclass
class TableCounts:
    file: str = ""
    read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class LoadReport:
    """What one load read and changed; ``changed`` is False for a repeat of an earlier load."""

    source: str
    tables: dict[str, TableCounts] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    load_id: int | None = None

    @property
    def changed(self) -> bool:
        return any(c.added or c.updated for c in self.tables.values())

    def as_dict(self) -> dict[str, Any]:
        return {name: asdict(c) for name, c in self.tables.items()}


def find_tables(directory: Path | str) -> dict[str, Path]:
    """``parties.*``, ``links.*``, ``shipments.*`` in ``directory`` (any of .csv/.xlsx/.json/.jsonl).

    Two files for one table (parties.csv and parties.xlsx) is an error: which one is current is exactly
    the kind of guess that loads last month's supplier list."""
    directory = Path(directory)
    if not directory.exists():
        raise InputError("directory not found", file=str(directory))
    if not directory.is_dir():
        raise InputError("expected a directory holding parties.csv, links.csv and shipments.csv",
                         file=str(directory))
    by_table: dict[str, list[Path]] = {}
    for p in sorted(directory.iterdir()):
        if p.is_file() and p.stem.lower() in TABLE_NAMES and p.suffix.lower() in FORMATS:
            by_table.setdefault(p.stem.lower(), []).append(p)
    errors = [InputError(f"two files for table '{t}': {', '.join(p.name for p in ps)}; keep one",
                         file=str(directory)) for t, ps in by_table.items() if len(ps) > 1]
    if errors:
        raise InputErrors(errors)
    if not by_table:
        raise InputError("no parties.*, links.* or shipments.* file (.csv, .xlsx or .json) found",
                         file=str(directory))
    return {t: by_table[t][0] for t in TABLE_NAMES if t in by_table}


def read_files(files: dict[str, Path], limits: Limits | None = None,
               on_read: Callable[[int], None] | None = None) -> dict[str, Table]:
    """Read each table with the strict readers; every file's problems are reported together.
    ``on_read(n)`` hears how many files are read so far."""
    tables: dict[str, Table] = {}
    errors: list[InputError] = []
    for k, (name, path) in enumerate(files.items(), 1):
        try:
            tables[name] = read_table_full(path, SCHEMAS[name], limits=limits)
        except InputErrors as exc:
            errors.extend(exc.errors)
        except InputError as exc:
            errors.append(exc)
        if on_read is not None:
            on_read(k)
    if errors:
        raise InputErrors(errors)
    return tables


def read_dir(directory: Path | str,
             known_party_ids: Callable[[Iterable[str]], set[str]] | None = None,
             limits: Limits | None = None) -> tuple[Validated, dict]:
    """Read and validate every table in ``directory``; raises :class:`InputErrors` listing all problems.

    Returns the validated records and the tables as read (for row counts and file names)."""
    tables = read_files(find_tables(directory), limits)
    v = validate_tables(tables.get("parties"), tables.get("links"), tables.get("shipments"), known_party_ids)
    if v.errors:
        raise InputErrors(v.errors)
    return v, tables


def load_tables(directory: Path | str,
                limits: Limits | None = None) -> tuple[list[Party], list[Link], list[Shipment]]:
    """The folder's parties, links and shipments as model records, without a store.

    For ``laborlens screen DIR``: every reference must resolve within the files themselves."""
    v, _ = read_dir(directory, limits=limits)
    return v.parties, v.links, v.shipments


def _chunks(items: list[str]) -> Iterable[list[str]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i:i + _CHUNK]


def _existing(s: Session, model: Any, col: Any, ids: Iterable[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for chunk in _chunks(sorted(set(ids))):
        for row in s.scalars(select(model).where(col.in_(chunk))):
            out[getattr(row, col.key)] = row
    return out


def _upsert(s: Session, model: Any, records: list[Any], counts: TableCounts) -> None:
    """Insert new ids, overwrite changed ones, leave identical ones alone (so they count as unchanged)."""
    existing = _existing(s, model, model.id, (r.id for r in records))
    for rec in records:
        values = asdict(rec)
        row = existing.get(rec.id)
        if row is None:
            s.add(model(**values))
            counts.added += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            counts.updated += 1
        else:
            counts.unchanged += 1


def load_dir(store: Store, path: Path | str) -> LoadReport:
    """Validate the folder's tables and load them in one transaction; see the module docstring.

    Parties and shipments are upserted by id; links are keyed by :func:`link_key`, so a second load of the
    same files reports nothing added or updated. Each load is recorded as a ``LoadRecord``."""
    path = Path(path)
    report = LoadReport(source=str(path.resolve()))
    with store.session() as s:
        def known(ids: Iterable[str]) -> set[str]:
            found: set[str] = set()
            for chunk in _chunks(sorted(set(ids))):
                found.update(s.scalars(select(m.Party.id).where(m.Party.id.in_(chunk))))
            return found

        v, tables = read_dir(path, known, Limits.from_settings(store.settings))
        report.warnings = list(v.warnings)
        for name, t in tables.items():
            report.tables[name] = TableCounts(file=t.file, read=len(t.rows))
        if "parties" in report.tables:
            _upsert(s, m.Party, v.parties, report.tables["parties"])
            s.flush()
        if "links" in report.tables:
            counts = report.tables["links"]
            keyed = {link_key(link): link for link in v.links}
            present = _existing(s, m.Link, m.Link.key, keyed)
            for key, link in keyed.items():
                if key in present:
                    counts.unchanged += 1
                else:
                    s.add(m.Link(key=key, **asdict(link)))
                    counts.added += 1
        if "shipments" in report.tables:
            _upsert(s, m.Shipment, v.shipments, report.tables["shipments"])
        record = m.LoadRecord(loaded_at=datetime.now(UTC).replace(tzinfo=None),
                              source=report.source, added=report.as_dict())
        s.add(record)
        s.flush()
        report.load_id = record.id
    return report
