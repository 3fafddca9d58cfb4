"""The screening result contract: what a run produced, as one typed, versioned read model.

Written once by :mod:`laborlens.screen.run` (``result.json``) and read by every consumer: the evidence pack
(:mod:`laborlens.report`), the API and the web pages (:mod:`laborlens.api.results`). Nothing here runs a
screening, so readers never import the pipeline (and the report never imports the run that calls it).

``SCHEMA_VERSION`` changes when a field changes meaning or is removed; adding a field with a default does
not. :meth:`ScreenResult.from_json` reads every version written so far (version 1 had no flags: they read
as "not checked").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from laborlens.errors import InputError, NotFound
from laborlens.model import Finding, Link, Party, Shipment
from laborlens.trace.graph import LinkColumns

SCHEMA_VERSION = 2
VERDICTS = ("presumption", "review", "clear")
SEVERITY = {"presumption": 2, "review": 1}  # party findings that count towards a verdict
MAX_DETAILED = 300  # shipments given their own section (tier map) in the evidence pack


@dataclass(slots=True)
class Verdict:
    """One shipment's verdict with its evidence and the due-diligence flags (see DESIGN.md, verdicts.csv).

    ``path`` runs from the worst tainted party to the exporter. ``priority_sector`` names the UFLPA
    high-priority sector of the good ("" when none); ``ilab`` and ``wro_scope`` describe the ILAB
    good/country pairs upstream and the country-wide WRO scopes that cover the good. With any of them,
    tracing to origin is necessary: ``traced_to_origin`` says whether every input upstream reaches its
    raw-material origin (``tiers_traced`` tiers deep) and ``gaps`` lists where it stops
    (party_id, material, tier); ``untraced`` are those parties' ids."""

    shipment_id: str
    importer_id: str
    exporter_id: str
    material: str
    hts: str
    description: str
    verdict: str
    path: list[str]
    tier: int | None
    reasons: list[str]
    tainted: list[dict] = field(default_factory=list)
    untraced: list[str] = field(default_factory=list)
    upstream: int = 0  # parties upstream of the exporter; -1 when not counted (large runs)
    upstream_parties: list[list] = field(default_factory=list)  # [party_id, tier] nearest first
    priority_sector: str = ""
    ilab: list[str] = field(default_factory=list)
    wro_scope: list[str] = field(default_factory=list)
    traced_to_origin: bool = False
    tiers_traced: int = 0
    gaps: list[dict] = field(default_factory=list)

    @property
    def indicators(self) -> bool:
        """A risk indicator applies: tracing to origin is needed before the shipment can be clear."""
        return bool(self.priority_sector or self.ilab or self.wro_scope)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Verdict:
        known = {f.name for f in fields(cls)}
        row = {k: v for k, v in d.items() if k in known}
        row.setdefault("reasons", [])
        row.setdefault("path", [])
        row.setdefault("tier", None)
        for k in ("importer_id", "exporter_id", "material", "hts", "description"):
            row.setdefault(k, "")
        if row.get("verdict") not in VERDICTS:
            raise InputError(
                f"verdict {row.get('verdict')!r} of shipment {row.get('shipment_id')!r} is not one "
                f"of {', '.join(VERDICTS)}",
                column="verdict",
            )
        return cls(**row)


def _link_dict(ln: Link) -> dict[str, Any]:
    return {
        "supplier_id": ln.supplier_id,
        "buyer_id": ln.buyer_id,
        "material": ln.material,
        "quantity": ln.quantity,
        "unit": ln.unit,
        "document": ln.document,
        "date": ln.date,
    }


def _iter_links(links: Sequence[Link] | LinkColumns) -> Iterator[Link]:
    if isinstance(links, LinkColumns):
        units = links.unit or [""] * len(links)
        qty = links.quantity if links.quantity is not None else [None] * len(links)
        for s, b, m, q, u in zip(links.supplier_id, links.buyer_id, links.material, qty, units, strict=True):
            yield Link(str(s), str(b), m, quantity=None if q is None or q != q else float(q), unit=u or "")
    else:
        yield from links


@dataclass
class ScreenResult:
    """A screening run: parties, links, party findings, shipment verdicts, volume flags, list editions."""

    parties: dict[str, Party]
    links: list[Link] | LinkColumns
    shipments: list[Shipment]
    findings: list[Finding]
    verdicts: list[Verdict]
    mass_balance: list[dict]
    lists: list[dict]
    generated_at: str
    schema_version: int = SCHEMA_VERSION
    _ix: _Index | None = field(default=None, init=False, repr=False, compare=False)

    # -- summary ---------------------------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(VERDICTS, 0)
        for v in self.verdicts:
            out[v.verdict] += 1
        return out

    def summary(self) -> dict[str, Any]:
        return {
            "shipments": len(self.verdicts),
            **self.counts(),
            "parties": len(self.parties),
            "links": len(self.links),
            "findings": len(self.findings),
            "lists": self.lists,
            "generated_at": self.generated_at,
            "schema_version": self.schema_version,
            "with_indicators": sum(v.indicators for v in self.verdicts),
            "traced_to_origin": sum(v.traced_to_origin for v in self.verdicts),
        }

    # -- reading ---------------------------------------------------------------------------------------------
    @property
    def index(self) -> _Index:
        if self._ix is None:
            self._ix = _Index(self)
        return self._ix

    def party_name(self, party_id: str) -> str:
        p = self.parties.get(party_id)
        return p.name if p is not None and p.name else party_id

    def verdict(self, shipment_id: str) -> Verdict:
        v = self.index.verdicts.get(shipment_id)
        if v is None:
            raise NotFound(f"no shipment {shipment_id!r} in this result")
        return v

    def party(self, party_id: str) -> Party:
        p = self.parties.get(party_id)
        if p is None:
            raise NotFound(f"no party {party_id!r} in this result")
        return p

    def findings_of(self, party_id: str) -> list[Finding]:
        return self.index.findings.get(party_id, [])

    def worst_severity(self, party_id: str) -> str | None:
        """presumption / review of the party's worst finding that counts towards a verdict, else None."""
        best = max((SEVERITY.get(f.severity, 0) for f in self.findings_of(party_id)), default=0)
        return {2: "presumption", 1: "review"}.get(best)

    def suppliers_of(self, party_id: str) -> list[Link]:
        return self.index.suppliers.get(party_id, [])

    def buyers_of(self, party_id: str) -> list[Link]:
        return self.index.buyers.get(party_id, [])

    # -- (de)serialising -------------------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": self.schema_version,
            "summary": self.summary(),
            "verdicts": [v.to_dict() for v in self.verdicts],
            "findings": [asdict(f) for f in self.findings],
            "parties": {k: asdict(p) for k, p in self.parties.items()},
            "links": [_link_dict(ln) for ln in _iter_links(self.links)],
            "mass_balance": self.mass_balance,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ScreenResult:
        """Read a ``result.json`` of any schema version up to this one."""
        version = int(data.get("schema_version") or (data.get("summary") or {}).get("schema_version") or 1)
        if version > SCHEMA_VERSION:
            raise InputError(
                f"result.json has schema version {version}; this laborlens reads up to "
                f"{SCHEMA_VERSION}: upgrade laborlens",
                column="schema_version",
            )
        summary = data.get("summary") or {}
        party_fields = {f.name for f in fields(Party)}
        parties = {
            str(k): Party(
                **{
                    "id": str(k),
                    "name": str(k),
                    **{a: b for a, b in (p or {}).items() if a in party_fields and b is not None},
                }
            )
            for k, p in (data.get("parties") or {}).items()
        }
        link_fields = {f.name for f in fields(Link)}
        links = [
            Link(**{k: v for k, v in ln.items() if k in link_fields and (v is not None or k == "quantity")})
            for ln in data.get("links") or []
        ]
        finding_fields = {f.name for f in fields(Finding)}
        findings = [
            Finding(**{k: v for k, v in f.items() if k in finding_fields}) for f in data.get("findings") or []
        ]
        verdicts = [Verdict.from_dict(v) for v in data.get("verdicts") or []]
        shipments = [
            Shipment(v.shipment_id, v.importer_id, v.exporter_id, v.material, v.hts, v.description)
            for v in verdicts
        ]
        return cls(
            parties,
            links,
            shipments,
            findings,
            verdicts,
            list(data.get("mass_balance") or []),
            list(summary.get("lists") or []),
            str(summary.get("generated_at") or ""),
            SCHEMA_VERSION,
        )


class _Index:
    """Look-ups built once per result (results are read far more often than written)."""

    def __init__(self, r: ScreenResult) -> None:
        self.verdicts = {v.shipment_id: v for v in r.verdicts}
        self.findings: dict[str, list[Finding]] = defaultdict(list)
        for f in r.findings:
            self.findings[f.party_id].append(f)
        self.suppliers: dict[str, list[Link]] = defaultdict(list)  # buyer -> links in
        self.buyers: dict[str, list[Link]] = defaultdict(list)  # supplier -> links out
        for ln in _iter_links(r.links):
            self.suppliers[ln.buyer_id].append(ln)
            self.buyers[ln.supplier_id].append(ln)


__all__ = ["MAX_DETAILED", "SCHEMA_VERSION", "SEVERITY", "VERDICTS", "ScreenResult", "Verdict"]
