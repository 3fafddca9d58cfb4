"""Need-to-know around defender cases: who is assigned, who may see identities, and assignments.

Admins and staff currently assigned to a case may read its identity and notes and add to it; everyone else
works with the pseudonymous case. Assignments are granted and ended by admins, each change audited.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from laborlens import audit
from laborlens.cases.common import Principal, now, require_role
from laborlens.cases.models import DefenderAssignment, DefenderCase
from laborlens.errors import NotFound
from laborlens.store.models import User


def assigned_users(s: Session, case: DefenderCase) -> list[str]:
    return sorted(
        s.execute(
            select(DefenderAssignment.username).where(
                DefenderAssignment.case_id == case.id, DefenderAssignment.revoked_at.is_(None)
            )
        ).scalars()
    )


def may_see(s: Session, who: Principal, case: DefenderCase) -> bool:
    """Need-to-know: admins, and staff currently assigned to this case."""
    return who.role == "admin" or who.username in assigned_users(s, case)


def case_by_pseudonym(s: Session, pseudonym: str) -> DefenderCase:
    from laborlens.cases.defenders.records import find_case

    return find_case(s, pseudonym)


def assign(s: Session, who: Principal, pseudonym: str, username: str) -> None:
    """Give a staff member need-to-know access (admin only)."""
    require_role(who, "admin")
    case = case_by_pseudonym(s, pseudonym)
    if s.execute(select(User.id).where(User.username == username)).first() is None:
        raise NotFound(f"no user {username!r}")
    if username not in assigned_users(s, case):
        s.add(
            DefenderAssignment(
                case_id=case.id, username=username, assigned_by=who.username, assigned_at=now()
            )
        )
        s.flush()
    audit.record(s, who.username, "defender.assign", case.pseudonym, {"user": username})


def unassign(s: Session, who: Principal, pseudonym: str, username: str) -> None:
    require_role(who, "admin")
    case = case_by_pseudonym(s, pseudonym)
    rows = (
        s.execute(
            select(DefenderAssignment).where(
                DefenderAssignment.case_id == case.id,
                DefenderAssignment.username == username,
                DefenderAssignment.revoked_at.is_(None),
            )
        )
        .scalars()
        .all()
    )
    if not rows:
        raise NotFound(f"{username!r} is not assigned to {case.pseudonym}")
    for r in rows:
        r.revoked_at = now()
    audit.record(s, who.username, "defender.unassign", case.pseudonym, {"user": username})
