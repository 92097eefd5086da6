"""Version 1 of the events reporting publishes on ``ect.reporting.events.v1``."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from pydantic import Field

from contracts.base import PERSONAL, EventPayload


class TermReportKind(StrEnum):
    PROGRESS_REVIEW = "progress_review"
    FORMAL_ASSESSMENT = "formal_assessment"
    INTERIM_ASSESSMENT = "interim_assessment"


class Recommendation(StrEnum):
    SATISFACTORY = "satisfactory"
    UNSATISFACTORY = "unsatisfactory"
    EXTENSION = "extension"


class TermReportSubmitted(EventPayload):
    """A progress review, formal assessment or interim assessment reached the appropriate body."""

    event_type: ClassVar[str] = "TermReportSubmitted"
    event_version: ClassVar[int] = 1

    report_id: UUID
    kind: TermReportKind
    term_number: int = Field(ge=1, description="Induction term the report covers (1-based).")
    on_track: bool
    evidence_summary: str = Field(json_schema_extra=PERSONAL)
    targets: str = Field(json_schema_extra=PERSONAL)
    submitted_on: date
    appropriate_body_id: str | None = None
    recommendation: Recommendation | None = Field(
        default=None, description="Only on the final formal assessment."
    )
    assessor_id: str | None = Field(
        default=None, description="Who wrote the review or conducted the assessment: the induction "
        "tutor or the headteacher, never the ECT's mentor (2.55).")
    assessor_role: str | None = Field(default=None, description="induction_tutor or headteacher.")
    assessment_meeting_on: date | None = Field(
        default=None, description="The assessment meeting. The report is due at the AB 10 working "
        "days after the assessment point (2.61), whatever date the meeting was given.")
    ect_comments: str | None = Field(default=None, json_schema_extra=PERSONAL,
                                     description="The ECT's own comments on the report.")
    signed_off_by: list[str] = Field(
        default_factory=list, description="Roles that signed the report: induction_tutor, headteacher, ect.")
    fully_signed: bool | None = Field(
        default=None, description="Whether every signature the report needs is on it; the AB chases "
        "unsigned reports (2.74).")
    induction_served_terms: float | None = Field(
        default=None, description="Interim assessments: FTE terms of induction served by the day "
        "it was sent, from the induction clock (2.63).")
    days_absent_since_last_assessment: float | None = Field(
        default=None, description="Interim assessments: days absent since the last formal "
        "assessment, from the induction clock (2.63).")


class TermReportDrafted(EventPayload):
    """The induction tutor drafted a report; the ECT comments and signs it next (and, for an
    assessment, the headteacher), then the tutor submits it (``TermReportSubmitted``)."""

    event_type: ClassVar[str] = "TermReportDrafted"
    event_version: ClassVar[int] = 1

    report_id: UUID = Field(description="The id the report keeps when it is submitted.")
    kind: TermReportKind
    term_number: int = Field(ge=1, description="Induction term the report covers (1-based).")
    drafted_on: date
    drafted_by: str = Field(description="The induction tutor who drafted it.")
    headteacher_id: str | None = Field(
        default=None, description="Assessments: the headteacher who is to sign it, when the school "
        "named them (by default the assessor, when that is the headteacher).")


class TermReportCorrected(EventPayload):
    """The tutor corrected a draft before submitting it; every signature on it is taken off (the
    corrected text is signed again)."""

    event_type: ClassVar[str] = "TermReportCorrected"
    event_version: ClassVar[int] = 1

    report_id: UUID
    kind: TermReportKind
    term_number: int = Field(ge=1)
    corrected_on: date
    corrected_by: str


class TermReportSignedByEct(EventPayload):
    """The ECT added their comments to a draft and signed it."""

    event_type: ClassVar[str] = "TermReportSignedByEct"
    event_version: ClassVar[int] = 1

    report_id: UUID
    kind: TermReportKind
    term_number: int = Field(ge=1)
    signed_on: date
    name: str = Field(json_schema_extra=PERSONAL, description="The ECT's name, as signed.")
    comments: str | None = Field(default=None, json_schema_extra=PERSONAL)


class TermReportSignedByHeadteacher(EventPayload):
    """The headteacher signed an assessment the ECT had signed; the tutor submits it next."""

    event_type: ClassVar[str] = "TermReportSignedByHeadteacher"
    event_version: ClassVar[int] = 1

    report_id: UUID
    kind: TermReportKind
    term_number: int = Field(ge=1)
    signed_on: date
    name: str = Field(json_schema_extra=PERSONAL, description="The headteacher's name, as signed.")
    headteacher_id: str


class SupportPlanShared(EventPayload):
    """An ECT not on track has a support plan, shared with the appropriate body (4.1)."""

    event_type: ClassVar[str] = "SupportPlanShared"
    event_version: ClassVar[int] = 1

    plan_id: UUID
    report_id: UUID | None = Field(default=None, description="The review that found the ECT not on track.")
    shared_on: date
    appropriate_body_id: str | None = None
    summary: str = Field(json_schema_extra=PERSONAL)
    review_on: date | None = Field(default=None, description="When the plan will be reviewed.")


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"


class InductionOutcomeRecorded(EventPayload):
    """The appropriate body's decision: the ECT passed or failed induction (2.67-2.69)."""

    event_type: ClassVar[str] = "InductionOutcomeRecorded"
    event_version: ClassVar[int] = 1

    outcome: Outcome
    decided_on: date
    appropriate_body_id: str
    terms_served: float | None = None
    recommendation: Recommendation | None = Field(
        default=None, description="The final assessment's recommendation the AB decided on.")
    recommendation_received_on: date | None = None
    decision_due_by: date | None = Field(
        default=None, description="20 working days after the final recommendation (2.67).")
    notice_due_by: date | None = Field(
        default=None, description="Written notice within 3 working days of the decision (2.69).")
    reason: str | None = Field(
        default=None, description="Why the AB decided against the headteacher's recommendation, "
        "when it did (2.67).", json_schema_extra=PERSONAL)
    representations_received_on: date | None = Field(
        default=None, description="When the ECT's written representations on the recommendation "
        "reached the AB (the latest, if several), considered with the decision; none when the ECT "
        "made none (regulation 11(4)).")
    representations_due_by: date | None = Field(
        default=None, description="10 working days after the recommendation (regulation 11(4)).")


class InductionExtended(EventPayload):
    """The appropriate body extended the induction by a length in FTE terms, with a reason (3.8)."""

    event_type: ClassVar[str] = "InductionExtended"
    event_version: ClassVar[int] = 1

    extension_terms: float = Field(gt=0, description="Length of the extension in FTE terms.")
    reason: str = Field(json_schema_extra=PERSONAL)
    decided_on: date
    appropriate_body_id: str
    recommendation_received_on: date | None = Field(
        default=None, description="The final recommendation this extension decides on, if any.")
    decision_due_by: date | None = Field(
        default=None, description="20 working days after the final recommendation (2.67).")
    notice_due_by: date | None = Field(
        default=None, description="Written notice within 3 working days of the decision (2.69).")
    representations_received_on: date | None = Field(
        default=None, description="When the ECT's written representations on the recommendation "
        "reached the AB (the latest, if several), considered with the decision; none when the ECT "
        "made none (regulation 11(4)).")
    representations_due_by: date | None = Field(
        default=None, description="10 working days after the recommendation (regulation 11(4)).")


class InductionReduced(EventPayload):
    """The appropriate body reduced the induction for previous experience, with the ECT's
    consent: by a length in FTE terms, never below one term in all (3.2-3.4)."""

    event_type: ClassVar[str] = "InductionReduced"
    event_version: ClassVar[int] = 1

    reduction_terms: float = Field(gt=0, description="Length of the reduction in FTE terms.")
    reason: str = Field(json_schema_extra=PERSONAL,
                        description="The previous experience the reduction recognises.")
    ect_consented_on: date = Field(description="When the ECT agreed to the reduction (3.3).")
    decided_on: date
    appropriate_body_id: str
    terms_required: float = Field(description="Terms the ECT must now serve in all (at least 1.0).")


class Decision(StrEnum):
    """The AB's decision at the end of induction (2.67): an extension is one too (3.8)."""

    PASSED = "passed"
    FAILED = "failed"
    EXTENDED = "extended"


class NoticeRecipient(StrEnum):
    """Who written notice of the decision goes to (2.69); the TRA only for a fail or extension."""

    ECT = "ect"
    HEADTEACHER = "headteacher"
    EMPLOYER = "employer"
    TRA = "tra"


class NoticeMethod(StrEnum):
    EMAIL = "email"
    POST = "post"
    HAND = "hand"


class AppealOutcome(StrEnum):
    """What the TRA decided on an appeal (regulation 14)."""

    ALLOWED = "allowed"
    DISMISSED = "dismissed"
    EXTENDED = "extended"


class EctRepresentationsMade(EventPayload):
    """The ECT's written representations on the final recommendation reached the AB (regulation 11(4)):
    due within 10 working days of the recommendation; a late one is received, and marked late."""

    event_type: ClassVar[str] = "EctRepresentationsMade"
    event_version: ClassVar[int] = 1

    representations_id: UUID
    received_on: date = Field(description="When the AB received the representations.")
    summary: str = Field(json_schema_extra=PERSONAL, description="What the ECT said, in summary.")
    recorded_on_behalf: bool = Field(
        description="True when the AB recorded representations the ECT sent it; false when the "
        "ECT made them here themself.")
    appropriate_body_id: str
    recommendation: Recommendation | None = Field(
        default=None, description="The final recommendation they answer.")
    recommendation_received_on: date | None = None
    representations_due_by: date | None = Field(
        default=None, description="10 working days after the recommendation (regulation 11(4)).")
    late: bool = Field(default=False, description="Received after representations_due_by.")


class DecisionNoticeRecorded(EventPayload):
    """The AB gave written notice of its decision (2.69): to whom, when and how; due within 3
    working days of the decision. ``recipients_owed`` is who is still to be told after this."""

    event_type: ClassVar[str] = "DecisionNoticeRecorded"
    event_version: ClassVar[int] = 1

    notice_id: UUID
    decision: Decision
    decided_on: date
    recipients: list[NoticeRecipient] = Field(min_length=1)
    given_on: date
    method: NoticeMethod
    appropriate_body_id: str
    notice_due_by: date = Field(description="3 working days after the decision (2.69).")
    late: bool = Field(default=False, description="Given after notice_due_by.")
    recipients_owed: list[NoticeRecipient] = Field(
        default_factory=list, description="Those still owed notice once this one is recorded.")
    appeal_due_by: date | None = Field(
        default=None, description="For a fail or an extension, once the ECT has notice: the "
        "appeal reaches the TRA within 20 working days of it (regulation 14).")


class AppealLodged(EventPayload):
    """The ECT appealed a fail or an extension to the TRA (regulation 14), within 20 working
    days of the notice; recorded by the ECT or the AB. A late one is recorded, and marked late."""

    event_type: ClassVar[str] = "AppealLodged"
    event_version: ClassVar[int] = 1

    appeal_id: UUID
    decision: Decision = Field(description="The decision appealed: failed or extended.")
    lodged_on: date
    grounds: str = Field(json_schema_extra=PERSONAL, description="The grounds of appeal, in summary.")
    appropriate_body_id: str
    appeal_due_by: date | None = Field(
        default=None, description="20 working days after the notice to the ECT (regulation 14).")
    late: bool = False


class AppealDecided(EventPayload):
    """The TRA's decision on an appeal (regulation 14): allowed (the AB's decision is set aside
    and the induction record is open again), dismissed (the decision stands), or extended (the
    induction is extended by ``extension_terms``, as an AB extension would)."""

    event_type: ClassVar[str] = "AppealDecided"
    event_version: ClassVar[int] = 1

    appeal_id: UUID
    appeal_outcome: AppealOutcome
    decided_on: date
    decision: Decision = Field(description="The decision that was appealed.")
    appropriate_body_id: str
    extension_terms: float | None = Field(
        default=None, gt=0, description="For an extended outcome: the length in FTE terms.")
    reason: str | None = Field(default=None, json_schema_extra=PERSONAL)
