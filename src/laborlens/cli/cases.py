"""``laborlens cases``: RRM petitions, defender cases, missions, safeguard reviews, the progress review.

Thin: parse, call one library function in one unit of work, print. User text goes to Rich as ``Text``
(never markup). Defender identities are never taken as command-line arguments (they would land in shell
history and the process list): they are prompted for, or read from a JSON file.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text
from sqlalchemy import select

from laborlens.accounts import AuthError
from laborlens.cases import defenders as dfn
from laborlens.cases import engagements as eng
from laborlens.cases import progress, rrm, rrm_board, rrm_clocks, safeguards
from laborlens.cases.common import Operator
from laborlens.cases.crypto import KeyRing, decode_key
from laborlens.cases.render import write_html
from laborlens.cases.rrm_real import load_real_cases
from laborlens.cli.app import app, console, store
from laborlens.errors import InputError
from laborlens.store.models import User

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

OP = Operator()
AsOf = typer.Option(None, "--as-of", help="Evaluate clocks as of this day (YYYY-MM-DD); default today.")
AsUser = typer.Option(..., "--as", envvar="LABORLENS_USER", help="Your laborlens username (need-to-know).")
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


def _user(name: str):
    with store().session() as s:
        u = s.execute(select(User).where(User.username == name)).scalar()
        if u is None or u.disabled:
            raise AuthError(f"no active user {name!r} (create one with `laborlens users add`)")
        s.expunge(u)
        return u


# -- RRM ---------------------------------------------------------------------------------------------------


@rrm_app.command("load-real")
def rrm_load_real() -> None:
    """Load the 26 real RRM cases shipped with laborlens (re-running changes nothing)."""
    with store().session() as s:
        r = load_real_cases(s, OP)
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
) -> None:
    """Open cases, most urgent first, with each case's next deadline."""
    day = _day(as_of)
    with store().session() as s:
        views = rrm_board.board(s, day, soon, all_)
        console.print(_board_table(views, f"RRM cases as of {day or date.today()} ({len(views)})"))
        if html:
            console.print(f"wrote {write_html(rrm_board.board_html(s, day, all_, soon), html)}")


@rrm_app.command("alerts")
def rrm_alerts(as_of: str = AsOf, soon: int = typer.Option(7)) -> None:
    """Overdue and due-soon clocks across open cases. Exit 0 either way; the table is the answer."""
    with store().session() as s:
        alerts = rrm_board.alerts(s, _day(as_of), soon)
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
    evidence: list[Path] = typer.Option(None, help="Evidence file (repeatable)."),
) -> None:
    """File a petition; its clocks start at once."""
    with store().session() as s:
        p = rrm.file_petition(
            s,
            OP,
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
        v = rrm_board.case_view(s, p.id)
    console.print(f"filed {p.id} (version {v.version})")
    for d in v.deadlines:
        console.print(Text(f"  {d.clock.label}: due {d.due_text()} [{d.status}]"))


def _milestone(text: str) -> dict:
    label, sep, due = text.rpartition("@")
    if not sep:
        raise InputError("a milestone is LABEL@YYYY-MM-DD", column="--milestone")
    return {"label": label, "due": due}


@rrm_app.command("event")
def rrm_event(
    case: str,
    kind: str = typer.Argument(..., help=", ".join(k for k in rrm.KINDS if k != "filed")),
    on: str = typer.Option(None, help="When it happened: YYYY-MM-DD (or YYYY-MM, YYYY)."),
    precision: str = typer.Option(None, help="exact, month, year, approx or inferred."),
    result: str = typer.Option(None, help="Outcome for determinations, responses, remedies, closure."),
    note: str = "",
    milestone: list[str] = typer.Option(None, help="LABEL@YYYY-MM-DD (repeatable)."),
    done: str = typer.Option(None, help="Milestone key for milestone_done (M1, M2...)."),
    version: int = Version,
) -> None:
    """Append a lifecycle event to a case."""
    data: dict = {}
    if milestone:
        data["milestones"] = [_milestone(m) for m in milestone]
    if done:
        data["milestone"] = done
    with store().session() as s:
        ev = rrm.append_event(
            s,
            OP,
            case,
            kind,
            on=on,
            precision=precision,
            result=result,
            note=note,
            data=data,
            expected_version=version,
        )
        v = rrm_board.case_view(s, case)
    console.print(Text(f"{case}: {rrm.KINDS[ev.kind]} recorded (version {ev.seq}); stage: {v.facts.stage}"))


@rrm_app.command("evidence")
def rrm_evidence(case: str, file: Path, version: int = Version) -> None:
    """Record an evidence file by path and SHA-256."""
    with store().session() as s:
        ev = rrm.add_evidence(s, OP, case, file, expected_version=version)
    console.print(f"{case}: evidence {ev.data['sha256']} recorded (version {ev.seq})")


@rrm_app.command("timeline")
def rrm_timeline(case: str, as_of: str = AsOf, html: Path = typer.Option(None)) -> None:
    """A case's events and clocks in date order."""
    with store().session() as s:
        v = rrm_board.case_view(s, case, _day(as_of))
        entries = rrm_board.timeline(v)
        page = rrm_board.case_html(v) if html else ""
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
        console.print(f"wrote {write_html(page, html)}")


@rrm_app.command("clocks")
def rrm_clocks_cmd() -> None:
    """Every clock: rule, whether verified, source, and any override."""
    with store().session() as s:
        rows = rrm_clocks.clock_table(s)
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
) -> None:
    """Override an unverified clock (verified statutory clocks are refused)."""
    with store().session() as s:
        row = rrm_clocks.set_clock(s, OP, key, days, business, holidays)
    console.print(f"{key}: {row.clock.describe()} (unverified default was {row.default.describe()})")


# -- defenders ---------------------------------------------------------------------------------------------


def _ring() -> KeyRing:
    from laborlens.cli.app import settings

    return KeyRing.load(settings().home)


@def_app.command("add")
def def_add(
    as_user: str = AsUser,
    country: str = typer.Option(...),
    threat: list[str] = typer.Option(..., help=", ".join(dfn.THREATS) + " (repeatable)"),
    risk: str = typer.Option(..., help=", ".join(dfn.RISKS)),
    consent: bool = False,
    role: str = typer.Option("trade_unionist", help=", ".join(dfn.DEFENDER_ROLES)),
    sector: str = "",
    identity_file: Path = typer.Option(
        None, help="JSON with name, organisation, contact, narrative, sex, age_group (else you are prompted)"
    ),
) -> None:
    """Open a defender case; you are assigned to it. Prints only the pseudonym."""
    who = _user(as_user)
    if identity_file:
        raw = json.loads(identity_file.read_text(encoding="utf-8"))
        ident = dfn.Identity(**{k: str(raw.get(k, "")) for k in dfn.IDENTITY_FIELDS})
    else:
        ident = dfn.Identity(
            typer.prompt("Name or alias", hide_input=True),
            typer.prompt("Union / organisation", default="", show_default=False, hide_input=True),
            typer.prompt("Contact", default="", show_default=False, hide_input=True),
        )
    with store().session() as s:
        pid = dfn.open_case(
            s,
            _ring(),
            who,
            ident,
            country=country,
            threats=threat,
            risk=risk,
            consent_to_publicity=consent,
            role=role,
            sector=sector,
        )
    console.print(f"opened defender case {pid}")


@def_app.command("list")
def def_list(as_user: str = AsUser, q: str = typer.Option("", help="Pseudonym or country.")) -> None:
    """Pseudonymous list of cases."""
    who = _user(as_user)
    with store().session() as s:
        cases = dfn.list_cases(s, who, q)
    t = Table(title=f"Defender cases ({len(cases)})", title_justify="left")
    for col in ("case", "country", "role", "threats", "risk", "consent", "actions", "status", "version"):
        t.add_column(col, overflow="fold", no_wrap=col == "case")
    for c in cases:
        t.add_row(
            c.pseudonym,
            _t(c.country),
            c.role,
            ", ".join(c.threats),
            c.risk,
            "yes" if c.consent_to_publicity else "no",
            str(len(c.actions)),
            c.status,
            str(c.version),
        )
    console.print(t)


@def_app.command("show")
def def_show(case: str, as_user: str = AsUser) -> None:
    """One case; the identity only if you are assigned to it or an admin (the read is audited)."""
    who = _user(as_user)
    with store().session() as s:
        v = dfn.get_case(s, _ring(), who, case)
    c = v.summary
    console.print(
        Text(
            f"{c.pseudonym}  {c.country}  {c.role}  risk {c.risk}  threats {', '.join(c.threats)}  "
            f"consent {'yes' if c.consent_to_publicity else 'no'}  {c.status}  version {c.version}"
        )
    )
    if v.identity:
        for f in dfn.IDENTITY_FIELDS:
            if getattr(v.identity, f):
                console.print(Text(f"  {f}: {getattr(v.identity, f)}"))
        console.print(Text(f"  assigned: {', '.join(v.assigned)}"))
    else:
        console.print("  identity withheld: you are not assigned to this case")
    for e in v.events:
        extra = f"  note: {e.note}" if e.note else ""
        console.print(Text(f"  #{e.seq} {e.on or ''} {e.kind} {json.dumps(e.data)}{extra}"))


@def_app.command("event")
def def_event(
    case: str,
    kind: str = typer.Argument(..., help=", ".join(dfn.EVENT_KINDS)),
    as_user: str = AsUser,
    threat: str = "",
    perpetrator: str = "",
    action: str = "",
    support: list[str] = typer.Option(None),
    risk: str = "",
    consent: bool = typer.Option(None, "--consent/--no-consent"),
    status: str = "",
    note: bool = typer.Option(False, "--note", help="Prompt for a note (it is encrypted)."),
    on: str = typer.Option(None),
    version: int = Version,
) -> None:
    """Record a threat, action, risk change, consent change, status change or note."""
    who = _user(as_user)
    text = typer.prompt("Note", hide_input=True) if note else ""
    with store().session() as s:
        v = dfn.add_event(
            s,
            _ring(),
            who,
            case,
            kind,
            expected_version=version,
            on=_day(on),
            threat=threat,
            perpetrator=perpetrator,
            action=action,
            support=list(support or []),
            risk=risk,
            consent=consent,
            status=status,
            note=text,
        )
    console.print(f"{case.upper()}: {kind} recorded (version {v})")


@def_app.command("assign")
def def_assign(case: str, username: str, as_user: str = AsUser) -> None:
    """Give a staff member need-to-know access to a case (admin)."""
    who = _user(as_user)
    with store().session() as s:
        dfn.assign(s, who, case, username)
    console.print(f"{username} assigned to {case.upper()}")


@def_app.command("unassign")
def def_unassign(case: str, username: str, as_user: str = AsUser) -> None:
    """End a staff member's assignment (admin)."""
    who = _user(as_user)
    with store().session() as s:
        dfn.unassign(s, who, case, username)
    console.print(f"{username} no longer assigned to {case.upper()}")


@def_app.command("export")
def def_export(
    as_user: str = AsUser,
    redacted: bool = typer.Option(False, "--redacted", help="Required."),
    fmt: str = typer.Option("json", "--format", help="json or csv"),
    out: Path = typer.Option(..., "-o", "--out"),
) -> None:
    """Redacted export for a partner government: identities only where the person consented to publicity."""
    if not redacted:
        raise InputError("only a redacted export exists; say so with --redacted", column="--redacted")
    who = _user(as_user)
    with store().session() as s:
        text = dfn.export_redacted(s, _ring(), who, fmt)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    console.print(f"wrote {out}")


@def_app.command("rotate-key")
def def_rotate(
    as_user: str = AsUser,
    new_key_file: Path = typer.Option(
        None, help="File holding the new base64 key (needed when the key comes from LABORLENS_DEFENDER_KEY)."
    ),
) -> None:
    """Re-encrypt every identity and note under a new key, in one transaction (admin)."""
    from laborlens.cases.rotation import rotate_key

    who = _user(as_user)
    new = decode_key(new_key_file.read_text(encoding="ascii"), str(new_key_file)) if new_key_file else None
    r = rotate_key(store(), who, new)
    console.print(f"re-encrypted {r.resealed} fields: key {r.old_key} -> {r.new_key}")
    if r.retired_to:
        console.print(f"old key kept at {r.retired_to}: delete it once no backup made before now is needed")
    if r.source == "env":
        console.print("now set LABORLENS_DEFENDER_KEY to NEW,OLD (then NEW alone once old backups are gone)")


# -- missions ----------------------------------------------------------------------------------------------


@mis_app.command("add")
def mis_add(
    title: str = typer.Option(...),
    starts: str = typer.Option(...),
    ends: str = typer.Option(...),
    kind: str = typer.Option("mission", help="mission or negotiation"),
    country: str = "",
    agency: str = "",
) -> None:
    """Register a high-level mission or negotiation."""
    with store().session() as s:
        m = eng.create_mission(
            s, OP, title=title, kind=kind, starts_on=starts, ends_on=ends, country=country, agency=agency
        )
    console.print(f"created {m.id}")


@mis_app.command("engage")
def mis_engage(
    mission: str,
    stakeholder: str = typer.Argument(..., help=", ".join(eng.STAKEHOLDERS)),
    on: str = typer.Option(...),
    summary: str = "",
    phase: str = typer.Option(None),
    version: int = Version,
) -> None:
    """Record an engagement with labor stakeholders (phase follows from the date)."""
    with store().session() as s:
        e = eng.record_engagement(
            s,
            OP,
            mission,
            stakeholder=stakeholder,
            on=on,
            summary=summary,
            phase=phase,
            expected_version=version,
        )
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
def mis_list(as_of: str = AsOf) -> None:
    """Every mission with the engagement phases covered."""
    with store().session() as s:
        console.print(_gaps_table(eng.gaps_report(s, _day(as_of), only_gaps=False), "Missions"))


@mis_app.command("gaps")
def mis_gaps(as_of: str = AsOf) -> None:
    """Missions missing a phase of engagement or a key stakeholder group."""
    with store().session() as s:
        gaps = eng.gaps_report(s, _day(as_of))
    console.print(_gaps_table(gaps, f"Missions with gaps ({len(gaps)})"))


# -- safeguard reviews -------------------------------------------------------------------------------------


@sg_app.command("checklist")
def sg_checklist(framework: str = typer.Option(None, help="ESS2 or PS2")) -> None:
    """The checklist items, their weights and whether their headings are verified."""
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
) -> None:
    """Start a safeguard review of a project."""
    with store().session() as s:
        r = safeguards.create_review(
            s, OP, project=project, bank=bank, framework=framework, project_ref=ref, country=country
        )
    console.print(f"created {r.id} ({r.framework})")


@sg_app.command("score")
def sg_score(
    review: str, item: str, score: int, evidence: str = typer.Option(...), version: int = Version
) -> None:
    """Score one checklist item 0 (absent), 1 (partial) or 2 (met), with evidence."""
    with store().session() as s:
        safeguards.score_item(s, OP, review, item, score, evidence, version)
        sm = safeguards.summarise(s, review)
    pct = "-" if sm.weighted_pct is None else f"{sm.weighted_pct:.0f}%"
    console.print(
        f"{review}: {item}={score}; {len(sm.scored)}/{len(sm.items)} scored, memo-weighted {pct}, {sm.rating}"
    )


@sg_app.command("show")
def sg_show(review: str) -> None:
    """Scores, evidence and the memo-weighted result."""
    with store().session() as s:
        sm = safeguards.summarise(s, review)
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
    review: str, out: Path = typer.Option(..., "-o", "--out"), pdf: Path = typer.Option(None)
) -> None:
    """Printable HTML review (and PDF with --pdf)."""
    with store().session() as s:
        html = safeguards.review_html(safeguards.summarise(s, review))
    console.print(f"wrote {write_html(html, out, pdf)}" + (f" and {pdf}" if pdf else ""))


# -- progress review ---------------------------------------------------------------------------------------


@rev_app.command("list")
def rev_list(as_of: str = AsOf) -> None:
    """The 22 directives with status, due date and evidence."""
    day = _day(as_of) or date.today()
    with store().session() as s:
        rows = progress.tracker(s)
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
) -> None:
    """Append a status update for one directive."""
    with store().session() as s:
        u = progress.update_directive(s, OP, no, status, evidence, due, version)
    console.print(f"directive {no}: {u.status} (version {u.seq})")


@rev_app.command("report")
def rev_report(
    out: Path = typer.Option(..., "-o", "--out"),
    pdf: Path = typer.Option(None),
    period: str = typer.Option(None, help="2026-H1 or 2026-H2; default the current half-year"),
    as_of: str = AsOf,
) -> None:
    """The semi-annual progress report as HTML with an embedded chart (and PDF with --pdf)."""
    with store().session() as s:
        html = progress.report_html(s, period, _day(as_of))
    console.print(f"wrote {write_html(html, out, pdf)}" + (f" and {pdf}" if pdf else ""))
