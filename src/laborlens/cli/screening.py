"""``laborlens screen`` and ``bench screen``: thin wrappers over laborlens.screen and laborlens.trace."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from laborlens.cli.app import app, console, settings
from laborlens.cli.matching import bench_app
from laborlens.errors import InputError

_WIDE = Console(width=200)  # benchmark tables are read in logs: never wrap them


def run_screen(data_dir: Path, out: Path, pdf: bool, bom: Path | None = None, engine=None,
               name: str | None = None, record_dir: Path | None = None) -> dict:
    """Screen and print the counts; with ``name`` (even "") the run is also recorded in the store, so the
    web UI, the review queue and `laborlens runs diff` see it (``summary["run_id"]``). ``record_dir`` is the
    input folder to record (the caller's, when ``data_dir`` is a converted copy)."""
    from laborlens.screen import screen_dir

    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console,
                  transient=True) as prog:
        task = prog.add_task("screening", total=1.0)
        summary = screen_dir(data_dir, out, settings(), pdf=pdf, bom=bom, engine=engine,
                             progress=lambda f, msg: prog.update(task, completed=f, description=msg))
    t = Table(title=f"Screened {summary['shipments']} shipments ({summary['parties']} parties, "
                    f"{summary['links']} links)")
    for col in ("verdict", "shipments"):
        t.add_column(col)
    t.add_row("[red]presumption[/red]", str(summary["presumption"]))
    t.add_row("[yellow]review[/yellow]", str(summary["review"]))
    t.add_row("[green]clear[/green]", str(summary["clear"]))
    _WIDE.print(t)
    if "with_indicators" in summary:
        console.print(f"{summary['with_indicators']} shipments carry risk indicators (sector, ILAB, WRO scope) "
                      f"that make tracing to origin necessary; {summary['traced_to_origin']} are traced to "
                      f"origin (see the traced_to_origin and untraced_parties columns)", highlight=False)
    console.print(f"verdicts: {out / 'verdicts.csv'}\nfindings: {out / 'findings.jsonl'}\n"
                  f"evidence pack: {out / 'report.html'}" + (f" and {out / 'report.pdf'}" if pdf else ""))
    if pdf and (out / "report.html").exists():
        from laborlens.report.render import cjk_font_missing, has_cjk

        if has_cjk((out / "report.html").read_text(encoding="utf-8")) and (warning := cjk_font_missing()):
            console.print(f"[yellow]warning:[/yellow] report.pdf has Chinese text but {warning}",
                          highlight=False, soft_wrap=True)
    if name is not None:
        from laborlens.cli.review import cli_context
        from laborlens.service.review import record_run

        recorded = str((record_dir or data_dir).resolve())
        summary["run_id"] = record_run(cli_context(), recorded, str(out.resolve()), summary, name)
        console.print(f"recorded as run {summary['run_id']}" + (f" ({name})" if name else "")
                      + ": see `laborlens runs list` and the web UI", highlight=False)
    return summary


@app.command()
def screen(
    data_dir: Annotated[Path, typer.Argument(help="folder with parties, links and shipments (.csv/.xlsx/.json)")],
    out: Annotated[Path, typer.Option("-o", "--out", help="output folder")],
    pdf: Annotated[bool, typer.Option(help="also render report.pdf (WeasyPrint)")] = False,
    bom: Annotated[Path | None, typer.Option(help="bom.csv (output,input[,ratio]) extending the input map")] = None,
    name: Annotated[str | None, typer.Option(help="record the run in the store under this name (web UI, "
                                                     "review queue, `runs diff`)")] = None,
    engine: Annotated[str, typer.Option(help="local, duckdb or spark (see README: Spark and DuckDB)")] = "local",
    spark_master: Annotated[str | None, typer.Option(help="Spark master URL (default local[*])")] = None,
) -> None:
    """Screen shipments: list matches, XUAR locations, sectors, ILAB, WRO scopes, traced through every tier."""
    from laborlens.engines import get_engine
    from laborlens.engines.tables import parquet_inputs, write_parquet_outputs

    if not data_dir.is_dir():
        raise InputError("not a folder", file=str(data_dir))
    eng = get_engine(engine, spark_master=spark_master)
    try:
        if engine == "duckdb":  # DuckDB reads Parquet (and CSV) itself, streaming
            run_screen(data_dir, out, pdf, bom, engine=eng, name=name, record_dir=data_dir)
        else:
            with parquet_inputs(data_dir) as readable:
                run_screen(readable, out, pdf, bom, engine=None if engine == "local" else eng, name=name,
                           record_dir=data_dir)
        write_parquet_outputs(out, data_dir)
    finally:
        eng.close()


@bench_app.command("screen")
def bench_screen(
    sizes: Annotated[str, typer.Option(help="comma-separated link counts")] = "10000,100000,1000000",
) -> None:
    """Whole screening pipeline on generated data: time, peak memory and growth against the smallest size."""
    from laborlens.screen.bench import run

    ns = tuple(int(x) for x in sizes.split(","))
    with console.status("screening generated supply chains…"):
        rows = run(ns, progress=lambda r: console.print(f"  {r['links']:,} links: {r['seconds']:.1f} s"))
    t = Table(title="Screening by size (matching, XUAR, indicators, mass balance, tracing)")
    for col in ("links", "parties", "shipments", "seconds", "µs/link", "peak RSS MiB", "x links", "x time",
                "presumption", "review", "clear"):
        t.add_column(col)
    base = rows[0]
    for r in rows:
        t.add_row(f"{r['links']:,}", f"{r['parties']:,}", f"{r['shipments']:,}", f"{r['seconds']:.2f}",
                  f"{r['us_per_link']:.1f}", f"{r['peak_rss_mib']:.0f}", f"{r['links'] / base['links']:.0f}",
                  f"{r['seconds'] / base['seconds']:.1f}", str(r["presumption"]), str(r["review"]),
                  str(r["clear"]))
    _WIDE.print(t)
