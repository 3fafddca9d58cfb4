"""The memorandum's progress review as use cases: the directive tracker, updates and the report."""

from __future__ import annotations

from datetime import date

from laborlens.cases import progress as pg
from laborlens.cases.models import DirectiveUpdate
from laborlens.errors import NotFound
from laborlens.service.context import Context


def tracker(ctx: Context) -> list[pg.DirectiveRow]:
    ctx.require("viewer")
    with ctx.unit_of_work() as s:
        return pg.tracker(s)


def directive(ctx: Context, no: int) -> pg.DirectiveRow:
    row = next((x for x in tracker(ctx) if x.directive.no == no), None)
    if row is None:
        raise NotFound(f"no directive {no} (the memorandum has {len(pg.directives())})")
    return row


def update_directive(ctx: Context, no: int, status: str, evidence: str = "", due_on: str | date | None = None,
                     version: int | None = None) -> DirectiveUpdate:
    """Append a status update (analysts); send the directive version you read."""
    who = ctx.require("analyst")
    with ctx.unit_of_work() as s:
        return pg.update_directive(s, who, no, status, evidence, due_on or None, version)


def report(ctx: Context, period: str | None = None, as_of: date | None = None) -> pg.ProgressReport:
    """The semi-annual report's content for ``period`` (default: the half-year of ``as_of``)."""
    ctx.require("viewer")
    with ctx.unit_of_work() as s:
        return pg.progress_report(s, period, as_of or ctx.today())
