"""Coaching cadence: weekly in year 1, fortnightly in year 2, only in teaching weeks (hub policy).

Asked of the induction clock (``statutory.timeline``): its ``sessions_expected`` and its
``plan.coaching``, which turn fortnightly on the clock's first day of year 2.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

from statutory.cadence import CadenceSchedule
from statutory.calendar import AcademicYear, SchoolCalendar, Term, TermName
from statutory.service import ServicePeriod
from statutory.terms_served import FteChange
from statutory.timeline import InductionFacts, Timeline, induction_timeline

CAL = SchoolCalendar()
START = date(2025, 9, 1)
FAR = date(2035, 1, 1)


def timeline(fte: float = 1.0, *, start: date = START, end: date | None = None,
             calendar: SchoolCalendar = CAL) -> Timeline:
    """The clock for one post from ``start`` (open unless ``end``) at a steady ``fte``."""
    facts = InductionFacts((ServicePeriod(start, calendar, end),), (FteChange(start, fte),))
    return induction_timeline(facts, FAR)


FULL_TIME = timeline()


def test_a_full_timer_is_owed_one_session_per_teaching_week_in_year_one():
    # 1 Sep to 17 Oct 2025: seven teaching weeks, none of them half-term
    assert FULL_TIME.sessions_expected(date(2025, 10, 17)) == 7


def test_half_term_weeks_and_holidays_owe_nothing():
    autumn = FULL_TIME.sessions_expected(date(2025, 12, 19))
    through_christmas = FULL_TIME.sessions_expected(date(2026, 1, 4))
    assert autumn == through_christmas
    assert autumn == len(CAL.teaching_weeks(START, date(2025, 12, 19)))
    assert autumn == 15  # sixteen weeks less the October half-term


def test_year_two_owes_a_session_every_other_teaching_week():
    assert FULL_TIME.year_two_starts == date(2026, 7, 18)
    year_one = FULL_TIME.sessions_expected(date(2026, 7, 17))
    two_years = FULL_TIME.sessions_expected(date(2027, 7, 16))
    year_two_weeks = len(CAL.teaching_weeks(date(2026, 9, 1), date(2027, 7, 16)))
    assert two_years - year_one == year_two_weeks // 2


def test_a_part_timer_stays_weekly_for_longer_because_year_one_lasts_longer():
    assert timeline(0.5).sessions_expected(date(2027, 7, 16)) > FULL_TIME.sessions_expected(date(2027, 7, 16))


def test_nothing_is_owed_before_the_start_or_after_leaving():
    assert FULL_TIME.sessions_expected(date(2025, 8, 31)) == 0
    left = timeline(end=date(2025, 10, 17))
    assert left.sessions_expected(date(2026, 3, 1)) == 7


def test_the_next_session_is_due_in_the_first_teaching_week_not_yet_covered():
    def next_due(as_of: date, held: int) -> date | None:
        """The Monday of the first teaching week by which one more session than ``held`` is owed."""
        horizon = as_of + timedelta(days=400)
        return FULL_TIME.plan.coaching.monday_of_week_owing(held + 1, search_until=horizon)

    assert next_due(date(2025, 9, 10), held=2) == date(2025, 9, 15)
    assert next_due(date(2025, 10, 20), held=7) == date(2025, 10, 20)
    # the eighth is covered; the October half-term (27-31 Oct) owes nothing, so the ninth is due 3 Nov
    assert next_due(date(2025, 10, 24), held=8) == date(2025, 11, 3)


def test_the_fast_cadence_equals_the_week_by_week_definition():
    """The clock finds the year boundary once; the definition asks the year every week."""
    for fte in (1.0, 0.6, 0.5):
        clock = timeline(fte)
        for as_of in (date(2026, 2, 1), date(2026, 11, 20), date(2027, 6, 30), date(2028, 7, 1)):
            reference = 0.0
            for monday in CAL.teaching_weeks(START, as_of):
                year = clock.induction_year_at(max(monday, START))
                reference += 1.0 if year == 1 else 0.5
            assert clock.sessions_expected(as_of) == math.floor(reference + 1e-9)


def test_one_schedule_answers_any_day_in_any_order_as_a_fresh_walk_does():
    """CadenceSchedule walks the weeks once (with headroom) and answers by binary search; asked
    about days out of order, past its first walk and on the edges of weeks, it must agree with
    a walk from the start for each day (a mid-week start, a part-timer, a school's own dates)."""
    own = AcademicYear(2025, Term(TermName.AUTUMN, date(2025, 9, 3), date(2025, 12, 17),
                                  (date(2025, 10, 22), date(2025, 10, 31))),
                       Term(TermName.SPRING, date(2026, 1, 6), date(2026, 3, 27)),
                       Term(TermName.SUMMER, date(2026, 4, 14), date(2026, 7, 21)))
    for calendar in (CAL, SchoolCalendar({2025: own})):
        for start, fte in ((date(2025, 9, 3), 1.0), (date(2025, 11, 5), 0.6)):
            year_two = timeline(fte, start=start, calendar=calendar).year_two_starts
            schedule = CadenceSchedule(calendar, start, year_two)
            days = [start + timedelta(days=n) for n in range(-3, 365 * 4, 5)]
            for day in [*days[::-1][:40], *days]:  # late days first, then every fifth day in order
                fresh = CadenceSchedule(calendar, start, year_two)
                assert schedule.expected(day) == fresh.expected(day), day
                walked = sum(1.0 if year_two is None or max(m, start) < year_two else 0.5
                             for m in calendar.teaching_weeks(start, day))
                assert schedule.expected(day) == int(walked + 1e-9), day
