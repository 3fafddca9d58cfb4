"""Grievances over HTTP: the public /report page (every language, no account), receipt-code follow-up,
throttling, the SMS webhook's signature check, and the staff API and pages under need-to-know."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from webapp_helpers import accounts_by_role, bearer, browser, make_app

from laborlens.grievances.i18n import LANGUAGES, gettext
from laborlens.grievances.sms import signature
from laborlens.grievances.throttle import IntakeThrottle
from laborlens.settings import Settings

SECRET = "webhook-shared-secret"
HOOK = "http://testserver/hooks/sms"


@pytest.fixture()
def app(home, monkeypatch):
    monkeypatch.setenv("LABORLENS_GRIEVANCE_WEBHOOK_SECRET", SECRET)
    return make_app(Settings())


@pytest.fixture()
def users(app):
    return accounts_by_role(app)


def _code(html: str) -> str:
    m = re.search(r'<p class="code"[^>]*>(.*?)</p>', html)
    assert m, "no receipt code on the page"
    return re.sub(r"<[^>]+>", "", m.group(1))


WORDS = {
    "en": "The supervisor keeps our ID cards.",
    "es": "El supervisor guarda nuestras credenciales.",
    "zh-Hans": "主管扣留了我们的身份证。",
    "vi": "Quản đốc giữ thẻ căn cước của chúng tôi.",
    "bn": "সুপারভাইজার আমাদের পরিচয়পত্র রেখে দেন।",
    "id": "Mandor menahan KTP kami.",
}


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_public_report_in_each_language(app, lang: str) -> None:
    c = TestClient(app, follow_redirects=False)
    page = c.get(f"/report?lang={lang}")
    assert page.status_code == 200 and f'<html lang="{lang}"' in page.text
    assert gettext(lang, "Send report") in page.text and "<script" not in page.text
    assert "set-cookie" not in {k.lower() for k in page.headers}  # no session, no tracking
    r = c.post("/report", data={"words": WORDS[lang], "lang": lang, "words_language": lang})
    assert r.status_code == 200 and gettext(lang, "Your receipt code") in r.text
    code = _code(r.text)
    assert code not in str(r.url) and "set-cookie" not in {k.lower() for k in r.headers}
    back = c.post("/report/follow-up", data={"code": code.lower(), "lang": lang})
    assert back.status_code == 200 and WORDS[lang] in back.text
    assert gettext(lang, "Status: %(status)s", status=gettext(lang, "received")) in back.text


def test_language_from_accept_language_and_picker(app) -> None:
    c = TestClient(app)
    assert 'lang="vi"' in c.get("/report", headers={"Accept-Language": "vi-VN,vi;q=0.9"}).text
    assert 'lang="zh-Hans"' in c.get("/report", headers={"Accept-Language": "zh-CN"}).text
    page = c.get("/report").text
    for name in LANGUAGES.values():
        assert name in page


def test_follow_up_add_information_and_staff_reply(app, users) -> None:
    c = TestClient(app)
    code = _code(c.post("/report", data={"words": "No pay for three months", "lang": "en"}).text)
    r = c.post("/report/follow-up", data={"code": code, "lang": "en", "words": "It is line 4, night shift."})
    assert "Your information was added." in r.text and "line 4" in r.text
    # the hidden field carries the code for the next message; nothing in a URL or a cookie
    assert f'name="code" value="{code}"' in r.text
    ref = c.get("/api/grievances", headers=bearer(users, "admin")).json()[0]["ref"]
    h = bearer(users, "admin")
    assert c.post(f"/api/grievances/{ref}/reply", json={"text": "We are looking into it."}, headers=h).json()[
        "ok"
    ]
    assert "We are looking into it." in c.post("/report/follow-up", data={"code": code, "lang": "en"}).text
    bad = c.post("/report/follow-up", data={"code": "AAAA-BBBB-CCCC-DDDD-EEEE", "lang": "en"})
    assert bad.status_code == 404 and "not recognised" in bad.text


def test_empty_report_is_refused_in_the_workers_language(app) -> None:
    r = TestClient(app).post("/report", data={"words": "  ", "lang": "es"})
    assert r.status_code == 400 and gettext("es", "Please describe what happened.") in r.text


def test_throttle_per_address_and_code_keeps_no_address(app) -> None:
    t = IntakeThrottle(per_address=3, per_code=2, failed_per_address=2)
    app.state.intake_throttle = t
    c = TestClient(app)
    for _ in range(3):
        assert c.post("/report", data={"words": "x", "lang": "en"}).status_code == 200
    assert c.post("/report", data={"words": "x", "lang": "en"}).status_code == 429
    assert all("testclient" not in k and "127.0.0.1" not in k for k in t.stored_keys())
    t2 = IntakeThrottle(per_address=100, per_code=100, failed_per_address=2)
    app.state.intake_throttle = t2
    for _ in range(2):
        assert c.post("/report/follow-up", data={"code": "AAAA-BBBB-CCCC-DDDD-EEE1"}).status_code == 404
    assert c.post("/report/follow-up", data={"code": "AAAA-BBBB-CCCC-DDDD-EEE2"}).status_code == 429


def _sms(c: TestClient, body: str, sender: str = "+15005550006", sig: str | None = "good", url: str = HOOK):
    params = {"From": sender, "Body": body, "MessageSid": "SM123"}
    headers = {}
    if sig == "good":
        headers["X-Twilio-Signature"] = signature(SECRET, url, params)
    elif sig is not None:
        headers["X-Twilio-Signature"] = sig
    return c.post(url.replace("http://testserver", ""), data=params, headers=headers)


def test_webhook_signature_good_bad_missing(app, users) -> None:
    c = TestClient(app)
    ok = _sms(c, "Majikan menahan paspor kami dan gaji tidak dibayar")
    assert ok.status_code == 200 and ok.headers["content-type"].startswith("application/xml")
    assert "<Response><Message>" in ok.text and "Kode tanda terima" in ok.text  # Indonesian reply
    assert _sms(c, "hello", sig="AAAAAAAAAAAAAAAAAAAAAAAAAAA=").status_code == 403
    assert _sms(c, "hello", sig=None).status_code == 403
    forged = {"From": "+15005550006", "Body": "changed", "MessageSid": "SM123"}
    wrong = c.post(
        "/hooks/sms",
        data=forged,
        headers={"X-Twilio-Signature": signature(SECRET, HOOK, {**forged, "Body": "original"})},
    )
    assert wrong.status_code == 403
    assert len(c.get("/api/grievances", headers=bearer(users, "admin")).json()) == 1


def test_webhook_unconfigured_refuses(home, monkeypatch) -> None:
    monkeypatch.delenv("LABORLENS_GRIEVANCE_WEBHOOK_SECRET", raising=False)
    c = TestClient(make_app(Settings()))
    params = {"From": "+1", "Body": "x"}
    r = c.post("/hooks/sms", data=params, headers={"X-Twilio-Signature": signature("", HOOK, params)})
    assert r.status_code == 403 and "not configured" in r.text


def test_sms_follow_up_plain_reply_and_phone_never_stored(app, users) -> None:
    c = TestClient(app)
    first = _sms(c, "Ang supervisor ay kumukuha ng aming sahod", sender="+639171234567")
    code = re.search(r"([0-9A-Z]{4}(?:-[0-9A-Z]{4}){4})", first.text).group(1)
    ref = c.get("/api/grievances", headers=bearer(users, "admin")).json()[0]["ref"]
    c.post(
        f"/api/grievances/{ref}/reply",
        json={"text": "Thank you, we will call the brand."},
        headers=bearer(users, "admin"),
    )
    url = HOOK + "?reply=plain"
    r = _sms(c, f"{code} they also lock the gate", sender="+639171234567", url=url)
    assert r.headers["content-type"].startswith("text/plain")
    assert "Your information was added." in r.text and "Thank you, we will call the brand." in r.text
    detail = c.get(f"/api/grievances/{ref}", headers=bearer(users, "admin")).json()
    assert detail["contact"] is None
    assert [e["text"] for e in detail["events"] if e["kind"] in ("report", "info")] == [
        "Ang supervisor ay kumukuha ng aming sahod",
        "they also lock the gate",
    ]
    with app.state.store.engine.connect() as conn:
        dump = repr(
            [
                tuple(r)
                for t in ("grievances", "grievance_events", "audit_log")
                for r in conn.exec_driver_sql(f"select * from {t}")
            ]
        )
    assert "639171234567" not in dump and "sahod" not in dump
    # with the contact keyword the worker asks to be contacted: the number is kept, sealed
    _sms(c, "CONTACT: please call me, they took my passport", sender="+639170000001")
    rows = c.get("/api/grievances", headers=bearer(users, "admin")).json()
    assert sum(x["has_contact"] for x in rows) == 1


def test_staff_api_need_to_know(app, users) -> None:
    c = TestClient(app)
    c.post(
        "/report",
        data={
            "words": "Debt to the agent never ends",
            "lang": "en",
            "contact": "via union",
            "consent": "yes",
        },
    )
    ref = c.get("/api/grievances", headers=bearer(users, "viewer")).json()[0]["ref"]
    assert c.get("/api/grievances").status_code == 401
    for role, words in (("viewer", None), ("analyst", None), ("admin", "Debt to the agent never ends")):
        d = c.get(f"/api/grievances/{ref}", headers=bearer(users, role)).json()
        assert d["events"][0]["text"] == words
    r = c.post(
        f"/api/grievances/{ref}/triage",
        json={"issues": ["debt_bondage"], "severity": "high"},
        headers=bearer(users, "analyst"),
    )
    assert r.status_code == 403
    assert (
        c.post(
            f"/api/grievances/{ref}/assign", json={"username": "analyst"}, headers=bearer(users, "analyst")
        ).status_code
        == 403
    )
    assert c.post(
        f"/api/grievances/{ref}/assign", json={"username": "analyst"}, headers=bearer(users, "admin")
    ).json()["ok"]
    d = c.get(f"/api/grievances/{ref}", headers=bearer(users, "analyst")).json()
    assert d["may_see"] and d["contact"] == "via union"
    r = c.post(
        f"/api/grievances/{ref}/triage",
        json={"issues": ["debt_bondage"], "severity": "high", "credible": True},
        headers=bearer(users, "analyst"),
    )
    assert r.json()["ok"]
    r = c.post(
        f"/api/grievances/{ref}/status",
        json={"status": "closed", "reason": "bogus"},
        headers=bearer(users, "analyst"),
    )
    assert r.status_code == 422 and "reason" in r.json()["error"]["message"]
    board = c.get("/api/grievances/board", headers=bearer(users, "viewer")).json()
    assert board[0]["next_deadline"]["label"] == "acknowledge" and "words" not in str(board)
    exp = c.get("/api/grievances/export?format=csv", headers=bearer(users, "analyst"))
    assert exp.status_code == 200 and "Debt to the agent" not in exp.text and "via union" not in exp.text
    assert c.get("/api/grievances/Juana", headers=bearer(users, "admin")).status_code in (404, 422)


def test_staff_pages_board_detail_and_forms(app, users) -> None:
    c = TestClient(app)
    c.post("/report", data={"words": "Fire exits are locked", "lang": "en"})
    viewer, _ = browser(app, "viewer", users)
    board = viewer.get("/grievances")
    assert board.status_code == 200 and "Worker grievances" in board.text and "Fire exits" not in board.text
    ref = re.search(r"GRV-[0-9A-F]{6}", board.text).group(0)
    page = viewer.get(f"/grievances/{ref}")
    assert "Sealed" in page.text and "Fire exits" not in page.text
    admin, csrf = browser(app, "admin", users)
    assert "Fire exits are locked" in admin.get(f"/grievances/{ref}").text
    assert admin.post(f"/grievances/{ref}/assign", data={"username": "analyst"}).status_code == 403  # no CSRF
    assert (
        admin.post(f"/grievances/{ref}/assign", data={"username": "analyst", "csrf": csrf}).status_code == 303
    )
    analyst, acsrf = browser(app, "analyst", users)
    r = analyst.post(
        f"/grievances/{ref}/triage",
        data={
            "csrf": acsrf,
            "issues": ["osh", "abusive_conditions"],
            "severity": "critical",
            "credible": "yes",
        },
    )
    assert r.status_code == 303
    assert (
        analyst.post(f"/grievances/{ref}/status", data={"csrf": acsrf, "status": "acknowledged"}).status_code
        == 303
    )
    assert analyst.post(f"/grievances/{ref}/reply", data={"csrf": acsrf, "text": "Thanks"}).status_code == 303
    assert (
        analyst.post(
            f"/grievances/{ref}/plan", data={"csrf": acsrf, "action": "Unlock exits", "due": "2026-12-31"}
        ).status_code
        == 303
    )
    page = analyst.get(f"/grievances/{ref}").text
    assert "Unlock exits" in page and "acknowledged" in page and "Fire exits are locked" in page


def test_access_log_drops_the_address_of_public_intake() -> None:
    import logging

    from laborlens.web.public_report import DropWorkerAddress

    f = DropWorkerAddress()
    rec = logging.LogRecord("uvicorn.access", logging.INFO, "", 0, '%s - "%s %s HTTP/%s" %d',
                            ("203.0.113.9:5123", "POST", "/report/follow-up", "1.1", 200), None)
    assert f.filter(rec) and "203.0.113.9" not in rec.getMessage()
    staff = logging.LogRecord("uvicorn.access", logging.INFO, "", 0, '%s - "%s %s HTTP/%s" %d',
                              ("203.0.113.9:5123", "GET", "/grievances", "1.1", 200), None)
    assert f.filter(staff) and "203.0.113.9" in staff.getMessage()
    assert any(isinstance(x, DropWorkerAddress) for x in logging.getLogger("uvicorn.access").filters)
