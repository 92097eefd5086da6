"""One realistic envelope per registered event type, for the wire-format tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

from contracts import Actor, EventEnvelope, EventPayload, Role
from contracts.reporting.v1 import Recommendation, TermReportKind, TermReportSubmitted
from contracts.scheduling.v1 import (
    DropInRecorded,
    EctRegistered,
    InductionProgramme,
    MentorAssigned,
    MentorRegistered,
    Phase,
    SessionHeld,
)

ECT_ID = UUID("00000000-0000-4000-8000-00000000e001")
MENTOR_ID = UUID("00000000-0000-4000-8000-00000000a001")

PAYLOADS: list[EventPayload] = [
    EctRegistered(
        trn="1234567", name="Ada Lovelace", date_of_birth=date(1998, 12, 10), school_id="URN-100001",
        subject="mathematics", phase=Phase.SECONDARY, qts_date=date(2024, 7, 20),
        induction_start_date=date(2024, 9, 2), fte=0.8, appropriate_body_id="ab-1",
        induction_programme=InductionProgramme.PROVIDER_LED, induction_tutor_id="tutor-1",
    ),
    MentorRegistered(
        mentor_id=MENTOR_ID, trn="7654321", name="Grace Hopper", school_id="URN-100001",
        phase=Phase.SECONDARY, years_teaching=12,
    ),
    MentorAssigned(mentor_id=MENTOR_ID, assigned_on=date(2024, 9, 2)),
    SessionHeld(
        session_id=UUID("00000000-0000-4000-8000-00000000b001"), mentor_id=MENTOR_ID,
        held_on=date(2024, 9, 9), minutes=60, observation_included=True,
        action_step="Model the worked example before independent practice.",
    ),
    DropInRecorded(
        drop_in_id=UUID("00000000-0000-4000-8000-00000000c001"), observed_on=date(2024, 9, 16),
        observer_id="tutor-1", observer_role=Role.INDUCTION_TUTOR, focus_area="Adaptive teaching",
        strengths="Clear checks for understanding.", development_areas="Pace of transitions.",
    ),
    TermReportSubmitted(
        report_id=UUID("00000000-0000-4000-8000-00000000d001"), kind=TermReportKind.FORMAL_ASSESSMENT,
        term_number=6, on_track=True, evidence_summary="Meets the Teachers' Standards.",
        targets="None outstanding.", submitted_on=date(2026, 7, 10), appropriate_body_id="ab-1",
        recommendation=Recommendation.SATISFACTORY,
    ),
]


def envelope_of(payload: EventPayload) -> EventEnvelope[EventPayload]:
    about_a_mentor = isinstance(payload, MentorRegistered)  # keyed by the mentor, no single ECT
    return EventEnvelope[type(payload)](  # type: ignore[misc]
        event_id=UUID("00000000-0000-5000-8000-000000000001"),
        event_type=payload.event_type,
        event_version=payload.event_version,
        occurred_at=datetime(2024, 9, 2, tzinfo=UTC),
        recorded_at=datetime(2024, 9, 2, 8, 30, tzinfo=UTC),
        source="reporting" if isinstance(payload, TermReportSubmitted) else "scheduling",
        aggregate_id=MENTOR_ID if about_a_mentor else ECT_ID,
        aggregate_version=1,
        ect_id=None if about_a_mentor else ECT_ID,
        actor=Actor(id="hub-lead-1", role=Role.HUB_LEAD),
        correlation_id=UUID("00000000-0000-4000-8000-0000000c0001"),
        payload=payload,
    )
