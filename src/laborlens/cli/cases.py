"""``laborlens cases``: RRM petitions, defender cases, missions, safeguard reviews, the progress review.

Thin: parse, call one use case of :mod:`laborlens.service` as the authenticated ``--as`` user
(:mod:`laborlens.cli.auth`), print. User text goes to Rich as ``Text`` (never markup). Defender commands
are in :mod:`.cases_defenders`; missions, safeguard reviews and the progress review in :mod:`.cases_work`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text

from laborlens.cases.rrm import board as rrm_board
from laborlens.cases.rrm import lifecycle as rrm
from laborlens.cli.app import app, console
from laborlens.cli.auth import AsUser, context
from laborlens.errors import InputError
from laborlens.service import rrm as rrm_service
from laborlens.web import printing

cases_app = typer.Typer(
    help="Case work: RRM petitions, defenders, missions, safeguard reviews, progress review.",
    no_args_is_help=True,
)
rrm_app = typer.Typer(
    help="USMCA Rapid Response Labor Mechanism cases and their clocks.", no_args_is_help=True
)
def_app = typer.Typer(
    help="Threatened labor-rights defenders (identities encrypted, need-to-know).", no_args_is_help=True
)
mis_app = typer.Typer(
    help="Missions and negotiations: stakeholder engagement before, during, after.", no_args_is_help=True
)
sg_app = typer.Typer(help="Development-bank labor safeguard reviews (ESS2 / PS2).", no_args_is_help=True)
rev_app = typer.Typer(
    help="The memorandum's 22 directives and the semi-annual progress report.", no_args_is_help=True
)
app.add_typer(cases_app, name="cases")
for sub, name in (
    (rrm_app, "rrm"),
    (def_app, "defenders"),
    (mis_app, "missions"),
    (sg_app, "safeguards"),
    (rev_app, "review"),
):
    cases_app.add_typer(sub, name=name)

AsOf = typer.Option(None, "--as-of", help="Evaluate clocks as of this day (YYYY-MM-DD); default today (UTC).")
Version = typer.Option(None, "--version", help="The version you read; a stale one is refused (conflict).")
STYLE = {"overdue": "bold red", "due-soon": "bold yellow", "met": "green", "late": "yellow"}


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError("expected a date as YYYY-MM-DD", column="--as-of") from None


def _t(v: object) -> Text:
    return Text("" if v is None else str(v))


# -- RRM ---------------------------------------------------------------------------------------------------


@rrm_app.command("load-real")
def rrm_load_real(as_user: str = AsUser) -> None:
    """Load the 26 real RRM cases shipped with laborlens (admins; re-running changes nothing)."""
    r = rrm_service.load_real_cases(context(as_user))
    console.print(f"real RRM cases: {r.added} added, {r.skipped} already present")


def _board_table(views: list[rrm_board.CaseView], title: str) -> Table:
    t = Table(title=title, title_justify="left")
    for c in ("case", "facility", "state", "sector", "stage", "next deadline", "due", "status"):
        t.add_column(c, overflow="fold", no_wrap=c in ("case", "status"))
    for v in views:
        nd = v.next_deadline
        label = "" if nd is None else nd.clock.label + ("" if nd.clock.verified else " [unverified]")
        t.add_row(
            v.petition.id,
            _t(v.petition.facility),
            _t(v.petition.state),
            v.petition.sector,
            _t(v.facts.stage),
            _t(label),
            _t(nd.due_text() if nd else ""),
            Text(nd.status if nd else "", style=STYLE.get(nd.status, "") if nd else ""),
        )
    return t


@rrm_app.command("board")
def rrm_board_cmd(
    all_: bool = typer.Option(False, "--all", help="Include closed cases."),
    as_of: str = AsOf,
    soon: int = typer.Option(7, help="Days ahead that count as due soon."),
    html: Path = typer.Option(None, help="Also write the board as HTML here."),
    as_user: str = AsUser,
) -> None:
    """Open cases, most urgent first, with each case's next deadline."""
    ctx = context(as_user)
    day = _day(as_of) or ctx.today()
    views = rrm_service.board(ctx, include_closed=all_, as_of=day, soon_days=soon)
    console.print(_board_table(views, f"RRM cases as of {day} ({len(views)})"))
    if html:
        page = printing.board_html(views, rrm_service.clock_table(ctx), day, all_)
        console.print(f"wrote {printing.write_html(page, html)}")


@rrm_app.command("alerts")
def rrm_alerts(as_of: str = AsOf, soon: int = typer.Option(7), as_user: str = AsUser) -> None:
    """Overdue and due-soon clocks across open cases. Exit 0 either way; the table is the answer."""
    alerts = rrm_service.alerts(context(as_user), as_of=_day(as_of), soon_days=soon)
    t = Table(title=f"RRM alerts ({len(alerts)})", title_justify="left")
    for c in ("case", "facility", "clock", "due", "status", "note"):
        t.add_column(c, overflow="fold", no_wrap=c in ("case", "status"))
    for a in alerts:
        d = a.deadline
        t.add_row(
            a.case_id,
            _t(a.facility),
            _t(d.clock.label + ("" if d.clock.verified else " [unverified]")),
            d.due_text(),
            Text(d.status, style=STYLE.get(d.status, "")),
            _t(d.note),
        )
    console.print(t)


@rrm_app.command("file")
def rrm_file(
    facility: str = typer.Option(...),
    sector: str = typer.Option(
        ..., help="manufacturing, services or mining (or a description; other sectors are refused)"
    ),
    filed_on: str = typer.Option(..., help="Date the ILC received it (YYYY-MM-DD)."),
    company: str = "",
    municipality: str = "",
    state: str = "",
    petitioner: str = "",
    anonymous: bool = False,
    allegations: str = "",
    self_initiated: bool = False,
    evidence: list[Path] = typer.Option(None, help="Evidence file (repeatable); a copy is kept."),
    as_user: str = AsUser,
) -> None:
    """File a petition; its clocks start at once."""
    v = rrm_service.file_petition(
            context(as_user),
            facility=facility,
            sector=sector,
            filed_on=filed_on,
            company=company,
            municipality=municipality,
            state=state,
            petitioner=petitioner,
            anonymous=anonymous,
            allegations=allegations,
            self_initiated=self_initiated,
            evidence=list(evidence or []),
        )
    console.print(f"filed {v.petition.id} (version {v.version})")
    for d in v.deadlines:
        console.print(Text(f"  {d.clock.label}: due {d.due_text()} [{d.status}]"))


@rrm_app.command("event")
def rrm_event(
    case: str,
    kind: str = typer.Argument(..., help=", ".join(k for k in rrm.KINDS if k != "filed")),
    on: str = typer.Option(None, help="When it happened: YYYY-MM-DD (or YYYY-MM, YYYY)."),
    precision: str = typer.Option(None, help="exact, month, year, approx or inferred."),
    result: str = typer.Option(None, help="Outcome for determinations, responses, remedies, closure."),
    note: str = "",
    milestone: list[str] = typer.Option(None, help="'YYYY-MM-DD label' (repeatable), for remediation_plan."),
    done: str = typer.Option(None, help="Milestone key for milestone_done (M1, M2...)."),
    version: int = Version,
    as_user: str = AsUser,
) -> None:
    """Append a lifecycle event to a case."""
    ev, v = rrm_service.record_event(context(as_user), case, kind, version=version, on=on,
                                     precision=precision, result=result, note=note,
                                     milestones=list(milestone or []), milestone=done)
    console.print(Text(f"{case}: {rrm.KINDS[ev.kind]} recorded (version {ev.seq}); stage: {v.facts.stage}"))


@rrm_app.command("evidence")
def rrm_evidence(case: str, file: Path, version: int = Version, as_user: str = AsUser) -> None:
    """Keep a copy of an evidence file under the data folder and record it by path and SHA-256."""
    ev, _ = rrm_service.add_evidence(context(as_user), case, file, version=version)
    console.print(f"{case}: evidence {ev.data['sha256']} recorded (version {ev.seq})")


@rrm_app.command("timeline")
def rrm_timeline(case: str, as_of: str = AsOf, html: Path = typer.Option(None),
                 as_user: str = AsUser) -> None:
    """A case's events and clocks in date order."""
    v = rrm_service.case(context(as_user), case, _day(as_of))
    entries = rrm_board.timeline(v)
    t = Table(
        title=Text(f"{case}: {v.petition.facility} (stage: {v.facts.stage}; version {v.version})"),
        title_justify="left",
    )
    for c in ("date", "what", "detail", "status"):
        t.add_column(c, overflow="fold", no_wrap=c == "status")
    for e in entries:
        what = Text(e.what, style="italic" if e.kind == "deadline" else "")
        t.add_row(
            _t(e.when.describe() if e.kind == "event" else e.when.text),
            what,
            _t(e.detail),
            Text(e.status, style=STYLE.get(e.status, "")),
        )
    console.print(t)
    if html:
        console.print(f"wrote {printing.write_html(printing.case_html(v), html)}")


@rrm_app.command("clocks")
def rrm_clocks_cmd(as_user: str = AsUser) -> None:
    """Every clock: rule, whether verified, source, and any override."""
    rows = rrm_service.clock_table(context(as_user))
    t = Table(title="RRM clocks", title_justify="left")
    for c in ("key", "clock", "rule", "verified", "source", "override"):
        t.add_column(c, overflow="fold")
    for r in rows:
        t.add_row(
            r.clock.key,
            r.clock.label,
            r.clock.describe(),
            "yes" if r.clock.verified else "NO",
            r.clock.source,
            f"default {r.default.describe()}; set by {r.set_by}" if r.overridden else "",
        )
    console.print(t)


@rrm_app.command("clock-set")
def rrm_clock_set(
    key: str,
    days: int,
    business: bool = typer.Option(None, "--business/--calendar"),
    holidays: str = typer.Option(None, help="Holiday calendar for business days: US, MX, US+MX."),
    as_user: str = AsUser,
) -> None:
    """Override an unverified clock (admins; verified statutory clocks are refused)."""
    row = rrm_service.set_clock(context(as_user), key, days, business, holidays)
    console.print(f"{key}: {row.clock.describe()} (unverified default was {row.default.describe()})")


# The other case-work commands register themselves on the apps above.
from laborlens.cli import cases_defenders as _cases_defenders  # noqa: E402,F401
from laborlens.cli import cases_work as _cases_work  # noqa: E402,F401
