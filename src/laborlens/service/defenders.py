"""Defender case work as use cases: open, list, read (audited), record events, assign, export, rotate.

The role each needs is checked here; need-to-know (assigned staff or admins) and the audit of every
identity read are the library's (:mod:`laborlens.cases.defenders`), so no edge can skip them.
"""

from __future__ import annotations

from datetime import date

from laborlens import accounts
from laborlens.cases import defenders as dfn
from laborlens.cases.defenders import rotation
from laborlens.service.context import Context


def list_cases(ctx: Context, q: str = "") -> list[dfn.DefenderSummary]:
    who = ctx.require("viewer")
    with ctx.unit_of_work() as s:
        return dfn.list_cases(s, who, q)


def open_case(ctx: Context, identity: dfn.Identity, *, country: str, threats: list[str], risk: str,
              consent_to_publicity: bool = False, role: str = "trade_unionist", sector: str = "") -> str:
    """Open a case (analysts); the opener is assigned to it. Returns the pseudonym only."""
    who = ctx.require("analyst")
    with ctx.unit_of_work() as s:
        return dfn.open_case(s, ctx.key_ring(), who, identity, country=country, threats=threats, risk=risk,
                             consent_to_publicity=consent_to_publicity, role=role, sector=sector,
                             on=ctx.today())


def get_case(ctx: Context, pseudonym: str, reveal: bool = False) -> dfn.DefenderView:
    """The pseudonymous case; ``reveal`` opens identity and notes (assigned staff and admins; audited)."""
    who = ctx.require("viewer")
    with ctx.unit_of_work() as s:
        return dfn.get_case(s, ctx.key_ring(), who, pseudonym, reveal)


def case_page(ctx: Context, pseudonym: str, reveal: bool = False
              ) -> tuple[dfn.DefenderView, list[tuple[str, str]]]:
    """The case as :func:`get_case` gives it, and for admins the active staff who could be assigned."""
    who = ctx.require("viewer")
    with ctx.unit_of_work() as s:
        v = dfn.get_case(s, ctx.key_ring(), who, pseudonym, reveal)
        staff = []
        if who.can("admin"):
            staff = [(u.username, u.role) for u in accounts.list_users(s)
                     if not u.disabled and u.username not in v.assigned]
        return v, staff


def record_event(ctx: Context, pseudonym: str, kind: str, *, version: int | None, on: date | None = None,
                 threat: str = "", perpetrator: str = "", action: str = "", support: list[str] | None = None,
                 risk: str = "", consent: bool | None = None, status: str = "", note: str = "") -> int:
    """Append an event (analysts assigned to the case, or admins); the note is sealed. New version."""
    who = ctx.require("analyst")
    with ctx.unit_of_work() as s:
        return dfn.add_event(s, ctx.key_ring(), who, pseudonym, kind, expected_version=version,
                             on=on or ctx.today(), threat=threat, perpetrator=perpetrator, action=action,
                             support=support, risk=risk, consent=consent, status=status, note=note)


def assign(ctx: Context, pseudonym: str, username: str) -> None:
    who = ctx.require("admin")
    with ctx.unit_of_work() as s:
        dfn.assign(s, who, pseudonym, username)


def unassign(ctx: Context, pseudonym: str, username: str) -> None:
    who = ctx.require("admin")
    with ctx.unit_of_work() as s:
        dfn.unassign(s, who, pseudonym, username)


def export_redacted(ctx: Context, fmt: str = "json") -> str:
    """The redacted export for a partner government (analysts); every identity it reveals is audited."""
    who = ctx.require("analyst")
    with ctx.unit_of_work() as s:
        return dfn.export_redacted(s, ctx.key_ring(), who, fmt)


def rotate_key(ctx: Context, new_key: bytes | None = None) -> rotation.Rotation:
    """Re-seal everything under a new key in one transaction (admins)."""
    who = ctx.require("admin")
    result = rotation.rotate_key(ctx.store, who, ctx.key_ring(), new_key)
    ctx.keyring = None  # the next use loads the rotated ring
    return result
