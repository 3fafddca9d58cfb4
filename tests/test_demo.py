"""The demo generator: deterministic, loadable, and its truth.json agrees with its own files (checked
here from the CSVs, independently of the generator's internals)."""

from __future__ import annotations

import csv
from collections import defaultdict, deque
from pathlib import Path

import pytest
from sqlalchemy import func, select

from laborlens.demo import generate_demo, load_truth
from laborlens.ingest import load_tables
from laborlens.store import models as m

BUNDLED_UFLPA = Path(__file__).resolve().parents[1] / "src/laborlens/refdata/data/uflpa_entity_list_partial.csv"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    truth = generate_demo(out, seed=7)
    rows = {t: list(csv.DictReader((out / f"{t}.csv").open(encoding="utf-8")))
            for t in ("parties", "links", "shipments")}
    return out, truth, rows


def _upstream(links: list[dict], start: str) -> set[str]:
    suppliers = defaultdict(list)
    for link in links:
        suppliers[link["buyer_id"]].append(link["supplier_id"])
    seen, todo = {start}, deque([start])
    while todo:
        for s in suppliers[todo.popleft()]:
            if s not in seen:
                seen.add(s)
                todo.append(s)
    return seen


def test_same_seed_same_bytes_other_seed_other_chain(tmp_path, demo):
    out, _, _ = demo
    generate_demo(tmp_path / "a", seed=7)
    for f in ("parties.csv", "links.csv", "shipments.csv", "truth.json"):
        assert (tmp_path / "a" / f).read_bytes() == (out / f).read_bytes(), f
    generate_demo(tmp_path / "b", seed=8)
    assert (tmp_path / "b" / "links.csv").read_bytes() != (out / "links.csv").read_bytes()


def test_shape_is_realistic(demo):
    _, truth, rows = demo
    parties = rows["parties"]
    assert 250 <= len(parties) <= 400 and 20 <= len(rows["shipments"]) <= 90
    countries = {p["country"] for p in parties}
    assert {"CN", "VN", "MY", "KH", "US"} <= countries
    assert {p["sector"] for p in truth.parties.values()} == {"", "apparel", "solar", "aluminum", "tomato"}
    tiers = [p["tier"] for p in truth.parties.values()]
    assert min(tiers) == 0 and max(tiers) >= 6
    assert any(p["name"].startswith("Example ") for p in parties)
    assert {"6109.10.00", "8541.43.00", "2103.20"} <= {s["hts"] for s in rows["shipments"]}
    assert all(link["document"] for link in rows["links"][:5]) or any(link["document"] for link in rows["links"])
    # the planted spellings are really there
    names = {p["name"] for p in parties}
    addresses = " | ".join(p["address"] for p in parties)
    assert {"XINJIANG DAQO NEW ENERGY CO LTD", "新疆东方希望有色金属有限公司", "XINJIANG ZHONGTAI CHEM CO LTD",
            "Hoshine Silicon Industry (Shanshan)"} <= names
    for needle in ("新疆维吾尔自治区阿克苏地区", "第一师阿拉尔市", "Hotan", "Kashgar", "Shihezi",
                   "Changji Hui Autonomous Prefecture", "新疆路", "Xinjiang Road, Shibei District, Qingdao"):
        assert needle in addresses, needle


def test_files_pass_validation(demo):
    out, truth, _ = demo
    parties, links, shipments = load_tables(out)
    assert (len(parties), len(links), len(shipments)) == (
        truth.counts["parties"], truth.counts["links"], truth.counts["shipments"])


def test_truth_agrees_with_the_files(demo):
    out, truth, rows = demo
    assert load_truth(out / "truth.json") == truth
    pairs = {(link["supplier_id"], link["buyer_id"]) for link in rows["links"]}
    sources = {s["party_id"] for s in truth.taint_sources}
    listed_ids = {r["id"] for r in csv.DictReader(BUNDLED_UFLPA.open(encoding="utf-8"))}
    assert {s["entity_id"] for s in truth.taint_sources if s["entity_id"]} <= listed_ids
    tainted = truth.tainted_shipment_ids()
    assert 0.2 < len(tainted) / len(truth.shipments) < 0.75  # a mix, not all or nothing
    for ship in rows["shipments"]:
        t = truth.shipments[ship["id"]]
        assert t["exporter_id"] == ship["exporter_id"]
        upstream = _upstream(rows["links"], ship["exporter_id"])
        assert t["tainted"] == bool(upstream & sources), ship["id"]
        for src in t["sources"]:
            path = src["path"]
            assert path[0] == src["party_id"] and path[-1] == ship["exporter_id"]
            assert all((a, b) in pairs for a, b in zip(path, path[1:])), path
        assert {s["party_id"] for s in t["sources"]} == upstream & sources


def test_untraced_parties_agree_with_the_files(demo):
    _, truth, rows = demo
    bought = {link["buyer_id"] for link in rows["links"]}
    untraced = {u["party_id"] for u in truth.untraced_parties}
    assert len(untraced) == 4 and {u["sector"] for u in truth.untraced_parties} == {
        "apparel", "solar", "aluminum", "tomato"}
    assert not untraced & bought  # they give no suppliers: no inbound link in links.csv
    assert not untraced & {s["party_id"] for s in truth.taint_sources}
    for ship in rows["shipments"]:
        t = truth.shipments[ship["id"]]
        upstream = _upstream(rows["links"], ship["exporter_id"])
        assert set(t["untraced"]) == upstream & untraced
        assert t["traced_to_origin"] is not (upstream & untraced)
    traced = sum(t["traced_to_origin"] for t in truth.shipments.values())
    assert 0 < traced < len(truth.shipments) and traced == truth.counts["traced_shipments"]
    # some untainted shipments stop short, so the gap alone decides them
    assert any(not t["tainted"] and t["untraced"] for t in truth.shipments.values())


def test_decoys_are_clean_and_do_reach_clean_shipments(demo):
    _, truth, rows = demo
    assert len(truth.decoys) >= 6
    for d in truth.decoys:
        assert not truth.parties[d["party_id"]]["upstream_taint"]
        assert any(d["party_id"] in _upstream(rows["links"], s["exporter_id"]) and not s["tainted"]
                   for s in truth.shipments.values()), d


def test_volumes_reconcile_except_planted_anomalies(demo):
    _, truth, rows = demo
    factor = {c["output"]: (set(c["inputs"]), c["factor"]) for c in truth.conversions if c["sector"] != "*"}
    ins, outs, out_material = defaultdict(lambda: defaultdict(float)), defaultdict(float), {}
    for link in rows["links"]:
        ins[link["buyer_id"]][link["material"]] += float(link["quantity"])
        outs[link["supplier_id"]] += float(link["quantity"])
        out_material[link["supplier_id"]] = link["material"]
    for s in rows["shipments"]:
        outs[s["exporter_id"]] += float(s["quantity"])
        out_material[s["exporter_id"]] = s["material"]
    anomalies = {a["party_id"] for a in truth.anomalies}
    assert len(anomalies) == 2
    for pid, produced in outs.items():
        if not ins[pid]:
            continue  # raw producers: farms and mines
        material = out_material[pid]
        # a trader resells what it bought; a producer converts its inputs
        inputs, f = ({material}, 1.0) if material in ins[pid] else factor[material]
        allowed = sum(q for mat, q in ins[pid].items() if mat in inputs) * f
        if pid in anomalies:
            assert produced > 1.5 * allowed, pid
        else:
            assert produced <= allowed + 1e-6, (pid, produced, allowed)


def test_scale_multiplies_suppliers(tmp_path):
    t1 = generate_demo(tmp_path / "s1", seed=3)
    t2 = generate_demo(tmp_path / "s2", seed=3, scale=2)
    assert t2.counts["suppliers"] == 2 * t1.counts["suppliers"]
    assert t2.counts["decoys"] > t1.counts["decoys"] and t2.counts["taint_sources"] > t1.counts["taint_sources"]


def test_cli_demo_generates_and_loads(cli, store, tmp_path):
    r = cli("demo", "--out", tmp_path / "out", "--seed", "7", "--no-pdf")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "out" / "screening" / "report.html").exists()
    assert "presumption" in r.output
    truth = load_truth(tmp_path / "out" / "data" / "truth.json")
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(m.Party)) == truth.counts["parties"]
        assert s.scalar(select(func.count()).select_from(m.Shipment)) == truth.counts["shipments"]
    again = cli("demo", "--out", tmp_path / "out")
    assert again.exit_code == 0 and "Nothing changed" in again.output
