"""Finding things: one search over parties, list entities and runs, and the page of one list entity (its
names, aliases and Chinese names, the editions it appears in, and the parties runs matched to it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select

from laborlens import jobs
from laborlens.decisions import latest_decisions
from laborlens.errors import NotFound
from laborlens.names.normalize import name_key
from laborlens.review.runs import list_runs
from laborlens.screen.result import ScreenResult
from laborlens.store import Store
from laborlens.store.models import ListEdition, ListEntry, Party

LIMIT = 50


def _has_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text)


def search(store: Store, q: str, limit: int = LIMIT) -> dict[str, list[dict[str, Any]]]:
    """Parties (id, name, local name, registration id), list entities (id, name, aliases) of current and past
    editions, and runs (id, name) whose text contains ``q`` (case-insensitive); at most ``limit`` each."""
    from laborlens.refdata.editions import seed_bundled

    q = " ".join(q.split())
    if len(q) < 2:
        return {"parties": [], "entities": [], "runs": []}
    like = f"%{q}%"
    seed_bundled(store)
    with store.session() as s:
        parties = [
            {"id": p.id, "name": p.name, "country": p.country, "name_local": p.name_local}
            for p in s.scalars(
                select(Party)
                .where(
                    or_(
                        Party.id.ilike(like),
                        Party.name.ilike(like),
                        Party.name_local.ilike(like),
                        Party.registration_id.ilike(like),
                    )
                )
                .order_by(Party.name)
                .limit(limit)
            )
        ]
        needle = q.lower()
        entities: dict[tuple[str, str], dict[str, Any]] = {}
        rows = s.execute(
            select(ListEntry, ListEdition.list_name, ListEdition.seq)
            .join(ListEdition, ListEntry.edition_id == ListEdition.id)
            .order_by(ListEdition.seq.desc())
        )
        for e, list_name, _seq in rows:
            key = (list_name, e.entity_id)
            if key in entities:
                continue
            texts = [e.entity_id, e.name, *(e.aliases or [])]
            if any(needle in t.lower() for t in texts if t):
                entities[key] = {
                    "entity_id": e.entity_id,
                    "list": list_name,
                    "name": e.name,
                    "aliases": list(e.aliases or [])[:6],
                    "country": e.country,
                }
            if len(entities) >= limit:
                break
    runs = [r.to_dict() for r in list_runs(store, 1000) if needle in r.id or needle in r.name.lower()][:limit]
    return {"parties": parties, "entities": list(entities.values()), "runs": runs}


@dataclass
class EntityPage:
    entity_id: str
    list_name: str
    name: str
    aliases: list[str]
    chinese: list[str]
    country: str
    editions: list[dict[str, Any]] = field(default_factory=list)  # every edition it appears in
    matched: list[dict[str, Any]] = field(default_factory=list)  # parties runs matched to it

    def to_dict(self) -> dict[str, Any]:
        return {
            "entity_id": self.entity_id,
            "list": self.list_name,
            "name": self.name,
            "aliases": self.aliases,
            "chinese": self.chinese,
            "country": self.country,
            "editions": self.editions,
            "matched": self.matched,
        }


def entity_page(store: Store, entity_id: str, runs: int = 100) -> EntityPage:
    """One listed entity across editions, and every party a stored run matched to it (with the decision)."""
    from laborlens.refdata.editions import seed_bundled

    seed_bundled(store)
    with store.session() as s:
        rows = list(
            s.execute(
                select(ListEntry, ListEdition)
                .join(ListEdition, ListEntry.edition_id == ListEdition.id)
                .where(ListEntry.entity_id == entity_id)
                .order_by(ListEdition.seq.desc())
            )
        )
        if not rows:
            raise NotFound(f"no list entity {entity_id!r}")
        latest, ed = rows[0]
        names: list[str] = []
        for e, _ in rows:
            for n in (e.name, *(e.aliases or [])):
                if n and n not in names:
                    names.append(n)
        editions = [
            {
                "list": x.list_name,
                "seq": x.seq,
                "label": x.label,
                "imported_at": x.imported_at.isoformat(),
                "retired": x.retired_at is not None,
                "name": e.name,
            }
            for e, x in rows
        ]
        decided = latest_decisions(s)
    page = EntityPage(
        entity_id,
        ed.list_name,
        latest.name,
        [n for n in names if n != latest.name and not _has_cjk(n)],
        [n for n in names if _has_cjk(n)],
        latest.country,
        editions,
    )
    seen: set[tuple[str, str]] = set()
    for run in list_runs(store, runs, done_only=True):
        try:
            r = ScreenResult.from_json(jobs.load_result(store, run.id))
        except Exception:  # noqa: BLE001 - an unreadable run must not hide the others
            continue
        for f in r.findings:
            d = f.details or {}
            if f.rule != "list_match" or d.get("entity_id") != entity_id or (run.id, f.party_id) in seen:
                continue
            seen.add((run.id, f.party_id))
            p = r.parties.get(f.party_id)
            name = str(d.get("query") or (p.name if p else f.party_id))
            from laborlens.countries import iso2

            country = iso2(p.country) if p else ""
            h = decided.get((name_key(name), country, entity_id)) or decided.get(
                (name_key(name), "", entity_id)
            )
            page.matched.append(
                {
                    "run_id": run.id,
                    "run_name": run.name,
                    "run_at": run.created_at.isoformat(),
                    "party_id": f.party_id,
                    "party_name": name,
                    "severity": f.severity,
                    "score": float(d.get("score") or 0.0),
                    "decision": h.describe() if h else str(d.get("human") or ""),
                }
            )
    return page
