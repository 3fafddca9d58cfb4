"""The screening result contract: ScreenResult round-trips through result.json, old results still read, the
report renders a result without the pipeline, and the UI and the PDF draw the same tier map."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from laborlens.api import results
from laborlens.demo import generate_demo
from laborlens.errors import InputError
from laborlens.ingest import load_tables
from laborlens.match.service import build_matcher
from laborlens.refdata.bundled import bundled_entries
from laborlens.report import render_html
from laborlens.screen import screen_tables, write_outputs
from laborlens.screen.result import SCHEMA_VERSION, ScreenResult
from laborlens.screen.tiermap import MAP_CAP


@pytest.fixture(scope="module")
def demo_result(tmp_path_factory):
    d = tmp_path_factory.mktemp("demo")
    generate_demo(d, seed=7)
    matcher = build_matcher(list(bundled_entries("uflpa")) + list(bundled_entries("wro")))
    return screen_tables(*load_tables(d), matcher)


def test_round_trip_through_result_json(demo_result, tmp_path):
    write_outputs(demo_result, tmp_path, html=False, pdf=False)
    data = json.loads((tmp_path / "result.json").read_text(encoding="utf-8"))
    assert data["schema_version"] == SCHEMA_VERSION
    back = ScreenResult.from_json(data)
    assert back.verdicts == demo_result.verdicts
    assert [f.party_id for f in back.findings] == [f.party_id for f in demo_result.findings]
    assert back.parties == demo_result.parties
    assert back.summary() == demo_result.summary()
    assert json.loads(json.dumps(back.to_json(), default=str)) == data


def test_a_version_1_result_still_reads_and_a_future_one_is_refused():
    from webapp_helpers import fake_result

    old = ScreenResult.from_json(fake_result())  # written before the flags existed
    v = old.verdict("SH2")
    assert v.verdict == "review" and v.untraced == ["EXP2"] and not v.traced_to_origin and v.gaps == []
    assert old.party_name("S3").startswith("Hoshine")
    with pytest.raises(InputError, match="schema version 99"):
        ScreenResult.from_json({**fake_result(), "schema_version": 99})
    with pytest.raises(InputError, match="verdict 'maybe'"):
        ScreenResult.from_json({**fake_result(), "verdicts": [{"shipment_id": "X", "verdict": "maybe"}]})


def test_the_report_renders_a_result_without_the_screening_run():
    code = (
        "import sys, laborlens.report.render, laborlens.api.results; "
        "print('laborlens.screen.run' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def _svg_tiers(html: str, shipment_id: str) -> dict[str, int]:
    section = html.split(f'id="s-{shipment_id}"', 1)[1].split("</article>", 1)[0]
    svg = section[section.index('<svg class="tiermap"') : section.index("</svg>")]
    return {p: int(t) for p, t in re.findall(r'data-party="([^"]+)" data-tier="(\d+)"', svg)}


def test_the_ui_and_the_pdf_draw_the_same_tier_map(demo_result):
    html = render_html(demo_result)
    data = json.loads(json.dumps(demo_result.to_json(), default=str))  # what the API reads
    # the pack draws a tier map for each presumption; review shipments get a row with their gap instead
    shown = [v for v in demo_result.verdicts if v.verdict == "presumption"]
    assert len(shown) > 10
    for v in demo_result.verdicts:
        if v.verdict == "review":
            assert f'aria-label="Tier map for shipment {v.shipment_id}"' not in html
            assert f"<td>{v.shipment_id}<br>" in html  # its row in "Review shipments: what is missing"
    for v in shown:
        api = {n["id"]: n["tier"] for n in results.verdict_detail(data, v.shipment_id)["map"]["nodes"]}
        assert _svg_tiers(html, v.shipment_id) == api, v.shipment_id
        assert len(api) <= MAP_CAP + 1  # the importer is drawn besides the cap
        # every party on an evidence path is drawn, at the lowest tier it can feed the shipment from
        for h in v.tainted:
            for k, pid in enumerate(h["path"]):
                assert api[pid] <= len(h["path"]) - k
        for pid, tier in v.upstream_parties:
            if pid in api:
                assert api[pid] <= tier


def test_the_cap_keeps_evidence_paths_and_the_nearest_tiers(demo_result):
    from laborlens.screen.tiermap import party_tiers

    v = max((v for v in demo_result.verdicts if v.tainted), key=lambda v: v.upstream)
    assert v.upstream > 8
    tiers, cut = party_tiers(demo_result, v, cap=8)
    full, _ = party_tiers(demo_result, v, cap=10_000)
    assert cut and len(tiers) >= 8
    assert {p for h in v.tainted for p in h["path"]} <= set(tiers)  # evidence paths always fit
    assert all(tiers[p] == full[p] for p in tiers)  # the same tier whatever the cap
    extra = [p for p in tiers if p not in {q for h in v.tainted for q in h["path"]} | {v.exporter_id}]
    dropped = [t for p, t in full.items() if p not in tiers]
    assert max((tiers[p] for p in extra), default=0) <= min(dropped)  # nearest upstream first


def test_evidence_paths_and_gaps_carry_party_names(demo_result):
    data = json.loads(json.dumps(demo_result.to_json(), default=str))
    v = next(v for v in demo_result.verdicts if v.verdict == "presumption" and len(v.path) > 2)
    row = results.verdict_detail(data, v.shipment_id)["verdict"]
    assert [p["id"] for p in row["path_parties"]] == v.path
    assert all(p["name"] == demo_result.parties[p["id"]].name for p in row["path_parties"])
    gap = next(v for v in demo_result.verdicts if v.gaps)
    g = results.get_verdict(data, gap.shipment_id)["gaps"][0]
    assert g["name"] == demo_result.parties[g["party_id"]].name and g["material"]
    html = render_html(demo_result)
    assert f"{v.path[0]} {demo_result.parties[v.path[0]].name}" in html.replace("&amp;", "&")


def test_bulk_runs_reach_the_same_verdicts(demo_result, tmp_path, monkeypatch):
    """Above DETAIL_ALL shipments the upstream lists are skipped (one search per rule instead of one per
    shipment): verdicts and flags must not change, only the detail shown."""
    from laborlens.screen import run

    d = tmp_path / "d"
    generate_demo(d, seed=7)
    monkeypatch.setattr(run, "DETAIL_ALL", 0)
    matcher = build_matcher(list(bundled_entries("uflpa")) + list(bundled_entries("wro")))
    bulk = run.screen_tables(*load_tables(d), matcher)
    for a, b in zip(demo_result.verdicts, bulk.verdicts, strict=True):
        assert (a.shipment_id, a.verdict, a.path, a.traced_to_origin, a.untraced, bool(a.ilab)) == (
            b.shipment_id, b.verdict, b.path, b.traced_to_origin, b.untraced, bool(b.ilab)), a.shipment_id
        assert re.split("[:,]", a.reasons[0])[0] == re.split("[:,]", b.reasons[0])[0]  # bulk: no tier count
