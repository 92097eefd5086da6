"""What notifications learns of an ECT from the events, whichever topic's events come first."""

from __future__ import annotations

import json
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from contracts import EventEnvelope, Role
from contracts.reporting.v1 import (
    InductionExtended,
    InductionOutcomeRecorded,
    InductionReduced,
    Outcome,
    Recommendation,
    TermReportKind,
    TermReportSubmitted,
)
from contracts.scheduling.v1 import (
    AbsenceReason,
    AbsenceRecorded,
    AbsenceThresholdReached,
    DropInRecorded,
    EctClaimed,
    EctLeft,
    EctRegistered,
    EctReleased,
    EctTransferred,
    InductionProgramme,
    MentorAssigned,
    Phase,
    SessionHeld,
    StatutoryLeaveExtensionGranted,
    WorkingPatternChanged,
)
from contracts.sealed import ERASED, new_key, open_envelope, seal_envelope
from notifications.induction import InductionState, evolve, induction_facts
from statutory.absence import AbsenceFact
from statutory.absence import AbsenceReason as Reason
from statutory.calendar import SchoolCalendar
from statutory.service import END, START, TRANSFER, PostChange, service_periods
from statutory.terms_served import FteChange
from statutory.timeline import InductionFacts, LeaveExtension, TermsDecision
from tests.unit.test_notification_rules import MENTOR_ID, envelope

ECT = uuid.UUID("00000000-0000-4000-8000-00000000e001")


def registered(**overrides: Any) -> EventEnvelope[Any]:
    fields: dict[str, Any] = {
        "trn": "1234567", "name": "Ada Lovelace", "date_of_birth": date(1999, 12, 10),
        "school_id": "100001", "phase": Phase.SECONDARY, "qts_date": date(2025, 7, 18),
        "induction_start_date": date(2025, 9, 1), "fte": 1.0, "appropriate_body_id": "ab-1",
        "induction_programme": InductionProgramme.PROVIDER_LED, "induction_tutor_id": "tutor-1",
    }
    fields.update(overrides)
    return envelope(EctRegistered(**fields), ect_id=ECT)


def session(on: date) -> EventEnvelope[Any]:
    return envelope(SessionHeld(session_id=uuid.uuid4(), mentor_id=MENTOR_ID, held_on=on, minutes=60,
                                observation_included=True), ect_id=ECT)


def report(term: int, **overrides: Any) -> EventEnvelope[Any]:
    fields: dict[str, Any] = {"report_id": uuid.uuid4(), "kind": TermReportKind.PROGRESS_REVIEW,
                              "term_number": term, "on_track": True, "evidence_summary": "-",
                              "targets": "-", "submitted_on": date(2025, 12, 12)}
    fields.update(overrides)
    return envelope(TermReportSubmitted(**fields), ect_id=ECT, source="reporting")


def absence(first_day: date, days: float, reason: AbsenceReason = AbsenceReason.SICKNESS,
            **overrides: Any) -> EventEnvelope[Any]:
    fields: dict[str, Any] = {"absence_id": uuid.uuid4(), "first_day": first_day, "days": days,
                              "reason": reason, "statutory_leave": reason not in COUNTED,
                              "induction_year": 1, "days_counted_in_year": days}
    fields.update(overrides)
    return envelope(AbsenceRecorded(**fields), ect_id=ECT)


COUNTED = {AbsenceReason.SICKNESS, AbsenceReason.COMPASSIONATE, AbsenceReason.UNAUTHORISED,
           AbsenceReason.OTHER}


def claimed(on: date, ab: str = "ab-2", school: str = "100002", fte: float = 1.0,
            tutor: str = "tutor-2") -> EventEnvelope[Any]:
    return envelope(EctClaimed(appropriate_body_id=ab, period_start_date=on, school_id=school, fte=fte,
                               induction_programme=InductionProgramme.SCHOOL_LED, induction_tutor_id=tutor),
                    ect_id=ECT)


def released(on: date, ab: str = "ab-1") -> EventEnvelope[Any]:
    return envelope(EctReleased(appropriate_body_id=ab, released_on=on, reason="moved AB", terms_served=1.0),
                    ect_id=ECT)


def transferred(on: date, to: str = "100002", tutor: str = "tutor-2") -> EventEnvelope[Any]:
    return envelope(EctTransferred(from_school_id="100001", to_school_id=to, effective_on=on,
                                   induction_tutor_id=tutor), ect_id=ECT)


def left(on: date) -> EventEnvelope[Any]:
    return envelope(EctLeft(left_on=on, reason="moving", terms_served=1.4, interim_assessment_due=True),
                    ect_id=ECT)


def extended(terms: float, on: date) -> EventEnvelope[Any]:
    return envelope(InductionExtended(extension_terms=terms, reason="absence", decided_on=on,
                                      appropriate_body_id="ab-1"), ect_id=ECT, source="reporting")


def reduced(terms: float, on: date) -> EventEnvelope[Any]:
    return envelope(InductionReduced(reduction_terms=terms, reason="two years in an FE college",
                                     ect_consented_on=on, decided_on=on, appropriate_body_id="ab-1",
                                     terms_required=6 - terms), ect_id=ECT, source="reporting")


def leave_extension(requested_on: date, days: float) -> EventEnvelope[Any]:
    return envelope(StatutoryLeaveExtensionGranted(extension_days=days, requested_on=requested_on),
                    ect_id=ECT)


def version(event: EventEnvelope[Any], n: int) -> EventEnvelope[Any]:
    """The event as the n-th version of the ECT's record at scheduling."""
    return event.model_copy(update={"aggregate_version": n})


def fold(*events: EventEnvelope[Any]) -> InductionState:
    state = InductionState(ect_id=ECT)
    for event in events:
        state = evolve(state, event)
    return state


def facts(state: InductionState) -> InductionFacts:
    return induction_facts(state, lambda school: CALENDARS.get(school, SchoolCalendar()))


CALENDARS: dict[str, SchoolCalendar] = {}


def test_registration_gives_the_first_post_the_working_pattern_and_who_holds_each_role():
    state = fold(registered(), envelope(MentorAssigned(mentor_id=MENTOR_ID, assigned_on=date(2025, 9, 1)),
                                        ect_id=ECT))
    assert [(p.kind, p.on, p.appropriate_body_id, p.school_id) for p in state.posts] == [
        (START, date(2025, 9, 1), "ab-1", "100001")]
    assert (state.school_id, state.claimed_on) == ("100001", date(2025, 9, 1))
    assert (state.contacts.appropriate_body_id, state.contacts.induction_tutor_id,
            state.contacts.mentor_id) == ("ab-1", "tutor-1", str(MENTOR_ID))
    assert facts(state).fte_history == (FteChange(date(2025, 9, 1), 1.0),)
    assert state.in_progress and state.being_coached


def test_the_facts_are_the_events_as_every_service_folds_them():
    # the mapping every service follows, so the three clocks agree
    state = fold(registered(), session(date(2025, 9, 3)),
                 envelope(WorkingPatternChanged(fte=0.8, effective_from=date(2026, 1, 5)), ect_id=ECT),
                 absence(date(2025, 11, 3), 20), absence(date(2026, 3, 2), 40, AbsenceReason.MATERNITY),
                 leave_extension(date(2026, 5, 1), 30), transferred(date(2026, 4, 20)),
                 released(date(2026, 7, 17)), claimed(date(2026, 11, 2), fte=0.6),
                 extended(1.5, date(2028, 7, 20)), reduced(0.5, date(2026, 11, 2)),
                 envelope(InductionOutcomeRecorded(outcome=Outcome.PASSED, decided_on=date(2029, 1, 8),
                                                   appropriate_body_id="ab-2"),
                          ect_id=ECT, source="reporting"))
    calendar = SchoolCalendar()
    posts = [PostChange(START, date(2025, 9, 1), "ab-1", "100001"),
             PostChange(TRANSFER, date(2026, 4, 20), school_id="100002"),
             PostChange(END, date(2026, 7, 17)),
             PostChange(START, date(2026, 11, 2), "ab-2", "100002")]
    assert facts(state) == InductionFacts(
        periods=service_periods(posts, lambda school: calendar),
        fte_history=(FteChange(date(2025, 9, 1), 1.0), FteChange(date(2026, 1, 5), 0.8),
                     FteChange(date(2026, 11, 2), 0.6)),
        absences=(AbsenceFact(date(2025, 11, 3), 20, Reason.SICKNESS),
                  AbsenceFact(date(2026, 3, 2), 40, Reason.MATERNITY)),
        leave_extensions=(LeaveExtension(date(2026, 5, 1), 30),),
        extensions=(TermsDecision(Decimal("1.5"), date(2028, 7, 20)),),
        reductions=(TermsDecision(Decimal("0.5"), date(2026, 11, 2)),),
        completed_on=date(2029, 1, 8))


def test_each_post_is_on_its_own_schools_calendar():
    CALENDARS.clear()
    own = SchoolCalendar().with_year(SchoolCalendar().year(2025))
    CALENDARS["100002"] = own
    try:
        periods = facts(fold(registered(), transferred(date(2026, 1, 5)))).periods
    finally:
        CALENDARS.clear()
    assert [(p.school_id, p.calendar is own) for p in periods] == [("100001", False), ("100002", True)]
    assert fold(registered(), transferred(date(2026, 1, 5))).school_ids() == ["100001", "100002"]


def test_sessions_reports_and_working_patterns_accumulate():
    state = fold(registered(), session(date(2025, 9, 10)), session(date(2025, 9, 3)), report(1),
                 envelope(WorkingPatternChanged(fte=0.6, effective_from=date(2026, 1, 5)), ect_id=ECT))
    assert state.sessions_on == [date(2025, 9, 3), date(2025, 9, 10)]
    assert state.sessions_since(date(2025, 9, 4)) == 1
    assert state.submitted("progress_review", 1) and not state.submitted("formal_assessment", 1)
    assert [f.fte for f in facts(state).fte_history] == [1.0, 0.6]


def test_a_transfer_changes_school_and_tutor_and_leaves_the_mentor_to_be_reassigned():
    state = fold(registered(), envelope(MentorAssigned(mentor_id=MENTOR_ID, assigned_on=date(2025, 9, 1)),
                                        ect_id=ECT), transferred(date(2026, 1, 5)))
    assert (state.school_id, state.induction_tutor_id, state.mentor_id) == ("100002", "tutor-2", None)
    assert state.appropriate_body_id == "ab-1"  # the same AB holds the new post
    assert (state.tutor_at(date(2025, 12, 19)), state.tutor_at(date(2026, 1, 5))) == ("tutor-1", "tutor-2")
    assert [(p.school_id, p.end) for p in facts(state).periods] == [
        ("100001", date(2026, 1, 4)), ("100002", None)]


def test_a_release_ends_the_post_until_another_ab_claims_the_ect_in_a_new_one():
    # Old behaviour: a release hid the ECT (not in progress) and the claim overwrote the start
    # of the period; now both are posts, and the gap between them counts for nothing.
    gone = fold(registered(), session(date(2025, 9, 3)), released(date(2025, 12, 19)))
    assert gone.in_progress and not gone.in_post and not gone.being_coached
    back = evolve(gone, claimed(date(2026, 4, 20), fte=0.8))
    assert back.being_coached
    assert (back.claimed_on, back.appropriate_body_id, back.school_id, back.induction_tutor_id) == (
        date(2026, 4, 20), "ab-2", "100002", "tutor-2")
    assert [(p.start, p.end, p.appropriate_body_id) for p in facts(back).periods] == [
        (date(2025, 9, 1), date(2025, 12, 19), "ab-1"), (date(2026, 4, 20), None, "ab-2")]
    assert back.sessions_since(date(2026, 4, 20)) == 0


def test_leaving_ends_the_post_and_stops_coaching():
    state = fold(registered(), left(date(2026, 2, 13)))
    assert state.in_progress and not state.being_coached
    assert facts(state).periods[-1].end == date(2026, 2, 13)
    interim = fold(registered(),
                   report(2, kind=TermReportKind.INTERIM_ASSESSMENT, submitted_on=date(2026, 2, 13)))
    assert interim.interims_submitted_since(date(2025, 9, 1)) == 1
    assert interim.interims_submitted_since(date(2026, 4, 20)) == 0  # before that AB's claim


def test_every_absence_and_every_decision_is_kept_with_its_date():
    # Old behaviour: only each year's counted total was kept; the clock needs each absence
    # (statutory leave included: it postpones a report, 2.56, and anchors an opt-in, 3.7).
    state = fold(registered(), absence(date(2025, 11, 3), 20), absence(date(2026, 1, 12), 12),
                 absence(date(2026, 3, 2), 30, AbsenceReason.MATERNITY),
                 envelope(AbsenceThresholdReached(induction_year=1, days_counted=32, extension_days=32),
                          ect_id=ECT),
                 extended(1.5, date(2027, 8, 2)), reduced(1.0, date(2025, 9, 1)))
    assert sorted((a.first_day, a.days, a.reason) for a in state.absences.values()) == [
        (date(2025, 11, 3), 20.0, "sickness"), (date(2026, 1, 12), 12.0, "sickness"),
        (date(2026, 3, 2), 30.0, "maternity")]
    assert [(d.terms, d.decided_on) for d in state.extensions] == [(Decimal("1.5"), date(2027, 8, 2))]
    assert [(d.terms, d.decided_on) for d in state.reductions] == [(Decimal("1.0"), date(2025, 9, 1))]
    assert state.decided_on == date(2027, 8, 2)  # a reduction is no outcome decision: no notice


def test_the_final_recommendation_and_the_decision_start_and_stop_the_outcome_clocks():
    state = fold(registered(), report(6, kind=TermReportKind.FORMAL_ASSESSMENT, submitted_on=date(2027, 7, 9),
                                      recommendation=Recommendation.SATISFACTORY))
    assert (state.recommendation_received_on, state.decided_on) == (date(2027, 7, 9), None)
    decided = evolve(state, envelope(InductionOutcomeRecorded(
        outcome=Outcome.PASSED, decided_on=date(2027, 7, 20), appropriate_body_id="ab-1",
        notice_due_by=date(2027, 7, 23)), ect_id=ECT, source="reporting"))
    assert (decided.outcome, decided.decided_on, decided.notice_due_by, decided.completed_on) == (
        "passed", date(2027, 7, 20), date(2027, 7, 23), date(2027, 7, 20))
    assert not decided.in_progress


def test_events_this_service_does_not_track_change_nothing():
    state = fold(registered())
    assert evolve(state, envelope(MentorAssigned(mentor_id=MENTOR_ID, assigned_on=date(2025, 9, 1)),
                                  ect_id=ECT)) != state
    drop_in = envelope(DropInRecorded(drop_in_id=uuid.uuid4(), observed_on=date(2025, 9, 2), observer_id="t",
                                      observer_role=Role.INDUCTION_TUTOR, focus_area="f", strengths="s",
                                      development_areas="d"), ect_id=ECT)
    assert evolve(state, drop_in) is state
    # the threshold is the clock's to apply, from the absences (3.6); the event only notifies
    threshold = envelope(AbsenceThresholdReached(induction_year=1, days_counted=31, extension_days=31),
                         ect_id=ECT)
    assert evolve(state, threshold) is state


def test_the_state_survives_its_trip_through_json():
    state = fold(registered(), session(date(2025, 9, 3)), report(1), absence(date(2025, 11, 3), 3),
                 transferred(date(2026, 1, 5)), extended(1.0, date(2027, 8, 2)),
                 reduced(0.5, date(2025, 9, 1)), leave_extension(date(2026, 4, 1), 10))
    assert InductionState.model_validate_json(state.model_dump_json()) == state
    assert not state.stale


def test_a_state_stored_before_the_facts_were_kept_loads_as_stale_with_its_contacts():
    # what the projection stored until now: no posts, absences only as yearly totals
    stored = json.dumps({
        "ect_id": str(ECT), "school_id": "100001", "appropriate_body_id": "ab-1",
        "induction_tutor_id": "tutor-1", "mentor_id": str(MENTOR_ID), "start": "2025-09-01",
        "period_start": "2025-09-01", "fte_history": [{"effective_from": "2025-09-01", "fte": 1.0}],
        "left_on": None, "interim_assessment_due": False, "released_on": None, "outcome": None,
        "extension_terms": "0", "absence_days_by_year": {"1": 31.0}, "leave_extensions": [],
        "sessions_held": 3, "sessions_in_period": 3, "last_session_on": "2025-09-15",
        "terms_reported": [1], "interim_submitted": False, "recommendation_received_on": None,
        "decided_on": None, "notice_due_by": None})
    state = InductionState.model_validate_json(stored)
    assert state.stale
    assert (state.contacts.appropriate_body_id, state.contacts.induction_tutor_id,
            state.contacts.mentor_id, state.school_id) == ("ab-1", "tutor-1", str(MENTOR_ID), "100001")
    # still stale once more events are folded into it: only a refold makes it whole
    assert evolve(state, session(date(2025, 9, 22))).stale
    assert InductionState.model_validate_json(state.model_dump_json()).stale


def test_scheduling_facts_about_the_record_fold_in_its_order_whatever_order_they_arrive_in():
    # a refold republishes history after events already on the topic: the record's version
    # puts each change back where it happened
    history = [version(registered(), 1), version(envelope(MentorAssigned(
        mentor_id=MENTOR_ID, assigned_on=date(2025, 9, 1)), ect_id=ECT), 2),
        version(envelope(WorkingPatternChanged(fte=0.8, effective_from=date(2026, 1, 5)), ect_id=ECT), 3),
        version(transferred(date(2026, 1, 5)), 4), version(released(date(2026, 7, 17)), 5),
        version(claimed(date(2026, 11, 2)), 6)]
    in_order = fold(*history)
    assert fold(*reversed(history)) == in_order
    assert fold(*history[3:], *history[:3]) == in_order
    assert [p.kind for p in in_order.posts] == [START, TRANSFER, END, START]
    assert in_order.mentor_id is None  # the transfer came after the assignment


SCHEDULING_EVENTS = [
    envelope(MentorAssigned(mentor_id=MENTOR_ID, assigned_on=date(2025, 9, 1)), ect_id=ECT),
    session(date(2025, 9, 3)),
    envelope(WorkingPatternChanged(fte=0.8, effective_from=date(2026, 1, 5)), ect_id=ECT),
    session(date(2025, 9, 10)),
    absence(date(2025, 11, 3), 30),
    envelope(AbsenceThresholdReached(induction_year=1, days_counted=30, extension_days=30), ect_id=ECT),
    leave_extension(date(2026, 5, 1), 20),
    released(date(2026, 7, 17)),
    claimed(date(2026, 9, 1)),
]
REPORTING_EVENTS = [
    report(1), report(2, on_track=False),
    report(3, kind=TermReportKind.INTERIM_ASSESSMENT, submitted_on=date(2026, 7, 17)),
    reduced(1.0, date(2026, 9, 1)),
    extended(1.0, date(2027, 8, 2)),
    extended(0.5, date(2027, 12, 1)),
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.booleans(), min_size=len(SCHEDULING_EVENTS) + len(REPORTING_EVENTS),
                max_size=len(SCHEDULING_EVENTS) + len(REPORTING_EVENTS)))
def test_any_interleaving_of_the_two_topics_gives_the_same_state(picks: list[bool]) -> None:
    # Each topic keeps its own order (one partition per ECT); the two interleave freely.
    scheduling, reporting, merged = list(SCHEDULING_EVENTS), list(REPORTING_EVENTS), [registered()]
    for take_scheduling in picks:
        source = scheduling if (take_scheduling and scheduling) or not reporting else reporting
        merged.append(source.pop(0))
    expected = fold(registered(), *SCHEDULING_EVENTS, *REPORTING_EVENTS)
    assert fold(*merged) == expected
    assert facts(fold(*merged)) == facts(expected)


def test_a_registration_opened_after_its_ects_erasure_folds_an_erased_state_with_its_facts():
    # the key is gone (a refold after the erasure): the fields read as erased, the facts stay
    sealed = seal_envelope(registered(), new_key(), ECT)
    state = evolve(InductionState(ect_id=ECT), open_envelope(sealed, None))
    assert (state.erased, state.name, state.trn) == (True, ERASED, ERASED)
    assert state.registered and state.appropriate_body_id == "ab-1"
    assert not evolve(InductionState(ect_id=ECT), registered()).erased


def test_an_erased_mentor_is_addressed_no_more():
    state = InductionState(ect_id=ECT, mentor_id=str(MENTOR_ID), mentor_name=ERASED)
    assert state.contacts.mentor_id is None
    assert InductionState(ect_id=ECT, mentor_id=str(MENTOR_ID)).contacts.mentor_id == str(MENTOR_ID)
