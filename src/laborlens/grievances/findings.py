"""Grievances as a screening finding source.

An open, credible grievance (triaged ``credible``, not closed) with at least one of the ILO forced-labour
indicators is a ``grievance`` finding on the linked party, at **review** level: a worker's report is a
reason for a human to look, never by itself the UFLPA presumption. The finding carries the grievance id,
its indicators and status, and staff's shareable excerpt if they marked one; never the worker's words,
contact or names.

A screened party is the linked party when it has the same id as the store party, or the same normalised
name and a compatible country (screening files and the store may number parties differently).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from laborlens.grievances.models import Grievance
from laborlens.grievances.record import derive, events
from laborlens.grievances.vocab import FORCED_LABOUR
from laborlens.model import Finding, Party
from laborlens.names.normalize import name_key

RULE = "grievance"


@dataclass(frozen=True, slots=True)
class GrievanceSignal:
    """What screening may know of one grievance (picklable, no text the worker wrote)."""

    ref: str
    party_id: str
    name_key: str
    country: str
    indicators: tuple[str, ...]
    status: str
    received_on: str
    excerpt: str = ""


def load_signals(s: Session) -> list[GrievanceSignal]:
    """Signals of every open, credible grievance with a forced-labour indicator and a linked party."""
    out = []
    for g in s.execute(select(Grievance).where(Grievance.party_id != "").order_by(Grievance.id)).scalars():
        st = derive(events(s, g))
        ind = tuple(i for i in st.issues if i in FORCED_LABOUR)
        if st.is_open and st.credible is True and ind:
            out.append(
                GrievanceSignal(
                    g.ref,
                    g.party_id,
                    name_key(g.party_name),
                    g.party_country.upper(),
                    ind,
                    st.status,
                    g.received_on.isoformat(),
                    st.excerpt,
                )
            )
    return out


def _country_ok(a: str, b: str) -> bool:
    return not a or not b or a.upper()[:2] == b.upper()[:2]


def grievance_findings(parties: Sequence[Party], signals: Sequence[GrievanceSignal]) -> list[Finding]:
    if not signals:
        return []
    by_id: dict[str, list[GrievanceSignal]] = {}
    by_key: dict[str, list[GrievanceSignal]] = {}
    for sg in signals:
        by_id.setdefault(sg.party_id, []).append(sg)
        by_key.setdefault(sg.name_key, []).append(sg)
    out = []
    for p in parties:
        hits = list(by_id.get(p.id, []))
        for sg in by_key.get(name_key(p.name), []) if p.name else []:
            if sg not in hits and _country_ok(sg.country, p.country):
                hits.append(sg)
        for sg in hits:
            labels = ", ".join(FORCED_LABOUR[i].lower() for i in sg.indicators)
            details = {
                "grievance": sg.ref,
                "indicators": list(sg.indicators),
                "status": sg.status,
                "received_on": sg.received_on,
            }
            if sg.excerpt:
                details["excerpt"] = sg.excerpt
            shared = f'; staff excerpt: "{sg.excerpt}"' if sg.excerpt else ""
            out.append(
                Finding(
                    p.id,
                    RULE,
                    "review",
                    f"open credible worker grievance {sg.ref} ({sg.status}) reports forced-labour "
                    f"indicators: {labels}{shared}",
                    "grievances",
                    sg.received_on,
                    details,
                )
            )
    return out


def findings_from_store(store, parties: Sequence[Party]) -> list[Finding]:
    """The screening entry point: grievance findings for ``parties`` from the store's grievances."""
    if store is None:
        return []
    with store.session() as s:
        return grievance_findings(parties, load_signals(s))
