"""``laborlens lists``: every list with its edition and coverage; import, history, rollback, show.

Thin: each command parses its options, calls one function of :mod:`laborlens.refdata.editions` (reads) or
:mod:`laborlens.service.lists` (import and rollback: admins, as ``--as``, audited as over HTTP) and prints.
Text from list files goes to Rich as ``Text`` (never as markup), since entity names may contain brackets.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text

from laborlens.cli.app import app, console, store
from laborlens.cli.auth import AsUser, context
from laborlens.refdata import editions as ed
from laborlens.refdata.catalog import CATALOG, UFLPA_GAP
from laborlens.service import lists as lists_service

lists_app = typer.Typer(
    help="Every list with its edition and coverage (bare `laborlens lists`); import, editions, rollback.",
    invoke_without_command=True,
    no_args_is_help=False,
)
app.add_typer(lists_app, name="lists")

SHOWN = 20  # names listed per change category after an import; the rest are counted


class Format(str, Enum):
    auto = "auto"
    csv = "csv"
    ftm = "ftm"
    html = "html"
    wro = "wro"


def _say(text: str, style: str | None = None) -> None:
    console.print(Text(text, style=style or ""), soft_wrap=True)


def _source(source: str) -> str:
    """A file path shown as its name (the full path is in ``lists editions``); other text unchanged."""
    return Path(source).name if source.startswith(("/", "\\")) or ":\\" in source[:3] else source


def _when(dt: datetime | None) -> str:
    return dt.strftime("%Y-%m-%d %H:%M") if dt else ""


def _list_table(title: str, edition: str, count: str) -> Table:
    """The overview's table shape, shared by watchlists and reference tables."""
    table = Table(title=title, title_justify="left")
    table.add_column("list", no_wrap=True, style="bold")
    table.add_column("title", overflow="fold")
    table.add_column(edition, overflow="fold")
    table.add_column(count, justify="right")
    table.add_column("source", overflow="fold")
    table.add_column("coverage", overflow="fold")
    return table


@lists_app.callback()
def overview(ctx: typer.Context) -> None:
    """Show every list: watchlists (current edition, entities, source, coverage) and reference tables."""
    if ctx.invoked_subcommand is not None:
        return
    summaries = ed.watchlists(store())

    table = _list_table("Watchlists (names are matched against these)", "current edition", "entities")
    partial_uflpa = False
    for w in summaries:
        coverage = w.edition.coverage
        if w.name == "uflpa" and not w.edition.user_imported:
            partial_uflpa = True
            coverage = "PARTIAL: 75 of 144 entities (see below)"
        table.add_row(Text(w.name), Text(w.title), Text(w.edition.label), str(w.edition.entities),
                      Text(_source(w.edition.source)), Text(coverage))
    console.print(table)

    ref = _list_table("Reference tables (shipped with laborlens)", "edition", "rows")
    for info in CATALOG.values():
        if info.kind == "reference":
            ref.add_row(Text(info.name), Text(info.title), Text(info.edition), str(len(info.rows())),
                        Text(info.source), Text(info.coverage))
    console.print(ref)

    if partial_uflpa:
        _say(f"WARNING uflpa: the bundled UFLPA Entity List is {UFLPA_GAP}", style="yellow")
        _say("To screen against the official list, save the DHS UFLPA Entity List page as HTML and run:")
        _say("  laborlens lists import dhs_uflpa.html --list uflpa")
        _say("or download OpenSanctions' us_dhs_uflpa dataset (FollowTheMoney JSON lines) and run:")
        _say("  laborlens lists import entities.ftm.json --list uflpa")


@lists_app.command("import")
def import_(
    file: Path = typer.Argument(..., help="CSV, CBP WRO CSV, FtM JSON lines or the DHS page (HTML)."),
    list_name: str = typer.Option(..., "--list", "-l", help="Watchlist to add an edition to (a-z, 0-9, _)."),
    fmt: Format = typer.Option(Format.auto, "--format", "-f", help="File format; auto detects it."),
    label: str | None = typer.Option(None, "--label", help="Label for the edition (default: file name)."),
    as_user: str = AsUser,
) -> None:
    """Record FILE as a new edition of a watchlist (a new list is created), keeping entity ids stable."""
    report = lists_service.import_list(context(as_user), file, list_name, fmt.value, label)
    if report.unchanged:
        _say(f"{list_name}: {file} is identical to the current edition {report.edition.label}; "
             "nothing recorded.")
        return
    prev = report.previous.label if report.previous else "none (new list)"
    _say(f"{list_name}: recorded edition {report.edition.label} with {report.edition.entities} entries "
         f"(previous: {prev})", style="bold")
    _say(f"added {len(report.added)}, removed {len(report.removed)}, renamed {len(report.renamed)}, "
         f"updated {len(report.updated)}")
    for title, rows, mark in (("added", report.added, "+"), ("removed", report.removed, "-")):
        if rows:
            _say(f"{title}:")
            for eid, name in rows[:SHOWN]:
                _say(f"  {mark} {eid}  {name}")
            if len(rows) > SHOWN:
                _say(f"  ... and {len(rows) - SHOWN} more")
    if report.renamed:
        _say("renamed:")
        for eid, old, new in report.renamed[:SHOWN]:
            _say(f"  ~ {eid}  {old}  ->  {new}")
        if len(report.renamed) > SHOWN:
            _say(f"  ... and {len(report.renamed) - SHOWN} more")
    if report.previous and len(report.removed) * 2 > report.previous.entities:
        _say(f"note: this edition drops {len(report.removed)} of the {report.previous.entities} entries of "
             f"the previous one. If {file.name} is only an excerpt, undo with "
             f"`laborlens lists rollback {list_name}`.", style="yellow")
    kept = ", ".join(f"{rule.replace('_', ' ')} {n}" for rule, n in sorted(report.id_rules.items()))
    _say(f"ids kept by: {kept}  (new = next number; see `laborlens lists editions {list_name}`)")


@lists_app.command("editions")
def editions(name: str = typer.Argument(..., help="Watchlist name.")) -> None:
    """Show the edition history of a watchlist (current, superseded and rolled-back editions)."""
    if name in CATALOG and CATALOG[name].kind == "reference":
        info = CATALOG[name]
        _say(f"{name} is a reference table shipped with laborlens: edition {info.edition}; {info.coverage}. "
             "It is not versioned in the store.")
        return
    history = ed.edition_history(store(), name)
    table = Table(title=f"Editions of {name}", title_justify="left")
    for col in ("#", "label", "status", "format", "entries"):
        table.add_column(col, no_wrap=col != "label")
    for e in history:
        status = "current" if e.current else (f"rolled back {_when(e.retired_at)}" if e.retired_at
                                              else "superseded")
        table.add_row(str(e.seq), Text(e.label), status, e.fmt, str(e.entities))
    console.print(table)
    for e in history:
        _say(f"#{e.seq} imported {_when(e.imported_at)} UTC, sha256 {e.sha256[:12]}, source: {e.source}")


@lists_app.command("rollback")
def rollback(name: str = typer.Argument(..., help="Watchlist name."), as_user: str = AsUser) -> None:
    """Retire the current edition of a watchlist; the one before it becomes current again (admins)."""
    r = lists_service.rollback(context(as_user), name)
    _say(f"{name}: rolled back {r.retired.label}; current edition is now {r.current.label} "
         f"({r.current.entities} entries)")


@lists_app.command("show")
def show(
    name: str = typer.Argument(..., help="Watchlist or reference table name."),
    limit: int = typer.Option(20, "--limit", "-n", min=0, help="Rows to show (0 = all)."),
) -> None:
    """Show the entries of a watchlist's current edition (or the rows of a reference table)."""
    if name in CATALOG and CATALOG[name].kind == "reference":
        _show_reference(name, limit)
        return
    entries = ed.current_entries(store(), [name])
    shown = entries if limit == 0 else entries[:limit]
    table = Table(title=f"{name}: {entries[0].edition}", title_justify="left")
    for col in ("id", "name", "aliases", "country", "kind"):
        table.add_column(col, no_wrap=col == "id")
    for e in shown:
        table.add_row(e.entity_id, Text(e.name), Text("; ".join(e.aliases)), Text(e.country), e.kind)
    console.print(table)
    _say(f"showing {len(shown)} of {len(entries)} entries")


def _show_reference(name: str, limit: int) -> None:
    rows = CATALOG[name].rows()
    shown = rows if limit == 0 else rows[:limit]
    table = Table(title=f"{name} ({CATALOG[name].edition})", title_justify="left")
    for col in rows[0].keys() if rows else ():
        table.add_column(col)
    for r in shown:
        table.add_row(*(Text(v or "") for v in r.values()))
    console.print(table)
    _say(f"showing {len(shown)} of {len(rows)} rows")
