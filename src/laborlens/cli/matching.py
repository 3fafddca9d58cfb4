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
        counts = match_file(matcher, queries, out, engine, workers, progress=lambda n: prog.advance(task, n))  # noqa: B023 (used at once)
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
    from laborlens.match.service import compare as compare_names
    from laborlens.match.service import thresholds_for

    th = thresholds_for(store().settings)
    if pairs is None:
        if not (name1 and name2):
            raise InputError("give two names, or --pairs PAIRS.csv -o OUT.csv")
        r = compare_names(name1, name2, th)
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
            r = compare_names(row["name1"], row["name2"], th)
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
        from laborlens.accounts import Principal
        from laborlens.service.context import Context

        # the local command line acts as the installation's operator
        ctx = Context(st.settings, st, Principal(0, "cli", "admin", "cli"))
        target = cal.save_thresholds(ctx, th, rep, labelled.name)
        console.print(f"saved to {target} (used by every later run in this LABORLENS_HOME)")


@bench_app.command("match")
def bench_match(
    labelled: Annotated[Path, typer.Option(help="regression set (never fitted on)")] = DEV_SET,
    names: Annotated[int, typer.Option(help="size of the generated manifest")] = 200_000,
    million: Annotated[int, typer.Option(help="size of the large run (0 to skip)")] = 1_000_000,
    synthetic: Annotated[int, typer.Option(help="generated listed entities beside the real ones")] = 225,
    unlisted: Annotated[int, typer.Option(help="unlisted Chinese company names")] = 6000,
    foreign: Annotated[int, typer.Option(help="unlisted company names in other languages")] = 2000,
    workers: Annotated[int, typer.Option(help="processes (0 = all cores)")] = 0,
    fit: Annotated[bool, typer.Option(help="write the model fitted on all folds to match/model.json")] = False,
    quality: Annotated[bool, typer.Option(help="run the held-out quality part")] = True,
    json_out: Annotated[Path | None, typer.Option("--json", help="also write figures as JSON")] = None,
) -> None:
    """Held-out quality per phenomenon (fitted scorer, previous scorer, brute-force WRatio) and speed."""
    from laborlens.match import bench
    from laborlens.match.bench_report import print_quality, print_speed, save_model

    st = store()
    entries = current_entries_for(st, ["uflpa"])
    from laborlens.match.service import build_matcher, chinese_names

    figures: dict = {}
    if quality:
        with console.status("building the labelled set and scoring it (several minutes)") as status:
            q = bench.quality(entries, chinese_names(entries), synthetic, unlisted, foreign,
                              progress=lambda s: status.update(s))
        print_quality(_WIDE, q)
        figures["quality"] = {k: v for k, v in q.items() if k not in ("dataset", "model")}
    if fit and quality:
        path = save_model(q)
        console.print(f"model fitted on all {q['rows']} rows written to {path}")
    m = build_matcher(entries)
    if labelled.exists():
        dev = bench.dev_regression(m, labelled)
        figures["dev_regression"] = dev
        _WIDE.print(f"regression on {labelled.name} (not fitted on): flagged P {dev['flagged']['precision']:.3f} "
                    f"R {dev['flagged']['recall']:.3f} F1 {dev['flagged']['f1']:.3f}; match-only P "
                    f"{dev['match']['precision']:.3f} R {dev['match']['recall']:.3f} F1 {dev['match']['f1']:.3f}")
    speed: dict = {}
    with tempfile.TemporaryDirectory() as d:
        grown = build_matcher(bench.grown_list(entries, 200))
        today = build_matcher(current_entries_for(st, None))
        for label, mm in (("200-entity list", grown), ("today's lists", today)):
            with _progress() as prog:
                task = prog.add_task(f"{label}: {names} names", total=names)
                speed[label] = bench.throughput(mm, bench.realistic_names(names, mm.entries), Path(d), workers,
                                                progress=lambda n: prog.advance(task, n))  # noqa: B023
            print_speed(_WIDE, {label: speed[label]})  # as it comes: long runs may be cut short
        if million:
            with _progress() as prog:
                task = prog.add_task(f"{million} names", total=million)
                speed["1M today's lists"] = bench.throughput(
                    today, bench.realistic_names(million, today.entries, distinct=200_000), Path(d), workers,
                    baseline=False, progress=lambda n: prog.advance(task, n))
            print_speed(_WIDE, {"1M today's lists": speed["1M today's lists"]})
        lat_names = bench.realistic_names(2300, today.entries, distinct=2300, seed=99)
        speed["latency"] = bench.latency(build_matcher(current_entries_for(st, None)), lat_names)
    figures["speed"] = speed
    print_speed(_WIDE, {"latency": speed["latency"]})
    if json_out:
        json_out.write_text(json.dumps(figures, indent=2, default=str))


def current_entries_for(st, lists):
    from laborlens.refdata.editions import current_entries

    return current_entries(st, lists)
