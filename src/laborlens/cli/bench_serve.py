"""``laborlens bench serve``: the bounded loopback load test (laborlens.bench.serve), printed as tables."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from laborlens.cli.matching import bench_app
from laborlens.errors import LaborlensError

_WIDE = Console(width=200)  # benchmark tables are read in logs: never wrap them


class BenchFailed(LaborlensError):
    exit_code = 1


@bench_app.command("serve")
def bench_serve(
    requests: Annotated[int, typer.Option(min=1, help="single-name screening requests")] = 3000,
    mixed: Annotated[int, typer.Option(min=1, help="requests of the mixed load per backend")] = 2000,
    duration: Annotated[float, typer.Option(min=1, help="seconds at most per load")] = 60.0,
    concurrency: Annotated[int, typer.Option(min=1, max=256, help="requests in flight")] = 8,
    write_every: Annotated[int, typer.Option(min=1, help="one write (a decision) in N requests")] = 5,
    postgres: Annotated[bool, typer.Option(help="also load PostgreSQL 127.0.0.1:5432/test")] = True,
    json_out: Annotated[Path | None, typer.Option("--json", help="also write figures as JSON")] = None,
) -> None:
    """Start the server on 127.0.0.1 and load it: requests/s and p50/p95/p99 latency, then check that every
    acknowledged write is stored and audited and that the audit chain verifies."""
    from laborlens.bench.serve import run

    report = run(requests, mixed, duration, concurrency, write_every, postgres,
                 progress=lambda m: _WIDE.print(f"[dim]{m}[/dim]"))
    la = ", ".join(f"{x:.2f}" for x in report.load_average)
    t = Table(title=f"bench serve: loopback, concurrency {concurrency}, {report.cores} cores "
                    f"(load average {la} at the start)", title_justify="left")
    rows = [x.row() for x in report.loads]
    for col in rows[0]:
        t.add_column(col, justify="left" if col == "load" else "right")
    for r in rows:
        t.add_row(*(str(v) for v in r.values()))
    _WIDE.print(t)
    t = Table(title="after the mixed load: acknowledged writes in the store", title_justify="left")
    for col in ("backend", "acknowledged", "found", "lost", "audited", "audit chain"):
        t.add_column(col)
    for i in report.integrity:
        t.add_row(i.backend, str(i.acknowledged), str(i.found), str(i.lost), str(i.audited), i.chain_detail)
    _WIDE.print(t)
    for s in report.skipped:
        _WIDE.print(f"[yellow]skipped {s}[/yellow]")
    if json_out:
        json_out.write_text(json.dumps(report.to_dict(), indent=2))
    if not all(i.ok for i in report.integrity):
        raise BenchFailed("writes were lost or the audit chain does not verify (see the table above)")
