"""RRM cases: the 26 real cases and their clocks, filing, lifecycle rules, evidence, optimistic locking."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from laborlens.accounts import Principal
from laborlens.cases import Conflict, demo_case_work
from laborlens.cases.rrm import board as rrm_board
from laborlens.cases.rrm import clocks as rrm_clocks
from laborlens.cases.rrm import lifecycle as rrm
from laborlens.cases.rrm.real import load_real_cases, read_rows
from laborlens.errors import InputError
from laborlens.service import Context
from laborlens.service import rrm as rrm_service
from laborlens.web import printing

OP = Principal(1, "tester", "admin", "test")
AS_OF = date(2026, 11, 25)


@pytest.fixture()
def real(store):
    with store.session() as s:
        res = load_real_cases(s, OP)
    assert (res.added, res.skipped) == (26, 0)
    return store


def _dl(view, key):
    return next(d for d in view.deadlines if d.clock.key == key)


def test_real_cases_load_once_with_all_rows(real) -> None:
    assert len(read_rows()) == 26
    with real.session() as s:
        assert load_real_cases(s, OP).skipped == 26  # idempotent
        views = rrm_board.board(s, AS_OF, include_closed=True)
    assert len(views) == 26
    assert {v.petition.id for v in views} == {f"RRM-R{n:02d}" for n in range(1, 27)}


@pytest.mark.parametrize(
    "case,clock,status,due",
    [
        ("RRM-R03", "ilc_determination", "met", date(2022, 5, 18)),  # request sent on day 30
        ("RRM-R08", "ilc_determination", "superseded", date(2023, 5, 20)),  # request two days after day 30
        ("RRM-R18", "ilc_determination", "met", date(2024, 2, 16)),
        ("RRM-R18", "mexico_decides", "overdue", date(2024, 2, 26)),
        ("RRM-R18", "mexico_review", "overdue", date(2024, 4, 1)),
        ("RRM-R17", "mexico_decides", "superseded", date(2024, 1, 28)),  # panel requested; no record of reply
        ("RRM-R17", "panel_constitution", "overdue", date(2024, 4, 19)),  # 3 business days (unverified)
        ("RRM-R22", "panel_constitution", "overdue", date(2024, 12, 23)),
        ("RRM-R26", "mexico_decides", "overdue", date(2026, 5, 28)),
        ("RRM-R26", "mexico_review", "overdue", date(2026, 7, 2)),
        ("RRM-R07", "mexico_review", "closed", date(2023, 4, 20)),  # resolved before any record
        ("RRM-R09", "mexico_review", "recorded-undated", date(2023, 7, 15)),  # "Mexico found denial", no date
    ],
)
def test_real_case_deadlines(real, case, clock, status, due) -> None:
    with real.session() as s:
        d = _dl(rrm_board.case_view(s, case, AS_OF), clock)
    assert (d.status, d.due) == (status, due)


@pytest.mark.parametrize(
    "case,clock,window",
    [
        ("RRM-R05", "mexico_decides", (date(2022, 7, 31), date(2022, 7, 31))),  # inferred date: never exact
        (
            "RRM-R06",
            "ilc_determination",
            (date(2022, 12, 31), date(2023, 1, 30)),
        ),  # petition known to the month
        ("RRM-R10", "mexico_decides", (date(2023, 1, 11), date(2024, 1, 10))),  # year only
        ("RRM-R19", "mexico_review", (date(2024, 4, 15), date(2024, 6, 14))),  # "2024-03/04"
    ],
)
def test_imprecise_dates_give_windows_not_deadlines(real, case, clock, window) -> None:
    with real.session() as s:
        d = _dl(rrm_board.case_view(s, case, AS_OF), clock)
    assert d.due is None and d.window == window
    assert d.status in ("approximate", "closed", "superseded")
    assert "not computed" in d.note


def test_unknown_dates_compute_nothing(real) -> None:
    with real.session() as s:
        v = rrm_board.case_view(s, "RRM-R17", AS_OF)  # no petition date in the sources
    assert "ilc_determination" not in {d.clock.key for d in v.deadlines}


def test_overdue_board(real) -> None:
    with real.session() as s:
        views = rrm_board.board(s, AS_OF)
        alerts = rrm_board.alerts(s, AS_OF)
    assert len(views) == 14 and all(v.is_open for v in views)
    ordered = [v.next_deadline.status if v.next_deadline else None for v in views]
    firsts = ordered[:6]
    assert firsts == ["overdue"] * 6  # overdue cases come first
    assert {a.case_id for a in alerts} == {"RRM-R17", "RRM-R18", "RRM-R22", "RRM-R23", "RRM-R24", "RRM-R26"}
    assert all(a.deadline.status == "overdue" for a in alerts)


def test_due_soon_as_of_an_earlier_day(real) -> None:
    with real.session() as s:
        alerts = rrm_board.alerts(s, date(2024, 2, 20))
    r18 = [a for a in alerts if a.case_id == "RRM-R18"]
    assert [(a.deadline.clock.key, a.deadline.status) for a in r18] == [("mexico_decides", "due-soon")]


def test_real_case_facts_follow_the_sources(real) -> None:
    with real.session() as s:
        r11 = rrm_board.case_view(s, "RRM-R11", AS_OF)
        r12 = rrm_board.case_view(s, "RRM-R12", AS_OF)
        r09 = rrm_board.case_view(s, "RRM-R09", AS_OF)
        r17 = rrm_board.case_view(s, "RRM-R17", AS_OF)
    assert r11.facts.closed[0] == "no_denial" and r11.facts.review[0] == "no_denial"
    assert r11.facts.panel_requested.exact == date(2023, 8, 22)
    assert r12.facts.mexico[0] == "declines" and not r12.is_open
    assert r09.is_open and r09.facts.plan.exact == date(2023, 7, 31) and r09.facts.review[0] == "denial"
    assert r17.petition.sector == "services" and r17.facts.stage == "panel requested"


def test_new_petition_clocks_appear_on_filing(store) -> None:
    with store.session() as s:
        p = rrm.file_petition(
            s,
            OP,
            facility="Planta Norte",
            sector="auto parts",
            filed_on="2026-11-02",
            state="Coahuila",
            petitioner="Sindicato X",
        )
        v = rrm_board.case_view(s, p.id, AS_OF)
    assert p.id == "RRM-2026-001" and p.sector == "manufacturing"
    assert v.version == 1 and v.facts.stage == "petition before the ILC"
    ilc = _dl(v, "ilc_determination")
    assert (ilc.due, ilc.status, ilc.clock.verified) == (date(2026, 12, 2), "due-soon", True)


@pytest.mark.parametrize("sector", ["agriculture", "Avocado farming", "fishing fleet"])
def test_agriculture_petition_refused(store, sector) -> None:
    with store.session() as s, pytest.raises(InputError, match="not a Priority Sector"):
        rrm.file_petition(s, OP, facility="Rancho", sector=sector, filed_on="2026-11-02")


@pytest.mark.parametrize(
    "text,covered",
    [
        ("mining", "mining"),
        ("silver mine", "mining"),
        ("call center services", "services"),
        ("garment", "manufacturing"),
        ("processed food (guacamole)", "manufacturing"),
    ],
)
def test_sector_classification(text, covered) -> None:
    assert rrm.classify_sector(text) == covered


def test_other_refusals(store) -> None:
    with store.session() as s:
        with pytest.raises(InputError, match="Canada"):
            rrm.file_petition(s, OP, facility="X", sector="mining", filed_on="2026-01-05", country="CA")
        with pytest.raises(InputError, match="exact"):
            rrm.file_petition(s, OP, facility="X", sector="mining", filed_on="2026-01")
        with pytest.raises(InputError, match="Priority Sector"):
            rrm.file_petition(s, OP, facility="X", sector="widgets", filed_on="2026-01-05")


def test_full_lifecycle_and_transition_rules(store, tmp_path) -> None:
    ev = tmp_path / "statement.pdf"
    ev.write_bytes(b"%PDF-1.4 worker statement")
    ctx = Context(settings=store.settings, store=store, principal=OP)
    filed = rrm_service.file_petition(
        ctx, facility="Planta Sur", sector="manufacturing", filed_on="2025-01-06", evidence=[ev]
    )
    cid = filed.petition.id
    kept = filed.facts.evidence[0]
    assert Path(kept["path"]).read_bytes() == ev.read_bytes()  # the library keeps its own copy...
    assert Path(kept["path"]).is_relative_to(store.settings.home / "evidence")  # ...under the data folder
    with store.session() as s:
        with pytest.raises(InputError, match="not allowed now"):
            rrm.append_event(s, OP, cid, "review_concluded", on="2025-01-20", result="denial")
        with pytest.raises(InputError, match="needs a result"):
            rrm.append_event(s, OP, cid, "ilc_determination", on="2025-01-20")
        rrm.append_event(s, OP, cid, "ilc_determination", on="2025-01-30", result="affirmative")
        rrm.append_event(s, OP, cid, "request_for_review", on="2025-02-03")
        rrm.append_event(s, OP, cid, "mexico_response", on="2025-02-10", result="agrees")
        rrm.append_event(s, OP, cid, "review_concluded", on="2025-03-25", result="denial")
        rrm.append_event(
            s,
            OP,
            cid,
            "remediation_plan",
            on="2025-04-01",
            data={"milestones": ["2025-05-01 Reinstate workers", "2025-06-30 Legitimation vote"]},
        )
        rrm.append_event(s, OP, cid, "milestone_done", on="2025-04-28", data={"milestone": "M1"})
        v = rrm_board.case_view(s, cid, date(2025, 6, 25))
        assert v.facts.stage == "remediation (1/2 milestones)"
        st = {d.clock.key: d.status for d in v.deadlines}
        assert st["ilc_determination"] == "met"
        assert st["mexico_decides"] == "met"
        assert st["mexico_review"] == "late"  # 45 days from 3 Feb is 20 Mar; concluded 25 Mar
        assert st["remediation_consultations"] == "met"  # plan on 1 Apr, within 10 days of 25 Mar
        assert st["ustr_panel_decision"] == "overdue"  # no panel request or certification recorded
        assert (st["milestone:M1"], st["milestone:M2"]) == ("met", "due-soon")
        rrm.append_event(s, OP, cid, "closed", on="2025-07-01", result="remediated")
        with pytest.raises(InputError, match="closed"):
            rrm.append_event(s, OP, cid, "panel_requested", on="2025-07-02")
        rrm.append_event(s, OP, cid, "note", note="follow-up visit planned")  # notes are always allowed
        v = rrm_board.case_view(s, cid, date(2025, 8, 1))
    assert not v.is_open and v.version == 10
    assert v.facts.evidence[0]["sha256"] == __import__("hashlib").sha256(ev.read_bytes()).hexdigest()
    assert [e.kind for e in v.events][:2] == ["filed", "evidence_added"]
    assert [e.seq for e in v.events] == list(range(1, 11))


def test_stale_version_is_a_conflict(store) -> None:
    with store.session() as s:
        cid = rrm.file_petition(s, OP, facility="Planta", sector="mining", filed_on="2026-01-05").id
    # two editors read version 1
    with store.session() as s:
        seen_a = rrm_board.case_view(s, cid).version
    with store.session() as s:
        seen_b = rrm_board.case_view(s, cid).version
    assert seen_a == seen_b == 1
    with store.session() as s:
        rrm.append_event(s, OP, cid, "note", note="editor A", expected_version=seen_a)
    with store.session() as s, pytest.raises(Conflict) as exc:
        rrm.append_event(s, OP, cid, "note", note="editor B", expected_version=seen_b)
    assert exc.value.http_status == 409 and "version 1" in str(exc.value)
    with store.session() as s:
        notes = [e.note for e in rrm.events_of(s, cid) if e.kind == "note"]
    assert notes == ["editor A"]  # B did not overwrite or interleave


def test_unverified_clock_override(real) -> None:
    with real.session() as s:
        with pytest.raises(InputError, match="cannot be overridden"):
            rrm_clocks.set_clock(s, OP, "mexico_decides", 20)
        row = rrm_clocks.set_clock(s, OP, "panel_constitution", 5)
        assert row.overridden and not row.clock.verified
        d = _dl(rrm_board.case_view(s, "RRM-R17", AS_OF), "panel_constitution")
    assert d.due == date(2024, 4, 23)  # 5 business days from Tue 16 Apr


def test_timeline_and_html(real) -> None:
    with real.session() as s:
        v = rrm_board.case_view(s, "RRM-R08", AS_OF)
        entries = rrm_board.timeline(v)
        html = printing.case_html(v)
        board_html = printing.board_html(rrm_board.board(s, AS_OF), rrm_clocks.clock_table(s), AS_OF)
    kinds = [(e.kind, e.when.text) for e in entries]
    assert kinds[0] == ("event", "2023-04-20")
    dated = [e.when.earliest for e in entries if e.when.earliest]
    assert dated == sorted(dated)
    assert "Goodyear SLP facility" in html and "superseded" in html
    assert "RRM-R18" in board_html and "overdue" in board_html and "unverified" in board_html


def test_demo_case_work_loads_real_cases(store) -> None:
    assert demo_case_work(store) == {"rrm_cases_added": 26, "rrm_cases_present": 0}
    assert demo_case_work(store) == {"rrm_cases_added": 0, "rrm_cases_present": 26}
