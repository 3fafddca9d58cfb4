"""``laborlens cases defenders``: threatened labor-rights defenders (identities sealed, need-to-know).

Defender identities are never taken as command-line arguments (they would land in shell history and the
process list): they are prompted for (hidden), or read from a JSON file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text

from laborlens.cases import defenders as dfn
from laborlens.cases.crypto import decode_key
from laborlens.cli.app import console
from laborlens.cli.auth import AsUser, context
from laborlens.cli.cases import Version, _day, _t, def_app
from laborlens.errors import InputError
from laborlens.service import defenders as dfn_service


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
    ctx = context(as_user)
    if identity_file:
        raw = json.loads(identity_file.read_text(encoding="utf-8"))
        ident = dfn.Identity(**{k: str(raw.get(k, "")) for k in dfn.IDENTITY_FIELDS})
    else:
        ident = dfn.Identity(
            typer.prompt("Name or alias", hide_input=True),
            typer.prompt("Union / organisation", default="", show_default=False, hide_input=True),
            typer.prompt("Contact", default="", show_default=False, hide_input=True),
        )
    pid = dfn_service.open_case(
            ctx,
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
    cases = dfn_service.list_cases(context(as_user), q)
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
def def_show(
    case: str,
    as_user: str = AsUser,
    reveal: bool = typer.Option(False, "--reveal", help="Decrypt identity and notes (assigned staff and "
                                "admins; the reveal is audited)."),
) -> None:
    """One case, pseudonymous; with --reveal its identity and notes (need-to-know, audited)."""
    v = dfn_service.get_case(context(as_user), case, reveal)
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
    elif v.may_see_identity:
        console.print(Text(f"  assigned: {', '.join(v.assigned)}; identity sealed (show it with --reveal)"))
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
    ctx = context(as_user)
    text = typer.prompt("Note", hide_input=True) if note else ""
    v = dfn_service.record_event(
            ctx,
            case,
            kind,
            version=version,
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
    dfn_service.assign(context(as_user), case, username)
    console.print(f"{username} assigned to {case.upper()}")


@def_app.command("unassign")
def def_unassign(case: str, username: str, as_user: str = AsUser) -> None:
    """End a staff member's assignment (admin)."""
    dfn_service.unassign(context(as_user), case, username)
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
    text = dfn_service.export_redacted(context(as_user), fmt)
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
    ctx = context(as_user)
    new = decode_key(new_key_file.read_text(encoding="ascii"), str(new_key_file)) if new_key_file else None
    r = dfn_service.rotate_key(ctx, new)
    console.print(f"re-encrypted {r.resealed} fields: key {r.old_key} -> {r.new_key}")
    if r.retired_to:
        console.print(f"old key kept at {r.retired_to}: delete it once no backup made before now is needed")
    if r.source == "env":
        console.print("now set LABORLENS_DEFENDER_KEY to NEW,OLD (then NEW alone once old backups are gone)")
