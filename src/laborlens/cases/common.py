"""What every kind of case record shares: optimistic locking, the clock, ids and small parsers.

Case records change only by appending events. Each case head carries a ``version`` that goes up by one per
appended event; a writer sends back the version it read, and the append is a compare-and-swap on that
number. Two editors who read the same version can therefore never both append: the second gets
:class:`Conflict` (HTTP 409) and must re-read, instead of silently writing over what it has not seen.

Who is acting is always a :class:`laborlens.accounts.Principal`, resolved by the edge (API token, browser
session, or the CLI's authenticated ``--as`` user); there is no anonymous operator.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from laborlens.accounts import ROLES, Forbidden, Principal, role_at_least
from laborlens.errors import InputError, LaborlensError, NotFound

__all__ = ["Conflict", "Principal", "bump_version", "choice", "events_in_order", "get_or_missing",
           "next_number", "now", "parse_day", "require_role", "today"]


class Conflict(LaborlensError):
    """Someone else changed the case since the caller read it (stale ``version``)."""

    exit_code = 2
    http_status = 409


def require_role(who: Principal, needed: str) -> None:
    if who.role not in ROLES or not role_at_least(who.role, needed):
        raise Forbidden(f"this needs the {needed} role")


class _Event(Protocol):
    seq: Any


Row = TypeVar("Row")
Event = TypeVar("Event", bound=_Event)


def get_or_missing(s: Session, model: type[Row], key: Any, what: str) -> Row:
    """The row with primary key ``key``, or :class:`NotFound` saying ``no {what} {key}``."""
    row = s.get(model, key)
    if row is None:
        raise NotFound(f"no {what} {key}")
    return row


def events_in_order(s: Session, model: type[Event], case_column: Any, key: Any) -> list[Event]:
    """Every ``model`` event row whose ``case_column`` is ``key``, in the order they were appended."""
    return list(s.execute(select(model).where(case_column == key).order_by(model.seq)).scalars())


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def today() -> date:
    """The UTC date (the use-case layer passes its Context clock's date; this is the library's fallback)."""
    return datetime.now(UTC).date()


def bump_version(s: Session, model: Any, key: Any, expected: int | None, what: str) -> int:
    """Compare-and-swap ``model.version`` from ``expected`` to ``expected + 1``; return the new version.

    ``expected=None`` means "whatever it is now" (appends that did not read first); the swap is still
    atomic, so a concurrent writer is still detected by the unique (case, seq) key on the event tables."""
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


def next_number(s: Session, prefix: str) -> int:
    """The next number for ids like ``MIS-0007`` from the ``case_counters`` row of ``prefix``.

    One ``UPDATE ... SET value = value + 1`` both reserves the number and locks the row until the unit of
    work ends, so concurrent writers queue instead of both reading the same count (ids never repeat, even
    after a case is removed). The first id of a prefix inserts its row; a racing first insert retries."""
    from laborlens.cases.models import CaseCounter

    for _ in range(3):
        res = s.execute(update(CaseCounter).where(CaseCounter.prefix == prefix)
                        .values(value=CaseCounter.value + 1))
        if getattr(res, "rowcount", 0) == 1:
            return int(s.execute(select(CaseCounter.value).where(CaseCounter.prefix == prefix)).scalar_one())
        try:
            with s.begin_nested():
                s.add(CaseCounter(prefix=prefix, value=1))
            return 1
        except IntegrityError:  # another writer created the row first: take the next number from it
            continue
    raise Conflict(f"could not reserve a number for {prefix}; try again")  # pragma: no cover


def parse_day(text: str | date | None, column: str) -> date | None:
    """A YYYY-MM-DD date or None; bad input names the column (never echoes sensitive values)."""
    if text is None or text == "":
        return None
    if isinstance(text, date):
        return text
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError("expected a date as YYYY-MM-DD", column=column) from None


def choice(value: str, allowed: tuple[str, ...], column: str) -> str:
    v = (value or "").strip().lower().replace(" ", "_").replace("-", "_")
    if v not in allowed:
        raise InputError(f"must be one of {', '.join(allowed)}", column=column)
    return v
