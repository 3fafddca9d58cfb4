"""In headless Chromium: the review queue (select all, note, dismiss), the decision shown on the party page,
a re-screen and the run diff that says why; then at 390 px every top-level page reached through the
navigation. Screenshots in ``test-artifacts/screenshots/review-*.png``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser import ARTIFACTS, chromium_page, live_server
from test_review import LINKS, PARTIES, ctx_for, screen_run
from webapp_helpers import enrol_totp, second_factor_code

from laborlens import accounts
from laborlens.api import create_app
from laborlens.match.service import build_matcher
from laborlens.model import Link, Party
from laborlens.refdata.bundled import bundled_entries
from laborlens.web.render import NAV

pytestmark = pytest.mark.browser
SHOTS = ARTIFACTS / "screenshots"
PASSWORD = "admin password 12"
ALL_PARTIES = [*PARTIES, Party("Q", "Hoshine Silicon Industry (Shanshan) Co", "CN", "Shanghai")]
ALL_LINKS = [*LINKS, Link("Q", "EXP", "polysilicon")]
_APP: list = []  # the running app, for the second-factor code


@pytest.fixture()
def site(settings, tmp_path) -> Iterator[tuple[str, object]]:
    app = create_app(settings)
    with app.state.store.session() as s:
        accounts.add_user(s, "ada", PASSWORD, "admin")
    enrol_totp(app, "ada")  # admins sign in with a second factor
    _APP[:] = [app]
    matcher = build_matcher(list(bundled_entries("uflpa")) + list(bundled_entries("wro")))
    ctx = ctx_for(settings, app.state.store, "ada", "admin")
    screen_run(ctx, matcher, tmp_path, "before review", parties=ALL_PARTIES, links=ALL_LINKS)
    with live_server(app) as url:
        yield url, (ctx, matcher, tmp_path)


def _sign_in(page, server: str) -> None:
    page.goto(server + "/")
    page.get_by_label("User name").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if "/signin/totp" in page.url:  # admins answer the two-factor step
        page.get_by_label("6-digit code or a recovery code").fill(second_factor_code(_APP[0], "ada"))
        page.get_by_role("button", name="Verify").click()
    page.wait_for_url(server + "/")


def test_queue_bulk_dismiss_and_run_diff(site) -> None:
    server, (ctx, matcher, tmp) = site
    SHOTS.mkdir(parents=True, exist_ok=True)
    with chromium_page(1280, 900) as page:
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        _sign_in(page, server)
        page.get_by_role("link", name="Review queue").click()
        page.wait_for_selector("#queue")
        assert page.locator("#queue tbody tr").count() == 2
        page.screenshot(path=str(SHOTS / "review-01-queue.png"), full_page=True)
        page.locator("#select-all").check()
        page.locator("#bulk-dismiss").click()  # no note: refused, nothing recorded
        page.wait_for_selector("h1")
        page.screenshot(path=str(SHOTS / "review-01b-no-note.png"))
        assert "note is required" in page.content()
        page.go_back()
        page.wait_for_selector("#queue")
        page.locator("#select-all").check()
        page.locator("#bulk-note").fill("different companies, USCC checked")
        page.locator("#bulk-dismiss").click()
        page.wait_for_selector(".flash")
        assert "Dismissed 2 match(es)" in page.locator(".flash").inner_text()
        assert page.locator("#queue-empty").is_visible()
        page.goto(server + "/review?decided=true")
        assert page.locator("#queue tbody tr", has_text="dismissed by ada on").count() == 2
        page.screenshot(path=str(SHOTS / "review-02-decided.png"), full_page=True)

        screen_run(ctx, matcher, tmp, "after review", parties=ALL_PARTIES, links=ALL_LINKS)
        page.get_by_role("link", name="Runs").click()
        page.wait_for_selector("#runs")
        page.screenshot(path=str(SHOTS / "review-03-runs.png"), full_page=True)
        page.locator("#compare").click()
        page.wait_for_selector("#diff")
        row = page.locator("#diff tbody tr", has_text="S1")
        # Q's next candidate (WRO) still counts, so S1 is not cleared: its verdict or its reasons change
        assert ("reasons changed" in row.inner_text() or "verdict changed" in row.inner_text())
        assert "decision" in row.inner_text()
        assert "different companies, USCC checked" in row.inner_text()
        page.screenshot(path=str(SHOTS / "review-04-diff.png"), full_page=True)
        # the next candidate after the dismissal is queued from the newer run
        page.get_by_role("link", name="Review queue").click()
        assert page.locator("#queue tbody tr", has_text="wro-044").count() == 1
        assert not errors, errors


def test_every_top_level_page_through_the_navigation_at_390px(site) -> None:
    server, _ = site
    SHOTS.mkdir(parents=True, exist_ok=True)
    with chromium_page(390, 844) as page:
        _sign_in(page, server)
        for key, href, label, _role in NAV:
            page.goto(server + "/")  # from the dashboard's navigation each time
            link = page.locator("nav[aria-label=Main]").get_by_role("link", name=label, exact=True)
            assert link.is_visible(), f"{label} not visible at 390 px"
            box = link.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, f"{label} is off screen: {box}"
            link.click()
            page.wait_for_load_state()
            assert page.url.startswith(server + href), (label, page.url)
            assert page.locator("h1").first.is_visible()
            # nothing wider than the screen outside a scroll box: the page itself never scrolls sideways
            width = page.evaluate("document.documentElement.scrollWidth")
            wide = page.evaluate("""() => [...document.querySelectorAll('main *')]
                .filter(e => e.getBoundingClientRect().right > 392)
                .slice(0, 3)
                .map(e => e.tagName + '.' + e.className + ' '
                          + Math.round(e.getBoundingClientRect().right))""")
            assert width <= 390 + 1, f"{href} is {width}px wide at 390 px: {wide}"
            page.screenshot(path=str(SHOTS / f"review-390-{key}.png"), full_page=False)


def test_api_reference_is_served_from_the_package(site) -> None:
    server, _ = site
    with chromium_page(1280, 900) as page:
        external: list[str] = []
        page.on("request", lambda r: external.append(r.url) if not r.url.startswith(server) else None)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(server + "/docs")
        page.wait_for_selector(".opblock-summary-path", timeout=20_000)
        paths = page.locator(".opblock-summary-path").all_inner_texts()
        assert "/api/review/queue" in paths and "/api/runs/{a}/diff/{b}" in paths
        page.screenshot(path=str(SHOTS / "review-05-api-docs.png"))
        assert external == [] and not errors, (external, errors)


def test_pages_fit_at_1024px(site) -> None:
    server, _ = site
    with chromium_page(1024, 768) as page:
        _sign_in(page, server)
        for key, href, label, _role in NAV:
            page.goto(server + "/")
            link = page.locator("nav[aria-label=Main]").get_by_role("link", name=label, exact=True)
            box = link.bounding_box()
            assert box and box["height"] < 40 and box["x"] + box["width"] <= 1024, (label, box)
            link.click()
            page.wait_for_load_state()
            assert page.evaluate("document.documentElement.scrollWidth") <= 1025, href
            if key in ("dashboard", "review", "runs"):
                page.screenshot(path=str(SHOTS / f"review-1024-{key}.png"))
