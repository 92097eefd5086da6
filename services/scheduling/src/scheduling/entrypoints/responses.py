"""Typed answers of scheduling's JSON routes, so ``/openapi.json`` documents every field a
client receives.

The routes still build their answers as they did (``scheduling.views`` and plain dicts) and
name these models as ``response_model``: FastAPI validates the dict into the model and
serializes that. So every key a route returns is a field here, in the order it is returned
(a key missing here would be dropped from the answer), and a figure that may be a whole
number is ``Number`` (``int | float``): a ``float`` field would turn ``0`` into ``0.0``.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

Number = int | float
"""A figure in days or terms that may be a whole ``int`` or a ``float``: kept as it was made."""


class Answer(BaseModel):
    # a key the route returns that no field names fails loudly (500 in a test) rather than
    # being dropped silently from the answer
    model_config = ConfigDict(extra="forbid")


class Created(Answer):
    id: UUID


class Recorded(Answer):
    """A record made by a request id: ``created`` is false on a safe retry (200, not 201)."""

    id: UUID
    created: bool


class TrainingRecorded(Answer):
    id: UUID
    catch_up_id: UUID | None = Field(description="The catch-up work a missed clinic assigns")
    created: bool


class CatchUpCompleted(Answer):
    id: UUID
    completed: bool
    changed: bool


class ExtensionGranted(Answer):
    ect_id: UUID
    granted: bool
    extension_days: Number


class TimetableRecorded(Answer):
    ect_id: UUID
    induction_year: int
    timetable_percent: Number
    changed: bool


class EctChanged(Answer):
    ect_id: UUID
    changed: bool


class EctTransferred(Answer):
    ect_id: UUID
    school_id: str


class EctStatus(Answer):
    ect_id: UUID
    status: Literal["released", "left"]


class MentorAssigned(Answer):
    ect_id: UUID
    mentor_id: UUID
    changed: bool


# -- GET /ects/{id}: scheduling.views.ect_view ----------------------------------------------------

class WorkingPatternChange(Answer):
    effective_from: date
    fte: Number


class Period(Answer):
    appropriate_body_id: str
    start: date
    end: date | None


class Absence(Answer):
    first_day: date
    days: Number
    reason: str
    induction_year: int
    counts: bool


class ReportDue(Answer):
    kind: str
    term_number: int
    held_on: date | None
    due_on: date
    appropriate_body_id: str | None
    school_id: str | None
    final: bool
    postponed_until: date | None


class OpenCatchUp(Answer):
    id: UUID
    due_by: date


class Timetable(Answer):
    induction_year: int
    timetable_percent: Number
    limit_percent: Number


class Gap(Answer):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_: date = Field(alias="from")
    to: date
    days: int
    reason: str


class AssessmentPoint(Answer):
    terms: float
    on: date | None
    final: bool


class Breakdown(Answer):
    """The induction clock's figures and how they were reached (``Timeline.breakdown``, the same
    in every service). Its periods and required lines are the kernel's plain JSON values."""

    as_of: date
    terms_served: float
    whole_terms: int
    terms_required: float
    terms_remaining: float
    induction_year: int
    year_two_starts: date | None
    extension_starts: date | None
    periods: list[dict[str, Any]] = Field(description="Each induction period: its days, terms "
                                          "and how they were counted")
    gaps: list[Gap]
    required: list[dict[str, Any]] = Field(description="The terms required: six statutory, then "
                                           "each extension or reduction with its reason")
    assessment_points: list[AssessmentPoint]


class EctView(Answer):
    id: UUID
    version: int
    trn: str
    name: str
    status: str
    school_id: str
    subject: str | None
    phase: str
    qts_date: date
    induction_start_date: date
    fte: Number
    working_pattern: list[WorkingPatternChange]
    appropriate_body_id: str | None
    periods: list[Period]
    induction_programme: str
    induction_tutor_id: str | None
    left_on: date | None
    induction_year: int
    year_two_starts: date | None
    terms_served: float
    terms_required: float
    terms_remaining: float
    absence_days_counted_this_year: Number
    absence_extension_days: Number
    statutory_leave_extension_days: Number
    absences: list[Absence]
    reports_due: list[ReportDue]
    mentor_id: UUID | None
    sessions_expected: int
    sessions_held: int
    sessions_missed: int
    minutes_coached: int
    last_session_on: date | None
    drop_ins: int
    open_catch_ups: list[OpenCatchUp]
    timetable: list[Timetable]
    breakdown: Breakdown


class TrainingTally(Answer):
    attended: int
    missed: int


class MentorView(Answer):
    id: UUID
    trn: str
    name: str
    school_id: str
    subject: str | None
    phase: str
    years_teaching: int
    training: dict[str, TrainingTally] = Field(description="Attended and missed, per kind of "
                                               "training")


# -- calendars and the directory ----------------------------------------------------------------

class Term(Answer):
    name: str
    start: date
    end: date
    half_term_start: date | None
    half_term_end: date | None


class TermDatesSet(Answer):
    school_id: str
    academic_year: int
    changed: bool


class TermDates(Answer):
    school_id: str
    academic_year: int
    source: Literal["school", "england_default"]
    terms: list[Term]


class SchoolNamed(Answer):
    school_id: str
    name: str | None
    changed: bool


class School(Answer):
    school_id: str
    name: str | None


class AppropriateBodyNamed(Answer):
    appropriate_body_id: str
    name: str | None
    changed: bool


class AppropriateBody(Answer):
    appropriate_body_id: str
    name: str | None


# -- imports ------------------------------------------------------------------------------------

class RowProblem(Answer):
    row: int = Field(description="As a spreadsheet numbers it (the header is row 1); 0: the file")
    trn: str
    name: str
    field: str
    reason: str


class ImportAnswer(Answer):
    """``ImportResult.as_dict``: a 200 dry run or a 201 upload, every row valid."""

    rows: int
    created: int
    unchanged: int
    errors: list[RowProblem]
    dry_run: bool


class SubjectAccessAnswer(BaseModel):
    """``ect_platform.subject_access.answer``: who asked about whom, whether anything is held,
    then one section per kind of record held about the person."""

    # open-ended by design: the sections are every record held about the person, each with
    # every stored event of it, in whatever shape it was stored (UK GDPR Art. 15 asks for all)
    model_config = ConfigDict(extra="allow")

    service: str
    trn: str
    held: bool
