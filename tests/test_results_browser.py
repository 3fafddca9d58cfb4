"""In headless Chromium: the results table of a demo run pages on the server (the URL says which page),
a filter changes the URL (bookmarkable), and the CSV and XLSX exports hold exactly the filtered rows the
table shows; the page fits 390 px and 1024 px. Screenshots in ``test-artifacts/screenshots/results-*.png``."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from urllib.parse import parse_qs, urlparse

import pytest
from browser import ARTIFACTS, chromium_page, live_server
from openpyxl import load_workbook
from test_review import ctx_for

from laborlens import accounts
from laborlens.api import create_app
from laborlens.demo import generate_demo
from laborlens.ingest import load_tables
from laborlens.match.service import build_matcher
from laborlens.refdata.bundled import bundled_entries
from laborlens.screen import screen_tables, write_outputs
from laborlens.service import review as uc

pytestmark = pytest.mark.browser
SHOTS = ARTIFACTS / "screenshots"
PASSWORD = "viewer password 12"


@pytest.fixture()
def site(settings, tmp_path) -> Iterator[tuple[str, str]]:
    app = create_app(settings)
    with app.state.store.session() as s:
        accounts.add_user(s, "vic", PASSWORD, "viewer")
    generate_demo(tmp_path / "data", seed=7)
    matcher = build_matcher(list(bundled_entries("uflpa")) + list(bundled_entries("wro")))
    r = screen_tables(*load_tables(tmp_path / "data"), matcher)
    write_outputs(r, tmp_path / "out", html=False, pdf=False)
    run = uc.record_run(ctx_for(settings, app.state.store, "cli", "analyst"), str(tmp_path / "data"),
                        str(tmp_path / "out"), r.summary(), name="demo")
    with live_server(app) as url:
        yield url, run


def _shown(page) -> list[str]:
    return page.locator("#verdicts tbody tr").evaluate_all("rows => rows.map(r => r.dataset.shipment)")


def _query(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def test_results_page_filter_and_export_what_is_shown(site) -> None:
    server, run = site
    SHOTS.mkdir(parents=True, exist_ok=True)
    with chromium_page(1280, 900) as page:
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(server + "/")
        page.get_by_label("User name").fill("vic")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(server + "/")

        page.goto(f"{server}/jobs/{run}?per_page=20")
        page.wait_for_selector("#verdicts")
        first = _shown(page)
        assert len(first) == 20 and "1–20 of 70 shipments" in page.locator("#verdict-shown").inner_text()
        page.locator("#next-page").click()
        page.wait_for_url("**page=2**")
        second = _shown(page)
        assert len(second) == 20 and not set(first) & set(second)
        assert "21–40 of 70" in page.locator("#verdict-shown").inner_text()
        page.screenshot(path=str(SHOTS / "results-01-page-2.png"), full_page=True)

        # a filter: verdict review, then "stops at an untraced tier"; each is in the URL
        page.locator("[data-filter=review]").click()
        page.wait_for_url("**verdict=review**")
        page.get_by_label("stops at an untraced tier").check()  # applies at once
        page.wait_for_url("**flag=untraced**")
        q = _query(page)
        assert q["verdict"] == ["review"] and q["flag"] == ["untraced"] and q["per_page"] == ["20"]
        assert "page" not in q  # a new filter starts at its first page
        rows = _shown(page)
        assert rows and all(v == "review" for v in page.locator("#verdicts tbody tr").evaluate_all(
            "rows => rows.map(r => r.dataset.verdict)"))
        assert all("stops short" in t for t in page.locator("#verdicts tbody tr td:nth-child(7)").all_inner_texts())
        total = int(page.locator("#verdict-shown").inner_text().split(" of ")[1].split()[0])
        assert total == len(rows)  # one page holds the whole filter: the table is what the export must hold
        page.screenshot(path=str(SHOTS / "results-02-filtered.png"), full_page=True)
        bookmark = page.url

        with page.expect_download() as dl:
            page.locator("#export-csv").click()
        assert dl.value.suggested_filename == f"{run}-verdicts.csv"
        text = dl.value.path().read_text(encoding="utf-8")
        exported = [r["shipment_id"] for r in csv.DictReader(io.StringIO(text))]
        assert exported == rows
        with page.expect_download() as dl:
            page.locator("#export-xlsx").click()
        assert dl.value.suggested_filename == f"{run}-verdicts.xlsx"
        saved = SHOTS / dl.value.suggested_filename
        dl.value.save_as(str(saved))
        ws = load_workbook(saved).active
        header = [c.value for c in ws[1]]
        body = list(ws.iter_rows(min_row=2, values_only=True))
        assert [b[0] for b in body] == rows
        assert all(b[header.index("verdict")] == "review" and b[header.index("untraced_parties")] for b in body)
        names = [b[header.index("untraced_names")] for b in body]
        shown_titles = page.locator("#verdicts tbody tr td:nth-child(7)").evaluate_all(
            "cells => cells.map(c => c.title)")
        assert all(n.split("; ")[0] in t for n, t in zip(names, shown_titles, strict=True))  # party names

        # the bookmarked URL shows the same rows to someone who opens it again
        page.goto(f"{server}/")
        page.goto(bookmark)
        assert _shown(page) == rows
        # sort by tier, deepest first, from the column header; the URL keeps it
        page.goto(f"{server}/jobs/{run}?verdict=presumption")
        page.locator("th a[data-sort=tier]").click()
        page.wait_for_url("**sort=tier**")
        page.locator("th a[data-sort=tier]").click()
        page.wait_for_url("**desc=true**")
        assert page.locator("th[aria-sort=descending] a[data-sort=tier]").count() == 1
        tiers = [int(t) for t in page.locator("#verdicts tbody tr td:nth-child(6)").all_inner_texts()]
        assert tiers == sorted(tiers, reverse=True) and tiers[0] > tiers[-1]
        for width in (1024, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{server}/jobs/{run}?flag=untraced")
            page.wait_for_selector("#verdicts")
            # the page itself never scrolls sideways; the table scrolls in its own box
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            assert page.locator("#export-csv").is_visible() and page.locator("[data-filter=clear]").is_visible()
            page.screenshot(path=str(SHOTS / f"results-03-{width}px.png"), full_page=True)
        assert not errors, errors
