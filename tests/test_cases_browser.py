"""Case work in headless Chromium: the RRM board with the 26 real cases, and a defender case seen by an
analyst who is not assigned to it (identity hidden) and by the admin (identity shown, read audited)."""

from __future__ import annotations

import time

from browser import ARTIFACTS, chromium_page
from test_browser import PASSWORD, server  # noqa: F401  (the uvicorn fixture and the analyst "ana")

from laborlens import accounts, audit, totp
from laborlens.cases.crypto import KeyRing
from laborlens.cases.defenders import Identity, open_case
from laborlens.cases.rrm.real import load_real_cases

SHOTS = ARTIFACTS / "screenshots"
NAME = "Rosa Quintero Example"


def _sign_in(page, base: str, user: str, password: str, totp_secret: str = "") -> None:
    page.goto(base + "/signin")
    page.get_by_label("User name").fill(user)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if totp_secret:  # admins answer the two-factor step with their authenticator's code
        import pyotp

        assert "/signin/totp" in page.url
        t = pyotp.TOTP(totp_secret)
        page.get_by_label("6-digit code or a recovery code").fill(t.at(time.time() + t.interval))
        page.screenshot(path=str(SHOTS / "19-signin-totp.png"))
        page.get_by_role("button", name="Verify").click()
        page.wait_for_load_state()


def test_rrm_board_and_defender_case_need_to_know(server, settings):  # noqa: F811
    from laborlens.store import open_store

    store = open_store(settings)
    with store.session() as s:
        admin = accounts.add_user(s, "adm", "admin password 12", "admin")
        load_real_cases(s, admin)
        secret, _ = totp.begin_enrolment(s, admin, "test")
        totp.confirm_enrolment(s, admin, totp.current_code(s, admin), "test")
        pseudonym = open_case(s, KeyRing.load(settings.home), admin,
                              Identity(NAME, organisation="Example Workers Union"), country="Mexico",
                              threats=["harassment"], risk="high")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with chromium_page() as page:
        _sign_in(page, server, "ana", PASSWORD)
        page.goto(server + "/cases/rrm")
        body = page.locator("body").inner_text()
        assert "General Motors" in body or "Silao" in body
        assert "overdue" in body.lower()
        page.screenshot(path=str(SHOTS / "20-rrm-board.png"), full_page=True)

        page.goto(server + f"/cases/defenders/{pseudonym}")
        text = page.locator("body").inner_text()
        assert pseudonym in text and NAME not in text and "Example Workers Union" not in text
        assert NAME not in page.content()
        page.screenshot(path=str(SHOTS / "21-defender-unassigned.png"), full_page=True)

        page.context.clear_cookies()
        _sign_in(page, server, "adm", "admin password 12", secret)
        page.goto(server + f"/cases/defenders/{pseudonym}")
        assert NAME not in page.locator("body").inner_text()  # sealed until revealed
        page.get_by_role("button", name="Reveal identity and notes").click()
        page.wait_for_load_state()
        assert NAME in page.locator("body").inner_text()
        page.screenshot(path=str(SHOTS / "22-defender-admin.png"), full_page=True)
    with store.session() as s:
        reads = [e for e in audit.events(s, limit=500) if e.target == pseudonym and "read" in e.action]
        assert reads and all(NAME not in str(e.detail) for e in reads)
    print(f"screenshots in {SHOTS}")
