"""Coaching cadence: weekly in induction year 1, fortnightly in year 2, on teaching weeks.

Hub policy from the mentor programme: about an hour of observation and instructional
coaching every teaching week in year 1 and every other teaching week in year 2. A week
made only of holiday or half-term days expects nothing.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from datetime import date, timedelta

from statutory.calendar import SchoolCalendar
from statutory.terms_served import FteChange, first_day_of_year

SESSIONS_PER_TEACHING_WEEK = {1: 1.0, 2: 0.5}  # year 3 (an extension) keeps year 2's cadence


def sessions_expected(calendar: SchoolCalendar, start: date, as_of: date,
                      fte_history: Sequence[FteChange], end: date | None = None) -> int:
    """Sessions due from ``start`` to ``as_of`` (inclusive), counting only whole teaching weeks
    that have begun; a fortnightly half-week rounds down, so nothing is due before it is owed."""
    last = min(as_of, end) if end else as_of
    if last < start:
        return 0
    return count_expected(calendar, start, last, first_day_of_year(calendar, start, fte_history, 2))


def count_expected(calendar: SchoolCalendar, start: date, last: date, year_two: date | None) -> int:
    """``sessions_expected`` when the first day of induction year two is already known."""
    return CadenceSchedule(calendar, start, year_two).expected(last)


class CadenceSchedule:
    """Sessions owed by any day of one induction, its teaching weeks walked once.

    For callers that ask about many days of one induction (a projection's every term and its
    figures to date): each question is then a binary search, not a walk from the start.
    """

    def __init__(self, calendar: SchoolCalendar, start: date, year_two: date | None) -> None:
        self._calendar, self._start, self._year_two = calendar, start, year_two
        self._until = start - timedelta(days=1)
        self._counts_from: list[date] = []  # each teaching week's first teaching day from start
        self._owed: list[float] = []  # sessions owed once that week has begun, cumulated

    def expected(self, last: date) -> int:
        """Sessions due from the start to ``last`` (inclusive): whole teaching weeks begun by then,
        a fortnightly half-week rounding down, so nothing is due before it is owed."""
        if last < self._start:
            return 0
        if last > self._until:
            # two years' headroom: questions come in date order, and re-walking for each
            # later day would bring back the walk-per-question this class exists to avoid
            self._walk(max(last, self._until + timedelta(days=731)))
        begun = bisect_right(self._counts_from, last)
        return math.floor(self._owed[begun - 1] + 1e-9) if begun else 0

    def _walk(self, until: date) -> None:
        owed = 0.0
        self._counts_from, self._owed = [], []
        for monday, first_day in self._calendar.teaching_week_starts(self._start, until):
            owed += _per_week(max(monday, self._start), self._year_two)
            self._counts_from.append(first_day)
            self._owed.append(owed)
        self._until = until


def _per_week(week_start: date, year_two: date | None) -> float:
    in_year_one = year_two is None or week_start < year_two
    return SESSIONS_PER_TEACHING_WEEK[1] if in_year_one else SESSIONS_PER_TEACHING_WEEK[2]


def next_session_due(calendar: SchoolCalendar, start: date, as_of: date,
                     fte_history: Sequence[FteChange], held: int) -> date | None:
    """The Monday of the first teaching week by which one more session than ``held`` is owed."""
    horizon = as_of + timedelta(days=400)
    year_two = first_day_of_year(calendar, start, fte_history, 2)
    expected = 0.0
    for monday in calendar.teaching_weeks(start, horizon):
        week_start = max(monday, start)
        expected += _per_week(week_start, year_two)
        if math.floor(expected + 1e-9) > held:
            return week_start
    return None
