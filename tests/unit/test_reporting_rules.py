"""The pure rules behind the projections: what is due, what the status is and why, and folds that
ignore delivery order. Calendar: England default, 2025/26 (autumn 1 Sep-19 Dec, spring 5 Jan-2 Apr)."""

from __future__ import annotations

import random
import uuid
from datetime import date
from uuid import UUID

from reporting.domain.entitlement_figures import to_date
from reporting.domain.entitlement_rules import Thresholds
from reporting.domain.history import EctHistory, Period, ReportFact, SessionFact, SupportPlanFact
from reporting.domain.induction_clock import InductionClock
from reporting.domain.reports_owed import submissions
from reporting.projections.history_fold import fold_history
from scheduling.integration.outbound import to_integration_event
from statutory.calendar import SchoolCalendar
from statutory.service import END, PostChange
from statutory.service import START as POST_START
from statutory.terms_served import FteChange
from tests.unit.scheduling_fixtures import Clock, ect_details, in_memory_app, mentor_details, provenance

START = date(2025, 9, 1)


def history(**overrides) -> EctHistory:  # type: ignore[no-untyped-def]
    h = EctHistory(uuid.uuid4(), trn="1234567", name="Ada", date_of_birth=date(1999, 12, 10),
                   school_id="100001", appropriate_body_id="ab-1", induction_programme="school_led",
                   induction_start_date=START, fte_history=[FteChange(START, 1.0)],
                   periods=[Period("ab-1", START, "school_led")], schools=[("100001", START)],
                   mentor_id=uuid.uuid4(), mentor_assigned_on=START)
    for key, value in overrides.items():
        setattr(h, key, value)
    if "posts" not in overrides:  # the posts the periods describe, as the fold records them
        h.posts = [change for p in h.periods for change in (
            PostChange(POST_START, p.start, p.appropriate_body_id, "100001"),
            *([PostChange(END, p.end)] if p.end else []))]
    return h


def clock(h: EctHistory, today: date) -> InductionClock:
    return InductionClock(h, {"100001": SchoolCalendar()}, today)


def weekly(first: date, weeks: int) -> dict[UUID, SessionFact]:
    return {uuid.uuid4(): SessionFact(date.fromordinal(first.toordinal() + 7 * n), 60, None)
            for n in range(weeks)}


def test_a_leaver_after_a_term_owes_an_interim_assessment_within_ten_working_days_statutory_rule_7():
    h = history(left_on=date(2026, 2, 13), interim_assessment_due=True,
                periods=[Period("ab-1", START, "school_led", date(2026, 2, 13), "left")])
    items = submissions(h, clock(h, date(2026, 3, 2)))
    # term 1's review, then the interim assessment: Fri 13 Feb + 10 working days = Fri 27 Feb
    assert [(i.kind, i.term_number, i.due_on, i.state) for i in items] == [
        ("progress_review", 1, date(2025, 12, 19), "missing"),
        ("interim_assessment", 2, date(2026, 2, 27), "missing")]


def test_a_report_nothing_made_due_is_listed_as_unscheduled():
    extra = ReportFact(uuid.uuid4(), "progress_review", 3, True, date(2026, 1, 20))
    h = history(reports={extra.report_id: extra})
    items = submissions(h, clock(h, date(2026, 1, 20)))
    assert [(i.term_number, i.state) for i in items] == [(1, "missing"), (2, "due"), (3, "unscheduled")]


def test_the_status_lists_every_reason_and_takes_the_worst():
    h = history(sessions=weekly(date(2025, 9, 1), 10))
    figures = to_date(clock(h, date(2025, 12, 19)), submissions(h, clock(h, date(2025, 12, 19))), {},
                      Thresholds())
    # 15 teaching weeks in autumn, 10 sessions (1 Sep-3 Nov): 5 short; the last in the week of 3 Nov,
    # then six teaching weeks without one (10 Nov-15 Dec)
    assert figures["status"] == "red"
    assert {r["rule"]: r["level"] for r in figures["reasons"]} == {
        "coaching_shortfall": "red", "no_recent_session": "red"}
    assert figures["session_shortfall"] == 5 and figures["teaching_weeks_without_session"] == 6


def test_thresholds_are_hub_policy_and_configurable():
    h = history(sessions=weekly(date(2025, 9, 1), 13))
    today = date(2025, 12, 19)
    lenient = Thresholds(session_shortfall_amber=3, session_shortfall_red=6,
                         weeks_without_session_amber=4, weeks_without_session_red=8)
    assert to_date(clock(h, today), [], {}, Thresholds())["status"] == "amber"
    assert to_date(clock(h, today), [], {}, lenient)["status"] == "green"


def test_a_mentor_who_missed_training_and_no_plan_for_an_ect_not_on_track():
    review = ReportFact(uuid.uuid4(), "progress_review", 1, False, date(2025, 12, 19))
    h = history(sessions=weekly(date(2025, 9, 1), 16), reports={review.report_id: review})
    c = clock(h, date(2025, 12, 19))
    figures = to_date(c, submissions(h, c), {"clinic": {"attended": 1, "missed": 1}}, Thresholds())
    assert {r["rule"]: r["level"] for r in figures["reasons"]} == {
        "mentor_training": "amber", "not_on_track": "red"}
    h.support_plans = {uuid.uuid4(): SupportPlanFact(uuid.uuid4(), review.report_id, date(2025, 12, 19))}
    figures = to_date(c, submissions(h, c), {}, Thresholds())
    assert figures["status"] == "amber"


def test_the_history_is_the_same_whatever_order_the_events_arrive_in():
    app = in_memory_app(Clock(START))
    ect = app.register_ect(provenance=provenance(), **ect_details())
    mentor = app.register_mentor(provenance=provenance("hub_lead"), **mentor_details())
    app.assign_mentor(ect, mentor, assigned_on=START, override_reason=None, provenance=provenance("hub_lead"))
    app.today = Clock(date(2025, 10, 10))
    for day in (date(2025, 9, 8), date(2025, 9, 15), date(2025, 9, 22)):
        app.record_session(ect, request_id=str(day), held_on=day, minutes=50, observation_included=True,
                           action_step=None, provenance=provenance("hub_lead"))
    app.change_working_pattern(ect, fte=0.8, effective_from=date(2025, 10, 1),
                               provenance=provenance("hub_lead"))
    envelopes = [e for e in (to_integration_event(app.mapper.to_domain_event(n))
                             for n in app.recorder.select_notifications(start=1, limit=100))
                 if e is not None and e.ect_id == ect]
    expected = fold_history(ect, envelopes)
    for seed in range(5):
        shuffled = list(envelopes)
        random.Random(seed).shuffle(shuffled)
        assert fold_history(ect, shuffled) == expected
    assert expected.mentor_id == mentor and len(expected.sessions) == 3
    assert [c.fte for c in expected.fte_history] == [1.0, 0.8]
