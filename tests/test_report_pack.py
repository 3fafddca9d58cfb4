"""The evidence pack a broker can send: the summary (counts, presumption paths with names, what a rebuttal
still needs, review gaps, analyst decisions) comes before the details; the demo pack stays short; Chinese
text without a CJK font is flagged in the PDF and the warning says how to install one."""

from __future__ import annotations

from test_result import demo_result  # noqa: F401 - the module fixture

from laborlens.decisions import Decisions, HumanDecision
from laborlens.report import render as report_render
from laborlens.report import render_html, render_pdf


def test_summary_first_then_details(demo_result):  # noqa: F811
    html = render_html(demo_result)
    order = [html.index(h) for h in ("Presumption shipments: paths and what a rebuttal still needs",
                                      "Review shipments: what is missing", "Lists and editions screened",
                                      "Presumption shipments in detail", "All shipments (appendix)")]
    assert order == sorted(order)
    summary = html[order[0]:order[1]]
    v = next(v for v in demo_result.verdicts if v.verdict == "presumption" and len(v.path) > 2)
    # the path is given by names, not only ids
    assert all(f"{demo_result.party_name(pid)}" in summary for pid in v.path if demo_result.party_name(pid) != pid)
    review = html[order[1]:order[2]]
    gap = next(v for v in demo_result.verdicts if v.verdict == "review" and v.gaps)
    assert gap.shipment_id in review and "back to raw materials" in review


def test_decisions_show_in_the_pack():
    from laborlens.match.service import build_matcher
    from laborlens.model import Link, Party, Shipment
    from laborlens.refdata.bundled import bundled_entries
    from laborlens.screen import screen_tables

    matcher = build_matcher(list(bundled_entries("uflpa")))
    from datetime import datetime

    from laborlens.names.normalize import name_key

    dec = Decisions({(name_key("DAQO NEW ENGY CO LTD"), "", "uflpa-004"): HumanDecision(
        "dismissed", "ada", datetime(2026, 12, 1), "different company, USCC 9133")})
    r = screen_tables([Party("IMP", "Importer Inc", "US"), Party("P", "DAQO NEW ENGY CO LTD", "CN", "Shanghai"),
                       Party("EXP", "Wafer Trading", "VN", "Hanoi")], [Link("P", "EXP", "polysilicon")],
                      [Shipment("S1", "IMP", "EXP", "wafers")], matcher, dec)
    html = render_html(r)
    assert "Analyst decisions applied" in html
    assert "dismissed by ada on 2026-12-01: different company, USCC 9133" in html


def test_demo_pack_is_short(demo_result):  # noqa: F811
    from weasyprint import HTML

    pages = len(HTML(string=render_html(demo_result)).render().pages)
    presumptions = sum(v.verdict == "presumption" for v in demo_result.verdicts)
    print(f"demo evidence pack: {pages} pages for {len(demo_result.verdicts)} shipments "
          f"({presumptions} presumptions)")
    assert pages < 2 * presumptions  # the old pack drew a page or more per non-clear shipment (117 pages)


def test_missing_cjk_font_is_said_and_marked(monkeypatch, tmp_path):
    monkeypatch.setattr(report_render, "cjk_font_missing", lambda: "no font with Chinese glyphs is installed: "
                        + report_render.CJK_INSTALL)
    html = "<html><body><main><p>新疆维吾尔自治区</p></main></body></html>"
    warning = render_pdf(html, tmp_path / "x.pdf")
    assert "apt-get install fonts-wqy-zenhei" in warning and (tmp_path / "x.pdf").stat().st_size > 0
    assert render_pdf("<html><body><main>plain</main></body></html>", tmp_path / "y.pdf") == ""


def test_cjk_font_check_reads_fontconfig(monkeypatch):
    import shutil

    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert "fonts-wqy-zenhei" in report_render.cjk_font_missing()
