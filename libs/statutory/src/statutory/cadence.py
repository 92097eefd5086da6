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

SESSIONS_PER_TEACHING_WEEK = {1: 1.0, 2: 0.5}  # year 3 (an extension) keeps year 2's cadence


class CoachingSchedule:
    """Sessions owed by any day of one induction, over the posts it was served in.

    ``windows``: (calendar, first day, last day or None while open) of each post, in order;
    weeks between posts owe nothing, and each post's weeks are its own school's. The
    teaching weeks are walked once, so each question is a binary search, not a walk.
    """

    def __init__(self, windows: Sequence[tuple[SchoolCalendar, date, date | None]],
                 year_two: date | None) -> None:
        self._windows = sorted(windows, key=lambda window: window[1])
        self._start = self._windows[0][1] if self._windows else date.max
        self._year_two = year_two
        self._until = self._start - timedelta(days=1)
        self._counts_from: list[date] = []  # each teaching week's first teaching day in post
        self._mondays: list[date] = []
        self._owed: list[float] = []  # sessions owed once that week has begun, cumulated

    def expected(self, last: date) -> int:
        """Sessions due from the start to ``last`` (inclusive): whole teaching weeks begun by then,
        a fortnightly half-week rounding down, so nothing is due before it is owed."""
        if last < self._start:
            return 0
        self._walk_to(last)
        begun = bisect_right(self._counts_from, last)
        return math.floor(self._owed[begun - 1] + 1e-9) if begun else 0

    def week_owing(self, sessions: int, *, search_until: date) -> date | None:
        """The first day in post of the teaching week by which ``sessions`` are owed (None if
        not by ``search_until``)."""
        self._walk_to(search_until)
        for first_day, owed in zip(self._counts_from, self._owed, strict=True):
            if first_day > search_until:
                return None
            if math.floor(owed + 1e-9) >= sessions:
                return first_day
        return None

    def monday_of_week_owing(self, sessions: int, *, search_until: date) -> date | None:
        """As ``week_owing``, the Monday of that week (or the first day in post, if later)."""
        first_day = self.week_owing(sessions, search_until=search_until)
        if first_day is None:
            return None
        index = self._counts_from.index(first_day)
        return max(self._mondays[index], self._window_start(first_day))

    def _window_start(self, day: date) -> date:
        return max((first for _, first, _ in self._windows if first <= day), default=day)

    def _walk_to(self, last: date) -> None:
        if last <= self._until:
            return
        # two years' headroom: questions come in date order, and re-walking for each
        # later day would bring back the walk-per-question this class exists to avoid
        until = max(last, self._until + timedelta(days=731))
        owed = 0.0
        self._counts_from, self._mondays, self._owed = [], [], []
        for calendar, first, end in self._windows:
            final = until if end is None else min(end, until)
            for monday, first_day in calendar.teaching_week_starts(first, final):
                if self._counts_from and self._mondays[-1] == monday:
                    continue  # a week split by a transfer is one week of coaching
                owed += _per_week(max(monday, first), self._year_two)
                self._counts_from.append(first_day)
                self._mondays.append(monday)
                self._owed.append(owed)
        self._until = until


class CadenceSchedule(CoachingSchedule):
    """One post from ``start``, still open: the common case, and the unit tests' reference."""

    def __init__(self, calendar: SchoolCalendar, start: date, year_two: date | None) -> None:
        super().__init__([(calendar, start, None)], year_two)


def _per_week(week_start: date, year_two: date | None) -> float:
    in_year_one = year_two is None or week_start < year_two
    return SESSIONS_PER_TEACHING_WEEK[1] if in_year_one else SESSIONS_PER_TEACHING_WEEK[2]
