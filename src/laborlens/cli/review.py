"""``laborlens runs`` (list, name, diff) and ``laborlens review queue``: thin wrappers over
:mod:`laborlens.review` and the use cases in :mod:`laborlens.service.review`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from laborlens.accounts import Principal
from laborlens.cli.app import app, console, settings, store
from laborlens.cli.auth import AsUser, context
from laborlens.service import Context

runs_app = typer.Typer(help="Screening runs in the store: list, name, and what changed between two.",
                       no_args_is_help=True)
review_app = typer.Typer(help="The review queue: list matches awaiting an analyst's decision.",
                         no_args_is_help=True)
app.add_typer(runs_app, name="runs")
app.add_typer(review_app, name="review")
_WIDE = Console(width=200)


def empty_store_hint(what: str) -> str:
    """Which store was read, and how to put data in it (a new user's first command often finds nothing)."""
    st = settings()
    db = st.db_url if st.db else f"{st.home / 'laborlens.db'}"
    return (f"{what} in the store of LABORLENS_HOME={st.home} (database {db}).\n"
            "To load data: `laborlens demo` (a generated supply chain, screened and recorded as a run), "
            "`laborlens load DIR` (your parties, links and shipments), then `laborlens screen DIR -o OUT "
            "--name NAME`; or upload files in the web UI (`laborlens serve`). Another store? Set "
            "LABORLENS_HOME (or LABORLENS_DB) and run the command again.")


@app.command()
def status() -> None:
    """What the store holds: which LABORLENS_HOME was read, parties, shipments, list editions and runs."""
    from sqlalchemy import func, select

    from laborlens.store.models import Job, ListEdition, Party, Shipment

    st = settings()
    with store().session() as s:
        counts = {name: s.scalar(select(func.count()).select_from(model)) or 0
                  for name, model in (("parties", Party), ("shipments", Shipment),
                                      ("list editions", ListEdition), ("runs", Job))}
    console.print(f"LABORLENS_HOME={st.home}", highlight=False, soft_wrap=True)
    console.print(", ".join(f"{n} {k}" for k, n in counts.items()), highlight=False, soft_wrap=True)
    if not counts["parties"] and not counts["runs"]:
        console.print(empty_store_hint("Nothing loaded yet"), highlight=False, soft_wrap=True)


def cli_context() -> Context:
    """The store's operator, for recording a run that `laborlens screen`/`demo` just wrote (like `load`, it
    writes what the operator brought; decisions and names are made by named users, `--as`)."""
    return Context(settings(), store(), Principal(0, "cli", "admin", "cli"))


@runs_app.command("list")
def runs_list(limit: Annotated[int, typer.Option(help="newest N runs")] = 50) -> None:
    """Runs newest first, with their names and verdict counts."""
    from laborlens.review import list_runs

    st = store()
    rows = list_runs(st, limit)
    if not rows:
        console.print(empty_store_hint("no screening runs yet"), highlight=False, soft_wrap=True)
        return
    t = Table(title=f"{len(rows)} runs")
    for c in ("id", "name", "created", "by", "status", "presumption", "review", "clear"):
        t.add_column(c)
    for r in rows:
        t.add_row(r.id, r.name, f"{r.created_at:%Y-%m-%d %H:%M}", r.actor, r.status,
                  *(str(r.summary.get(k, "")) for k in ("presumption", "review", "clear")))
    _WIDE.print(t)


@runs_app.command("name")
def runs_name(run_id: str, name: Annotated[str, typer.Argument(help='the name ("" removes it)')],
              as_user: str | None = AsUser) -> None:
    """Name a run, so `runs diff` and the web UI can find it by name (as an analyst: --as USER)."""
    from laborlens.service.review import name_run

    console.print(f"run {run_id}: {name_run(context(as_user), run_id, name) or '(name removed)'}")


def _load(ref: str):
    from laborlens.errors import NotFound
    from laborlens.review import list_runs, load_result_file, load_run_result

    p = Path(ref)
    if p.exists():
        return load_result_file(p)
    st = store()
    try:
        return load_run_result(st, ref)
    except NotFound as exc:
        if not list_runs(st, 1):  # an empty store: say which one was read and how to fill it
            raise NotFound(f"{exc}\n" + empty_store_hint("There are no runs at all")) from None
        raise


@runs_app.command("diff")
def runs_diff(
    a: Annotated[str, typer.Argument(help="run id, run name, or an output folder with result.json")],
    b: Annotated[str, typer.Argument(help="the later run (same forms)")],
    as_json: Annotated[bool, typer.Option("--json", help="print the diff as JSON")] = False,
) -> None:
    """What changed from run A to run B: new presumptions, cleared, changed verdicts and reasons, and why."""
    from laborlens.review import diff_results

    (ra, res_a), (rb, res_b) = _load(a), _load(b)
    d = diff_results(res_a, res_b, ra.label, rb.label)
    if as_json:
        typer.echo(json.dumps(d.to_dict(), ensure_ascii=False, indent=1))
        return
    console.print(f"A: {d.a}  {d.counts_a}\nB: {d.b}  {d.counts_b}", highlight=False, soft_wrap=True)
    if d.lists_changed:
        console.print(f"list editions differ: {', '.join(d.lists_changed)}", highlight=False, soft_wrap=True)
    kinds = ", ".join(f"{n} {k}" for k, n in d.by_kind().items() if n)
    console.print(f"{len(d.changes)} shipments changed ({kinds or 'none'}); {d.unchanged} unchanged",
                  highlight=False, soft_wrap=True)
    if not d.changes:
        return
    t = Table()
    for col in ("shipment", "change", "before", "after", "why", "explanation"):
        t.add_column(col, overflow="fold")
    for c in d.changes:
        t.add_row(c.shipment_id, c.kind, c.before, c.after, ", ".join(c.why), " | ".join(c.explanation))
    _WIDE.print(t)


@review_app.command("queue")
def review_queue_cmd(
    rule: Annotated[str, typer.Option(help="list_match, presumption or review")] = "",
    list_name: Annotated[str, typer.Option("--list", help="list name, e.g. uflpa")] = "",
    sector: Annotated[str, typer.Option(help="UFLPA priority sector of the shipments")] = "",
    importer: Annotated[str, typer.Option(help="importer id or name (part of it)")] = "",
    assignee: Annotated[str, typer.Option(help='username, or "-" for unassigned')] = "",
    limit: Annotated[int, typer.Option(help="rows to print")] = 50,
) -> None:
    """List matches awaiting a decision across every run, newest evidence first."""
    from laborlens.review import QueueFilter, list_runs, review_queue

    st = store()
    if not list_runs(st, 1, done_only=True):
        console.print(empty_store_hint("No finished screening runs"), highlight=False, soft_wrap=True)
        return
    items = review_queue(st, QueueFilter(rule, list_name, sector, importer, assignee))
    console.print(f"{len(items)} matches await a decision", highlight=False, soft_wrap=True)
    t = Table()
    for c in ("party", "name", "entity", "list", "severity", "score", "run", "assignee", "importers"):
        t.add_column(c, overflow="fold")
    for it in items[:limit]:
        t.add_row(it.party_id, it.party_name, f"{it.entity_id} {it.entity_name}", it.list_name, it.severity,
                  f"{it.score:.2f}", it.run.label, it.assignee, ", ".join(it.importers[:3]))
    _WIDE.print(t)
