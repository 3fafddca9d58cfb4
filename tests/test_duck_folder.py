"""``screen --engine duckdb`` screens a folder inside DuckDB (files larger than memory): the files are
validated on their way into DuckDB, propagation and mass balance run as SQL, and every output is the local
engine's, byte for byte (result.json but for its time stamp). Bad input names file, row and column."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from laborlens.engines.duck_screen import screen_folder
from laborlens.ingest.limits import Limits
from laborlens.match.service import build_matcher
from laborlens.refdata.bundled import bundled_entries
from laborlens.screen.run import screen_tables, write_outputs


@pytest.fixture(scope="module")
def matcher():
    return build_matcher(list(bundled_entries("uflpa")) + list(bundled_entries("wro")))


def _same_outputs(a: Path, b: Path) -> None:
    for name in ("verdicts.csv", "findings.jsonl"):
        assert (a / name).read_text(encoding="utf-8") == (b / name).read_text(encoding="utf-8"), name
    ja, jb = (json.loads((p / "result.json").read_text(encoding="utf-8")) for p in (a, b))
    for j in (ja, jb):
        j["summary"].pop("generated_at")
    assert ja == jb


def test_folder_on_the_demo_is_the_local_engine(tmp_path, matcher):
    from laborlens.demo import generate_demo
    from laborlens.ingest import load_tables

    data = tmp_path / "data"
    generate_demo(data, seed=7)
    r = screen_tables(*load_tables(data), matcher)
    write_outputs(r, tmp_path / "local", html=False, pdf=False)
    assert r.mass_balance and any(len(v.path) > 2 for v in r.verdicts if v.verdict == "presumption")
    s = screen_folder(data, tmp_path / "duck", matcher, html=True, threads=2, memory_limit="1GB")
    assert {k: s[k] for k in ("presumption", "review", "clear")} == r.counts()
    _same_outputs(tmp_path / "local", tmp_path / "duck")
    assert "Shipments by verdict" in (tmp_path / "duck" / "report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("bulk", [False, True])
def test_folder_on_a_generated_chain_in_parquet_is_the_local_engine(tmp_path, monkeypatch, bulk):
    """A 6k-link chain (300 shipments) from Parquet files; ``bulk`` screens it as a large run would be
    (upstream lists only for the 50 shipments the report details, worst-hit searches for the rest)."""
    from laborlens.engines.bench_scale import prepare
    from laborlens.engines.tables import parquet_inputs
    from laborlens.ingest import load_tables
    from laborlens.screen import result, run
    from laborlens.screen.bench import bench_data

    if bulk:
        monkeypatch.setattr(run, "DETAIL_ALL", 100)
        monkeypatch.setattr(run, "MAX_DETAILED", 50)
        monkeypatch.setattr(result, "MAX_DETAILED", 50)
    folder = prepare(6_000, tmp_path)
    _, data, entries = bench_data(6_000, 3)
    m = build_matcher(entries)
    with parquet_inputs(folder) as csv_dir:
        tables = load_tables(csv_dir)
    r = screen_tables(*tables, m, material_map=data.material_map)
    write_outputs(r, tmp_path / "local", html=False, pdf=False)
    assert sum(v.verdict == "presumption" for v in r.verdicts) > 10 and r.mass_balance
    assert sum(v.verdict != "clear" for v in r.verdicts) > 50  # more than the report details in bulk
    assert (sum(v.upstream > 0 for v in r.verdicts) <= 50) == bulk
    screen_folder(folder, tmp_path / "duck", m, material_map=data.material_map, html=False,
                  memory_limit="1GB", threads=2)
    _same_outputs(tmp_path / "local", tmp_path / "duck")


def _write(p: Path, rows: list[list[str]]) -> None:
    with p.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)


def _folder(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir(parents=True)
    _write(d / "parties.csv", [["id", "name", "country", "address"], ["A", "Alpha Farm", "CN", "Hefei, Anhui"],
                               ["B", "Beta Mill", "CN", "Suzhou"], ["C", "Gamma Garments", "VN", "Binh Duong"]])
    _write(d / "links.csv", [["supplier_id", "buyer_id", "material", "quantity", "unit"],
                             ["A", "B", "cotton", "100", "kg"], ["B", "C", "cotton yarn", "90", "kg"]])
    _write(d / "shipments.csv", [["id", "importer_id", "exporter_id", "material", "hts", "description"],
                                 ["S1", "C", "C", "garment", "6109", "t-shirts"]])
    return d


@pytest.mark.parametrize("table, rows, where", [
    ("links", [["supplier_id", "buyer_id", "material", "quantity", "unit"], ["A", "B", "cotton", "lots", "kg"]],
     "links.csv:2:quantity"),
    ("links", [["supplier_id", "buyer_id", "material"], ["A", "B", "cotton"], ["A", "Z", "cotton"]],
     "links.csv:3:buyer_id"),
    ("parties", [["id", "name", "country", "address"], ["A", "Alpha", "CN", ""], ["B", "Beta", "CN", ""],
                 ["C", "Gamma", "VN", ""], ["A", "Alpha again", "CN", ""]], "parties.csv:5:id"),
    ("shipments", [["id", "importer_id", "exporter_id", "material", "hts", "description"],
                   ["S1", "C", "C", "garment", "6109", '"t-shirts']], "shipments.csv:2"),
])
def test_bad_input_names_file_row_and_column_and_writes_nothing(tmp_path, matcher, table, rows, where):
    from laborlens.errors import InputError, InputErrors

    d = _folder(tmp_path)
    _write(d / f"{table}.csv", rows) if '"' not in str(rows) else (d / f"{table}.csv").write_text(
        "\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    with pytest.raises((InputError, InputErrors)) as e:
        screen_folder(d, tmp_path / "out", matcher, html=False, limits=Limits())
    assert where in str(e.value)
    assert not (tmp_path / "out").exists()


def test_cli_duckdb_bad_input_exits_2(cli, tmp_path):
    d = _folder(tmp_path)
    _write(d / "links.csv", [["supplier_id", "buyer_id", "material", "date"], ["A", "B", "cotton", "05/01/2024"]])
    r = cli("screen", d, "-o", tmp_path / "out", "--engine", "duckdb")
    assert r.exit_code == 2, r.output
    assert "links.csv:2:date" in r.output and not (tmp_path / "out").exists()
    good = _folder(tmp_path / "g")
    r = cli("screen", good, "-o", tmp_path / "ok", "--engine", "duckdb")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "ok" / "verdicts.csv").read_text(encoding="utf-8").startswith("shipment_id,verdict")
