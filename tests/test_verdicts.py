"""The due-diligence verdict rules, table-driven: risk indicators make tracing to origin necessary; a chain
traced to its raw material is clear, one that stops short is review naming the gap, a tainted one is
presumption. Plus the pure ``decide`` step other engines call, and the finding-source registry."""

from __future__ import annotations

import csv

import pytest

from laborlens.match.service import build_matcher
from laborlens.model import Finding, Link, Party, Shipment
from laborlens.refdata.bundled import bundled_entries
from laborlens.screen import screen_tables, write_outputs
from laborlens.screen.sources import FindingSource, default_sources, finding_source
from laborlens.screen.verdicts import Indicators, ShipmentEvidence, decide, good_indicators
from laborlens.trace import TaintHit, Upstream


@pytest.fixture(scope="module")
def matcher():
    return build_matcher(list(bundled_entries("uflpa")) + list(bundled_entries("wro")))


IMP = Party("IMP", "Example Outdoor Apparel Inc.", "US", "Portland, Oregon")
P = {
    "GIN": Party("GIN", "Example Cotton Ginning Co., Ltd.", "CN", "Xiajin County, Dezhou, Shandong"),
    "XGIN": Party("XGIN", "Example Cotton Cooperative", "CN", "新疆维吾尔自治区阿克苏地区阿瓦提县"),
    "UZGIN": Party("UZGIN", "Example Ginnery LLC", "UZ", "Fergana, Uzbekistan"),
    "SPIN": Party("SPIN", "Example Spinning Co., Ltd.", "CN", "Nantong, Jiangsu"),
    "TRSPIN": Party("TRSPIN", "Example Iplik A.S.", "TR", "Denizli, Turkey"),
    "KNIT": Party("KNIT", "Example Knitting Co., Ltd.", "CN", "Shaoxing, Zhejiang"),
    "GARM": Party("GARM", "Example Garment JSC", "VN", "Binh Duong, Vietnam"),
    "MINE": Party("MINE", "Example Quartz Mining Co., Ltd.", "CN", "Qujing, Yunnan"),
    "MGSI": Party("MGSI", "Example Silicon Smelting Co., Ltd.", "CN", "Leshan, Sichuan"),
    "POLY": Party("POLY", "Example Silicon Materials Co., Ltd.", "CN", "Leshan, Sichuan"),
    "WAFER": Party("WAFER", "Example Wafer Co., Ltd.", "CN", "Changzhou, Jiangsu"),
    "CELL": Party("CELL", "Example Cell Sdn. Bhd.", "MY", "Penang, Malaysia"),
    "MOD": Party("MOD", "Example Module Co., Ltd.", "VN", "Bac Giang, Vietnam"),
    "SMELT": Party("SMELT", "Example Aluminum Smelting Co., Ltd.", "CN", "Baise, Guangxi"),
    "EXTR": Party("EXTR", "Example Extrusion Co., Ltd.", "CN", "Foshan, Guangdong"),
    "FARM": Party("FARM", "Example Vegetable Farm Cooperative", "CN", "Bayannur, Inner Mongolia"),
    "PASTE": Party("PASTE", "Example Tomato Products Co., Ltd.", "CN", "Zhangjiakou, Hebei"),
    "SAUCE": Party("SAUCE", "Example Condiments Co., Ltd.", "CN", "Tianjin"),
    "PLAST": Party("PLAST", "Example Plastics Co., Ltd.", "CN", "Ningbo, Zhejiang"),
    "CHAIR": Party("CHAIR", "Example Furniture Co., Ltd.", "CN", "Foshan, Guangdong"),
    "SHOE": Party("SHOE", "Example Footwear Co., Ltd.", "CN", "Jinjiang, Fujian"),
}
COTTON = [
    ("GIN", "SPIN", "raw cotton"),
    ("SPIN", "KNIT", "cotton yarn"),
    ("KNIT", "GARM", "cotton knit fabric"),
]
SOLAR = [
    ("MINE", "MGSI", "quartzite"),
    ("MGSI", "POLY", "metallurgical-grade silicon"),
    ("POLY", "WAFER", "polysilicon"),
    ("WAFER", "CELL", "silicon wafers"),
    ("CELL", "MOD", "solar cells"),
]
TOMATO = [("FARM", "PASTE", "fresh tomatoes"), ("PASTE", "SAUCE", "tomato paste")]

# name, links, (exporter, material, hts), verdict, reason fragment, priority_sector, ilab, traced, untraced
CASES = [
    (
        "cotton traced to the gin",
        COTTON,
        ("GARM", "cotton T-shirts", "6109.10"),
        "clear",
        "traced to origin, 4 tiers",
        True,
        True,
        True,
        [],
    ),
    (
        "cotton stops at the spinner",
        COTTON[1:],
        ("GARM", "cotton T-shirts", "6109.10"),
        "review",
        "SPIN (Example Spinning Co., Ltd.) gives no suppliers for cotton yarn",
        True,
        True,
        False,
        ["SPIN"],
    ),
    (
        "cotton from a XUAR gin",
        [("XGIN", "SPIN", "raw cotton"), *COTTON[1:]],
        ("GARM", "cotton T-shirts", "6109.10"),
        "presumption",
        "XGIN at tier 4",
        True,
        True,
        True,
        [],
    ),
    (
        "polysilicon traced to quartzite",
        SOLAR,
        ("MOD", "solar modules", "8541.43"),
        "clear",
        "traced to origin, 6 tiers",
        True,
        True,
        True,
        [],
    ),
    (
        "solar stops at the polysilicon maker",
        SOLAR[2:],
        ("MOD", "solar modules", "8541.43"),
        "review",
        "POLY (Example Silicon Materials Co., Ltd.) gives no suppliers for polysilicon",
        True,
        True,
        False,
        ["POLY"],
    ),
    (
        "aluminum traced to the smelter",
        [("SMELT", "EXTR", "primary aluminum")],
        ("EXTR", "aluminum extrusions", "7604.29"),
        "clear",
        "traced to origin, 2 tiers",
        True,
        False,
        True,
        [],
    ),
    (
        "aluminum stops at the extruder",
        [],
        ("EXTR", "aluminum extrusions", "7604.29"),
        "review",
        "EXTR (Example Extrusion Co., Ltd.) gives no suppliers for aluminum extrusion",
        True,
        False,
        False,
        ["EXTR"],
    ),
    (
        "tomatoes traced to the grower",
        TOMATO,
        ("SAUCE", "tomato ketchup", "2103.20"),
        "clear",
        "traced to origin, 3 tiers",
        True,
        False,
        True,
        [],
    ),
    (
        "tomato paste with no grower",
        TOMATO[1:],
        ("SAUCE", "tomato ketchup", "2103.20"),
        "review",
        "PASTE (Example Tomato Products Co., Ltd.) gives no suppliers for tomato paste",
        True,
        False,
        False,
        ["PASTE"],
    ),
    # an ILAB good/country pair alone (footwear from China is not a UFLPA sector) also needs tracing
    (
        "ILAB good, not traced",
        [],
        ("SHOE", "leather footwear", "6403.99"),
        "review",
        "SHOE (Example Footwear Co., Ltd.) gives no suppliers for",
        False,
        True,
        False,
        ["SHOE"],
    ),
    # no risk indicator: a gap is reported, not held against the shipment
    (
        "no indicator, gap noted",
        [("PLAST", "CHAIR", "plastic parts")],
        ("CHAIR", "office chairs", "9401.30"),
        "clear",
        "no risk indicator requires it",
        False,
        False,
        False,
        ["PLAST"],
    ),
    # a country-wide WRO scope (all Turkmenistan cotton) covers cotton goods: traced to an Uzbek gin, clear
    (
        "cotton yarn traced past the Turkmen WRO",
        [("UZGIN", "TRSPIN", "raw cotton")],
        ("TRSPIN", "cotton yarn", "5205.12"),
        "clear",
        "traced to origin, 2 tiers",
        True,
        False,
        True,
        [],
    ),
]


def _screen(matcher, links, ship, **kw):
    exp, material, hts = ship
    ids = {exp} | {a for a, _, _ in links} | {b for _, b, _ in links}
    parties = [IMP, *(P[i] for i in sorted(ids))]
    ls = [
        Link(a, b, m, quantity=kw.get("qty", {}).get((a, b)), unit="kg" if kw.get("qty") else "")
        for a, b, m in links
    ]
    r = screen_tables(
        parties, ls, [Shipment("S1", "IMP", exp, material, hts, material)], matcher, sources=kw.get("sources")
    )
    return r.verdicts[0], r


@pytest.mark.parametrize(
    "name, links, ship, verdict, reason, sector, ilab, traced, untraced", CASES, ids=[c[0] for c in CASES]
)
def test_verdict_rules(matcher, name, links, ship, verdict, reason, sector, ilab, traced, untraced):
    v, _ = _screen(matcher, links, ship)
    assert v.verdict == verdict, v.reasons
    assert any(reason in r for r in v.reasons), v.reasons
    assert bool(v.priority_sector) is sector
    assert bool(v.ilab) is ilab, v.ilab
    assert v.traced_to_origin is traced
    assert v.untraced == untraced
    if verdict == "review" and untraced:  # the gap is the decisive reason, said first
        assert v.reasons[0].startswith("not traced to origin: ")
    if verdict == "clear" and (sector or ilab):
        assert v.reasons[0].startswith("traced to origin")


def test_risk_indicators_alone_are_flags_not_verdicts(matcher):
    v, r = _screen(matcher, COTTON, ("GARM", "cotton T-shirts", "6109.10"))
    assert v.verdict == "clear" and v.priority_sector == "Apparel"
    assert any(f.rule == "ilab_good" and f.severity == "indicator" for f in r.findings)
    assert v.wro_scope and "Turkmenistan" in v.wro_scope[0]  # a country-wide scope covers cotton goods
    assert v.tiers_traced == 4


def test_unreconciled_volumes_are_review(matcher):
    qty = {("GIN", "SPIN"): 1000.0, ("SPIN", "KNIT"): 5000.0, ("KNIT", "GARM"): 4000.0}
    v, _ = _screen(matcher, COTTON, ("GARM", "cotton T-shirts", "6109.10"), qty=qty)
    assert v.verdict == "review" and v.traced_to_origin
    assert any("recorded inputs support at most" in r for r in v.reasons), v.reasons


def test_a_new_finding_source_is_one_function(matcher):
    # (a name of its own: the real grievance source is registered as "grievance")
    @finding_source("hotline", "checking hotline reports", register=False)
    def grievances(inp):
        return [
            Finding(
                "KNIT",
                "hotline",
                "review",
                "open credible grievance G-0042: wages withheld",
                "hotline",
                "",
            )
        ]

    src: FindingSource = grievances.source
    assert "hotline" not in {s.name for s in default_sources()}  # register=False keeps the defaults
    v, r = _screen(matcher, COTTON, ("GARM", "cotton T-shirts", "6109.10"), sources=[*default_sources(), src])
    assert v.verdict == "review" and v.path == ["KNIT", "GARM"]
    assert "open credible grievance G-0042: wages withheld" in v.reasons
    assert {s.name for s in default_sources()} >= {"lists", "xuar", "goods", "mass_balance"}


def test_verdicts_csv_carries_the_flags(matcher, tmp_path):
    _, r = _screen(matcher, COTTON[1:], ("GARM", "cotton T-shirts", "6109.10"))
    write_outputs(r, tmp_path, html=False, pdf=False)
    row = next(csv.DictReader((tmp_path / "verdicts.csv").open(encoding="utf-8")))
    assert list(row)[:8] == [
        "shipment_id",
        "verdict",
        "path",
        "reasons",
        "priority_sector",
        "ilab",
        "traced_to_origin",
        "untraced_parties",
    ]
    assert (
        row["verdict"],
        row["priority_sector"],
        row["ilab"],
        row["traced_to_origin"],
        row["untraced_parties"],
        row["sector"],
    ) == ("review", "true", "true", "false", "SPIN", "Apparel")


# -- the pure step other engines call -------------------------------------------------------------------
def _decide(**ev):
    ship = Shipment("S1", "IMP", "EXP", "cotton T-shirts", "6109.10", "")
    findings = {
        "T": [Finding("T", "list_match", "presumption", "name matches UFLPA uflpa-010", "uflpa", "e1")],
        "R": [Finding("R", "mass_balance", "review", "R ships more than it buys", "quantities", "")],
        "I": [
            Finding(
                "I",
                "ilab_good",
                "indicator",
                "ILAB lists Cotton from China",
                "ilab",
                "2022",
                {"good": "Cotton", "country": "China"},
            )
        ],
    }
    ev.setdefault("indicators", good_indicators(ship))
    return decide(ship, ShipmentEvidence(**ev), lambda p: findings.get(p, []), lambda p: f"Name of {p}")


DECIDE = [
    ({"upstream": Upstream("S1", (("A", 2), ("B", 3)))}, "clear", "traced to origin, 3 tiers"),
    (
        {"upstream": Upstream("S1", (("A", 2),), (("A", "cotton yarn", 2),))},
        "review",
        "A (Name of A) gives no suppliers for cotton yarn (tier 2)",
    ),
    (
        {
            "worst": TaintHit("T", 2, 3, ("T", "A", "EXP"), ("cotton", "cotton yarn", "garment")),
            "upstream": Upstream("S1", (("A", 2), ("T", 3))),
        },
        "presumption",
        "name matches UFLPA uflpa-010",
    ),
    (
        {
            "worst": TaintHit("R", 1, 2, ("R", "EXP"), ("fabric", "garment")),
            "upstream": Upstream("S1", (("R", 2),)),
        },
        "review",
        "R ships more than it buys",
    ),
    (
        {
            "blind": TaintHit("T", 2, 3, ("T", "A", "EXP"), ("", "", "")),
            "upstream": Upstream("S1", (("A", 2),)),
        },
        "review",
        "materials the input map does not connect",
    ),
    (
        {"ilab_parties": ("I",), "upstream": Upstream("S1", (("I", 2),)), "indicators": Indicators()},
        "clear",
        "ILAB good/country pair upstream",
    ),
    (
        {"upstream": Upstream("S1", (("A", 2),), (("A", "widget", 2),)), "indicators": Indicators()},
        "clear",
        "no risk indicator requires it",
    ),
    # bulk runs: no upstream list, the nearest untraced party stands in for the gaps
    (
        {"nearest_untraced": TaintHit("A", 1, 2, ("A", "EXP"), ("cotton yarn", "garment"))},
        "review",
        "A (Name of A) gives no suppliers for cotton yarn",
    ),
]


@pytest.mark.parametrize("ev, verdict, reason", DECIDE)
def test_decide_is_a_pure_function_of_the_evidence(ev, verdict, reason):
    v = _decide(**ev)
    assert v.verdict == verdict, v.reasons
    assert any(reason in r for r in v.reasons), v.reasons
    assert _decide(**ev) == v  # same evidence, same verdict
