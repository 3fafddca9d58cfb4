"""Development-bank safeguard reviews as use cases."""

from __future__ import annotations

from sqlalchemy import select

from laborlens.cases import safeguards as sg
from laborlens.cases.models import SafeguardReview, SafeguardScore
from laborlens.service.context import Context


def reviews(ctx: Context) -> list[sg.ReviewSummary]:
    ctx.require("viewer")
    with ctx.unit_of_work() as s:
        ids = s.execute(select(SafeguardReview.id).order_by(SafeguardReview.id)).scalars().all()
        return [sg.summarise(s, i) for i in ids]


def review(ctx: Context, review_id: str) -> sg.ReviewSummary:
    ctx.require("viewer")
    with ctx.unit_of_work() as s:
        return sg.summarise(s, review_id)


def create_review(ctx: Context, *, project: str, bank: str, framework: str, project_ref: str = "",
                  country: str = "") -> sg.ReviewSummary:
    who = ctx.require("analyst")
    with ctx.unit_of_work() as s:
        r = sg.create_review(s, who, project=project, bank=bank, framework=framework,
                             project_ref=project_ref, country=country)
        return sg.summarise(s, r.id)


def score_item(ctx: Context, review_id: str, item: str, score: int, evidence: str,
               version: int | None = None) -> tuple[SafeguardScore, sg.ReviewSummary]:
    """Score one checklist item 0-2 with its evidence (analysts); send the review version you read."""
    who = ctx.require("analyst")
    with ctx.unit_of_work() as s:
        row = sg.score_item(s, who, review_id, item, score, evidence, version)
        return row, sg.summarise(s, review_id)
