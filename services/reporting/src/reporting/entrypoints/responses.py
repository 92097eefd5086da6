"""Typed answers of reporting's JSON routes, so ``/openapi.json`` documents every field.

The reads of what was written (term reports with their signatures, support plans) are built
as these models. The other routes still build dicts (the projections' rows, the commands'
answers) and name a model here as ``response_model``: FastAPI validates the dict into it, so
every key a route returns is a field, in the order it is returned (``extra="forbid"``: a key
left out fails loudly rather than being dropped). People are named: the ECT by name and TRN,
each signature by the signer's name, the school and the AB by theirs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

Step = Literal["ect_to_sign", "headteacher_to_sign", "tutor_to_submit", "submitted"]


class Signature(BaseModel):
    role: Literal["induction_tutor", "headteacher", "ect"]
    name: str = Field(description="The signer's name, as signed")
    signed_on: date


class Named(BaseModel):
    """The ECT, their school and the AB, by name (None where not known yet) beside the ids."""

    ect_id: UUID
    ect_name: str | None
    ect_trn: str | None
    school_id: str | None
    school_name: str | None
    appropriate_body_id: str | None
    appropriate_body_name: str | None


class TermReportView(Named):
    id: UUID
    kind: Literal["progress_review", "formal_assessment", "interim_assessment"]
    term_number: int
    status: Literal["draft", "submitted"]
    step: Step = Field(description="Whose step it is: the ECT to sign, the headteacher to sign "
                       "(assessments), the tutor to submit; or submitted to the AB")
    on_track: bool
    evidence_summary: str
    targets: str
    recommendation: str | None
    assessor_id: str | None
    assessor_role: str | None
    assessor_name: str | None = Field(description="From the assessor's signature, when signed")
    assessment_meeting_on: date | None
    ect_comments: str | None
    signatures: list[Signature]
    fully_signed: bool | None = Field(description="Submitted reports: whether every signature "
                                      "it needs is on it (2.74)")
    drafted_on: date | None
    submitted_on: date | None
    induction_served_terms: float | None
    days_absent_since_last_assessment: float | None


class TermReportPage(BaseModel):
    items: list[TermReportView]
    total: int
    limit: int
    offset: int


class SupportPlanView(Named):
    id: UUID
    report_id: UUID | None = Field(description="The review that found the ECT not on track")
    shared_on: date
    summary: str
    review_on: date | None
    shared_by_role: str


class SupportPlanPage(BaseModel):
    items: list[SupportPlanView]
    total: int
    limit: int
    offset: int


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- commands' answers ------------------------------------------------------------------------

class ReportStep(Answer):
    id: UUID
    step: Step


class ReportSent(Answer):
    """A draft started (``step`` is ``ect_to_sign``) or a signed report submitted (no ``step``)."""

    id: UUID
    step: Step | None = Field(default=None, description="A draft's next step; absent when the "
                              "report was submitted in one step")


class Created(Answer):
    id: UUID


class OutcomeRecorded(Answer):
    ect_id: UUID
    outcome: str
    decision_due_by: date | None = Field(description="20 working days from the final "
                                         "recommendation (2.67)")
    notice_due_by: date | None = Field(description="3 working days from the decision (2.69)")


class ExtensionRecorded(Answer):
    ect_id: UUID
    extension_terms: float
    decision_due_by: date | None
    notice_due_by: date | None


class ReductionRecorded(Answer):
    ect_id: UUID
    reduction_terms: float
    terms_required: float


class EndOfInduction(Answer):
    """The ECT's end of induction as the command left it."""

    ect_id: UUID
    name: str | None
    trn: str | None
    end_of_induction: dict[str, Any] = Field(description="Each step around the decision "
                                             "(representations, decision, notice, appeal) with "
                                             "its clock (reporting.domain.end_of_induction_steps)")


# -- the projections' reads -------------------------------------------------------------------

class EntitlementRow(BaseModel):
    """An ECT's entitlement: the columns the dashboard filters on, then the rest of the
    figures spread alongside, then the names of the school, AB and mentor."""

    # open-ended by design: the figures beyond these columns are whatever the entitlement
    # rules compute (stored as the row's ``details`` and spread into the answer), so a new
    # figure reaches clients without a new column
    model_config = ConfigDict(extra="allow")

    ect_id: UUID
    trn: str | None
    name: str | None
    school_id: str | None
    appropriate_body_id: str | None
    mentor_id: UUID | None
    induction_status: str | None = None
    status: Literal["green", "amber", "red"] | None = None
    reasons: list[Any] | None = Field(default=None, description="Why the status is what it is")
    school_name: str | None = None
    appropriate_body_name: str | None = None
    mentor_name: str | None = None


class EntitlementView(EntitlementRow):
    terms: list[dict[str, Any]] = Field(default_factory=list, description="Per induction term: its "
                                        "figures, status and reasons")


class EntitlementPage(Answer):
    items: list[EntitlementRow]
    total: int
    limit: int
    offset: int


class Quarantined(Answer):
    ect_id: UUID
    name: str | None
    trn: str | None
    school_id: str | None
    error: str
    quarantined_at: datetime
    attempts: int


class QuarantineList(Answer):
    items: list[Quarantined]
    total: int


class Submission(Answer):
    ect_id: UUID
    trn: str | None
    name: str | None
    appropriate_body_id: str
    school_id: str
    school_term: str
    term_number: int
    kind: str
    due_on: date | None
    received_on: date | None
    state: str
    days_late: int | None
    fully_signed: bool | None
    report_id: UUID | None


class SubmissionPage(Answer):
    items: list[Submission]
    total: int
    limit: int
    offset: int


class SubmissionCounts(Answer):
    appropriate_body_id: str
    school_term: str
    due: int
    on_time: int
    late: int
    missing: int
    postponed: int
    unscheduled: int


class SubmissionSummary(Answer):
    items: list[SubmissionCounts]


class OutcomeDue(Answer):
    ect_id: UUID
    trn: str | None
    name: str | None
    appropriate_body_id: str
    school_id: str | None
    recommendation: str
    recommendation_received_on: date
    decision_due_by: date
    decided_on: date | None
    decision: str | None
    state: str
    notice_due_by: date | None
    representations_due_by: date | None
    notice_owed: list[str]
    appeal_due_by: date | None
    end_of_induction: dict[str, Any] | None


class OutcomePage(Answer):
    items: list[OutcomeDue]
    total: int
    limit: int
    offset: int


class PeriodRow(Answer):
    ect_id: UUID
    period_index: int
    trn: str | None
    name: str | None
    appropriate_body_id: str
    school_id: str | None
    induction_programme: str
    started_on: date
    ended_on: date | None
    end_reason: str | None
    terms_served: float


class PeriodCounts(Answer):
    claimed: int
    released: int
    left: int
    passed: int
    failed: int


class PeriodPage(Answer):
    items: list[PeriodRow]
    total: int
    limit: int
    offset: int
    counts: PeriodCounts | None = Field(default=None, description="With ``term`` only: ECTs "
                                        "claimed, released, left, passed and failed in it")


class Task(Answer):
    count: int = Field(description="Every item of the task; ``items`` lists the first 100")
    # each task's rows have their own columns (see docs/reporting.md, "The AB's work queue")
    items: list[dict[str, Any]]


class WorkQueue(Answer):
    appropriate_body_id: str
    as_of: date
    tasks: dict[str, Task] = Field(description="decisions_due, notices_owed, reports_missing, "
                                   "reports_not_fully_signed, leavers, claimed_by_another_ab, "
                                   "claims_waiting, no_qts")
    total: int


# -- exports (JSON; ``format=csv`` answers the file instead) -----------------------------------

class TraReturn(Answer):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    appropriate_body_id: str
    term: str
    from_: date = Field(alias="from")
    to: date
    counts: dict[str, int]
    rows: list[dict[str, Any]] = Field(description="One per event, in the TRA's columns")


class FilePart(Answer):
    part: int
    rows: int


class DfeExport(Answer):
    columns: list[str]
    rows: list[dict[str, Any]] = Field(description="In the DfE file's columns")
    parts: list[FilePart] = Field(description="How the rows split into files of the DfE's size")


class SubjectAccessAnswer(BaseModel):
    """``ect_platform.subject_access.answer``: whether anything is held, then one section per
    kind of record held about the person."""

    # open-ended by design: the sections are every record held about the person, each with
    # every stored event of it, in whatever shape it was stored (UK GDPR Art. 15 asks for all)
    model_config = ConfigDict(extra="allow")

    service: str
    trn: str
    held: bool
