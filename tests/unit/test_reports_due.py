"""Which reviews and assessments are due, and when (statutory rules 5 and 6), worked by hand.

Asked of the induction clock (``statutory.timeline``) for one open post on the England default
calendar. 2025/26: autumn 1 Sep-19 Dec 2025, spring 5 Jan-2 Apr 2026, summer 20 Apr-17 Jul
2026; 2026/27: autumn 1 Sep-18 Dec 2026, spring 4 Jan-25 Mar 2027, summer 12 Apr-16 Jul 2027.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import pytest

from statutory.absence import AbsenceReason
from statutory.calendar import SchoolCalendar
from statutory.reports_due import FORMAL_ASSESSMENT, PROGRESS_REVIEW, extension_days_as_terms
from statutory.service import ServicePeriod
from statutory.terms_served import FteChange, InvalidWorkingPatternError
from statutory.timeline import (
    INTERIM_ASSESSMENT,
    AbsenceFact,
    InductionFacts,
    InvalidDecisionError,
    LeaveExtension,
    ReportDue,
    TermsDecision,
    Timeline,
    induction_timeline,
)

CAL = SchoolCalendar()
START = date(2025, 9, 1)
FAR = date(2035, 1, 1)
KIND = {PROGRESS_REVIEW: "R", FORMAL_ASSESSMENT: "A", INTERIM_ASSESSMENT: "I"}


def timeline(fte: float = 1.0, *, start: date = START, end: date | None = None,
             history: Sequence[FteChange] | None = None, absences: Sequence[AbsenceFact] = (),
             leave_extensions: Sequence[LeaveExtension] = (),
             extensions: Sequence[TermsDecision] = ()) -> Timeline:
    """The clock for one post from ``start`` (open unless ``end``), at ``fte`` unless ``history``."""
    pattern = tuple(history) if history is not None else (FteChange(start, fte),)
    facts = InductionFacts((ServicePeriod(start, CAL, end),), pattern, tuple(absences),
                           tuple(leave_extensions), tuple(extensions))
    return induction_timeline(facts, FAR)


def kinds(reports: Sequence[ReportDue]) -> list[tuple[int, str]]:
    return [(r.term_number, KIND[r.kind]) for r in reports]


def assessment_terms(clock: Timeline) -> list[int]:
    return [r.term_number for r in clock.reports if r.kind == FORMAL_ASSESSMENT]


def test_a_full_timer_has_reviews_in_terms_1_2_4_5_and_assessments_in_3_and_6_statutory_rules_5_6():
    clock = timeline()
    assert kinds(clock.reports) == [(1, "R"), (2, "R"), (3, "A"), (4, "R"), (5, "R"), (6, "A")]
    assert [r.final for r in clock.reports] == [False] * 5 + [True]


def test_a_review_is_due_on_the_last_day_of_its_term():
    first, second = timeline().reports[:2]
    assert first == ReportDue(PROGRESS_REVIEW, 1, "2025-autumn", date(2025, 9, 1), date(2025, 12, 19),
                              held_on=date(2025, 12, 19), due_on=date(2025, 12, 19),
                              appropriate_body_id="", school_id="")
    assert second.term_start == date(2026, 1, 5)
    assert second.due_on == second.held_on == second.term_end == date(2026, 4, 2)


def test_an_assessment_is_due_ten_working_days_after_the_end_of_term_statutory_rule_6():
    # for a full-timer the assessment point (three terms served) is the last day of term 3
    reports = timeline().reports
    # Friday 17 Jul 2026: 20-24 Jul and 27-31 Jul are the ten working days
    assert (reports[2].kind, reports[2].term_number, reports[2].term_start, reports[2].term_end,
            reports[2].held_on, reports[2].due_on) == (
        FORMAL_ASSESSMENT, 3, date(2026, 4, 20), date(2026, 7, 17), date(2026, 7, 17), date(2026, 7, 31))
    # Friday 16 Jul 2027 -> Friday 30 Jul 2027
    assert reports[5].due_on == date(2027, 7, 30)


def test_a_part_timer_at_0_6_is_assessed_in_terms_5_and_10_and_reviewed_every_other_term():
    # served at the end of each term: 0.6, 1.2, 1.8, 2.4, 3.0 | 3.6, 4.2, 4.8, 5.4, 6.0
    reports = timeline(0.6).reports
    assert kinds(reports) == [(1, "R"), (2, "R"), (3, "R"), (4, "R"), (5, "A"),
                              (6, "R"), (7, "R"), (8, "R"), (9, "R"), (10, "A")]
    # term 5 is spring 2027, ending Thursday 25 Mar; Good Friday 26 Mar and Easter Monday
    # 29 Mar are bank holidays: 30, 31 Mar, 1, 2, 5-9, 12 Apr are the ten working days
    assert reports[4].term_end == reports[4].held_on == date(2027, 3, 25)
    assert reports[4].due_on == date(2027, 4, 12)


def test_a_half_timer_serves_twelve_terms_pro_rata():
    clock = timeline(0.5)
    assert assessment_terms(clock) == [6, 12]
    assert len(clock.reports) == 12


def test_at_0_8_fte_the_assessment_falls_in_the_term_that_reaches_three():
    # 0.8, 1.6, 2.4, 3.2: term 4; 4.0, 4.8, 5.6, 6.4: term 8
    clock = timeline(0.8)
    assert assessment_terms(clock) == [4, 8]
    # Changed from reports_due, which held every assessment on the last day of its term and
    # kept the reviews of terms 3 and 7. The clock's assessment point is the day three terms
    # are served exactly when that comes before the end of the term (Saturday 21 Nov 2026,
    # Saturday 26 Feb 2028: the meetings on the next school days, Monday 23 Nov and Monday 28
    # Feb), the report due 10 working days after the meeting (2.61); and the reviews
    # of terms 3 and 7 are not held, an assessment following less than a term later (2.49).
    first, final = (r for r in clock.reports if r.kind == FORMAL_ASSESSMENT)
    assert (first.held_on, first.due_on) == (date(2026, 11, 23), date(2026, 12, 7))
    assert (final.held_on, final.due_on, final.final) == (date(2028, 2, 28), date(2028, 3, 13), True)
    assert kinds(clock.reports) == [(1, "R"), (2, "R"), (4, "A"), (5, "R"), (6, "R"), (8, "A")]


def test_a_change_of_working_pattern_moves_the_assessment():
    # full time in autumn (1.0), then 0.5: 1.5, 2.0, 2.5, 3.0 -> term 5
    history = [FteChange(START, 1.0), FteChange(date(2026, 1, 1), 0.5)]
    reports = timeline(history=history).reports
    assert reports[4].kind == FORMAL_ASSESSMENT and reports[4].term_number == 5


def test_a_start_a_few_days_into_term_still_makes_term_3_the_assessment():
    # from Wednesday 3 Sep: term 1 is 108/110 of a term, 2.98 at the end of term 3 -> 3.0, so
    # the assessment point is the end of term 3, not the day 3.0 is served exactly in the holidays
    clock = timeline(start=date(2025, 9, 3))
    assert kinds(clock.reports)[:3] == [(1, "R"), (2, "R"), (3, "A")]
    assert clock.reports[2].held_on == date(2026, 7, 17)
    assert clock.reports[0].term_start == date(2025, 9, 1)  # the school term, not the start date


def test_only_terms_ended_by_until_and_the_current_term_are_listed():
    clock = timeline()
    assert kinds(clock.reports_until(date(2026, 2, 10))) == [(1, "R"), (2, "R")]
    assert kinds(clock.reports_until(date(2026, 4, 10))) == [(1, "R"), (2, "R")]  # Easter holiday
    assert clock.reports_until(date(2025, 8, 1)) == []


def test_a_leaver_owes_an_interim_assessment_not_the_review_of_the_term_left_statutory_rule_7():
    # Changed from reports_due, which left the interim assessment to the caller: the clock owes
    # it itself (2.62), instead of that term's review, held on the last day in post (a post held
    # for at least a term) and due within 10 working days like every assessment (2.61).
    left_mid_spring = timeline(end=date(2026, 2, 13)).reports
    assert kinds(left_mid_spring) == [(1, "R"), (2, "I")]
    interim = left_mid_spring[1]
    assert (interim.held_on, interim.due_on, interim.terms_served) == (
        date(2026, 2, 13), date(2026, 2, 27), Decimal("1.5"))
    # leaving on the last day of spring: that day's review becomes the interim assessment
    left_at_end_of_term = timeline(end=date(2026, 4, 2)).reports
    assert kinds(left_at_end_of_term) == [(1, "R"), (2, "I")]
    assert left_at_end_of_term[1].held_on == date(2026, 4, 2)


def test_an_extension_by_the_ab_adds_a_final_assessment_after_the_one_at_six_terms():
    clock = timeline(extensions=(TermsDecision(Decimal(2), date(2027, 7, 20)),))
    assert kinds(clock.reports) == [(1, "R"), (2, "R"), (3, "A"), (4, "R"), (5, "R"), (6, "A"),
                                    (7, "R"), (8, "A")]
    assert [r.term_number for r in clock.reports if r.final] == [8]
    assert clock.terms_required == Decimal("8.0")


def test_a_year_lengthened_by_absence_moves_every_assessment_from_that_year_on():
    # 30 days' absence in year 1 (3.6) = 0.5 terms: assessments where 3.5 and 6.5 are reached
    clock = timeline(absences=(AbsenceFact(date(2025, 11, 3), 30, AbsenceReason.SICKNESS),))
    assert assessment_terms(clock) == [4, 7]
    assert clock.terms_required == Decimal("6.5")
    assert clock.year_two_starts == date(2026, 10, 26)
    # Changed from reports_due, which held the assessments at the end of terms 4 and 7 and kept
    # the reviews of terms 3 and 6. The clock's assessment point of the extended year is the day
    # 3.5 terms are served exactly, before the end of term 4 (Sunday 25 Oct 2026; 6.5 on Sunday
    # 24 Oct 2027; the meetings on the first school days after, past the half-terms), due 10
    # working days after them (2.61); the reviews of terms 3 and 6 are not held,
    # an assessment following less than a term later (2.49).
    first, final = (r for r in clock.reports if r.kind == FORMAL_ASSESSMENT)
    assert (first.held_on, first.due_on) == (date(2026, 11, 2), date(2026, 11, 16))
    assert (final.held_on, final.due_on) == (date(2027, 11, 1), date(2027, 11, 15))
    assert kinds(clock.reports) == [(1, "R"), (2, "R"), (4, "A"), (5, "R"), (7, "A")]


def test_statutory_leave_extension_in_year_two_moves_only_the_final_assessment():
    # maternity leave from Monday 2 Nov 2026, 40 working days: back on Monday 4 Jan 2027
    leave = (AbsenceFact(date(2026, 11, 2), 40, AbsenceReason.MATERNITY),)
    # statutory leave never counts towards the 30 days (3.7): alone it moves nothing
    assert assessment_terms(timeline(absences=leave)) == [3, 6]
    # the ECT chose to extend by 65 days after it (3.7): year 2, and the final assessment, a term on
    clock = timeline(absences=leave, leave_extensions=(LeaveExtension(date(2026, 12, 1), 65),))
    assert assessment_terms(clock) == [3, 7]
    assert clock.terms_required == Decimal("7.0")
    # Changed from reports_due, which knew no absences: the review of term 4, on Friday 18 Dec
    # while the ECT is on leave, is postponed and held on the first teaching day back (2.56),
    # then due 10 working days later.
    review = next(r for r in clock.reports if r.term_number == 4)
    assert (review.held_on, review.postponed_until, review.due_on) == (
        date(2026, 12, 18), date(2027, 1, 4), date(2027, 1, 18))


def test_days_become_terms_of_sixty_five_school_days_rounded_up():
    assert extension_days_as_terms(30) == Decimal("0.5")  # 0.46
    assert extension_days_as_terms(65) == Decimal("1.0")
    assert extension_days_as_terms(66) == Decimal("1.1")
    assert extension_days_as_terms(0) == Decimal("0.0")
    # and so the clock lengthens the year: 34 days' absence is 0.52 of a term, 0.6 rounded up
    absent = (AbsenceFact(date(2025, 11, 3), 34, AbsenceReason.SICKNESS),)
    assert timeline(absences=absent).terms_required == Decimal("6.6")


def test_negative_extensions_are_refused():
    # an AB's extension of no or negative length is refused when it is made (InvalidDecisionError,
    # where reports_due raised InvalidWorkingPatternError when asked): both are StatutoryRuleErrors
    with pytest.raises(InvalidDecisionError):
        TermsDecision(Decimal(-1), date(2027, 7, 20))
    with pytest.raises(InvalidWorkingPatternError):
        extension_days_as_terms(-1)
    with pytest.raises(InvalidWorkingPatternError):
        timeline(leave_extensions=(LeaveExtension(date(2026, 12, 1), -5),))
