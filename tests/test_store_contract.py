"""One behavioural suite for the store contract, run on every backend (SQLite and PostgreSQL): screening data,
findings and decisions, case work, the keyed audit chain and concurrent writers."""

from __future__ import annotations

import multiprocessing as mp
from datetime import date

import pytest
from sqlalchemy import func, inspect, select, text
from store_backends import backend_settings, on_every_backend  # noqa: F401  (the fixture is `backend`)
from store_workers import write_events

from laborlens import audit, decisions
from laborlens.accounts import Principal
from laborlens.store import SqlStore, Store, open_store
from laborlens.store import models as m

ANA = Principal(1, "ana", "analyst", "cli")


@pytest.fixture()
def store(backend) -> SqlStore:
    return open_store(backend)


def _count(s, model) -> int:
    return int(s.scalar(select(func.count()).select_from(model)) or 0)


@on_every_backend
def test_store_honours_the_contract_and_migrates_idempotently(store, backend):
    assert isinstance(store, Store) and store.dialect == ("sqlite" if backend.db is None else "postgresql")
    store.migrate()
    names = set(inspect(store.engine).get_table_names())
    assert {"parties", "links", "shipments", "audit_log", "audit_head", "user_sessions", "signin_failures",
            "recovery_codes", "rrm_petitions", "defender_cases"} <= names
    with store.session() as s:
        assert audit.verify(s).ok and audit.signed_head(s)["count"] == 0


@on_every_backend
def test_screening_data_loads_all_or_nothing_and_feeds_findings_and_decisions(store, tmp_path):
    from laborlens.demo import generate_demo
    from laborlens.errors import InputError
    from laborlens.ingest import load_dir
    from laborlens.match.service import matcher_for_store
    from laborlens.model import Party
    from laborlens.refdata.editions import current_entries
    from laborlens.screen.findings import list_findings

    assert len(current_entries(store, ["uflpa"])) == 75
    truth = generate_demo(tmp_path / "data", seed=7)
    first = load_dir(store, tmp_path / "data")
    assert first.changed and not load_dir(store, tmp_path / "data").changed
    with store.session() as s:
        counts = {t: _count(s, t) for t in (m.Party, m.Link, m.Shipment)}
    assert counts[m.Party] == truth.counts["parties"] and counts[m.Shipment] == truth.counts["shipments"]
    bad = tmp_path / "data" / "links.csv"
    bad.write_text(bad.read_text().replace("\n", "\nS0001,NOBODY,cotton,,,,,\n", 1))
    with pytest.raises(InputError):
        load_dir(store, tmp_path / "data")
    with store.session() as s:
        assert {t: _count(s, t) for t in counts} == counts  # nothing of the bad load stayed

    with store.session() as s:
        parties = [Party(p.id, p.name, p.country, p.address, p.name_local, p.registration_id)
                   for p in s.execute(select(m.Party).order_by(m.Party.id)).scalars()]
    matcher = matcher_for_store(store)
    hits = [f for f in list_findings(parties, matcher) if f.severity == "presumption"]
    assert hits, "the demo plants listed suppliers: the store's lists must find them"
    target = hits[0]
    party = next(p for p in parties if p.id == target.party_id)
    with store.session() as s:
        decisions.record_decision(s, "ana", target.details["query"], target.details["entity_id"],
                                  target.source, "dismissed", "different company", party.country)
    with store.session() as s:
        found = decisions.latest_decisions(s)
        assert found.find(target.details["query"], party.country, target.details["entity_id"]).verdict == \
            "dismissed"
        assert [e.action for e in audit.events(s, 1)] == ["decision.dismissed"]
    after = [f for f in list_findings(parties, matcher, found) if f.party_id == party.id]
    assert any(f.severity == "info" and "dismissed" in f.summary for f in after)


@on_every_backend
def test_case_work_creates_cases_and_appends_events_with_versions(store, backend):
    from laborlens.cases import Conflict
    from laborlens.cases.rrm import lifecycle as rrm
    from laborlens.cases import defenders as dfn
    from laborlens.cases.crypto import KeyRing

    with store.session() as s:
        p = rrm.file_petition(s, ANA, facility="Planta Norte", sector="auto parts", filed_on="2026-11-02")
        cid = p.id
    with store.session() as s:
        rrm.append_event(s, ANA, cid, "ilc_determination", on="2026-11-20", result="affirmative",
                         expected_version=1)
    with pytest.raises(Conflict), store.session() as s:  # a writer who read version 1 is refused
        rrm.append_event(s, ANA, cid, "request_for_review", on="2026-11-21", expected_version=1)
    with store.session() as s:
        assert [e.kind for e in rrm.events_of(s, cid)] == ["filed", "ilc_determination"]

    ring = KeyRing.load(backend.home)
    with store.session() as s:
        pid = dfn.open_case(s, ring, ANA, dfn.Identity("Rosa Example", "Union Y"), country="MX",
                            threats=["harassment"], risk="high", on=date(2026, 11, 3))
    with store.session() as s:
        dfn.add_event(s, ring, ANA, pid, "risk", expected_version=1, risk="critical", note="moved house")
    with store.session() as s:
        view = dfn.get_case(s, ring, ANA, pid)
        assert view.summary.risk == "critical" and [e.seq for e in view.events] == [1, 2]
        raw = s.execute(text("SELECT identity_ct FROM defender_cases")).scalar()
        assert "Rosa" not in str(raw)  # sealed at rest on every backend
        actions = [(e.action, e.target) for e in reversed(audit.events(s, 50))]
        assert ("rrm.ilc_determination", cid) in actions and ("defender.open", pid) in actions
        assert audit.verify(s).ok


def _some_events(store, n: int = 5) -> None:
    for i in range(n):
        with store.session() as s:
            audit.record(s, "ana", "test.write", str(i), {"i": i})


@on_every_backend
def test_an_edited_event_breaks_the_chain_at_that_event(store):
    _some_events(store)
    with store.session() as s:
        victim = s.scalar(select(m.AuditEvent.id).where(m.AuditEvent.seq == 3))
        s.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3"))
        check = audit.verify(s)
    assert not check.ok and check.first_bad_id == victim and "content changed" in check.reason


@on_every_backend
def test_recomputing_hashes_forward_without_the_key_fails(store):
    """An editor with database access but not the key rewrites event 2 and every hash after it, and the head,
    with any key of their own: the chain and the head's signature both refuse it."""
    import hmac as hmac_

    _some_events(store)
    forged_key = b"x" * 32
    with store.session() as s:
        rows = list(s.execute(select(m.AuditEvent).order_by(m.AuditEvent.seq)).scalars())
        prev = audit.GENESIS
        for ev in rows:
            if ev.seq == 2:
                ev.actor = "mallory"
            ev.prev_hash = prev
            ev.hash = audit.digest(forged_key, ev.seq, prev, ev.at, ev.actor, ev.action, ev.target, ev.detail)
            prev = ev.hash
        head = s.get(m.AuditHead, 1)
        head.last_hash, head.signature = prev, audit.head_signature(forged_key, head.count, prev)
        s.flush()
        check = audit.verify(s)
        assert not check.ok and check.first_bad_id == rows[0].id  # the first rewritten hash fails already
        assert "without the audit key" in check.reason
        assert not hmac_.compare_digest(head.signature, audit.head_signature(store.keys.audit(), head.count,
                                                                              prev))


@on_every_backend
def test_deleting_the_newest_events_is_detected_by_the_signed_head(store):
    _some_events(store, 6)
    with store.session() as s:
        s.execute(text("DELETE FROM audit_log WHERE seq > 4"))
        check = audit.verify(s)
    assert not check.ok and check.first_bad_id is None and "newest events were deleted" in check.reason
    assert (check.events, check.head_count) == (4, 6)
    with store.session() as s:  # nor can the head be wound back without the key
        s.execute(text("UPDATE audit_head SET count = 4, last_hash = "
                       "(SELECT hash FROM audit_log WHERE seq = 4)"))
        check = audit.verify(s)
    assert not check.ok and "signature does not verify" in check.reason


@on_every_backend
def test_removing_an_event_in_the_middle_is_named(store):
    _some_events(store, 5)
    with store.session() as s:
        s.execute(text("DELETE FROM audit_log WHERE seq = 2"))
        third = s.scalar(select(m.AuditEvent.id).where(m.AuditEvent.seq == 3))
        check = audit.verify(s)
    assert not check.ok and check.first_bad_id == third and "should be at position 2" in check.reason


@on_every_backend
def test_another_key_cannot_verify_and_says_so(store, backend, monkeypatch):
    import base64

    _some_events(store, 2)
    monkeypatch.setenv("LABORLENS_AUDIT_KEY", base64.b64encode(b"k" * 32).decode())
    from laborlens.settings import Settings

    other = SqlStore(Settings())
    with other.session() as s:
        check = audit.verify(s)
    assert not check.ok and "without the audit key" in check.reason


@on_every_backend
def test_processes_writing_at_once_leave_one_valid_chain(store, backend):
    """Four processes (spawned, each with its own engine) append 25 audited writes each at the same moment:
    the head lock makes them queue, so the chain has exactly 100 events at positions 1..100 and verifies."""
    workers, per = 4, 25
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(workers)
    procs = [ctx.Process(target=write_events, args=(barrier, w, per)) for w in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(180)
    assert [p.exitcode for p in procs] == [0] * workers
    with store.session() as s:
        check = audit.verify(s)
        seqs = list(s.scalars(select(m.AuditEvent.seq).order_by(m.AuditEvent.seq)))
        actors = set(s.scalars(select(m.AuditEvent.actor)))
        assert _count(s, m.Decision) == workers * (per // 2)
    assert check.ok, check.reason
    assert seqs == list(range(1, workers * per + 1)) and actors == {f"w{w}" for w in range(workers)}


@on_every_backend
def test_existing_unkeyed_chain_is_migrated_and_its_state_recorded(backend):
    """A store at revision 0004 with an unkeyed chain (one row edited) goes to 0005: the chain is re-keyed and
    verifies, and the re-keying event says the old chain was broken, and where."""
    import hashlib
    import json
    from datetime import datetime

    from alembic import command
    from alembic.config import Config

    from laborlens.store.db import MIGRATIONS

    st = SqlStore(backend)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"], cfg.attributes["keys"] = st.engine, st.keys
    command.upgrade(cfg, "0004")
    prev = "0" * 64
    with st.engine.begin() as conn:
        for i in range(3):
            at = datetime(2026, 1, 1, 12, 0, i)
            body = json.dumps([prev, at.isoformat(), "old", "legacy.write", str(i), {}], sort_keys=True,
                              ensure_ascii=False)
            h = hashlib.sha256(body.encode()).hexdigest()
            conn.execute(text("INSERT INTO audit_log (at, actor, action, target, detail, prev_hash, hash) "
                              "VALUES (:at, 'old', 'legacy.write', :t, '{}', :p, :h)"),
                         {"at": at, "t": str(i), "p": prev, "h": h})
            prev = h
        conn.execute(text("UPDATE audit_log SET target = 'edited' WHERE target = '1'"))
    st.migrate()
    with st.session() as s:
        check = audit.verify(s)
        last = audit.events(s, 1)[0]
    assert check.ok and check.events == 4
    assert last.action == "audit.rekeyed" and last.detail["legacy_events"] == 3
    assert last.detail["legacy_chain_ok"] is False and last.detail["legacy_first_bad_id"] == 2
    command.downgrade(cfg, "0004")  # and back: the unkeyed chain verifies again under 0004's rules
    command.upgrade(cfg, "head")
    with st.session() as s:
        assert audit.verify(s).ok
