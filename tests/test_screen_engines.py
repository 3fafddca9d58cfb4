"""Screening engines give the local engine's results: DuckDB on the demo and on a generated chain, the CLI
with --engine and Parquet in/out, and a tiny ``bench scale`` smoke run. The Spark engine's tests are in
``test_spark_screen.py`` (one Spark session for all of them)."""

from __future__ import annotations

from dataclasses import asdict

import pytest

from laborlens.match.service import build_matcher
from laborlens.refdata.bundled import bundled_entries
from laborlens.screen import screen_tables


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from laborlens.demo import generate_demo
    from laborlens.ingest import load_tables

    d = tmp_path_factory.mktemp("demo") / "data"
    generate_demo(d, seed=7)
    return d, load_tables(d)


@pytest.fixture(scope="module")
def matcher():
    return build_matcher(list(bundled_entries("uflpa")) + list(bundled_entries("wro")))


def _screen(tables, matcher, engine=None, mmap=None):
    parties, links, shipments = tables
    r = screen_tables(parties, links, shipments, matcher, None, mmap, None, engine=engine)
    return [asdict(v) for v in r.verdicts], [asdict(f) for f in r.findings], r.mass_balance


def test_duckdb_engine_is_identical_on_the_demo(demo, matcher):
    from laborlens.engines import get_engine

    _, tables = demo
    base = _screen(tables, matcher)
    assert any(v["verdict"] == "presumption" and len(v["path"]) > 2 for v in base[0])  # paths across tiers
    eng = get_engine("duckdb")
    try:
        assert _screen(tables, matcher, eng) == base
    finally:
        eng.close()


def test_duckdb_engine_is_identical_on_a_100k_link_chain(matcher):
    from laborlens.engines import get_engine
    from laborlens.screen.bench import bench_data

    parties, data, entries = bench_data(100_000, 3)
    m = build_matcher(entries)
    tables = (parties, data.links, data.shipments)
    base = _screen(tables, m, mmap=data.material_map)
    assert sum(v["verdict"] == "presumption" for v in base[0]) > 100
    eng = get_engine("duckdb")
    try:
        assert _screen(tables, m, eng, data.material_map) == base
    finally:
        eng.close()


def test_cli_engine_and_parquet_in_and_out(cli, demo, tmp_path):
    import duckdb

    data, _ = demo
    assert cli("screen", data, "-o", tmp_path / "local").exit_code == 0
    r = cli("screen", data, "-o", tmp_path / "duck", "--engine", "duckdb")
    assert r.exit_code == 0, r.output
    local = (tmp_path / "local" / "verdicts.csv").read_text()
    assert (tmp_path / "duck" / "verdicts.csv").read_text() == local
    pq = tmp_path / "pq"
    pq.mkdir()
    con = duckdb.connect()
    for t in ("parties", "links", "shipments"):
        con.execute(f"COPY (SELECT * FROM read_csv('{data / (t + '.csv')}', all_varchar=true)) "
                    f"TO '{pq / (t + '.parquet')}' (FORMAT parquet)")
    r = cli("screen", pq, "-o", tmp_path / "pq-out", "--engine", "duckdb")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "pq-out" / "verdicts.csv").read_text() == local
    written = tmp_path / "pq-out" / "verdicts.parquet"
    rows = con.execute(f"SELECT count(*) FROM read_parquet('{written}')").fetchone()
    assert rows[0] == len(local.splitlines()) - 1
    bad = cli("screen", data, "-o", tmp_path / "x", "--engine", "hadoop")
    assert bad.exit_code == 2 and "unknown engine" in bad.output


def test_bench_scale_smoke(cli, tmp_path):
    out = tmp_path / "bench"
    r = cli("bench", "scale", "--name-sizes", "300", "--link-sizes", "3000", "--engines", "duckdb", "-o", out)
    assert r.exit_code == 0, r.output
    text = (out / "scale.csv").read_text().splitlines()
    assert len(text) == 3  # header + 2 tasks
    assert all(",," not in line.split(",", 3)[3][:2] for line in text[1:])  # every run has its seconds
    assert (out / "scale.png").stat().st_size > 5000 and (out / "scale.svg").exists()
    assert "| screen | duckdb | 3,000 |" in (out / "scale.md").read_text()
