"""The induction clock (``statutory.timeline``), rule by rule, on dates worked out by hand.

England default calendar (``SchoolCalendar()``), full time unless said:
- 2025/26: autumn 1 Sep-19 Dec 2025 (110 days, half-term 27-31 Oct), spring 5 Jan-2 Apr 2026
  (88 days, half-term 16-20 Feb), summer 20 Apr-17 Jul 2026 (89 days);
- 2026/27: autumn 1 Sep-18 Dec 2026 (109 days, half-term 26-30 Oct), spring 4 Jan-25 Mar 2027,
  summer 12 Apr-16 Jul 2027; 2027/28: autumn 1 Sep-17 Dec 2027.
A full-timer from 1 Sep 2025 reaches 3.0 terms on 17 Jul 2026 and 6.0 on 16 Jul 2027.
Days absent become FTE terms at 65 a term, rounded up to 0.1: 30 days 0.5, 40 days 0.7.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from statutory.absence import AbsenceFact, AbsenceReason
from statutory.calendar import AcademicYear, SchoolCalendar, Term, TermName
from statutory.reports_due import FORMAL_ASSESSMENT, PROGRESS_REVIEW
from statutory.service import END, START, TRANSFER, PostChange, ServicePeriod, service_periods
from statutory.terms_served import FteChange, terms_served
from statutory.timeline import (
    INTERIM_ASSESSMENT,
    InductionFacts,
    LeaveExtension,
    ReportDue,
    TermsDecision,
    Timeline,
    induction_timeline,
)

CAL = SchoolCalendar()
START_DAY = date(2025, 9, 1)
FAR = date(2030, 1, 1)
SICK, MATERNITY = AbsenceReason.SICKNESS, AbsenceReason.MATERNITY
# a school whose autumn 2025 ends a week before the default's: 1 Sep-12 Dec (103 days)
EARLY_AUTUMN = SchoolCalendar({2025: AcademicYear(
    2025,
    Term(TermName.AUTUMN, date(2025, 9, 1), date(2025, 12, 12), (date(2025, 10, 27), date(2025, 10, 31))),
    Term(TermName.SPRING, date(2026, 1, 5), date(2026, 3, 27), (date(2026, 2, 16), date(2026, 2, 20))),
    Term(TermName.SUMMER, date(2026, 4, 13), date(2026, 7, 17), (date(2026, 5, 25), date(2026, 5, 29))),
)})


def post(start: date, end: date | None = None, ab: str = "ab1", school: str = "s1",
         calendar: SchoolCalendar = CAL) -> ServicePeriod:
    return ServicePeriod(start, calendar, end, ab, school)


def induction(*periods: ServicePeriod, fte: float = 1.0, **facts: Any) -> InductionFacts:
    history = (FteChange(periods[0].start, fte),)
    return InductionFacts(tuple(periods), history, **facts)


def full_time(**facts: Any) -> InductionFacts:
    return induction(post(START_DAY), **facts)


def timeline(facts: InductionFacts, as_of: date = FAR) -> Timeline:
    return induction_timeline(facts, as_of)


def kinds(reports: tuple[ReportDue, ...] | list[ReportDue]) -> list[tuple[int, str]]:
    short = {PROGRESS_REVIEW: "R", FORMAL_ASSESSMENT: "A", INTERIM_ASSESSMENT: "I"}
    return [(r.term_number, short[r.kind] + ("F" if r.final else "")) for r in reports]


def assessments(t: Timeline) -> list[ReportDue]:
    return [r for r in t.reports if r.kind == FORMAL_ASSESSMENT]


# -- service: only time in post counts (rule 2, 2.33) ----------------------------------------------


def test_a_gap_between_posts_counts_for_nothing_statutory_rule_2_guidance_2_33():
    # one term with AB1, released at the end of it; no post in spring or summer 2026; AB2
    # claims from 1 Sep 2026
    facts = induction(post(START_DAY, date(2025, 12, 19), "ab1", "s1"),
                      post(date(2026, 9, 1), None, "ab2", "s2"))
    t = timeline(facts, date(2026, 12, 18))

    # two more terms later (spring and summer, without a post): one more term served, so 2.0,
    # not the 4.0 the calendar from the first day to today holds
    assert t.terms_served == Decimal("2.0")
    assert terms_served(CAL, START_DAY, date(2026, 12, 18), facts.fte_history) == Decimal("4.0")
    assert t.period_terms == (Decimal("1.0"), Decimal("1.0"))
    assert t.gaps() == [(date(2025, 12, 20), date(2026, 8, 31))]
    assert t.breakdown()["gaps"][0]["days"] == (date(2026, 8, 31) - date(2025, 12, 20)).days + 1
    # the terms of the induction are the terms in post: spring and summer 2026 are not among them
    assert [term.label for term in t.terms[:3]] == ["2025-autumn", "2026-autumn", "2027-spring"]
    # nothing is reviewed or assessed in the gap
    for report in t.reports:
        assert not date(2025, 12, 20) <= report.held_on <= date(2026, 8, 31), report
        assert not date(2025, 12, 20) <= report.term_start <= date(2026, 8, 31), report
    # AB1 is charged only for its own term: the interim assessment owed on release after a
    # full term (2.62), with the induction served and no days absent (2.63)
    first_ab = [r for r in t.reports if r.appropriate_body_id == "ab1"]
    assert [(r.kind, r.term_number, r.held_on) for r in first_ab] == [
        (INTERIM_ASSESSMENT, 1, date(2025, 12, 19))]
    assert first_ab[0].terms_served == Decimal("1.0") and first_ab[0].days_absent == 0
    # 10 working days after 19 Dec 2025, skipping Christmas, Boxing Day and New Year's Day
    assert first_ab[0].due_on == date(2026, 1, 7)
    # AB2 picks up at term 2; three terms are served at the end of spring 2027
    assert kinds([r for r in t.reports if r.appropriate_body_id == "ab2"])[:2] == [(2, "R"), (3, "A")]
    assert t.year_two_starts == date(2027, 3, 26)


def test_a_post_shorter_than_a_term_counts_for_nothing_once_it_ends_statutory_rule_2_guidance_2_33():
    six_weeks = post(START_DAY, date(2025, 10, 10), "ab1", "s1")
    facts = induction(six_weeks, post(date(2026, 1, 5), None, "ab1", "s2"))
    t = timeline(facts, date(2026, 7, 17))

    assert t.period_terms == (Decimal(0), Decimal("2.0"))
    assert t.terms_served == Decimal("2.0")
    line = t.breakdown()["periods"][0]
    assert (line["counts"], line["terms"]) == (False, 0.0)
    assert "shorter than one term" in line["reason"]
    # the induction starts counting in spring 2026: its three terms are reached on 18 Dec 2026
    assert t.terms[0].label == "2026-spring"
    assert t.year_two_starts == date(2026, 12, 19)
    # no interim assessment for a post of less than a term (2.62)
    assert all(r.held_on > date(2025, 12, 31) for r in t.reports)

    # while the post is still open its six weeks count: it may yet reach a term
    open_post = timeline(induction(post(START_DAY)), date(2025, 10, 10))
    assert open_post.terms_served == Decimal("0.4")


def test_a_post_that_reaches_one_term_counts_whole_statutory_rule_2_guidance_2_33():
    exactly_a_term = timeline(induction(post(START_DAY, date(2025, 12, 19))))
    a_day_short = timeline(induction(post(START_DAY, date(2025, 12, 18))))
    a_term_and_more = timeline(induction(post(START_DAY, date(2026, 2, 13))))

    assert exactly_a_term.terms_served == Decimal("1.0")
    assert a_day_short.terms_served == 0  # 109 of 110 days: short of a term, so nothing
    # 1 Sep-19 Dec is 1.0, 5 Jan-13 Feb is 40 of spring's 88 days: 1.45, kept as 1.5
    assert a_term_and_more.terms_served == Decimal("1.5")


def test_posts_with_no_working_day_between_them_are_one_run_of_continuous_employment_guidance_2_33():
    # Friday 24 Oct at one school, Monday 27 Oct (half-term) at the next: neither post is a
    # term, the run is, so both count
    first = post(START_DAY, date(2025, 10, 24), school="s1")
    second = post(date(2025, 10, 27), None, school="s2")
    t = timeline(induction(first, second), date(2025, 12, 19))
    assert all(line["counts"] for line in t.breakdown()["periods"])
    assert t.terms_served == Decimal("1.0")

    # a working day between them breaks the run, and the first post, ended short, is lost
    apart = timeline(induction(first, post(date(2025, 10, 28), None, school="s2")), date(2025, 12, 19))
    assert [line["counts"] for line in apart.breakdown()["periods"]] == [False, True]


def test_a_full_timer_from_the_first_day_is_reviewed_in_terms_1_2_4_5_and_assessed_in_3_and_6_rules_5_6():
    t = timeline(full_time())
    assert kinds(t.reports) == [(1, "R"), (2, "R"), (3, "A"), (4, "R"), (5, "R"), (6, "AF")]
    assert [r.held_on for r in assessments(t)] == [date(2026, 7, 17), date(2027, 7, 16)]
    assert t.year_two_starts == date(2026, 7, 18)
    assert t.terms_required == Decimal(6)


# -- the assessment point: the figure to one decimal place -------------------------------------------


def test_the_year_ends_at_the_end_of_the_term_the_induction_figure_reaches_three_to_one_place_guidance_2_34():
    # 1 Sep 2025-9 Jan 2026 is 1.057 (kept as 1.1); from 1 May 2026, 18 Dec 2026 adds 1.876
    # (kept as 1.9). The induction's figure on 18 Dec is 1.1 + 1.9 = 3.0, so year 1 ends
    # there, though the exact total (2.93) would only reach 3 in January.
    facts = induction(post(START_DAY, date(2026, 1, 9), "ab1"), post(date(2026, 5, 1), None, "ab2"))
    on_the_day = timeline(facts, date(2026, 12, 18))
    assert on_the_day.period_terms == (Decimal("1.1"), Decimal("1.9"))
    assert on_the_day.terms_served == Decimal("3.0")
    assert on_the_day.plan.points[0].on == date(2026, 12, 18)
    assert on_the_day.year_two_starts == date(2026, 12, 19)

    # the other way round: 1.04 (kept as 1.0) and 1.92 (kept as 1.9) are 2.9 at the end of the
    # autumn term, though the exact total (2.96) rounds to 3.0: year 1 ends when 3 is served
    facts = induction(post(START_DAY, date(2026, 1, 7), "ab1"), post(date(2026, 4, 27), None, "ab2"))
    short = timeline(facts, date(2026, 12, 18))
    assert short.terms_served == Decimal("2.9")
    assert short.plan.points[0].on == date(2027, 1, 7)
    assert timeline(facts, date(2027, 1, 7)).terms_served == Decimal("3.0")


def test_a_final_figure_reached_to_one_place_at_the_end_of_the_last_term_in_post_is_assessed_then_2_34_2_60():
    # started on Wednesday 3 Sep, left at the end of the summer term 2027: 5.98 terms, kept as
    # 6.0 and recorded as complete; the exact 6 is never reached, yet the final assessment
    # is owed on the last day (and no interim assessment in its place)
    facts = InductionFacts((post(date(2025, 9, 3), date(2027, 7, 16)),), (FteChange(date(2025, 9, 3), 1.0),))
    t = timeline(facts, date(2027, 7, 16))
    assert t.terms_served == t.terms_required == Decimal("6.0")
    assert kinds(t.reports) == [(1, "R"), (2, "R"), (3, "A"), (4, "R"), (5, "R"), (6, "AF")]
    final = t.final_assessment
    assert final is not None and final.held_on == date(2027, 7, 16)


# -- extensions move the years (3.6-3.8) -----------------------------------------------------------


def test_absences_reaching_30_days_extend_the_year_and_every_later_absence_in_it_extends_it_further_3_6():
    below = timeline(full_time(absences=(AbsenceFact(date(2025, 11, 3), 20, SICK),
                                         AbsenceFact(date(2026, 2, 2), 9.5, SICK))))
    assert below.terms_required == Decimal(6) and below.year_two_starts == date(2026, 7, 18)
    assert below.counted_absence_days(1) == 29.5

    thirty = timeline(full_time(absences=(AbsenceFact(date(2025, 11, 3), 30, SICK),)))
    # 30 days is 0.5 terms: year 1 ends at 3.5, on 25 Oct 2026 (1.0 + 0.5 of autumn's 109 days
    # is 55 days from 1 Sep), and year 2 follows it
    assert thirty.year_two_starts == date(2026, 10, 26)
    assert thirty.terms_required == Decimal("6.5")

    forty = timeline(full_time(absences=(AbsenceFact(date(2025, 11, 3), 30, SICK),
                                         AbsenceFact(date(2026, 2, 2), 10, SICK))))
    # the ten days after the threshold add: 40 days is 0.7 terms
    assert forty.terms_required == Decimal("6.7")
    assert forty.year_two_starts > thirty.year_two_starts
    assert forty.year_two_starts == date(2026, 11, 17)
    line = next(x for x in forty.breakdown()["required"] if x["source"] == "absence")
    assert (line["induction_year"], line["days"], line["terms"]) == (1, 40.0, 0.7)
    # the extended year's assessment is held at its new point, and the final one moves too
    assert [r.held_on for r in assessments(forty)] == [date(2026, 11, 16), date(2027, 11, 15)]


def test_absences_in_different_years_are_counted_apart_guidance_3_6():
    t = timeline(full_time(absences=(AbsenceFact(date(2025, 11, 3), 20, SICK),
                                     AbsenceFact(date(2026, 11, 2), 20, SICK))))
    assert (t.counted_absence_days(1), t.counted_absence_days(2)) == (20, 20)
    assert t.terms_required == Decimal(6)


def test_statutory_leave_extends_the_year_it_fell_in_only_when_the_ect_chooses_to_guidance_3_7():
    leave = AbsenceFact(date(2026, 1, 5), 60, MATERNITY)
    without = timeline(full_time(absences=(leave,)))
    # sixty days of maternity leave never count towards the threshold
    assert without.counted_absence_days(1) == 0
    assert without.terms_required == Decimal(6) and without.year_two_starts == date(2026, 7, 18)

    chose = timeline(full_time(absences=(leave,), leave_extensions=(LeaveExtension(date(2026, 3, 2), 40),)))
    assert chose.terms_required == Decimal("6.7")
    assert chose.year_two_starts == date(2026, 11, 17)
    line = next(x for x in chose.breakdown()["required"] if x["source"] == "statutory_leave")
    assert (line["induction_year"], line["days"]) == (1, 40.0)

    # leave in year 1, the choice made in year 2: it is year 1 that is extended
    late_choice = timeline(full_time(absences=(AbsenceFact(date(2026, 6, 1), 60, MATERNITY),),
                                     leave_extensions=(LeaveExtension(date(2026, 9, 7), 40),)))
    assert late_choice.year_two_starts == date(2026, 11, 17)

    # leave in year 2: year 1 ends where it did, year 2 is longer
    in_year_two = timeline(full_time(absences=(AbsenceFact(date(2026, 11, 2), 60, MATERNITY),),
                                     leave_extensions=(LeaveExtension(date(2026, 11, 2), 40),)))
    assert in_year_two.year_two_starts == date(2026, 7, 18)
    assert [r.held_on for r in assessments(in_year_two)] == [date(2026, 7, 17), date(2027, 11, 15)]
    assert next(x for x in in_year_two.plan.extensions if x.source == "statutory_leave").induction_year == 2


def test_an_absence_in_the_extended_year_one_is_in_year_one_and_coaching_stays_weekly_guidance_3_6():
    # 30 days' absence in autumn 2025 moves the end of year 1 to 25 Oct 2026, so an absence on
    # 5 Oct 2026 (year 2 without it) is in year 1, and adds to its total
    later = AbsenceFact(date(2026, 10, 5), 2, SICK)
    t = timeline(full_time(absences=(AbsenceFact(date(2025, 11, 3), 30, SICK), later)))
    assert t.year_two_starts == date(2026, 10, 26)  # 32 days is still 0.5 terms
    assert t.year_of_absence(later.first_day) == 1
    assert [a.induction_year for a in t.plan.absences] == [1, 1]
    assert t.counted_absence_days(1) == 32

    # coaching: the eight teaching weeks of September and October 2026 are still weekly
    weeks = t.sessions_expected(date(2026, 10, 23)) - t.sessions_expected(date(2026, 8, 31))
    assert weeks == 8
    assert t.plan.coaching.expected(date(2026, 10, 23)) - t.plan.coaching.expected(date(2026, 8, 31)) == 8
    # without the extension year 2 began in July: the same weeks are fortnightly
    plain = timeline(full_time())
    assert plain.sessions_expected(date(2026, 10, 23)) - plain.sessions_expected(date(2026, 8, 31)) == 4
    # and after the extended year ends, fortnightly
    assert t.sessions_expected(date(2026, 12, 18)) - t.sessions_expected(date(2026, 10, 30)) == 3


def test_a_reduction_to_one_term_owes_only_the_final_assessment_guidance_3_2_to_3_4():
    t = timeline(full_time(reductions=(TermsDecision(Decimal(5), START_DAY),)))
    assert t.terms_required == Decimal(1)
    assert kinds(t.reports) == [(1, "AF")]
    assert t.reports[0].held_on == date(2025, 12, 19) and t.reports[0].due_on == date(2026, 1, 7)
    assert t.plan.year_starts == {1: START_DAY}
    line = next(x for x in t.breakdown()["required"] if x["source"] == "reduction")
    assert line["terms"] == -5.0

    # never below one term, however the reductions add up
    floored = timeline(full_time(reductions=(TermsDecision(Decimal(4), START_DAY),
                                             TermsDecision(Decimal("1.5"), START_DAY + timedelta(days=1)))))
    assert floored.terms_required == Decimal(1)
    assert kinds(floored.reports) == [(1, "AF")]

    # reduced to four terms: year 1 is still three, the final assessment at four
    four = timeline(full_time(reductions=(TermsDecision(Decimal(2), START_DAY),)))
    assert kinds(four.reports) == [(1, "R"), (2, "R"), (3, "A"), (4, "AF")]
    assert four.final_assessment is not None and four.final_assessment.held_on == date(2026, 12, 18)


def test_an_ab_extension_adds_a_new_final_assessment_at_its_end_guidance_3_8():
    facts = full_time(extensions=(TermsDecision(Decimal(1), date(2027, 7, 20)),))
    t = timeline(facts)
    assert t.terms_required == Decimal(7)
    assert kinds(t.reports) == [(1, "R"), (2, "R"), (3, "A"), (4, "R"), (5, "R"), (6, "A"), (7, "AF")]
    # the end-of-year-2 assessment stays owed, no longer final; the new final one is a term on
    year_two, final = assessments(t)[1:]
    assert (year_two.held_on, year_two.final) == (date(2027, 7, 16), False)
    assert (final.held_on, final.final) == (date(2027, 12, 17), True)
    assert t.extension_starts == date(2027, 7, 17)
    assert t.induction_year_at(date(2027, 9, 1)) == 3
    # the breakdown explains it (it used to raise TypeError formatting the days it has not got)
    line = next(x for x in t.breakdown()["required"] if x["source"] == "appropriate_body")
    assert (line["terms"], line["decided_on"]) == (1.0, "2027-07-20")

    # a second extension: a new final assessment again, the one before it not final
    twice = timeline(full_time(extensions=(TermsDecision(Decimal(1), date(2027, 7, 20)),
                                           TermsDecision(Decimal("0.5"), date(2027, 12, 20)))))
    assert [r.final for r in assessments(twice)] == [False, False, False, True]
    assert twice.terms_required == Decimal("7.5")


# -- reviews and assessments follow the clock (2.49-2.63) -------------------------------------------


def test_a_mid_term_start_has_its_first_review_by_the_middle_of_the_following_term_guidance_2_49():
    start = date(2025, 10, 6)
    t = timeline(InductionFacts((post(start),), (FteChange(start, 1.0),)))
    first = t.reports[0]
    assert (first.kind, first.term_number, first.term_label) == (PROGRESS_REVIEW, 1, "2025-autumn")
    # spring 2026 is 5 Jan-2 Apr: its middle, 17 Feb, is in the half-term (16-20 Feb), so the
    # review is held on the last school day before it
    assert first.held_on == date(2026, 2, 13)

    # a start in the term's first week is not mid-term: the first review ends the term
    early = timeline(InductionFacts((post(date(2025, 9, 3)),), (FteChange(date(2025, 9, 3), 1.0),)))
    assert early.reports[0].held_on == date(2025, 12, 19)


def test_a_post_that_counts_for_nothing_does_not_move_the_first_review_of_a_mid_term_start_2_33_2_49():
    # six weeks in autumn 2025 that count for nothing, then a post from Monday 2 Feb 2026: the
    # induction starts mid-spring, so its first review is by the middle of summer (20 Apr-17 Jul:
    # 3 Jun), as it would be without the six weeks
    later = post(date(2026, 2, 2), None, "ab1", "s2")
    with_six_weeks = timeline(induction(post(START_DAY, date(2025, 10, 10)), later))
    alone = timeline(InductionFacts((later,), (FteChange(date(2026, 2, 2), 1.0),)))
    assert with_six_weeks.reports[0].held_on == alone.reports[0].held_on == date(2026, 6, 3)
    assert with_six_weeks.reports == alone.reports


def test_a_review_due_less_than_a_term_before_an_assessment_is_not_held_guidance_2_49():
    # from 6 Oct 2025, three terms are served on 5 Oct 2026: the summer 2026 review would come
    # less than a term before that assessment, so it is dropped (and likewise summer 2027)
    start = date(2025, 10, 6)
    t = timeline(InductionFacts((post(start),), (FteChange(start, 1.0),)))
    assert kinds(t.reports) == [(1, "R"), (2, "R"), (4, "A"), (5, "R"), (7, "AF")]
    assert [r.held_on for r in assessments(t)] == [date(2026, 10, 5), date(2027, 10, 5)]


def test_a_formal_assessment_is_due_10_working_days_after_the_point_guidance_2_61():
    t = timeline(full_time())
    # Friday 17 Jul 2026 -> Friday 31 Jul 2026; Friday 16 Jul 2027 -> Friday 30 Jul 2027
    assert [(r.held_on, r.due_on) for r in assessments(t)] == [
        (date(2026, 7, 17), date(2026, 7, 31)), (date(2027, 7, 16), date(2027, 7, 30))]
    assert all(r.postponed_until is None for r in t.reports)


def test_an_assessment_is_postponed_while_the_ect_is_absent_and_due_after_return_guidance_2_56():
    # ten working days off from Monday 13 Jul 2026 (back on 27 Jul, in the holidays): the
    # year-1 assessment is held on the first teaching day, 1 Sep, due ten working days later
    t = timeline(full_time(absences=(AbsenceFact(date(2026, 7, 13), 10, SICK),)))
    year_one = assessments(t)[0]
    assert year_one.held_on == date(2026, 7, 17)
    assert year_one.postponed_until == date(2026, 9, 1)
    assert year_one.due_on == date(2026, 9, 15)
    # the absence moves the meeting, not the year: year 2 still starts the day after the point
    assert t.year_two_starts == date(2026, 7, 18)

    # with year 1 extended to Sunday 25 Oct 2026, the meeting is on the next school day after
    # the half-term (26-30 Oct), Monday 2 Nov; three days off from then hold it on return,
    # Thursday 5 Nov, due 10 working days later
    extended = timeline(full_time(absences=(AbsenceFact(date(2025, 11, 3), 30, SICK),
                                            AbsenceFact(date(2026, 11, 2), 3, SICK))))
    year_one = assessments(extended)[0]
    assert (year_one.held_on, year_one.postponed_until) == (date(2026, 11, 2), date(2026, 11, 5))
    assert year_one.due_on == date(2026, 11, 19)

    # back in the half-term is back on the first teaching day after it: a mid-term starter's
    # first review, held on Friday 13 Feb 2026 before the half-term (16-20 Feb), with two days
    # off from Thursday 12 Feb, waits for Monday 23 Feb, not Monday 16 Feb in the half-term
    start = date(2025, 10, 6)
    late = timeline(InductionFacts((post(start),), (FteChange(start, 1.0),),
                                   (AbsenceFact(date(2026, 2, 12), 2, SICK),))).reports[0]
    assert (late.held_on, late.postponed_until, late.due_on) == (
        date(2026, 2, 13), date(2026, 2, 23), date(2026, 3, 9))

    # a review too: off 15-19 Dec 2025, the autumn review waits for 5 Jan 2026
    review = timeline(full_time(absences=(AbsenceFact(date(2025, 12, 15), 5, SICK),))).reports[0]
    assert (review.kind, review.held_on, review.postponed_until) == (
        PROGRESS_REVIEW, date(2025, 12, 19), date(2026, 1, 5))
    assert review.due_on == date(2026, 1, 19)


def test_a_move_after_a_term_owes_an_interim_assessment_with_induction_served_and_days_absent_2_62_2_63():
    changes = [PostChange(START, START_DAY, "ab1", "s1"),
               PostChange(TRANSFER, date(2026, 3, 2), school_id="s2"),
               PostChange(TRANSFER, date(2026, 11, 2), school_id="s3")]
    periods = service_periods(changes, lambda school: CAL)
    absences = (AbsenceFact(date(2025, 11, 10), 3, SICK), AbsenceFact(date(2026, 2, 2), 2, SICK),
                AbsenceFact(date(2026, 7, 1), 2, SICK), AbsenceFact(date(2026, 9, 14), 4, SICK))
    t = timeline(InductionFacts(periods, (FteChange(START_DAY, 1.0),), absences))
    interims = [r for r in t.reports if r.kind == INTERIM_ASSESSMENT]

    # leaving s1 on Sunday 1 Mar 2026 (the move is on Monday 2 Mar), the meeting on the last
    # school day there, Friday 27 Feb: autumn's 1.0 and 56 of spring's 88 days, 1.6 in all,
    # and the 5 days absent since the induction began
    first = interims[0]
    assert (first.school_id, first.term_number, first.held_on) == ("s1", 2, date(2026, 2, 27))
    assert (first.terms_served, first.days_absent) == (Decimal("1.6"), 5)
    assert first.due_on == date(2026, 3, 13)
    # leaving s2 on 1 Nov 2026, after the year-1 assessment of 17 Jul: only the 4 days since
    # then; served: 1.6 at s1, and 2 Mar-1 Nov at s2 (32/88 + 1 + 62/109 = 1.93, kept as 1.9);
    # the meeting on the last school day there, Friday 23 Oct, before the half-term
    second = interims[1]
    assert (second.school_id, second.held_on) == ("s2", date(2026, 10, 23))
    assert (second.terms_served, second.days_absent) == (Decimal("3.5"), 4)
    # the term they leave in is still reviewed at its end, by the school they moved to
    review = next(r for r in t.reports if r.kind == PROGRESS_REVIEW and r.term_number == 2)
    assert (review.school_id, review.held_on) == ("s2", date(2026, 4, 2))


def test_no_interim_assessment_for_a_post_shorter_than_a_term_guidance_2_62():
    changes = [PostChange(START, START_DAY, "ab1", "s1"),
               PostChange(TRANSFER, date(2025, 10, 13), school_id="s2")]
    t = timeline(InductionFacts(service_periods(changes, lambda school: CAL), (FteChange(START_DAY, 1.0),)))
    assert not [r for r in t.reports if r.kind == INTERIM_ASSESSMENT]
    # the six weeks are part of one run of continuous employment, so they count
    assert t.period_terms[0] == Decimal("0.4")
    assert kinds(t.reports)[:3] == [(1, "R"), (2, "R"), (3, "A")]


def test_a_release_over_the_holidays_has_its_interim_assessment_on_the_last_day_of_term_guidance_2_62():
    t = timeline(induction(post(START_DAY, date(2025, 12, 31))))
    assert kinds(t.reports) == [(1, "I")]
    assert t.reports[0].held_on == date(2025, 12, 19)


def test_a_formal_assessment_in_the_term_they_leave_covers_the_interim_assessment_guidance_2_62():
    # leaving on 24 Jul 2026, a week after the year-1 assessment of 17 Jul
    t = timeline(induction(post(START_DAY, date(2026, 7, 24))))
    assert kinds(t.reports) == [(1, "R"), (2, "R"), (3, "A")]


# -- posts, schools and calendars --------------------------------------------------------------------


def test_past_service_stays_on_the_calendar_it_was_served_on_after_a_transfer_statutory_rule_1():
    # at the early-autumn school 1 Sep-30 Nov (91 of its 103 autumn days: 0.88, kept as 0.9;
    # on the default dates it would be 91/110 = 0.8), then from 1 Dec on the default calendar
    # (1-19 Dec, 19 of 110 days: 0.2)
    changes = [PostChange(START, START_DAY, "ab1", "early"),
               PostChange(TRANSFER, date(2025, 12, 1), school_id="plain")]
    periods = service_periods(changes, lambda school: EARLY_AUTUMN if school == "early" else CAL)
    assert [p.calendar for p in periods] == [EARLY_AUTUMN, CAL]
    t = timeline(InductionFacts(periods, (FteChange(START_DAY, 1.0),)), date(2025, 12, 19))
    assert t.period_terms == (Decimal("0.9"), Decimal("0.2"))
    assert t.terms_served == Decimal("1.1")
    # the first post's figure does not change as the second goes on
    later = timeline(InductionFacts(periods, (FteChange(START_DAY, 1.0),)), date(2026, 7, 17))
    assert later.period_terms[0] == Decimal("0.9")
    # one autumn term, whichever calendar: it ends on the later school's last day
    assert (t.terms[0].label, t.terms[0].end) == ("2025-autumn", date(2025, 12, 19))


def test_service_periods_split_transfers_and_releases_into_posts_on_each_schools_calendar():
    calendars = {"sA": EARLY_AUTUMN, "sB": CAL, "sC": CAL}
    changes = [
        PostChange(START, START_DAY, "ab1", "sA"),
        PostChange(TRANSFER, date(2026, 1, 5), school_id="sB"),
        PostChange(END, date(2026, 7, 17), recorded_terms=Decimal("2.9")),
        PostChange(START, date(2026, 9, 1), "ab2", "sC"),
    ]
    periods = service_periods(changes, calendars.__getitem__)
    assert periods == (
        ServicePeriod(START_DAY, EARLY_AUTUMN, date(2026, 1, 4), "ab1", "sA"),
        ServicePeriod(date(2026, 1, 5), CAL, date(2026, 7, 17), "ab1", "sB", Decimal("2.9")),
        ServicePeriod(date(2026, 9, 1), CAL, None, "ab2", "sC"),
    )
    # the AB's recorded figure is the period's (2.31)
    t = timeline(InductionFacts(periods, (FteChange(START_DAY, 1.0),)), date(2026, 9, 30))
    assert t.period_terms[:2] == (Decimal("1.0"), Decimal("2.9"))

    # a claim without a release closes the open post the day before
    reclaimed = service_periods([PostChange(START, START_DAY, "ab1", "sA"),
                                 PostChange(START, date(2026, 1, 5), "ab2", "sB")], calendars.__getitem__)
    assert [(p.start, p.end, p.appropriate_body_id) for p in reclaimed] == [
        (START_DAY, date(2026, 1, 4), "ab1"), (date(2026, 1, 5), None, "ab2")]

    # a transfer on the first day in post: the post is the new school's, on its calendar
    moved = service_periods([PostChange(START, START_DAY, "ab1", "sA"),
                             PostChange(TRANSFER, START_DAY, school_id="sB")], calendars.__getitem__)
    assert moved == (ServicePeriod(START_DAY, CAL, None, "ab1", "sB"),)
