"""Working days in England: weekdays that are not bank holidays (statutory rule 13).

Bank holidays come from the maintained ``holidays`` package (GB, subdivision ENG), not a
hand-kept list, so a new or moved bank holiday arrives with a dependency update.
Statutory clocks: reports to the AB within 10 working days (2.61), the recommendation
within 10, the ECT's response within 10, the AB's decision within 20, notice within 3
(2.67-2.69).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: date, count: int) -> date:
    """The date ``count`` working days after ``start`` (``start`` itself not counted).

    A deadline "within 10 working days of the meeting" is ``add_working_days(meeting, 10)``.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    remaining = count
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    days = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        days += is_working_day(day)
    return days
