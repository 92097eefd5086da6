"""Coaching cadence: weekly in year 1, fortnightly in year 2, only in teaching weeks (hub policy)."""

from __future__ import annotations

from datetime import date

from statutory.cadence import next_session_due, sessions_expected
from statutory.calendar import SchoolCalendar
from statutory.terms_served import FteChange

CAL = SchoolCalendar()
START = date(2025, 9, 1)
FULL_TIME = [FteChange(START, 1.0)]


def test_a_full_timer_is_owed_one_session_per_teaching_week_in_year_one():
    # 1 Sep to 17 Oct 2025: seven teaching weeks, none of them half-term
    assert sessions_expected(CAL, START, date(2025, 10, 17), FULL_TIME) == 7


def test_half_term_weeks_and_holidays_owe_nothing():
    autumn = sessions_expected(CAL, START, date(2025, 12, 19), FULL_TIME)
    through_christmas = sessions_expected(CAL, START, date(2026, 1, 4), FULL_TIME)
    assert autumn == through_christmas
    assert autumn == len(CAL.teaching_weeks(START, date(2025, 12, 19)))
    assert autumn == 15  # sixteen weeks less the October half-term


def test_year_two_owes_a_session_every_other_teaching_week():
    year_one = sessions_expected(CAL, START, date(2026, 7, 17), FULL_TIME)
    two_years = sessions_expected(CAL, START, date(2027, 7, 16), FULL_TIME)
    year_two_weeks = len(CAL.teaching_weeks(date(2026, 9, 1), date(2027, 7, 16)))
    assert two_years - year_one == year_two_weeks // 2


def test_a_part_timer_stays_weekly_for_longer_because_year_one_lasts_longer():
    half_time = [FteChange(START, 0.5)]
    assert sessions_expected(CAL, START, date(2027, 7, 16), half_time) > sessions_expected(
        CAL, START, date(2027, 7, 16), FULL_TIME)


def test_nothing_is_owed_before_the_start_or_after_leaving():
    assert sessions_expected(CAL, START, date(2025, 8, 31), FULL_TIME) == 0
    left = sessions_expected(CAL, START, date(2026, 3, 1), FULL_TIME, end=date(2025, 10, 17))
    assert left == 7


def test_the_next_session_is_due_in_the_first_teaching_week_not_yet_covered():
    assert next_session_due(CAL, START, date(2025, 9, 10), FULL_TIME, held=2) == date(2025, 9, 15)
    assert next_session_due(CAL, START, date(2025, 10, 20), FULL_TIME, held=7) == date(2025, 10, 20)
    # the eighth is covered; the October half-term (27-31 Oct) owes nothing, so the ninth is due 3 Nov
    assert next_session_due(CAL, START, date(2025, 10, 24), FULL_TIME, held=8) == date(2025, 11, 3)


def test_the_fast_cadence_equals_the_week_by_week_definition():
    """sessions_expected finds the year boundary once; the definition asks the year every week."""
    import math

    from statutory.terms_served import induction_year_at

    for fte in (1.0, 0.6, 0.5):
        history = [FteChange(START, fte)]
        for as_of in (date(2026, 2, 1), date(2026, 11, 20), date(2027, 6, 30), date(2028, 7, 1)):
            reference = 0.0
            for monday in CAL.teaching_weeks(START, as_of):
                year = induction_year_at(CAL, START, max(monday, START), history)
                reference += 1.0 if year == 1 else 0.5
            assert sessions_expected(CAL, START, as_of, history) == math.floor(reference + 1e-9)


def test_one_schedule_answers_any_day_in_any_order_as_a_fresh_walk_does():
    """CadenceSchedule walks the weeks once (with headroom) and answers by binary search; asked
    about days out of order, past its first walk and on the edges of weeks, it must agree with
    a walk from the start for each day (a mid-week start, a part-timer, a school's own dates)."""
    from datetime import timedelta

    from statutory.cadence import CadenceSchedule, count_expected
    from statutory.calendar import AcademicYear, Term, TermName
    from statutory.terms_served import first_day_of_year

    own = AcademicYear(2025, Term(TermName.AUTUMN, date(2025, 9, 3), date(2025, 12, 17),
                                  (date(2025, 10, 22), date(2025, 10, 31))),
                       Term(TermName.SPRING, date(2026, 1, 6), date(2026, 3, 27)),
                       Term(TermName.SUMMER, date(2026, 4, 14), date(2026, 7, 21)))
    for calendar in (CAL, SchoolCalendar({2025: own})):
        for start, fte in ((date(2025, 9, 3), 1.0), (date(2025, 11, 5), 0.6)):
            year_two = first_day_of_year(calendar, start, [FteChange(start, fte)], 2)
            schedule = CadenceSchedule(calendar, start, year_two)
            days = [start + timedelta(days=n) for n in range(-3, 365 * 4, 5)]
            for day in [*days[::-1][:40], *days]:  # late days first, then every fifth day in order
                assert schedule.expected(day) == count_expected(calendar, start, day, year_two), day
                walked = sum(1.0 if year_two is None or max(m, start) < year_two else 0.5
                             for m in calendar.teaching_weeks(start, day))
                assert schedule.expected(day) == int(walked + 1e-9), day
