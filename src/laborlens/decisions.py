"""Analyst decisions on list matches: append-only records; the latest per (name, entity) wins, and later
screenings reuse it, saying that a human decided."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from laborlens import audit
from laborlens.errors import InputError
from laborlens.names.normalize import name_key
from laborlens.store.models import Decision

VERDICTS = ("confirmed", "dismissed")


@dataclass(frozen=True, slots=True)
class HumanDecision:
    verdict: str
    actor: str
    at: datetime
    note: str

    def describe(self) -> str:
        return f"{self.verdict} by {self.actor} on {self.at:%Y-%m-%d}" + (f": {self.note}" if self.note else "")


def record_decision(s: Session, actor: str, party_name: str, entity_id: str, list_name: str, verdict: str,
                    note: str = "", country: str = "", at: datetime | None = None, party_id: str = "",
                    run_id: str = "") -> Decision:
    """``country`` narrows the decision to parties of that country (a "Camel Group" dismissed in Vietnam is
    not thereby dismissed in China); without it the decision holds for the name anywhere."""
    if verdict not in VERDICTS:
        raise InputError(f"verdict must be one of {', '.join(VERDICTS)}", column="verdict")
    if not party_name.strip() or not entity_id.strip():
        raise InputError("party name and entity id are required")
    from laborlens.countries import iso2

    at = at or datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    d = Decision(at=at, actor=actor, party_name=party_name,
                 name_key=name_key(party_name), country=iso2(country), entity_id=entity_id,
                 list_name=list_name, verdict=verdict, note=note)
    s.add(d)
    s.flush()
    # the audit entry says which party, which entity and what note (list matches concern companies, not
    # people, so the note may be kept in the log)
    detail = {"decision_id": d.id, "list": list_name, "entity_id": entity_id, "party_name": party_name,
              "country": d.country, "note": note}
    if party_id:
        detail["party_id"] = party_id
    if run_id:
        detail["run_id"] = run_id
    audit.record(s, actor, f"decision.{verdict}", entity_id, detail)
    return d


class Decisions(dict):
    """(name key, ISO-2 country or "", entity id) → the latest decision; :meth:`find` prefers the decision
    made for the party's country over one made for the name anywhere."""

    def find(self, name: str, country: str, entity_id: str) -> HumanDecision | None:
        from laborlens.countries import iso2

        key = name_key(name)
        return self.get((key, iso2(country), entity_id)) or self.get((key, "", entity_id))


def latest_decisions(s: Session) -> Decisions:
    out = Decisions()
    for d in s.execute(select(Decision).order_by(Decision.id)).scalars():
        out[(d.name_key, d.country or "", d.entity_id)] = HumanDecision(d.verdict, d.actor, d.at, d.note)
    return out


def history(s: Session, limit: int = 500) -> list[Decision]:
    return list(s.execute(select(Decision).order_by(Decision.id.desc()).limit(limit)).scalars())
