"""Development-bank labor safeguard reviews: score a project against World Bank ESS2 / IFC PS2.

Each checklist item (``refdata/data/safeguards_checklist.csv``, from DOMAIN_NOTES §4) is scored 0 (absent),
1 (partial) or 2 (met) with the evidence for it. Scores are appended, the latest per item counts. The
memorandum (§3(d)(vi)) tells Treasury to press for strong safeguards on FoA/CB, OSH, forced and child
labor and supply chains, so those items weigh double and a zero on any of them is a critical gap.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from laborlens import audit
from laborlens.cases.common import Principal, bump_version, choice, get_or_missing, next_number, now, require_role
from laborlens.cases.models import SafeguardReview, SafeguardScore
from laborlens.errors import InputError
from laborlens.refdata.catalog import DATA

FRAMEWORKS = ("ess2", "ps2")
PRIORITY_WEIGHT = 2
SCORE_LABELS = {0: "absent", 1: "partial", 2: "met"}


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    key: str
    no: int
    area: str
    item: str
    ess2: str
    ps2: str
    memo_priority: str  # "" or the memorandum area it belongs to
    frameworks: tuple[str, ...]
    verified: bool

    @property
    def weight(self) -> int:
        return PRIORITY_WEIGHT if self.memo_priority else 1


@lru_cache(maxsize=1)
def _all_items() -> tuple[ChecklistItem, ...]:
    with (DATA / "safeguards_checklist.csv").open(encoding="utf-8", newline="") as fh:
        return tuple(
            ChecklistItem(
                r["key"],
                int(r["no"]),
                r["area"],
                r["item"],
                r["ess2"],
                r["ps2"],
                r["memo_priority"],
                tuple(f.lower() for f in r["frameworks"].split(";")),
                r["status"] == "V",
            )
            for r in csv.DictReader(fh)
        )


def checklist(framework: str | None = None) -> list[ChecklistItem]:
    fw = framework.lower() if framework else None
    return [i for i in _all_items() if fw is None or fw in i.frameworks]


def create_review(
    s: Session,
    who: Principal,
    *,
    project: str,
    bank: str,
    framework: str,
    project_ref: str = "",
    country: str = "",
) -> SafeguardReview:
    require_role(who, "analyst")
    if not project.strip() or not bank.strip():
        raise InputError("name the project and the bank", column="project")
    rid = f"SGR-{next_number(s, 'SGR-'):04d}"
    r = SafeguardReview(
        id=rid,
        project=project.strip(),
        bank=bank.strip(),
        project_ref=project_ref,
        country=country,
        framework=choice(framework, FRAMEWORKS, "framework").upper(),
        created_at=now(),
        created_by=who.username,
        version=0,
    )
    s.add(r)
    s.flush()
    audit.record(s, who.username, "safeguards.review", rid)
    return r


def get_review(s: Session, review_id: str) -> SafeguardReview:
    return get_or_missing(s, SafeguardReview, review_id, "safeguard review")


def score_item(
    s: Session,
    who: Principal,
    review_id: str,
    item: str,
    score: int,
    evidence: str,
    expected_version: int | None = None,
) -> SafeguardScore:
    """Append a score for one item; evidence is required, because a score nobody can check is an opinion."""
    require_role(who, "analyst")
    r = get_review(s, review_id)
    keys = {i.key: i for i in checklist(r.framework)}
    if item not in keys:
        raise InputError(f"item must be one of {', '.join(keys)} for {r.framework}", column="item")
    if score not in (0, 1, 2):
        raise InputError("score must be 0 (absent), 1 (partial) or 2 (met)", column="score")
    if not evidence.strip():
        raise InputError("give the evidence for this score (document, page, observation)", column="evidence")
    seq = bump_version(s, SafeguardReview, review_id, expected_version, "safeguard review")
    row = SafeguardScore(
        review_id=review_id,
        seq=seq,
        item=item,
        score=score,
        evidence=evidence.strip(),
        actor=who.username,
        recorded_at=now(),
    )
    s.add(row)
    s.flush()
    audit.record(s, who.username, "safeguards.score", review_id, {"item": item, "score": score, "seq": seq})
    return row


@dataclass(frozen=True, slots=True)
class ItemResult:
    item: ChecklistItem
    score: int | None
    evidence: str
    actor: str
    history: int  # how many scores were given for this item


@dataclass(frozen=True)
class ReviewSummary:
    review: SafeguardReview
    items: list[ItemResult]

    @property
    def scored(self) -> list[ItemResult]:
        return [i for i in self.items if i.score is not None]

    @property
    def coverage(self) -> float:
        return len(self.scored) / len(self.items) if self.items else 0.0

    @property
    def weighted_pct(self) -> float | None:
        """Memo-weighted share of the best possible score, over the scored items only."""
        sc = self.scored
        if not sc:
            return None
        return 100.0 * sum(i.item.weight * (i.score or 0) for i in sc) / sum(i.item.weight * 2 for i in sc)

    @property
    def critical_gaps(self) -> list[ItemResult]:
        return [i for i in self.scored if i.item.memo_priority and i.score == 0]

    @property
    def priority_partial(self) -> list[ItemResult]:
        return [i for i in self.scored if i.item.memo_priority and i.score == 1]

    @property
    def rating(self) -> str:
        pct = self.weighted_pct
        if pct is None or self.coverage < 1:
            return "incomplete"
        if self.critical_gaps:
            return "inadequate (critical gap on a memorandum priority)"
        return "strong" if pct >= 80 else ("adequate" if pct >= 60 else "weak")


def summarise(s: Session, review_id: str) -> ReviewSummary:
    r = get_review(s, review_id)
    rows = (
        s.execute(
            select(SafeguardScore).where(SafeguardScore.review_id == review_id).order_by(SafeguardScore.seq)
        )
        .scalars()
        .all()
    )
    latest: dict[str, SafeguardScore] = {}
    counts: dict[str, int] = {}
    for row in rows:
        latest[row.item] = row
        counts[row.item] = counts.get(row.item, 0) + 1
    items = [
        ItemResult(
            i,
            latest[i.key].score if i.key in latest else None,
            latest[i.key].evidence if i.key in latest else "",
            latest[i.key].actor if i.key in latest else "",
            counts.get(i.key, 0),
        )
        for i in checklist(r.framework)
    ]
    return ReviewSummary(r, items)
