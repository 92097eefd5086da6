"""Which reviews and assessments are due, and when (statutory rules 5 and 6), worked by hand.

England default calendar, 2025/26: autumn 1 Sep-19 Dec 2025, spring 5 Jan-2 Apr 2026,
summer 20 Apr-17 Jul 2026; 2026/27: autumn 1 Sep-18 Dec 2026, spring 4 Jan-25 Mar 2027,
summer 12 Apr-16 Jul 2027.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from statutory.calendar import SchoolCalendar
from statutory.reports_due import (
    FORMAL_ASSESSMENT,
    PROGRESS_REVIEW,
    DueReport,
    extension_days_as_terms,
    reports_due,
)
from statutory.terms_served import FteChange, InvalidWorkingPatternError

CAL = SchoolCalendar()
START = date(2025, 9, 1)
FAR = date(2035, 1, 1)


def pattern(fte: float) -> list[FteChange]:
    return [FteChange(START, fte)]


def kinds(reports: list[DueReport]) -> list[tuple[int, str]]:
    return [(r.term_number, "A" if r.kind == FORMAL_ASSESSMENT else "R") for r in reports]


def test_a_full_timer_has_reviews_in_terms_1_2_4_5_and_assessments_in_3_and_6_statutory_rules_5_6():
    due = reports_due(CAL, START, pattern(1.0), until=FAR)
    assert kinds(due) == [(1, "R"), (2, "R"), (3, "A"), (4, "R"), (5, "R"), (6, "A")]


def test_a_review_is_due_on_the_last_day_of_its_term():
    first, second = reports_due(CAL, START, pattern(1.0), until=FAR)[:2]
    assert first == DueReport(PROGRESS_REVIEW, 1, date(2025, 9, 1), date(2025, 12, 19), date(2025, 12, 19))
    assert second.term_start == date(2026, 1, 5)
    assert second.due_on == second.term_end == date(2026, 4, 2)


def test_an_assessment_is_due_ten_working_days_after_the_end_of_term_statutory_rule_6():
    due = reports_due(CAL, START, pattern(1.0), until=FAR)
    # Friday 17 Jul 2026: 20-24 Jul and 27-31 Jul are the ten working days
    assert due[2] == DueReport(FORMAL_ASSESSMENT, 3, date(2026, 4, 20), date(2026, 7, 17), date(2026, 7, 31))
    # Friday 16 Jul 2027 -> Friday 30 Jul 2027
    assert due[5].due_on == date(2027, 7, 30)


def test_a_part_timer_at_0_6_is_assessed_in_terms_5_and_10_and_reviewed_every_other_term():
    # served at the end of each term: 0.6, 1.2, 1.8, 2.4, 3.0 | 3.6, 4.2, 4.8, 5.4, 6.0
    due = reports_due(CAL, START, pattern(0.6), until=FAR)
    assert kinds(due) == [(1, "R"), (2, "R"), (3, "R"), (4, "R"), (5, "A"),
                          (6, "R"), (7, "R"), (8, "R"), (9, "R"), (10, "A")]
    # term 5 is spring 2027, ending Thursday 25 Mar; Good Friday 26 Mar and Easter Monday
    # 29 Mar are bank holidays: 30, 31 Mar, 1, 2, 5-9, 12 Apr are the ten working days
    assert due[4].term_end == date(2027, 3, 25)
    assert due[4].due_on == date(2027, 4, 12)


def test_a_half_timer_serves_twelve_terms_pro_rata():
    due = reports_due(CAL, START, pattern(0.5), until=FAR)
    assessments = [r.term_number for r in due if r.kind == FORMAL_ASSESSMENT]
    assert assessments == [6, 12]
    assert len(due) == 12


def test_at_0_8_fte_the_assessment_falls_in_the_term_that_reaches_three():
    # 0.8, 1.6, 2.4, 3.2: term 4; 4.0, 4.8, 5.6, 6.4: term 8
    due = reports_due(CAL, START, pattern(0.8), until=FAR)
    assert [r.term_number for r in due if r.kind == FORMAL_ASSESSMENT] == [4, 8]


def test_a_change_of_working_pattern_moves_the_assessment():
    # full time in autumn (1.0), then 0.5: 1.5, 2.0, 2.5, 3.0 -> term 5
    history = [FteChange(START, 1.0), FteChange(date(2026, 1, 1), 0.5)]
    due = reports_due(CAL, START, history, until=FAR)
    assert due[4].kind == FORMAL_ASSESSMENT and due[4].term_number == 5


def test_a_start_a_few_days_into_term_still_makes_term_3_the_assessment():
    # from Wednesday 3 Sep: term 1 is 108/110 of a term, 2.98 at the end of term 3 -> 3.0
    due = reports_due(CAL, date(2025, 9, 3), [FteChange(date(2025, 9, 3), 1.0)], until=FAR)
    assert kinds(due)[:3] == [(1, "R"), (2, "R"), (3, "A")]
    assert due[0].term_start == date(2025, 9, 1)  # the school term, not the start date


def test_only_terms_ended_by_until_and_the_current_term_are_listed():
    in_spring = reports_due(CAL, START, pattern(1.0), until=date(2026, 2, 10))
    assert kinds(in_spring) == [(1, "R"), (2, "R")]
    easter_holiday = reports_due(CAL, START, pattern(1.0), until=date(2026, 4, 10))
    assert kinds(easter_holiday) == [(1, "R"), (2, "R")]
    assert reports_due(CAL, START, pattern(1.0), until=date(2025, 8, 1)) == []


def test_a_leaver_has_no_report_here_for_the_term_left_part_way_statutory_rule_7():
    left_mid_spring = reports_due(CAL, START, pattern(1.0), until=FAR, end=date(2026, 2, 13))
    assert kinds(left_mid_spring) == [(1, "R")]
    left_at_end_of_term = reports_due(CAL, START, pattern(1.0), until=FAR, end=date(2026, 4, 2))
    assert kinds(left_at_end_of_term) == [(1, "R"), (2, "R")]


def test_an_extension_by_the_ab_adds_a_final_assessment_after_the_one_at_six_terms():
    due = reports_due(CAL, START, pattern(1.0), until=FAR, extension_terms=Decimal(2))
    assert kinds(due) == [(1, "R"), (2, "R"), (3, "A"), (4, "R"), (5, "R"), (6, "A"),
                          (7, "R"), (8, "A")]


def test_a_year_lengthened_by_absence_moves_every_assessment_from_that_year_on():
    # 30 days' absence in year 1 = 0.5 terms: assessments where 3.5 and 6.5 are reached
    due = reports_due(CAL, START, pattern(1.0), until=FAR, year_extension_terms={1: Decimal("0.5")})
    assert kinds(due) == [(1, "R"), (2, "R"), (3, "R"), (4, "A"), (5, "R"), (6, "R"), (7, "A")]


def test_statutory_leave_extension_in_year_two_moves_only_the_final_assessment():
    due = reports_due(CAL, START, pattern(1.0), until=FAR, year_extension_terms={2: Decimal(1)})
    assert [r.term_number for r in due if r.kind == FORMAL_ASSESSMENT] == [3, 7]


def test_days_become_terms_of_sixty_five_school_days_rounded_up():
    assert extension_days_as_terms(30) == Decimal("0.5")  # 0.46
    assert extension_days_as_terms(65) == Decimal("1.0")
    assert extension_days_as_terms(66) == Decimal("1.1")
    assert extension_days_as_terms(0) == Decimal("0.0")


def test_negative_extensions_are_refused():
    with pytest.raises(InvalidWorkingPatternError):
        reports_due(CAL, START, pattern(1.0), until=FAR, extension_terms=Decimal(-1))
    with pytest.raises(InvalidWorkingPatternError):
        extension_days_as_terms(-1)
