"""Memorandum progress review (§3(g)): the 22 directives as a tracker and the semi-annual report.

Status updates are appended per directive (latest wins) with evidence and a due date, under the same
optimistic lock as case events. The report covers one half-year: status of every directive, what changed
in the period, what is overdue, indicators drawn from case work, and a status chart: matplotlib SVG embedded
as a data URI, so the HTML is one self-contained file that prints to PDF and that the web app's
Content-Security-Policy (no inline styles) still renders.
"""

from __future__ import annotations

import base64
import csv
import io
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from laborlens import audit
from laborlens.cases.common import Principal, bump_version, choice, now, parse_day, require_role
from laborlens.cases.models import DirectiveTracker, DirectiveUpdate
from laborlens.errors import InputError, NotFound
from laborlens.refdata.catalog import DATA

STATUSES = ("not_started", "in_progress", "done", "blocked")
COLOURS = {"not_started": "#9e9e9e", "in_progress": "#1f77b4", "done": "#2ca02c", "blocked": "#d62728"}


@dataclass(frozen=True, slots=True)
class Directive:
    no: int
    agencies: str
    directive: str
    section: str


@lru_cache(maxsize=1)
def directives() -> tuple[Directive, ...]:
    with (DATA / "directives.csv").open(encoding="utf-8", newline="") as fh:
        return tuple(
            Directive(int(r["no"]), r["agencies"], r["directive"], r["section"]) for r in csv.DictReader(fh)
        )


def _ensure_trackers(s: Session) -> None:
    have = set(s.execute(select(DirectiveTracker.id)).scalars())
    for d in directives():
        if d.no not in have:
            s.add(DirectiveTracker(id=d.no, version=0))
    s.flush()


@dataclass(frozen=True, slots=True)
class DirectiveRow:
    directive: Directive
    status: str
    evidence: str
    due_on: date | None
    updated_at: datetime | None
    actor: str
    version: int
    updates: list[DirectiveUpdate]

    def overdue(self, today: date) -> bool:
        return self.due_on is not None and self.due_on < today and self.status != "done"


def update_directive(
    s: Session,
    who: Principal,
    no: int,
    status: str,
    evidence: str = "",
    due_on: str | date | None = None,
    expected_version: int | None = None,
) -> DirectiveUpdate:
    """Append a status update (analyst+). ``due_on`` carries over from the last update when not given."""
    require_role(who, "analyst")
    if no not in {d.no for d in directives()}:
        raise NotFound(f"no directive {no} (the memorandum has 22)")
    st = choice(status, STATUSES, "status")
    if st == "done" and not evidence.strip():
        raise InputError("marking a directive done needs evidence", column="evidence")
    _ensure_trackers(s)
    due = parse_day(due_on, "due_on") if due_on else None
    if due is None:
        prev = s.execute(
            select(DirectiveUpdate.due_on)
            .where(DirectiveUpdate.directive_no == no)
            .order_by(DirectiveUpdate.seq.desc())
            .limit(1)
        ).scalar()
        due = prev
    seq = bump_version(s, DirectiveTracker, no, expected_version, "directive")
    u = DirectiveUpdate(
        directive_no=no,
        seq=seq,
        status=st,
        evidence=evidence.strip(),
        due_on=due,
        actor=who.username,
        recorded_at=now(),
    )
    s.add(u)
    s.flush()
    audit.record(s, who.username, "directive.update", str(no), {"status": st, "seq": seq})
    return u


def tracker(s: Session) -> list[DirectiveRow]:
    _ensure_trackers(s)
    versions = dict(s.execute(select(DirectiveTracker.id, DirectiveTracker.version)).all())
    ups: dict[int, list[DirectiveUpdate]] = {}
    for u in s.execute(
        select(DirectiveUpdate).order_by(DirectiveUpdate.directive_no, DirectiveUpdate.seq)
    ).scalars():
        ups.setdefault(u.directive_no, []).append(u)
    out = []
    for d in directives():
        us = ups.get(d.no, [])
        last = us[-1] if us else None
        out.append(
            DirectiveRow(
                d,
                last.status if last else "not_started",
                last.evidence if last else "",
                last.due_on if last else None,
                last.recorded_at if last else None,
                last.actor if last else "",
                versions.get(d.no, 0),
                us,
            )
        )
    return out


_PERIOD = re.compile(r"^(\d{4})-H([12])$")


def period_bounds(period: str) -> tuple[date, date]:
    m = _PERIOD.match(period.strip().upper())
    if not m:
        raise InputError("period must look like 2026-H1 or 2026-H2", column="period")
    y = int(m[1])
    return (date(y, 1, 1), date(y, 6, 30)) if m[2] == "1" else (date(y, 7, 1), date(y, 12, 31))


def current_period(today: date) -> str:
    return f"{today.year}-H{1 if today.month <= 6 else 2}"


def status_chart_svg(rows: list[DirectiveRow]) -> str:
    """A horizontal bar per status (how many directives are in it), as inline SVG markup."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    counts = Counter(r.status for r in rows)
    labels = [st.replace("_", " ") for st in STATUSES]
    values = [counts.get(st, 0) for st in STATUSES]
    plt.rcParams["svg.hashsalt"] = "laborlens"  # stable element ids: same data, same bytes
    fig, ax = plt.subplots(figsize=(6, 2.2))
    ax.barh(labels, values, color=[COLOURS[st] for st in STATUSES])
    for y, v in enumerate(values):
        ax.text(v + 0.2, y, str(v), va="center", fontsize=9)
    ax.set_xlim(0, max(len(rows), 1) + 1)
    ax.invert_yaxis()
    ax.set_xlabel("directives")
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    plt.close(fig)
    svg = buf.getvalue()
    return svg[svg.index("<svg") :]


def indicators(s: Session, today: date) -> list[tuple[str, str, str]]:
    """Case-work numbers for the directives they evidence (counts only: no names, no pseudonyms)."""
    from laborlens.cases import engagements
    from laborlens.cases.models import DefenderCase, DefenderEvent, Mission, SafeguardReview
    from laborlens.cases.rrm import board as rrm_board
    from laborlens.cases.safeguards import summarise

    open_rrm = rrm_board.board(s, today)
    overdue = sum(1 for v in open_rrm for d in v.deadlines if d.status == "overdue")
    missions = s.execute(select(Mission)).scalars().all()
    gaps = engagements.gaps_report(s, today)
    actions: Counter[str] = Counter(
        str(e.data.get("action", ""))
        for e in s.execute(select(DefenderEvent).where(DefenderEvent.kind == "action")).scalars()
    )
    n_def = len(s.execute(select(DefenderCase.id)).all())
    reviews = s.execute(select(SafeguardReview.id)).scalars().all()
    critical = sum(1 for r in reviews if summarise(s, r).critical_gaps)
    return [
        (
            "2",
            "Missions with a missing engagement phase or key stakeholder group",
            f"{len(gaps)} of {len(missions)}",
        ),
        ("8-11", "Defender cases on record", str(n_def)),
        (
            "8-9",
            "Actions taken for defenders",
            ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in sorted(actions.items())) or "none",
        ),
        ("14", "MDB safeguard reviews (with a critical gap)", f"{len(reviews)} ({critical})"),
        ("15", "Open RRM cases (clocks overdue)", f"{len(open_rrm)} ({overdue})"),
    ]


@dataclass(frozen=True)
class ProgressReport:
    """What the semi-annual report shows (rendered by the web pages and the CLI's printable report)."""

    period: str
    start: date
    end: date
    today: date
    rows: list[DirectiveRow]
    counts: Counter[str]
    in_period: list[tuple[DirectiveRow, DirectiveUpdate]]
    overdue: list[DirectiveRow]
    chart: str  # base64 of the SVG status chart, for a data: URI
    indicators: list[tuple[str, str, str]]
    statuses: tuple[str, ...] = STATUSES


def progress_report(s: Session, period: str | None, today: date) -> ProgressReport:
    period = period or current_period(today)
    start, end = period_bounds(period)
    rows = tracker(s)
    in_period = [(r, u) for r in rows for u in r.updates if start <= u.recorded_at.date() <= end]
    chart = base64.b64encode(status_chart_svg(rows).encode()).decode()
    return ProgressReport(period, start, end, today, rows, Counter(r.status for r in rows), in_period,
                          [r for r in rows if r.overdue(today)], chart, indicators(s, today))
