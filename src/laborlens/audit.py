"""Append-only audit log that proves itself: an HMAC chain with a signed head, appended one writer at a time.

- Every event's ``hash`` is HMAC-SHA256, keyed by a secret kept outside the database
  (:class:`laborlens.store.keys.Keys`), over its position ``seq``, its content and the previous hash. Someone
  who edits a row and recomputes the hashes forward cannot do it without the key.
- One row, ``audit_head``, holds the number of events, the last hash and an HMAC over both. Every append
  locks it first (``BEGIN IMMEDIATE`` on SQLite, ``SELECT ... FOR UPDATE`` on PostgreSQL), so concurrent
  writers queue instead of forking the chain, and ``seq`` comes from the head, never from a count.
  Deleting the newest events leaves a head that no longer matches the log.
- Events never carry sensitive values (defender identities, passwords, tokens): callers pass ids and kinds.

What it cannot show: someone holding the key, or someone who puts back an older head row *together with*
deleting every event after it. Keep the signed head of each export (``laborlens audit head``) elsewhere to
catch the latter.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from laborlens.store.db import write_lock
from laborlens.store.keys import KeyProblem, key_id
from laborlens.store.models import AuditEvent, AuditHead

GENESIS = "0" * 64


def session_key(s: Session) -> bytes:
    """The audit key of the store this session belongs to (sessions carry the store's keys)."""
    keys = s.info.get("keys")
    if keys is None:
        raise KeyProblem("this database session was not opened through laborlens.store: no audit key")
    return keys.audit()


def digest(key: bytes, seq: int, prev: str, at: datetime, actor: str, action: str, target: str,
           detail: dict) -> str:
    body = json.dumps([seq, prev, at.isoformat(), actor, action, target, detail], sort_keys=True,
                      ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key, b"laborlens-audit-v2\x00" + body.encode(), hashlib.sha256).hexdigest()


def head_signature(key: bytes, count: int, last_hash: str) -> str:
    msg = f"laborlens-audit-head\x00{count}\x00{last_hash}".encode()
    return hmac.new(key, msg, hashlib.sha256).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def _lock_head(s: Session) -> AuditHead:
    write_lock(s)  # SQLite: BEGIN IMMEDIATE; PostgreSQL: the FOR UPDATE below
    head = s.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()
                     .execution_options(populate_existing=True)).scalar()
    if head is None:
        raise KeyProblem("the audit head row is missing: the log was tampered with or never migrated; "
                         "run `laborlens audit verify`")
    return head


def record(s: Session, actor: str, action: str, target: str = "", detail: dict | None = None) -> AuditEvent:
    """Append one event inside the caller's unit of work (so it commits or rolls back with the action)."""
    detail = detail or {}
    key = session_key(s)
    head = _lock_head(s)
    seq, prev, at = head.count + 1, head.last_hash, _now()
    ev = AuditEvent(seq=seq, at=at, actor=actor, action=action, target=target, detail=detail, prev_hash=prev,
                    hash=digest(key, seq, prev, at, actor, action, target, detail))
    s.add(ev)
    head.count, head.last_hash, head.updated_at = seq, ev.hash, at
    head.key_id, head.signature = key_id(key), head_signature(key, seq, ev.hash)
    s.flush()
    return ev


@dataclass(frozen=True, slots=True)
class ChainCheck:
    ok: bool
    events: int
    first_bad_id: int | None = None
    reason: str = ""
    head_count: int | None = None
    head_hash: str = ""


@dataclass(frozen=True, slots=True)
class Row:
    """What the chain covers of one event (from the database or from an export)."""

    id: int
    seq: int
    at: datetime
    actor: str
    action: str
    target: str
    detail: dict
    prev_hash: str
    hash: str


def check_chain(key: bytes, rows: Iterable[Row], head: dict[str, Any] | None) -> ChainCheck:
    """Walk ``rows`` in order; the first event whose position, link or HMAC does not hold is reported, then
    the head: its signature, its count and its last hash must match what the walk found."""
    prev, n = GENESIS, 0
    for r in rows:
        n += 1
        where = f"event #{r.id} (position {r.seq})"
        if r.seq != n:
            return ChainCheck(False, n, r.id, f"{where} should be at position {n}: an event before it was "
                                             "removed or one was inserted")
        if r.prev_hash != prev:
            return ChainCheck(False, n, r.id, f"{where}: link to the previous event broken (an event was "
                                             "removed, reordered or rewritten)")
        if not hmac.compare_digest(digest(key, r.seq, r.prev_hash, r.at, r.actor, r.action, r.target,
                                          r.detail), r.hash):
            return ChainCheck(False, n, r.id, f"{where}: content changed after it was written, or its hash "
                                             "was recomputed without the audit key")
        prev = r.hash
    if head is None:
        return ChainCheck(False, n, None, "the signed head is missing")
    count, last = int(head["count"]), str(head["last_hash"])
    if not hmac.compare_digest(head_signature(key, count, last), str(head["signature"])):
        return ChainCheck(False, n, None, f"the head's signature does not verify: the head was edited, or "
                                          f"this is not the key that signed it (key id {key_id(key)}, head "
                                          f"says {head.get('key_id', '?')})", count, last)
    if count != n or last != prev:
        return ChainCheck(False, n, None, f"the signed head covers {count} events but the log has {n}: the "
                                          f"newest events were deleted (or events added without the head)",
                          count, last)
    return ChainCheck(True, n, None, "", count, last)


def _rows(s: Session) -> Iterator[Row]:
    q = select(AuditEvent).order_by(AuditEvent.seq, AuditEvent.id).execution_options(yield_per=2000)
    for ev in s.execute(q).scalars():
        yield Row(ev.id, ev.seq, ev.at, ev.actor, ev.action, ev.target, ev.detail or {}, ev.prev_hash,
                  ev.hash)


def signed_head(s: Session) -> dict[str, Any] | None:
    h = s.get(AuditHead, 1, populate_existing=True)
    if h is None:
        return None
    return {"count": h.count, "last_hash": h.last_hash, "key_id": h.key_id, "signature": h.signature,
            "updated_at": h.updated_at.isoformat()}


def verify(s: Session) -> ChainCheck:
    """Recompute the whole chain and the signed head with this installation's key."""
    return check_chain(session_key(s), _rows(s), signed_head(s))


def verify_export(key: bytes, data: dict[str, Any]) -> ChainCheck:
    """Check a JSON export (``laborlens audit export`` / ``GET /api/audit/export``) offline."""
    rows = (Row(int(e["id"]), int(e["seq"]), datetime.fromisoformat(str(e["at"])), e["actor"],
                e["action"], e["target"], e.get("detail") or {}, e["prev_hash"], e["hash"])
            for e in data.get("events", []))
    return check_chain(key, rows, data.get("head"))


def events(s: Session, limit: int = 200, action: str | None = None) -> list[AuditEvent]:
    q = select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(limit)
    if action:
        q = q.where(AuditEvent.action == action)
    return list(s.execute(q).scalars())


def event_dict(ev: AuditEvent) -> dict[str, Any]:
    return {"id": ev.id, "seq": ev.seq, "at": ev.at, "actor": ev.actor, "action": ev.action,
            "target": ev.target, "detail": ev.detail or {}, "prev_hash": ev.prev_hash, "hash": ev.hash}


def _cell(v: Any) -> str:
    if isinstance(v, dict):
        text = json.dumps(v, sort_keys=True, ensure_ascii=False)
    else:
        text = v.isoformat() if hasattr(v, "isoformat") else str(v)
    return text  # formulas are neutralised by laborlens.csvout


EXPORT_COLUMNS = ("id", "seq", "at", "actor", "action", "target", "detail", "prev_hash", "hash", "chain")


def export(s: Session, actor: str, fmt: str) -> str:
    """The whole log with its chain check and the signed head, as JSON or CSV text; the export is itself
    audited (after the snapshot, so the head in the file covers exactly the events in it).

    JSON: ``{"chain": ..., "head": {count, last_hash, key_id, signature}, "events": [...]}`` (what
    ``laborlens audit verify --export`` checks offline). CSV: one row per event with a ``chain`` column that
    reads ``broken`` from the first failing event on, then one last row whose ``action`` is ``audit.head``,
    ``seq`` the head's count, ``hash`` its last hash and ``detail`` its key id and signature."""
    import io
    from dataclasses import asdict

    from laborlens import csvout
    from laborlens.errors import InputError

    if fmt not in ("csv", "json"):
        raise InputError("format must be csv or json", column="format")
    check, head = verify(s), signed_head(s)
    evs = [event_dict(e) for e in reversed(events(s, limit=10_000_000))]
    record(s, actor, "audit.export", fmt, {"events": len(evs), "chain_ok": check.ok})
    if fmt == "json":
        return json.dumps({"chain": asdict(check), "head": head, "events": evs}, default=_iso,
                          ensure_ascii=False, indent=1)
    buf = io.StringIO()
    w = csvout.writer(buf, numeric=(0, 1))  # neutralises formulas; id and seq are numbers
    w.writerow(EXPORT_COLUMNS)
    for e in evs:
        bad = check.first_bad_id is not None and e["id"] >= check.first_bad_id
        w.writerow([_cell(e[c]) for c in EXPORT_COLUMNS[:-1]] + ["broken" if bad else "ok"])
    if head is not None:
        w.writerow(["", head["count"], head["updated_at"], "", "audit.head", "",
                    _cell({"key_id": head["key_id"], "signature": head["signature"]}), "", head["last_hash"],
                    "ok" if check.ok else "broken"])
    return buf.getvalue()


def _iso(v: Any) -> str:
    return v.isoformat() if hasattr(v, "isoformat") else str(v)
