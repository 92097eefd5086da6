"""Version 1 of the events scheduling publishes on ``ect.scheduling.events.v1``."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from pydantic import Field

from contracts.base import EventPayload, Role


class Phase(StrEnum):
    EARLY_YEARS = "early_years"
    PRIMARY = "primary"
    SECONDARY = "secondary"
    ALL_THROUGH = "all_through"
    SPECIAL = "special"
    FURTHER_EDUCATION = "further_education"


class InductionProgramme(StrEnum):
    PROVIDER_LED = "provider_led"
    SCHOOL_LED = "school_led"


TRN_PATTERN = r"^\d{7}$"


class EctRegistered(EventPayload):
    """An appropriate body claimed the ECT: their induction period starts on ``induction_start_date``."""

    event_type: ClassVar[str] = "EctRegistered"
    event_version: ClassVar[int] = 1

    trn: str = Field(pattern=TRN_PATTERN, description="Teacher reference number, 7 digits.")
    name: str
    date_of_birth: date
    school_id: str
    subject: str | None = None
    phase: Phase
    qts_date: date
    induction_start_date: date
    fte: float = Field(gt=0, le=1, description="Full-time equivalent, e.g. 0.6.")
    appropriate_body_id: str
    induction_programme: InductionProgramme
    induction_tutor_id: str


class MentorRegistered(EventPayload):
    event_type: ClassVar[str] = "MentorRegistered"
    event_version: ClassVar[int] = 1

    mentor_id: UUID
    trn: str = Field(pattern=TRN_PATTERN)
    name: str
    school_id: str
    subject: str | None = None
    phase: Phase
    years_teaching: int = Field(ge=0)


class MentorAssigned(EventPayload):
    """The ECT's mentor from ``assigned_on``; replaces ``previous_mentor_id`` if there was one."""

    event_type: ClassVar[str] = "MentorAssigned"
    event_version: ClassVar[int] = 1

    mentor_id: UUID
    previous_mentor_id: UUID | None = None
    assigned_on: date
    policy_override_reason: str | None = Field(
        default=None, description="Why hub policy (experience, phase, subject) was set aside."
    )


class SessionHeld(EventPayload):
    """A coaching session (observation and instructional coaching) took place."""

    event_type: ClassVar[str] = "SessionHeld"
    event_version: ClassVar[int] = 1

    session_id: UUID
    mentor_id: UUID | None
    held_on: date
    minutes: int = Field(gt=0)
    observation_included: bool
    action_step: str | None = None


class DropInRecorded(EventPayload):
    """An informal drop-in: how the ECT applies evidence-informed practice (ITTECF)."""

    event_type: ClassVar[str] = "DropInRecorded"
    event_version: ClassVar[int] = 1

    drop_in_id: UUID
    observed_on: date
    observer_id: str
    observer_role: Role
    focus_area: str = Field(description="The ITTECF area looked at.")
    strengths: str
    development_areas: str
    next_step: str | None = None
