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

from laborlens.cli.auth import AsUser, context  # noqa: E402
from laborlens.cli.lists import SHOWN, lists_app  # noqa: E402


@lists_app.command("update")
def lists_update(
    name: str = typer.Argument(..., help="uflpa (DHS Entity List page), wro (CBP CSV) or ilab (ILAB list)."),
    url: str | None = typer.Option(None, "--url", help="Download from here instead of the agency's address "
                                   "(a landing page is searched for the data file's link)."),
    force: bool = typer.Option(False, "--force", help="Record a download that looks wrong (far fewer "
                               "entities than the current edition, too few tables)."),
    as_user: str = AsUser,
) -> None:
    """Download the official publication of a list, check it, and record it as a new edition with a diff
    (admins: acts as the authenticated ``--as`` user, like ``lists import``)."""
    from laborlens.refdata.update import update_list

    r = update_list(context(as_user), name, url, force)
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


# --- bench scale ---------------------------------------------------------------------------------------

from laborlens.cli.matching import bench_app  # noqa: E402


@bench_app.command("scale")
def bench_scale(
    max_names: int = typer.Option(5_000_000, "--max-names", help="Largest matching size (10k…5M)."),
    max_links: int = typer.Option(10_000_000, "--max-links", help="Largest screening size (100k, 1M, 10M)."),
    engines: str = typer.Option("local,duckdb,spark", "--engines", help="Comma-separated engines."),
    out: Path = typer.Option(Path("bench-scale"), "--out", "-o", help="Folder for scale.csv/.md/.png/.svg."),
    name_sizes: str | None = typer.Option(None, "--name-sizes", help="Override: comma-separated sizes."),
    link_sizes: str | None = typer.Option(None, "--link-sizes", help="Override: comma-separated sizes."),
    max_mib: int | None = typer.Option(None, "--max-mib", help="Stop a run whose process tree goes over this."),
    merge: bool = typer.Option(False, "--merge", help="Keep the other rows of an earlier scale.csv in --out."),
    timeout: float = typer.Option(4 * 3600, "--timeout", help="Seconds before one run is stopped."),
) -> None:
    """Matching and screening by size and engine: time and peak memory (whole process tree), table + plot."""
    from rich.console import Console
    from rich.table import Table

    from laborlens.engines import ENGINES
    from laborlens.engines.bench_scale import LINK_SIZES, NAME_SIZES, run

    chosen = [e.strip() for e in engines.split(",") if e.strip()]
    bad = [e for e in chosen if e not in ENGINES]
    if bad:
        raise InputError(f"unknown engine {bad[0]!r}; use {', '.join(ENGINES)}", column="--engines")

    def sizes(text: str | None, default: tuple[int, ...], opt: str) -> tuple[int, ...]:
        try:
            return tuple(int(x) for x in text.split(",")) if text else default
        except ValueError:
            raise InputError(f"{text!r} is not a comma-separated list of sizes", column=opt) from None

    def say(r: dict) -> None:
        sec = "failed" if r.get("seconds") is None else f"{r['seconds']:.1f} s"
        console.print(Text(f"  {r['task']} {r['engine']} {r['size']:,}: {sec}, {r['peak_mib']} MiB"))

    rows = run(max_names, max_links, chosen, out, say, sizes(name_sizes, NAME_SIZES, "--name-sizes"),
               sizes(link_sizes, LINK_SIZES, "--link-sizes"), max_mib=max_mib, merge=merge, timeout=timeout)
    t = Table(title="Scale: time and peak memory by engine")
    for col in ("task", "engine", "size", "seconds", "µs/item", "peak MiB", "x size", "x time"):
        t.add_column(col)
    for r in rows:
        first = next(x for x in rows if x["task"] == r["task"] and x["engine"] == r["engine"])
        sec, s0 = r.get("seconds"), first.get("seconds")
        t.add_row(r["task"], r["engine"], f"{r['size']:,}", "—" if sec is None else f"{sec:.1f}",
                  "—" if sec is None else f"{sec / r['size'] * 1e6:.1f}", str(r["peak_mib"]),
                  f"{r['size'] / first['size']:.0f}", "—" if not (sec and s0) else f"{sec / s0:.1f}")
    Console(width=200).print(t)
    console.print(Text(f"written: {out}/scale.csv, scale.md, scale.png, scale.svg"))
