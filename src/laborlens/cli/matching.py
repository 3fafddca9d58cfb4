"""``laborlens match``, ``compare``, ``calibrate`` and ``bench match``: thin wrappers over laborlens.match."""

from __future__ import annotations

import csv
import json
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from laborlens import csvout
from laborlens.cli.app import app, console, store
from laborlens.errors import InputError

_WIDE = Console(width=200)  # benchmark tables are read in logs: never wrap them

bench_app = typer.Typer(help="Benchmarks that print figures beside a baseline run in the same process.",
                        no_args_is_help=True)
app.add_typer(bench_app, name="bench")

DEV_SET = Path(__file__).resolve().parents[4] / "shared" / "eval" / "uflpa_dev_queries.csv"


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                    console=console, transient=True)


@app.command()
def match(
    queries: Annotated[Path, typer.Argument(help="CSV with columns id,name and optional country,address")],
    out: Annotated[Path, typer.Option("-o", "--out", help="output CSV")],
    list_: Annotated[list[str] | None, typer.Option("--list", help="watchlist(s) to screen against")] = None,
    engine: Annotated[str, typer.Option(help="local | duckdb | spark")] = "local",
    workers: Annotated[int, typer.Option(help="processes (0 = all cores)")] = 0,
) -> None:
    """Screen every name in QUERIES against the watchlists; one row per query id in OUT."""
    from laborlens.match.engine import count_rows, match_file
    from laborlens.match.service import matcher_for_store

    if not queries.exists():
        raise InputError("file not found", file=str(queries))
    from laborlens.cli.app import settings

    from laborlens.ingest.limits import Limits
    from laborlens.ingest.textio import read_csv_file

    read_csv_file(queries, Limits.from_settings(settings()), ("id", "name"))  # strict check before any output
    matcher = matcher_for_store(store(), list_)
    workers = workers or settings().workers
    total = count_rows(queries)
    with _progress() as prog:
        task = prog.add_task("matching", total=total)
        counts = match_file(matcher, queries, out, engine, workers, progress=lambda n: prog.advance(task, n))
    console.print(f"{sum(counts.values())} names screened against {len(matcher.entries)} listed entries: "
                  f"[red]{counts['match']} match[/red], [yellow]{counts['review']} review[/yellow], "
                  f"{counts['clear']} clear → {out}")


@app.command()
def compare(
    name1: Annotated[str | None, typer.Argument(help="first name")] = None,
    name2: Annotated[str | None, typer.Argument(help="second name")] = None,
    pairs: Annotated[Path | None, typer.Option(help="CSV with name1,name2 (extra columns kept)")] = None,
    out: Annotated[Path | None, typer.Option("-o", "--out", help="output CSV for --pairs")] = None,
) -> None:
    """Score two names, or every pair in a CSV (adds score and is_match at the calibrated threshold)."""
    from laborlens.match import compare_names

    if pairs is None:
        if not (name1 and name2):
            raise InputError("give two names, or --pairs PAIRS.csv -o OUT.csv")
        r = compare_names(name1, name2)
        console.print(f"score {r.score:.3f}  is_match {str(r.decision == 'match').lower()}  ({r.decision})")
        console.print(r.explanation(), highlight=False)
        return
    if out is None:
        raise InputError("--pairs needs -o OUT.csv")
    with pairs.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        fields = list(reader.fieldnames or [])
        for need in ("name1", "name2"):
            if need not in fields:
                raise InputError(f"missing required column '{need}'", file=str(pairs), row=1, column=need)
        rows = list(reader)
    tmp = out.with_name(out.name + ".partial")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        w = csvout.DictWriter(fh, fieldnames=[*fields, "score", "is_match"], numeric=("score",))
        w.writeheader()
        for n, row in enumerate(rows, start=2):
            if not (row["name1"] or "").strip() or not (row["name2"] or "").strip():
                tmp.unlink()
                raise InputError("empty name", file=str(pairs), row=n,
                                 column="name1" if not (row["name1"] or "").strip() else "name2")
            r = compare_names(row["name1"], row["name2"])
            w.writerow({**row, "score": f"{r.score:.4f}", "is_match": str(r.decision == "match").lower()})
    tmp.replace(out)
    console.print(f"{len(rows)} pairs scored → {out}")


@app.command()
def calibrate(
    labelled: Annotated[Path, typer.Argument(help="CSV with name,expected[,country,kind]")],
    save: Annotated[bool, typer.Option(help="write the thresholds used by every later run")] = False,
) -> None:
    """Choose match/review thresholds on labelled data (expected = list id, empty for non-listed names)."""
    from laborlens.match import calibrate as cal
    from laborlens.match.service import matcher_for_store

    st = store()
    m = matcher_for_store(st)
    th, rep = cal.calibrate(m, cal.read_labelled(labelled))
    console.print(f"match ≥ {th.match}, review ≥ {th.review}: precision {rep['precision']:.3f}, "
                  f"recall {rep['recall']:.3f}, F1 {rep['f1']:.3f}")
    if save:
        from laborlens import audit

        target = st.settings.home / "calibration.json"  # this installation's, not the shipped default
        cal.save(th, rep, target)
        with st.session() as s:
            audit.record(s, "cli", "thresholds.calibrate", str(labelled.name),
                         {"match": th.match, "review": th.review, "f1": round(rep["f1"], 4)})
        console.print(f"saved to {target} (used by every later run in this LABORLENS_HOME)")


@bench_app.command("match")
def bench_match(
    labelled: Annotated[Path, typer.Option(help="labelled queries")] = DEV_SET,
    names: Annotated[int, typer.Option(help="size of the generated name file")] = 200_000,
    workers: Annotated[int, typer.Option(help="processes (0 = all cores)")] = 0,
    json_out: Annotated[Path | None, typer.Option("--json", help="also write figures as JSON")] = None,
) -> None:
    """Precision/recall/F1 (overall and per kind) and throughput/peak memory, beside brute-force WRatio."""
    from laborlens.match import bench
    from laborlens.match.calibrate import read_labelled
    from laborlens.match.service import matcher_for_store

    st = store()
    m = matcher_for_store(st, ["uflpa"])
    figures: dict = {}
    from laborlens.match.phenomena import phenomena_set

    sets = [("phenomena generated from every listed name (all 75 entities)", phenomena_set(m.entries))]
    if labelled.exists():
        sets.insert(0, (labelled.name, read_labelled(labelled)))
    else:
        console.print(f"[yellow]labelled set {labelled} not found: only the generated phenomena set[/yellow]")
    for title, rows in sets:
        q = bench.quality(m, rows, m.entries)
        figures.setdefault("quality", {})[title] = q
        t = Table(title=f"Quality on {title} (match ≥ {m.thresholds.match})")
        for col in ("kind", "laborlens", "baseline WRatio≥90"):
            t.add_column(col)
        for k in q["laborlens"]["per_kind"]:
            t.add_row(k, f"{q['laborlens']['per_kind'][k]['rate']:.3f}",
                      f"{q['baseline_wratio_90']['per_kind'][k]['rate']:.3f}")
        for key in ("precision", "recall", "f1"):
            t.add_row(f"[b]{key}[/b]", f"{q['laborlens'][key]:.3f}", f"{q['baseline_wratio_90'][key]:.3f}")
        _WIDE.print(t)
    with tempfile.TemporaryDirectory() as d, _progress() as prog:
        task = prog.add_task(f"matching {names} names", total=names)
        tp = bench.throughput(m, list(m.entries), names, Path(d), workers,
                              progress=lambda n: prog.advance(task, n))
    figures["throughput"] = tp
    t = Table(title=f"Throughput on {names:,} generated names")
    for col in ("engine", "seconds", "names/s", "peak RSS MiB"):
        t.add_column(col)
    t.add_row("laborlens (local, all cores)", f"{tp['laborlens_seconds']:.1f}", f"{tp['laborlens_qps']:,.0f}",
              f"{tp['peak_rss_mib_main']:.0f} main / {tp['peak_rss_mib_workers']:.0f} per worker")
    t.add_row("baseline WRatio cdist", f"{tp['baseline_seconds']:.1f}", f"{tp['baseline_qps']:,.0f}",
              f"{tp['peak_rss_mib_after_baseline']:.0f}")
    _WIDE.print(t)
    console.print(f"speed ratio laborlens / baseline: {tp['speed_ratio']:.2f}x")
    if json_out:
        json_out.write_text(json.dumps(figures, indent=2, default=str))
