"""Defender cases: encryption at rest, need-to-know, audited reads, redacted export, key rotation, locking."""

from __future__ import annotations

import base64
import json
import os
import re
import stat

import pytest
from sqlalchemy import select

from laborlens import audit
from laborlens.accounts import Forbidden, add_user
from laborlens.cases import Conflict
from laborlens.cases import defenders as dfn
from laborlens.cases.crypto import KEY_ENV, KeyProblem, KeyRing, key_id
from laborlens.cases.defenders.rotation import rotate_key
from laborlens.cases.models import DefenderCase
from laborlens.errors import InputError, NotFound
from laborlens.settings import Settings
from laborlens.store.models import AuditEvent

NAME = "Xochiquetzal Ñandú-Quillfeather"
ORG = "Sindicato Independiente de Trabajadores de Zyxwv"
CONTACT = "+52 55 5555 0199 / xq@example.org"
NOTE = "Met Xochiquetzal at the safe house in Zyxwv"
SECRETS = (NAME, ORG, CONTACT, "Xochiquetzal", "Quillfeather", "Zyxwv", "5555 0199")


@pytest.fixture(autouse=True)
def _no_env_key(monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)


@pytest.fixture()
def people(store):
    with store.session() as s:
        users = {
            n: add_user(s, n, "correct-horse-battery", r)
            for n, r in [("ana", "analyst"), ("bo", "analyst"), ("vera", "viewer"), ("root", "admin")]
        }
        for u in users.values():
            s.expunge(u)
    return users


@pytest.fixture()
def ring(settings):
    return KeyRing.load(settings.home)


@pytest.fixture()
def case(store, ring, people):
    with store.session() as s:
        pid = dfn.open_case(
            s,
            ring,
            people["ana"],
            dfn.Identity(NAME, ORG, CONTACT, "threatened after strike", "F", "30-39"),
            country="Mexico",
            threats=["harassment", "spurious_lawsuit"],
            risk="high",
            sector="auto parts",
        )
        dfn.add_event(
            s, ring, people["ana"], pid, "action", expected_version=1, action="public_statement", note=NOTE
        )
    return pid


def _db_bytes(settings) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(settings.home.glob("laborlens.db*")))


def test_no_identity_in_the_database_file(store, settings, case) -> None:
    store.engine.dispose()  # flush SQLite's WAL into the main file too (we read both anyway)
    raw = _db_bytes(settings)
    assert b"DEF-" in raw and b"Mexico" in raw  # the file is readable and holds the case...
    for secret in SECRETS:  # ...but no identifying text, in any common encoding
        for enc in ("utf-8", "utf-16-le", "utf-16-be"):
            assert secret.encode(enc) not in raw, (secret, enc)
        assert secret.lower().encode() not in raw


def test_key_file_is_private_and_ciphertext_has_a_key_id(store, settings, case, ring) -> None:
    key_file = settings.home / "keys" / "defenders.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700
    with store.session() as s:
        row = s.execute(select(DefenderCase)).scalar_one()
    assert row.identity_kid == ring.active == key_id(base64.b64decode(key_file.read_text()))
    assert re.fullmatch(r"DEF-[0-9A-F]{4}", row.pseudonym)


def test_world_readable_key_is_refused(settings, ring) -> None:
    key_file = settings.home / "keys" / "defenders.key"
    os.chmod(key_file, 0o644)
    with pytest.raises(KeyProblem, match="chmod 600"):
        KeyRing.load(settings.home)


def test_pseudonym_does_not_come_from_the_name(store, ring, people) -> None:
    with store.session() as s:
        a = dfn.open_case(
            s, ring, people["ana"], dfn.Identity(NAME), country="Peru", threats=["arrest"], risk="low"
        )
        b = dfn.open_case(
            s, ring, people["ana"], dfn.Identity(NAME), country="Peru", threats=["arrest"], risk="low"
        )
    assert a != b


def test_unassigned_user_sees_pseudonym_only(store, ring, people, case) -> None:
    for who in ("bo", "vera"):
        with store.session() as s:
            v = dfn.get_case(s, ring, people[who], case)
            with pytest.raises(Forbidden):
                dfn.get_case(s, ring, people[who], case, reveal=True)
        assert v.identity is None and not v.may_see_identity and v.assigned == []
        assert all(e.note is None for e in v.events)
        assert v.summary.pseudonym == case and v.summary.threats == ["harassment", "spurious_lawsuit"]
        assert NAME not in repr(v) and NAME not in json.dumps(v.summary.__dict__, default=str)


def test_assigned_staff_and_admins_see_identity(store, ring, people, case) -> None:
    with store.session() as s:
        mine = dfn.get_case(s, ring, people["ana"], case, reveal=True)
        admin = dfn.get_case(s, ring, people["root"], case, reveal=True)
    for v in (mine, admin):
        assert v.identity.name == NAME and v.identity.organisation == ORG
        assert [e.note for e in v.events] == ["", NOTE]
    assert repr(mine.identity) == "Identity(<sealed>)" and NAME not in str(mine.identity)


def test_assignment_grants_and_revocation_removes_access(store, ring, people, case) -> None:
    with store.session() as s:
        with pytest.raises(Forbidden):
            dfn.assign(s, people["ana"], case, "bo")  # only admins assign
        dfn.assign(s, people["root"], case, "bo")
    with store.session() as s:
        assert dfn.get_case(s, ring, people["bo"], case, reveal=True).identity.name == NAME
        dfn.unassign(s, people["root"], case, "bo")
    with store.session() as s:
        assert dfn.get_case(s, ring, people["bo"], case).identity is None
        with pytest.raises(Forbidden):
            dfn.get_case(s, ring, people["bo"], case, reveal=True)
        with pytest.raises(NotFound):
            dfn.assign(s, people["root"], case, "nobody")


def test_every_identity_read_is_audited_without_the_identity(store, ring, people, case) -> None:
    def reads():
        with store.session() as s:
            return (
                s.execute(select(AuditEvent).where(AuditEvent.action == "defender.identity.read"))
                .scalars()
                .all()
            )

    assert reads() == []
    for who in ("ana", "root", "bo", "ana"):
        with store.session() as s:
            dfn.get_case(s, ring, people[who], case)  # a plain read decrypts and audits nothing...
        with store.session() as s:
            if who == "bo":
                with pytest.raises(Forbidden):
                    dfn.get_case(s, ring, people[who], case, reveal=True)
            else:
                dfn.get_case(s, ring, people[who], case, reveal=True)  # ...a reveal does both
    events = reads()
    assert [(e.actor, e.target, e.detail) for e in events] == [
        ("ana", case, {}),
        ("root", case, {}),
        ("ana", case, {}),
    ]  # bo saw no identity
    with store.session() as s:
        everything = json.dumps([(e.actor, e.action, e.target, e.detail) for e in audit.events(s, 1000)])
        assert audit.verify(s).ok
    assert not any(secret in everything for secret in SECRETS)


def test_a_name_typed_as_case_id_is_not_echoed(store, ring, people, case) -> None:
    with store.session() as s, pytest.raises(NotFound) as exc:
        dfn.get_case(s, ring, people["root"], NAME)
    assert NAME not in str(exc.value) and "Xochiquetzal" not in str(exc.value)


def test_search_is_by_pseudonym_or_country_only(store, people, case) -> None:
    with store.session() as s:
        assert [c.pseudonym for c in dfn.list_cases(s, people["vera"], case.lower())] == [case]
        assert [c.pseudonym for c in dfn.list_cases(s, people["vera"], "mexi")] == [case]
        assert dfn.list_cases(s, people["vera"], "Xochiquetzal") == []
        assert dfn.list_cases(s, people["vera"], "Zyxwv") == []


def test_redacted_export(store, ring, people, case) -> None:
    with store.session() as s:
        consenting = dfn.open_case(
            s,
            ring,
            people["ana"],
            dfn.Identity("Public Leader", "Public Union", "secret-phone"),
            country="Guatemala",
            threats=["violence"],
            risk="critical",
            consent_to_publicity=True,
        )
    with store.session() as s:
        out_json = dfn.export_redacted(s, ring, people["root"], "json")
        out_csv = dfn.export_redacted(s, ring, people["root"], "csv")
        with pytest.raises(Forbidden):
            dfn.export_redacted(s, ring, people["vera"], "json")
        # need-to-know: an analyst assigned to neither case exports neither (no consenting names either)
        assert json.loads(dfn.export_redacted(s, ring, people["bo"], "json"))["cases"] == []
        mine = json.loads(dfn.export_redacted(s, ring, people["ana"], "json"))["cases"]
        assert {r["case"] for r in mine} == {case, consenting}  # ana opened both, so is assigned to both
    for out in (out_json, out_csv):
        assert not any(secret in out for secret in SECRETS)
        assert "threatened after strike" not in out and "secret-phone" not in out
        assert "Public Leader" in out and "Public Union" in out and case in out and consenting in out
    rows = {r["case"]: r for r in json.loads(out_json)["cases"]}
    assert rows[case]["name"] == "" and rows[case]["actions"] == ["public_statement"]
    with store.session() as s:
        exported = (
            s.execute(select(AuditEvent.target).where(AuditEvent.action == "defender.identity.export"))
            .scalars()
            .all()
        )
    assert exported == [consenting, consenting, consenting]  # one per export that revealed it (root x2, ana)


def test_consent_can_be_withdrawn(store, ring, people, case) -> None:
    with store.session() as s:
        dfn.add_event(s, ring, people["ana"], case, "consent", expected_version=2, consent=True)
        assert NAME in dfn.export_redacted(s, ring, people["ana"], "json")
        dfn.add_event(s, ring, people["ana"], case, "consent", expected_version=3, consent=False)
        assert NAME not in dfn.export_redacted(s, ring, people["ana"], "json")


def test_write_rules_and_conflict(store, ring, people, case) -> None:
    with store.session() as s:
        with pytest.raises(Forbidden):
            dfn.add_event(s, ring, people["bo"], case, "risk", expected_version=2, risk="critical")
        with pytest.raises(Forbidden):
            dfn.open_case(
                s, ring, people["vera"], dfn.Identity("x"), country="Peru", threats=["arrest"], risk="low"
            )
        with pytest.raises(InputError) as bad:
            dfn.add_event(s, ring, people["ana"], case, "threat", expected_version=2, threat="poison " + NAME)
        assert NAME not in str(bad.value)  # messages never echo what was typed
    with store.session() as s:
        dfn.add_event(s, ring, people["ana"], case, "risk", expected_version=2, risk="critical")
    with store.session() as s, pytest.raises(Conflict):
        dfn.add_event(s, ring, people["root"], case, "risk", expected_version=2, risk="low")
    with store.session() as s:
        assert dfn.get_case(s, ring, people["ana"], case, reveal=True).summary.risk == "critical"


def test_sealed_identity_cannot_be_moved_to_another_case(store, ring, people, case) -> None:
    with store.session() as s:
        other = dfn.open_case(
            s,
            ring,
            people["ana"],
            dfn.Identity("Someone Else"),
            country="Peru",
            threats=["arrest"],
            risk="low",
        )
        src = s.execute(select(DefenderCase).where(DefenderCase.pseudonym == case)).scalar_one()
        dst = s.execute(select(DefenderCase).where(DefenderCase.pseudonym == other)).scalar_one()
        dst.identity_ct, dst.identity_kid = src.identity_ct, src.identity_kid
    with store.session() as s, pytest.raises(KeyProblem, match="integrity"):
        dfn.get_case(s, ring, people["root"], other, reveal=True)


def test_key_rotation_keeps_data_readable(store, settings, people, case) -> None:
    old = KeyRing.load(settings.home)
    with store.session() as s:
        before = s.execute(select(DefenderCase.identity_ct)).scalar_one()
    with pytest.raises(Forbidden):
        rotate_key(store, people["ana"], old)
    r = rotate_key(store, people["root"], old)
    assert r.old_key == old.active and r.new_key != old.active and r.resealed == 2  # identity + one note
    new = KeyRing.load(settings.home)
    assert new.active == r.new_key and old.active in new.keys  # old key retired, still loadable
    assert stat.S_IMODE((settings.home / "keys" / "retired" / f"{old.active}.key").stat().st_mode) == 0o600
    with store.session() as s:
        row = s.execute(select(DefenderCase)).scalar_one()
        assert row.identity_kid == r.new_key and row.identity_ct != before
        v = dfn.get_case(s, new, people["ana"], case, reveal=True)
    assert v.identity.name == NAME and v.events[1].note == NOTE
    # with only the new key (old one destroyed), everything still opens
    only_new = KeyRing({r.new_key: new.keys[r.new_key]}, r.new_key, "file", new.key_dir)
    with store.session() as s:
        assert dfn.get_case(s, only_new, people["root"], case, reveal=True).identity.name == NAME


def test_env_key_and_rotation_with_a_supplied_key(store, settings, people, monkeypatch) -> None:
    k1, k2 = os.urandom(32), os.urandom(32)
    monkeypatch.setenv(KEY_ENV, base64.b64encode(k1).decode())
    assert KeyRing.load(settings.home).source == "file"  # the library never reads the environment itself...
    ring = KeyRing.from_settings(Settings())  # ...the edge passes the setting in
    assert ring.source == "env" and ring.active == key_id(k1)
    (settings.home / "keys" / "defenders.key").unlink()  # made by the file-key load above
    ring = KeyRing.from_settings(Settings())
    assert not (settings.home / "keys" / "defenders.key").exists()
    with store.session() as s:
        pid = dfn.open_case(
            s, ring, people["ana"], dfn.Identity(NAME), country="Chile", threats=["arrest"], risk="low"
        )
    with pytest.raises(InputError, match="new-key-file"):
        rotate_key(store, people["root"], ring)
    rotate_key(store, people["root"], ring, k2)
    monkeypatch.setenv(KEY_ENV, ",".join(base64.b64encode(k).decode() for k in (k2, k1)))
    with store.session() as s:
        ring2 = KeyRing.from_settings(Settings())
        assert dfn.get_case(s, ring2, people["ana"], pid, reveal=True).identity.name == NAME
    monkeypatch.setenv(KEY_ENV, "not base64!")
    with pytest.raises(KeyProblem) as exc:
        KeyRing.from_settings(Settings())
    assert "not base64" not in str(exc.value).split(":", 1)[1]  # the bad value itself is not echoed
