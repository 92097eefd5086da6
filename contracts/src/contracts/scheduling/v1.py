"""Version 1 of the events scheduling publishes on ``ect.scheduling.events.v1``."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from contracts.base import PERSONAL, EventPayload, Role


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

    trn: str = Field(pattern=TRN_PATTERN, description="Teacher reference number, 7 digits.",
                     json_schema_extra=PERSONAL)
    name: str = Field(json_schema_extra=PERSONAL)
    date_of_birth: date = Field(json_schema_extra=PERSONAL)
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
    trn: str = Field(json_schema_extra=PERSONAL, pattern=TRN_PATTERN)
    name: str = Field(json_schema_extra=PERSONAL)
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
        default=None, description="Why hub policy (experience, phase, subject) was set aside.",
        json_schema_extra=PERSONAL,
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
    action_step: str | None = Field(default=None, json_schema_extra=PERSONAL)


class DropInRecorded(EventPayload):
    """An informal drop-in: how the ECT applies evidence-informed practice (ITTECF)."""

    event_type: ClassVar[str] = "DropInRecorded"
    event_version: ClassVar[int] = 1

    drop_in_id: UUID
    observed_on: date
    observer_id: str
    observer_role: Role
    focus_area: str = Field(description="The ITTECF area looked at.")
    strengths: str = Field(json_schema_extra=PERSONAL)
    development_areas: str = Field(json_schema_extra=PERSONAL)
    next_step: str | None = Field(default=None, json_schema_extra=PERSONAL)


# -- calendars -------------------------------------------------------------------------


class TermName(StrEnum):
    AUTUMN = "autumn"
    SPRING = "spring"
    SUMMER = "summer"


class SchoolRegistered(EventPayload):
    """The school's name, as people read it (the school is known everywhere by ``school_id``, its
    URN). Given again when the name changes: the latest is the name."""

    event_type: ClassVar[str] = "SchoolRegistered"
    event_version: ClassVar[int] = 1

    school_id: str = Field(description="The school's URN.")
    name: str = Field(min_length=1, max_length=200)


class AppropriateBodyRegistered(EventPayload):
    """An appropriate body's name, as people read it. Given again when the name changes."""

    event_type: ClassVar[str] = "AppropriateBodyRegistered"
    event_version: ClassVar[int] = 1

    appropriate_body_id: str
    name: str = Field(min_length=1, max_length=200)


class TermDates(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    name: TermName
    start: date
    end: date
    half_term_start: date | None = None
    half_term_end: date | None = None


class TermDatesSet(EventPayload):
    """A school's term dates for one academic year; every service computes with the same calendar."""

    event_type: ClassVar[str] = "TermDatesSet"
    event_version: ClassVar[int] = 1

    school_id: str
    academic_year: int = Field(description="The year the academic year starts: 2025 for 2025/26.")
    terms: list[TermDates] = Field(min_length=3, max_length=3)


# -- the induction period --------------------------------------------------------------


class EctClaimed(EventPayload):
    """After a release, another appropriate body claimed the ECT: a new induction period."""

    event_type: ClassVar[str] = "EctClaimed"
    event_version: ClassVar[int] = 1

    appropriate_body_id: str
    period_start_date: date
    school_id: str
    fte: float = Field(gt=0, le=1)
    induction_programme: InductionProgramme
    induction_tutor_id: str


class EctReleased(EventPayload):
    """The appropriate body ended its induction period; another AB may now claim the ECT."""

    event_type: ClassVar[str] = "EctReleased"
    event_version: ClassVar[int] = 1

    appropriate_body_id: str
    released_on: date
    reason: str = Field(json_schema_extra=PERSONAL)
    terms_served: float = Field(description="FTE terms served so far, one decimal place.")
    terms_recorded: float | None = Field(
        default=None, ge=0, description="The number of terms the AB recorded for the period it "
        "closes (2.31), when it gave one: the period then counts as recorded.")


class InductionOutcomeImported(EventPayload):
    """An appropriate body's pass or fail, decided before the platform held the record and
    loaded with it (``POST /imports/inductions``; the envelope's provenance carries the file).
    Live decisions are reporting's InductionOutcomeRecorded; this one was never made here, so
    it is not a decision to submit again, only the end of the induction."""

    event_type: ClassVar[str] = "InductionOutcomeImported"
    event_version: ClassVar[int] = 1

    outcome: Literal["passed", "failed"] = Field(description="As reporting's Outcome spells it.")
    decided_on: date
    appropriate_body_id: str
    terms_served: float = Field(description="FTE terms served, one decimal place, as the clock "
                                "counts them with the AB's number of terms for the period.")


class EctTransferred(EventPayload):
    """The ECT moved school; their history goes with them and the mentor must be reassigned."""

    event_type: ClassVar[str] = "EctTransferred"
    event_version: ClassVar[int] = 1

    from_school_id: str
    to_school_id: str
    effective_on: date
    induction_tutor_id: str
    previous_mentor_id: UUID | None = None


class WorkingPatternChanged(EventPayload):
    event_type: ClassVar[str] = "WorkingPatternChanged"
    event_version: ClassVar[int] = 1

    fte: float = Field(gt=0, le=1)
    effective_from: date


class EctLeft(EventPayload):
    """The ECT left part-way. An interim assessment is due when the post was held for at least a
    term and no formal assessment was held in the term they leave (2.62), as the induction
    clock (``statutory.timeline``) decides; it gives the due date too."""

    event_type: ClassVar[str] = "EctLeft"
    event_version: ClassVar[int] = 1

    left_on: date = Field(description="The last day in post.")
    reason: str = Field(json_schema_extra=PERSONAL)
    terms_served: float = Field(description="FTE terms of induction served, counted only in post "
                                "(2.30, 2.33), one decimal place.")
    interim_assessment_due: bool


# -- coaching and engagement -------------------------------------------------------------


class MissedBy(StrEnum):
    ECT_ABSENT = "ect_absent"
    MENTOR_ABSENT = "mentor_absent"
    SCHOOL_EVENT = "school_event"
    OTHER = "other"


class SessionMissed(EventPayload):
    event_type: ClassVar[str] = "SessionMissed"
    event_version: ClassVar[int] = 1

    session_id: UUID
    mentor_id: UUID | None
    due_on: date
    reason: MissedBy
    note: str | None = Field(default=None, json_schema_extra=PERSONAL)


class MentorTrainingKind(StrEnum):
    CONFERENCE = "conference"
    CLINIC = "clinic"
    COACHING_FOR_MENTORS = "coaching_for_mentors"


class MentorTrainingAttended(EventPayload):
    """A mentor's own training session, attended or missed (``attended`` says which)."""

    event_type: ClassVar[str] = "MentorTrainingAttended"
    event_version: ClassVar[int] = 1

    mentor_id: UUID
    training_id: UUID
    kind: MentorTrainingKind
    held_on: date
    attended: bool


class EctTrainingKind(StrEnum):
    CLINIC = "clinic"
    CONFERENCE = "conference"


class EctTrainingRecorded(EventPayload):
    """A hub clinic or conference for the ECT, attended or missed."""

    event_type: ClassVar[str] = "EctTrainingRecorded"
    event_version: ClassVar[int] = 1

    training_id: UUID
    kind: EctTrainingKind
    held_on: date
    attended: bool


class CatchUpAssigned(EventPayload):
    """A missed clinic becomes catch-up work for the ECT."""

    event_type: ClassVar[str] = "CatchUpAssigned"
    event_version: ClassVar[int] = 1

    catch_up_id: UUID
    training_id: UUID
    due_by: date


class CatchUpCompleted(EventPayload):
    event_type: ClassVar[str] = "CatchUpCompleted"
    event_version: ClassVar[int] = 1

    catch_up_id: UUID
    completed_on: date


# -- absence -----------------------------------------------------------------------------


class AbsenceReason(StrEnum):
    SICKNESS = "sickness"
    COMPASSIONATE = "compassionate"
    UNAUTHORISED = "unauthorised"
    OTHER = "other"
    MATERNITY = "maternity"
    PATERNITY = "paternity"
    ADOPTION = "adoption"
    SHARED_PARENTAL = "shared_parental"
    PARENTAL_BEREAVEMENT = "parental_bereavement"
    CARERS = "carers"


class AbsenceRecorded(EventPayload):
    event_type: ClassVar[str] = "AbsenceRecorded"
    event_version: ClassVar[int] = 1

    absence_id: UUID
    first_day: date
    days: float = Field(gt=0)
    reason: AbsenceReason
    statutory_leave: bool = Field(description="Statutory leave never counts towards the 30 days (3.7).")
    induction_year: int = Field(ge=1)
    days_counted_in_year: float = Field(description="Counted days in that induction year, this one included.")


class AbsenceThresholdReached(EventPayload):
    """Absence in one induction year reached 30 days: that year is extended by the days absent (3.6)."""

    event_type: ClassVar[str] = "AbsenceThresholdReached"
    event_version: ClassVar[int] = 1

    induction_year: int
    days_counted: float
    extension_days: float


class TimetableRecorded(EventPayload):
    """The school recorded the share of a normal timetable the ECT teaches in a year of
    induction: at most 90% in year 1 and 95% in year 2 (2.20-2.21)."""

    event_type: ClassVar[str] = "TimetableRecorded"
    event_version: ClassVar[int] = 1

    induction_year: int = Field(ge=1, le=2)
    timetable_percent: float = Field(gt=0, le=100, description="Share of a normal timetable, in %.")
    recorded_on: date


class StatutoryLeaveExtensionGranted(EventPayload):
    """The ECT returning from statutory leave chose to extend; such a request is always granted (3.7)."""

    event_type: ClassVar[str] = "StatutoryLeaveExtensionGranted"
    event_version: ClassVar[int] = 1

    extension_days: float = Field(gt=0)
    requested_on: date
