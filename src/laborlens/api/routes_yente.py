"""A yente-compatible matching API under ``/api/yente``, so an OpenSanctions client (or anything written
for yente) can use laborlens as its screening backend by pointing its base URL at
``http://HOST:PORT/api/yente``.

Routes (paths and parameters as in yente's ``routers/match.py`` and ``routers/search.py``):
``POST /match/{dataset}``, ``GET /search/{dataset}``, ``GET /entities/{entity_id}``, plus
``GET /datasets/{dataset}/entities.ftm.json`` to download the listed entities as FtM JSON lines.
``dataset`` is ``default`` (every watchlist) or one watchlist's name (``uflpa``, ``wro``, a custom list).

Authentication is the rest of ``/api``'s: an API token with at least the viewer role, sent as
``Authorization: Bearer <token>`` or, as yente clients of the hosted OpenSanctions API do,
``Authorization: ApiKey <token>``. Errors answer yente's ``{"detail": ...}`` (and laborlens's ``error``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Coroutine, Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.routing import APIRoute

from laborlens.accounts import Principal, user_for_token
from laborlens.api import auth
from laborlens.api.deps import MatcherDep, StoreDep
from laborlens.api.errors import status_and_message
from laborlens.api.yente_models import (
    MATCH_PAGE,
    MAX_BATCH,
    MAX_MATCHES,
    MAX_PAGE,
    SEARCH_PAGE,
    EntityMatchQuery,
    EntityMatchResponse,
    EntityResponse,
    SearchResponse,
    YenteError,
)
from laborlens.countries import english_name
from laborlens.errors import InputError, NotFound
from laborlens.ftm import export as ftm_export
from laborlens.ftm import matching
from laborlens.model import WatchEntry
from laborlens.refdata.editions import current_entries


class YenteRoute(APIRoute):
    """Errors in yente's shape: ``{"detail": message}`` with the status, plus laborlens's ``error``."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except Exception as exc:  # noqa: BLE001 - every error leaves in one shape
                status, message = status_and_message(exc)
                if status >= 500:
                    raise
                headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
                return JSONResponse({"detail": message, "error": {"status": status, "message": message}},
                                    status_code=status, headers=headers)

        return route


router = APIRouter(prefix="/api/yente", tags=["yente-compatible"], route_class=YenteRoute,
                   responses={400: {"model": YenteError}, 401: {"model": YenteError},
                              404: {"model": YenteError}})


async def yente_viewer(request: Request) -> Principal:
    """The viewer role, by ``Bearer`` token, browser session or yente's ``ApiKey`` scheme."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "apikey" and getattr(request.state, "principal", None) is None:
        if not token.strip():
            from laborlens.accounts import AuthError

            raise AuthError("use 'Authorization: ApiKey <token>' or 'Authorization: Bearer <token>'")
        with request.app.state.store.session() as s:
            u = user_for_token(s, token.strip())
            request.state.principal = Principal(u.id, u.username, u.role, "token")
    return await auth.viewer(request)


yente_viewer.required_role = "viewer"  # type: ignore[attr-defined]
Viewer = Annotated[Principal, Depends(yente_viewer)]


def _dataset_entries(store, dataset: str) -> list[WatchEntry]:
    if dataset == "default":
        return current_entries(store)
    try:
        return current_entries(store, [dataset])
    except InputError:
        raise NotFound(f"No such dataset: {dataset!r} (use 'default' or a watchlist name)") from None


def _filter(entries: list[WatchEntry], include: list[str], exclude: list[str]) -> set[str]:
    names = {e.list_name for e in entries}
    if include:
        names &= set(include)
    return names - set(exclude)


@router.post("/match/{dataset}", response_model=EntityMatchResponse, response_model_by_alias=True,
             summary="Query by example matcher")
def match(user: Viewer, body: EntityMatchQuery, dataset: str, store: StoreDep, matcher: MatcherDep,
          response: Response,
          limit: Annotated[int, Query(ge=1, le=MAX_MATCHES, title="Results per query")] = MATCH_PAGE,
          threshold: Annotated[float | None, Query(
              ge=0, le=1, title="Score at or above which a result is a match (default: the calibrated "
                                "threshold)")] = None,
          cutoff: Annotated[float, Query(ge=0, le=1, title="Lowest score returned at all")] = 0.5,
          include_dataset: Annotated[list[str], Query(title="Only these watchlists")] = [],  # noqa: B006
          exclude_dataset: Annotated[list[str], Query(title="Not these watchlists")] = [],  # noqa: B006
          exclude_entity_ids: Annotated[list[str], Query(max_length=50)] = [],  # noqa: B006
          ) -> dict:
    """Match a batch of example entities (``queries``, keyed by ids you choose) against the watchlists.
    Each query is an FtM entity: ``schema`` (Company, Organization, LegalEntity…) and ``properties`` with
    ``name`` (and ``alias``…), ``country`` or ``jurisdiction``, ``address``. Each response lists the best
    listed entities with ``score``, ``match`` (score ≥ ``threshold``), ``features`` and laborlens's
    ``decision`` and ``explanation``. Person, Vessel and other non-company queries get no results."""
    if not body.queries:
        raise InputError("No queries provided.", column="queries")
    if len(body.queries) > MAX_BATCH:
        raise InputError(f"Too many queries in one batch (limit: {MAX_BATCH})", column="queries")
    entries = _dataset_entries(store, dataset)
    allowed = _filter(entries, include_dataset, exclude_dataset)
    skip = set(exclude_entity_ids)
    by_id = {e.entity_id: e for e in entries if e.entity_id not in skip}
    responses = {}
    for key, ex in body.queries.items():
        found = matching.match_example(matcher, by_id, ex.schema_, ex.properties, key=key, limit=limit,
                                       threshold=threshold, cutoff=min(cutoff, threshold or cutoff),
                                       datasets=allowed)
        responses[key] = {"status": 200, "results": [s.to_dict() for s in found.results],
                          "total": {"value": found.total, "relation": "eq"}, "query": found.query}
    response.headers["x-batch-size"] = str(len(responses))
    return {"responses": responses, "matcher": matching.FEATURE_DOCS, "limit": limit}


@router.get("/search/{dataset}", response_model=SearchResponse, response_model_by_alias=True,
            summary="Simple entity search")
def search(user: Viewer, dataset: str, store: StoreDep, matcher: MatcherDep,
           q: Annotated[str, Query(max_length=500, title="Query text (a name)")] = "",
           schema: Annotated[str, Query(title="Types of entities that can match")] = "Thing",
           countries: Annotated[list[str], Query(title="Filter by country code")] = [],  # noqa: B006
           datasets: Annotated[list[str], Query(title="Filter by watchlist")] = [],  # noqa: B006
           limit: Annotated[int, Query(ge=0, le=MAX_PAGE)] = SEARCH_PAGE,
           offset: Annotated[int, Query(ge=0, le=10_000)] = 0) -> dict:
    """Listed entities whose names are like ``q``, best first (an empty ``q`` lists them all), with
    facets by country and watchlist."""
    from followthemoney import model

    wanted = model.get(schema)
    if wanted is None:
        raise InputError("Invalid schema", column="schema")
    entries = _dataset_entries(store, dataset)
    allowed = _filter(entries, datasets, [])
    listed = model.get(matching.LISTED_SCHEMA)
    if listed is None or not listed.is_a(wanted):
        allowed = set()
    total, results = matching.search(matcher, entries, q, limit=limit, offset=offset, datasets=allowed,
                                     countries={c.lower() for c in countries})
    facets = {
        "countries": {"label": "Countries", "values": _facet(
            (c for r in results for c in r["properties"].get("country", [])), english_name)},
        "datasets": {"label": "Data sources", "values": _facet((d for r in results for d in r["datasets"]),
                                                               lambda d: d)},
    }
    return {"limit": limit, "offset": offset, "total": {"value": total, "relation": "eq"},
            "results": results, "facets": facets}


def _facet(values: Iterator[str], label: Callable[[str], str]) -> list[dict]:
    return [{"name": k, "label": label(k) or k, "count": n} for k, n in Counter(values).most_common()]


@router.get("/entities/{entity_id}", response_model=EntityResponse, response_model_by_alias=True)
def entity(user: Viewer, entity_id: str, store: StoreDep) -> dict:
    """One listed entity (current edition of its watchlist) by its stable laborlens id, e.g. ``uflpa-001``."""
    for e in current_entries(store):
        if e.entity_id == entity_id and e.kind == "entity":
            return ftm_export.entry_dict(e)
    raise NotFound("No such entity!")


@router.get("/datasets/{dataset}/entities.ftm.json", response_class=StreamingResponse,
            responses={200: {"content": {"application/x-ndjson": {}}}})
def dataset_entities(user: Viewer, dataset: str, store: StoreDep) -> StreamingResponse:
    """The current edition of one watchlist (or ``default``: all) as FollowTheMoney JSON lines: a
    ``Company`` per listed entity and a ``Sanction`` naming its listing programme."""
    import json

    entries = _dataset_entries(store, dataset)
    lines = (json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n"
             for e in ftm_export.list_entities(entries))
    return StreamingResponse(lines, media_type="application/x-ndjson",
                             headers={"Content-Disposition": f'attachment; filename="{dataset}.ftm.json"'})
