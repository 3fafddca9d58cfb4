"""The review loop over HTTP: queue with filters and pages, assignment, a bulk decision (note required,
viewer refused), a re-screen and the run diff that says the change came from that decision; run names."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from test_review import LINKS, PARTIES, ctx_for, matcher, screen_run  # noqa: F401 - the module fixture
from webapp_helpers import accounts_by_role, bearer, make_app

from laborlens.model import Link, Party


@pytest.fixture()
def setup(settings, tmp_path, matcher):  # noqa: F811
    app = make_app(settings)
    users = accounts_by_role(app)
    ctx = ctx_for(settings, app.state.store, "analyst", "analyst")
    two = [*PARTIES, Party("Q", "Hoshine Silicon Industry (Shanshan) Co", "CN", "Shanghai")]
    links = [*LINKS, Link("Q", "EXP", "polysilicon")]
    first = screen_run(ctx, matcher, tmp_path, "first", parties=two, links=links)
    with TestClient(app) as c:
        yield c, users, first, ctx, (two, links)


def test_queue_bulk_decision_and_diff(setup, matcher, tmp_path):  # noqa: F811
    c, users, first, ctx, (parties, links) = setup
    an, vw = bearer(users, "analyst"), bearer(users, "viewer")
    q = c.get("/api/review/queue", headers=vw).json()
    assert q["total"] == 2 and {i["party_id"] for i in q["items"]} == {"P", "Q"}
    assert q["items"][0]["run_name"] == "first"
    page2 = c.get("/api/review/queue?per_page=1&page=2", headers=vw).json()
    assert page2["pages"] == 2 and len(page2["items"]) == 1 and page2["items"][0] == q["items"][1]
    assert c.get("/api/review/queue?list=wro", headers=vw).json()["total"] == 0
    assert c.get("/api/review/queue?importer=IMP", headers=vw).json()["total"] == 2

    subjects = [{k: i[k] for k in ("party_name", "entity_id", "list_name", "country", "party_id", "run_id")}
                for i in q["items"]]
    r = c.post("/api/review/assign", json={"subjects": subjects[:1], "assignee": "analyst"}, headers=an)
    assert r.status_code == 200 and r.json()["assigned"] == 1
    assert c.get("/api/review/queue?assignee=analyst", headers=vw).json()["total"] == 1
    assert c.get("/api/review/queue?assignee=-", headers=vw).json()["total"] == 1

    body = {"subjects": subjects, "verdict": "dismissed", "note": ""}
    assert c.post("/api/review/decisions", json=body, headers=an).status_code == 422
    assert c.post("/api/review/decisions", json={**body, "note": "x"}, headers=vw).status_code == 403
    note = "different companies, checked USCC"
    r = c.post("/api/review/decisions", json={**body, "note": note}, headers=an)
    assert r.status_code == 201 and r.json()["recorded"] == 2
    assert c.get("/api/review/queue", headers=vw).json()["total"] == 0
    decided = c.get("/api/review/queue?decided=true", headers=vw).json()["items"]
    assert all(i["decision"].startswith("dismissed by analyst on ") for i in decided)

    second = screen_run(ctx, matcher, tmp_path, "", parties=parties, links=links)
    assert c.post(f"/api/runs/{second}/name", json={"name": "after review"}, headers=vw).status_code == 403
    assert c.post(f"/api/runs/{second}/name", json={"name": "after review"}, headers=an).json()["name"] == \
        "after review"
    runs = c.get("/api/runs", headers=vw).json()["runs"]
    assert [r["name"] for r in runs] == ["after review", "first"]
    d = c.get("/api/runs/first/diff/after review", headers=vw).json()
    [ch] = d["changes"]
    # Q's dismissal falls back to its next candidate (a WRO entry), so S1 is not cleared: its reasons change
    # (or its verdict, as the scorer grades that candidate)
    assert ch["shipment_id"] == "S1" and ch["before"] == "presumption" and ch["after"] != "clear"
    assert ch["kind"] in ("reasons changed", "verdict changed")
    assert ch["why"] == ["decision"] and "different companies" in ch["explanation"][0]
    assert "P (DAQO" not in " ".join(ch["reasons_after"][:1]) and "wro-044" in " ".join(ch["reasons_after"])
    # ... and that candidate is the one match left in the queue, from the newer run
    [left] = c.get("/api/review/queue", headers=vw).json()["items"]
    assert (left["party_id"], left["entity_id"], left["run_name"]) == ("Q", "wro-044", "after review")
    assert c.get("/api/runs/nope/diff/first", headers=vw).status_code == 404
