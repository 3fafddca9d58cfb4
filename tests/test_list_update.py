"""``laborlens lists update``, against a local HTTP server on 127.0.0.1 serving the saved publications made
by ``tests/fixtures/updates/generate.py`` (never the agencies' servers)."""

from __future__ import annotations

import functools
import json
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from laborlens.refdata import editions

FIXTURES = Path(__file__).parent / "fixtures" / "updates"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output clean
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(FIXTURES)))
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _current(store, name):
    return next(w for w in editions.watchlists(store) if w.name == name).edition


def test_uflpa_update_records_an_edition_with_a_diff(cli_admin, cli, store, server, home):
    r = cli("lists", "update", "uflpa", "--url", f"{server}/dhs_page.html")
    assert r.exit_code == 0, r.output
    assert "added 3" in r.output and "Example Fixture Polysilicon" in r.output
    ed = _current(store, "uflpa")
    assert ed.entities == 78 and ed.seq == 2 and "downloaded" in ed.label
    ids = {e.name: e.entity_id for e in editions.current_entries(store, ["uflpa"])}
    # the bundled entities keep their ids; the additions get new numbers after them
    assert ids["Baoding LYSZD Trade and Business Co., Ltd."] == "uflpa-002"
    assert ids["Example Fixture Polysilicon Co., Ltd."] not in {f"uflpa-{i:03d}" for i in range(1, 76)}
    saved = list((home / "downloads" / "uflpa").iterdir())
    assert len(saved) == 1 and saved[0].read_bytes() == (FIXTURES / "dhs_page.html").read_bytes()
    again = cli("lists", "update", "uflpa", "--url", f"{server}/dhs_page.html")
    assert again.exit_code == 0 and "nothing recorded" in again.output
    assert _current(store, "uflpa").seq == 2


@pytest.mark.parametrize("page, words", [
    ("dhs_excerpt.html", "entity table"),
    ("dhs_maintenance.html", "no table"),
])
def test_uflpa_refuses_a_page_that_looks_wrong(cli_admin, cli, store, server, page, words):
    r = cli("lists", "update", "uflpa", "--url", f"{server}/{page}")
    assert r.exit_code == 2 and words in r.output, r.output
    assert _current(store, "uflpa").seq == 1  # nothing recorded


def test_far_fewer_entities_is_refused_unless_forced(cli_admin, cli, store, server):
    assert cli("lists", "update", "uflpa", "--url", f"{server}/dhs_page.html").exit_code == 0
    # one table of 10 after 78 entities: two reasons to refuse; --force records it with warnings
    r = cli("lists", "update", "uflpa", "--url", f"{server}/dhs_excerpt.html")
    assert r.exit_code == 2 and "--force" in r.output
    forced = cli("lists", "update", "uflpa", "--url", f"{server}/dhs_excerpt.html", "--force")
    assert forced.exit_code == 0, forced.output
    assert "far fewer" in forced.output and "removed 68" in forced.output
    assert _current(store, "uflpa").entities == 10
    assert cli("lists", "rollback", "uflpa").exit_code == 0 and _current(store, "uflpa").entities == 78


def test_wro_follows_the_landing_page_to_the_csv(cli_admin, cli, store, server):
    before = _current(store, "wro").entities
    r = cli("lists", "update", "wro", "--url", f"{server}/cbp_wro.html")
    assert r.exit_code == 0, r.output
    assert "withhold-release-orders-findings-fy26-jan.csv" in r.output
    assert "Example Fixture Fishing" in r.output
    assert _current(store, "wro").entities == before + 1
    short = cli("lists", "update", "wro", "--url", f"{server}/wro_short.csv")
    assert short.exit_code == 2 and "far fewer" in short.output
    missing = cli("lists", "update", "wro", "--url", f"{server}/dhs_maintenance.html")
    assert missing.exit_code == 2 and "without a link" in missing.output


def test_ilab_update_becomes_the_table_screening_reads(cli_admin, cli, home, server):
    from laborlens.refdata.catalog import CATALOG

    bundled = len(CATALOG["ilab"].rows())
    bad = cli("lists", "update", "ilab", "--url", f"{server}/ilab_bad.csv")
    assert bad.exit_code == 2 and "good column" in bad.output
    r = cli("lists", "update", "ilab", "--url", f"{server}/ilab.html")
    assert r.exit_code == 0, r.output
    assert "added 2" in r.output and "Example Fixture Bricks (Nepal)" in r.output
    assert CATALOG["ilab"].path == home / "refdata" / "ilab_list_of_goods.csv"
    rows = CATALOG["ilab"].rows()
    assert len(rows) == bundled + 2
    assert {"good": "Example Fixture Bricks", "forced_labor": "true"}.items() <= next(
        x for x in rows if x["good"] == "Example Fixture Bricks").items()
    history = (home / "refdata" / "ilab" / "editions.jsonl").read_text().splitlines()
    assert json.loads(history[-1])["added"] == 2


def test_unknown_list_and_bad_url(cli_admin, cli, server):
    r = cli("lists", "update", "acme")
    assert r.exit_code == 2 and "uflpa, wro, ilab" in r.output
    r = cli("lists", "update", "uflpa", "--url", "file:///etc/passwd")
    assert r.exit_code == 2 and "http" in r.output
    r = cli("lists", "update", "uflpa", "--url", f"{server}/nothing-here.html")
    assert r.exit_code == 1 and "HTTP 404" in r.output


def test_update_is_audited(cli_admin, cli, store, server):
    from sqlalchemy import select

    from laborlens.store.models import AuditEvent

    assert cli("lists", "update", "uflpa", "--url", f"{server}/dhs_page.html").exit_code == 0
    with store.session() as s:
        ev = s.scalars(select(AuditEvent).where(AuditEvent.action == "list.update")).one()
        assert ev.actor == cli_admin and ev.detail["entities"] == 78  # the authenticated --as user


def test_bundled_uflpa_says_dhs_added_entities_since_january_2025(cli):
    r = cli("lists")
    assert "DHS has added entities to the list since January 2025" in " ".join(r.output.split())
