"""A term report: a progress review, formal assessment or interim assessment of one ECT.

One report per ECT, kind and term: its id is derived from those, so a second submission
of the same report is refused rather than doubled. The report reaches the AB signed: the
signatures are collected on the form before it is sent (as digital sign-off does), and a
report sent without every signature it needs is marked ``fully_signed = False`` so the AB
can chase it (2.74).

Rules, decided here from what the application tells the report about the ECT:
- an assessment is conducted by the headteacher or the induction tutor, never by the
  ECT's mentor (2.55);
- only the final formal assessment recommends satisfactory, unsatisfactory or extension,
  and it must (2.60);
- the final one is held once the ECT is in the final term of the required induction, as the
  induction clock places it after extensions and reductions (2.60, rule 8);
- a formal assessment's meeting is on or before the day the report is sent;
- assessments need the signatures of the induction tutor, the headteacher and the ECT;
  reviews the induction tutor's.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from reporting.domain.errors import (
    AssessorNotAllowedError,
    DateNotAllowedError,
    FinalAssessmentTooEarlyError,
    RecommendationNotAllowedError,
    RecommendationRequiredError,
)
from reporting.domain.provenance import Provenance
from statutory import signing

PROGRESS_REVIEW, FORMAL_ASSESSMENT, INTERIM_ASSESSMENT = (
    "progress_review", "formal_assessment", "interim_assessment")
KINDS = (PROGRESS_REVIEW, FORMAL_ASSESSMENT, INTERIM_ASSESSMENT)
ASSESSORS = ("induction_tutor", "headteacher")
SIGNATORIES = signing.SIGNATORIES
REQUIRED_SIGNATURES = {kind: signing.signatures_required(kind) for kind in KINDS}  # statutory.signing


def _check(kind: str, final: bool, recommendation: str | None, assessor_id: str,
           assessor_role: str, mentor_id: str | None, meeting_on: date | None,
           submitted_on: date, today: date, final_term_starts: date | None = None) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown report kind {kind!r}")
    if assessor_role not in ASSESSORS:
        raise AssessorNotAllowedError(
            f"a {kind.replace('_', ' ')} is written by the induction tutor or the headteacher, "
            f"not a {assessor_role} (statutory guidance 2.55)")
    if mentor_id is not None and assessor_id == mentor_id:
        raise AssessorNotAllowedError(
            f"{assessor_id} is the ECT's mentor, who never assesses the ECT (statutory guidance 2.55)")
    is_final = kind == FORMAL_ASSESSMENT and final
    if recommendation is not None and not is_final:
        raise RecommendationNotAllowedError(
            f"a {kind.replace('_', ' ')} cannot recommend an outcome; only the final formal "
            "assessment does (statutory guidance 2.60)")
    if is_final and recommendation is None:
        raise RecommendationRequiredError(
            "the final formal assessment recommends satisfactory, unsatisfactory or extension "
            "(statutory guidance 2.60)")
    if submitted_on > today:
        raise DateNotAllowedError(f"a report cannot be sent on {submitted_on}, after today ({today})")
    held_on = meeting_on or submitted_on
    if is_final and final_term_starts is not None and held_on < final_term_starts:
        raise FinalAssessmentTooEarlyError(
            f"the final assessment is held once the ECT is in the final term of their induction, "
            f"which starts on {final_term_starts}, not on {held_on} (statutory guidance 2.60)")
    if meeting_on is not None and meeting_on > submitted_on:
        raise DateNotAllowedError(
            f"the assessment meeting on {meeting_on} cannot follow the report's sending on {submitted_on}")


class TermReport(Aggregate):
    @staticmethod
    def create_id(ect_id: UUID, kind: str, term_number: int) -> UUID:
        return report_id(ect_id, kind, term_number)

    @classmethod
    def submit(
        cls, *, ect_id: UUID, kind: str, term_number: int, on_track: bool, evidence_summary: str,
        targets: str, submitted_on: date, appropriate_body_id: str | None,
        recommendation: str | None, provenance: Provenance, today: date, final: bool = False,
        final_term_starts: date | None = None,
        mentor_id: str | None = None, assessor_id: str | None = None,
        assessor_role: str = "induction_tutor", ect_comments: str | None = None,
        assessment_meeting_on: date | None = None, sign_offs: list[dict[str, Any]] | None = None,
        interim_figures: tuple[float, float] | None = None,
    ) -> TermReport:
        """``interim_figures``: for an interim assessment, the induction served and the days
        absent since the last assessment, as the induction clock gives them (2.63)."""
        assessor = assessor_id or provenance.actor_id
        _check(kind, final, recommendation, assessor, assessor_role, mentor_id, assessment_meeting_on,
               submitted_on, today, final_term_starts)
        interim = interim_figures if kind == INTERIM_ASSESSMENT else None
        signatures = [dict(s) for s in sign_offs or []]
        signed = {s["role"] for s in signatures}
        return cls(
            ect_id=ect_id, kind=kind, term_number=term_number, on_track=on_track,
            evidence_summary=evidence_summary, targets=targets, submitted_on=submitted_on,
            appropriate_body_id=appropriate_body_id, recommendation=recommendation,
            provenance=provenance, assessor_id=assessor, assessor_role=assessor_role,
            ect_comments=ect_comments, assessment_meeting_on=assessment_meeting_on,
            sign_offs=signatures, fully_signed=REQUIRED_SIGNATURES[kind] <= signed,
            induction_served_terms=interim[0] if interim else None,
            days_absent_since_last_assessment=interim[1] if interim else None,
        )

    @event("TermReportSubmitted")
    def __init__(
        self, *, ect_id: UUID, kind: str, term_number: int, on_track: bool, evidence_summary: str,
        targets: str, submitted_on: date, appropriate_body_id: str | None,
        recommendation: str | None, provenance: Provenance, assessor_id: str | None = None,
        assessor_role: str | None = None, ect_comments: str | None = None,
        assessment_meeting_on: date | None = None, sign_offs: list[dict[str, Any]] | None = None,
        fully_signed: bool | None = None, induction_served_terms: float | None = None,
        days_absent_since_last_assessment: float | None = None,
    ) -> None:
        # The defaults read the events stored before these fields existed.
        self.ect_id = ect_id
        self.kind = kind
        self.term_number = term_number
        self.on_track = on_track
        self.submitted_on = submitted_on
        self.recommendation = recommendation
        self.fully_signed = fully_signed
        # what was written, kept for the people the report is read by (GET /ects/{id}/term-reports)
        self.evidence_summary = evidence_summary
        self.targets = targets
        self.appropriate_body_id = appropriate_body_id
        self.assessor_id = assessor_id
        self.assessor_role = assessor_role
        self.ect_comments = ect_comments
        self.assessment_meeting_on = assessment_meeting_on
        self.sign_offs = [dict(s) for s in sign_offs or []]
        self.submitted_by = provenance.actor_id
        self.induction_served_terms = induction_served_terms
        self.days_absent_since_last_assessment = days_absent_since_last_assessment


def report_id(ect_id: UUID, kind: str, term_number: int) -> UUID:
    return uuid5(NAMESPACE_URL, f"ect-platform:term-report:{ect_id}:{kind}:{term_number}")
