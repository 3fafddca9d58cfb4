"""What every kind of case record shares: who is acting, optimistic locking, the clock and ids.

Case records change only by appending events. Each case head carries a ``version`` that goes up by one per
appended event; a writer sends back the version it read, and the append is a compare-and-swap on that
number. Two editors who read the same version can therefore never both append: the second gets
:class:`Conflict` (HTTP 409) and must re-read, instead of silently writing over what it has not seen.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Protocol

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from laborlens.accounts import ROLES, Forbidden, role_at_least
from laborlens.errors import InputError, LaborlensError, NotFound


class Conflict(LaborlensError):
    """Someone else changed the case since the caller read it (stale ``version``)."""

    exit_code = 2
    http_status = 409


class Principal(Protocol):
    """Whoever is acting: a ``laborlens.store.models.User`` or anything with a username and a role."""

    username: str
    role: str


class Operator:
    """The person at the terminal, for CLI commands that do not name a user (never used by the API)."""

    def __init__(self, username: str = "cli", role: str = "admin") -> None:
        self.username, self.role = username, role


def require_role(who: Principal, needed: str) -> None:
    if who.role not in ROLES or not role_at_least(who.role, needed):
        raise Forbidden(f"this needs the {needed} role")


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def today() -> date:
    return datetime.now(UTC).date()


def bump_version(s: Session, model: Any, key: Any, expected: int | None, what: str) -> int:
    """Compare-and-swap ``model.version`` from ``expected`` to ``expected + 1``; return the new version.

    ``expected=None`` means "whatever it is now" (single-user CLI appends); the swap is still atomic, so a
    concurrent writer is still detected by the unique (case, seq) key on the event tables."""
    pk = model.id
    current = s.execute(select(model.version).where(pk == key)).scalar()
    if current is None:
        raise NotFound(f"no {what} {key}")
    if expected is None:
        expected = current
    if expected != current:
        raise Conflict(
            f"{what} {key} changed since you read it (you sent version {expected}, it is now "
            f"{current}); reload it and try again"
        )
    res = s.execute(update(model).where(pk == key, model.version == expected).values(version=expected + 1))
    if getattr(res, "rowcount", 1) != 1:  # pragma: no cover - a concurrent writer slipped in between
        raise Conflict(f"{what} {key} changed while you were writing; reload it and try again")
    return expected + 1


def next_number(s: Session, model: Any, prefix: str) -> int:
    """The next free sequence number for ids like ``MIS-0007`` (ids are readable, never reused)."""
    n = s.execute(select(func.count()).select_from(model).where(model.id.like(f"{prefix}%"))).scalar() or 0
    return int(n) + 1


def parse_day(text: str | date | None, column: str) -> date | None:
    """A YYYY-MM-DD date or None; bad input names the column (never echoes sensitive values)."""
    if text is None or text == "":
        return None
    if isinstance(text, date):
        return text
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError("expected a date as YYYY-MM-DD", column=column) from None


def choice(value: str, allowed: tuple[str, ...], column: str) -> str:
    v = (value or "").strip().lower().replace(" ", "_").replace("-", "_")
    if v not in allowed:
        raise InputError(f"must be one of {', '.join(allowed)}", column=column)
    return v
