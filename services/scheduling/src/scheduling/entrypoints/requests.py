"""The bodies scheduling's commands accept. Unknown fields are refused, strings trimmed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from contracts.scheduling.v1 import (
    TRN_PATTERN,
    AbsenceReason,
    EctTrainingKind,
    InductionProgramme,
    MentorTrainingKind,
    MissedBy,
    Phase,
    TermName,
)

RequestId = Field(default=None, min_length=1, max_length=100,
                  description="Client's id for this request: sending it again records nothing new")


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RegisterEct(Command):
    trn: str = Field(pattern=TRN_PATTERN, description="Teacher reference number: 7 digits")
    name: str = Field(min_length=1, max_length=200)
    date_of_birth: date
    school_id: str = Field(min_length=1, max_length=64)
    subject: str | None = Field(default=None, max_length=100)
    phase: Phase
    qts_date: date
    induction_start_date: date
    fte: float = Field(gt=0, le=1, description="Full-time equivalent, e.g. 1.0 or 0.6")
    appropriate_body_id: str = Field(min_length=1, max_length=64)
    induction_programme: InductionProgramme
    induction_tutor_id: str = Field(min_length=1, max_length=64)
    registration_received_on: date | None = Field(
        default=None, description="When the AB received the school's notification (default: today)")


class RegisterMentor(Command):
    trn: str = Field(pattern=TRN_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    school_id: str = Field(min_length=1, max_length=64)
    subject: str | None = Field(default=None, max_length=100)
    phase: Phase
    years_teaching: int = Field(ge=0, le=60)


class AssignMentor(Command):
    mentor_id: UUID
    assigned_on: date
    override_reason: str | None = Field(
        default=None, min_length=3, max_length=1000,
        description="Required when the assignment breaks hub policy; recorded in the event")


class RecordSession(Command):
    request_id: str | None = RequestId
    held_on: date
    minutes: int = Field(gt=0, le=480)
    observation_included: bool = True
    action_step: str | None = Field(default=None, max_length=2000)


class RecordMissedSession(Command):
    request_id: str | None = RequestId
    due_on: date
    reason: MissedBy
    note: str | None = Field(default=None, max_length=2000)


class RecordDropIn(Command):
    request_id: str | None = RequestId
    observed_on: date
    focus_area: str = Field(min_length=1, max_length=200, description="ITTECF area")
    strengths: str = Field(min_length=1, max_length=4000)
    development_areas: str = Field(min_length=1, max_length=4000)
    next_step: str | None = Field(default=None, max_length=2000)


class RecordEctTraining(Command):
    request_id: str | None = RequestId
    kind: EctTrainingKind
    held_on: date
    attended: bool


class CompleteCatchUp(Command):
    completed_on: date


class RecordMentorTraining(Command):
    request_id: str | None = RequestId
    kind: MentorTrainingKind
    held_on: date
    attended: bool


class RecordAbsence(Command):
    request_id: str | None = RequestId
    first_day: date
    days: float = Field(gt=0, le=400, multiple_of=0.5, description="Days absent, in half days")
    reason: AbsenceReason


class OptToExtend(Command):
    extension_days: float = Field(gt=0, le=400, multiple_of=0.5)


class RecordTimetable(Command):
    timetable_percent: float = Field(gt=0, le=100, description="Share of a normal timetable, in %: at most "
                                     "90 in year 1 and 95 in year 2 (2.20-2.21)")


class ChangeWorkingPattern(Command):
    fte: float = Field(gt=0, le=1)
    effective_from: date


class Transfer(Command):
    to_school_id: str = Field(min_length=1, max_length=64)
    effective_on: date
    induction_tutor_id: str = Field(min_length=1, max_length=64)


class Release(Command):
    released_on: date
    reason: str = Field(min_length=1, max_length=1000)
    number_of_terms: Decimal | None = Field(
        default=None, ge=0, max_digits=3, decimal_places=1,
        description="The FTE terms the AB records for the period it closes (2.31); without it, the "
        "period counts as the induction clock counts it")


class Leave(Command):
    left_on: date
    reason: str = Field(min_length=1, max_length=1000)


class TermDatesBody(Command):
    name: TermName
    start: date
    end: date
    half_term_start: date | None = None
    half_term_end: date | None = None


class SetTermDates(Command):
    terms: list[TermDatesBody] = Field(min_length=3, max_length=3)


class GiveName(Command):
    """The name people read for a school (by its URN) or an appropriate body (by its id)."""

    name: str = Field(min_length=1, max_length=200)


class ErasePerson(Command):
    trn: str = Field(pattern=TRN_PATTERN, description="The person's TRN: as an ECT and as a mentor")
    reason: str = Field(min_length=1, max_length=500, description="Why, e.g. the request's "
                        "reference; recorded with the erasure, so it must hold no personal data")
    force: bool = Field(default=False, description="Erase inside the statutory retention period "
                        "(2.77): needs legal_basis")
    legal_basis: str | None = Field(default=None, min_length=1, max_length=500,
                                    description="The legal reason a forced erasure rests on")
