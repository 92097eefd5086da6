"""Typed answers of the reads of what was written: term reports (with their signatures) and
support plans. People are named: the ECT by name and TRN, each signature by the signer's name,
the school and the AB by theirs."""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

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
