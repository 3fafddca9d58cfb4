"""The review loop through the library: a real screening recorded as a run, its review-level list match in
the queue (filters, assignment), a bulk decision with a required note, a re-screen that cites the decision,
and the run diff that says the shipment changed because of that decision."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from laborlens.accounts import Forbidden, Principal, add_user
from laborlens.errors import InputError
from laborlens.match.service import build_matcher
from laborlens.model import Link, Party, Shipment
from laborlens.refdata.bundled import bundled_entries
from laborlens.review import QueueFilter, diff_results, load_run_result, paginate, review_queue
from laborlens.screen import screen_tables, write_outputs
from laborlens.service import Context
from laborlens.service import review as uc
from laborlens.store.models import AuditEvent

IMP = Party("IMP", "Example Outdoor Apparel Inc.", "US", "Portland, Oregon")
# "DAQO NEW ENGY" is a misspelt listed name: a match (presumption- or review-level, as the scorer grades
# it) until an analyst decides
PARTIES = [IMP, Party("P", "DAQO NEW ENGY CO LTD", "CN", "Shanghai"),
           Party("EXP", "Example Wafer Trading", "VN", "Hanoi")]
LINKS = [Link("P", "EXP", "polysilicon")]
SHIPS = [Shipment("S1", "IMP", "EXP", "wafers", "", "")]


@pytest.fixture(scope="module")
def matcher():
    return build_matcher(list(bundled_entries("uflpa")) + list(bundled_entries("wro")))


class TickingClock:
    """One minute per reading, so runs recorded in one test have distinct, ordered times."""

    def __init__(self) -> None:
        self.t = datetime(2026, 12, 1, 9, 0)

    def now(self) -> datetime:
        self.t += timedelta(minutes=1)
        return self.t

    def today(self) -> date:
        return self.t.date()


def ctx_for(settings, store, user: str = "ada", role: str = "analyst") -> Context:
    return Context(settings, store, Principal(1, user, role, "cli"), clock=TickingClock())


def screen_run(ctx: Context, matcher, tmp: Path, name: str, parties=PARTIES, links=LINKS) -> str:
    from laborlens.decisions import latest_decisions

    with ctx.store.session() as s:
        dec = latest_decisions(s)
    r = screen_tables(parties, links, SHIPS, matcher, dec)
    out = tmp / "runs" / f"{len(list((tmp / 'runs').glob('*'))) if (tmp / 'runs').exists() else 0}-{name}"
    write_outputs(r, out, html=False, pdf=False)
    return uc.record_run(ctx, str(tmp / "data"), str(out), r.summary(), name=name)


def test_queue_decide_rescreen_and_diff(settings, store, matcher, tmp_path):
    with store.session() as s:
        add_user(s, "ada", "a long password 1", "analyst")
        add_user(s, "vic", "a long password 2", "viewer")
    ctx = ctx_for(settings, store)
    first = screen_run(ctx, matcher, tmp_path, "before decision")
    ctx.clock.t = datetime.now().replace(microsecond=0)  # decisions at "now" so describe() shows today

    q = review_queue(store)
    assert [(it.party_id, it.entity_id) for it in q] == [("P", "uflpa-004")]
    it = q[0]
    assert it.severity in ("presumption", "review")
    other = "review" if it.severity == "presumption" else "presumption"
    assert it.run.id == first and it.run.name == "before decision"
    assert it.importers and "Example Outdoor Apparel Inc." in it.importers and it.shipments == ["S1"]
    # filters: list, importer, rule, assignee
    assert review_queue(store, QueueFilter(list_name="wro")) == []
    assert review_queue(store, QueueFilter(importer="outdoor"))
    assert review_queue(store, QueueFilter(rule=other)) == []
    assert review_queue(store, QueueFilter(rule=it.severity))
    assert review_queue(store, QueueFilter(assignee="-"))

    subject = uc.Subject(it.party_name, it.entity_id, it.list_name, it.country, it.party_id, it.run.id)
    with pytest.raises(InputError, match="viewer"):
        uc.assign(ctx, [subject], "vic")
    assert uc.assign(ctx, [subject], "ada") == 1
    assert [i.assignee for i in review_queue(store, QueueFilter(assignee="ada"))] == ["ada"]
    assert review_queue(store, QueueFilter(assignee="-")) == []

    with pytest.raises(InputError, match="note is required"):
        uc.decide(ctx, [subject], "dismissed", "  ")
    with pytest.raises(Forbidden):
        uc.decide(ctx_for(settings, store, "vic", "viewer"), [subject], "dismissed", "no")
    ids = uc.decide(ctx, [subject], "dismissed", "different company, USCC 91330000")
    assert len(ids) == 1
    assert review_queue(store) == []
    decided = review_queue(store, QueueFilter(include_decided=True))
    assert decided[0].decision and decided[0].decision.describe().startswith("dismissed by ada on ")

    with store.session() as s:
        ev = s.scalars(select(AuditEvent).where(AuditEvent.action == "decision.dismissed")).one()
        assert ev.detail["party_name"] == "DAQO NEW ENGY CO LTD" and ev.detail["entity_id"] == "uflpa-004"
        assert ev.detail["note"] == "different company, USCC 91330000" and ev.detail["party_id"] == "P"

    second = screen_run(ctx, matcher, tmp_path, "after decision")
    jsonl = next((tmp_path / "runs").glob("*-after decision")) / "findings.jsonl"
    lines = [json.loads(x) for x in jsonl.read_text().splitlines()]
    assert any("dismissed by ada on" in f["summary"] and "different company" in f["summary"] for f in lines)

    (ra, a), (rb, b) = load_run_result(store, "before decision"), load_run_result(store, second)
    assert ra.id == first
    d = diff_results(a, b, ra.label, rb.label)
    before = a.verdict("S1").verdict
    assert before == it.severity
    [c] = d.changes
    assert c.shipment_id == "S1" and c.before == before and c.why == ["decision"]
    # the match counted before the decision and no longer does (untraced polysilicon may still need review)
    assert any("uflpa-004" in r for r in c.reasons_before)
    assert not any("uflpa-004" in r for r in c.reasons_after)
    assert "different company" in c.explanation[0] and d.unchanged == 0


def test_diff_names_new_data_and_unchanged(settings, store, matcher, tmp_path):
    ctx = ctx_for(settings, store)
    clean = [IMP, Party("P", "Hanoi Polysilicon Trading", "VN", "Hanoi"), PARTIES[2]]
    first = screen_run(ctx, matcher, tmp_path, "a", parties=clean)
    moved = [IMP, Party("P", "Hanoi Polysilicon Trading", "CN", "Shihezi, Xinjiang"), PARTIES[2]]
    second = screen_run(ctx, matcher, tmp_path, "b", parties=moved)
    d = diff_results(load_run_result(store, first)[1], load_run_result(store, second)[1])
    [c] = d.changes
    assert c.after == "presumption" and c.kind == "new presumption" and c.why == ["new data"]
    assert "party P changed" in c.explanation[0]
    same = diff_results(load_run_result(store, first)[1], load_run_result(store, first)[1])
    assert same.changes == [] and same.unchanged == 1


def test_name_run_and_pagination(settings, store, matcher, tmp_path):
    ctx = ctx_for(settings, store)
    job = screen_run(ctx, matcher, tmp_path, "")
    assert uc.name_run(ctx, job, "  December   re-screen ") == "December re-screen"
    assert load_run_result(store, "December re-screen")[0].id == job
    with pytest.raises(InputError):
        uc.name_run(ctx, job, "x" * 201)
    p = paginate(list(range(120)), page=3, per_page=50)
    assert p.rows == list(range(100, 120)) and p.pages == 3 and (p.first, p.last) == (101, 120)
    assert paginate([], page=9).page == 1
