"""End to end in headless Chromium: sign in, upload the demo supply chain, wait for the screening job, find a
presumption verdict, open its tier map and download the evidence pack. Screenshots are kept for review in
``test-artifacts/screenshots`` (the path is printed)."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import ARTIFACTS, chromium_page, live_server

from laborlens import accounts
from laborlens.api import create_app
from laborlens.demo import generate_demo
from laborlens.settings import Settings

pytestmark = pytest.mark.browser
SHOTS = ARTIFACTS / "screenshots"
PASSWORD = "analyst password 1"


@pytest.fixture()
def server(settings: Settings) -> Iterator[str]:
    app = create_app(settings)
    with app.state.store.session() as s:
        accounts.add_user(s, "ana", PASSWORD, "analyst")
    with live_server(app) as url:
        yield url


def test_upload_screen_trace_and_download(server: str, tmp_path: Path) -> None:
    data = tmp_path / "demo"
    generate_demo(data, seed=7)
    SHOTS.mkdir(parents=True, exist_ok=True)
    with chromium_page(1440, 900) as page:
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

        page.goto(server + "/")
        assert "/signin" in page.url
        page.screenshot(path=str(SHOTS / "01-signin.png"))
        page.get_by_label("User name").fill("ana")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(server + "/")
        page.screenshot(path=str(SHOTS / "02-dashboard-empty.png"))

        page.get_by_role("link", name="Screen files").first.click()
        for table in ("parties", "links", "shipments"):
            page.set_input_files(f"#f-{table}", str(data / f"{table}.csv"))
        page.screenshot(path=str(SHOTS / "03-upload.png"))
        page.get_by_role("button", name="Upload and screen").click()
        page.wait_for_selector("#upload-progress:not([hidden])")
        page.screenshot(path=str(SHOTS / "04-upload-progress.png"))
        # while it screens, the list of the job's real stages fills in (read first, the rest planned)
        page.wait_for_selector("#upload-stages li.done", timeout=60_000)
        stages = page.locator("#upload-stages li").evaluate_all("lis => lis.map(li => li.dataset.stage)")
        assert stages[:3] == ["read", "validate", "prepare"] and "lists" in stages and stages[-1] == "write"
        page.screenshot(path=str(SHOTS / "04b-upload-stages.png"))
        page.wait_for_url("**/jobs/*", timeout=180_000)
        job_url = page.url
        page.wait_for_selector("#verdicts")
        page.screenshot(path=str(SHOTS / "05-results.png"), full_page=True)

        page.locator("[data-filter=presumption]").click()
        page.wait_for_url("**verdict=presumption**")
        visible = page.locator("#verdicts tbody tr:visible")
        assert visible.count() > 0
        assert all(v == "presumption" for v in visible.evaluate_all("rows => rows.map(r => r.dataset.verdict)"))
        tier = page.locator("th a[data-sort=tier]")
        tier.click()
        page.wait_for_url("**sort=tier**")
        tier.click()  # deepest first: the most interesting tier map
        page.wait_for_url("**desc=true**")
        assert page.locator("th:has(a[data-sort=tier])").get_attribute("aria-sort") == "descending"
        page.screenshot(path=str(SHOTS / "06-presumptions-by-tier.png"))

        visible.first.locator("td a").first.click()
        page.wait_for_selector("#tiermap svg .tm-node")
        assert page.locator(".badge-presumption").first.is_visible()
        tainted = page.locator("#tiermap .tm-node.sev-presumption")
        assert tainted.count() >= 1
        tainted.first.click()
        assert page.locator("#tiermap-panel .badge-presumption").count() >= 1
        page.screenshot(path=str(SHOTS / "07-shipment-tiermap.png"), full_page=True)
        page.get_by_role("button", name="All upstream").click()
        page.locator("#tiermap").screenshot(path=str(SHOTS / "08-tiermap-all-upstream.png"))
        page.locator("#tiermap .tm-node.sev-presumption").first.focus()
        page.keyboard.press("Enter")  # the map works from the keyboard too
        page.locator("#tiermap-panel").get_by_role("link", name="Open party page").click()
        page.wait_for_selector("h1")
        assert page.locator(".badge-presumption").count() >= 1
        page.screenshot(path=str(SHOTS / "09-party.png"), full_page=True)

        # a chain that stops short: review, and the page names the party that gives no suppliers
        page.goto(job_url)
        page.locator("[data-filter=review]").click()
        page.wait_for_url("**verdict=review**")
        page.locator("#verdicts tbody tr:visible", has_text="not traced to origin").first.locator("td a").first.click()
        page.wait_for_selector("#due-diligence")
        card = page.locator("#due-diligence")
        assert "gives no suppliers for" in card.inner_text() and card.locator(".badge-review").is_visible()
        page.screenshot(path=str(SHOTS / "11-shipment-stops-short.png"), full_page=True)
        # a chain traced to origin: clear, though in a high-priority sector
        page.goto(job_url)
        page.locator("[data-filter=clear]").click()
        page.wait_for_url("**verdict=clear**")
        page.locator("#verdicts tbody tr:visible").first.locator("td a").first.click()
        page.wait_for_selector("#due-diligence")
        assert "traced to origin" in page.locator(".reasons").inner_text()
        assert page.locator("#due-diligence .badge-clear").is_visible()
        page.screenshot(path=str(SHOTS / "12-shipment-traced.png"), full_page=True)

        page.goto(job_url)
        with page.expect_download() as dl:
            page.locator("#dl-evidence").click()
        pack = SHOTS / "evidence.zip"
        dl.value.save_as(str(pack))
        page.goto(server + "/")
        page.screenshot(path=str(SHOTS / "10-dashboard.png"), full_page=True)
        assert not errors, errors

    names = zipfile.ZipFile(pack).namelist()
    for required in ("report.html", "report.pdf", "verdicts.csv", "findings.jsonl", "result.json"):
        assert any(n.endswith(f"results/{required}") for n in names), required
    assert any(n.endswith("inputs/shipments.csv") for n in names)
    print(f"screenshots and evidence pack in {SHOTS}")
