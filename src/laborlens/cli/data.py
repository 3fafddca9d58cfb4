"""``laborlens load`` and ``laborlens demo``: thin wrappers over :mod:`laborlens.ingest` and
:mod:`laborlens.demo`. Bad input surfaces as InputError, which the shared app turns into exit code 2."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from laborlens.cli.app import app, console
from laborlens.cli.app import store as open_env_store
from laborlens.ingest import LoadReport, load_dir
from laborlens.store import Store


def _report_table(report: LoadReport) -> Table:
    t = Table(title=f"Loaded {report.source}")
    for col in ("table", "file", "rows read", "added", "updated", "unchanged"):
        t.add_column(col, justify="right" if col not in ("table", "file") else "left")
    for name, c in report.tables.items():
        t.add_row(name, Path(c.file).name, str(c.read), str(c.added), str(c.updated), str(c.unchanged))
    return t


def _print_report(report: LoadReport) -> None:
    for w in report.warnings:
        console.print(f"[yellow]warning:[/yellow] {w}", highlight=False, soft_wrap=True)
    console.print(_report_table(report))
    if not report.changed:
        console.print("Nothing changed: these rows were already in the store.")


@app.command()
def load(directory: Path = typer.Argument(..., metavar="DIR", help="Folder holding parties, links and shipments "
                                                    "(.csv, .xlsx or .json).")) -> None:
    """Validate and load parties, links and shipments into the store, all or nothing."""
    _print_report(load_dir(open_env_store(), directory))


def _after_load(store: Store, data_dir: Path, out_dir: Path, pdf: bool = True) -> None:
    """After the demo is loaded: screen it and write verdicts and the evidence pack under OUT/screening."""
    from laborlens.cli.screening import run_screen
    from laborlens.demo.grievances import load_demo_grievances
    from laborlens.report.render import pdf_support

    if pdf and pdf_support():
        from rich.markup import escape

        console.print(f"[yellow]no report.pdf:[/yellow] {escape(pdf_support())}", highlight=False, soft_wrap=True)
        pdf = False
    load_demo_grievances(store)  # before screening: one grievance is about a tainted supplier
    summary = run_screen(data_dir, out_dir / "screening", pdf=pdf, name="demo")
    from laborlens.cases import demo_case_work

    loaded = demo_case_work(store)
    console.print(f"case work: {loaded['rrm_cases_added']} real RRM cases loaded "
                  f"({loaded['rrm_cases_present']} already present): see `laborlens cases rrm board`")
    _how_to_open(store, summary.get("run_id", ""))


def _how_to_open(store: Store, run_id: str) -> None:
    """The demo's run is in the store: say how to see it in the web UI (there are no default users)."""
    import os

    from sqlalchemy import func, select

    from laborlens.store.models import User

    with store.session() as s:
        users = s.scalar(select(func.count()).select_from(User)) or 0
    home = os.environ.get("LABORLENS_HOME", "")
    env = f"LABORLENS_HOME={home} " if home else ""
    # an analyst signs in with a password alone (admins also need two-factor: `laborlens users totp NAME`)
    steps = [] if users else [f"{env}laborlens users add ada --role analyst   # first user; asks a password"]
    steps += [f"{env}laborlens serve",
              f"open http://127.0.0.1:8000/jobs/{run_id}   (the demo run; the review queue is at /review)"]
    console.print("To see it in the web UI:\n  " + "\n  ".join(steps), highlight=False, soft_wrap=True)


def _demo_summary(truth, data_dir: Path) -> Table:
    by_sector = Counter(p["sector"] or "importer" for p in truth.parties.values())
    by_country = Counter(p["country"] for p in truth.parties.values())
    by_tier = Counter(p["tier"] for p in truth.parties.values() if p["tier"] is not None)
    t = Table(title=f"Demo supply chain (seed {truth.seed}, scale {truth.scale})", show_header=False)
    t.add_column("what", style="bold")
    t.add_column("count")
    t.add_row("parties", str(truth.counts["parties"]))
    t.add_row("  by sector", ", ".join(f"{k} {v}" for k, v in sorted(by_sector.items())))
    t.add_row("  by country", ", ".join(f"{k} {v}" for k, v in by_country.most_common()))
    t.add_row("  by tier", ", ".join(f"{k}: {v}" for k, v in sorted(by_tier.items())))
    t.add_row("links", str(truth.counts["links"]))
    t.add_row("shipments", f"{truth.counts['shipments']} ({truth.counts['tainted_shipments']} with a planted "
                           "taint source upstream)")
    t.add_row("planted", f"{truth.counts['taint_sources']} taint sources, {truth.counts['decoys']} decoys, "
                         f"{truth.counts['anomalies']} mass-balance anomalies, "
                         f"{truth.counts.get('untraced_parties', 0)} parties that give no suppliers")
    t.add_row("files", str(data_dir))
    return t


@app.command()
def demo(
    out: Path = typer.Option(Path("demo-out"), "--out", help="Output folder; the data goes into OUT/data."),
    seed: int = typer.Option(7, "--seed", help="Random seed: same seed, same files."),
    scale: int = typer.Option(1, "--scale", min=1, help="Multiply the number of suppliers (benchmarks)."),
    pdf: bool = typer.Option(True, "--pdf/--no-pdf", help="Also render the evidence pack as PDF."),
) -> None:
    """Generate a realistic demo supply chain, load it into the store and screen it."""
    from laborlens.demo import generate_demo

    data_dir = out / "data"
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console,
                  transient=True) as progress:
        task = progress.add_task("generating demo supply chain", total=3)
        truth = generate_demo(data_dir, seed=seed, scale=scale)
        progress.update(task, advance=1, description="opening store")
        st = open_env_store()
        progress.update(task, advance=1, description="loading into store")
        report = load_dir(st, data_dir)
        progress.update(task, advance=1)
    console.print(_demo_summary(truth, data_dir))
    _print_report(report)
    console.print(f"Files: {data_dir}/parties.csv, links.csv, shipments.csv; ground truth in "
                  f"{data_dir / 'truth.json'}", highlight=False)
    _after_load(st, data_dir, out, pdf)
