"""Screening end to end: golden chains per sector, generated chains with known truth, outputs and CLI."""

import csv
import json

import pytest

from laborlens.demo import generate_demo, load_truth
from laborlens.ingest import load_tables
from laborlens.match.service import build_matcher
from laborlens.model import Link, Party, Shipment
from laborlens.refdata.bundled import bundled_entries
from laborlens.screen import screen_tables, write_outputs


@pytest.fixture(scope="module")
def matcher():
    return build_matcher(list(bundled_entries("uflpa")) + list(bundled_entries("wro")))


def verdicts(matcher, parties, links, shipments):
    r = screen_tables(parties, links, shipments, matcher)
    return {v.shipment_id: v for v in r.verdicts}, r


IMP = Party("IMP", "Example Outdoor Apparel Inc.", "US", "Portland, Oregon")

GOLDEN = [
    # cotton: XUAR farm (Chinese address) → spinner in Vietnam → weaver → garment exporter
    ("cotton", [Party("FARM", "Example Cotton Cooperative", "CN", "新疆维吾尔自治区阿克苏地区阿瓦提县"),
                Party("SPIN", "Example Spinning JSC", "VN", "Binh Duong, Vietnam"),
                Party("WEAVE", "Example Weaving Co., Ltd.", "CN", "Shaoxing, Zhejiang"),
                Party("EXP", "Example Garment Co., Ltd.", "KH", "Phnom Penh, Cambodia")],
     [("FARM", "SPIN", "cotton"), ("SPIN", "WEAVE", "cotton yarn"), ("WEAVE", "EXP", "fabric")],
     "garments", "6109.10", "presumption", "FARM>SPIN>WEAVE>EXP"),
    # solar: listed polysilicon maker under a manifest-style name, upstream of a module exporter
    ("solar", [Party("POLY", "XINJIANG DAQO NEW ENGY CO LTD", "CN", "Shihezi"),
               Party("WAFER", "Example Wafer Co., Ltd.", "CN", "Baotou, Inner Mongolia"),
               Party("CELL", "Example Cell Sdn. Bhd.", "MY", "Penang, Malaysia"),
               Party("EXP", "Example Module Co., Ltd.", "VN", "Bac Ninh, Vietnam")],
     [("POLY", "WAFER", "polysilicon"), ("WAFER", "CELL", "wafers"), ("CELL", "EXP", "solar cells")],
     "solar modules", "8541.43", "presumption", "POLY>WAFER>CELL>EXP"),
    # aluminum: smelter given in Chinese characters as a listed entity
    ("aluminum", [Party("SMELT", "新疆东方希望有色金属有限公司", "CN", ""),
                  Party("EXP", "Example Extrusion Co., Ltd.", "CN", "Foshan, Guangdong")],
     [("SMELT", "EXP", "aluminum ingot")], "aluminum extrusions", "7604.29", "presumption", "SMELT>EXP"),
    # tomato: paste from a XUAR county written in pinyin
    ("tomato", [Party("PASTE", "Example Tomato Products Co.", "CN", "Yanqi County, Bayingolin, Xinjiang"),
                Party("EXP", "Example Condiments Co., Ltd.", "CN", "Tianjin")],
     [("PASTE", "EXP", "tomato paste")], "tomato ketchup", "2103.20", "presumption", "PASTE>EXP"),
    # decoy: Xinjiang Road in Shanghai is not the XUAR; review because the mill gives no suppliers for the
    # fabric of a high-priority-sector good (a sector alone is a flag, not a verdict)
    ("decoy", [Party("MILL", "Example Textile Co., Ltd.", "CN", "上海市新疆路88号"),
               Party("EXP", "Example Garment Co., Ltd.", "CN", "Xinjiang Road, Qingdao, Shandong")],
     [("MILL", "EXP", "fabric")], "garments", "6109.10", "review", ""),
]


@pytest.mark.parametrize("name, parties, links, material, hts, expected, path", GOLDEN, ids=[g[0] for g in GOLDEN])
def test_golden_chains(matcher, name, parties, links, material, hts, expected, path):
    ls = [Link(a, b, m) for a, b, m in links]
    ships = [Shipment("SHP1", "IMP", "EXP", material, hts, material)]
    vs, _ = verdicts(matcher, [IMP, *parties], ls, ships)
    v = vs["SHP1"]
    assert v.verdict == expected, v.reasons
    assert ">".join(v.path) == path


def test_unrelated_material_does_not_taint(matcher):
    parties = [IMP, Party("T", "XINJIANG ZHONGTAI CHEM CO LTD", "CN", ""),
               Party("S", "Example Supplier", "CN", "Suzhou"), Party("EXP", "Example Exporter", "CN", "Ningbo")]
    # the listed chemical maker sells PVC to the supplier, which sells cotton yarn on: no input chain to garments
    ls = [Link("T", "S", "pvc resin"), Link("S", "EXP", "cotton yarn")]
    vs, r = verdicts(matcher, parties, ls, [Shipment("SHP1", "IMP", "EXP", "garments", "6109", "")])
    assert vs["SHP1"].verdict != "presumption"
    assert any(f.party_id == "T" and f.rule == "list_match" for f in r.findings)


def test_turkmen_cotton_is_a_wro_scope(matcher):
    parties = [IMP, Party("GIN", "Example Ginnery", "Turkmenistan", "Ashgabat"),
               Party("EXP", "Example Spinner", "TR", "Denizli")]
    ls = [Link("GIN", "EXP", "cotton")]
    vs, r = verdicts(matcher, parties, ls, [Shipment("S", "IMP", "EXP", "cotton yarn", "5205", "")])
    assert vs["S"].verdict == "presumption"
    assert any(f.rule == "wro_scope" for f in r.findings)


@pytest.mark.parametrize("seed", [7, 21])
def test_generated_chains_match_their_truth(tmp_path, matcher, seed):
    generate_demo(tmp_path, seed=seed)
    truth = load_truth(tmp_path / "truth.json")
    vs, result = verdicts(matcher, *load_tables(tmp_path))
    flagged = {m["party_id"] for m in result.mass_balance}
    tainted = truth.tainted_shipment_ids()
    assert tainted, "the demo must plant taint"
    for sid in tainted:
        v = vs[sid]
        assert v.verdict == "presumption", (sid, v.reasons)
        sources = {s["party_id"] for s in truth.shipments[sid]["sources"]}
        assert v.path[0] in sources and v.path[-1] == truth.shipments[sid]["exporter_id"]
    for sid, v in vs.items():
        if sid not in tainted:
            assert v.verdict != "presumption", (sid, v.reasons)
    # tracing to origin: every demo good is in a high-priority sector, so where the truth says a party upstream
    # gives no suppliers the untainted shipment is review and names that party; fully traced ones may be clear
    counts = {"presumption": 0, "review": 0, "clear": 0}
    for sid, v in vs.items():
        t = truth.shipments[sid]
        counts[v.verdict] += 1
        assert v.priority_sector, sid
        assert v.traced_to_origin is t["traced_to_origin"], (sid, v.untraced, t["untraced"])
        assert set(v.untraced) == set(t["untraced"]), sid
        if not t["tainted"] and t["untraced"]:
            assert v.verdict == "review", (sid, v.reasons)
            gap = next(r for r in v.reasons if r.startswith("not traced to origin: "))
            assert all(f"{p} (" in gap and "gives no suppliers for" in gap for p in t["untraced"]), gap
        if v.verdict == "clear":
            # (a module maker's planted excess is not detectable: cells per module vary, so no flag there)
            assert t["traced_to_origin"] and not t["tainted"], sid
            assert not {a["party_id"] for a in t["anomalies"]} & flagged, sid
            assert v.reasons[0].startswith("traced to origin, ") and v.tiers_traced >= 2, v.reasons
        if v.verdict == "review" and t["traced_to_origin"]:
            # never for indicators alone: a review-level finding or a planted anomaly or decoy is upstream
            assert v.reasons[0].startswith("review: "), (sid, v.reasons)
    assert min(counts.values()) >= 3, counts  # a mix an analyst can triage


def test_outputs_follow_the_contract(tmp_path, matcher):
    generate_demo(tmp_path / "data", seed=7)
    _, r = verdicts(matcher, *load_tables(tmp_path / "data"))
    write_outputs(r, tmp_path / "out", html=True, pdf=False)
    rows = list(csv.DictReader((tmp_path / "out" / "verdicts.csv").open(encoding="utf-8")))
    assert list(rows[0])[:4] == ["shipment_id", "verdict", "path", "reasons"]
    assert {x["verdict"] for x in rows} <= {"presumption", "review", "clear"}
    findings = [json.loads(x) for x in (tmp_path / "out" / "findings.jsonl").read_text().splitlines()]
    assert all(f["source"] for f in findings if f["rule"] in ("list_match", "xuar_location", "ilab_good"))
    assert all(f["edition"] for f in findings if f["rule"] == "list_match")
    html = (tmp_path / "out" / "report.html").read_text()
    assert "Evidence path" in html and "<svg" in html and "PARTIAL" in html
    assert not list((tmp_path / "out").glob(".*partial"))


def test_analyst_dismissal_is_reused(store, matcher):
    from laborlens.decisions import latest_decisions, record_decision

    with store.session() as s:
        record_decision(s, "ana", "DAQO NEW ENGY CO LTD", "uflpa-004", "uflpa", "dismissed",
                        "different company: registration number differs")
    with store.session() as s:
        dec = latest_decisions(s)
    parties = [IMP, Party("P", "DAQO NEW ENGY CO LTD", "CN", "Shanghai"), Party("EXP", "Example", "CN", "")]
    r = screen_tables(parties, [Link("P", "EXP", "polysilicon")],
                      [Shipment("S", "IMP", "EXP", "wafers", "", "")], matcher, dec)
    f = [f for f in r.findings if f.party_id == "P" and f.rule == "list_match"]
    assert f and f[0].severity == "info" and "dismissed by ana" in f[0].summary
    assert r.verdicts[0].verdict != "presumption"


def test_cli_screen(cli, tmp_path):
    generate_demo(tmp_path / "data", seed=7)
    r = cli("screen", tmp_path / "data", "-o", tmp_path / "out")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "out" / "verdicts.csv").exists() and (tmp_path / "out" / "report.html").exists()
    truth = load_truth(tmp_path / "data" / "truth.json")
    rows = list(csv.DictReader((tmp_path / "out" / "verdicts.csv").open(encoding="utf-8")))
    assert len(rows) == truth.counts["shipments"]
    assert {x["shipment_id"] for x in rows if x["verdict"] == "presumption"} == set(truth.tainted_shipment_ids())


def test_cli_screen_bad_input_exits_2(cli, tmp_path):
    d = tmp_path / "bad"
    d.mkdir()
    (d / "parties.csv").write_text("id,name,country,address\nP1,Example,CN,\n")
    (d / "links.csv").write_text("supplier_id,buyer_id,material\nP1,NOPE,cotton\n")
    (d / "shipments.csv").write_text("id,importer_id,exporter_id,material,hts,description\n")
    r = cli("screen", d, "-o", tmp_path / "out")
    assert r.exit_code == 2
    assert "links.csv" in r.output and ":2" in r.output
    assert not (tmp_path / "out" / "verdicts.csv").exists()


def test_listed_supplier_through_unconnected_materials_is_never_dropped(matcher):
    parties = [IMP, Party("L", "XINJIANG ZHONGTAI CHEM CO LTD", "CN", ""),
               Party("S", "Example Supplier", "CN", "Suzhou"), Party("EXP", "Example Exporter", "CN", "Ningbo")]
    ls = [Link("L", "S", "pvc resin"), Link("S", "EXP", "cotton yarn")]
    vs, _ = verdicts(matcher, parties, ls, [Shipment("SHP1", "IMP", "EXP", "garments", "6109", "")])
    v = vs["SHP1"]
    assert v.verdict == "review"
    assert any("L>S>EXP" in r for r in v.reasons)


def test_dismissal_falls_back_to_the_next_candidate(store, matcher):
    from laborlens.decisions import latest_decisions, record_decision

    name = "Chenguang Biotechnology Group Yanqi Co Ltd"
    with store.session() as s:
        record_decision(s, "ana", name, "uflpa-057", "uflpa", "dismissed", "not the Yanqi plant")
    with store.session() as s:
        dec = latest_decisions(s)
    r = screen_tables([IMP, Party("P", name, "CN", ""), Party("EXP", "Example", "CN", "")],
                      [Link("P", "EXP", "tomato paste")], [Shipment("S", "IMP", "EXP", "ketchup", "", "")],
                      matcher, dec)
    hits = [f for f in r.findings if f.party_id == "P" and f.rule == "list_match"]
    assert {f.details["entity_id"] for f in hits} == {"uflpa-057", "uflpa-056"}
    # the parent group is the next candidate and stays flagged: its whole listed name is in the query, plus
    # "Yanqi", a place the parent's name lacks. Whether that is a match or a review is the fitted scorer's
    # call (the refit of issue 9 makes it a match); the shipment's verdict follows that finding's severity.
    sev = {f.details["entity_id"]: f.severity for f in hits}["uflpa-056"]
    assert sev in ("review", "presumption")
    assert r.verdicts[0].verdict == sev


def test_xuar_address_with_a_foreign_country_field_goes_to_review(matcher):
    parties = [IMP, Party("F", "Example Cotton Farm", "US", "新疆维吾尔自治区阿克苏地区"),
               Party("EXP", "Example Spinner", "VN", "Hanoi")]
    vs, r = verdicts(matcher, parties, [Link("F", "EXP", "cotton")], [Shipment("S", "IMP", "EXP", "cotton yarn", "", "")])
    f = [f for f in r.findings if f.party_id == "F" and f.rule == "xuar_location"]
    assert f and f[0].severity == "review" and "country field" in f[0].summary


def test_party_ids_with_the_path_separator_are_refused(cli, tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    (d / "parties.csv").write_text("id,name,country,address\nA>B,Example,CN,\nE,Example 2,CN,\n")
    (d / "links.csv").write_text("supplier_id,buyer_id,material\nA>B,E,cotton\n")
    (d / "shipments.csv").write_text("id,importer_id,exporter_id,material,hts,description\nS,E,E,yarn,,\n")
    r = cli("load", d)
    assert r.exit_code == 2 and "parties.csv:2:id" in r.output


def test_a_decision_made_for_one_country_does_not_cover_another(store, matcher):
    from laborlens.decisions import latest_decisions, record_decision

    # (was "CAMEL GRP CO LTD": the fitted scorer gives that name review, see the closing note of issue 9)
    name = "HOSHINE SILICON IND CO LTD"
    with store.session() as s:
        # Hoshine is listed twice (UFLPA uflpa-001, WRO wro-044): the reseller is dismissed against both
        record_decision(s, "ana", name, "uflpa-001", "uflpa", "dismissed", "a reseller in Hanoi", "VN")
        record_decision(s, "ana", name, "wro-044", "wro", "dismissed", "a reseller in Hanoi", "VN")
    with store.session() as s:
        dec = latest_decisions(s)
    parties = [IMP, Party("V", name, "Viet Nam", ""), Party("C", name, "CN", ""), Party("EXP", "Ex", "CN", "")]
    r = screen_tables(parties, [], [], matcher, dec)
    sev = {f.party_id: f.severity for f in r.findings if f.rule == "list_match"}
    # the Vietnamese namesake is dismissed (or, with its country conflicting, below review); the Chinese one
    # is not covered by a decision made for Viet Nam
    assert sev["C"] == "presumption" and sev.get("V", "info") == "info"
