"""Who hears about which event, and what they are told: the rules alone, no I/O."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from contracts import Actor, EventEnvelope, EventPayload, Role
from contracts.reporting.v1 import (
    Recommendation,
    SupportPlanShared,
    TermReportKind,
    TermReportSubmitted,
)
from contracts.scheduling.v1 import AbsenceThresholdReached, EctLeft, MentorAssigned, SessionHeld
from notifications.induction import InductionState, PostEntry
from notifications.policy import Policy
from notifications.rules import Rule, notification_id, notifications_for

MENTOR_ID = UUID("00000000-0000-4000-8000-00000000a001")


def envelope(payload: EventPayload, *, ect_id: UUID | None = None, event_id: UUID | None = None,
             source: str = "scheduling") -> EventEnvelope[Any]:
    """An envelope as a producing service would publish it; ids are fresh unless given."""
    return EventEnvelope[type(payload)](  # type: ignore[misc]
        event_id=event_id or uuid.uuid4(), event_type=payload.event_type,
        event_version=payload.event_version, occurred_at=datetime(2025, 9, 1, tzinfo=UTC),
        recorded_at=datetime(2025, 9, 1, 9, tzinfo=UTC), source=source,
        aggregate_id=ect_id or uuid.uuid4(), aggregate_version=2, ect_id=ect_id or uuid.uuid4(),
        actor=Actor(id="lead-1", role=Role.HUB_LEAD), correlation_id=uuid.uuid4(), payload=payload,
    )


def mentor_assigned(*, ect_id: UUID | None = None, event_id: UUID | None = None,
                    **overrides: Any) -> EventEnvelope[Any]:
    fields: dict[str, Any] = {"mentor_id": MENTOR_ID, "assigned_on": date(2025, 9, 1)}
    fields.update(overrides)
    return envelope(MentorAssigned(**fields), ect_id=ect_id, event_id=event_id)


def term_report_submitted(*, ect_id: UUID | None = None, event_id: UUID | None = None,
                          **overrides: Any) -> EventEnvelope[Any]:
    fields: dict[str, Any] = {
        "report_id": uuid.uuid4(), "kind": TermReportKind.PROGRESS_REVIEW, "term_number": 2,
        "on_track": True, "evidence_summary": "Secure behaviour routines.",
        "targets": "Adaptive teaching.", "submitted_on": date(2026, 3, 27),
        "appropriate_body_id": "ab-1",
    }
    fields.update(overrides)
    return envelope(TermReportSubmitted(**fields), ect_id=ect_id, event_id=event_id,
                    source="reporting")


def only(envelope: EventEnvelope[Any], context: InductionState | None = None):  # type: ignore[no-untyped-def]
    notifications = notifications_for(envelope, context)
    assert len(notifications) == 1, notifications
    return notifications[0]


def test_an_assigned_mentor_is_told_whom_they_coach_from_when_and_when_the_first_session_is_due():
    event = mentor_assigned()
    assert event.ect_id is not None
    notification = only(event, InductionState(ect_id=event.ect_id, name="Ada Lovelace", trn="1234567"))
    assert notification.rule is Rule.MENTOR_ASSIGNED
    assert (notification.recipient_role, notification.recipient_id) == (Role.MENTOR, str(MENTOR_ID))
    assert notification.subject == "You have been assigned an ECT"
    assert "mentor of Ada Lovelace (TRN 1234567) from Monday 1 September 2025" in notification.body
    assert "weekly in year 1 and fortnightly in year 2" in notification.body
    assert "first session by Monday 8 September 2025" in notification.body


def test_a_mentor_taking_over_hears_so_and_why_hub_policy_was_set_aside():
    notification = only(mentor_assigned(previous_mentor_id=uuid.uuid4(),
                                        policy_override_reason="Only mentor in the phase."))
    assert "take over from their previous mentor" in notification.body
    assert "Hub policy was set aside for this assignment: Only mentor in the phase." in notification.body


def test_a_first_mentor_within_hub_policy_hears_nothing_of_takeovers_or_overrides():
    body = only(mentor_assigned()).body
    assert "take over" not in body
    assert "Hub policy" not in body


def test_the_appropriate_body_is_told_a_progress_review_was_submitted():
    event = term_report_submitted()
    notification = only(event)
    assert notification.rule is Rule.TERM_REPORT_SUBMITTED
    assert (notification.recipient_role, notification.recipient_id) == (Role.APPROPRIATE_BODY, "ab-1")
    assert notification.subject == "A progress review for term 2 was submitted"
    # told of the review before the registration: said plainly, never the ECT's id instead
    assert ("term 2 of an ECT whose name this service has not been told yet on Friday 27 March 2026"
            in notification.body)
    assert str(event.ect_id) not in notification.body
    assert "The ECT is on track." in notification.body
    assert "support plan" not in notification.body


def test_a_report_saying_the_ect_is_not_on_track_says_a_support_plan_is_due():
    body = only(term_report_submitted(on_track=False)).body
    assert "not on track: a support plan is due" in body
    assert "The ECT is on track." not in body


def test_a_final_assessment_says_what_it_recommends_and_when_the_decision_is_due():
    notification = only(term_report_submitted(kind=TermReportKind.FORMAL_ASSESSMENT, term_number=6,
                                              recommendation=Recommendation.EXTENSION))
    assert notification.subject == "A formal assessment for term 6 was submitted"
    assert "It recommends an extension." in notification.body
    assert "decision (pass, extend or fail) is due within 20 working days" in notification.body


def test_an_interim_assessment_reads_naturally_and_says_the_ect_is_leaving():
    notification = only(term_report_submitted(kind=TermReportKind.INTERIM_ASSESSMENT, term_number=4))
    assert notification.subject == "An interim assessment for term 4 was submitted"
    assert "leaving before their next formal assessment" in notification.body


def test_a_report_naming_no_appropriate_body_notifies_no_one():
    assert notifications_for(term_report_submitted(appropriate_body_id=None)) == []


def test_events_no_rule_is_about_notify_no_one():
    session = SessionHeld(session_id=uuid.uuid4(), mentor_id=MENTOR_ID, held_on=date(2025, 9, 8),
                          minutes=60, observation_included=True)
    assert notifications_for(envelope(session)) == []


def test_a_notification_carries_the_ect_event_and_correlation_of_its_event():
    event = mentor_assigned()
    notification = only(event)
    assert (notification.ect_id, notification.event_id, notification.correlation_id) == (
        event.ect_id, event.event_id, event.correlation_id)


def test_the_same_event_always_yields_the_same_notification_id():
    event_id, ect_id = uuid.uuid4(), uuid.uuid4()
    first = only(mentor_assigned(event_id=event_id, ect_id=ect_id))
    again = only(mentor_assigned(event_id=event_id, ect_id=ect_id))
    assert first.id == again.id == notification_id(
        Rule.MENTOR_ASSIGNED, str(ect_id), f"event:{event_id}", Role.MENTOR, str(MENTOR_ID))
    assert only(mentor_assigned(ect_id=ect_id)).id != first.id
    assert notification_id(Rule.TERM_REPORT_SUBMITTED, str(ect_id), f"event:{event_id}",
                           Role.MENTOR, str(MENTOR_ID)) != first.id


# -- rules that need what the service knows of the ECT (its context) ----------------------

ECT_ID = UUID("00000000-0000-4000-8000-00000000e001")


def context(**fields: Any) -> InductionState:
    """The ECT as the projection knows them: AB ab-1, tutor tutor-1, mentor MENTOR_ID."""
    claim = PostEntry(kind="start", on=date(2025, 9, 1), appropriate_body_id="ab-1", school_id="100001",
                      induction_tutor_id="tutor-1")
    values: dict[str, Any] = {"ect_id": ECT_ID, "posts": [claim], "mentor_id": str(MENTOR_ID)}
    values.update(fields)
    return InductionState(**values)


def support_plan(**overrides: Any) -> EventEnvelope[Any]:
    fields: dict[str, Any] = {"plan_id": uuid.uuid4(), "shared_on": date(2025, 12, 5),
                              "appropriate_body_id": "ab-1", "summary": "Weekly behaviour coaching.",
                              "review_on": date(2026, 2, 6)}
    fields.update(overrides)
    return envelope(SupportPlanShared(**fields), ect_id=ECT_ID, source="reporting")


def test_a_support_plan_for_an_ect_not_on_track_reaches_the_appropriate_body_and_the_hub_lead():
    notifications = notifications_for(support_plan(), context(), Policy(hub_lead_ids=("lead-1",)))
    assert [(n.recipient_role, n.recipient_id) for n in notifications] == [
        (Role.APPROPRIATE_BODY, "ab-1"), (Role.HUB_LEAD, "lead-1")]
    body = notifications[0].body
    assert "not on track" in body and "Weekly behaviour coaching." in body
    assert "reviewed by Friday 6 February 2026" in body
    assert {n.rule for n in notifications} == {Rule.SUPPORT_PLAN_SHARED}
    assert all(n.statutory for n in notifications)


def test_every_hub_lead_configured_hears_of_a_support_plan_once():
    notifications = notifications_for(support_plan(), context(), Policy(hub_lead_ids=("lead-1", "lead-2")))
    assert sorted(n.recipient_id for n in notifications) == ["ab-1", "lead-1", "lead-2"]
    assert len({n.id for n in notifications}) == 3


def test_the_appropriate_body_is_told_at_once_when_absence_reaches_thirty_days_statutory_rule_9():
    event = envelope(AbsenceThresholdReached(induction_year=1, days_counted=31, extension_days=31),
                     ect_id=ECT_ID)
    (notification,) = notifications_for(event, context())
    assert (notification.rule, notification.recipient_role, notification.recipient_id) == (
        Rule.ABSENCE_THRESHOLD_REACHED, Role.APPROPRIATE_BODY, "ab-1")
    assert "reached 31 days" in notification.body
    assert "automatically extended by 31 days (guidance 3.6)" in notification.body
    assert "guidance 5.4" in notification.body


def test_an_ect_leaving_after_a_term_tells_the_appropriate_body_an_interim_assessment_is_due():
    event = envelope(EctLeft(left_on=date(2026, 2, 13), reason="relocating", terms_served=1.4,
                             interim_assessment_due=True), ect_id=ECT_ID)
    (notification,) = notifications_for(event, context())
    assert (notification.rule, notification.recipient_id) == (Rule.ECT_LEFT, "ab-1")
    assert "interim assessment is due" in notification.body
    assert "Friday 13 February 2026" in notification.body
    assert notification.due_on == date(2026, 2, 13)


def test_an_ect_leaving_within_their_first_term_owes_no_interim_assessment():
    event = envelope(EctLeft(left_on=date(2025, 10, 10), reason="illness", terms_served=0.4,
                             interim_assessment_due=False), ect_id=ECT_ID)
    (notification,) = notifications_for(event, context())
    assert "no interim assessment is due" in notification.body
    assert notification.due_on is None


def test_an_event_about_an_ect_this_service_has_not_heard_of_names_no_appropriate_body():
    event = envelope(EctLeft(left_on=date(2026, 2, 13), reason="relocating", terms_served=1.4,
                             interim_assessment_due=True), ect_id=ECT_ID)
    assert notifications_for(event, None) == []


def test_the_final_recommendation_says_by_which_date_the_decision_is_due_in_working_days():
    # Friday 10 July 2026 + 20 working days (no bank holiday in between) = Friday 7 August 2026
    notification = only(term_report_submitted(kind=TermReportKind.FORMAL_ASSESSMENT, term_number=6,
                                              submitted_on=date(2026, 7, 10),
                                              recommendation=Recommendation.SATISFACTORY))
    assert "within 20 working days of receiving it, by Friday 7 August 2026" in notification.body


def test_a_configured_audience_replaces_a_rules_default_recipients():
    policy = Policy(audiences={Rule.ECT_LEFT: (Role.APPROPRIATE_BODY, Role.INDUCTION_TUTOR)})
    event = envelope(EctLeft(left_on=date(2026, 2, 13), reason="relocating", terms_served=1.4,
                             interim_assessment_due=True), ect_id=ECT_ID)
    assert [n.recipient_id for n in notifications_for(event, context(), policy)] == ["ab-1", "tutor-1"]


def test_a_disabled_rule_notifies_no_one():
    policy = Policy(disabled=frozenset({Rule.MENTOR_ASSIGNED}))
    assert notifications_for(mentor_assigned(), context(), policy) == []


def test_a_mentor_assignment_is_not_statutory_so_its_recipient_may_opt_out():
    assert only(mentor_assigned()).statutory is False
    assert only(term_report_submitted()).statutory is True


def test_an_ect_leaving_is_told_the_interim_assessments_due_date_the_clock_gives_2_62():
    # Old behaviour: "by their last day", the leaving date, whatever the clock said; the
    # reminder and this notice now give the one date (statutory.timeline).
    from notifications.induction import evolve
    from notifications.reminders import timeline_of
    from tests.unit.test_notification_induction import ECT, registered

    left_on = date(2026, 2, 13)
    event = envelope(EctLeft(left_on=left_on, reason="relocating", terms_served=1.4,
                             interim_assessment_due=True), ect_id=ECT)
    state = evolve(evolve(InductionState(ect_id=ECT), registered()), event)
    (interim,) = [r for r in timeline_of(state, {}, left_on).reports if r.kind == "interim_assessment"]
    (notification,) = notifications_for(event, state, Policy(), calendars={})
    assert notification.due_on == interim.due_on
    assert f"is due from the induction tutor by {interim.due_on:%A} {interim.due_on.day}" in notification.body
    # and a post shorter than a term owes none, whatever the event said (2.33, 2.62)
    short = envelope(EctLeft(left_on=date(2025, 10, 10), reason="illness", terms_served=0.4,
                             interim_assessment_due=True), ect_id=ECT)
    (none_due,) = notifications_for(short, evolve(evolve(InductionState(ect_id=ECT), registered()), short),
                                    Policy(), calendars={})
    assert none_due.due_on is None and "no interim assessment is due" in none_due.body


def test_no_message_about_an_ect_prints_their_id_but_names_them_by_name_and_trn():
    """People read names (every rule that writes about an ECT)."""
    events = [mentor_assigned(), term_report_submitted(on_track=False)]
    for event in events:
        assert event.ect_id is not None
        context = InductionState(ect_id=event.ect_id, name="Ada Lovelace", trn="1234567",
                                 posts=[PostEntry(kind="start", on=date(2025, 9, 1),
                                                  appropriate_body_id="ab-1", school_id="100001")])
        for notification in notifications_for(event, context):
            assert str(event.ect_id) not in notification.body + notification.subject
            assert "Ada Lovelace (TRN 1234567)" in notification.body
