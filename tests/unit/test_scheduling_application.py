"""Scheduling use cases, in memory: given past commands, when a command, then events or an error."""

from __future__ import annotations

from datetime import date

import pytest

from contracts import Actor, Role
from ect_platform.identity import Principal
from scheduling import access
from scheduling.application import SchedulingApplication
from scheduling.domain.errors import (
    DateOutsideInductionError,
    EctNotFoundError,
    MentorIneligibleError,
    MentorPolicyBreachError,
    NotAssignedMentorError,
    StartBeforeQtsError,
    TrnAlreadyRegisteredError,
)
from scheduling.integration.outbound import to_integration_event
from tests.unit.scheduling_fixtures import Clock, ect_details, in_memory_app, mentor_details, provenance


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(clock) -> SchedulingApplication:
    return in_memory_app(clock)


def published(app: SchedulingApplication) -> list[str]:
    """The public event types the relay would publish, in log order."""
    envelopes = [
        to_integration_event(app.mapper.to_domain_event(n))
        for n in app.recorder.select_notifications(start=1, limit=1000)
    ]
    return [e.event_type for e in envelopes if e is not None]


def registered_pair(app: SchedulingApplication):  # type: ignore[no-untyped-def]
    ect_id = app.register_ect(provenance=provenance(), **ect_details())
    mentor_id = app.register_mentor(provenance=provenance("hub_lead"), **mentor_details())
    return ect_id, mentor_id


def test_registering_an_ect_publishes_ect_registered_and_keeps_the_trn_index_private(app):
    app.register_ect(provenance=provenance(), **ect_details())
    assert published(app) == ["EctRegistered"]


def test_a_teacher_cannot_be_registered_twice(app):
    app.register_ect(provenance=provenance(), **ect_details())
    with pytest.raises(TrnAlreadyRegisteredError, match="1234567"):
        app.register_ect(provenance=provenance(), **ect_details(name="Someone Else"))
    assert published(app) == ["EctRegistered"]


def test_induction_cannot_start_before_qts_statutory_rule_4(app):
    with pytest.raises(StartBeforeQtsError, match=r"2\.10"):
        app.register_ect(provenance=provenance(), **ect_details(qts_date=date(2025, 9, 2)))
    assert published(app) == []


def test_assigning_an_eligible_mentor_publishes_mentor_assigned(app):
    ect_id, mentor_id = registered_pair(app)
    assert app.assign_mentor(ect_id, mentor_id, assigned_on=date(2025, 9, 1), override_reason=None,
                             provenance=provenance("hub_lead"))
    assert published(app)[-1] == "MentorAssigned"
    assert app.get_induction(ect_id).mentor_id == mentor_id


def test_assigning_the_same_mentor_again_records_nothing(app):
    ect_id, mentor_id = registered_pair(app)
    kwargs = {"assigned_on": date(2025, 9, 1), "override_reason": None,
              "provenance": provenance("hub_lead")}
    app.assign_mentor(ect_id, mentor_id, **kwargs)
    assert app.assign_mentor(ect_id, mentor_id, **kwargs) is False
    assert published(app).count("MentorAssigned") == 1


def test_a_mentor_with_too_little_experience_is_refused_without_an_override_reason(app):
    ect_id = app.register_ect(provenance=provenance(), **ect_details())
    mentor_id = app.register_mentor(provenance=provenance("hub_lead"),
                                    **mentor_details(years_teaching=2))
    with pytest.raises(MentorPolicyBreachError, match="2 years"):
        app.assign_mentor(ect_id, mentor_id, assigned_on=date(2025, 9, 1), override_reason=None,
                          provenance=provenance("hub_lead"))
    assert "MentorAssigned" not in published(app)


def test_an_override_reason_sets_policy_aside_and_is_recorded_in_the_event(app):
    ect_id = app.register_ect(provenance=provenance(), **ect_details())
    mentor_id = app.register_mentor(provenance=provenance("hub_lead"),
                                    **mentor_details(subject="physics"))
    app.assign_mentor(ect_id, mentor_id, assigned_on=date(2025, 9, 1),
                      override_reason="only science specialist in a small school",
                      provenance=provenance("hub_lead"))
    last = app.recorder.select_notifications(start=1, limit=100)[-1]
    envelope = to_integration_event(app.mapper.to_domain_event(last))
    assert envelope is not None
    assert envelope.payload.policy_override_reason == "only science specialist in a small school"


def test_a_mentor_at_another_school_is_refused_even_with_a_reason(app):
    ect_id = app.register_ect(provenance=provenance(), **ect_details())
    mentor_id = app.register_mentor(provenance=provenance("hub_lead"),
                                    **mentor_details(school_id="999999"))
    with pytest.raises(MentorIneligibleError, match="school"):
        app.assign_mentor(ect_id, mentor_id, assigned_on=date(2025, 9, 1),
                          override_reason="please", provenance=provenance("hub_lead"))


def test_recording_the_same_session_twice_with_one_request_id_records_it_once(app, clock):
    ect_id, _ = registered_pair(app)
    clock.today = date(2025, 9, 30)
    kwargs = {"request_id": "req-1", "held_on": date(2025, 9, 8), "minutes": 60,
              "observation_included": True, "action_step": "Cold call", "provenance": provenance("hub_lead")}
    first_id, first_created = app.record_session(ect_id, **kwargs)
    second_id, second_created = app.record_session(ect_id, **kwargs)
    assert (first_created, second_created) == (True, False)
    assert first_id == second_id
    assert app.get_induction(ect_id).sessions_held == 1
    assert published(app).count("SessionHeld") == 1


def test_a_session_cannot_predate_the_induction_start(app):
    ect_id, _ = registered_pair(app)
    with pytest.raises(DateOutsideInductionError):
        app.record_session(ect_id, request_id=None, held_on=date(2025, 8, 31), minutes=60,
                           observation_included=True, action_step=None, provenance=provenance("hub_lead"))


def test_a_mentor_may_record_only_for_their_own_ects(app, clock):
    ect_id, mentor_id = registered_pair(app)
    clock.today = date(2025, 9, 30)
    mentor = Principal(actor=Actor(id=str(mentor_id), role=Role.MENTOR))

    def as_mentor(ect):  # type: ignore[no-untyped-def]
        access.check_may_record_coaching(mentor, ect, "record a session")

    kwargs = {"request_id": None, "held_on": date(2025, 9, 8), "minutes": 60,
              "observation_included": True, "action_step": None,
              "provenance": provenance("mentor", str(mentor_id)), "authorize": as_mentor}
    with pytest.raises(NotAssignedMentorError):
        app.record_session(ect_id, **kwargs)
    app.assign_mentor(ect_id, mentor_id, assigned_on=date(2025, 9, 1), override_reason=None,
                      provenance=provenance("hub_lead"))
    _, created = app.record_session(ect_id, **kwargs)
    assert created


def test_commands_on_an_unknown_ect_are_refused(app):
    import uuid

    with pytest.raises(EctNotFoundError):
        app.record_drop_in(uuid.uuid4(), request_id=None, observed_on=date(2025, 9, 8),
                           focus_area="Adaptive teaching", strengths="s", development_areas="d",
                           next_step=None, provenance=provenance("hub_lead"))


def test_every_envelope_carries_the_actor_and_correlation_of_its_command(app):
    command = provenance("appropriate_body", "ab-7")
    ect_id = app.register_ect(provenance=command, **ect_details())
    notification = app.recorder.select_notifications(start=1, limit=10)[0]
    envelope = to_integration_event(app.mapper.to_domain_event(notification))
    assert envelope is not None
    assert (envelope.actor.id, envelope.actor.role.value) == ("ab-7", "appropriate_body")
    assert envelope.correlation_id == command.correlation_id
    assert envelope.ect_id == ect_id
    assert envelope.occurred_at.date() == date(2025, 9, 1)  # the induction start, not the clock


def test_event_ids_are_deterministic_so_a_republished_event_is_recognisable(app):
    app.register_ect(provenance=provenance(), **ect_details())
    notification = app.recorder.select_notifications(start=1, limit=10)[0]
    first = to_integration_event(app.mapper.to_domain_event(notification))
    again = to_integration_event(app.mapper.to_domain_event(notification))
    assert first is not None and again is not None
    assert first.event_id == again.event_id
