"""The review pages through TestClient: the queue keeps its filters in the URL and pages, bulk dismissal
needs a note, decisions show on the queue and the party page, CSV/XLSX exports hold the filtered rows, runs
can be named and compared, and bad ids get a plain "not found" page."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook
from test_review import LINKS, PARTIES, ctx_for, matcher, screen_run  # noqa: F401 - the module fixture
from webapp_helpers import accounts_by_role, browser, make_app

from laborlens.model import Link, Party


@pytest.fixture()
def site(settings, tmp_path, matcher):  # noqa: F811
    app = make_app(settings)
    users = accounts_by_role(app)
    ctx = ctx_for(settings, app.state.store, "analyst", "analyst")
    parties = [*PARTIES, Party("Q", "Hoshine Silicon Industry (Shanshan) Co", "CN", "Shanghai")]
    links = [*LINKS, Link("Q", "EXP", "polysilicon")]
    first = screen_run(ctx, matcher, tmp_path, "first", parties=parties, links=links)
    return app, users, ctx, first, (parties, links)


def test_queue_page_filters_bulk_dismiss_and_exports(site, matcher, tmp_path):  # noqa: F811
    app, users, ctx, first, (parties, links) = site
    c, csrf = browser(app, "analyst", users)
    page = c.get("/review?per_page=1")
    assert page.status_code == 200 and "1–1 of 2 matches" in page.text and "page 1 of 2" in page.text
    assert 'href="/review?per_page=1&amp;page=2"' in page.text
    assert "Nothing awaits a decision with these filters" in c.get("/review?list=wro").text
    paged = c.get("/review?list=uflpa&per_page=1").text
    assert 'href="/review?list=uflpa&amp;per_page=1&amp;page=2"' in paged
    filtered = c.get("/review?importer=Outdoor&list=uflpa")
    assert "importer=Outdoor" in filtered.text and "list=uflpa" in filtered.text  # kept in export links
    values = [v.replace("&#34;", '"').replace("&quot;", '"')
              for v in __import__("re").findall(r'name="subject" value="([^"]+)"', filtered.text)]
    assert len(values) == 2 and json.loads(values[0])[1].startswith(("uflpa-", "wro-"))

    rows = list(csv.reader(io.StringIO(c.get("/review?list=uflpa&format=csv").text)))
    assert rows[0][0] == "party_id" and sorted(r[0] for r in rows[1:]) == ["P", "Q"]
    wb = load_workbook(io.BytesIO(c.get("/review?list=uflpa&format=xlsx").content))
    assert sorted(r[0] for r in wb.active.iter_rows(min_row=2, values_only=True)) == ["P", "Q"]

    r = c.post("/review/decide", data={"csrf": csrf, "subject": values, "verdict": "dismissed", "note": " ",
                                       "back": "/review"})
    assert r.status_code == 422 and "note is required" in r.text
    p_first = sorted(values, key=lambda v: json.loads(v)[4] != "P")
    r = c.post("/review/decide", data={"csrf": csrf, "subject": p_first[:1], "verdict": "dismissed",
                                       "note": "different company, USCC 9133", "back": "/review?list=uflpa"})
    assert r.status_code == 303 and r.headers["location"] == "/review?list=uflpa"
    after = c.get("/review?decided=true").text
    assert "dismissed by analyst on " in after and "different company, USCC 9133" in after
    assert "1–1 of 1 matches" in c.get("/review").text
    r = c.post("/review/decide", data={"csrf": csrf, "subject": p_first[1:], "verdict": "dismissed",
                                       "note": "not the listed Hoshine: Shanghai trader"})
    assert r.status_code == 303 and "Nothing awaits a decision" in c.get("/review").text

    second = screen_run(ctx, matcher, tmp_path, "second", parties=parties, links=links)
    party = c.get(f"/jobs/{second}/parties/P").text
    assert "dismissed by analyst on" in party and "different company, USCC 9133" in party
    runs = c.get("/runs").text
    assert "first" in runs and "second" in runs and 'id="compare"' in runs
    r = c.post(f"/runs/{second}/name", data={"csrf": csrf, "name": "after the decision"})
    assert r.status_code == 303 and "after the decision" in c.get("/runs").text
    diff = c.get(f"/runs/diff?a={first}&b={second}").text
    assert "What changed" in diff and ">S1<" in diff
    assert "analyst decision: DAQO NEW ENGY CO LTD (P)" in diff and "not the listed Hoshine" in diff


def test_bad_ids_get_a_plain_not_found_page(site):
    app, users, *_ = site
    c, _ = browser(app, "viewer", users)
    for url in ("/jobs/not-a-job", "/jobs/0123456789abcdef", "/runs/diff?a=nope&b=nope"):
        r = c.get(url)
        assert r.status_code == 404, (url, r.status_code)
        assert "Not found" in r.text and "pattern" not in r.text and "string_pattern_mismatch" not in r.text


def test_search_and_entity_page(site):
    app, users, ctx, first, _ = site
    c, _ = browser(app, "viewer", users)
    page = c.get("/search?q=hoshine").text
    assert "/entities/uflpa-001" in page and "List entities" in page
    runs = c.get("/search?q=first").text
    assert f"/jobs/{first}" in runs
    ent = c.get("/entities/uflpa-004")
    assert ent.status_code == 200 and "Xinjiang Daqo New Energy" in ent.text
    assert "DAQO NEW ENGY CO LTD" in ent.text and "awaiting" in ent.text  # the party a run matched to it
    assert "Editions it appears in" in ent.text
    assert c.get("/entities/no-such-entity").status_code == 404
    api = c.get("/api/search?q=daqo").json()
    assert any(e["entity_id"] == "uflpa-004" for e in api["entities"])


def test_name_check_top5_and_csv_batch(site):
    app, users, *_ = site
    c, csrf = browser(app, "viewer", users)
    page = c.get("/check?name=Hoshine+Silicon&country=CN").text
    # the UFLPA entity and the WRO one both come close: both shown, with scores and explanations
    assert "Top 2 candidates" in page
    table = page[page.index('id="candidates"'):].split("</tbody>")[0]
    assert table.count("<tr>") == 3 and "uflpa-001" in table and "wro-044" in table and "matched" in table
    data = b"id,name,country\nA1,Hoshine Silicon Industry,CN\nA2,Daqo New Energy,CN\n"
    r = c.post("/check/batch", data={"csrf": csrf}, files={"file": ("names.csv", data, "text/csv")})
    assert r.status_code == 200, r.text
    out = list(csv.DictReader(io.StringIO(r.text)))
    assert {o["id"] for o in out} == {"A1", "A2"} and max(int(o["rank"]) for o in out) <= 5
    # "Hoshine Silicon Industry" is the WRO's name exactly and the UFLPA entry's name less "(Shanshan)":
    # both Hoshine entries head A1's candidates, in either order
    a1 = sorted((o for o in out if o["id"] == "A1"), key=lambda o: int(o["rank"]))
    assert {a1[0]["entity_id"], a1[1]["entity_id"]} == {"uflpa-001", "wro-044"}
    assert a1[0]["decision"] == "match"
    assert all(o["explanation"] for o in out)
    bad = c.post("/check/batch", data={"csrf": csrf},
                 files={"file": ("names.csv", b"company\nX\n", "text/csv")})
    assert bad.status_code == 422 and "names.csv:1:name" in bad.text
