"""``screen --engine spark`` gives the local engine's results: verdicts, findings (with paths) and mass-balance
flags, on the demo and on a generated chain of 100k links, with the graph, propagation and mass balance in
Spark (local mode, Java 17). One Spark session serves the module. Skips with a notice where pyspark or Java
is missing, and fails instead under CI=true."""

from __future__ import annotations

import shutil
from dataclasses import asdict

import pytest
from conftest import need_service

from laborlens.match.service import build_matcher
from laborlens.model import Link, Party, Shipment
from laborlens.refdata.bundled import bundled_entries
from laborlens.screen import screen_tables
from laborlens.trace import mass_balance


@pytest.fixture(scope="module")
def spark_engine():
    try:
        import pyspark  # noqa: F401
    except ImportError:
        need_service("pyspark", "pip install 'laborlens[spark]'")
    if shutil.which("java") is None:
        need_service("Java", "no java on PATH (Spark needs Java 17)")
    from laborlens.engines import get_engine

    eng = get_engine("spark")
    yield eng
    eng.close()


def _screen(tables, matcher, engine=None, mmap=None):
    parties, links, shipments = tables
    r = screen_tables(parties, links, shipments, matcher, None, mmap, None, engine=engine)
    return [asdict(v) for v in r.verdicts], [asdict(f) for f in r.findings], r.mass_balance


def _no_driver_graph(monkeypatch):
    """The Spark engine must not build the graph or balance volumes in the driver (numpy)."""
    import laborlens.screen.run as run
    from laborlens.trace.graph import SupplyGraph

    def refuse(*_a, **_k):
        raise AssertionError("driver-side graph or mass balance used by the Spark engine")

    monkeypatch.setattr(SupplyGraph, "build", classmethod(refuse))
    monkeypatch.setattr(run, "mass_balance", refuse)


def test_spark_engine_is_identical_on_the_demo(spark_engine, monkeypatch, tmp_path):
    from laborlens.demo import generate_demo
    from laborlens.ingest import load_tables

    generate_demo(tmp_path / "data", seed=7)
    tables = load_tables(tmp_path / "data")
    matcher = build_matcher(list(bundled_entries("uflpa")) + list(bundled_entries("wro")))
    base = _screen(tables, matcher)
    verdicts = base[0]
    assert any(v["verdict"] == "presumption" and len(v["path"]) > 2 for v in verdicts)  # paths across tiers
    assert any(v["upstream_parties"] for v in verdicts) and any(v["untraced"] for v in verdicts)
    assert base[2], "the demo has a mass-balance flag"
    _no_driver_graph(monkeypatch)
    assert _screen(tables, matcher, spark_engine) == base


def test_spark_mass_balance_matches_numpy_on_units_gaps_and_order(spark_engine):
    """Mass balance as Spark aggregations: the same flags (figures to the last bit), notes and order,
    with units converted, incompatible units and missing quantities not concluded, unknown materials
    assumed 1:1, and parties first seen as buyers."""
    links = [
        Link("F1", "M1", "cotton", quantity=1000.0, unit="kg"),
        Link("M1", "X1", "cotton yarn", quantity=1.7, unit="t"),      # 1,700 kg of yarn from 1,000 kg cotton
        Link("F2", "M2", "cotton", quantity=0.1, unit="t"),
        Link("F2", "M2", "cotton", quantity=0.2, unit="t"),            # sums folded in input order
        Link("M2", "X2", "cotton yarn", quantity=250.0, unit="kg"),
        Link("F3", "M3", "cotton", quantity=None, unit="kg"),          # a missing quantity: not concluded
        Link("M3", "X3", "cotton yarn", quantity=900.0, unit="kg"),
        Link("F4", "M4", "cotton", quantity=500.0, unit="pcs"),        # incompatible unit: not concluded
        Link("M4", "X4", "cotton yarn", quantity=900.0, unit="kg"),
        Link("F5", "M5", "zorblax", quantity=100.0, unit="lb"),        # unknown material: assumed 1:1
        Link("M5", "X5", "cotton yarn", quantity=80.0, unit="kg"),
        Link("A0", "M0", "cotton", quantity=10.0, unit="kg"),          # M0 first seen as a buyer
    ]
    shipments = [Shipment("S1", "IMP", "X1", "cotton yarn", quantity=5.0, unit="kg"),
                 Shipment("S2", "IMP", "M0", "cotton yarn", quantity=40.0, unit="kg"),
                 Shipment("S3", "IMP", "X9", "garment", quantity=3.0, unit="pcs")]
    want = mass_balance(links, shipments)
    got = spark_engine.mass_balance(links, shipments)
    assert len(want.flags) >= 3 and len(want.notes) >= 3
    assert got.flags == want.flags
    assert got.notes == want.notes


def test_spark_engine_is_identical_on_a_100k_link_chain(spark_engine, monkeypatch):
    from laborlens.screen.bench import bench_data

    parties, data, entries = bench_data(100_000, 3)
    m = build_matcher(entries)
    tables = (parties, data.links, data.shipments)
    base = _screen(tables, m, mmap=data.material_map)
    assert sum(v["verdict"] == "presumption" for v in base[0]) > 100
    assert sum(len(v["path"]) > 3 for v in base[0]) > 10
    _no_driver_graph(monkeypatch)
    assert _screen(tables, m, spark_engine, data.material_map) == base


def test_unknown_parties_on_links_get_the_local_codes(spark_engine):
    """Links naming parties the party table lacks: codes (and so tie-breaks and ranks) as the local build."""
    from laborlens.trace.graph import SupplyGraph

    parties = [Party("P1", "Alpha", "CN", ""), Party("P2", "Beta", "CN", "")]
    links = [Link("U2", "P1", "cotton"), Link("U1", "P1", "cotton"), Link("P2", "U3", "cotton"),
             Link("U3", "P1", "cotton")]
    shipments = [Shipment("S1", "IMP", "P1", "cotton yarn")]
    sev = {"U1": 2, "U2": 2, "U3": 1}
    local = SupplyGraph.build([p.id for p in parties], links, shipments)
    g = spark_engine.graph([p.id for p in parties], links, shipments)
    assert g.parties.names == local.parties.names
    assert list(g.trace(sev, detail=True)) == local.trace(sev, detail=True)
    assert list(g.trace(sev, detail=False)) == local.trace(sev, detail=False)
    assert g.upstream("S1") == local.upstream("S1")
