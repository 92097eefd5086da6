"""The end of induction's clocks (``statutory.end_of_induction``) against a plain day-by-day
reference: from the day a step happens, walk forward a day at a time and count each weekday
that is not a bank holiday in England (statutory rule 13), from a hand-kept list of those
holidays for 2025-2028 (independent of the ``holidays`` package the kernel uses), until the
step's number of working days is reached.

Every example is derandomised, so CI sees the same ones on every run.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from statutory.calendar import SchoolCalendar
from statutory.end_of_induction import (
    appeal_due_by,
    appealable,
    decision_due_by,
    end_of_induction_clocks,
    is_late,
    notice_due_by,
    notice_recipients,
    recipients_owed,
    recommendation_due_by,
    representations_due_by,
)
from statutory.service import START, PostChange, service_periods
from statutory.terms_served import FteChange
from statutory.timeline import InductionFacts, induction_timeline

CHECK = settings(max_examples=200, deadline=None, derandomize=True)

# England and Wales bank holidays, with the substitute days when one falls at a weekend
BANK_HOLIDAYS = frozenset({
    date(2025, 1, 1), date(2025, 4, 18), date(2025, 4, 21), date(2025, 5, 5), date(2025, 5, 26),
    date(2025, 8, 25), date(2025, 12, 25), date(2025, 12, 26),
    date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 4), date(2026, 5, 25),
    date(2026, 8, 31), date(2026, 12, 25), date(2026, 12, 28),
    date(2027, 1, 1), date(2027, 3, 26), date(2027, 3, 29), date(2027, 5, 3), date(2027, 5, 31),
    date(2027, 8, 30), date(2027, 12, 27), date(2027, 12, 28),
    date(2028, 1, 3), date(2028, 4, 14), date(2028, 4, 17), date(2028, 5, 1), date(2028, 5, 29),
    date(2028, 8, 28), date(2028, 12, 25), date(2028, 12, 26),
})

# days around every Christmas and Easter in the list are drawn often, so the walk crosses them
days = st.one_of(
    st.dates(date(2025, 1, 1), date(2028, 10, 31)),
    st.sampled_from(sorted(BANK_HOLIDAYS)).flatmap(
        lambda h: st.integers(-12, 2).map(lambda k: h + timedelta(days=k))).filter(
        lambda d: date(2025, 1, 1) <= d <= date(2028, 10, 31)),
)  # 20 working days on from the last day stays inside the list


def reference(start: date, working_days: int) -> date:
    day, counted = start, 0
    while counted < working_days:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in BANK_HOLIDAYS:
            counted += 1
    return day


@CHECK
@given(days)
def test_the_recommendation_is_due_10_working_days_after_completion_statutory_rule_8_guidance_2_65(
        completed_on: date) -> None:
    assert recommendation_due_by(completed_on) == reference(completed_on, 10)


@CHECK
@given(days)
def test_representations_are_due_10_working_days_after_the_recommendation_regulation_11_4(
        received_on: date) -> None:
    assert representations_due_by(received_on) == reference(received_on, 10)


@CHECK
@given(days)
def test_the_decision_is_due_20_working_days_after_the_recommendation_regulation_11_5_guidance_2_67(
        received_on: date) -> None:
    assert decision_due_by(received_on) == reference(received_on, 20)


@CHECK
@given(days)
def test_notice_is_due_3_working_days_after_the_decision_regulation_11_guidance_2_69(
        decided_on: date) -> None:
    assert notice_due_by(decided_on) == reference(decided_on, 3)


@CHECK
@given(days)
def test_an_appeal_is_due_20_working_days_after_the_notice_regulation_14(notice_on: date) -> None:
    assert appeal_due_by(notice_on) == reference(notice_on, 20)


@CHECK
@given(days, st.integers(-5, 5))
def test_a_step_on_its_last_day_is_on_time_and_after_it_late_statutory_rule_8(
        received_on: date, offset: int) -> None:
    due = representations_due_by(received_on)
    done = due + timedelta(days=offset)
    assert is_late(done, due) == (offset > 0)


@CHECK
@given(days, days, days, st.sampled_from(["passed", "failed", "extended"]))
def test_every_clock_runs_from_its_own_step_and_the_appeal_only_after_a_fail_or_extension(
        completed_on: date, received_on: date, decided_on: date, decision: str) -> None:
    notice_on = decided_on + timedelta(days=2)
    clocks = end_of_induction_clocks(completed_on=completed_on, recommendation_received_on=received_on,
                                     decided_on=decided_on, decision=decision, notice_on=notice_on)
    assert clocks.recommendation_due_by == reference(completed_on, 10)
    assert clocks.representations_due_by == reference(received_on, 10)
    assert clocks.decision_due_by == reference(received_on, 20)
    assert clocks.notice_due_by == reference(decided_on, 3)
    expected_appeal = reference(notice_on, 20) if decision != "passed" else None
    assert clocks.appeal_due_by == expected_appeal


def test_no_clock_runs_before_its_step_has_happened_statutory_rule_8() -> None:
    clocks = end_of_induction_clocks(completed_on=date(2026, 7, 17))
    assert clocks.recommendation_due_by == date(2026, 7, 31)
    assert (clocks.representations_due_by, clocks.decision_due_by, clocks.notice_due_by,
            clocks.appeal_due_by) == (None, None, None, None)


def test_notice_of_a_fail_or_an_extension_goes_to_the_tra_too_guidance_2_69() -> None:
    assert notice_recipients("passed") == ("ect", "headteacher", "employer")
    assert notice_recipients("failed") == ("ect", "headteacher", "employer", "tra")
    assert notice_recipients("extended") == ("ect", "headteacher", "employer", "tra")
    assert recipients_owed("failed", {"ect", "tra"}) == ("headteacher", "employer")
    assert not appealable("passed")
    assert appealable("failed") and appealable("extended")


def test_notice_of_a_decision_on_christmas_eve_skips_the_bank_holidays_guidance_2_69() -> None:
    # Thursday 24 Dec 2026: Friday 25, Monday 28 (Boxing Day's substitute) do not count
    assert notice_due_by(date(2026, 12, 24)) == date(2026, 12, 31)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.dates(date(2024, 9, 1), date(2026, 6, 30)), st.sampled_from([1.0, 0.8, 0.5]))
def test_the_recommendation_is_due_when_the_clock_says_the_final_assessment_is_regulation_11_3(
        start: date, fte: float) -> None:
    """One clock: the headteacher's recommendation comes with the final assessment, and the
    kernel's timeline gives that report the same last day as ``recommendation_due_by``."""
    posts = service_periods([PostChange(START, start, "ab-1", "100001")], lambda school: SchoolCalendar())
    timeline = induction_timeline(InductionFacts(posts, (FteChange(start, fte),)), start)
    final = timeline.final_assessment
    assert final is not None
    assert final.due_on == recommendation_due_by(final.postponed_until or final.held_on)
