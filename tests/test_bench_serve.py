"""``laborlens bench serve`` in miniature: a real server on loopback, a few requests of each load, and the
store checked afterwards. The full load runs only under ``laborlens bench serve``."""

from __future__ import annotations

import math

from laborlens.bench.serve import run


def test_bench_serve_smoke_produces_figures_and_loses_nothing():
    report = run(requests=40, mixed=40, duration=60, concurrency=4, write_every=4, postgres=False)
    rows = {x.name: x for x in report.loads}
    assert set(rows) == {"screen/name", "mixed (sqlite)"}
    for x in rows.values():
        assert x.requests == 40 and x.errors == 0, x.row()
        assert x.rps > 0 and all(math.isfinite(x.pct(q)) and x.pct(q) > 0 for q in (50, 95, 99))
        assert x.pct(50) <= x.pct(95) <= x.pct(99)
    (sqlite,) = report.integrity
    assert sqlite.acknowledged == 10  # one write in four of 40
    assert sqlite.found == sqlite.acknowledged and sqlite.audited == sqlite.acknowledged
    assert sqlite.chain_ok, sqlite.chain_detail
    assert report.skipped == ["postgresql: not asked for (--no-postgres)"]


def test_the_integrity_check_catches_a_missing_write(tmp_path):
    from laborlens.bench.serve import check_integrity, prepare_home

    prepare_home(tmp_path / "home", None)
    got = check_integrity("sqlite", tmp_path / "home", None, {424242: "bench sqlite 0"})
    assert got.acknowledged == 1 and got.found == 0 and got.lost == 1 and not got.ok
