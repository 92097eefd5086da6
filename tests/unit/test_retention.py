"""Assessment records are kept at least 6 years after the induction (statutory guidance 2.77)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from statutory.retention import (
    RetentionTooShortError,
    erasable_from,
    kept_until,
    retention_runs,
)


def six_years_day_by_day(closed_on: date) -> date:
    """The reference: walk forward a day at a time and stop on the sixth return of the same
    month and day (for 29 February, the sixth 1 March after it): that is the last day kept."""
    day, seen = closed_on, 0
    target = (closed_on.month, closed_on.day) if (closed_on.month, closed_on.day) != (2, 29) else None
    while seen < 6:
        day += timedelta(days=1)
        if target is None:
            # a 29 February: the years pass on each 1 March, and on a 29 February in between
            leap_day = (day.month, day.day) == (2, 29)
            if leap_day or ((day.month, day.day) == (3, 1) and not _leap_day_just_before(day)):
                seen += 1
        elif (day.month, day.day) == target:
            seen += 1
    return day


def _leap_day_just_before(day: date) -> bool:
    return (day - timedelta(days=1)).day == 29


def test_records_of_an_induction_closed_in_july_2026_are_kept_to_july_2032_guidance_2_77():
    assert kept_until(date(2026, 7, 21)) == date(2032, 7, 21)
    assert retention_runs(date(2026, 7, 21), date(2032, 7, 21))
    assert not retention_runs(date(2026, 7, 21), date(2032, 7, 22))
    assert erasable_from(date(2026, 7, 21)) == date(2032, 7, 22)


def test_an_open_record_is_always_kept_guidance_2_77():
    assert retention_runs(None, date(2099, 1, 1))


def test_a_leap_day_is_kept_to_the_first_of_march_six_years_on_guidance_2_77():
    assert kept_until(date(2024, 2, 29)) == date(2030, 3, 1)


def test_a_hub_may_keep_records_longer_but_never_shorter_than_six_years_guidance_2_77():
    assert kept_until(date(2026, 7, 21), years=10) == date(2036, 7, 21)
    with pytest.raises(RetentionTooShortError, match=r"2\.77"):
        kept_until(date(2026, 7, 21), years=5)


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)))
def test_kept_until_is_the_day_by_day_reference_guidance_2_77(closed_on: date):
    assert kept_until(closed_on) == six_years_day_by_day(closed_on)


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)),
       st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_records_may_go_only_after_the_reference_sixth_anniversary_guidance_2_77(
        closed_on: date, today: date):
    assert retention_runs(closed_on, today) == (today <= six_years_day_by_day(closed_on))
    # six years of 365 days and their one or two leap days, whatever the start
    assert 6 * 365 + 1 <= (kept_until(closed_on) - closed_on).days <= 6 * 365 + 2
