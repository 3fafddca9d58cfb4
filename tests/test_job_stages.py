"""A screening job's progress follows the pipeline's real stages: a real (small) job run by the job runner
records every stage in order, each write of the job row names the stage it was in, the fraction never
goes back, and the counts end at the totals of the input (files, rows, names, parties, shipments, files
written)."""

from __future__ import annotations

import csv
from pathlib import Path

from laborlens import jobs
from laborlens.screen.run import OUTPUT_NAMES, plan_of
from laborlens.screen.sources import default_sources
from laborlens.screen.stages import Stages

PARTIES = [
    ("IMP", "Example Outdoor Apparel Inc.", "US", "Portland, Oregon", ""),
    ("P", "DAQO NEW ENGY CO LTD", "CN", "Shanghai", ""),
    ("Q", "Jiangsu Wafer Works", "CN", "Wuxi, Jiangsu", "江苏硅片厂"),
    ("EXP", "Example Wafer Trading", "VN", "Hanoi", ""),
    ("C", "Kashgar Cotton Gin", "CN", "Kashgar, Xinjiang", ""),
    ("EXP2", "Hanoi Garments JSC", "VN", "Hanoi", ""),
]
LINKS = [("P", "Q", "polysilicon", "10", "t"), ("Q", "EXP", "silicon wafer", "9", "t"),
         ("C", "EXP2", "cotton", "5", "t")]
SHIPS = [("S1", "IMP", "EXP", "solar modules", "8541.43.00", "modules"),
         ("S2", "IMP", "EXP2", "cotton shirts", "6205.20", "shirts"),
         ("S3", "IMP", "EXP", "silicon wafer", "3818.00", "wafers")]


def _write(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, header, rows in (("parties", ("id", "name", "country", "address", "name_local"), PARTIES),
                               ("links", ("supplier_id", "buyer_id", "material", "quantity", "unit"), LINKS),
                               ("shipments", ("id", "importer_id", "exporter_id", "material", "hts",
                                              "description"), SHIPS)):
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            w.writerows(rows)


def test_a_real_job_records_the_real_stages_in_order(settings, store, tmp_path, monkeypatch):
    job_id, data_dir = jobs.new_job_dir(settings)
    _write(data_dir)
    jobs.record_job(store, job_id, "ana", data_dir, {})
    writes: list[dict] = []
    real_update = jobs._update

    def spy(store_, job_id_, **values):
        writes.append(values)
        real_update(store_, job_id_, **values)

    monkeypatch.setattr(jobs, "_update", spy)
    assert jobs.execute(store, settings, job_id) == "done"  # the real screen_dir, no stand-in

    job = jobs.get_job(store, job_id)
    stages = job.summary["stages"]
    planned = [k if isinstance(k, str) else k[0] for k in plan_of(default_sources())]
    assert [s["key"] for s in stages] == planned
    assert planned[:3] == ["read", "validate", "prepare"] and planned[-3:] == ["trace", "verdicts", "write"]
    assert {"volumes", "lists", "xuar"} <= set(planned)
    assert all(s["state"] == "done" for s in stages)
    by = {s["key"]: s for s in stages}
    names = sum(1 for p in PARTIES for n in (p[1], p[4]) if n)
    written = sorted(n for n in OUTPUT_NAMES if (jobs.output_dir(store, job_id) / n).exists())
    expect = {"read": (3, "files"), "validate": (len(PARTIES) + len(LINKS) + len(SHIPS), "rows"),
              "volumes": (len(LINKS), "links"), "lists": (names, "names"), "xuar": (len(PARTIES), "parties"),
              "verdicts": (len(SHIPS), "shipments"), "write": (len(written), "files")}
    for key, (total, unit) in expect.items():
        assert (by[key]["done"], by[key]["total"], by[key]["unit"]) == (total, total, unit), key
    assert by["verdicts"]["note"] == ", ".join(f"{job.summary[k]} {k}" for k in ("presumption", "review", "clear"))
    assert by["lists"]["note"].endswith("findings") or by["lists"]["note"].endswith("finding")

    # every write of the row while it ran: the running stage never goes back, none is skipped, the bar
    # never moves back, and the message names the stage and its count
    running = [w for w in writes if "summary" in w and w.get("status") is None]
    order = []
    for w in running:
        current = [s for s in w["summary"]["stages"] if s["state"] == "running"]
        if current:
            order.append(current[0]["key"])
    firsts = [k for i, k in enumerate(order) if i == 0 or order[i - 1] != k]
    assert firsts == planned, firsts
    fractions = [w["progress"] for w in running]
    assert fractions == sorted(fractions) and 0 < fractions[-1] <= 1.0
    assert any("matching party names against the watchlists" in w["message"] and "names" in w["message"]
               for w in running)
    assert writes[-1]["status"] == "done" and writes[-1]["progress"] == 1.0


def test_stages_fraction_and_messages_follow_the_counts():
    seen: list[tuple[float, str]] = []
    st = Stages(lambda f, m: seen.append((f, m)), clock=iter(range(100)).__next__)
    st.plan(["read", ("lists", "matching names"), "write"])
    st.start("read", total=3, unit="files")
    st.update(2)
    assert seen[-1][1] == "reading the input files: 2 of 3 files"
    st.start("lists", total=1000, unit="names")  # ends 'read'
    st.update(250)
    assert seen[-1][1] == "matching names: 250 of 1,000 names"
    st.update(5000)  # never past the total
    assert st.current is not None and st.current.done == 1000
    before = seen[-1][0]
    st.start("write", total=2, unit="files")
    assert seen[-1][0] >= before
    st.finish()
    assert seen[-1] == (1.0, "done")
    snap = st.snapshot()
    assert [s["key"] for s in snap] == ["read", "lists", "write"] and all(s["state"] == "done" for s in snap)
    assert [s["done"] for s in snap] == [3, 1000, 2]
    assert snap[0]["seconds"] == 1  # the clock read once at its start and once at its end
