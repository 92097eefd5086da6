"""One realistic envelope per registered event type, for the wire-format tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

from contracts import Actor, EventEnvelope, EventPayload, Role
from contracts.notifications import v1 as notifications_v1
from contracts.reporting import v1 as reporting_v1
from contracts.reporting.v1 import Recommendation, TermReportKind, TermReportSubmitted
from contracts.scheduling import privacy, v1
from contracts.scheduling.v1 import (
    DropInRecorded,
    EctRegistered,
    InductionProgramme,
    MentorAssigned,
    MentorRegistered,
    Phase,
    SessionHeld,
)
from contracts.sealed import personal_fields, sealed_version

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
    v1.TermDatesSet(school_id="URN-100001", academic_year=2024, terms=[
        v1.TermDates(name=v1.TermName.AUTUMN, start=date(2024, 9, 2), end=date(2024, 12, 20),
                     half_term_start=date(2024, 10, 28), half_term_end=date(2024, 11, 1)),
        v1.TermDates(name=v1.TermName.SPRING, start=date(2025, 1, 6), end=date(2025, 4, 4)),
        v1.TermDates(name=v1.TermName.SUMMER, start=date(2025, 4, 22), end=date(2025, 7, 22)),
    ]),
    v1.EctClaimed(appropriate_body_id="ab-2", period_start_date=date(2025, 1, 6), school_id="URN-100002",
                  fte=1.0, induction_programme=InductionProgramme.SCHOOL_LED, induction_tutor_id="tutor-2"),
    v1.EctReleased(appropriate_body_id="ab-1", released_on=date(2024, 12, 20), reason="school moved AB",
                   terms_served=1.0),
    v1.InductionOutcomeImported(outcome="passed", decided_on=date(2026, 7, 17),
                                appropriate_body_id="ab-1", terms_served=6.0),
    v1.EctTransferred(from_school_id="URN-100001", to_school_id="URN-100002", effective_on=date(2025, 1, 6),
                      induction_tutor_id="tutor-2", previous_mentor_id=MENTOR_ID),
    v1.WorkingPatternChanged(fte=0.6, effective_from=date(2025, 1, 6)),
    v1.EctLeft(left_on=date(2025, 2, 14), reason="relocated", terms_served=1.3,
               interim_assessment_due=True),
    v1.SessionMissed(session_id=UUID("00000000-0000-4000-8000-00000000b002"), mentor_id=MENTOR_ID,
                     due_on=date(2024, 9, 16), reason=v1.MissedBy.MENTOR_ABSENT),
    v1.MentorTrainingAttended(mentor_id=MENTOR_ID, training_id=UUID("00000000-0000-4000-8000-00000000f001"),
                              kind=v1.MentorTrainingKind.CONFERENCE, held_on=date(2024, 10, 3),
                              attended=True),
    v1.EctTrainingRecorded(training_id=UUID("00000000-0000-4000-8000-00000000f002"),
                           kind=v1.EctTrainingKind.CLINIC, held_on=date(2024, 10, 9), attended=False),
    v1.CatchUpAssigned(catch_up_id=UUID("00000000-0000-4000-8000-00000000f003"),
                       training_id=UUID("00000000-0000-4000-8000-00000000f002"), due_by=date(2024, 11, 6)),
    v1.CatchUpCompleted(catch_up_id=UUID("00000000-0000-4000-8000-00000000f003"),
                        completed_on=date(2024, 10, 30)),
    v1.AbsenceRecorded(absence_id=UUID("00000000-0000-4000-8000-00000000f004"), first_day=date(2024, 11, 4),
                       days=5, reason=v1.AbsenceReason.SICKNESS, statutory_leave=False, induction_year=1,
                       days_counted_in_year=5),
    v1.AbsenceThresholdReached(induction_year=1, days_counted=31, extension_days=31),
    v1.StatutoryLeaveExtensionGranted(extension_days=40, requested_on=date(2025, 6, 2)),
    reporting_v1.SupportPlanShared(plan_id=UUID("00000000-0000-4000-8000-00000000d002"),
                                   report_id=UUID("00000000-0000-4000-8000-00000000d001"),
                                   shared_on=date(2024, 12, 13), appropriate_body_id="ab-1",
                                   summary="Weekly behaviour-management coaching",
                                   review_on=date(2025, 2, 7)),
    reporting_v1.InductionOutcomeRecorded(outcome=reporting_v1.Outcome.PASSED, decided_on=date(2026, 7, 20),
                                          appropriate_body_id="ab-1", terms_served=6.0,
                                          recommendation=Recommendation.SATISFACTORY,
                                          recommendation_received_on=date(2026, 7, 10),
                                          decision_due_by=date(2026, 8, 7),
                                          notice_due_by=date(2026, 7, 23)),
    reporting_v1.InductionExtended(extension_terms=1.5, reason="Absence in year 2",
                                   decided_on=date(2026, 7, 20), appropriate_body_id="ab-1",
                                   recommendation_received_on=date(2026, 7, 10),
                                   decision_due_by=date(2026, 8, 7), notice_due_by=date(2026, 7, 23)),
    v1.TimetableRecorded(induction_year=1, timetable_percent=90.0, recorded_on=date(2024, 9, 2)),
    v1.SchoolRegistered(school_id="100001", name="Oakwood Primary School"),
    v1.AppropriateBodyRegistered(appropriate_body_id="ab-1", name="North Teaching School Hub AB"),
    reporting_v1.InductionReduced(reduction_terms=2.0, reason="Two years teaching in an independent school",
                                  ect_consented_on=date(2024, 9, 2), decided_on=date(2024, 9, 3),
                                  appropriate_body_id="ab-1", terms_required=4.0),
    reporting_v1.EctRepresentationsMade(
        representations_id=UUID("00000000-0000-4000-8000-00000000d101"), received_on=date(2026, 7, 20),
        summary="The ECT disagrees that the targets set in term 5 were not met.",
        recorded_on_behalf=False, appropriate_body_id="ab-1",
        recommendation=Recommendation.UNSATISFACTORY, recommendation_received_on=date(2026, 7, 10),
        representations_due_by=date(2026, 7, 24), late=False),
    reporting_v1.DecisionNoticeRecorded(
        notice_id=UUID("00000000-0000-4000-8000-00000000d102"), decision=reporting_v1.Decision.FAILED,
        decided_on=date(2026, 7, 27), recipients=[reporting_v1.NoticeRecipient.ECT,
                                                  reporting_v1.NoticeRecipient.TRA],
        given_on=date(2026, 7, 28), method=reporting_v1.NoticeMethod.EMAIL, appropriate_body_id="ab-1",
        notice_due_by=date(2026, 7, 30), late=False,
        recipients_owed=[reporting_v1.NoticeRecipient.HEADTEACHER, reporting_v1.NoticeRecipient.EMPLOYER],
        appeal_due_by=date(2026, 8, 25)),
    reporting_v1.AppealLodged(
        appeal_id=UUID("00000000-0000-4000-8000-00000000d103"), decision=reporting_v1.Decision.FAILED,
        lodged_on=date(2026, 8, 10), grounds="The support plan agreed in term 4 was never put in place.",
        appropriate_body_id="ab-1", appeal_due_by=date(2026, 8, 25), late=False),
    reporting_v1.AppealDecided(
        appeal_id=UUID("00000000-0000-4000-8000-00000000d103"),
        appeal_outcome=reporting_v1.AppealOutcome.EXTENDED, decided_on=date(2026, 10, 5),
        decision=reporting_v1.Decision.FAILED, appropriate_body_id="ab-1", extension_terms=2.0,
        reason="Support the ECT was owed was not given."),
    TermReportSubmitted(
        report_id=UUID("00000000-0000-4000-8000-00000000d001"), kind=TermReportKind.FORMAL_ASSESSMENT,
        term_number=6, on_track=True, evidence_summary="Meets the Teachers' Standards.",
        targets="None outstanding.", submitted_on=date(2026, 7, 10), appropriate_body_id="ab-1",
        recommendation=Recommendation.SATISFACTORY, assessor_id="tutor-1", assessor_role="induction_tutor",
        assessment_meeting_on=date(2026, 7, 3), ect_comments="A good year.",
        signed_off_by=["ect", "headteacher", "induction_tutor"], fully_signed=True,
    ),
    reporting_v1.TermReportDrafted(
        report_id=UUID("00000000-0000-4000-8000-00000000d001"), kind=TermReportKind.FORMAL_ASSESSMENT,
        term_number=6, drafted_on=date(2026, 7, 6), drafted_by="tutor-1",
        headteacher_id="head-1"),
    reporting_v1.TermReportCorrected(
        report_id=UUID("00000000-0000-4000-8000-00000000d001"), kind=TermReportKind.FORMAL_ASSESSMENT,
        term_number=6, corrected_on=date(2026, 7, 7), corrected_by="tutor-1"),
    reporting_v1.TermReportSignedByEct(
        report_id=UUID("00000000-0000-4000-8000-00000000d001"), kind=TermReportKind.FORMAL_ASSESSMENT,
        term_number=6, signed_on=date(2026, 7, 8), name="Ada Lovelace", comments="A good year."),
    reporting_v1.TermReportSignedByHeadteacher(
        report_id=UUID("00000000-0000-4000-8000-00000000d001"), kind=TermReportKind.FORMAL_ASSESSMENT,
        term_number=6, signed_on=date(2026, 7, 9), name="Mary Somerville", headteacher_id="head-1"),
    notifications_v1.NotificationSent(
        notification_id=UUID("00000000-0000-4000-8000-0000000a0001"), rule="report_due",
        recipient_role=Role.INDUCTION_TUTOR, recipient_id="tutor-1", statutory=True,
        due_on=date(2024, 12, 20), channel=notifications_v1.Channel.EMAIL, attempts=1,
        sent_at=datetime(2024, 12, 13, 7, 0, 2, tzinfo=UTC),
    ),
    notifications_v1.NotificationFailed(
        notification_id=UUID("00000000-0000-4000-8000-0000000a0002"), rule="entitlement_at_risk",
        recipient_role=Role.MENTOR, recipient_id=str(MENTOR_ID), statutory=False,
        channel=notifications_v1.Channel.WEBHOOK, attempts=6,
        reason=notifications_v1.FailureReason.RETRIES_EXHAUSTED, detail="HTTP 503",
        failed_at=datetime(2024, 10, 1, 9, 30, tzinfo=UTC),
    ),
]

PAYLOADS.append(privacy.PersonalDataErased(
    subject=privacy.ErasedSubject.ECT, subject_id=ECT_ID, reason="Request SAR-2031, the ECT's own",
    retained_until=date(2032, 7, 31), legal_basis="Order of the court, claim K00XX123"))

# Each contract with personal fields as it is published: the next version, without them (they
# travel sealed in the envelope, tested with keys in tests/unit/test_sealing.py).
PAYLOADS.extend(
    sealed_version(type(p)).model_validate(p.model_dump(exclude=set(personal_fields(type(p)))))
    for p in list(PAYLOADS) if personal_fields(type(p)))

SOURCES = {reporting_v1.__name__: "reporting", notifications_v1.__name__: "notifications"}


def envelope_of(payload: EventPayload) -> EventEnvelope[EventPayload]:
    # about no single ECT: keyed by the mentor (or the school's calendar record)
    about_a_mentor = isinstance(payload, MentorRegistered | v1.MentorTrainingAttended | v1.TermDatesSet)
    return EventEnvelope[type(payload)](  # type: ignore[misc]
        event_id=UUID("00000000-0000-5000-8000-000000000001"),
        event_type=payload.event_type,
        event_version=payload.event_version,
        occurred_at=datetime(2024, 9, 2, tzinfo=UTC),
        recorded_at=datetime(2024, 9, 2, 8, 30, tzinfo=UTC),
        source=SOURCES.get(type(payload).__module__, "scheduling"),
        aggregate_id=MENTOR_ID if about_a_mentor else ECT_ID,
        aggregate_version=1,
        ect_id=None if about_a_mentor else ECT_ID,
        actor=Actor(id="hub-lead-1", role=Role.HUB_LEAD),
        correlation_id=UUID("00000000-0000-4000-8000-0000000c0001"),
        payload=payload,
    )
