"""What notifications learns of an ECT from the events, whichever topic's events come first."""

from __future__ import annotations

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
    WorkingPatternChanged,
)
from notifications.induction import InductionState, evolve
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


def fold(*events: EventEnvelope[Any]) -> InductionState:
    state = InductionState(ect_id=ECT)
    for event in events:
        state = evolve(state, event)
    return state


def test_registration_gives_the_start_working_pattern_and_who_holds_each_role():
    state = fold(registered(), envelope(MentorAssigned(mentor_id=MENTOR_ID, assigned_on=date(2025, 9, 1)),
                                        ect_id=ECT))
    assert (state.start, state.period_start, state.school_id) == (
        date(2025, 9, 1), date(2025, 9, 1), "100001")
    assert (state.contacts.appropriate_body_id, state.contacts.induction_tutor_id,
            state.contacts.mentor_id) == ("ab-1", "tutor-1", str(MENTOR_ID))
    assert [(c.effective_from, c.fte) for c in state.fte_changes()] == [(date(2025, 9, 1), 1.0)]
    assert state.in_progress and state.being_coached


def test_sessions_reports_and_working_patterns_accumulate():
    state = fold(registered(), session(date(2025, 9, 3)), session(date(2025, 9, 10)), report(1),
                 envelope(WorkingPatternChanged(fte=0.6, effective_from=date(2026, 1, 5)), ect_id=ECT))
    assert (state.sessions_held, state.last_session_on) == (2, date(2025, 9, 10))
    assert state.terms_reported == [1]
    assert [c.fte for c in state.fte_changes()] == [1.0, 0.6]


def test_a_transfer_changes_school_and_tutor_and_leaves_the_mentor_to_be_reassigned():
    state = fold(registered(), envelope(MentorAssigned(mentor_id=MENTOR_ID, assigned_on=date(2025, 9, 1)),
                                        ect_id=ECT),
                 envelope(EctTransferred(from_school_id="100001", to_school_id="100002",
                                         effective_on=date(2026, 1, 5), induction_tutor_id="tutor-2"),
                          ect_id=ECT))
    assert (state.school_id, state.induction_tutor_id, state.mentor_id) == ("100002", "tutor-2", None)


def test_a_release_pauses_everything_until_another_ab_claims_the_ect():
    release = EctReleased(appropriate_body_id="ab-1", released_on=date(2025, 12, 19), reason="moved AB",
                          terms_served=1.0)
    released = fold(registered(), session(date(2025, 9, 3)), envelope(release, ect_id=ECT))
    assert not released.in_progress
    claimed = evolve(released, envelope(EctClaimed(
        appropriate_body_id="ab-2", period_start_date=date(2026, 1, 5), school_id="100002", fte=0.8,
        induction_programme=InductionProgramme.SCHOOL_LED, induction_tutor_id="tutor-2"), ect_id=ECT))
    assert claimed.in_progress
    assert (claimed.start, claimed.period_start, claimed.appropriate_body_id) == (
        date(2025, 9, 1), date(2026, 1, 5), "ab-2")
    assert (claimed.sessions_held, claimed.sessions_in_period) == (1, 0)


def test_leaving_stops_coaching_and_records_whether_an_interim_assessment_is_due():
    state = fold(registered(), envelope(EctLeft(left_on=date(2026, 2, 13), reason="moving", terms_served=1.4,
                                                interim_assessment_due=True), ect_id=ECT))
    assert state.in_progress and not state.being_coached
    assert (state.left_on, state.interim_assessment_due) == (date(2026, 2, 13), True)
    assert fold(registered(), report(2, kind=TermReportKind.INTERIM_ASSESSMENT)).interim_submitted


def test_absence_past_thirty_days_and_extensions_are_kept_for_the_assessment_dates():
    state = fold(
        registered(),
        envelope(AbsenceRecorded(absence_id=uuid.uuid4(), first_day=date(2025, 11, 3), days=20,
                                 reason=AbsenceReason.SICKNESS, statutory_leave=False, induction_year=1,
                                 days_counted_in_year=20), ect_id=ECT),
        envelope(AbsenceThresholdReached(induction_year=1, days_counted=32, extension_days=32), ect_id=ECT),
        envelope(InductionExtended(extension_terms=1.5, reason="absence", decided_on=date(2027, 8, 2),
                                   appropriate_body_id="ab-1"), ect_id=ECT, source="reporting"),
    )
    assert state.absence_days_by_year == {1: 32.0}
    assert state.extension_terms == Decimal("1.5")
    assert state.decided_on == date(2027, 8, 2)


def test_the_final_recommendation_and_the_decision_start_and_stop_the_outcome_clocks():
    state = fold(registered(), report(6, kind=TermReportKind.FORMAL_ASSESSMENT, submitted_on=date(2027, 7, 9),
                                      recommendation=Recommendation.SATISFACTORY))
    assert (state.recommendation_received_on, state.decided_on) == (date(2027, 7, 9), None)
    decided = evolve(state, envelope(InductionOutcomeRecorded(
        outcome=Outcome.PASSED, decided_on=date(2027, 7, 20), appropriate_body_id="ab-1",
        notice_due_by=date(2027, 7, 23)), ect_id=ECT, source="reporting"))
    assert (decided.outcome, decided.decided_on, decided.notice_due_by) == (
        "passed", date(2027, 7, 20), date(2027, 7, 23))
    assert not decided.in_progress


def test_events_this_service_does_not_track_change_nothing():
    state = fold(registered())
    assert evolve(state, envelope(MentorAssigned(mentor_id=MENTOR_ID, assigned_on=date(2025, 9, 1)),
                                  ect_id=ECT)) != state
    drop_in = envelope(DropInRecorded(drop_in_id=uuid.uuid4(), observed_on=date(2025, 9, 2), observer_id="t",
                                      observer_role=Role.INDUCTION_TUTOR, focus_area="f", strengths="s",
                                      development_areas="d"), ect_id=ECT)
    assert evolve(state, drop_in) is state


def test_the_state_survives_its_trip_through_json():
    state = fold(registered(), session(date(2025, 9, 3)), report(1),
                 envelope(AbsenceThresholdReached(induction_year=1, days_counted=31, extension_days=31),
                          ect_id=ECT))
    assert InductionState.model_validate_json(state.model_dump_json()) == state


SCHEDULING_EVENTS = [
    envelope(MentorAssigned(mentor_id=MENTOR_ID, assigned_on=date(2025, 9, 1)), ect_id=ECT),
    session(date(2025, 9, 3)),
    envelope(WorkingPatternChanged(fte=0.8, effective_from=date(2026, 1, 5)), ect_id=ECT),
    session(date(2025, 9, 10)),
    envelope(AbsenceThresholdReached(induction_year=1, days_counted=30, extension_days=30), ect_id=ECT),
]
REPORTING_EVENTS = [
    report(1), report(2, on_track=False),
    envelope(InductionExtended(extension_terms=1.0, reason="absence", decided_on=date(2027, 8, 2),
                               appropriate_body_id="ab-1"), ect_id=ECT, source="reporting"),
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
    assert fold(*merged) == fold(registered(), *SCHEDULING_EVENTS, *REPORTING_EVENTS)
