"""Sessions and sign-in (issue 11.3): server-side sessions that sign-out and password change revoke, an
atomic per (user, address) throttle with back-off, constant-time answers for unknown users, Secure cookies
off loopback, and TOTP two-factor with single-use recovery codes. Library-level tests run on every backend;
page and API flows use the app over SQLite; the burst test runs a live uvicorn on 127.0.0.1."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from store_backends import backend_settings, on_every_backend  # noqa: F401  (the fixture is `backend`)
from webapp_helpers import PASSWORD, accounts_by_role, browser, csrf_of, make_app, second_factor_code

from laborlens import accounts, audit, signin, totp
from laborlens.accounts import AuthError
from laborlens.store import open_store
from laborlens.store.models import RecoveryCode, SigninFailures, User

WRONG = "not the password"


@pytest.fixture()
def app(settings):
    return make_app(settings)


@pytest.fixture()
def users(app):
    return accounts_by_role(app)


def _user(s, name: str) -> User:
    return s.execute(select(User).where(User.username == name)).scalar_one()


# --- sessions ----------------------------------------------------------------------------------------------

def test_a_cookie_replayed_after_sign_out_is_refused(app, users):
    c, token = browser(app, "viewer", users)
    stolen = dict(c.cookies)
    assert c.get("/api/me").status_code == 200
    assert c.post("/signout", data={"csrf": token}).status_code == 303
    replay = TestClient(app, follow_redirects=False, cookies=stolen)
    assert replay.get("/api/me").status_code == 401
    r = replay.get("/")
    assert r.status_code == 303 and r.headers["location"].startswith("/signin")
    with app.state.store.session() as s:
        assert audit.events(s, 1)[0].action == "signout"


def test_a_password_change_ends_every_session_of_the_account(app, users):
    a, _ = browser(app, "analyst", users)
    b, token_b = browser(app, "analyst", users)
    stolen = dict(a.cookies)
    r = b.post("/api/session/password", headers={"X-CSRF-Token": token_b},
               json={"old_password": PASSWORD, "new_password": "a brand new passphrase"})
    assert r.status_code == 204
    for client in (a, b, TestClient(app, cookies=stolen)):
        assert client.get("/api/me").status_code == 401
    with app.state.store.session() as s:
        assert audit.events(s, 1)[0].detail == {"sessions_ended": 2}
    users["analyst"]["password"] = "a brand new passphrase"
    fresh, _ = browser(app, "analyst", users)
    assert fresh.get("/api/me").json()["username"] == "analyst"


def test_the_cli_password_command_ends_sessions_too(app, users, cli, tmp_path):
    c, _ = browser(app, "viewer", users)
    pw = tmp_path / "pw"
    pw.write_text("another long password\n")
    r = cli("users", "password", "viewer", "--password-file", pw)
    assert r.exit_code == 0, r.output
    assert c.get("/api/me").status_code == 401


def test_cookies_are_secure_off_loopback_by_default(settings, monkeypatch):
    from laborlens.api import create_app

    def set_cookie(app) -> str:
        return TestClient(app, base_url="https://laborlens.example").get("/signin").headers["set-cookie"].lower()

    assert "secure" in set_cookie(create_app(settings, host="0.0.0.0"))
    assert "secure" not in set_cookie(create_app(settings, host="127.0.0.1"))
    assert "secure" in set_cookie(create_app(settings, host="127.0.0.1", https_only=True))
    monkeypatch.setenv("LABORLENS_SECURE_COOKIES", "false")
    from laborlens.settings import Settings

    assert "secure" not in set_cookie(create_app(Settings(), host="10.1.2.3"))


# --- throttle ----------------------------------------------------------------------------------------------

@pytest.fixture()
def lib(backend, monkeypatch):
    """A store on the backend with a viewer, an analyst and a short back-off (1 s, doubling)."""
    monkeypatch.setenv("LABORLENS_SIGNIN_BACKOFF_SECONDS", "1")
    from laborlens.settings import Settings

    store = open_store(Settings())
    with store.session() as s:
        for name, role in (("vic", "viewer"), ("ann", "analyst")):
            accounts.add_user(s, name, PASSWORD, role)
    return store


@on_every_backend
def test_back_off_grows_and_ends_instead_of_locking_out(lib):
    for _ in range(3):
        with pytest.raises(AuthError):
            signin.sign_in(lib, "vic", WRONG, "10.0.0.1")
    with pytest.raises(signin.TooManyAttempts) as first:  # even the right password must wait now
        signin.sign_in(lib, "vic", PASSWORD, "10.0.0.1")
    assert 0 < first.value.wait <= 1.0
    time.sleep(first.value.wait + 0.05)
    with pytest.raises(AuthError):  # allowed again; this failure doubles the wait
        signin.sign_in(lib, "vic", WRONG, "10.0.0.1")
    with pytest.raises(signin.TooManyAttempts) as second:
        signin.sign_in(lib, "vic", PASSWORD, "10.0.0.1")
    assert 1.0 < second.value.wait <= 2.0
    time.sleep(second.value.wait + 0.05)
    assert signin.sign_in(lib, "vic", PASSWORD, "10.0.0.1").user.username == "vic"
    with lib.session() as s:  # success forgets the failures
        assert s.execute(select(SigninFailures)).first() is None


@on_every_backend
def test_throttle_is_per_user_and_address(lib):
    for _ in range(4):
        with pytest.raises((AuthError, signin.TooManyAttempts)):
            signin.sign_in(lib, "vic", WRONG, "203.0.113.9")  # an attacker guessing vic's password
    with pytest.raises(signin.TooManyAttempts):
        signin.sign_in(lib, "vic", PASSWORD, "203.0.113.9")
    # vic at their own address is not locked out by the attacker...
    assert signin.sign_in(lib, "vic", PASSWORD, "192.0.2.10").user.username == "vic"
    # ...and another user behind the attacker's (say, a shared proxy) address is not either
    assert signin.sign_in(lib, "ann", PASSWORD, "203.0.113.9").user.username == "ann"


@on_every_backend
def test_concurrent_wrong_guesses_cannot_race_past_the_limit(lib, monkeypatch):
    """16 threads guess at once: exactly ``signin_free_failures`` (3) passwords are checked, the other 13 are
    refused before any check, and the chain holds every one of the 16 outcomes. (The back-off is made long
    so that no guess may legitimately pass after waiting.)"""
    monkeypatch.setattr(lib.settings, "signin_backoff_seconds", 60.0)
    barrier = threading.Barrier(16)

    def guess(i: int) -> str:
        barrier.wait()
        try:
            signin.sign_in(lib, "vic", f"{WRONG} {i}", "198.51.100.7")
        except signin.TooManyAttempts:
            return "throttled"
        except AuthError:
            return "checked"
        return "signed in"

    with ThreadPoolExecutor(16) as pool:
        outcomes = list(pool.map(guess, range(16)))
    assert outcomes.count("checked") == 3 and outcomes.count("throttled") == 13
    with lib.session() as s:
        assert audit.verify(s).ok
        actions = [e.action for e in audit.events(s, 16)]
    assert sorted(actions) == ["signin.failed"] * 3 + ["signin.throttled"] * 13


def test_unknown_users_cost_the_same_argon2_check(app, users, monkeypatch):
    """Unknown and disabled users are verified against a dummy hash (so the answer takes as long as for a
    real user): the hasher is called for them too, and the timings overlap."""
    calls = []
    real = accounts._hasher

    class Spy:
        def verify(self, h: str, p: str) -> bool:
            calls.append(h)
            return real.verify(h, p)

        def __getattr__(self, name: str):
            return getattr(real, name)

    monkeypatch.setattr(accounts, "_hasher", Spy())
    store = app.state.store
    with store.session() as s:
        assert accounts.check_password(s, "nobody-at-all", WRONG) is None
        _user(s, "viewer").disabled = True
        assert accounts.check_password(s, "viewer", PASSWORD) is None
    assert len(calls) == 2 and all(h.startswith("$argon2id$") for h in calls)
    monkeypatch.setattr(accounts, "_hasher", real)

    def timed(name: str) -> float:
        t = time.perf_counter()
        with store.session() as s:
            accounts.check_password(s, name, WRONG)
        return time.perf_counter() - t

    known, unknown = [], []
    for _ in range(7):  # interleaved, so load from elsewhere on the machine hits both alike
        known.append(timed("analyst"))
        unknown.append(timed("no-such-user"))
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 1 / 3 < ratio < 3, (known, unknown)  # issue 11 measured 6 ms against 133 ms before the dummy


# --- two-factor --------------------------------------------------------------------------------------------

def _enrol(store, name: str) -> tuple[str, list[str]]:
    with store.session() as s:
        secret, uri = totp.begin_enrolment(s, _user(s, name), "test")
        assert uri.startswith("otpauth://totp/") and "laborlens" in uri
    with store.session() as s:
        codes = totp.confirm_enrolment(s, _user(s, name), pyotp.TOTP(secret).now(), "test")
    return secret, codes


def test_admins_must_enrol_before_they_can_sign_in(settings):
    app = make_app(settings)
    with app.state.store.session() as s:
        accounts.add_user(s, "root", PASSWORD, "admin")
    c = TestClient(app, follow_redirects=False)
    token = csrf_of(c.get("/signin").text)
    r = c.post("/signin", data={"username": "root", "password": PASSWORD, "csrf": token})
    assert r.status_code == 403 and "laborlens users totp root" in r.text
    assert c.get("/api/me").status_code == 401


def test_staff_assigned_to_a_defender_case_need_two_factor(app, users):
    from laborlens.cases import defenders as dfn
    from laborlens.cases.crypto import KeyRing

    store = app.state.store
    with store.session() as s:
        admin = accounts.Principal(0, "admin", "admin", "cli")
        pid = dfn.open_case(s, KeyRing.load(app.state.settings.home), admin, dfn.Identity("Someone"),
                            country="MX", threats=["harassment"], risk="high")
        assert not totp.required_for(s, _user(s, "analyst"))
        dfn.assign(s, admin, pid, "analyst")
        assert totp.required_for(s, _user(s, "analyst")) and not totp.required_for(s, _user(s, "viewer"))
    with pytest.raises(signin.SecondFactorRequired):
        signin.sign_in(store, "analyst", PASSWORD, "127.0.0.1")


def test_totp_sign_in_through_the_pages(app, users):
    store = app.state.store
    secret, _ = _enrol(store, "analyst")
    c = TestClient(app, follow_redirects=False)
    token = csrf_of(c.get("/signin").text)
    r = c.post("/signin", data={"username": "analyst", "password": PASSWORD, "csrf": token, "next": "/lists"})
    assert r.status_code == 303 and r.headers["location"] == "/signin/totp?next=%2Flists"
    assert c.get("/api/me").status_code == 401  # a pending session is nobody yet
    assert c.get("/").status_code == 303
    page = c.get(r.headers["location"])
    assert page.status_code == 200 and "Authenticator code" in page.text
    token = csrf_of(page.text)
    bad = c.post("/signin/totp", data={"code": "000000", "csrf": token, "next": "/lists"})
    assert bad.status_code == 401 and "wrong code" in bad.text
    pending_cookie = dict(c.cookies)
    code = second_factor_code(app, "analyst")  # enrolment used the current step's code: each works once
    assert code in {pyotp.TOTP(secret).at(time.time() + d) for d in (0, 30)}
    ok = c.post("/signin/totp", data={"code": code, "csrf": token, "next": "/lists"})
    assert ok.status_code == 303 and ok.headers["location"] == "/lists"
    assert c.get("/api/me").json()["username"] == "analyst"
    # the pending id seen before the second step is worth nothing now, and the code cannot be used again
    replay = TestClient(app, follow_redirects=False, cookies=pending_cookie)
    assert replay.post("/signin/totp", data={"code": code, "csrf": token}).status_code == 303
    assert replay.get("/api/me").status_code == 401
    with store.session() as s:
        assert totp.check(s, _user(s, "analyst"), code) is None


def test_recovery_codes_work_once_and_are_stored_hashed(app, users):
    store = app.state.store
    secret, codes = _enrol(store, "viewer")
    assert len(codes) == 10 and len(set(codes)) == 10
    with store.session() as s:
        stored = [r.code_sha256 for r in s.execute(select(RecoveryCode)).scalars()]
        raw_db = " ".join(str(v) for v in s.execute(text("SELECT * FROM users")).all())
    assert codes[0] not in stored and secret not in raw_db  # hashed codes, sealed TOTP secret

    api = TestClient(app)
    r = api.post("/api/session", json={"username": "viewer", "password": PASSWORD})
    assert r.status_code == 200 and r.json()["second_factor_required"] is True
    assert api.get("/api/me").status_code == 401
    r = api.post("/api/session/totp", json={"code": codes[0]})
    assert r.status_code == 200 and api.get("/api/me").json()["username"] == "viewer"
    csrf = r.json()["csrf"]
    assert api.post("/api/session/signout", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert api.get("/api/me").status_code == 401

    again = TestClient(app)
    again.post("/api/session", json={"username": "viewer", "password": PASSWORD})
    assert again.post("/api/session/totp", json={"code": codes[0]}).status_code == 401  # used up
    assert again.post("/api/session/totp", json={"code": codes[1]}).status_code == 200


def test_wrong_codes_are_throttled_too(app, users):
    _enrol(app.state.store, "viewer")
    c = TestClient(app)
    c.post("/api/session", json={"username": "viewer", "password": PASSWORD})
    statuses = [c.post("/api/session/totp", json={"code": f"{i:06d}"}).status_code for i in range(5)]
    assert statuses[:3] == [401] * 3 and statuses[3] == 429


def test_cli_enrols_a_user_in_totp(cli, store, monkeypatch):
    import re

    import laborlens.cli.serve as cli_serve

    with store.session() as s:
        accounts.add_user(s, "root", PASSWORD, "admin")
    r = cli("users", "totp", "root", "--code", "123456")
    assert r.exit_code == 2 and "not the one the authenticator app shows" in r.output
    with store.session() as s:
        assert not _user(s, "root").totp_enabled

    # the person at the terminal reads the printed secret into an app and types what it shows
    shown: dict[str, str] = {}
    monkeypatch.setattr(cli_serve.typer, "prompt", lambda *a, **k: pyotp.TOTP(shown["secret"]).now())
    real_print = cli_serve.console.print

    def watch(*args, **kw):
        m = re.search(r"secret: ([A-Z2-7]+)", str(args[0]) if args else "")
        if m:
            shown["secret"] = m.group(1)
        return real_print(*args, **kw)

    monkeypatch.setattr(cli_serve.console, "print", watch)
    r = cli("users", "totp", "root")
    assert r.exit_code == 0, r.output
    codes = re.findall(r"^\s+([0-9a-f]{5}-[0-9a-f]{5})$", r.output, re.M)
    assert len(codes) == 10
    with store.session() as s:
        assert _user(s, "root").totp_enabled
    first = signin.sign_in(store, "root", PASSWORD, "127.0.0.1")
    assert first.second_factor
    assert signin.second_factor(store, first.session_id, codes[3], "127.0.0.1").user.role == "admin"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@on_every_backend
def test_a_burst_of_failed_sign_ins_on_a_live_server_leaves_a_valid_chain(backend):
    """16 simultaneous wrong passwords for one user against `laborlens serve` (uvicorn on 127.0.0.1): three
    are checked, thirteen get 429 with Retry-After, nobody signs in, and the audit chain verifies."""
    store = open_store(backend)
    with store.session() as s:
        accounts.add_user(s, "target", PASSWORD, "analyst")
    store.engine.dispose()
    port = _free_port()
    # a back-off longer than the burst: any fourth check would be a race, not a wait that ran out
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "LABORLENS_SIGNIN_BACKOFF_SECONDS": "60"}
    proc = subprocess.Popen([sys.executable, "-c", "from laborlens.cli import main; main()", "serve",
                             "--port", str(port), "--jobs", "1"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/signin", timeout=1)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline, "server did not start"
                time.sleep(0.1)
        barrier = threading.Barrier(16)

        def guess(i: int) -> httpx.Response:
            barrier.wait()
            return httpx.post(base + "/api/session", json={"username": "target", "password": f"{WRONG} {i}"},
                              timeout=60)

        with ThreadPoolExecutor(16) as pool:
            answers = list(pool.map(guess, range(16)))
    finally:
        proc.terminate()
        proc.wait(20)
    codes = sorted(r.status_code for r in answers)
    assert codes == [401] * 3 + [429] * 13, codes
    waits = [int(r.headers["retry-after"]) for r in answers if r.status_code == 429]
    assert all(w > 30 for w in waits), waits
    with open_store(backend).session() as s:
        check = audit.verify(s)
        actions = [e.action for e in audit.events(s, 16)]
    assert check.ok, check.reason
    assert sorted(actions) == ["signin.failed"] * 3 + ["signin.throttled"] * 13
