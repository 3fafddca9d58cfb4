"""``laborlens bench scale``: name matching (10k → 5M names) and screening (100k → 10M links) per engine,
each run in a fresh process whose whole process tree (Spark's JVM and workers included) is sampled for
peak memory; written as a table (CSV, Markdown) and a plot (PNG, SVG).

Generation of the inputs is not timed; matching is timed end to end (read, score, write), screening from
the tables in memory to the verdicts (the Spark session's start is excluded and reported apart), except on
DuckDB, which screens the chain's Parquet files (written beforehand, untimed and unmeasured) end to end:
reading and validating them, every search, every output written (``screen --engine duckdb``).
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

NAME_SIZES = (10_000, 100_000, 1_000_000, 5_000_000)
LINK_SIZES = (100_000, 1_000_000, 10_000_000)
ENGINES = ("local", "duckdb", "spark")
DUCK_MEMORY = "4GB"  # DuckDB's memory_limit in the scale runs (it spills to disk past it)


def _one(task: str, engine: str, n: int, work: Path) -> dict:
    """One measurement, in this (fresh) process."""
    from laborlens.refdata.bundled import bundled_entries

    entries = list(bundled_entries("uflpa")) + list(bundled_entries("wro"))
    if task == "match":
        from laborlens.match.bench import generate_names
        from laborlens.match.engine import match_file
        from laborlens.match.service import build_matcher

        queries = work / f"names-{n}.csv"
        if not queries.exists():
            with queries.open("w", encoding="utf-8", newline="") as fh:
                w = csv.writer(fh)
                w.writerow(["id", "name", "country"])
                w.writerows((f"q{i}", name, "CN") for i, name in
                            enumerate(generate_names(n, entries, seed=5, listed_share=0.01)))
        matcher = build_matcher(entries)
        t0 = time.perf_counter()
        match_file(matcher, queries, work / f"out-{engine}-{n}.csv", engine)
        return {"seconds": time.perf_counter() - t0, "startup_s": 0.0}
    from laborlens.engines import get_engine
    from laborlens.match.service import build_matcher
    from laborlens.screen.bench import bench_data
    from laborlens.screen.run import screen_tables

    if engine == "duckdb":  # the files prepared beforehand, read and screened inside DuckDB
        return _duck_files(n, work, entries)
    parties, data, entries = bench_data(n, 3)
    matcher = build_matcher(entries)
    if n >= 100_000:  # one small untimed run loads dictionaries and gazetteers: sizes compare the work
        wp, wd, _ = bench_data(1000, 4)
        screen_tables(wp, wd.links, wd.shipments, matcher, material_map=wd.material_map)
    t0 = time.perf_counter()
    eng = None if engine == "local" else get_engine(engine)
    startup = time.perf_counter() - t0
    matcher.forget()
    t0 = time.perf_counter()
    r = screen_tables(parties, data.links, data.shipments, matcher, material_map=data.material_map,
                      engine=eng, progress=_stage_log(f"{engine} {n:,}"))
    seconds = time.perf_counter() - t0
    s = r.summary()
    return {"seconds": seconds, "startup_s": startup, "presumption": s["presumption"], "review": s["review"],
            "clear": s["clear"]}


def _stage_log(label: str):
    """A progress callback that appends each stage's start (seconds since the run began, this process's
    memory) to ``$LABORLENS_BENCH_LOG`` when set: a run stopped at a time limit still says how far it got."""
    path = os.environ.get("LABORLENS_BENCH_LOG")
    t0 = time.perf_counter()

    def say(_f: float, msg: str) -> None:
        if not path:
            return
        import psutil

        mib = _pss(psutil.Process()) / 2**20
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(f"{label} {time.perf_counter() - t0:8.1f}s {mib:7.0f} MiB  {msg}\n")

    return say


def _duck_files(n: int, work: Path, entries: list) -> dict:
    """``screen --engine duckdb`` on the chain's Parquet files: validation, graph, propagation, mass balance
    and every output (verdicts.csv, findings.jsonl, result.json, report.html) written, in DuckDB capped at
    ``DUCK_MEMORY`` with 2 threads."""
    from laborlens.engines.duck_screen import screen_folder
    from laborlens.ingest.limits import Limits
    from laborlens.match.service import build_matcher
    from laborlens.screen.bench import bench_data
    from laborlens.screen.run import screen_tables

    matcher = build_matcher(entries)
    wp, wd, _ = bench_data(1000, 4)  # the same untimed warm-up as the local runs
    screen_tables(wp, wd.links, wd.shipments, matcher, material_map=wd.material_map)
    del wp, wd
    matcher.forget()
    big = Limits(max_file_bytes=1 << 42, max_rows=10**10)
    t0 = time.perf_counter()
    s = screen_folder(work / f"chain-{n}", work / f"out-duckdb-{n}", matcher, memory_limit=DUCK_MEMORY,
                      threads=2, limits=big, html=True, progress=_stage_log(f"duckdb {n:,}"))
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "startup_s": 0.0, "presumption": s["presumption"], "review": s["review"],
            "clear": s["clear"]}


def _pss(p: object) -> int:
    """A process's proportional set size: pages shared with the rest of the tree (a forked worker pool)
    count once over the tree, not once per process as a sum of RSS would; RSS where PSS is not known."""
    try:
        return int(p.memory_full_info().pss)  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        return int(p.memory_info().rss)  # type: ignore[attr-defined]


def measure(task: str, engine: str, n: int, work: Path, timeout: float = 4 * 3600,
            max_mib: int | None = None) -> dict:
    """Run :func:`_one` in a child process; peak memory is the largest sum of PSS over its process tree.
    A run whose tree goes over ``max_mib`` is stopped and reported as such (so a run that cannot fit
    does not push other work on the machine out of memory)."""
    import psutil

    if task == "screen" and engine == "duckdb":  # its input files, written beforehand, untimed and unmeasured
        subprocess.run([sys.executable, "-m", "laborlens.engines.bench_scale", "prepare", engine, str(n),
                        str(work)], check=True, stdout=subprocess.DEVNULL, timeout=timeout)
    proc = subprocess.Popen([sys.executable, "-m", "laborlens.engines.bench_scale", task, engine, str(n),
                             str(work)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    me, peak, t0, why = psutil.Process(proc.pid), 0, time.monotonic(), ""
    loads: list[float] = []
    while proc.poll() is None:
        if len(loads) * 5 < time.monotonic() - t0:
            loads.append(os.getloadavg()[0])
        try:
            tree = [me, *me.children(recursive=True)]
            peak = max(peak, sum(_pss(p) for p in tree if p.is_running()))
        except psutil.Error:
            pass
        if time.monotonic() - t0 > timeout and not why:
            why = f"stopped after {timeout:.0f} s"
        if max_mib and peak > max_mib * 2**20 and not why:
            why = f"stopped over {max_mib} MiB"
        if why:
            for p in [*me.children(recursive=True), me]:
                with contextlib.suppress(psutil.Error):
                    p.kill()
        time.sleep(0.2)
    out = proc.stdout.read() if proc.stdout else ""
    line = next((x for x in reversed(out.splitlines()) if x.startswith("{")), "")
    row = {"task": task, "engine": engine, "size": n, "peak_mib": round(peak / 2**20),
           "elapsed_s": round(time.monotonic() - t0, 1),
           "load_avg": round(sum(loads) / len(loads), 2) if loads else ""}
    if proc.returncode != 0 or not line:
        return {**row, "seconds": None, "error": why or f"exit {proc.returncode}"}
    return {**row, **json.loads(line)}


def run(max_names: int = NAME_SIZES[-1], max_links: int = LINK_SIZES[-1], engines: Sequence[str] = ENGINES,
        out_dir: Path = Path("bench-scale"), progress: Callable[[dict], None] | None = None,
        name_sizes: Sequence[int] = NAME_SIZES, link_sizes: Sequence[int] = LINK_SIZES,
        max_mib: int | None = None, merge: bool = False, timeout: float = 4 * 3600) -> list[dict]:
    """Every (task, size, engine) in turn. ``merge`` keeps the rows of an earlier ``scale.csv`` in
    ``out_dir`` that this run does not measure again (runs done one at a time make one table)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="laborlens-bench-") as tmp:
        plan = [("match", n) for n in name_sizes if n <= max_names] + \
               [("screen", n) for n in link_sizes if n <= max_links]
        for task, n in plan:
            for engine in engines:
                row = measure(task, engine, n, Path(tmp), timeout=timeout, max_mib=max_mib)
                rows.append(row)
                if progress:
                    progress(row)
                if merge:  # after each measurement: a long series interrupted keeps what it measured
                    write(_merged(read(out_dir), rows), out_dir)
    write(_merged(read(out_dir), rows) if merge else rows, out_dir)
    return rows


_COLS = ["task", "engine", "size", "seconds", "startup_s", "peak_mib", "elapsed_s", "presumption", "review",
         "clear", "error", "load_avg"]


def read(out_dir: Path) -> list[dict]:
    """The rows of an earlier ``scale.csv`` (numbers as numbers), or none."""
    path = out_dir / "scale.csv"
    if not path.exists():
        return []
    rows = []
    with path.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            row: dict = {k: v for k, v in r.items() if v not in ("", None)}
            for k in ("size", "peak_mib", "presumption", "review", "clear"):
                if k in row:
                    row[k] = int(float(row[k]))
            for k in ("seconds", "startup_s", "elapsed_s"):
                if k in row:
                    row[k] = float(row[k])
            row.setdefault("seconds", None)
            rows.append(row)
    return rows


def _merged(old: list[dict], new: list[dict]) -> list[dict]:
    key = {(r["task"], r["engine"], int(r["size"])): r for r in old}
    key.update({(r["task"], r["engine"], int(r["size"])): r for r in new})
    order = {"local": 0, "duckdb": 1, "spark": 2}
    return sorted(key.values(), key=lambda r: (r["task"] != "match", int(r["size"]), order.get(r["engine"], 9)))


def write(rows: list[dict], out_dir: Path) -> dict[str, Path]:
    cols = _COLS
    with (out_dir / "scale.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=cols, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    md = ["| task | engine | size | seconds | µs per item | peak MiB | load avg | note |",
          "|---|---|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        sec = r.get("seconds")
        secs = "—" if sec is None else f"{sec:.1f}"
        per = "—" if sec is None else f"{sec / r['size'] * 1e6:.1f}"
        md.append(f"| {r['task']} | {r['engine']} | {r['size']:,} | {secs} | {per} | {r['peak_mib']} | "
                  f"{r.get('load_avg', '')} | {r.get('error', '')} |")
    (out_dir / "scale.md").write_text("\n".join(md) + "\n", encoding="utf-8")
    _plot(rows, out_dir)
    return {k: out_dir / k for k in ("scale.csv", "scale.md", "scale.png", "scale.svg")}


def _plot(rows: list[dict], out_dir: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(11, 8))
    for col, task, unit in ((0, "match", "names"), (1, "screen", "links")):
        for engine in sorted({r["engine"] for r in rows}):
            pts = [r for r in rows if r["task"] == task and r["engine"] == engine and r.get("seconds")]
            if not pts:
                continue
            xs = [r["size"] for r in pts]
            (line,) = axes[0][col].plot(xs, [r["seconds"] for r in pts], marker="o", label=engine)
            if len(xs) > 1:  # linear in size from the smallest run: the dotted line a linear engine follows
                axes[0][col].plot(xs, [pts[0]["seconds"] * x / xs[0] for x in xs], ":", color=line.get_color(),
                                  alpha=0.6, label=f"{engine}: linear from {xs[0]:,}")
            axes[1][col].plot(xs, [r["peak_mib"] for r in pts], marker="o", label=engine)
            for r in rows:
                if r["task"] == task and r["engine"] == engine and not r.get("seconds"):
                    axes[1][col].plot([r["size"]], [r["peak_mib"]], marker="x", color=line.get_color(),
                                      linestyle="none", markersize=10,
                                      label=f"{engine}: {str(r.get('error') or 'failed').split(':')[0][:28]}")
        if task == "screen":
            axes[1][col].axhline(8192, color="red", linestyle="--", alpha=0.5, label="8 GiB target")
        for row, ylabel in ((0, "seconds"), (1, "peak memory (MiB)")):
            ax = axes[row][col]
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_xlabel(unit)
            ax.set_ylabel(ylabel)
            ax.set_title(f"{task}: {ylabel}")
            ax.grid(True, which="both", alpha=0.3)
            if any(line.get_marker() not in (None, "None", "") for line in ax.lines):
                ax.legend(fontsize=7)
            else:
                ax.text(0.5, 0.5, "not run", transform=ax.transAxes, ha="center", color="grey")
    fig.tight_layout()
    fig.savefig(out_dir / "scale.png", dpi=110)
    fig.savefig(out_dir / "scale.svg")
    plt.close(fig)


def prepare(n: int, work: Path) -> Path:
    """The generated chain of ``n`` links as Parquet files (parties, links, shipments) in ``work``."""
    import duckdb
    import numpy as np

    from laborlens.screen.bench import bench_data

    folder = work / f"chain-{n}"
    if (folder / "shipments.parquet").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    parties, data, _ = bench_data(n, 3)
    con = duckdb.connect()
    cols = data.links
    links = [lk for lk in zip(cols.supplier_id, cols.buyer_id, cols.material,
                              np.asarray(cols.quantity, dtype=float), cols.unit or [""] * len(cols), strict=True)
             if lk[0] != lk[1]]
    importers = sorted({x.importer_id for x in data.shipments} - {p.id for p in parties})
    tables = {  # the importer of record is a party too (a file must name every party it refers to)
        "parties": {"id": [p.id for p in parties] + importers,
                    "name": [p.name for p in parties] + ["Importer of record"] * len(importers),
                    "country": [p.country for p in parties] + ["US"] * len(importers),
                    "address": [p.address for p in parties] + ["Chicago, IL"] * len(importers)},
        # a trader the generator made its own peer is left out: a file may not link a party to itself
        "links": {"supplier_id": [lk[0] for lk in links], "buyer_id": [lk[1] for lk in links],
                  "material": [lk[2] for lk in links], "quantity": [repr(float(lk[3])) for lk in links],
                  "unit": [lk[4] for lk in links]},
        "shipments": {"id": [x.id for x in data.shipments], "importer_id": [x.importer_id for x in data.shipments],
                      "exporter_id": [x.exporter_id for x in data.shipments],
                      "material": [x.material for x in data.shipments],
                      "hts": [x.hts for x in data.shipments], "description": [x.description for x in data.shipments],
                      "quantity": [repr(float(x.quantity or 0)) for x in data.shipments],
                      "unit": [x.unit for x in data.shipments]},
    }
    del parties, data, links, cols
    for name, cols in tables.items():
        con.register("t", {k: np.array(v, dtype=object) for k, v in cols.items()})
        con.execute(f"COPY t TO '{folder / (name + '.parquet')}' (FORMAT parquet)")
        con.unregister("t")
    con.close()
    return folder


if __name__ == "__main__":
    task, engine, n, work = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
    if task == "prepare":
        prepare(n, work)
    else:
        print(json.dumps(_one(task, engine, n, work)))
