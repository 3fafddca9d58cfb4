"""Plain domain records shared by the library, CLI, API and engines (picklable, no ORM)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class WatchEntry:
    """One entity (or scope rule) on a watchlist edition."""

    entity_id: str
    name: str
    aliases: tuple[str, ...] = ()
    country: str = ""
    list_name: str = "uflpa"
    edition: str = ""
    kind: str = "entity"  # entity | scope

    @property
    def all_names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(slots=True)
class Party:
    id: str
    name: str
    country: str = ""
    address: str = ""
    name_local: str = ""
    registration_id: str = ""


@dataclass(slots=True)
class Link:
    supplier_id: str
    buyer_id: str
    material: str
    hts: str = ""
    quantity: float | None = None
    unit: str = ""
    date: str = ""
    document: str = ""


@dataclass(slots=True)
class Shipment:
    id: str
    importer_id: str
    exporter_id: str
    material: str
    hts: str = ""
    description: str = ""
    quantity: float | None = None
    unit: str = ""
    entry_date: str = ""


@dataclass(slots=True)
class Finding:
    """One reason a party is of concern, with its source list and edition."""

    party_id: str
    rule: str  # list_match | xuar_location | high_priority_sector | ilab_good | wro_scope | mass_balance
    severity: str  # presumption | review | indicator (risk indicator, needs tracing) | info (shown only)
    summary: str
    source: str = ""
    edition: str = ""
    details: dict = field(default_factory=dict)
