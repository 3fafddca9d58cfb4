"""``laborlens audit``: verify the keyed chain and its signed head, export the log, show the head."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from laborlens import audit
from laborlens.cli.app import app, console, store
from laborlens.errors import InputError

audit_app = typer.Typer(help="The audit log: verify its HMAC chain and signed head, export it.",
                        no_args_is_help=True)
app.add_typer(audit_app, name="audit")


def _report(check: audit.ChainCheck, where: str) -> None:
    if check.ok:
        console.print(Text(f"audit chain valid: {check.events} events, signed head count {check.head_count}, "
                           f"last hash {check.head_hash[:16]}… ({where})", style="green"), soft_wrap=True)
        return
    typer.echo(f"audit chain BROKEN ({where}): {check.reason}", err=True)
    raise typer.Exit(2)


@audit_app.command("verify")
def verify(export: Annotated[Path | None, typer.Option(
        "--export", help="Check a JSON export offline instead of the database (with this installation's key)."
)] = None) -> None:
    """Recompute every event's HMAC and check the signed head: exit 0 valid, 2 broken (names the event and
    why: edited content, hashes recomputed without the key, removed or inserted events, deleted newest
    events, edited head)."""
    st = store()
    if export is None:
        with st.session() as s:
            _report(audit.verify(s), "database")
        return
    try:
        data = json.loads(export.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"not a readable JSON audit export ({type(exc).__name__})",
                         file=str(export)) from None
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        raise InputError("not a laborlens audit export (no events list)", file=str(export))
    try:
        check = audit.verify_export(st.keys.audit(), data)
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"malformed event in the export ({type(exc).__name__}: {exc})", file=str(export)) \
            from None
    _report(check, str(export))


@audit_app.command("export")
def export(out: Annotated[Path, typer.Option("--out", "-o", help="File to write.")],
           fmt: Annotated[str, typer.Option("--format", help="json (verifiable offline) or csv.")] = "json"
           ) -> None:
    """Write the whole log with its chain check and signed head (the export is itself audited)."""
    actor = os.environ.get("LABORLENS_USER") or "cli"
    with store().session() as s:
        body = audit.export(s, actor, fmt)
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        fh.write(body)
    console.print(Text(f"wrote {out}"))


@audit_app.command("head")
def head() -> None:
    """Print the signed head (count, last hash, key id, signature) as JSON: keep copies elsewhere, so that
    rolling the log back to an older head can be caught too."""
    with store().session() as s:
        h = audit.signed_head(s)
    typer.echo(json.dumps(h, indent=1))
