"""`laborlens audit verify / export / head`: exit 0 for a valid chain, 2 for a broken one with the event and
the reason; exports carry the signed head and verify offline; the key lives outside the database, 0600."""

from __future__ import annotations

import csv
import io
import json
import stat

import pytest
from sqlalchemy import text

from laborlens import audit
from laborlens.store import open_store
from laborlens.store.keys import KeyProblem


@pytest.fixture()
def logged(store):
    for i in range(4):
        with store.session() as s:
            audit.record(s, "ana", "test.write", str(i))
    return store


def test_verify_passes_then_names_the_edited_event(cli, logged):
    r = cli("audit", "verify")
    assert r.exit_code == 0 and "audit chain valid: 4 events" in r.output
    with logged.session() as s:
        s.execute(text("UPDATE audit_log SET target = 'other' WHERE seq = 2"))
    r = cli("audit", "verify")
    assert r.exit_code == 2
    assert "BROKEN" in r.output and "(position 2)" in r.output and "content changed" in r.output


def test_verify_detects_deleted_newest_events(cli, logged):
    with logged.session() as s:
        s.execute(text("DELETE FROM audit_log WHERE seq = 4"))
    r = cli("audit", "verify")
    assert r.exit_code == 2 and "covers 4 events but the log has 3" in r.output


def test_export_carries_the_signed_head_and_verifies_offline(cli, logged, tmp_path):
    out = tmp_path / "audit.json"
    assert cli("audit", "export", "-o", out).exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    data = json.loads(out.read_text())
    assert data["head"]["count"] == 4 and data["head"]["last_hash"] == data["events"][-1]["hash"]
    assert cli("audit", "verify", "--export", out).exit_code == 0
    data["events"][1]["actor"] = "mallory"  # edited after export
    out.write_text(json.dumps(data))
    r = cli("audit", "verify", "--export", out)
    assert r.exit_code == 2 and "content changed" in r.output
    data = json.loads(out.read_text())
    data["events"][1]["actor"] = "ana"
    del data["events"][-1]  # a shortened export
    out.write_text(json.dumps(data))
    r = cli("audit", "verify", "--export", out)
    assert r.exit_code == 2 and "newest events were deleted" in r.output
    out.write_text("{not json")
    r = cli("audit", "verify", "--export", out)
    assert r.exit_code == 2 and str(out) in r.output


def test_csv_export_ends_with_the_head(cli, logged, tmp_path):
    out = tmp_path / "audit.csv"
    assert cli("audit", "export", "-o", out, "--format", "csv").exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [r["seq"] for r in rows[:-1]] == ["1", "2", "3", "4"]
    head = rows[-1]
    assert head["action"] == "audit.head" and head["seq"] == "4" and head["hash"] == rows[-2]["hash"]
    assert cli("audit", "export", "-o", out, "--format", "xml").exit_code == 2


def test_head_command_prints_the_signed_head(cli, logged):
    r = cli("audit", "head")
    head = json.loads(r.output)
    assert r.exit_code == 0 and head["count"] == 4 and len(head["signature"]) == 64


def test_the_key_is_a_0600_file_outside_the_database_and_refused_when_others_may_read_it(settings, logged):
    key = settings.home / "keys" / "audit.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and stat.S_IMODE(key.parent.stat().st_mode) == 0o700
    db = (settings.home / "laborlens.db").read_bytes()
    assert key.read_text().strip().encode() not in db
    key.chmod(0o644)
    with pytest.raises(KeyProblem, match="other users may read"), open_store(settings).session() as s:
        audit.verify(s)
