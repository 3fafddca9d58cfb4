"""Load the 26 real RRM cases (``refdata/data/rrm_cases.csv``) as cases with events.

Faithful to the sources, never more precise than they are: ``date_precision`` qualifies the request date
(exact / month / year / approx / inferred), other dates are as precise as their text. Only the facts in the
row become events; outcome text is kept verbatim on the event it produced, and steps it merely mentions
(e.g. "Mexico found denial") are recorded without a date rather than with an invented one. Loading twice
changes nothing.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from laborlens import audit
from laborlens.cases.common import Principal, now, require_role
from laborlens.cases.deadlines import UNKNOWN, PartialDate, parse_partial_date
from laborlens.cases.models import RrmPetition
from laborlens.cases.rrm.lifecycle import append_event, classify_sector, start_case
from laborlens.errors import InputError
from laborlens.refdata.catalog import DATA

CSV = DATA / "rrm_cases.csv"
_CLOSED = re.compile(
    r"\b(resolved|resolution|concluded|settled|prevailed|closed plant|liquidation resumed)\b", re.IGNORECASE
)
_REMEDIATION = re.compile(r"(course of remediation|remediation plan)", re.IGNORECASE)
_DECLINED = re.compile(r"declined to conduct review", re.IGNORECASE)
_DENIAL = re.compile(r"mexico found (no )?denial", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class LoadResult:
    added: int
    skipped: int


def real_case_id(case_no: int) -> str:
    return f"RRM-R{case_no:02d}"


def read_rows() -> list[dict[str, str]]:
    with CSV.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _sector(text: str) -> str:
    try:
        return classify_sector(text) if text.strip() else "unknown"
    except InputError:
        return "unknown"  # USTR accepted the case; the source just does not say enough to classify it


def load_real_cases(s: Session, who: Principal) -> LoadResult:
    """Add each real case not yet present (ids ``RRM-R01``..``RRM-R26``); one unit of work with the caller."""
    require_role(who, "admin")
    added = skipped = 0
    for row in read_rows():
        n = int(row["case_no"])
        cid = real_case_id(n)
        if s.get(RrmPetition, cid) is not None:
            skipped += 1
            continue
        where = f"rrm_cases.csv row {n}"
        s.add(
            RrmPetition(
                id=cid,
                facility=row["facility"],
                company=row["company"],
                municipality=row["municipality"],
                state=row["state"],
                country="MX",
                sector=_sector(row["sector"]),
                sector_detail=row["sector"],
                petitioner=row["petitioner_or_union"],
                allegations="",
                origin="real",
                sources=row["sources"],
                notes=row["notes"],
                created_at=now(),
                created_by=who.username,
                version=0,
            )
        )
        s.flush()
        petition = parse_partial_date(row["petition_date"], column=f"{where}: petition_date")
        start_case(s, who, cid, petition, source=where)
        request = parse_partial_date(
            row["request_for_review_date"], row["date_precision"], column=f"{where}: request_for_review_date"
        )
        if request.known:
            _add(s, who, cid, "request_for_review", request, note=_precision_note(row))
        outcome, outcome_on = row["outcome"].strip(), parse_partial_date(row["outcome_date"])
        if _DECLINED.search(outcome):
            _add(s, who, cid, "mexico_response", UNKNOWN, result="declines")
        if m := _DENIAL.search(outcome):
            _add(s, who, cid, "review_concluded", UNKNOWN, result="no_denial" if m[1] else "denial")
        panel = parse_partial_date(row["panel_requested_date"])
        if panel.known:
            _add(s, who, cid, "panel_requested", panel)
        closed = bool(_CLOSED.search(outcome))
        if _REMEDIATION.search(outcome):
            _add(
                s,
                who,
                cid,
                "remediation_plan",
                UNKNOWN if closed else outcome_on,
                note="" if closed else outcome,
                data={"milestones": []},
            )
        if closed:
            result = "no_denial" if "prevailed" in outcome.lower() else "resolved"
            _add(s, who, cid, "closed", outcome_on, result=result, note=outcome)
        elif outcome and not _REMEDIATION.search(outcome) and not panel.known:
            _add(s, who, cid, "note", outcome_on, note=f"outcome reported: {outcome}")
        added += 1
    audit.record(s, who.username, "rrm.load_real", "rrm_cases.csv", {"added": added, "skipped": skipped})
    return LoadResult(added, skipped)


def _precision_note(row: dict[str, str]) -> str:
    if row["date_precision"] == "inferred":
        return f"request date inferred, not confirmed: {row['notes']}"
    return ""


def _add(
    s: Session,
    who: Principal,
    cid: str,
    kind: str,
    when: PartialDate,
    *,
    result: str | None = None,
    note: str = "",
    data: dict | None = None,
) -> None:
    # Real sources have gaps (steps mentioned without dates, requests without a recorded ILC step, plans
    # without their milestones), so the transition check is off for them.
    append_event(
        s,
        who,
        cid,
        kind,
        on=when.text,
        precision=when.precision,
        result=result,
        note=note,
        data=data,
        strict=False,
    )
