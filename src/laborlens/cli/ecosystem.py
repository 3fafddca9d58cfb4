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
