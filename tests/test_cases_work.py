"""Mission engagements, safeguard reviews and the memorandum progress review."""

from __future__ import annotations

from datetime import date

import pytest

from laborlens.accounts import Forbidden, Principal
from laborlens.cases import Conflict, progress, safeguards
from laborlens.cases import engagements as eng
from laborlens.errors import InputError, NotFound
from laborlens.web.printing import report_html, review_html, write_html

OP = Principal(1, "tester", "admin", "test")
VIEWER = Principal(2, "vera", "viewer", "test")


# -- missions ----------------------------------------------------------------------------------------------


@pytest.fixture()
def mission(store):
    with store.session() as s:
        return eng.create_mission(
            s,
            OP,
            title="Labor dialogue, Mexico City",
            kind="negotiation",
            starts_on="2026-03-10",
            ends_on="2026-03-12",
            country="Mexico",
            agency="USTR",
        ).id


def test_missing_phases_only_once_due(store, mission) -> None:
    with store.session() as s:
        g = eng.mission_gaps(s, eng.get_mission(s, mission), date(2026, 3, 1))
    assert g.missing_phases == [] and [p for p, _ in g.upcoming_phases] == ["before", "during", "after"]
    with store.session() as s:
        g = eng.mission_gaps(s, eng.get_mission(s, mission), date(2026, 3, 11))
    assert [p for p, _ in g.missing_phases] == ["before"]
    with store.session() as s:
        g = eng.mission_gaps(s, eng.get_mission(s, mission), date(2026, 4, 20))
    assert [p for p, _ in g.missing_phases] == ["before", "during", "after"]
    assert g.missing_stakeholders == ["elected_union_leaders", "defenders"]


def test_complete_mission_leaves_the_report(store, mission) -> None:
    plan = [("elected_union_leaders", "2026-03-01"), ("defenders", "2026-03-11"), ("workers", "2026-03-20")]
    with store.session() as s:
        for i, (who, on) in enumerate(plan):
            eng.record_engagement(s, OP, mission, stakeholder=who, on=on, expected_version=i)
        assert eng.gaps_report(s, date(2026, 5, 1)) == []
        e = eng.engagements(s, mission)
    assert [x.phase for x in e] == ["before", "during", "after"]


def test_engagement_rules(store, mission) -> None:
    with store.session() as s:
        with pytest.raises(InputError, match="during the mission"):
            eng.record_engagement(s, OP, mission, stakeholder="workers", on="2026-03-11", phase="after")
        with pytest.raises(InputError):
            eng.record_engagement(s, OP, mission, stakeholder="lobbyists", on="2026-03-11")
        with pytest.raises(Forbidden):
            eng.record_engagement(s, VIEWER, mission, stakeholder="workers", on="2026-03-11")
        with pytest.raises(InputError, match="ends before"):
            eng.create_mission(s, OP, title="x", kind="mission", starts_on="2026-03-10", ends_on="2026-03-01")
        eng.record_engagement(s, OP, mission, stakeholder="workers", on="2026-03-11", expected_version=0)
    with store.session() as s, pytest.raises(Conflict):
        eng.record_engagement(s, OP, mission, stakeholder="employers", on="2026-03-11", expected_version=0)


# -- safeguard reviews -------------------------------------------------------------------------------------


@pytest.fixture()
def review(store):
    with store.session() as s:
        return safeguards.create_review(
            s,
            OP,
            project="Rural roads II",
            bank="World Bank",
            framework="ESS2",
            project_ref="P123456",
            country="Honduras",
        ).id


def test_checklist_per_framework() -> None:
    ess2 = {i.key for i in safeguards.checklist("ESS2")}
    ps2 = {i.key for i in safeguards.checklist("PS2")}
    assert len(ess2) == 11 and "community_workers" in ess2 and "retrenchment" not in ess2
    assert "retrenchment" in ps2 and "community_workers" not in ps2
    weighted = {i.key for i in safeguards.checklist() if i.weight == 2}
    assert weighted == {"workers_organizations", "ohs", "forced_labor", "child_labor", "primary_supply"}


def test_memo_weighted_scoring(store, review) -> None:
    items = safeguards.checklist("ESS2")
    with store.session() as s:
        for n, i in enumerate(items):
            safeguards.score_item(s, OP, review, i.key, 2, f"LMP section {i.no}", expected_version=n)
        sm = safeguards.summarise(s, review)
        assert (sm.weighted_pct, sm.coverage, sm.rating) == (100.0, 1.0, "strong")
        safeguards.score_item(s, OP, review, "ohs", 0, "LMP silent on PPE and incident reporting")
        safeguards.score_item(s, OP, review, "grievance", 1, "GM exists, not accessible to contractors")
        sm = safeguards.summarise(s, review)
    # weights: 6 items x1, 5 items x2 -> max 32; lost 4 (ohs, weight 2) + 1 (grievance) -> 27/32
    assert sm.weighted_pct == pytest.approx(100 * 27 / 32)
    assert [i.item.key for i in sm.critical_gaps] == ["ohs"]
    assert sm.rating.startswith("inadequate")
    ohs = next(i for i in sm.items if i.item.key == "ohs")
    assert (ohs.score, ohs.history) == (0, 2)  # latest score wins; history kept


def test_scoring_rules(store, review) -> None:
    with store.session() as s:
        with pytest.raises(InputError, match="evidence"):
            safeguards.score_item(s, OP, review, "ohs", 2, " ")
        with pytest.raises(InputError, match="score must be"):
            safeguards.score_item(s, OP, review, "ohs", 3, "x")
        with pytest.raises(InputError, match="item must be"):
            safeguards.score_item(s, OP, review, "retrenchment", 2, "x")  # PS2 only
        with pytest.raises(NotFound):
            safeguards.summarise(s, "SGR-9999")
        assert safeguards.summarise(s, review).rating == "incomplete"


def test_printable_review(store, review, tmp_path) -> None:
    with store.session() as s:
        safeguards.score_item(s, OP, review, "forced_labor", 0, "No screening of recruitment fees <script>")
        html = review_html(safeguards.summarise(s, review), date(2026, 11, 25))
    assert "Rural roads II" in html and "Critical gaps" in html and "memo priority" in html
    assert "<script>" not in html and "&lt;script&gt;" in html  # user text is escaped
    out = write_html(html, tmp_path / "review.html", tmp_path / "review.pdf")
    assert out.read_text(encoding="utf-8") == html
    assert (tmp_path / "review.pdf").read_bytes()[:5] == b"%PDF-"


# -- progress review ---------------------------------------------------------------------------------------


def test_twenty_two_directives() -> None:
    ds = progress.directives()
    assert [d.no for d in ds] == list(range(1, 23))
    assert ds[13].agencies.startswith("Treasury") and "MDB" in ds[13].directive
    assert ds[21].section == "§3(g)"


def test_tracker_updates_and_conflict(store) -> None:
    with store.session() as s:
        rows = progress.tracker(s)
        assert len(rows) == 22 and {r.status for r in rows} == {"not_started"}
        progress.update_directive(s, OP, 14, "in_progress", "Treasury note to IDB board", "2026-06-30", 0)
        with pytest.raises(InputError, match="evidence"):
            progress.update_directive(s, OP, 14, "done", "", None, 1)
        progress.update_directive(s, OP, 14, "blocked", "awaiting IFC review timetable", None, 1)
        with pytest.raises(NotFound):
            progress.update_directive(s, OP, 23, "done", "x")
    with store.session() as s, pytest.raises(Conflict):
        progress.update_directive(s, OP, 14, "done", "x", None, 1)
    with store.session() as s:
        row = progress.tracker(s)[13]
    assert (row.status, row.due_on, row.version) == ("blocked", date(2026, 6, 30), 2)  # due date carried over
    assert row.overdue(date(2026, 7, 1)) and not row.overdue(date(2026, 6, 30))


def test_semiannual_report_with_chart(store, tmp_path) -> None:
    from laborlens.cases.rrm.real import load_real_cases

    with store.session() as s:
        load_real_cases(s, OP)
        progress.update_directive(s, OP, 2, "in_progress", "consultation SOP drafted", "2026-09-30")
        progress.update_directive(s, OP, 22, "done", "this report")
        html = report_html(progress.progress_report(s, "2026-H2", date(2026, 11, 25)))
    assert "semi-annual progress review 2026-H2" in html
    uri = html.split('src="data:image/svg+xml;base64,', 1)[1].split('"', 1)[0]
    svg = __import__("base64").b64decode(uri).decode()
    assert svg.startswith("<svg") and "</svg>" in svg  # matplotlib chart embedded as a data URI
    assert "consultation SOP drafted" in html and "Overdue" in html
    assert "Open RRM cases (clocks overdue)" in html and "14 (8)" in html
    write_html(html, tmp_path / "r.html", tmp_path / "r.pdf")
    assert (tmp_path / "r.pdf").stat().st_size > 1000
    with pytest.raises(InputError):
        progress.period_bounds("2026-Q3")


def test_case_numbers_come_from_a_counter_not_a_count(store) -> None:
    """A removed case's number is never handed out again (count + 1 would reuse MIS-0002 and collide)."""
    from sqlalchemy import delete

    from laborlens.cases.models import CaseCounter, Mission

    def add(title: str) -> str:
        with store.session() as s:
            return eng.create_mission(s, OP, title=title, kind="mission", starts_on="2026-01-05",
                                      ends_on="2026-01-06").id

    assert [add("a"), add("b")] == ["MIS-0001", "MIS-0002"]
    with store.session() as s:
        s.execute(delete(Mission).where(Mission.id == "MIS-0001"))
    assert add("c") == "MIS-0003"
    with store.session() as s:
        assert s.get(CaseCounter, "MIS-").value == 3


def test_migration_seeds_counters_from_existing_ids(tmp_path) -> None:
    """An installation upgraded to 0006 continues after its highest existing number."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text

    from laborlens.settings import Settings
    from laborlens.store.db import MIGRATIONS, SqlStore

    st = SqlStore(Settings(home=tmp_path, db=None))
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = st.engine
    command.upgrade(cfg, "0004")
    with st.engine.begin() as c:
        c.execute(text("INSERT INTO missions (id, title, kind, country, agency, starts_on, ends_on, "
                       "created_at, created_by, version) VALUES ('MIS-0007', 't', 'mission', '', '', "
                       "'2026-01-01', '2026-01-02', '2026-01-01 00:00:00', 'x', 0)"))
    st.migrate()
    with st.session() as s:
        m = eng.create_mission(s, OP, title="next", kind="mission", starts_on="2026-02-01",
                               ends_on="2026-02-02")
    assert m.id == "MIS-0008"


def test_engagement_summaries_are_sealed_and_shown_to_analysts_only(store, settings, mission) -> None:
    """A summary may name a union leader or a defender: sealed at rest, opened for analysts (audited)."""
    from laborlens.cases.crypto import KeyRing
    from laborlens.cases.defenders.rotation import rotate_key
    from laborlens.service import Context
    from laborlens.service import missions as mission_service

    said = "Met Quetzalcoatl Brightwing-Oduya at the union hall, +52 55 0000 1234"
    analyst = Context(settings=settings, store=store, principal=OP)
    viewer = Context(settings=settings, store=store, principal=VIEWER)
    mission_service.record_engagement(analyst, mission, stakeholder="defenders", on="2026-03-11",
                                      summary=said, version=0)
    store.engine.dispose()
    raw = b"".join(p.read_bytes() for p in sorted(settings.home.glob("laborlens.db*")))
    assert b"Brightwing" not in raw and b"0000 1234" not in raw
    _, seen = mission_service.mission(viewer, mission)
    assert seen[0].summary is None and seen[0].sealed
    _, seen = mission_service.mission(analyst, mission)
    assert seen[0].summary == said
    with store.session() as s:
        reads = [e.actor for e in __import__("laborlens.audit").audit.events(s, 50)
                 if e.action == "mission.summary.read"]
    assert reads == [OP.username]  # the viewer's read opened nothing and is not counted
    with store.session() as s, pytest.raises(InputError, match="key ring"):
        eng.record_engagement(s, OP, mission, stakeholder="workers", on="2026-03-11", summary="x")
    r = rotate_key(store, OP, KeyRing.from_settings(settings))
    assert r.resealed == 1  # the summary, under the new key
    _, seen = mission_service.mission(Context(settings=settings, store=store, principal=OP), mission)
    assert seen[0].summary == said
