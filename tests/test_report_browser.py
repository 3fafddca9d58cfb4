"""The evidence pack renders in a real browser: summary, chart, tier maps (screenshots kept for review)."""

from laborlens.demo import generate_demo
from laborlens.ingest import load_tables
from laborlens.match.service import build_matcher
from laborlens.refdata.bundled import bundled_entries
from laborlens.screen import screen_tables, write_outputs

from browser import ARTIFACTS, chromium_page


def test_evidence_pack_renders_in_chromium(tmp_path):
    generate_demo(tmp_path / "data", seed=7)
    m = build_matcher(list(bundled_entries("uflpa")) + list(bundled_entries("wro")))
    r = screen_tables(*load_tables(tmp_path / "data"), m)
    write_outputs(r, tmp_path / "out", html=True, pdf=False)
    first = next(v for v in r.verdicts if v.verdict == "presumption")
    with chromium_page() as page:
        page.goto((tmp_path / "out" / "report.html").as_uri())
        assert page.locator(".kpi.presumption b").inner_text() == str(r.summary()["presumption"])
        page.screenshot(path=str(ARTIFACTS / "report-summary.png"))
        section = page.locator(f"#s-{first.shipment_id}")
        section.scroll_into_view_if_needed()
        assert section.locator("svg.tiermap g.node").count() >= len(first.path)
        # every party on the evidence path is drawn, and the path's edges are red
        for pid in first.path:
            assert section.locator(f'g.node[data-party="{pid}"]').count() == 1
        assert section.locator('path[stroke="#b42318"]').count() >= len(first.path) - 1
        section.screenshot(path=str(ARTIFACTS / "report-shipment.png"))
    print(f"screenshots in {ARTIFACTS}")
