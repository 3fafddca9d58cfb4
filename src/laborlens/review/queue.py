"""The review queue: list matches (party findings) awaiting an analyst's decision, across every run.

One item per subject of a decision — (screened name, country, listed entity), the key
:mod:`laborlens.decisions` uses — taken from the newest run that found it, so the newest evidence comes
first. A subject leaves the queue when a decision is recorded for it (a later screening then cites that
decision). Assignments say who is to decide; the latest assignment per subject wins.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from laborlens.countries import iso2
from laborlens.decisions import HumanDecision, latest_decisions
from laborlens.exports import Table
from laborlens.names.normalize import name_key
from laborlens.paging import Page, paginate
from laborlens.review.runs import RunRef, list_runs
from laborlens.screen.result import ScreenResult
from laborlens.store import Store
from laborlens.store.models import ReviewAssignment

Key = tuple[str, str, str]  # (name key, ISO-2 country or "", entity id)


@dataclass(slots=True)
class QueueItem:
    key: Key
    party_id: str
    party_name: str  # the screened name the match is about (the decision's subject)
    country: str
    entity_id: str
    entity_name: str
    list_name: str
    edition: str
    rule: str
    severity: str  # presumption | review: what the match means for the shipments until someone decides
    score: float
    explanation: str
    run: RunRef
    runs: int = 1  # runs that found this match
    importers: list[str] = field(default_factory=list)  # names
    importer_ids: list[str] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    shipments: list[str] = field(default_factory=list)
    assignee: str = ""
    decision: HumanDecision | None = None

    @property
    def token(self) -> str:
        """The subject as one form value: name key, country and entity id joined by a unit separator."""
        return "\x1f".join(self.key)

    def to_dict(self) -> dict[str, Any]:
        return {
            "party_id": self.party_id, "party_name": self.party_name, "country": self.country,
            "entity_id": self.entity_id, "entity_name": self.entity_name, "list_name": self.list_name,
            "edition": self.edition, "rule": self.rule, "severity": self.severity,
            "score": round(self.score, 4),
            "explanation": self.explanation, "run_id": self.run.id, "run_name": self.run.name,
            "run_at": self.run.created_at.isoformat(), "runs": self.runs, "importers": self.importers,
            "importer_ids": self.importer_ids,
            "sectors": self.sectors, "shipments": self.shipments[:50], "assignee": self.assignee,
            "decision": self.decision.describe() if self.decision else "",
        }


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """Every field narrows the queue; "" means any. ``assignee="-"`` is the unassigned items."""

    rule: str = ""
    list_name: str = ""
    sector: str = ""
    importer: str = ""
    assignee: str = ""
    include_decided: bool = False

    def admits(self, item: QueueItem) -> bool:
        if not self.include_decided and item.decision is not None:
            return False
        if self.rule and self.rule not in (item.rule, item.severity):
            return False
        if self.list_name and item.list_name.lower() != self.list_name.lower():
            return False
        if self.sector and not any(self.sector.lower() in s.lower() for s in item.sectors):
            return False
        if self.importer and not any(self.importer.lower() in i.lower()
                                     for i in (*item.importers, *item.importer_ids)):
            return False
        if self.assignee == "-":
            return not item.assignee
        return not self.assignee or item.assignee == self.assignee


def latest_assignments(store: Store) -> dict[Key, str]:
    with store.session() as s:
        return {(a.name_key, a.country or "", a.entity_id): a.assignee
                for a in s.scalars(select(ReviewAssignment).order_by(ReviewAssignment.id))}


_Ctx = tuple[set[str], set[str], set[str], list[str]]


def _context(r: ScreenResult) -> dict[str, _Ctx]:
    """party id → (importer names, importer ids, priority sectors, shipment ids) of its shipments."""
    out: dict[str, _Ctx] = defaultdict(lambda: (set(), set(), set(), []))
    for v in r.verdicts:
        involved = {v.exporter_id, *v.path, *v.untraced, *(str(p[0]) for p in v.upstream_parties if p)}
        for pid in involved:
            imp, ids, sec, ships = out[pid]
            imp.add(r.party_name(v.importer_id))
            ids.add(v.importer_id)
            if v.priority_sector:
                sec.add(v.priority_sector)
            ships.append(v.shipment_id)
    return out


def items_of(run: RunRef, r: ScreenResult) -> list[QueueItem]:
    """The run's list matches that count towards a verdict (the undecided candidates)."""
    ctx = _context(r)
    out = []
    for f in r.findings:
        if f.rule != "list_match" or f.severity not in ("presumption", "review"):
            continue
        d = f.details or {}
        entity = str(d.get("entity_id") or "")
        if not entity:
            continue
        p = r.parties.get(f.party_id)
        name = str(d.get("query") or (p.name if p else f.party_id))
        country = p.country if p else ""
        imp, ids, sec, ships = ctx.get(f.party_id, (set(), set(), set(), []))
        out.append(QueueItem(
            key=(name_key(name), iso2(country), entity), party_id=f.party_id, party_name=name,
            country=country,
            entity_id=entity, entity_name=str(d.get("entity_name") or ""),
            list_name=str(d.get("list_name") or f.source), edition=str(d.get("edition") or f.edition),
            rule=f.rule, severity=f.severity, score=float(d.get("score") or 0.0),
            explanation=str(d.get("explanation") or f.summary), run=run, importers=sorted(imp),
            importer_ids=sorted(ids),
            sectors=sorted(sec), shipments=list(ships)))
    return out


def review_queue(store: Store, flt: QueueFilter | None = None, limit_runs: int = 200) -> list[QueueItem]:
    """Queue items newest evidence first (the newest run that found them), then the stronger match first.

    A run's candidate matches come from its queue index (:mod:`laborlens.review.index`), not from parsing
    its ``result.json`` on every request."""
    from laborlens.review.index import out_dirs, run_items

    flt = flt or QueueFilter()
    with store.session() as s:
        decided = latest_decisions(s)
    assigned = latest_assignments(store)
    by_key: dict[Key, QueueItem] = {}
    runs = list_runs(store, limit=limit_runs, done_only=True)  # newest first
    folders = out_dirs(store, [r.id for r in runs])
    for run in runs:
        folder = folders.get(run.id)
        for it in run_items(store, run, folder) if folder is not None else ():
            seen = by_key.get(it.key)
            if seen is not None:
                seen.runs += 1
                continue
            it.assignee = assigned.get(it.key, "")
            name, country, entity = it.key
            it.decision = decided.get((name, country, entity)) or decided.get((name, "", entity))
            by_key[it.key] = it
    items = [it for it in by_key.values() if flt.admits(it)]
    items.sort(key=lambda it: (-_ts(it.run.created_at), -it.score, it.party_name))
    return items


EXPORT_COLUMNS = ("party_id", "party_name", "country", "entity_id", "entity_name", "list_name", "edition",
                  "severity", "score", "run_id", "run_name", "run_at", "runs", "importers", "sectors",
                  "assignee", "decision", "explanation")


def export_table(items: list[QueueItem], title: str = "review queue") -> Table:
    """The queue rows given (every page of a filter), as an export table."""
    rows = []
    for it in items:
        d = it.to_dict()
        rows.append([", ".join(d[c]) if isinstance(d[c], list) else d[c] for c in EXPORT_COLUMNS])
    return Table(EXPORT_COLUMNS, rows, frozenset({"score", "runs"}), title)


def _ts(at: datetime) -> float:
    try:
        return at.timestamp()
    except (OverflowError, ValueError):
        return 0.0


__all__ = ["EXPORT_COLUMNS", "Page", "QueueFilter", "QueueItem", "export_table", "items_of", "latest_assignments",
           "paginate", "review_queue"]
