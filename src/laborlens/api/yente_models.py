"""Request and response shapes of the yente-compatible API.

Mirrored field by field (names, types, defaults, the ``schema`` alias) from yente's pydantic models in
``yente/data/common.py`` (opensanctions/yente: ``EntityResponse``, ``ScoredEntityResponse``,
``EntityExample``, ``EntityMatchQuery``, ``EntityMatches``, ``EntityMatchResponse``, ``TotalSpec``,
``SearchFacet``/``SearchFacetItem``, ``SearchResponse``, ``ErrorResponse``) and the query parameters of
``yente/routers/match.py`` and ``search.py`` (``limit``, ``threshold``, ``cutoff``, ``include_dataset``,
``exclude_dataset``, ``exclude_entity_ids``; ``q``, ``schema``, ``countries``, ``limit``, ``offset``). Written
here from those shapes, not copied. laborlens adds ``decision`` and ``explanation`` to each scored result
(clients that do not know them ignore them) and ``error`` beside yente's ``detail`` on errors.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

EntityProperties = dict[str, list[Any]]

# yente's settings: MATCH_PAGE 5, MAX_MATCHES 500, MAX_BATCH 100, SCORE_CUTOFF 0.5, search page 10.
MATCH_PAGE, MAX_MATCHES, MAX_BATCH, SEARCH_PAGE, MAX_PAGE = 5, 500, 100, 10, 500


class YenteError(BaseModel):
    detail: str = Field(..., examples=["Detailed error message"])


class EntityResponse(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: str = Field(..., examples=["uflpa-001"])
    caption: str = Field(..., examples=["Hoshine Silicon Industry (Shanshan) Co., Ltd"])
    schema_: str = Field(..., examples=["Company"], alias="schema")
    properties: EntityProperties = Field(..., examples=[{"name": ["Hoshine Silicon Industry Co."]}])
    datasets: list[str] = Field(default_factory=list, examples=[["uflpa"]])
    referents: list[str] = Field(default_factory=list)
    target: bool = True  # every listed entity is a target of its list
    first_seen: str | None = None
    last_seen: str | None = None
    last_change: str | None = None


class ScoredEntityResponse(EntityResponse):
    score: float = 0.99
    features: dict[str, float]
    match: bool = False
    decision: str = Field("", description="laborlens's calibrated decision: match, review or clear")
    explanation: str = Field("", description="Which name parts matched, were missing or extra, and why")


class EntityExample(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: str | None = Field(None, examples=["my-entity-id"])
    schema_: str = Field(..., examples=["Company"], alias="schema")
    properties: dict[str, str | list[Any]] = Field(..., examples=[{"name": ["Hoshine Silicon"],
                                                                    "country": ["cn"]}])


class EntityMatchQuery(BaseModel):
    weights: dict[str, float] = Field(default_factory=dict, description="Accepted for compatibility; "
                                      "laborlens's scorer is calibrated and does not take weights")
    config: dict[str, Any] = Field(default_factory=dict, description="Accepted for compatibility, unused")
    queries: dict[str, EntityExample]


class TotalSpec(BaseModel):
    value: int = Field(..., examples=[42])
    relation: str = Field("eq", examples=["eq"])


class EntityMatches(BaseModel):
    status: int = Field(200, examples=[200])
    results: list[ScoredEntityResponse]
    total: TotalSpec
    query: EntityExample


class FeatureDoc(BaseModel):
    description: str | None = None
    coefficient: float
    url: str | None = None


class EntityMatchResponse(BaseModel):
    responses: dict[str, EntityMatches]
    matcher: dict[str, FeatureDoc]
    limit: int = Field(..., examples=[5])


class SearchFacetItem(BaseModel):
    name: str = Field(..., examples=["cn"])
    label: str = Field(..., examples=["China"])
    count: int = Field(1, examples=[42])


class SearchFacet(BaseModel):
    label: str = Field(..., examples=["Countries"])
    values: list[SearchFacetItem]


class SearchResponse(BaseModel):
    limit: int = Field(..., examples=[10])
    offset: int = Field(0, examples=[0])
    total: TotalSpec
    results: list[EntityResponse]
    facets: dict[str, SearchFacet]
