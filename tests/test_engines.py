"""Every engine runs the same scorer: local pool, DuckDB and Spark give identical output files."""

import csv
import shutil

import pytest

from laborlens.match.engine import OUT_COLUMNS, match_file
from laborlens.match.service import build_matcher
from laborlens.refdata.bundled import bundled_entries

QUERIES = [
    ("q1", "XINJIANG DAQO NEW ENGY CO LTD", "CN"),
    ("q2", "新疆中泰化学股份有限公司", "CN"),
    ("q3", "Example Outdoor Apparel Inc.", "US"),
    ("q4", "HOTAN HAOLIN HAIR ACCESSORIES", "CN"),
    ("q5", "XINJIANG DAQO NEW ENGY CO LTD", "CN"),  # repeated name: scored once by DuckDB, same answer
]


@pytest.fixture(scope="module")
def matcher():
    return build_matcher(bundled_entries("uflpa"))


@pytest.fixture()
def queries(tmp_path):
    p = tmp_path / "q.csv"
    with p.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "name", "country"])
        w.writerows(QUERIES)
    return p


def _read(p):
    with p.open(encoding="utf-8") as fh:
        return sorted(csv.reader(fh))


@pytest.mark.parametrize("engine", ["local", "duckdb"])
def test_engines_agree(matcher, queries, tmp_path, engine):
    ref = tmp_path / "ref.csv"
    match_file(matcher, queries, ref, "local", workers=1)
    out = tmp_path / f"{engine}.csv"
    counts = match_file(matcher, queries, out, engine, workers=2)
    assert _read(out) == _read(ref)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0]) == OUT_COLUMNS
    by_id = {r["id"]: r for r in rows}
    assert by_id["q1"]["entity_id"] == "uflpa-004" and by_id["q1"]["decision"] == "match"
    assert by_id["q3"]["decision"] == "clear" and by_id["q3"]["entity_id"] == ""
    assert counts["match"] == 4


def test_spark_engine_agrees(matcher, queries, tmp_path):
    from conftest import need_service

    pytest.importorskip("pyspark", reason="the spark extra is not installed")
    if not shutil.which("java"):
        need_service("Java", "Spark needs Java 17 (apt-get install default-jre-headless)")
    ref, out = tmp_path / "ref.csv", tmp_path / "spark.csv"
    match_file(matcher, queries, ref, "local", workers=1)
    match_file(matcher, queries, out, "spark")
    assert _read(out) == _read(ref)


@pytest.mark.parametrize("engine", ["local", "duckdb"])
def test_bad_queries_file_names_row_and_column(matcher, tmp_path, engine):
    from laborlens.errors import InputError

    p = tmp_path / "q.csv"
    p.write_text("id,name\nq1,Example\nq2,XINJIANG DAQO\nq3,\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        match_file(matcher, p, tmp_path / "out.csv", engine)
    assert "q.csv:4:name" in str(e.value)
    assert not (tmp_path / "out.csv").exists()
