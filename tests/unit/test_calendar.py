"""School calendars: the England default, a school's own dates, teaching weeks, validation."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from statutory.calendar import (
    AcademicYear,
    InvalidCalendarError,
    SchoolCalendar,
    Term,
    TermName,
    easter_sunday,
    england_default,
)
from statutory.errors import StatutoryRuleError

AUTUMN, SPRING, SUMMER = TermName.AUTUMN, TermName.SPRING, TermName.SUMMER


def own_2025() -> AcademicYear:
    """A school whose year starts on Wednesday 3 September after two INSET days."""
    return AcademicYear(
        2025,
        Term(AUTUMN, date(2025, 9, 3), date(2025, 12, 19), (date(2025, 10, 27), date(2025, 10, 31))),
        Term(SPRING, date(2026, 1, 5), date(2026, 3, 27), (date(2026, 2, 16), date(2026, 2, 20))),
        Term(SUMMER, date(2026, 4, 13), date(2026, 7, 21), (date(2026, 5, 25), date(2026, 5, 29))),
    )


# -- the England default ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "easter"),
    [(2024, date(2024, 3, 31)), (2025, date(2025, 4, 20)), (2026, date(2026, 4, 5)),
     (2027, date(2027, 3, 28)), (2028, date(2028, 4, 16)), (2029, date(2029, 4, 1)),
     (2030, date(2030, 4, 21)), (2038, date(2038, 4, 25)), (2285, date(2285, 3, 22))],
)
def test_easter_sunday_matches_published_dates(year: int, easter: date) -> None:
    assert easter_sunday(year) == easter


def test_the_2025_26_default_matches_the_usual_england_pattern() -> None:
    autumn, spring, summer = england_default(2025).terms

    assert autumn == Term(AUTUMN, date(2025, 9, 1), date(2025, 12, 19),
                          (date(2025, 10, 27), date(2025, 10, 31)))
    assert spring == Term(SPRING, date(2026, 1, 5), date(2026, 4, 2),
                          (date(2026, 2, 16), date(2026, 2, 20)))
    assert summer == Term(SUMMER, date(2026, 4, 20), date(2026, 7, 17),
                          (date(2026, 5, 25), date(2026, 5, 29)))


def test_the_autumn_term_starts_on_the_first_weekday_of_september() -> None:
    assert england_default(2025).autumn.start == date(2025, 9, 1)  # a Monday
    assert england_default(2026).autumn.start == date(2026, 9, 1)  # a Tuesday
    assert england_default(2029).autumn.start == date(2029, 9, 3)  # 1 September is a Saturday


def test_the_spring_term_ends_on_the_thursday_before_good_friday() -> None:
    for start_year in range(2020, 2040):
        spring = england_default(start_year).spring
        good_friday = easter_sunday(start_year + 1) - timedelta(days=2)
        assert spring.end == good_friday - timedelta(days=1)
        assert spring.end < easter_sunday(start_year + 1)


def test_the_easter_holiday_is_good_friday_and_the_two_following_weeks() -> None:
    for start_year in range(2020, 2040):
        year = england_default(start_year)
        easter_monday = easter_sunday(start_year + 1) + timedelta(days=1)
        assert year.summer.start == easter_monday + timedelta(weeks=2)
        assert (year.summer.start - year.spring.end).days == 18  # Thursday, then back on a Monday


def test_every_default_year_is_plausible() -> None:
    for start_year in range(2000, 2100):
        year = england_default(start_year)
        autumn, spring, summer = year.terms
        assert date(start_year, 9, 1) <= autumn.start <= date(start_year, 9, 3)
        assert date(start_year, 12, 14) <= autumn.end <= date(start_year, 12, 20)
        assert date(start_year + 1, 1, 4) <= spring.start <= date(start_year + 1, 1, 10)
        assert date(start_year + 1, 7, 16) <= summer.end <= date(start_year + 1, 7, 22)
        for term in year.terms:
            assert term.start.weekday() < 5
            assert term.half_term is not None
            assert term.half_term[0].weekday() == 0 and term.half_term[1].weekday() == 4
        assert autumn.half_term is not None and autumn.half_term[1].month == 10
        assert spring.half_term is not None and 15 <= spring.half_term[0].day <= 21
        assert summer.half_term is not None and summer.half_term[0].month == 5
        assert summer.half_term[0] + timedelta(weeks=1) > date(start_year + 1, 5, 31)


def test_summer_ends_on_the_last_friday_on_or_before_22_july() -> None:
    assert england_default(2025).summer.end == date(2026, 7, 17)
    assert england_default(2026).summer.end == date(2027, 7, 16)
    assert england_default(2027).summer.end == date(2028, 7, 21)


# -- a school's calendar -----------------------------------------------------------------------


def test_a_school_without_its_own_dates_uses_the_default() -> None:
    calendar = SchoolCalendar()

    assert calendar.year(2025) == england_default(2025)
    assert calendar.term_at(date(2025, 9, 1)) == england_default(2025).autumn


def test_a_schools_own_dates_override_the_default_for_that_year_only() -> None:
    calendar = SchoolCalendar({2025: own_2025()})

    assert calendar.year(2025) == own_2025()
    assert calendar.year(2026) == england_default(2026)
    assert calendar.term_at(date(2025, 9, 1)) is None  # before this school's autumn term
    assert calendar.term_at(date(2026, 3, 30)) is None  # its Easter holiday has begun
    assert calendar.term_at(date(2026, 7, 21)) == own_2025().summer


def test_with_year_returns_a_new_calendar_and_leaves_the_old_one_alone() -> None:
    default = SchoolCalendar()

    own = default.with_year(own_2025())

    assert own.year(2025) == own_2025()
    assert default.year(2025) == england_default(2025)
    assert own == SchoolCalendar({2025: own_2025()}) and own != default
    with pytest.raises(AttributeError):
        own._own = {}


def test_the_academic_year_runs_from_september_to_august() -> None:
    calendar = SchoolCalendar()

    assert calendar.academic_year_of(date(2025, 9, 1)) == 2025
    assert calendar.academic_year_of(date(2026, 8, 31)) == 2025
    assert calendar.academic_year_of(date(2025, 8, 31)) == 2024


def test_half_terms_are_inside_the_term_and_holidays_are_not() -> None:
    calendar = SchoolCalendar()

    assert calendar.term_at(date(2025, 10, 29)) == england_default(2025).autumn
    assert calendar.term_at(date(2025, 12, 25)) is None
    assert calendar.term_at(date(2026, 8, 1)) is None


def test_terms_between_lists_the_overlapping_terms_in_order() -> None:
    calendar = SchoolCalendar()

    terms = calendar.terms_between(date(2025, 12, 19), date(2026, 9, 1))

    assert [(t.name, t.start.year) for t in terms] == [
        (AUTUMN, 2025), (SPRING, 2026), (SUMMER, 2026), (AUTUMN, 2026)]
    assert calendar.terms_between(date(2025, 12, 20), date(2026, 1, 4)) == []
    assert calendar.terms_between(date(2026, 1, 1), date(2025, 1, 1)) == []


# -- teaching weeks --------------------------------------------------------------------------


def test_teaching_weeks_skip_the_half_term() -> None:
    weeks = SchoolCalendar().teaching_weeks(date(2025, 10, 13), date(2025, 11, 9))

    assert weeks == [date(2025, 10, 13), date(2025, 10, 20), date(2025, 11, 3)]


def test_teaching_weeks_skip_the_holidays_between_terms() -> None:
    weeks = SchoolCalendar().teaching_weeks(date(2025, 12, 8), date(2026, 1, 18))

    assert weeks == [date(2025, 12, 8), date(2025, 12, 15), date(2026, 1, 5), date(2026, 1, 12)]


def test_a_week_with_one_teaching_day_in_range_counts_and_is_named_by_its_monday() -> None:
    calendar = SchoolCalendar()

    assert calendar.teaching_weeks(date(2025, 12, 19), date(2025, 12, 19)) == [date(2025, 12, 15)]
    assert calendar.teaching_weeks(date(2025, 12, 20), date(2025, 12, 21)) == []  # a weekend
    assert calendar.teaching_weeks(date(2026, 4, 2), date(2026, 4, 19)) == [date(2026, 3, 30)]


def test_a_full_default_year_has_about_thirty_nine_teaching_weeks() -> None:
    weeks = SchoolCalendar().teaching_weeks(date(2025, 9, 1), date(2026, 8, 31))

    assert 36 <= len(weeks) <= 40
    assert all(monday.weekday() == 0 for monday in weeks)
    assert weeks == sorted(set(weeks))


def test_teaching_weeks_follow_a_schools_own_dates() -> None:
    calendar = SchoolCalendar({2025: own_2025()})

    weeks = calendar.teaching_weeks(date(2026, 3, 23), date(2026, 4, 19))

    assert weeks == [date(2026, 3, 23), date(2026, 4, 13)]


# -- validation ------------------------------------------------------------------------------


def test_a_term_cannot_end_before_it_starts() -> None:
    with pytest.raises(InvalidCalendarError, match="ends on 2025-09-01, before it starts"):
        Term(AUTUMN, date(2025, 9, 2), date(2025, 9, 1))


@pytest.mark.parametrize(
    "half_term",
    [(date(2025, 8, 29), date(2025, 9, 5)), (date(2025, 12, 15), date(2025, 12, 22)),
     (date(2025, 10, 31), date(2025, 10, 27))],
)
def test_a_half_term_must_lie_inside_its_term(half_term: tuple[date, date]) -> None:
    with pytest.raises(InvalidCalendarError, match="half-term"):
        Term(AUTUMN, date(2025, 9, 1), date(2025, 12, 19), half_term)


def test_terms_must_be_in_order_and_must_not_overlap() -> None:
    default = england_default(2025)
    late_autumn = Term(AUTUMN, date(2025, 9, 1), date(2026, 1, 5))

    with pytest.raises(InvalidCalendarError, match="overlap or are out of order"):
        AcademicYear(2025, late_autumn, default.spring, default.summer)
    with pytest.raises(InvalidCalendarError, match="the autumn slot holds the spring term"):
        AcademicYear(2025, default.spring, default.autumn, default.summer)


def test_terms_must_belong_to_their_academic_year() -> None:
    default = england_default(2025)
    august_start = Term(AUTUMN, date(2025, 8, 28), date(2025, 12, 19))
    september_end = Term(SUMMER, date(2026, 4, 20), date(2026, 9, 1))

    with pytest.raises(InvalidCalendarError, match="between 2025-09-01 and 2026-08-31"):
        AcademicYear(2025, august_start, default.spring, default.summer)
    with pytest.raises(InvalidCalendarError, match="between"):
        AcademicYear(2025, default.autumn, default.spring, september_end)
    with pytest.raises(InvalidCalendarError, match="between"):
        AcademicYear(2024, *default.terms)


def test_a_calendar_refuses_dates_filed_under_the_wrong_year() -> None:
    with pytest.raises(InvalidCalendarError, match="given for 2026 are for the year starting 2025"):
        SchoolCalendar({2026: own_2025()})


def test_calendar_errors_are_domain_errors_and_value_errors() -> None:
    assert issubclass(InvalidCalendarError, StatutoryRuleError)
    assert issubclass(InvalidCalendarError, ValueError)
