"""``laborlens cases missions|safeguards|review``: missions and engagements, MDB safeguard reviews and
the memorandum's progress review, as the authenticated ``--as`` user."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text

from laborlens.cases import engagements as eng
from laborlens.cases import progress, safeguards
from laborlens.cli.app import console
from laborlens.cli.auth import AsUser, context
from laborlens.cli.cases import AsOf, Version, _day, _t, mis_app, rev_app, sg_app
from laborlens.service import missions as mission_service
from laborlens.service import progress as progress_service
from laborlens.service import safeguards as sg_service
from laborlens.web import printing

# -- missions ----------------------------------------------------------------------------------------------


@mis_app.command("add")
def mis_add(
    title: str = typer.Option(...),
    starts: str = typer.Option(...),
    ends: str = typer.Option(...),
    kind: str = typer.Option("mission", help="mission or negotiation"),
    country: str = "",
    agency: str = "",
    as_user: str = AsUser,
) -> None:
    """Register a high-level mission or negotiation."""
    m = mission_service.create_mission(context(as_user), title=title, kind=kind, starts_on=starts,
                                       ends_on=ends, country=country, agency=agency).mission
    console.print(f"created {m.id}")


@mis_app.command("engage")
def mis_engage(
    mission: str,
    stakeholder: str = typer.Argument(..., help=", ".join(eng.STAKEHOLDERS)),
    on: str = typer.Option(...),
    summary: str = "",
    phase: str = typer.Option(None),
    version: int = Version,
    as_user: str = AsUser,
) -> None:
    """Record an engagement with labor stakeholders (phase follows from the date)."""
    e = mission_service.record_engagement(context(as_user), mission, stakeholder=stakeholder, on=on,
                                          summary=summary, phase=phase, version=version)
    console.print(f"{mission}: {e.stakeholder} engaged {e.phase} the mission (version {e.seq})")


def _gaps_table(gaps: list[eng.MissionGaps], title: str) -> Table:
    t = Table(title=title, title_justify="left")
    for c in ("mission", "dates", "before", "during", "after", "missing"):
        t.add_column(c, overflow="fold")
    for g in gaps:
        m = g.mission
        missing = [f"{p}: {w}" for p, w in g.missing_phases]
        if g.missing_stakeholders:
            missing.append("never met: " + ", ".join(g.missing_stakeholders))
        t.add_row(
            _t(f"{m.id} {m.title}"),
            f"{m.starts_on} to {m.ends_on}",
            *(", ".join(g.covered[p]) for p in eng.PHASES),
            Text("; ".join(missing), style="red"),
        )
    return t


@mis_app.command("list")
def mis_list(as_of: str = AsOf, as_user: str = AsUser) -> None:
    """Every mission with the engagement phases covered."""
    gaps = mission_service.gaps(context(as_user), as_of=_day(as_of), only_gaps=False)
    console.print(_gaps_table(gaps, "Missions"))


@mis_app.command("gaps")
def mis_gaps(as_of: str = AsOf, as_user: str = AsUser) -> None:
    """Missions missing a phase of engagement or a key stakeholder group."""
    gaps = mission_service.gaps(context(as_user), as_of=_day(as_of))
    console.print(_gaps_table(gaps, f"Missions with gaps ({len(gaps)})"))


# -- safeguard reviews -------------------------------------------------------------------------------------


@sg_app.command("checklist")
def sg_checklist(framework: str = typer.Option(None, help="ESS2 or PS2"), as_user: str = AsUser) -> None:
    """The checklist items, their weights and whether their headings are verified."""
    context(as_user).require("viewer")
    t = Table(title="Labor safeguard checklist", title_justify="left")
    for c in ("key", "#", "area", "item", "weight", "frameworks", "verified"):
        t.add_column(c, overflow="fold")
    for i in safeguards.checklist(framework):
        t.add_row(
            i.key,
            str(i.no),
            i.area,
            i.item,
            str(i.weight),
            "/".join(i.frameworks).upper(),
            "yes" if i.verified else "no",
        )
    console.print(t)


@sg_app.command("new")
def sg_new(
    project: str = typer.Option(...),
    bank: str = typer.Option(...),
    framework: str = typer.Option(..., help="ESS2 or PS2"),
    ref: str = "",
    country: str = "",
    as_user: str = AsUser,
) -> None:
    """Start a safeguard review of a project."""
    r = sg_service.create_review(context(as_user), project=project, bank=bank, framework=framework,
                                 project_ref=ref, country=country).review
    console.print(f"created {r.id} ({r.framework})")


@sg_app.command("score")
def sg_score(
    review: str, item: str, score: int, evidence: str = typer.Option(...), version: int = Version,
    as_user: str = AsUser,
) -> None:
    """Score one checklist item 0 (absent), 1 (partial) or 2 (met), with evidence."""
    _, sm = sg_service.score_item(context(as_user), review, item, score, evidence, version)
    pct = "-" if sm.weighted_pct is None else f"{sm.weighted_pct:.0f}%"
    console.print(
        f"{review}: {item}={score}; {len(sm.scored)}/{len(sm.items)} scored, memo-weighted {pct}, {sm.rating}"
    )


@sg_app.command("show")
def sg_show(review: str, as_user: str = AsUser) -> None:
    """Scores, evidence and the memo-weighted result."""
    sm = sg_service.review(context(as_user), review)
    t = Table(
        title=Text(f"{review}: {sm.review.project} ({sm.review.bank}, {sm.review.framework}) - {sm.rating}"),
        title_justify="left",
    )
    for c in ("#", "item", "weight", "score", "evidence"):
        t.add_column(c, overflow="fold")
    for i in sm.items:
        t.add_row(
            str(i.item.no),
            i.item.key,
            str(i.item.weight),
            "-" if i.score is None else str(i.score),
            _t(i.evidence),
        )
    console.print(t)


@sg_app.command("report")
def sg_report(
    review: str, out: Path = typer.Option(..., "-o", "--out"), pdf: Path = typer.Option(None),
    as_user: str = AsUser,
) -> None:
    """Printable HTML review (and PDF with --pdf)."""
    ctx = context(as_user)
    html = printing.review_html(sg_service.review(ctx, review), ctx.today())
    console.print(f"wrote {printing.write_html(html, out, pdf)}" + (f" and {pdf}" if pdf else ""))


# -- progress review ---------------------------------------------------------------------------------------


@rev_app.command("list")
def rev_list(as_of: str = AsOf, as_user: str = AsUser) -> None:
    """The 22 directives with status, due date and evidence."""
    ctx = context(as_user)
    day = _day(as_of) or ctx.today()
    rows = progress_service.tracker(ctx)
    t = Table(title="Memorandum directives", title_justify="left")
    for c in ("#", "agencies", "directive", "status", "due", "evidence", "version"):
        t.add_column(c, overflow="fold")
    for r in rows:
        st = Text(r.status, style="bold red" if r.overdue(day) else "")
        t.add_row(
            str(r.directive.no),
            r.directive.agencies,
            r.directive.directive,
            st,
            str(r.due_on or ""),
            _t(r.evidence),
            str(r.version),
        )
    console.print(t)


@rev_app.command("update")
def rev_update(
    no: int,
    status: str = typer.Argument(..., help=", ".join(progress.STATUSES)),
    evidence: str = "",
    due: str = typer.Option(None, help="YYYY-MM-DD"),
    version: int = Version,
    as_user: str = AsUser,
) -> None:
    """Append a status update for one directive."""
    u = progress_service.update_directive(context(as_user), no, status, evidence, due, version)
    console.print(f"directive {no}: {u.status} (version {u.seq})")


@rev_app.command("report")
def rev_report(
    out: Path = typer.Option(..., "-o", "--out"),
    pdf: Path = typer.Option(None),
    period: str = typer.Option(None, help="2026-H1 or 2026-H2; default the current half-year"),
    as_of: str = AsOf,
    as_user: str = AsUser,
) -> None:
    """The semi-annual progress report as HTML with an embedded chart (and PDF with --pdf)."""
    html = printing.report_html(progress_service.report(context(as_user), period, _day(as_of)))
    console.print(f"wrote {printing.write_html(html, out, pdf)}" + (f" and {pdf}" if pdf else ""))
