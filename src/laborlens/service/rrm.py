"""RRM case work as use cases: file, record events and evidence, set clocks, load the real cases, read.

Each function takes the :class:`~laborlens.service.Context`, checks the role, runs one unit of work and
returns what the edge shows. Dates default to the context clock's UTC day.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from laborlens.cases.models import RrmEvent
from laborlens.cases.rrm import board as rrm_board
from laborlens.cases.rrm import clocks as rrm_clocks
from laborlens.cases.rrm import evidence as custody
from laborlens.cases.rrm import lifecycle, real
from laborlens.cases.rrm.board import Alert, CaseView
from laborlens.cases.rrm.clocks import ClockRow
from laborlens.service.context import Context


def board(ctx: Context, *, include_closed: bool = False, as_of: date | None = None, soon_days: int = 7,
          q: str = "") -> list[CaseView]:
    ctx.require("viewer")
    with ctx.unit_of_work() as s:
        return rrm_board.board(s, as_of or ctx.today(), soon_days, include_closed, q)


def alerts(ctx: Context, *, as_of: date | None = None, soon_days: int = 7) -> list[Alert]:
    ctx.require("viewer")
    with ctx.unit_of_work() as s:
        return rrm_board.alerts(s, as_of or ctx.today(), soon_days)


def clock_table(ctx: Context) -> list[ClockRow]:
    ctx.require("viewer")
    with ctx.unit_of_work() as s:
        return rrm_clocks.clock_table(s)


def case(ctx: Context, case_id: str, as_of: date | None = None) -> CaseView:
    ctx.require("viewer")
    with ctx.unit_of_work() as s:
        return rrm_board.case_view(s, case_id, as_of or ctx.today())


def set_clock(ctx: Context, key: str, days: int, business: bool | None = None,
              holiday_calendar: str | None = None) -> ClockRow:
    """Override an unverified clock (admins)."""
    who = ctx.require("admin")
    with ctx.unit_of_work() as s:
        return rrm_clocks.set_clock(s, who, key, days, business, holiday_calendar)


def load_real_cases(ctx: Context) -> real.LoadResult:
    """The 26 real cases shipped with laborlens (admins; idempotent)."""
    who = ctx.require("admin")
    with ctx.unit_of_work() as s:
        return real.load_real_cases(s, who)


def file_petition(ctx: Context, *, evidence: Iterable[Path] = (), **fields: object) -> CaseView:
    """File a petition (analysts); its clocks start at once. Each ``evidence`` file is taken into custody
    in the same unit of work (hash and copy; a failed filing leaves no copy behind)."""
    who = ctx.require("analyst")
    kept: list[custody.Kept] = []
    try:
        with ctx.unit_of_work() as s:
            p = lifecycle.file_petition(s, who, **fields)  # type: ignore[arg-type]
            for path in evidence:
                k = custody.take_custody(ctx.settings.home, p.id, path)
                kept.append(k)
                lifecycle.add_evidence(s, who, p.id, k, on=ctx.today())
            return rrm_board.case_view(s, p.id, ctx.today())
    except BaseException:
        for k in kept:
            k.discard()
        raise


def record_event(ctx: Context, case_id: str, kind: str, *, version: int | None, on: str | date | None = None,
                 precision: str | None = None, result: str | None = None, note: str = "",
                 milestones: str | list[str] | None = None, milestone: str | None = None
                 ) -> tuple[RrmEvent, CaseView]:
    """Append one lifecycle event (analysts). ``milestones``: ``YYYY-MM-DD label`` lines (remediation
    plans); ``milestone``: the key (M1, M2...) a ``milestone_done`` completes."""
    who = ctx.require("analyst")
    data: dict = {}
    if milestones:
        data["milestones"] = milestones
    if milestone:
        data["milestone"] = milestone.strip()
    with ctx.unit_of_work() as s:
        ev = lifecycle.append_event(s, who, case_id, kind, on=on, precision=precision, result=result,
                                    note=note, data=data, expected_version=version)
        return ev, rrm_board.case_view(s, case_id, ctx.today())


def add_evidence(ctx: Context, case_id: str, source: Path, *, name: str = "", version: int | None = None,
                 move: bool = False) -> tuple[RrmEvent, CaseView]:
    """Take an evidence file into custody and record it (analysts). ``move``: ``source`` is a temporary
    file of this installation (an upload) and is moved rather than copied."""
    who = ctx.require("analyst")
    kept: custody.Kept | None = None
    try:
        with ctx.unit_of_work() as s:
            lifecycle.get_petition(s, case_id)  # an unknown case is refused before anything is copied
            kept = custody.take_custody(ctx.settings.home, case_id, source, name, move=move)
            ev = lifecycle.add_evidence(s, who, case_id, kept, on=ctx.today(), expected_version=version)
            return ev, rrm_board.case_view(s, case_id, ctx.today())
    except BaseException:
        if kept is not None:
            kept.discard()
        raise
