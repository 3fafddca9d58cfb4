"""Grievances in headless Chromium: the public /report page on a 360 px phone with JavaScript disabled
(report, receipt code, follow-up in Vietnamese and Bengali), and the staff board with the demo grievances."""

from __future__ import annotations

import os
import re
import shutil

from browser import ARGS, ARTIFACTS, CHROMIUM
from conftest import need_service
from test_browser import PASSWORD, server  # noqa: F401  (the uvicorn fixture and the analyst "ana")

from laborlens import accounts, totp

SHOTS = ARTIFACTS / "screenshots"


def _launch(p):
    exe = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if not exe:
        need_service("chromium", f"{CHROMIUM} not found (apt-get install chromium)")
    return p.chromium.launch(executable_path=exe, args=ARGS, headless=True)


def test_public_report_on_a_phone_without_javascript(server):  # noqa: F811
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        need_service("chromium", f"{CHROMIUM} not found (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = _launch(p)
        try:
            ctx = b.new_context(
                viewport={"width": 360, "height": 740},
                java_script_enabled=False,
                device_scale_factor=2,
                is_mobile=True,
                has_touch=True,
            )
            page = ctx.new_page()
            page.goto(server + "/report")
            # nothing wider than the screen: no sideways scrolling on a small phone
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
            page.screenshot(path=str(SHOTS / "40-report-en-360.png"), full_page=True)
            # the language picker is a plain GET form: works without JavaScript
            page.select_option("#lang", "vi")
            page.get_by_role("button", name="Change").click()
            page.wait_for_load_state()
            assert page.locator("html").get_attribute("lang") == "vi"
            page.get_by_label("Chuyện gì đã xảy ra?").fill(
                "Chúng tôi phải làm đến 11 giờ đêm mà không được trả tiền."
            )
            page.get_by_label("Nơi làm việc").fill("Xưởng may Bắc Ninh")
            page.screenshot(path=str(SHOTS / "41-report-vi-filled-360.png"), full_page=True)
            page.get_by_role("button", name="Gửi báo cáo").click()
            page.wait_for_load_state()
            code = page.locator(".code").inner_text().strip()
            assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){4}", code)
            assert code not in page.url and page.evaluate("document.documentElement.scrollWidth") <= 360
            page.screenshot(path=str(SHOTS / "42-receipt-vi-360.png"), full_page=True)
            assert ctx.cookies() == []  # anonymous: not even a session cookie
            page.get_by_label("Mã biên nhận").fill(code)
            page.get_by_role("button", name="Xem phản hồi").click()
            page.wait_for_load_state()
            assert "11 giờ đêm" in page.locator("body").inner_text()
            page.screenshot(path=str(SHOTS / "43-follow-up-vi-360.png"), full_page=True)
            page.goto(server + "/report?lang=bn")
            assert "অভিযোগ পাঠান" in page.locator("body").inner_text()
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
            page.screenshot(path=str(SHOTS / "44-report-bn-360.png"), full_page=True)
        finally:
            b.close()


def test_staff_board(server, settings):  # noqa: F811
    from playwright.sync_api import sync_playwright

    from laborlens.demo.grievances import load_demo_grievances
    from laborlens.store import open_store

    store = open_store(settings)
    with store.session() as s:
        admin = accounts.add_user(s, "adm", "admin password 12", "admin")
        secret, _ = totp.begin_enrolment(s, admin, "test")  # admins sign in with a second factor
        totp.confirm_enrolment(s, admin, totp.current_code(s, admin), "test")
    assert load_demo_grievances(store) == 5
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = _launch(p)
        try:
            page = b.new_page(viewport={"width": 1366, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(server + "/signin")
            page.get_by_label("User name").fill("ana")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_load_state()
            page.get_by_role("link", name="Grievances").first.click()
            page.wait_for_load_state()
            body = page.locator("body").inner_text()
            assert "overdue" in body and "due-soon" in body and "Freedom of association" in body
            # the board never shows what workers wrote
            assert "身份证" not in page.content() and "sindicato" not in page.content()
            page.screenshot(path=str(SHOTS / "45-grievance-board.png"), full_page=True)
            page.get_by_role("link", name=re.compile("GRV-")).first.click()
            page.wait_for_load_state()
            assert "Sealed" in page.locator("body").inner_text()
            page.screenshot(path=str(SHOTS / "46-grievance-unassigned.png"), full_page=True)
            page.context.clear_cookies()
            page.goto(server + "/signin")
            page.get_by_label("User name").fill("adm")
            page.get_by_label("Password").fill("admin password 12")
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_load_state()
            assert "/signin/totp" in page.url
            import time

            import pyotp

            t = pyotp.TOTP(secret)
            page.get_by_label("6-digit code or a recovery code").fill(t.at(time.time() + t.interval))
            page.get_by_role("button", name="Verify").click()
            page.wait_for_load_state()
            page.goto(server + "/grievances?closed=true")
            row = page.locator("tr", has_text="中文").first
            row.get_by_role("link").first.click()
            page.wait_for_load_state()
            assert "身份证" in page.locator("body").inner_text()
            page.screenshot(path=str(SHOTS / "47-grievance-admin.png"), full_page=True)
            assert not errors, errors
        finally:
            b.close()
