"""Missions and stakeholder engagement as use cases."""

from __future__ import annotations

from datetime import date

from laborlens.cases import engagements as eng
from laborlens.cases.models import MissionEngagement
from laborlens.service.context import Context


def gaps(ctx: Context, *, as_of: date | None = None, only_gaps: bool = True) -> list[eng.MissionGaps]:
    """Every mission (``only_gaps=False``) or those missing a phase or key stakeholder group, as of a day."""
    ctx.require("viewer")
    with ctx.unit_of_work() as s:
        return eng.gaps_report(s, as_of or ctx.today(), only_gaps=only_gaps)


def mission(ctx: Context, mission_id: str, as_of: date | None = None
            ) -> tuple[eng.MissionGaps, list[eng.EngagementView]]:
    """The mission, its gaps and engagements; summaries (sealed) opened for analysts, that read audited."""
    who = ctx.require("viewer")
    with ctx.unit_of_work() as s:
        m = eng.get_mission(s, mission_id)
        views = eng.engagement_views(s, ctx.key_ring(), who, mission_id)
        return eng.mission_gaps(s, m, as_of or ctx.today()), views


def create_mission(ctx: Context, *, title: str, kind: str = "mission", starts_on: str | date,
                   ends_on: str | date, country: str = "", agency: str = "") -> eng.MissionGaps:
    who = ctx.require("analyst")
    with ctx.unit_of_work() as s:
        m = eng.create_mission(s, who, title=title, kind=kind, starts_on=starts_on, ends_on=ends_on,
                               country=country, agency=agency)
        return eng.mission_gaps(s, m, ctx.today())


def record_engagement(ctx: Context, mission_id: str, *, stakeholder: str, on: str | date, summary: str = "",
                      phase: str | None = None, version: int | None = None) -> MissionEngagement:
    """Append an engagement (analysts); send the mission version you read."""
    who = ctx.require("analyst")
    with ctx.unit_of_work() as s:
        return eng.record_engagement(s, who, mission_id, stakeholder=stakeholder, on=on, summary=summary,
                                     phase=phase, expected_version=version,
                                     ring=ctx.key_ring() if summary.strip() else None)
