"""``laborlens grievances ...``: staff work on worker grievances from the terminal. Thin: parse, call, print.

Every command acts as a named user (``--as``, or ``LABORLENS_USER``) so need-to-know applies at the
terminal too: the worker's words are printed only for staff assigned to the grievance and admins.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text
from sqlalchemy import select

from laborlens.accounts import AuthError, Principal
from laborlens.cli.app import app, console, settings, store
from laborlens.grievances import escalate, parties, triage, views
from laborlens.grievances.vocab import ISSUES
from laborlens.service.context import Context
from laborlens.store.models import User

gr_app = typer.Typer(
    help="Worker grievances: board, triage, replies, remediation, escalation.", no_args_is_help=True
)
app.add_typer(gr_app, name="grievances")
AsUser = typer.Option(..., "--as", envvar="LABORLENS_USER", help="Your laborlens username (need-to-know).")
Version = typer.Option(None, "--version", help="The version you read; a stale one is refused (conflict).")
IssueOpt = typer.Option([], "--issue", help=f"Repeatable: {', '.join(ISSUES)}.")
ThreatOpt = typer.Option([], "--threat", help="defender: repeatable.")
OutOpt = typer.Option(None, "-o", help="Write here instead of printing.")
STYLE = {"overdue": "bold red", "due-soon": "bold yellow", "done": "green", "done-late": "yellow"}


def _ctx(name: str) -> Context:
    st = store()
    with st.session() as s:
        u = s.execute(select(User).where(User.username == name)).scalar()
        if u is None or u.disabled:
            raise AuthError(f"no active user {name!r} (create one with `laborlens users add`)")
        p = Principal(u.id, u.username, u.role, "cli")
    return Context(settings(), st, p)


def _table(rows: list[views.GrievanceSummary], title: str) -> Table:
    t = Table(title=title, title_justify="left")
    for c in (
        "grievance",
        "received",
        "lang",
        "party",
        "issues",
        "severity",
        "status",
        "assigned",
        "next deadline",
        "due",
    ):
        t.add_column(c, overflow="fold", no_wrap=c in ("grievance", "due"))
    for g in rows:
        nd = g.next_deadline
        due = Text(f"{nd.due} {nd.status}", style=STYLE.get(nd.status, "")) if nd else Text("")
        t.add_row(
            g.ref,
            str(g.received_on),
            g.language,
            Text(f"{g.party_name} ({g.party_id})" if g.party_id else "—"),
            Text(", ".join(g.issues) or "—"),
            g.severity or "—",
            g.status,
            ", ".join(g.assigned) or "—",
            nd.label if nd else "",
            due,
        )
    return t


@gr_app.command("list")
def gr_list(
    as_user: str = AsUser,
    status: str = typer.Option("", help="Only this status."),
    mine: bool = typer.Option(False, "--mine", help="Only grievances assigned to you."),
) -> None:
    """Every grievance (categories only)."""
    console.print(_table(views.list_grievances(_ctx(as_user), status=status, mine=mine), "Grievances"))


@gr_app.command("board")
def gr_board(
    as_user: str = AsUser, closed: bool = typer.Option(False, "--closed", help="Include closed.")
) -> None:
    """Open grievances, most urgent deadline first."""
    console.print(_table(views.board(_ctx(as_user), include_closed=closed), "Grievance deadlines"))


@gr_app.command("show")
def gr_show(ref: str, as_user: str = AsUser) -> None:
    """One grievance; the worker's words only if you are assigned to it or an admin (the read is audited)."""
    v = views.get_grievance(_ctx(as_user), ref)
    s = v.summary
    console.print(
        f"[bold]{s.ref}[/bold] {s.status} · received {s.received_on} by {s.channel} · language {s.language}",
        highlight=False,
    )
    console.print(Text(f"party: {s.party_name or '—'} {s.party_id} {s.party_country}"))
    console.print(
        Text(
            f"issues: {', '.join(ISSUES[i] for i in s.issues) or 'not triaged'}; severity "
            f"{s.severity or '—'}; credible {s.credible}; assigned {', '.join(s.assigned) or '—'}"
        )
    )
    for d in s.deadlines:
        console.print(
            Text(f"  {d.label}: due {d.due} ", style="") + Text(d.status, style=STYLE.get(d.status, ""))
        )
    if not v.may_see:
        console.print("[yellow]sealed[/yellow]: only assigned staff and admins read the worker's words")
    if v.contact:
        console.print(Text(f"contact (given with consent): {v.contact}"))
    if v.names:
        console.print(Text(f"named as in danger: {v.names}"))
    for e in v.events:
        data = json.dumps(e.data, ensure_ascii=False) if e.data else ""
        console.print(Text(f"#{e.seq} {e.on} {e.actor} {e.kind} {data}"))
        if e.text:
            console.print(Text("    " + e.text.replace("\n", "\n    ")))


@gr_app.command("assign")
def gr_assign(
    ref: str,
    username: str,
    as_user: str = AsUser,
    end: bool = typer.Option(False, "--end", help="End the assignment instead."),
) -> None:
    """Give (or end) a staff member's need-to-know access (admin)."""
    ctx = _ctx(as_user)
    (triage.unassign if end else triage.assign)(ctx, ref, username)
    console.print(f"{ref.upper()}: {username} {'no longer assigned' if end else 'assigned'}")


@gr_app.command("triage")
def gr_triage(
    ref: str,
    as_user: str = AsUser,
    issue: list[str] = IssueOpt,
    severity: str = typer.Option(..., help="low, medium, high or critical."),
    credible: bool | None = typer.Option(None, "--credible/--not-credible"),
    version: int | None = Version,
) -> None:
    """Record issue types, severity and credibility."""
    triage.triage(_ctx(as_user), ref, issues=issue, severity=severity, credible=credible, version=version)
    console.print(f"{ref.upper()}: triage recorded")


@gr_app.command("status")
def gr_status(
    ref: str,
    status: str,
    as_user: str = AsUser,
    reason: str = typer.Option("", help="When closing: remediated, not_credible, ..."),
    version: int | None = Version,
) -> None:
    """Move a grievance along received → acknowledged → investigating → remediation → closed."""
    new = triage.set_status(_ctx(as_user), ref, status, reason=reason, version=version)
    console.print(f"{ref.upper()}: {new}")


@gr_app.command("reply")
def gr_reply(
    ref: str,
    text: str = typer.Argument(..., help="The reply (the worker reads it with their code)."),
    as_user: str = AsUser,
    note: bool = typer.Option(False, "--note", help="An internal note instead."),
) -> None:
    """Reply to the worker (or add an internal note). Both are sealed."""
    ctx = _ctx(as_user)
    (triage.note if note else triage.reply)(ctx, ref, text)
    console.print(f"{ref.upper()}: {'note added' if note else 'reply recorded'}")


@gr_app.command("plan")
def gr_plan(
    ref: str,
    action: str,
    due: str = typer.Option(..., help="YYYY-MM-DD"),
    as_user: str = AsUser,
    owner: str = typer.Option("", help="Who carries it out."),
) -> None:
    """Add a remediation step with its due date."""
    n = triage.plan(_ctx(as_user), ref, [(action, due, owner)])
    console.print(f"{ref.upper()}: plan has {n} step(s)")


@gr_app.command("done")
def gr_done(
    ref: str, item: int, as_user: str = AsUser, on: str = typer.Option("", help="YYYY-MM-DD")
) -> None:
    """Mark a remediation step done."""
    triage.step_done(_ctx(as_user), ref, item, on or None)
    console.print(f"{ref.upper()}: step {item} done")


@gr_app.command("excerpt")
def gr_excerpt(ref: str, text: str, as_user: str = AsUser) -> None:
    """Set staff's shareable excerpt (empty text withdraws it)."""
    triage.share_excerpt(_ctx(as_user), ref, text)
    console.print(f"{ref.upper()}: excerpt {'saved' if text.strip() else 'withdrawn'}")


@gr_app.command("parties")
def gr_parties(query: str, as_user: str = AsUser, country: str = typer.Option("", help="ISO-2")) -> None:
    """Search the store's parties by name (through the matcher)."""
    t = Table("party id", "name", "country", "score", "decision")
    for c in parties.search_parties(_ctx(as_user), query, country):
        t.add_row(c.party_id, Text(c.name), c.country, f"{c.score:.2f}", c.decision)
    console.print(t)


@gr_app.command("link")
def gr_link(
    ref: str,
    as_user: str = AsUser,
    party: str = typer.Option("", help="An existing party id."),
    name: str = typer.Option("", help="Create a party with this name."),
    country: str = typer.Option("", help="ISO-2, with --name."),
    address: str = typer.Option("", help="With --name."),
) -> None:
    """Link the grievance to a supplier/facility party (or create one with --name and --country)."""
    ctx = _ctx(as_user)
    p = (
        triage.create_party(ctx, ref, name=name, country=country, address=address, party_id=party)
        if name
        else triage.link_party(ctx, ref, party)
    )
    console.print(Text(f"{ref.upper()}: linked to {p.id} {p.name}"))


@gr_app.command("escalate")
def gr_escalate(
    ref: str,
    to: str = typer.Argument(..., help="rrm or defender"),
    as_user: str = AsUser,
    sector: str = typer.Option("", help="rrm: the facility's sector."),
    person: str = typer.Option("", help="defender: the threatened person's name or alias."),
    threat: list[str] = ThreatOpt,
    risk: str = typer.Option("high", help="defender: low, medium, high, critical."),
    country: str = typer.Option("", help="defender: country (default the party's)."),
) -> None:
    """Open an RRM petition or a defender case from the grievance."""
    ctx = _ctx(as_user)
    if to == "rrm":
        case = escalate.to_rrm(ctx, ref, sector=sector)
    elif to == "defender":
        case = escalate.to_defender(ctx, ref, person=person, country=country, threats=threat, risk=risk)
    else:
        raise typer.BadParameter("escalate to rrm or defender")
    console.print(f"{ref.upper()}: opened {case}")


@gr_app.command("export")
def gr_export(
    as_user: str = AsUser,
    fmt: str = typer.Option("json", "--format", help="json or csv"),
    out: Path | None = OutOpt,
) -> None:
    """Redacted export: categories, party and shareable excerpts only."""
    body = views.export_redacted(_ctx(as_user), fmt)
    if out:
        out.write_text(body, encoding="utf-8")
        console.print(f"wrote {out}")
    else:
        typer.echo(body)
