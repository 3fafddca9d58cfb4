"""Append-only, tamper-evident audit log (a SHA-256 hash chain over every event).

Events never carry sensitive values (defender identities, passwords, tokens): callers pass ids and kinds.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from laborlens.store.models import AuditEvent

GENESIS = "0" * 64


def _digest(prev: str, at: datetime, actor: str, action: str, target: str, detail: dict) -> str:
    body = json.dumps([prev, at.isoformat(), actor, action, target, detail], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()


def record(s: Session, actor: str, action: str, target: str = "", detail: dict | None = None) -> AuditEvent:
    """Append one event inside the caller's unit of work (so it commits or rolls back with the action)."""
    detail = detail or {}
    last = s.execute(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).scalar()
    prev = last or GENESIS
    at = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    ev = AuditEvent(at=at, actor=actor, action=action, target=target, detail=detail, prev_hash=prev,
                    hash=_digest(prev, at, actor, action, target, detail))
    s.add(ev)
    s.flush()
    return ev


@dataclass(frozen=True, slots=True)
class ChainCheck:
    ok: bool
    events: int
    first_bad_id: int | None = None
    reason: str = ""


def verify(s: Session) -> ChainCheck:
    """Recompute the chain; the first event whose hash or link does not hold is reported."""
    prev = GENESIS
    n = 0
    for ev in s.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars():
        n += 1
        if ev.prev_hash != prev:
            return ChainCheck(False, n, ev.id, "link to previous event broken (an event was removed or reordered)")
        if _digest(ev.prev_hash, ev.at, ev.actor, ev.action, ev.target, ev.detail or {}) != ev.hash:
            return ChainCheck(False, n, ev.id, "event content changed after it was written")
        prev = ev.hash
    return ChainCheck(True, n)


def events(s: Session, limit: int = 200, action: str | None = None) -> list[AuditEvent]:
    q = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if action:
        q = q.where(AuditEvent.action == action)
    return list(s.execute(q).scalars())
