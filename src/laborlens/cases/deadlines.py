"""Deadline arithmetic: calendar and business days, dates known only roughly, deadline status.

Kept pure (no database) so it can be property-tested: the statutory RRM clocks (19 U.S.C. 4646, USMCA
Annex 31-A) are counted in calendar days; the unverified panel-stage clocks partly in business days, which
skip weekends and US federal holidays (as observed) from the ``holidays`` package.

Sources often give a date only to the month or year, or infer it. Such a date is a :class:`PartialDate`
with an earliest and latest day; a deadline is computed only from an exact date, and from anything else
it is reported as an approximate window, so nobody mistakes a guess for a statutory due date.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

from laborlens.errors import InputError

PRECISIONS = ("exact", "month", "year", "approx", "inferred", "unknown")

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_MONTHS = re.compile(r"^(\d{4})-(\d{2})/(\d{2})$")  # "2024-03/04": some time in March or April


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date as the source gives it: ``text``, how precise it is, and the window it must lie in."""

    text: str
    precision: str
    earliest: date | None
    latest: date | None

    @property
    def exact(self) -> date | None:
        """The day, only when the source states it exactly (the only case deadlines are computed from)."""
        return self.earliest if self.precision == "exact" else None

    @property
    def known(self) -> bool:
        return self.earliest is not None

    def describe(self) -> str:
        if not self.known:
            return "date not known"
        if self.precision == "exact":
            return self.text
        if self.precision == "inferred":
            return f"{self.text} (inferred, not confirmed by a source)"
        if self.precision == "month":
            return f"{self.text} (day not known)"
        if self.precision == "year":
            return f"{self.text} (month and day not known)"
        return f"{self.text} (approximate: between {self.earliest} and {self.latest})"

    def sort_key(self) -> date:
        return self.earliest or date.max


UNKNOWN = PartialDate("", "unknown", None, None)


def exact(day: date) -> PartialDate:
    return PartialDate(day.isoformat(), "exact", day, day)


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def parse_partial_date(text: str | None, precision: str | None = None, column: str = "date") -> PartialDate:
    """Parse YYYY-MM-DD, YYYY-MM, YYYY or YYYY-MM/MM; ``precision`` (a source's own flag) may only coarsen.

    A day flagged ``inferred`` or ``approx`` keeps its window of one day but loses exactness; a day flagged
    ``month`` or ``year`` widens to that month or year. A coarse text is never made more exact by a flag."""
    t = (text or "").strip()
    declared = (precision or "").strip().lower() or None
    if declared is not None and declared not in PRECISIONS:
        raise InputError(f"precision must be one of {', '.join(PRECISIONS)}", column=f"{column}_precision")
    if not t:
        return UNKNOWN
    try:
        if m := _DAY.match(t):
            day = date(int(m[1]), int(m[2]), int(m[3]))
            if declared == "month":
                return PartialDate(t[:7], "month", day.replace(day=1), _month_end(day.year, day.month))
            if declared == "year":
                return PartialDate(t[:4], "year", date(day.year, 1, 1), date(day.year, 12, 31))
            if declared in ("inferred", "approx"):
                return PartialDate(t, declared, day, day)
            return PartialDate(t, "exact", day, day)
        if m := _MONTH.match(t):
            y, mo = int(m[1]), int(m[2])
            kind = (
                "year"
                if declared == "year"
                else ("approx" if declared in ("approx", "inferred") else "month")
            )
            if kind == "year":
                return PartialDate(t[:4], "year", date(y, 1, 1), date(y, 12, 31))
            return PartialDate(t, kind, date(y, mo, 1), _month_end(y, mo))
        if m := _YEAR.match(t):
            y = int(m[1])
            return PartialDate(t, "year", date(y, 1, 1), date(y, 12, 31))
        if m := _MONTHS.match(t):
            y, a, b = int(m[1]), int(m[2]), int(m[3])
            if b < a:
                raise ValueError("month range runs backwards")
            return PartialDate(t, "approx", date(y, a, 1), _month_end(y, b))
    except ValueError:
        pass
    raise InputError("expected a date as YYYY-MM-DD, YYYY-MM, YYYY or YYYY-MM/MM", column=column)


# -- calendars --------------------------------------------------------------------------------------------


def add_calendar_days(start: date, n: int) -> date:
    return start + timedelta(days=n)


@lru_cache(maxsize=8)
def _holidays(countries: tuple[str, ...]) -> holidays.HolidayBase:
    """Public (for the US: federal) holidays, with their observed days; years are filled in lazily."""
    combined: holidays.HolidayBase | None = None
    for code in countries:
        h = holidays.country_holidays(code, categories=("public",))
        combined = h if combined is None else combined + h
    if combined is None:
        raise InputError("a business-day calendar needs at least one country", column="holiday_calendar")
    return combined


class BusinessCalendar:
    """Weekdays that are not public holidays in any of ``countries`` (``"US"`` or ``"US+MX"``)."""

    def __init__(self, countries: str = "US") -> None:
        codes = tuple(sorted(c.strip().upper() for c in countries.split("+") if c.strip()))
        try:
            self._hol = _holidays(codes)
        except NotImplementedError:
            raise InputError(f"unknown holiday calendar {countries!r}", column="holiday_calendar") from None
        self.name = "+".join(codes)

    def is_business_day(self, d: date) -> bool:
        return d.weekday() < 5 and d not in self._hol

    def holiday_name(self, d: date) -> str | None:
        return self._hol.get(d)

    def roll_forward(self, d: date) -> date:
        while not self.is_business_day(d):
            d += timedelta(days=1)
        return d

    def add_business_days(self, start: date, n: int) -> date:
        """The n-th business day after ``start`` (``start`` itself never counts); n=0 rolls forward."""
        if n < 0:
            return self.subtract_business_days(start, -n)
        d = start
        if n == 0:
            return self.roll_forward(d)
        while n:
            d += timedelta(days=1)
            if self.is_business_day(d):
                n -= 1
        return d

    def subtract_business_days(self, end: date, n: int) -> date:
        d = end
        while n:
            d -= timedelta(days=1)
            if self.is_business_day(d):
                n -= 1
        return d

    def business_days_between(self, a: date, b: date) -> int:
        """Business days in the half-open interval (a, b]."""
        return sum(1 for i in range(1, (b - a).days + 1) if self.is_business_day(a + timedelta(days=i)))


# -- clocks and deadlines ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Clock:
    """A time limit: ``days`` (business days when ``business``) from the event named in ``starts``.

    ``verified`` clocks come from a cited statute or official release and cannot be changed; unverified
    ones are defaults that an administrator may override, and are always shown as unverified."""

    key: str
    label: str
    days: int
    business: bool
    verified: bool
    source: str
    starts: str
    optional: bool = False  # a step that may lawfully not happen: past due means "lapsed", not "overdue"
    holiday_calendar: str = "US"

    def due(self, start: date) -> date:
        if self.business:
            return BusinessCalendar(self.holiday_calendar).add_business_days(start, self.days)
        return add_calendar_days(start, self.days)

    def describe(self) -> str:
        unit = "business days" if self.business else "days"
        return f"{self.days} {unit} from {self.starts}"


STATUSES = (
    "overdue",
    "due-soon",
    "pending",
    "approximate",
    "met",
    "late",
    "recorded-undated",
    "superseded",
    "lapsed",
    "closed",
    "not-started",
)
ALERTS = ("overdue", "due-soon")


@dataclass(frozen=True, slots=True)
class Deadline:
    """One clock applied to one case: when it started, when it is due, and where it stands."""

    clock: Clock
    status: str
    start: PartialDate
    due: date | None = None
    window: tuple[date, date] | None = None  # for approximate starts: earliest and latest possible due
    done: PartialDate | None = None
    note: str = ""

    @property
    def is_alert(self) -> bool:
        return self.status in ALERTS

    def due_text(self) -> str:
        if self.due:
            return self.due.isoformat()
        if self.window:
            a, b = self.window
            return f"~{a} to {b} (approximate)" if a != b else f"~{a} (approximate)"
        return ""


def evaluate(
    clock: Clock,
    start: PartialDate,
    today: date,
    *,
    done: PartialDate | None = None,
    superseded: str = "",
    closed: bool = False,
    soon_days: int = 7,
) -> Deadline:
    """Where one clock stands. ``done`` is when the step happened; ``superseded`` explains a case that moved
    past the step without a record of it; ``closed`` means the case ended before the step was recorded."""
    if not start.known:
        return Deadline(clock, "not-started", start)
    if start.exact is None:
        assert start.earliest is not None and start.latest is not None
        window = (clock.due(start.earliest), clock.due(start.latest))
        note = f"start {start.describe()}: due date not computed"
        if done is not None:
            return Deadline(
                clock,
                "recorded-undated",
                start,
                window=window,
                done=done,
                note=f"{note}; step recorded, {done.describe()}",
            )
        if superseded or closed:
            return Deadline(
                clock,
                "superseded" if superseded else "closed",
                start,
                window=window,
                note=f"{note}; {superseded or 'case closed, step not recorded'}",
            )
        return Deadline(clock, "approximate", start, window=window, note=note)
    due = clock.due(start.exact)
    if done is not None:
        if done.exact is None:
            return Deadline(
                clock, "recorded-undated", start, due, done=done, note=f"step recorded, {done.describe()}"
            )
        status = "met" if done.exact <= due else "late"
        late = (done.exact - due).days
        return Deadline(
            clock, status, start, due, done=done, note="" if status == "met" else f"{late} days late"
        )
    if superseded:
        return Deadline(clock, "superseded", start, due, note=superseded)
    if closed:
        return Deadline(clock, "closed", start, due, note="case closed; step not recorded")
    if today > due:
        if clock.optional:
            return Deadline(clock, "lapsed", start, due, note="optional step; no record by the due date")
        return Deadline(clock, "overdue", start, due, note=f"{(today - due).days} days past due, no record")
    left = (due - today).days
    return Deadline(
        clock, "due-soon" if left <= soon_days else "pending", start, due, note=f"{left} days left"
    )
