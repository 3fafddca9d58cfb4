"""Watchlist imports and rollbacks as use cases, audited here whichever edge (CLI, API, web) calls them.

:mod:`laborlens.refdata.editions` records the edition in its own transaction (the whole file parsed first,
all-or-nothing); the audit event follows in the next one, so a crash between the two can leave an edition
without its audit line, never an audit line without its edition.
"""

from __future__ import annotations

from pathlib import Path

from laborlens import audit
from laborlens.ingest.limits import Limits
from laborlens.refdata import editions as ed
from laborlens.service.context import Context


def import_list(ctx: Context, path: Path | str, list_name: str, fmt: str = "auto",
                label: str | None = None) -> ed.ImportReport:
    """Record ``path`` as a new edition of ``list_name`` (admins)."""
    who = ctx.require("admin")
    report = ed.import_list(ctx.store, path, list_name, fmt, label, Limits.from_settings(ctx.settings))
    with ctx.unit_of_work() as s:
        audit.record(s, who.username, "list.import", list_name,
                     {"label": report.edition.label, "unchanged": report.unchanged,
                      "added": len(report.added), "removed": len(report.removed)})
    return report


def rollback(ctx: Context, list_name: str) -> ed.RollbackReport:
    """Retire the current edition of ``list_name`` (admins)."""
    who = ctx.require("admin")
    r = ed.rollback(ctx.store, list_name)
    with ctx.unit_of_work() as s:
        audit.record(s, who.username, "list.rollback", list_name,
                     {"retired": r.retired.label, "current": r.current.label})
    return r
