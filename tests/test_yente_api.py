"""Contract tests of the yente-compatible API (``/api/yente``).

The shapes checked here are yente's documented ones (opensanctions/yente ``yente/data/common.py``): a
client written for yente reads ``responses[key].results[*]`` with ``id``, ``caption``, ``schema``,
``properties`` (lists of strings), ``score``, ``match``, ``features`` (floats), ``datasets``, and
``total.value``/``total.relation``; errors carry ``detail``. ``YENTE_*`` below restate those models on the
client side, independently of laborlens's own response models, so a drift in either fails here."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from followthemoney import model
from pydantic import BaseModel, ConfigDict, Field
from webapp_helpers import accounts_by_role, bearer, demo_files, make_app, wait_done


class YenteEntity(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str
    caption: str
    schema_: str = Field(alias="schema")
    properties: dict[str, list[str]]
    datasets: list[str]


class YenteScored(YenteEntity):
    score: float
    features: dict[str, float]
    match: bool


class YenteTotal(BaseModel):
    value: int
    relation: str


class YenteExample(BaseModel):
    id: str | None = None
    schema_: str = Field(alias="schema")
    properties: dict[str, list[str]]


class YenteMatches(BaseModel):
    status: int
    results: list[YenteScored]
    total: YenteTotal
    query: YenteExample


class YenteMatchResponse(BaseModel):
    responses: dict[str, YenteMatches]
    matcher: dict[str, dict]
    limit: int


class YenteSearchResponse(BaseModel):
    limit: int
    offset: int
    total: YenteTotal
    results: list[YenteEntity]
    facets: dict[str, dict]


@pytest.fixture()
def world(settings):
    app = make_app(settings)
    users = accounts_by_role(app)
    with TestClient(app) as c:
        yield c, users


def _match(c, users, queries, path="/api/yente/match/default", **params):
    return c.post(path, json={"queries": queries}, params=params, headers=bearer(users, "viewer"))


def test_match_answers_yente_shape_with_the_listed_entity_first(world):
    c, users = world
    r = _match(c, users, {
        "q1": {"schema": "Company", "properties": {"name": ["Hoshine Silicon Industry (Shanshan) Co"],
                                                    "country": ["cn"], "address": ["Shanshan, Turpan"]}},
        "q2": {"schema": "Company", "properties": {"name": "Acme Office Supplies Ltd", "country": "us"}},
    })
    assert r.status_code == 200, r.text
    assert r.headers["x-batch-size"] == "2"
    body = YenteMatchResponse.model_validate(r.json())
    assert body.limit == 5 and "name_score" in body.matcher
    q1 = body.responses["q1"]
    assert q1.status == 200 and q1.query.schema_ == "Company" and q1.query.properties["country"] == ["cn"]
    top = q1.results[0]
    assert top.id == "uflpa-001" and top.match and top.score >= 0.9 and top.datasets == ["uflpa"]
    assert top.schema_ == "Company" and "Hoshine" in top.caption and top.properties["country"] == ["cn"]
    assert top.features["name_score"] == top.score
    assert "hoshine" in r.json()["responses"]["q1"]["results"][0]["explanation"]
    assert [x.score for x in q1.results] == sorted((x.score for x in q1.results), reverse=True)
    assert q1.total.value >= len(q1.results) and q1.total.relation == "eq"
    # A stationery shop is not on any list: nothing is a match.
    assert not any(x.match for x in body.responses["q2"].results)


def test_match_params_limit_threshold_and_datasets(world):
    c, users = world
    q = {"q": {"schema": "Company", "properties": {"name": ["Hoshine Silicon Industry Co"]}}}
    both = _match(c, users, q).json()["responses"]["q"]["results"]
    assert {x["datasets"][0] for x in both} >= {"uflpa", "wro"}
    one = _match(c, users, q, limit=1).json()
    assert one["limit"] == 1 and len(one["responses"]["q"]["results"]) == 1
    strict = _match(c, users, q, threshold=1.0).json()["responses"]["q"]["results"]
    assert all(x["match"] == (x["score"] >= 1.0) for x in strict)
    wro = _match(c, users, q, path="/api/yente/match/wro").json()["responses"]["q"]["results"]
    assert wro and {x["datasets"][0] for x in wro} == {"wro"}
    excl = _match(c, users, q, exclude_dataset="wro").json()["responses"]["q"]["results"]
    assert excl and all(x["datasets"] == ["uflpa"] for x in excl)
    no_top = _match(c, users, q, exclude_entity_ids=both[0]["id"]).json()["responses"]["q"]["results"]
    assert both[0]["id"] not in {x["id"] for x in no_top}


def test_person_queries_never_match_listed_companies(world):
    c, users = world
    r = _match(c, users, {"p": {"schema": "Person", "properties": {"name": ["Hoshine Silicon Industry"]}}})
    assert r.status_code == 200 and r.json()["responses"]["p"]["results"] == []


@pytest.mark.parametrize("body, path, status, words", [
    ({"queries": {"a": {"schema": "Spaceship", "properties": {"name": ["x"]}}}}, "default", 400,
     "unknown schema"),
    ({"queries": {"a": {"schema": "Company", "properties": {"country": ["cn"]}}}}, "default", 400, "name"),
    ({"queries": {}}, "default", 400, "No queries"),
    ({"queries": {f"q{i}": {"schema": "Company", "properties": {"name": ["x"]}} for i in range(101)}},
     "default", 400, "Too many"),
    ({"queries": {"a": {"schema": "Company", "properties": {"name": ["x"]}}}}, "nosuchlist", 404, "dataset"),
    ({"nothing": 1}, "default", 422, "queries"),
])
def test_bad_match_requests_answer_detail(world, body, path, status, words):
    c, users = world
    r = c.post(f"/api/yente/match/{path}", json=body, headers=bearer(users, "viewer"))
    assert r.status_code in (status, 422 if status == 400 else status), r.text
    assert words.lower() in r.json()["detail"].lower()


def test_search_and_entity(world):
    c, users = world
    h = bearer(users, "viewer")
    r = c.get("/api/yente/search/default", params={"q": "Hoshine Silicon"}, headers=h)
    assert r.status_code == 200, r.text
    body = YenteSearchResponse.model_validate(r.json())
    assert body.results and "Hoshine" in body.results[0].caption and body.total.value >= len(body.results)
    assert body.facets["datasets"]["values"][0]["count"] >= 1
    page = c.get("/api/yente/search/uflpa", params={"limit": 3}, headers=h)
    every = YenteSearchResponse.model_validate(page.json())
    assert every.total.value == 75 and len(every.results) == 3  # empty q: the whole bundled edition
    assert c.get("/api/yente/search/default", params={"q": "x", "schema": "Person"}, headers=h
                 ).json()["results"] == []
    e = YenteEntity.model_validate(c.get("/api/yente/entities/uflpa-001", headers=h).json())
    assert e.id == "uflpa-001" and e.datasets == ["uflpa"]
    assert model.get_proxy(e.model_dump(by_alias=True)).get("name")
    missing = c.get("/api/yente/entities/uflpa-999", headers=h)
    assert missing.status_code == 404 and missing.json()["detail"]


def test_auth_bearer_apikey_and_roles(world):
    c, users = world
    q = {"queries": {"a": {"schema": "Company", "properties": {"name": ["Hoshine"]}}}}
    assert c.post("/api/yente/match/default", json=q).status_code == 401
    assert "detail" in c.get("/api/yente/entities/uflpa-001").json()
    assert c.get("/api/yente/entities/uflpa-001", headers={"Authorization": "ApiKey nope"}).status_code == 401
    for role in ("viewer", "analyst", "admin"):
        ok = c.post("/api/yente/match/default", json=q,
                    headers={"Authorization": f"ApiKey {users[role]['token']}"})
        assert ok.status_code == 200, ok.text


def _valid_ftm(lines: list[str]) -> list[dict]:
    out = []
    for line in lines:
        d = json.loads(line)
        proxy = model.get_proxy(d, cleaned=False)
        # nothing was dropped or rewritten: every property is one the schema has, with a valid value
        assert proxy.to_dict()["properties"] == d["properties"], d
        for name in proxy.schema.required:
            assert proxy.get(name), f"{d['id']}: required {name} missing"
        out.append(d)
    return out


def test_list_export_is_valid_ftm(world):
    c, users = world
    r = c.get("/api/yente/datasets/uflpa/entities.ftm.json", headers=bearer(users, "viewer"))
    assert r.status_code == 200
    ents = _valid_ftm(r.text.splitlines())
    companies = [e for e in ents if e["schema"] == "Company"]
    sanctions = [e for e in ents if e["schema"] == "Sanction"]
    assert len(companies) == len(sanctions) == 75
    assert {s["properties"]["entity"][0] for s in sanctions} == {e["id"] for e in companies}
    assert all("forced.labor" in e["properties"]["topics"] for e in companies)


def test_job_findings_export_is_valid_ftm(world):
    c, users = world
    h = bearer(users, "analyst")
    job = c.post("/api/jobs", files=demo_files(), headers=h).json()["id"]
    assert wait_done(c, job, h)["status"] == "done"
    r = c.get(f"/api/jobs/{job}/findings.ftm.json", headers=h)
    assert r.status_code == 200
    ents = _valid_ftm(r.text.splitlines())
    party = next(e for e in ents if e["id"] == "party-S3")
    assert party["schema"] == "Company" and party["properties"]["country"] == ["cn"]
    assert "forced.labor" in party["properties"]["topics"]
    link = next(e for e in ents if e["schema"] == "UnknownLink")
    assert link["properties"]["subject"] == ["party-S3"] and link["properties"]["object"] == ["uflpa-001"]


def test_cli_exports_lists_and_findings_as_ftm(cli, tmp_path):
    from webapp_helpers import fake_result

    out = tmp_path / "wro.ftm.json"
    r = cli("ftm", "list", "wro", "-o", out)
    assert r.exit_code == 0, r.output
    ents = _valid_ftm(out.read_text(encoding="utf-8").splitlines())
    assert ents and all(e["datasets"] == ["wro"] for e in ents)
    res = tmp_path / "result.json"
    res.write_text(json.dumps(fake_result()), encoding="utf-8")
    r = cli("ftm", "findings", res, "-o", tmp_path / "f.ftm.json")
    assert r.exit_code == 0, r.output
    assert {e["schema"] for e in _valid_ftm((tmp_path / "f.ftm.json").read_text().splitlines())} == {
        "Company", "UnknownLink"}
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    r = cli("ftm", "findings", bad, "-o", tmp_path / "x.json")
    assert r.exit_code == 2 and "bad.json" in r.output
