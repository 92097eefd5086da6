"""Request bodies: every field validated, unknown fields refused (422 naming the field)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

from contracts.reporting.v1 import (
    AppealOutcome,
    NoticeMethod,
    NoticeRecipient,
    Outcome,
    Recommendation,
    TermReportKind,
)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Signatory(StrEnum):
    INDUCTION_TUTOR = "induction_tutor"
    HEADTEACHER = "headteacher"
    ECT = "ect"


class Assessor(StrEnum):
    INDUCTION_TUTOR = "induction_tutor"
    HEADTEACHER = "headteacher"


class SignOff(Strict):
    role: Signatory
    name: str = Field(min_length=1, max_length=200)
    signed_on: date


class SubmitTermReport(Strict):
    kind: TermReportKind
    term_number: int = Field(ge=1, le=18, description="Induction term covered, 1-based")
    on_track: bool
    evidence_summary: str = Field(min_length=1, max_length=10000)
    targets: str = Field(min_length=1, max_length=10000)
    submitted_on: date | None = Field(default=None, description="Required unless this is a draft")
    recommendation: Recommendation | None = Field(
        default=None, description="Only, and always, on the final formal assessment (2.60)")
    assessor_id: str | None = Field(
        default=None, min_length=1, max_length=200,
        description="Who conducted the assessment (default: the caller); never the ECT's mentor (2.55)")
    assessor_role: Assessor = Assessor.INDUCTION_TUTOR
    assessment_meeting_on: date | None = Field(
        default=None, description="The report is due within 10 working days of it (2.61)")
    ect_comments: str | None = Field(default=None, max_length=10000)
    sign_offs: list[SignOff] = Field(default_factory=list, max_length=3)
    draft: bool = Field(default=False, description="Start a draft, which the ECT (and for an "
                        "assessment the headteacher) signs and the tutor then submits")
    drafted_on: date | None = Field(default=None, description="A draft's date (drafts only)")
    headteacher_id: str | None = Field(
        default=None, min_length=1, max_length=200,
        description="Drafts of assessments: the headteacher who is to sign it (reminded while it "
        "waits for them); by default the assessor, when that is the headteacher")

    @model_validator(mode="after")
    def _one_way_or_the_other(self) -> SubmitTermReport:
        if self.draft:
            if self.drafted_on is None:
                raise ValueError("a draft needs drafted_on")
            if self.submitted_on is not None or self.sign_offs or self.ect_comments is not None:
                raise ValueError("a draft has no submitted_on, sign_offs or ect_comments: the ECT "
                                 "comments and signs it (POST .../sign) and the tutor submits it "
                                 "(POST .../submit)")
        else:
            if self.submitted_on is None:
                raise ValueError("submitted_on is required (or send draft: true with drafted_on)")
            if self.drafted_on is not None or self.headteacher_id is not None:
                raise ValueError("drafted_on and headteacher_id are for a draft (draft: true)")
        return self


class CorrectTermReport(Strict):
    """The draft's content as corrected: every field the tutor writes, sent whole."""

    on_track: bool
    evidence_summary: str = Field(min_length=1, max_length=10000)
    targets: str = Field(min_length=1, max_length=10000)
    corrected_on: date
    recommendation: Recommendation | None = None
    assessor_id: str | None = Field(default=None, min_length=1, max_length=200)
    assessor_role: Assessor = Assessor.INDUCTION_TUTOR
    assessment_meeting_on: date | None = None


class SignTermReport(Strict):
    signed_on: date
    name: str | None = Field(
        default=None, min_length=1, max_length=200,
        description="The headteacher's name as signed (required of the headteacher); the ECT "
        "signs with the name on their record")
    comments: str | None = Field(default=None, min_length=1, max_length=10000,
                                 description="The ECT's comments on the report (the ECT only)")


class SubmitDraft(Strict):
    submitted_on: date
    name: str = Field(min_length=1, max_length=200, description="The induction tutor's name as signed")


class ShareSupportPlan(Strict):
    report_id: UUID | None = Field(default=None, description="The review that found the ECT not on track")
    request_id: str | None = Field(default=None, min_length=1, max_length=100)
    shared_on: date
    summary: str = Field(min_length=1, max_length=10000)
    review_on: date | None = None


class RecordOutcome(Strict):
    outcome: Outcome
    decided_on: date
    reason: str | None = Field(
        default=None, min_length=1, max_length=2000,
        description="Required when the decision goes against the final recommendation (2.67)")


class ReduceInduction(Strict):
    reduction_terms: Decimal = Field(gt=0, max_digits=3, decimal_places=1,
                                     description="Length in FTE terms, one decimal place; at least one "
                                     "term is left to serve (3.2-3.4)")
    reason: str = Field(min_length=1, max_length=2000,
                        description="The previous experience the reduction recognises")
    ect_consented_on: date = Field(description="When the ECT agreed to the reduction (3.3)")
    decided_on: date


class ExtendInduction(Strict):
    extension_terms: Decimal = Field(gt=0, le=6, decimal_places=1,
                                     description="Length in FTE terms, one decimal place (3.8)")
    reason: str = Field(min_length=1, max_length=2000)
    decided_on: date


class MakeRepresentations(Strict):
    received_on: date = Field(description="When the AB received them; due within 10 working days "
                              "of the recommendation (regulation 11(4)), accepted late and marked so")
    summary: str = Field(min_length=1, max_length=10000, description="What the ECT said, in summary")


class RecordNotice(Strict):
    recipients: list[NoticeRecipient] = Field(
        min_length=1, max_length=4, description="Who this notice went to: ect, headteacher, employer, "
        "and tra for a fail or an extension (2.69)")
    given_on: date
    method: NoticeMethod

    @model_validator(mode="after")
    def _each_recipient_once(self) -> RecordNotice:
        if len(set(self.recipients)) != len(self.recipients):
            raise ValueError("recipients names each recipient once")
        return self


class LodgeAppeal(Strict):
    lodged_on: date = Field(description="When the appeal reached the TRA; within 20 working days of "
                            "the ECT's notice (regulation 14), recorded late and marked so")
    grounds: str = Field(min_length=1, max_length=10000)


class DecideAppeal(Strict):
    appeal_outcome: AppealOutcome
    decided_on: date
    extension_terms: Decimal | None = Field(
        default=None, gt=0, le=6, decimal_places=1,
        description="For an extended outcome only: its length in FTE terms")
    reason: str | None = Field(default=None, min_length=1, max_length=2000)

    @model_validator(mode="after")
    def _length_only_when_extended(self) -> DecideAppeal:
        if (self.appeal_outcome == AppealOutcome.EXTENDED) != (self.extension_terms is not None):
            raise ValueError("extension_terms is given for an extended appeal outcome, and only then")
        return self
