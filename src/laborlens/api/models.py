"""Request and response models of the API (they are also its OpenAPI schema)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class ErrorBody(BaseModel):
    status: int
    message: str
    kind: str | None = Field(None, description="The library error's class (Forbidden, Conflict, NotFound...).")


class ErrorOut(BaseModel):
    error: ErrorBody


class NameQuery(BaseModel):
    name: str = Field(min_length=1, max_length=500, description="Party name, in any script.")
    country: str = Field("", max_length=100, description="Country name or ISO code (optional).")
    address: str = Field("", max_length=1000, description="Address (optional; any script).")


class BatchQuery(BaseModel):
    names: list[NameQuery] = Field(min_length=1, max_length=1000)


class MatchOut(BaseModel):
    query: str
    score: float
    decision: Literal["match", "review", "clear"]
    entity_id: str
    entity_name: str
    list_name: str
    edition: str
    via_name: str
    reading: str
    matched: list[Any]
    missing: list[Any]
    extra: list[Any]
    discounted: list[Any]
    notes: list[Any]
    explanation: str


class BatchOut(BaseModel):
    results: list[MatchOut]


class Me(BaseModel):
    username: str
    role: str
    via: str


class JobOut(BaseModel):
    id: str
    created_at: str
    actor: str
    status: Literal["queued", "running", "done", "failed", "cancelled"]
    progress: float
    message: str
    summary: dict[str, Any]


class JobList(BaseModel):
    jobs: list[JobOut]


class Loose(BaseModel):
    """Screening output passed through as written by ``screen_dir`` (see result.json in DESIGN notes)."""

    model_config = ConfigDict(extra="allow")


class VerdictPage(BaseModel):
    total: int
    offset: int
    limit: int
    counts: dict[str, int]
    items: list[dict[str, Any]]


class FindingList(BaseModel):
    total: int
    items: list[dict[str, Any]]


class MapNode(Loose):
    id: str
    tier: int


class MapEdge(Loose):
    source: str
    target: str


class TierMap(BaseModel):
    nodes: list[MapNode]
    edges: list[MapEdge]
    truncated: bool
    max_tier: int


class VerdictDetail(BaseModel):
    verdict: dict[str, Any]
    map: TierMap
    findings: list[dict[str, Any]]
    lists: list[dict[str, Any]]


class PartyDetail(BaseModel):
    party: dict[str, Any]
    findings: list[dict[str, Any]]
    matches: list[dict[str, Any]] = Field(default_factory=list, description=(
        "The watchlist candidates stored with this run's list findings (score, explanation, any analyst "
        "decision applied)."))
    shipments: list[dict[str, Any]]
    suppliers: list[dict[str, Any]]
    buyers: list[dict[str, Any]]


class DecisionIn(BaseModel):
    party_name: str = Field(min_length=1, max_length=500, description="The screened name decided on.")
    entity_id: str = Field(min_length=1, max_length=100, description="Stable id of the listed entity.")
    list_name: str = Field(min_length=1, max_length=100)
    verdict: Literal["confirmed", "dismissed"]
    note: str = Field("", max_length=2000)
    country: str = Field("", max_length=100, description="Narrow the decision to parties of this country.")


class DecisionOut(BaseModel):
    id: int
    at: datetime
    actor: str
    party_name: str
    entity_id: str
    list_name: str
    verdict: str
    note: str
    country: str = ""


class DecisionList(BaseModel):
    decisions: list[DecisionOut]


class ChainOut(BaseModel):
    ok: bool
    events: int
    first_bad_id: int | None
    reason: str
    head_count: int | None = None
    head_hash: str = ""


class AuditHeadOut(BaseModel):
    count: int
    last_hash: str
    key_id: str
    signature: str
    updated_at: datetime


class AuditEventOut(BaseModel):
    id: int
    seq: int
    at: datetime
    actor: str
    action: str
    target: str
    detail: dict[str, Any]
    prev_hash: str
    hash: str


class AuditOut(BaseModel):
    chain: ChainOut
    head: AuditHeadOut | None = None
    events: list[AuditEventOut]


class EditionOut(BaseModel):
    seq: int
    label: str
    fmt: str
    source: str
    coverage: str
    sha256: str
    imported_at: datetime
    retired_at: datetime | None
    entities: int
    current: bool


class WatchlistOut(BaseModel):
    name: str
    title: str
    bundled: bool
    current: EditionOut
    editions: list[EditionOut]
    warning: str | None


class ReferenceOut(BaseModel):
    name: str
    title: str
    edition: str
    source: str
    coverage: str


class ListsOut(BaseModel):
    watchlists: list[WatchlistOut]
    references: list[ReferenceOut]


class ImportOut(BaseModel):
    list_name: str
    unchanged: bool
    edition: EditionOut
    previous: EditionOut | None
    added: int
    removed: int
    renamed: int
    updated: int


class UserIn(BaseModel):
    username: str = Field(min_length=2, max_length=100)
    password: str = Field(min_length=10, max_length=1000)
    role: Literal["viewer", "analyst", "admin"]


class UserOut(BaseModel):
    username: str
    role: str
    created_at: datetime
    disabled: bool


class UserList(BaseModel):
    users: list[UserOut]
