"""``laborlens cases ...`` through Typer's runner in a throw-away home, as authenticated named users.

Every command acts as ``--as USER`` / ``LABORLENS_USER``, proven by ``LABORLENS_PASSWORD`` (these tests)
or an API token in ``LABORLENS_TOKEN``; there is no anonymous operator."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import select

import laborlens.cli.cases  # noqa: F401  (registers `cases` on the shared app until cli/__init__ imports it)
from laborlens.accounts import add_user, create_token
from laborlens.cases.crypto import KEY_ENV
from laborlens.store.models import AuditEvent

PASSWORD = "correct-horse-battery"

NAME = "Itzpapalotl Renwick-Oduya"


@pytest.fixture(autouse=True)
def _no_env_key(monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv("LABORLENS_TOKEN", raising=False)


@pytest.fixture()
def users(store, monkeypatch):
    with store.session() as s:
        for n, r in (("ana", "analyst"), ("bo", "analyst"), ("root", "admin"), ("vic", "viewer")):
            add_user(s, n, PASSWORD, r)
    monkeypatch.setenv("LABORLENS_PASSWORD", PASSWORD)


@pytest.fixture()
def as_root(users, monkeypatch):
    monkeypatch.setenv("LABORLENS_USER", "root")


def test_rrm_commands(cli, as_root, tmp_path) -> None:
    assert cli("cases", "rrm", "load-real").exit_code == 0
    r = cli("cases", "rrm", "board", "--as-of", "2026-11-25", "--html", tmp_path / "board.html")
    assert r.exit_code == 0 and "RRM-R18" in r.output and "overdue" in r.output
    assert "RRM-R01" not in r.output  # closed cases are off the open board
    assert "RRM-R18" in (tmp_path / "board.html").read_text(encoding="utf-8")
    r = cli(
        "cases", "rrm", "file", "--facility", "Finca", "--sector", "agriculture", "--filed-on", "2026-11-02"
    )
    assert r.exit_code == 2 and "Priority Sector" in r.output
    r = cli(
        "cases", "rrm", "file", "--facility", "Planta", "--sector", "auto parts", "--filed-on", "2026-11-02"
    )
    assert r.exit_code == 0 and "RRM-2026-001" in r.output and "2026-12-02" in r.output
    r = cli(
        "cases",
        "rrm",
        "event",
        "RRM-2026-001",
        "ilc_determination",
        "--on",
        "2026-11-20",
        "--result",
        "affirmative",
        "--version",
        "1",
    )
    assert r.exit_code == 0 and "version 2" in r.output
    r = cli(
        "cases", "rrm", "event", "RRM-2026-001", "request_for_review", "--on", "2026-11-21", "--version", "1"
    )
    assert r.exit_code == 2 and "changed since you read it" in r.output
    r = cli("cases", "rrm", "timeline", "RRM-2026-001", "--as-of", "2026-11-25")
    assert r.exit_code == 0 and "USTR decides" in r.output
    assert cli("cases", "rrm", "clocks").exit_code == 0
    assert cli("cases", "rrm", "clock-set", "mexico_decides", "20").exit_code == 2
    assert cli("cases", "rrm", "alerts", "--as-of", "2026-11-25").exit_code == 0


def test_defender_commands(cli, users, home, tmp_path) -> None:
    r = cli(
        "cases",
        "defenders",
        "add",
        "--as",
        "ana",
        "--country",
        "Colombia",
        "--threat",
        "violence",
        "--threat",
        "blacklisting",
        "--risk",
        "critical",
        input=f"{NAME}\nUnion Q\n\n",
    )
    assert r.exit_code == 0, r.output
    pid = r.output.split()[-1]
    assert pid.startswith("DEF-") and NAME not in r.output  # hidden prompt: the name is not echoed
    assert NAME not in cli("cases", "defenders", "show", pid, "--as", "ana").output  # sealed until revealed
    shown = cli("cases", "defenders", "show", pid, "--reveal", "--as", "ana")
    assert NAME in shown.output
    hidden = cli("cases", "defenders", "show", pid, "--as", "bo")
    assert NAME not in hidden.output and "withheld" in hidden.output
    assert cli("cases", "defenders", "show", pid, "--reveal", "--as", "bo").exit_code == 2  # need-to-know
    assert cli("cases", "defenders", "assign", pid, "bo", "--as", "ana").exit_code == 2  # admins only
    assert cli("cases", "defenders", "assign", pid, "bo", "--as", "root").exit_code == 0
    assert NAME in cli("cases", "defenders", "show", pid, "--reveal", "--as", "bo").output
    r = cli(
        "cases",
        "defenders",
        "event",
        pid,
        "action",
        "--action",
        "visa_restriction_recommendation",
        "--as",
        "bo",
        "--version",
        "1",
    )
    assert r.exit_code == 0 and "version 2" in r.output
    assert cli("cases", "defenders", "export", "--as", "bo", "-o", tmp_path / "x.json").exit_code == 2
    r = cli("cases", "defenders", "export", "--redacted", "--as", "bo", "-o", tmp_path / "x.json")
    data = json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))
    assert r.exit_code == 0 and data["cases"][0]["case"] == pid and NAME not in json.dumps(data)
    r = cli("cases", "defenders", "rotate-key", "--as", "root")
    assert r.exit_code == 0 and "re-encrypted 1 fields" in r.output
    assert NAME in cli("cases", "defenders", "show", pid, "--reveal", "--as", "bo").output
    assert cli("cases", "defenders", "list", "--as", "nobody").exit_code == 2
    listing = cli("cases", "defenders", "list", "--as", "bo", "--q", "colombia")
    assert pid in listing.output and NAME not in listing.output


def test_missions_safeguards_review_commands(cli, as_root, tmp_path) -> None:
    assert (
        cli(
            "cases", "missions", "add", "--title", "Talks", "--starts", "2026-10-01", "--ends", "2026-10-03"
        ).exit_code
        == 0
    )
    assert cli("cases", "missions", "engage", "MIS-0001", "workers", "--on", "2026-10-02").exit_code == 0
    r = cli("cases", "missions", "gaps", "--as-of", "2026-11-25")
    assert r.exit_code == 0 and "MIS-0001" in r.output and "before" in r.output
    assert (
        cli("cases", "safeguards", "new", "--project", "Dam", "--bank", "IDB", "--framework", "PS2").exit_code
        == 0
    )
    r = cli("cases", "safeguards", "score", "SGR-0001", "forced_labor", "0", "--evidence", "no fee policy")
    assert r.exit_code == 0 and "memo-weighted 0%" in r.output
    assert cli("cases", "safeguards", "report", "SGR-0001", "-o", tmp_path / "sg.html").exit_code == 0
    assert "no fee policy" in (tmp_path / "sg.html").read_text(encoding="utf-8")
    assert (
        cli("cases", "review", "update", "8", "in_progress", "--evidence", "statement issued").exit_code == 0
    )
    r = cli("cases", "review", "report", "-o", tmp_path / "rev.html", "--period", "2026-H2")
    html = (tmp_path / "rev.html").read_text(encoding="utf-8")
    assert r.exit_code == 0 and "data:image/svg+xml;base64," in html and "statement issued" in html


def test_commands_need_an_authenticated_named_user(cli, users, store, monkeypatch) -> None:
    monkeypatch.delenv("LABORLENS_USER", raising=False)
    r = cli("cases", "rrm", "board")
    assert r.exit_code == 2 and "--as USER" in r.output
    monkeypatch.setenv("LABORLENS_PASSWORD", "not the password")
    r = cli("cases", "rrm", "board", "--as", "ana")
    assert r.exit_code == 2 and "wrong username or password" in r.output
    with store.session() as s:
        failed = s.execute(select(AuditEvent.actor).where(AuditEvent.action == "signin.failed")).scalars()
        failed = list(failed)
    assert failed == ["ana"]  # the same audit as a failed sign-in on the web
    monkeypatch.delenv("LABORLENS_PASSWORD")
    with store.session() as s:
        from laborlens.store.models import User

        bo = s.execute(select(User).where(User.username == "bo")).scalar_one()
        token = create_token(s, bo, "cli")
    monkeypatch.setenv("LABORLENS_TOKEN", token)
    assert cli("cases", "rrm", "board", "--as", "bo").exit_code == 0  # a token of the named user
    r = cli("cases", "rrm", "board", "--as", "ana")
    assert r.exit_code == 2 and "not 'ana'" in r.output  # ...not anyone else's


def test_cli_roles_and_audit_are_the_apis(cli, users, store, monkeypatch, tmp_path) -> None:
    r = cli("cases", "rrm", "file", "--facility", "Planta", "--sector", "mining", "--filed-on", "2026-11-02",
            "--as", "vic")
    assert r.exit_code == 2 and "needs the analyst role" in r.output
    assert cli("cases", "rrm", "load-real", "--as", "ana").exit_code == 2  # admins only, as over HTTP
    statement = tmp_path / "statement.txt"
    statement.write_bytes(b"worker statement, signed")
    r = cli("cases", "rrm", "file", "--facility", "Planta", "--sector", "mining", "--filed-on", "2026-11-02",
            "--evidence", statement, "--milestone", "x", "--as", "ana")
    assert r.exit_code == 2  # --milestone is not an option of `file`: nothing is filed
    r = cli("cases", "rrm", "file", "--facility", "Planta", "--sector", "mining", "--filed-on", "2026-11-02",
            "--evidence", statement, "--as", "ana")
    assert r.exit_code == 0 and "RRM-2026-001" in r.output
    digest = hashlib.sha256(statement.read_bytes()).hexdigest()
    kept = list((store.settings.home / "evidence" / "rrm" / "RRM-2026-001").glob(f"{digest[:16]}-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == statement.read_bytes()  # custody: a copy, not a path
    r = cli("cases", "rrm", "event", "RRM-2026-001", "request_for_review", "--on", "2026-11-20",
            "--as", "ana")
    assert r.exit_code == 0
    r = cli("cases", "rrm", "event", "RRM-2026-001", "remediation_plan", "--on", "2026-11-22",
            "--milestone", "2027-01-15 Reinstate the dismissed workers", "--as", "ana")
    assert r.exit_code == 0, r.output
    r = cli("cases", "rrm", "event", "RRM-2026-001", "milestone_done", "--on", "2026-12-01", "--done", "M1",
            "--as", "ana")
    assert r.exit_code == 0 and "1/1 milestones" in r.output
    r = cli("cases", "rrm", "event", "RRM-2026-001", "remediation_plan", "--on", "2026-11-22",
            "--milestone", "Reinstate@2027-01-15", "--as", "ana")
    assert r.exit_code == 2 and "YYYY-MM-DD label" in r.output  # one milestone syntax, everywhere
    with store.session() as s:
        actors = {(a, act) for a, act in s.execute(select(AuditEvent.actor, AuditEvent.action))}
    assert ("ana", "rrm.filed") in actors and ("ana", "rrm.evidence_added") in actors
    assert not any(a == "cli" for a, act in actors if act.startswith("rrm."))  # no anonymous operator
