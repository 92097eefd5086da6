"""Scheduling's domain events -> public integration events (contracts v1).

The TRN index events stay private: they only make a TRN unique, and would tell a
subscriber nothing it needs.
"""

from __future__ import annotations

from typing import Any

from contracts import Role
from contracts.scheduling import v1
from ect_platform.outbox import Translation, Translator
from scheduling.domain.induction import Induction
from scheduling.domain.mentor import Mentor

SOURCE = "scheduling"


def _registered(e: Any) -> Translation:
    payload = v1.EctRegistered(
        trn=e.trn, name=e.name, date_of_birth=e.date_of_birth, school_id=e.school_id,
        subject=e.subject, phase=v1.Phase(e.phase), qts_date=e.qts_date,
        induction_start_date=e.induction_start_date, fte=e.fte,
        appropriate_body_id=e.appropriate_body_id,
        induction_programme=v1.InductionProgramme(e.induction_programme),
        induction_tutor_id=e.induction_tutor_id,
    )
    return Translation(payload, e.induction_start_date, e.originator_id)


def _mentor_registered(e: Any) -> Translation:
    payload = v1.MentorRegistered(
        mentor_id=e.originator_id, trn=e.trn, name=e.name, school_id=e.school_id,
        subject=e.subject, phase=v1.Phase(e.phase), years_teaching=e.years_teaching,
    )
    return Translation(payload, None, None)


def _mentor_assigned(e: Any) -> Translation:
    payload = v1.MentorAssigned(
        mentor_id=e.mentor_id, previous_mentor_id=e.previous_mentor_id,
        assigned_on=e.assigned_on, policy_override_reason=e.policy_override_reason,
    )
    return Translation(payload, e.assigned_on, e.originator_id)


def _session_held(e: Any) -> Translation:
    payload = v1.SessionHeld(
        session_id=e.session_id, mentor_id=e.mentor_id, held_on=e.held_on, minutes=e.minutes,
        observation_included=e.observation_included, action_step=e.action_step,
    )
    return Translation(payload, e.held_on, e.originator_id)


def _drop_in_recorded(e: Any) -> Translation:
    payload = v1.DropInRecorded(
        drop_in_id=e.drop_in_id, observed_on=e.observed_on, observer_id=e.observer_id,
        observer_role=Role(e.observer_role), focus_area=e.focus_area, strengths=e.strengths,
        development_areas=e.development_areas, next_step=e.next_step,
    )
    return Translation(payload, e.observed_on, e.originator_id)


to_integration_event = Translator(
    SOURCE,
    {
        Induction.EctRegistered: _registered,  # type: ignore[attr-defined]
        Induction.MentorAssigned: _mentor_assigned,  # type: ignore[attr-defined]
        Induction.SessionHeld: _session_held,  # type: ignore[attr-defined]
        Induction.DropInRecorded: _drop_in_recorded,  # type: ignore[attr-defined]
        Mentor.MentorRegistered: _mentor_registered,  # type: ignore[attr-defined]
    },
)
