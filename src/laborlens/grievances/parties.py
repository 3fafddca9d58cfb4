"""Finding the supplier or facility a worker names among the store's parties, through the matcher.

The matcher (``laborlens.match``) is used as a black box: the store's parties become the entries of a
throw-away watchlist and the typed name is matched against it, so staff get the same reading of Chinese,
transliterated and abbreviated names as screening does.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from laborlens.grievances.triage import staff
from laborlens.match import Matcher
from laborlens.model import WatchEntry
from laborlens.service.context import Context
from laborlens.store.models import Party


@dataclass(frozen=True)
class PartyCandidate:
    party_id: str
    name: str
    country: str
    address: str
    score: float
    decision: str


def search_parties(ctx: Context, query: str, country: str = "", top: int = 8) -> list[PartyCandidate]:
    staff(ctx, "analyst")
    q = (query or "").strip()
    if not q:
        return []
    with ctx.unit_of_work() as s:
        rows = list(s.execute(select(Party)).scalars())
    if not rows:
        return []
    by_id = {p.id: p for p in rows}
    entries = [
        WatchEntry(p.id, p.name, (p.name_local,) if p.name_local else (), p.country, "parties", "store")
        for p in rows
    ]
    out = []
    for r in Matcher(entries).match(q[:300], country, "", top=top):
        p = by_id.get(r.entity_id)
        if p is not None and r.score > 0:
            out.append(PartyCandidate(p.id, p.name, p.country, p.address, round(r.score, 3), r.decision))
    return out
