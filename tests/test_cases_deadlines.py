"""Deadline arithmetic: calendar and business days (weekends, US federal holidays), month ends, partial
dates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laborlens.cases.deadlines import (
    BusinessCalendar,
    Clock,
    PartialDate,
    add_calendar_days,
    evaluate,
    exact,
    parse_partial_date,
)
from laborlens.cases.rrm.clocks import BY_KEY
from laborlens.errors import InputError

US = BusinessCalendar("US")
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))
CAL30 = Clock("c30", "thirty", 30, False, True, "test", "start")


@given(days, st.integers(min_value=0, max_value=400))
def test_calendar_days_round_trip(start: date, n: int) -> None:
    assert add_calendar_days(add_calendar_days(start, n), -n) == start
    assert (add_calendar_days(start, n) - start).days == n


@settings(max_examples=300)
@given(days, st.integers(min_value=1, max_value=40))
def test_business_deadline_never_lands_on_weekend_or_holiday(start: date, n: int) -> None:
    due = US.add_business_days(start, n)
    assert due > start
    assert due.weekday() < 5
    assert US.holiday_name(due) is None
    assert US.business_days_between(start, due) == n
    # nothing between start and due is skipped that should count: the day before due has n-1
    assert US.business_days_between(start, due - timedelta(days=1)) == n - 1


@given(days, st.integers(min_value=1, max_value=40))
def test_business_days_add_then_subtract(start: date, n: int) -> None:
    rolled = US.roll_forward(start)
    assert US.subtract_business_days(US.add_business_days(rolled, n), n) == rolled


@given(days)
def test_thirty_day_clock_across_month_ends(start: date) -> None:
    due = CAL30.due(start)
    assert (due - start).days == 30
    if start.day >= 2 and start.month != 2:
        assert due.month != start.month  # 30 days from the 2nd on always leaves a 30/31-day month


@pytest.mark.parametrize(
    "start,due",
    [
        (date(2023, 1, 31), date(2023, 3, 2)),  # over a 28-day February
        (date(2024, 1, 31), date(2024, 3, 1)),  # leap year
        (date(2024, 12, 15), date(2025, 1, 14)),  # over the year end
        (date(2022, 4, 18), date(2022, 5, 18)),  # Panasonic petition -> request sent on day 30
    ],
)
def test_thirty_day_examples(start: date, due: date) -> None:
    assert BY_KEY["ilc_determination"].due(start) == due


@pytest.mark.parametrize(
    "start,n,due",
    [
        (date(2024, 12, 18), 3, date(2024, 12, 23)),  # Wed + 3 business days skips the weekend
        (date(2024, 12, 23), 2, date(2024, 12, 26)),  # skips Christmas Day
        (date(2021, 12, 30), 1, date(2022, 1, 3)),  # skips New Year's Day observed on Fri 31 Dec
        (date(2024, 4, 16), 3, date(2024, 4, 19)),  # Atento panel request
        (date(2023, 11, 9), 1, date(2023, 11, 13)),  # Veterans Day observed on Fri 10 Nov
    ],
)
def test_business_day_examples(start: date, n: int, due: date) -> None:
    assert US.add_business_days(start, n) == due


def test_us_plus_mexico_calendar_skips_both() -> None:
    both = BusinessCalendar("US+MX")
    assert not both.is_business_day(date(2024, 9, 16))  # Mexican Independence Day
    assert US.is_business_day(date(2024, 9, 16))
    with pytest.raises(InputError):
        BusinessCalendar("XX")


@given(days)
def test_exact_dates_round_trip(d: date) -> None:
    p = parse_partial_date(d.isoformat())
    assert p.precision == "exact" and p.exact == d and p.earliest == p.latest == d


@given(days, st.sampled_from(["month", "year", "inferred", "approx"]))
def test_precision_flags_only_coarsen(d: date, flag: str) -> None:
    p = parse_partial_date(d.isoformat(), flag)
    assert p.exact is None
    assert p.earliest is not None and p.latest is not None
    assert p.earliest <= d <= p.latest


@pytest.mark.parametrize(
    "text,flag,precision,earliest,latest",
    [
        ("2021-06", None, "month", date(2021, 6, 1), date(2021, 6, 30)),
        ("2024-02", None, "month", date(2024, 2, 1), date(2024, 2, 29)),
        ("2023", "year", "year", date(2023, 1, 1), date(2023, 12, 31)),
        ("2024-03/04", "approx", "approx", date(2024, 3, 1), date(2024, 4, 30)),
        ("2022-07-21", "inferred", "inferred", date(2022, 7, 21), date(2022, 7, 21)),
        (
            "2021-06",
            "exact",
            "month",
            date(2021, 6, 1),
            date(2021, 6, 30),
        ),  # a flag never makes text more exact
        ("", None, "unknown", None, None),
    ],
)
def test_partial_dates(text, flag, precision, earliest, latest) -> None:
    p = parse_partial_date(text, flag)
    assert (p.precision, p.earliest, p.latest) == (precision, earliest, latest)


@pytest.mark.parametrize("bad", ["2024-13-01", "2024-02-30", "June 2024", "2024-04/03", "24-01-01"])
def test_bad_dates_are_input_errors(bad: str) -> None:
    with pytest.raises(InputError):
        parse_partial_date(bad)


def test_deadline_statuses() -> None:
    start = exact(date(2024, 1, 1))  # due 2024-01-31
    assert evaluate(CAL30, start, date(2024, 1, 10)).status == "pending"
    assert evaluate(CAL30, start, date(2024, 1, 25)).status == "due-soon"
    assert evaluate(CAL30, start, date(2024, 1, 31)).status == "due-soon"
    assert evaluate(CAL30, start, date(2024, 2, 1)).status == "overdue"
    assert evaluate(CAL30, start, date(2024, 3, 1), done=exact(date(2024, 1, 31))).status == "met"
    assert evaluate(CAL30, start, date(2024, 3, 1), done=exact(date(2024, 2, 2))).status == "late"
    assert evaluate(CAL30, start, date(2024, 3, 1), closed=True).status == "closed"
    optional = Clock("o", "optional", 5, True, False, "test", "x", optional=True)
    assert evaluate(optional, start, date(2024, 3, 1)).status == "lapsed"


def test_approximate_start_gives_a_window_not_a_date() -> None:
    d = evaluate(CAL30, parse_partial_date("2021-06"), date(2030, 1, 1))
    assert d.status == "approximate" and d.due is None
    assert d.window == (date(2021, 7, 1), date(2021, 7, 30))
    assert "approximate" in d.due_text()
    assert isinstance(d.start, PartialDate) and "day not known" in d.note
