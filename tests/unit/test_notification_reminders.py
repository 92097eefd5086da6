"""When time-driven reminders fire, worked day by day with a controllable "today" (no I/O).

``fired`` plays the scheduler's part over a range of days: each day it asks what is due
and keeps each notification id the first day it appears, as the database's
ON CONFLICT DO NOTHING does. So "fires once, on the right day" is literally what is checked.

England default calendar, 2025/26: autumn 1 Sep-19 Dec 2025 (half-term 27-31 Oct), spring
5 Jan-2 Apr 2026, summer 20 Apr-17 Jul 2026.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from contracts import Role
from contracts.reporting.v1 import TermReportKind
from contracts.scheduling.v1 import AbsenceReason, AbsenceThresholdReached
from notifications.induction import AbsenceEntry, FteEntry, InductionState, PostEntry, SubmittedReport, evolve
from notifications.message import Notification, Rule
from notifications.policy import Policy
from notifications.reminders import Deadline, current_occasion, reminders_for
from statutory.absence import AbsenceFact
from statutory.absence import AbsenceReason as Reason
from statutory.calendar import SchoolCalendar
from statutory.service import PostChange, service_periods
from statutory.terms_served import FteChange
from statutory.timeline import InductionFacts, LeaveExtension, Timeline, induction_timeline
from tests.unit.test_notification_induction import (
    absence,
    claimed,
    fold,
    leave_extension,
    registered,
    released,
    report,
    transferred,
)
from tests.unit.test_notification_rules import envelope

CAL = SchoolCalendar()
CALENDARS: dict[str, SchoolCalendar] = {}  # every school on England's default dates
ECT = UUID("00000000-0000-4000-8000-00000000e001")
MENTOR = "00000000-0000-4000-8000-00000000a001"
START = date(2025, 9, 1)
POLICY = Policy(hub_lead_ids=("lead-1",))
REVIEW, ASSESSMENT, INTERIM = "progress_review", "formal_assessment", "interim_assessment"


START_POST, TRANSFER_POST, END_POST = "start", "transfer", "end"


def clock(posts: list[tuple[str, date] | tuple[str, date, str, str]], fte: float = 1.0,
          **facts: Any) -> Timeline:
    """The induction clock itself, from facts built here as every service builds them."""
    changes = [PostChange(*change) for change in posts]
    return induction_timeline(InductionFacts(service_periods(changes, lambda school: CAL),
                                             (FteChange(changes[0].on, fte),), **facts), date(2025, 9, 1))


def post(kind: str, on: date, ab: str = "ab-1", school: str = "100001", tutor: str = "tutor-1") -> PostEntry:
    ending = kind == "end"
    return PostEntry(kind=kind, on=on, appropriate_body_id=ab if kind == "start" else "",
                     school_id="" if ending else school, induction_tutor_id=None if ending else tutor)


def reviewed(*terms: int, kind: str = REVIEW) -> list[SubmittedReport]:
    return [SubmittedReport(kind=kind, term_number=term, submitted_on=START) for term in terms]


def ect(*, posts: list[PostEntry] | None = None, fte: float = 1.0, sessions: int = 100,
        **fields: Any) -> InductionState:
    """A full-timer from 1 Sep 2025 claimed by ab-1 at school 100001, coached on time (unless
    told otherwise): ``sessions`` held on the first day."""
    values: dict[str, Any] = {
        "ect_id": ECT, "name": "Ada Lovelace", "trn": "1234567",
        "posts": posts if posts is not None else [post("start", START)], "mentor_id": MENTOR,
        "fte_history": [FteEntry(effective_from=START, fte=fte)], "sessions_on": [START] * sessions,
    }
    values.update(fields)
    return InductionState(**values)


def days(first: date, last: date) -> Iterable[date]:
    return (first + timedelta(days=n) for n in range((last - first).days + 1))


def fired(state: InductionState | Callable[[date], InductionState], first: date, last: date,
          policy: Policy = POLICY, rules: set[Rule] | None = None,
          on: Iterable[date] | None = None) -> list[tuple[date, Notification]]:
    """(day first recorded, notification) for every notification the days call for, in order."""
    seen: dict[UUID, tuple[date, Notification]] = {}
    for today in on if on is not None else days(first, last):
        current = state(today) if callable(state) else state
        for notification in reminders_for(current, CALENDARS, today, policy):
            if rules is None or notification.rule in rules:
                seen.setdefault(notification.id, (today, notification))
    return sorted(seen.values(), key=lambda item: (item[0], item[1].rule, item[1].recipient_id))


def schedule(items: list[tuple[date, Notification]]) -> list[tuple[date, str, str]]:
    return [(day, n.rule.value, n.recipient_id) for day, n in items]


# -- reviews and assessments --------------------------------------------------------------


def test_the_tutor_is_reminded_a_week_before_the_day_before_on_the_day_then_weekly_while_overdue():
    sent = fired(ect(), date(2025, 12, 1), date(2026, 1, 10), rules={Rule.REPORT_DUE})
    # the term-1 progress review is due Friday 19 December 2025, the last day of term
    assert [(day, recipient) for day, _, recipient in schedule(sent)] == [
        (date(2025, 12, 12), "tutor-1"), (date(2025, 12, 18), "tutor-1"), (date(2025, 12, 19), "tutor-1"),
        (date(2025, 12, 26), "tutor-1"), (date(2026, 1, 2), "tutor-1"), (date(2026, 1, 9), "tutor-1"),
    ]
    assert {n.due_on for _, n in sent} == {date(2025, 12, 19)}


def test_each_reminder_says_what_is_due_and_by_when_in_words_true_on_the_day_it_is_sent():
    sent = fired(ect(), date(2025, 12, 12), date(2025, 12, 26), rules={Rule.REPORT_DUE})
    week, day_before, on_the_day, overdue = (n for _, n in sent)
    assert week.subject == "The progress review for term 1 is due (due Friday 19 December 2025)"
    assert ("progress review for term 1 of Ada Lovelace (TRN 1234567) is due in 7 days, on Friday "
            "19 December 2025" in week.body)
    assert "due tomorrow, Friday 19 December 2025" in day_before.body
    assert "due today, Friday 19 December 2025" in on_the_day.body
    assert overdue.subject.startswith("The progress review for term 1 is overdue")
    assert "on Friday 19 December 2025, 7 days ago" in overdue.body


def test_the_appropriate_body_is_told_once_the_day_after_a_report_is_late():
    sent = fired(ect(), date(2025, 12, 1), date(2026, 2, 1), rules={Rule.REPORT_LATE})
    assert schedule(sent) == [(date(2025, 12, 20), "report_late", "ab-1")]
    assert "has not been submitted" in sent[0][1].body


def test_a_submitted_report_is_no_longer_reminded_of():
    def state(today: date) -> InductionState:
        return ect(reports=reviewed(1) if today >= date(2025, 12, 18) else [])

    sent = fired(state, date(2025, 12, 1), date(2026, 1, 31), rules={Rule.REPORT_DUE, Rule.REPORT_LATE})
    assert [day for day, _, _ in schedule(sent)] == [date(2025, 12, 12)]


def test_a_formal_assessment_is_reminded_of_against_its_ten_working_day_deadline():
    # term 3 ends Friday 17 July 2026; the assessment reaches the AB by Friday 31 July 2026
    state = ect(reports=reviewed(1, 2))
    sent = fired(state, date(2026, 7, 1), date(2026, 8, 1), rules={Rule.REPORT_DUE})
    assert [day for day, _ in sent] == [date(2026, 7, 24), date(2026, 7, 30), date(2026, 7, 31)]
    assert sent[0][1].subject.startswith("The formal assessment for term 3 is due")


def test_a_scheduler_that_was_down_sends_the_latest_reminder_only_not_a_backlog():
    sent = fired(ect(), date(2025, 12, 1), date(2025, 12, 31), rules={Rule.REPORT_DUE},
                 on=[date(2025, 12, 10), date(2025, 12, 19), date(2025, 12, 20)])
    assert [(day, n.occasion) for day, n in sent] == [(date(2025, 12, 19), "on-the-day@2025-12-19")]


def test_no_reminder_is_sent_for_an_occasion_before_the_ab_claimed_the_ect():
    # ab-0 released the ECT on Friday 12 December, ab-1 claimed them on Monday 15th: one run
    # of employment, so the autumn term is ab-1's term 1, its review due on the 19th
    state = ect(posts=[post("start", START, ab="ab-0", tutor="tutor-0"), post("end", date(2025, 12, 12)),
                       post("start", date(2025, 12, 15))])
    sent = fired(state, date(2025, 12, 1), date(2025, 12, 20), rules={Rule.REPORT_DUE})
    assert [day for day, _ in sent] == [date(2025, 12, 18), date(2025, 12, 19)]


def test_reminder_timing_is_configurable():
    policy = Policy(days_before=(3,), overdue_every_days=14)
    sent = fired(ect(), date(2025, 12, 1), date(2026, 1, 20), policy=policy, rules={Rule.REPORT_DUE})
    assert [day for day, _ in sent] == [date(2025, 12, 16), date(2026, 1, 2), date(2026, 1, 16)]


def test_a_part_timer_is_reminded_of_a_review_every_term_statutory_rule_5():
    state = ect(fte=0.5, reports=reviewed(1, 2))
    (first, _), *_ = fired(state, date(2026, 7, 1), date(2026, 7, 31), rules={Rule.REPORT_DUE})
    # at 0.5 FTE term 3 is a progress review due on its last day, not a formal assessment
    assert first == date(2026, 7, 10)


def test_an_ect_who_leaves_owes_an_interim_assessment_on_the_clocks_date_statutory_rule_7():
    # Old expectation: due on the last day in post, a date notifications derived itself; now the
    # clock's (statutory.timeline), held on the last day in post (2.62)
    state = ect(posts=[post("start", START), post("end", date(2026, 2, 13))], reports=reviewed(1))
    (interim,) = [r for r in clock([(START_POST, START), (END_POST, date(2026, 2, 13))]).reports
                  if r.kind == INTERIM]
    assert interim.held_on == date(2026, 2, 13)
    due = interim.due_on
    sent = fired(state, date(2026, 2, 1), due + timedelta(days=8), rules={Rule.REPORT_DUE, Rule.REPORT_LATE})
    week = timedelta(days=7)
    assert schedule(sent) == [
        (due - week, "report_due", "tutor-1"), (due - timedelta(days=1), "report_due", "tutor-1"),
        (due, "report_due", "tutor-1"), (due + timedelta(days=1), "report_late", "ab-1"),
        (due + week, "report_due", "tutor-1"),
    ]
    assert "the interim assessment" in sent[0][1].body.lower()
    assert {n.due_on for _, n in sent} == {due}


def test_nothing_is_due_once_the_induction_has_an_outcome_or_the_ab_released_the_ect():
    # released within the first term: less than a term's employment counts for nothing (2.33)
    released = ect(posts=[post("start", START), post("end", date(2025, 11, 1))])
    for state in (ect(outcome="passed", completed_on=date(2025, 11, 1)), released, ect(posts=[])):
        assert fired(state, date(2025, 12, 1), date(2026, 1, 31),
                     rules={Rule.REPORT_DUE, Rule.REPORT_LATE, Rule.ENTITLEMENT_AT_RISK}) == []


# -- the appropriate body's outcome clocks -------------------------------------------------


def test_the_ab_is_reminded_of_its_twenty_working_day_decision_until_it_decides():
    def state(today: date) -> InductionState:
        decided = today >= date(2026, 8, 17)
        return ect(outcome="passed" if decided else None, recommendation_received_on=date(2026, 7, 10),
                   decided_on=date(2026, 8, 17) if decided else None,
                   completed_on=date(2026, 8, 17) if decided else None)

    sent = fired(state, date(2026, 7, 10), date(2026, 9, 1), rules={Rule.OUTCOME_DECISION_DUE})
    # received Friday 10 July 2026: due Friday 7 August 2026; overdue on the 14th
    assert [day for day, _ in sent] == [date(2026, 7, 31), date(2026, 8, 6), date(2026, 8, 7),
                                        date(2026, 8, 14)]
    assert "due within 20 working days, today, Friday 7 August 2026" in sent[2][1].body


def test_the_ab_is_reminded_of_written_notice_within_three_working_days_of_its_decision():
    state = ect(outcome="passed", recommendation_received_on=date(2026, 7, 10), decided_on=date(2026, 8, 3),
                completed_on=date(2026, 8, 3))
    sent = fired(state, date(2026, 8, 1), date(2026, 8, 31), rules={Rule.OUTCOME_NOTICE_DUE,
                                                                     Rule.OUTCOME_DECISION_DUE})
    # decided Monday 3 August: notice due Thursday 6 August; nothing says it went, so no chasing
    assert schedule(sent) == [(date(2026, 8, 5), "outcome_notice_due", "ab-1"),
                              (date(2026, 8, 6), "outcome_notice_due", "ab-1")]


# -- entitlement to coaching ---------------------------------------------------------------


def test_a_missed_coaching_window_alerts_the_mentor_and_tutor_then_a_second_the_hub_lead():
    sent = fired(ect(sessions=0), START, date(2025, 9, 30),
                 rules={Rule.ENTITLEMENT_AT_RISK, Rule.ENTITLEMENT_ESCALATED})
    # the session owed in the week of 1 Sep was not held by Sunday 7 Sep + 3 days' grace
    assert schedule(sent) == [
        (date(2025, 9, 11), "entitlement_at_risk", MENTOR),
        (date(2025, 9, 11), "entitlement_at_risk", "tutor-1"),
        (date(2025, 9, 18), "entitlement_escalated", "lead-1"),
    ]
    at_risk = sent[0][1]
    assert "no coaching session in the week beginning Monday 1 September 2025" in at_risk.body
    assert "hold the next session" in at_risk.body and "by Friday 12 September 2025" in at_risk.body
    assert {n.recipient_role for _, n in sent} == {Role.MENTOR, Role.INDUCTION_TUTOR, Role.HUB_LEAD}
    assert not any(n.statutory for _, n in sent)
    # the escalation names the ECT, the school and the mentor, never an id
    escalated = sent[2][1].body
    assert "Ada Lovelace (TRN 1234567) at school URN 100001 has missed two coaching windows" in escalated
    assert str(ECT) not in escalated and str(MENTOR) not in escalated
    named = fired(ect(sessions=0, school_name="Oakwood Primary School", mentor_name="Grace Hopper"),
                  START, date(2025, 9, 30), rules={Rule.ENTITLEMENT_ESCALATED})
    assert "at Oakwood Primary School (URN 100001) has missed" in named[0][1].body
    assert "Mentor: Grace Hopper;" in named[0][1].body


def test_coaching_on_cadence_raises_no_alert():
    def state(today: date) -> InductionState:  # one session every teaching week, on its Monday
        return ect(sessions=len(CAL.teaching_weeks(START, today)))

    assert fired(state, START, date(2025, 12, 19), rules={Rule.ENTITLEMENT_AT_RISK}) == []


def test_a_session_held_late_ends_the_alert_and_the_next_missed_window_alerts_afresh():
    def state(today: date) -> InductionState:
        return ect(sessions=1 if today >= date(2025, 9, 12) else 0)

    sent = fired(state, START, date(2025, 9, 19), rules={Rule.ENTITLEMENT_AT_RISK})
    # one session by the 12th covers week 1; week 2's (8 Sep) is then missed by the 18th
    assert [(day, n.occasion) for day, n in sent if n.recipient_role is Role.MENTOR] == [
        (date(2025, 9, 11), "session-1@2025-09-01"), (date(2025, 9, 18), "session-2@2025-09-08")]


def test_the_grace_before_a_missed_session_alerts_is_configurable():
    sent = fired(ect(sessions=0), START, date(2025, 9, 30), policy=Policy(entitlement_grace_days=0),
                 rules={Rule.ENTITLEMENT_AT_RISK})
    assert {day for day, _ in sent} == {date(2025, 9, 8)}


def test_without_a_mentor_the_tutor_is_told_to_assign_one():
    sent = fired(ect(sessions=0, mentor_id=None), START, date(2025, 9, 12),
                 rules={Rule.ENTITLEMENT_AT_RISK})
    assert [n.recipient_id for _, n in sent] == ["tutor-1"]
    assert "No mentor is assigned" in sent[0][1].body


def test_an_ect_who_has_left_is_not_owed_coaching():
    state = ect(sessions=0, posts=[post("start", START), post("end", date(2025, 9, 5))])
    assert fired(state, START, date(2025, 10, 31), rules={Rule.ENTITLEMENT_AT_RISK}) == []


# -- occasions -------------------------------------------------------------------------------


def test_a_deadline_that_opens_after_it_falls_due_is_never_reminded_of():
    deadline = Deadline("x", "it", due_on=date(2025, 12, 19), opens_on=date(2026, 1, 5), chase_overdue=True)
    assert current_occasion(deadline, date(2026, 1, 20), POLICY) is None


def test_an_occasion_names_the_due_date_so_a_moved_deadline_is_reminded_of_afresh():
    first = Deadline("x", "it", due_on=date(2025, 12, 19), opens_on=START, chase_overdue=True)
    moved = Deadline("x", "it", due_on=date(2026, 1, 9), opens_on=START, chase_overdue=True)
    assert current_occasion(first, date(2025, 12, 12), POLICY) == "7-days-before@2025-12-19"
    assert current_occasion(moved, date(2026, 1, 2), POLICY) == "7-days-before@2026-01-09"


def test_coaching_after_another_ab_claims_the_ect_is_counted_from_the_new_period():
    # released at Christmas, claimed again from 5 January: the weeks between owe nothing, and
    # the twelve sessions held in the autumn were the first post's
    state = ect(posts=[post("start", START), post("end", date(2025, 12, 19)),
                       post("start", date(2026, 1, 5), ab="ab-2", school="100002", tutor="tutor-2")],
                sessions=12)
    sent = fired(state, date(2026, 1, 5), date(2026, 1, 16), rules={Rule.ENTITLEMENT_AT_RISK})
    assert {(day, n.occasion) for day, n in sent} == {(date(2026, 1, 15), "session-1@2026-01-05")}


# -- one clock: the dates are statutory.timeline's, as reporting and scheduling get them ------


def folded(*events: Any) -> InductionState:
    return fold(registered(), *events)


def first_reminded(sent: list[tuple[date, Notification]], what: str) -> tuple[date, date]:
    """(day first reminded, due date) of the first report_due naming ``what``."""
    return next((day, n.due_on) for day, n in sent if what in n.subject and n.due_on is not None)


def test_a_statutory_leave_opt_in_extends_the_year_the_leave_fell_in_statutory_rule_9_3_7():
    # Maternity leave from Monday 4 May 2026 (year 1); back in the autumn, the ECT asks on
    # Monday 19 October (year 2 as the clock first stood) to extend by the 95 days away.
    # Old behaviour: the days went to the year of the request, so the year-1 assessment stayed
    # at the end of term 3 (due 31 July 2026) while reporting expected it later.
    leave = (date(2026, 5, 4), 95.0)
    state = folded(report(1), report(2), absence(*leave, AbsenceReason.MATERNITY),
                   leave_extension(date(2026, 10, 19), 95))
    expected = clock([(START_POST, START, "ab-1", "100001")],
                     absences=(AbsenceFact(*leave, Reason.MATERNITY),),
                     leave_extensions=(LeaveExtension(date(2026, 10, 19), 95),))
    year_one = next(r for r in expected.reports if r.kind == ASSESSMENT)
    # 95 days is 1.5 terms (3.7): year 1 ends where 4.5 terms are served, in term 5
    assert year_one.term_number == 5 and year_one.held_on > date(2026, 12, 18)
    sent = fired(state, date(2026, 6, 1), year_one.due_on, rules={Rule.REPORT_DUE})
    assessments = [(day, n.due_on) for day, n in sent if "formal assessment" in n.subject]
    assert assessments[0] == (year_one.due_on - timedelta(days=7), year_one.due_on)
    assert {due for _, due in assessments} == {year_one.due_on}
    assert f"formal assessment for term {year_one.term_number}" in sent[-1][1].subject


def test_an_interim_assessment_is_owed_on_leaving_a_post_and_due_on_the_clocks_date_2_62():
    # Two terms at school 100001, then a transfer (same AB) from Tuesday 3 March 2026: an
    # interim assessment is owed on the last day at the first school, by its tutor.
    # Old behaviour: only an EctLeft brought an interim, due on the leaving day as
    # notifications reckoned it; a transfer brought none.
    state = folded(report(1), transferred(date(2026, 3, 3)))
    expected = clock([(START_POST, START, "ab-1", "100001"),
                      (TRANSFER_POST, date(2026, 3, 3), "", "100002")])
    (interim,) = [r for r in expected.reports if r.kind == INTERIM]
    assert interim.held_on == date(2026, 3, 2)  # the last day in the first post
    sent = fired(state, date(2026, 2, 1), interim.due_on + timedelta(days=1),
                 rules={Rule.REPORT_DUE, Rule.REPORT_LATE})
    reminders = [(day, n.rule.value, n.recipient_id, n.due_on) for day, n in sent
                 if "interim" in n.subject.lower()]
    assert reminders == [
        (interim.due_on - timedelta(days=7), "report_due", "tutor-1", interim.due_on),
        (interim.due_on - timedelta(days=1), "report_due", "tutor-1", interim.due_on),
        (interim.due_on, "report_due", "tutor-1", interim.due_on),
        (interim.due_on + timedelta(days=1), "report_late", "ab-1", interim.due_on),
    ]
    # once it is submitted, nothing more; the new school's tutor owes the term-2 review
    done = evolve(state, report(2, kind=TermReportKind.INTERIM_ASSESSMENT, submitted_on=date(2026, 3, 2)))
    later = fired(done, date(2026, 3, 1), date(2026, 4, 2), rules={Rule.REPORT_DUE})
    assert {(n.recipient_id, n.subject) for _, n in later} == {
        ("tutor-2", "The progress review for term 2 is due (due Thursday 2 April 2026)")}


def test_after_a_release_a_gap_and_another_abs_claim_only_time_in_post_counts_for_the_reviews():
    # Released by ab-1 on Friday 13 February 2026 (1.4 terms), no post until ab-2 claims the
    # ECT at school 100002 on Monday 2 November 2026: the months between count for nothing.
    # Old behaviour: terms were counted from the first start, gap included, so ab-2's first
    # review was "term 4" on a calendar that ran on through the gap.
    release, claim = released(date(2026, 2, 13)), claimed(date(2026, 11, 2))

    def state(today: date) -> InductionState:
        known = [release] if today < date(2026, 11, 2) else [release, claim]
        return folded(report(1), *known) if today >= date(2026, 2, 13) else folded(report(1))

    expected = clock([(START_POST, START, "ab-1", "100001"), (END_POST, date(2026, 2, 13)),
                      (START_POST, date(2026, 11, 2), "ab-2", "100002")])
    first = next(r for r in expected.reports if r.appropriate_body_id == "ab-2")
    assert (first.kind, first.term_number, first.due_on) == (REVIEW, 3, date(2026, 12, 18))
    sent = fired(state, date(2026, 2, 14), date(2026, 12, 31), rules={Rule.REPORT_DUE})
    # no review of a term in the gap (the spring term's end, the summer) is ever reminded of
    assert [n for _, n in sent if "progress review" in n.subject and n.due_on is not None
            and date(2026, 2, 14) <= n.due_on < date(2026, 11, 2)] == []
    reviews = [(day, n.recipient_id, n.subject) for day, n in sent if "progress review" in n.subject]
    assert reviews[0] == (first.due_on - timedelta(days=7), "tutor-2",
                          "The progress review for term 3 is due (due Friday 18 December 2026)")
    # ab-1's interim assessment was ab-1's to chase, until ab-2 claimed the ECT
    interims = {n.due_on for day, n in sent if "interim" in n.subject.lower() and day < date(2026, 11, 2)}
    assert interims == {next(r.due_on for r in expected.reports if r.kind == INTERIM)}
    assert not [n for day, n in sent if "interim" in n.subject.lower() and day >= date(2026, 11, 2)]


def test_a_later_absence_after_the_thirty_day_threshold_moves_the_assessment_reminder_3_6():
    # 30 days' sickness from 3 November 2025 extends year 1 by 30 days (3.6); ten more days
    # from 8 June 2026, still in year 1, lengthen it by all 40.
    # Old behaviour: both came to the same end-of-term assessment, so the reminder never moved.
    first, later = (date(2025, 11, 3), 30.0), (date(2026, 6, 8), 10.0)
    before = folded(report(1), report(2), absence(*first, days_counted_in_year=30),
                    envelope(AbsenceThresholdReached(induction_year=1, days_counted=30, extension_days=30),
                             ect_id=ECT))
    after = evolve(before, absence(*later, days_counted_in_year=40))
    posts = [(START_POST, START, "ab-1", "100001")]
    thirty = next(r for r in clock(posts, absences=(AbsenceFact(*first, Reason.SICKNESS),)).reports
                  if r.kind == ASSESSMENT)
    forty = next(r for r in clock(posts, absences=(AbsenceFact(*first, Reason.SICKNESS),
                                                   AbsenceFact(*later, Reason.SICKNESS))).reports
                 if r.kind == ASSESSMENT)
    assert forty.due_on > thirty.due_on
    window = (date(2026, 9, 1), date(2027, 1, 31))
    assert first_reminded(fired(before, *window, rules={Rule.REPORT_DUE}), "formal assessment") == (
        thirty.due_on - timedelta(days=7), thirty.due_on)
    moved = fired(after, *window, rules={Rule.REPORT_DUE})
    assert first_reminded(moved, "formal assessment") == (forty.due_on - timedelta(days=7), forty.due_on)
    assert {n.due_on for _, n in moved if "formal assessment" in n.subject} == {forty.due_on}


def test_coaching_turns_fortnightly_on_the_clocks_first_day_of_year_two_moved_by_absence():
    # Every year-1 week coached until the summer of 2026 (39 sessions). 30 days' absence in
    # year 1 moves year 2 to 26 October 2026 (3.6), so September's weeks are still weekly.
    # Old behaviour: year 2 began where three terms would be served without the absence
    # (18 July), so September was fortnightly and the first missed week went unnoticed.
    coached = {"sessions": 39, "absences": {"sick": AbsenceEntry(first_day=date(2025, 11, 3), days=30,
                                                                   reason="sickness")}}
    expected = clock([(START_POST, START, "ab-1", "100001")],
                     absences=(AbsenceFact(date(2025, 11, 3), 30, Reason.SICKNESS),))
    assert expected.year_two_starts == date(2026, 10, 26)
    sent = fired(ect(**coached), date(2026, 8, 1), date(2026, 9, 30), rules={Rule.ENTITLEMENT_AT_RISK})
    assert {(day, n.occasion) for day, n in sent} == {(date(2026, 9, 10), "session-40@2026-08-31")}
    without = fired(ect(sessions=39), date(2026, 8, 1), date(2026, 9, 30), rules={Rule.ENTITLEMENT_AT_RISK})
    assert {(day, n.occasion) for day, n in without} == {(date(2026, 9, 17), "session-40@2026-09-07")}


def test_coaching_after_a_transfer_is_owed_from_the_new_posts_start():
    # Coached every week at the first school; from 5 January 2026 at school 100002, where no
    # session is held: the first week there is the one missed, whatever was held before.
    posts = [post("start", START), post("transfer", date(2026, 1, 5), school="100002", tutor="tutor-2")]
    autumn = len(CAL.teaching_weeks(START, date(2025, 12, 19)))
    state = ect(posts=posts, sessions=autumn)
    sent = fired(state, date(2026, 1, 5), date(2026, 1, 16), rules={Rule.ENTITLEMENT_AT_RISK})
    assert {(day, n.recipient_id, n.occasion) for day, n in sent} == {
        (date(2026, 1, 15), MENTOR, "session-1@2026-01-05"),
        (date(2026, 1, 15), "tutor-2", "session-1@2026-01-05")}
