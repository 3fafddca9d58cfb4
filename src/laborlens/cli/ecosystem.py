"""Commands that connect laborlens to the tools around it: ``ftm`` (FollowTheMoney export),
``lists update`` (download official publications), ``worker`` (queue workers) and ``bench scale``."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.text import Text

from laborlens.cli.app import app, console, store
from laborlens.errors import InputError

ftm_app = typer.Typer(help="Export list entities and screening findings as FollowTheMoney JSON lines.",
                      no_args_is_help=True)
app.add_typer(ftm_app, name="ftm")


@ftm_app.command("list")
def ftm_list(
    name: str = typer.Argument(..., help="Watchlist (uflpa, wro, a custom list) or 'default' for all."),
    out: Path = typer.Option(..., "--out", "-o", help="JSON lines file to write."),
) -> None:
    """Write the current edition of a watchlist as FtM entities (Company + Sanction per listed entity)."""
    from laborlens.ftm.export import list_entities, write_jsonl_file
    from laborlens.refdata.editions import current_entries

    entries = current_entries(store(), None if name == "default" else [name])
    n = write_jsonl_file(list_entities(entries), out)
    console.print(Text(f"wrote {n} FtM entities to {out}"))


@ftm_app.command("findings")
def ftm_findings(
    result: Path = typer.Argument(..., help="A screening's result.json (in the screen command's OUTDIR)."),
    out: Path = typer.Option(..., "--out", "-o", help="JSON lines file to write."),
) -> None:
    """Write the parties with findings as FtM entities (Company + UnknownLink to the listed entity)."""
    from laborlens.ftm.export import finding_entities, write_jsonl_file

    if result.is_dir():
        result = result / "result.json"
    try:
        data = json.loads(result.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read a screening result: {exc}", file=str(result)) from None
    n = write_jsonl_file(finding_entities(data), out)
    console.print(Text(f"wrote {n} FtM entities to {out}"))


# --- lists update --------------------------------------------------------------------------------------

from laborlens.cli.lists import SHOWN, lists_app  # noqa: E402


def cli_context():
    """The operator at the machine acts as admin, as for every other CLI command (actor ``cli``)."""
    from laborlens.accounts import Principal
    from laborlens.cli.app import settings
    from laborlens.service.context import Context

    s = settings()
    from laborlens.store import open_store

    return Context(settings=s, store=open_store(s), principal=Principal(0, "cli", "admin", "cli"))


@lists_app.command("update")
def lists_update(
    name: str = typer.Argument(..., help="uflpa (DHS Entity List page), wro (CBP CSV) or ilab (ILAB list)."),
    url: str | None = typer.Option(None, "--url", help="Download from here instead of the agency's address "
                                   "(a landing page is searched for the data file's link)."),
    force: bool = typer.Option(False, "--force", help="Record a download that looks wrong (far fewer "
                               "entities than the current edition, too few tables)."),
) -> None:
    """Download the official publication of a list, check it, and record it as a new edition with a diff."""
    from laborlens.refdata.update import update_list

    r = update_list(cli_context(), name, url, force)
    for w in r.warnings:
        console.print(Text(f"warning: {w}", style="yellow"))
    if r.unchanged:
        console.print(Text(f"{name}: the publication at {r.url} is the same as the current edition; "
                           f"nothing recorded (kept as {r.saved.name})"))
        return
    console.print(Text(f"{name}: downloaded {r.url} ({r.entities} entries; previous edition {r.previous})",
                       style="bold"))
    if r.imported is not None:
        rep = r.imported
        console.print(Text(f"recorded {rep.edition.label}: added {len(rep.added)}, "
                           f"removed {len(rep.removed)}, renamed {len(rep.renamed)}, "
                           f"updated {len(rep.updated)}"))
        for title, rows, mark in (("added", rep.added, "+"), ("removed", rep.removed, "-")):
            for eid, n in rows[:SHOWN]:
                console.print(Text(f"  {mark} {eid}  {n}"))
            if len(rows) > SHOWN:
                console.print(Text(f"  ... and {len(rows) - SHOWN} more {title}"))
        console.print(Text(f"undo with `laborlens lists rollback {name}`", style="dim"))
    elif r.ilab_diff is not None:
        d = r.ilab_diff
        console.print(Text(f"recorded ILAB edition: added {len(d['added'])}, removed {len(d['removed'])}, "
                           f"flags changed {len(d['changed'])}; screening reads it from now on"))
        for title, mark in (("added", "+"), ("removed", "-"), ("changed", "~")):
            for item in d[title][:SHOWN]:
                console.print(Text(f"  {mark} {item}"))


# --- worker --------------------------------------------------------------------------------------------

@app.command()
def worker(
    queue: str | None = typer.Option(None, "--queue", help="Redis URL (default: $LABORLENS_QUEUE)."),
    burst: bool = typer.Option(False, "--burst", help="Exit when the queue is empty."),
    name: str | None = typer.Option(None, "--name", help="Worker name shown in RQ (default: host and pid)."),
) -> None:
    """Run background screening jobs from the queue (RQ on Redis), apart from the web process."""
    from laborlens.cli.app import settings
    from laborlens.jobqueue import work

    url = queue or settings().queue
    if not url:
        raise InputError("no queue: set LABORLENS_QUEUE=redis://HOST:6379/0 or pass --queue",
                         column="--queue")
    console.print(Text(f"laborlens worker on {url} (store {settings().db_url.split('@')[-1]})"))
    work(url, burst=burst, name=name)
