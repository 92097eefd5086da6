"""reporting's domain events -> public integration events (contracts v1).

Private events have no contract: ``InductionDecision.Opened`` only opens an ECT's decision
record (its id derives from the ECT's) and carries nothing a subscriber needs;
``TermReportDraft.DraftSubmitted`` closes a draft whose report publishes TermReportSubmitted.
"""

from __future__ import annotations

from typing import Any

from contracts.reporting import v1
from ect_platform.integration_events import Translation, Translator
from reporting.domain.end_of_induction import EndOfInduction
from reporting.domain.outcome import InductionDecision
from reporting.domain.support_plan import SupportPlan
from reporting.domain.term_report import TermReport
from reporting.domain.term_report_draft import TermReportDraft

SOURCE = "reporting"


def _term_report_submitted(e: Any) -> Translation:
    sign_offs = getattr(e, "sign_offs", None) or []
    payload = v1.TermReportSubmitted(
        report_id=e.originator_id, kind=v1.TermReportKind(e.kind), term_number=e.term_number,
        on_track=e.on_track, evidence_summary=e.evidence_summary, targets=e.targets,
        submitted_on=e.submitted_on, appropriate_body_id=e.appropriate_body_id,
        recommendation=v1.Recommendation(e.recommendation) if e.recommendation else None,
        assessor_id=getattr(e, "assessor_id", None), assessor_role=getattr(e, "assessor_role", None),
        assessment_meeting_on=getattr(e, "assessment_meeting_on", None),
        ect_comments=getattr(e, "ect_comments", None),
        signed_off_by=sorted({s["role"] for s in sign_offs}),
        induction_served_terms=getattr(e, "induction_served_terms", None),
        days_absent_since_last_assessment=getattr(e, "days_absent_since_last_assessment", None),
        fully_signed=getattr(e, "fully_signed", None),
    )
    return Translation(payload, e.submitted_on, e.ect_id)


def _drafted(e: Any) -> Translation:
    payload = v1.TermReportDrafted(report_id=e.report_id, kind=v1.TermReportKind(e.kind),
                                   term_number=e.term_number, drafted_on=e.drafted_on,
                                   drafted_by=e.provenance.actor_id,
                                   headteacher_id=getattr(e, "headteacher_id", None))
    return Translation(payload, e.drafted_on, e.ect_id)


def _corrected(e: Any) -> Translation:
    payload = v1.TermReportCorrected(report_id=e.report_id, kind=v1.TermReportKind(e.kind),
                                     term_number=e.term_number, corrected_on=e.corrected_on,
                                     corrected_by=e.provenance.actor_id)
    return Translation(payload, e.corrected_on, e.ect_id)


def _signed_by_ect(e: Any) -> Translation:
    payload = v1.TermReportSignedByEct(report_id=e.report_id, kind=v1.TermReportKind(e.kind),
                                       term_number=e.term_number, signed_on=e.signed_on, name=e.name,
                                       comments=e.comments)
    return Translation(payload, e.signed_on, e.ect_id)


def _signed_by_headteacher(e: Any) -> Translation:
    payload = v1.TermReportSignedByHeadteacher(
        report_id=e.report_id, kind=v1.TermReportKind(e.kind), term_number=e.term_number,
        signed_on=e.signed_on, name=e.name, headteacher_id=e.provenance.actor_id)
    return Translation(payload, e.signed_on, e.ect_id)


def _support_plan_shared(e: Any) -> Translation:
    payload = v1.SupportPlanShared(
        plan_id=e.originator_id, report_id=e.report_id, shared_on=e.shared_on,
        appropriate_body_id=e.appropriate_body_id, summary=e.summary, review_on=e.review_on)
    return Translation(payload, e.shared_on, e.ect_id)


def _outcome_recorded(e: Any) -> Translation:
    payload = v1.InductionOutcomeRecorded(
        outcome=v1.Outcome(e.outcome), decided_on=e.decided_on, appropriate_body_id=e.appropriate_body_id,
        terms_served=e.terms_served,
        recommendation=v1.Recommendation(e.recommendation) if e.recommendation else None,
        recommendation_received_on=e.recommendation_received_on, decision_due_by=e.decision_due_by,
        notice_due_by=e.notice_due_by, reason=getattr(e, "reason", None), **_representations(e))
    return Translation(payload, e.decided_on, e.ect_id)


def _reduced(e: Any) -> Translation:
    payload = v1.InductionReduced(
        reduction_terms=float(e.reduction_terms), reason=e.reason, ect_consented_on=e.ect_consented_on,
        decided_on=e.decided_on, appropriate_body_id=e.appropriate_body_id,
        terms_required=float(e.terms_required))
    return Translation(payload, e.decided_on, e.ect_id)


def _extended(e: Any) -> Translation:
    payload = v1.InductionExtended(
        extension_terms=float(e.extension_terms), reason=e.reason, decided_on=e.decided_on,
        appropriate_body_id=e.appropriate_body_id,
        recommendation_received_on=e.recommendation_received_on, decision_due_by=e.decision_due_by,
        notice_due_by=e.notice_due_by, **_representations(e))
    return Translation(payload, e.decided_on, e.ect_id)


def _representations(e: Any) -> dict[str, Any]:
    # stored decisions from before representations were recorded carry neither
    return {"representations_received_on": getattr(e, "representations_received_on", None),
            "representations_due_by": getattr(e, "representations_due_by", None)}


def _representations_made(e: Any) -> Translation:
    payload = v1.EctRepresentationsMade(
        representations_id=e.representations_id, received_on=e.received_on, summary=e.summary,
        recorded_on_behalf=e.recorded_on_behalf, appropriate_body_id=e.appropriate_body_id,
        recommendation=v1.Recommendation(e.recommendation) if e.recommendation else None,
        recommendation_received_on=e.recommendation_received_on,
        representations_due_by=e.representations_due_by, late=e.late)
    return Translation(payload, e.received_on, e.ect_id)


def _notice_recorded(e: Any) -> Translation:
    payload = v1.DecisionNoticeRecorded(
        notice_id=e.notice_id, decision=v1.Decision(e.decision), decided_on=e.decided_on,
        recipients=[v1.NoticeRecipient(r) for r in e.recipients], given_on=e.given_on,
        method=v1.NoticeMethod(e.method), appropriate_body_id=e.appropriate_body_id,
        notice_due_by=e.notice_due_by, late=e.late,
        recipients_owed=[v1.NoticeRecipient(r) for r in e.recipients_owed],
        appeal_due_by=e.appeal_due_by)
    return Translation(payload, e.given_on, e.ect_id)


def _appeal_lodged(e: Any) -> Translation:
    payload = v1.AppealLodged(
        appeal_id=e.appeal_id, decision=v1.Decision(e.decision), lodged_on=e.lodged_on,
        grounds=e.grounds, appropriate_body_id=e.appropriate_body_id, appeal_due_by=e.appeal_due_by,
        late=e.late)
    return Translation(payload, e.lodged_on, e.ect_id)


def _appeal_decided(e: Any) -> Translation:
    payload = v1.AppealDecided(
        appeal_id=e.appeal_id, appeal_outcome=v1.AppealOutcome(e.appeal_outcome),
        decided_on=e.decided_on, decision=v1.Decision(e.decision),
        appropriate_body_id=e.appropriate_body_id,
        extension_terms=float(e.extension_terms) if e.extension_terms is not None else None,
        reason=e.reason)
    return Translation(payload, e.decided_on, e.ect_id)


# The @event decorator creates these classes (mypy cannot see them).
report_ev: Any = TermReport
draft_ev: Any = TermReportDraft
plan_ev: Any = SupportPlan
decision_ev: Any = InductionDecision
steps_ev: Any = EndOfInduction  # its events keep the mixin's name, whichever record they are on

to_integration_event = Translator(
    SOURCE,
    {
        report_ev.TermReportSubmitted: _term_report_submitted,
        draft_ev.TermReportDrafted: _drafted,
        draft_ev.TermReportCorrected: _corrected,
        draft_ev.TermReportSignedByEct: _signed_by_ect,
        draft_ev.TermReportSignedByHeadteacher: _signed_by_headteacher,
        plan_ev.SupportPlanShared: _support_plan_shared,
        decision_ev.InductionOutcomeRecorded: _outcome_recorded,
        decision_ev.InductionExtended: _extended,
        decision_ev.InductionReduced: _reduced,
        steps_ev.EctRepresentationsMade: _representations_made,
        steps_ev.DecisionNoticeRecorded: _notice_recorded,
        steps_ev.AppealLodged: _appeal_lodged,
        steps_ev.AppealDecided: _appeal_decided,
    },
)

PRIVATE_EVENTS: dict[type, str] = {
    decision_ev.Opened: "opens an ECT's decision record (its id derives from the ECT's); the "
    "decisions that follow are InductionOutcomeRecorded, InductionExtended and InductionReduced",
    draft_ev.DraftSubmitted: "closes a draft; the TermReport created in the same save publishes "
    "TermReportSubmitted, the event the appropriate body and every subscriber read",
}
"""Stored events with no contract, and why."""
