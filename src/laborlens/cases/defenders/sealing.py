"""Sealing defender records: identities and notes as AES-GCM blobs bound to their case, and pseudonyms.

Every blob's associated data names the case and the part (``identity`` or ``event:<seq>``), so a sealed
identity copied onto another case, or a note onto another event, fails its integrity check instead of
opening. The key ring comes from the edge (:class:`laborlens.cases.crypto.KeyRing`, built from Settings).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from laborlens.cases.crypto import KeyRing
from laborlens.cases.models import DefenderCase, DefenderEvent
from laborlens.errors import InputError

if TYPE_CHECKING:
    from laborlens.cases.defenders.records import Identity


def aad(pseudonym: str, part: str) -> str:
    return f"laborlens:defender:{pseudonym}:{part}"


def seal_identity(ring: KeyRing, pseudonym: str, identity: Identity) -> tuple[str, bytes]:
    return ring.seal(json.dumps(asdict(identity)).encode(), aad(pseudonym, "identity"))


def open_identity(ring: KeyRing, case: DefenderCase) -> dict[str, str]:
    return json.loads(ring.open(case.identity_kid, case.identity_ct, aad(case.pseudonym, "identity")))


def seal_note(ring: KeyRing, pseudonym: str, seq: int, note: str) -> tuple[str, bytes]:
    return ring.seal(note.encode(), aad(pseudonym, f"event:{seq}"))


def open_note(ring: KeyRing, pseudonym: str, e: DefenderEvent) -> str:
    if e.note_ct is None:
        return ""
    return ring.open(e.note_kid, e.note_ct, aad(pseudonym, f"event:{e.seq}")).decode()


def new_pseudonym(s: Session, ring: KeyRing) -> str:
    for _ in range(50):
        p = ring.pseudonym(os.urandom(32))
        if s.execute(select(DefenderCase.id).where(DefenderCase.pseudonym == p)).first() is None:
            return p
    raise InputError("could not find a free pseudonym; try again")  # pragma: no cover - 65k namespace


def reseal_all(s: Session, ring: KeyRing) -> int:
    """Re-encrypt every sealed field under ``ring.active`` (used by key rotation, inside one transaction)."""
    n = 0
    for case in s.execute(select(DefenderCase)).scalars():
        part = aad(case.pseudonym, "identity")
        plain = ring.open(case.identity_kid, case.identity_ct, part)
        case.identity_kid, case.identity_ct = ring.seal(plain, part)
        n += 1
        events = s.execute(select(DefenderEvent).where(DefenderEvent.case_id == case.id)).scalars()
        for e in events:
            if e.note_ct is not None:
                part_e = aad(case.pseudonym, f"event:{e.seq}")
                e.note_kid, e.note_ct = ring.seal(ring.open(e.note_kid, e.note_ct, part_e), part_e)
                n += 1
    s.flush()
    return n
