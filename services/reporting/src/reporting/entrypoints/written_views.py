"""What was written about an ECT, as the API shows it: a term report (submitted or in draft)
found under its ECT, the names every view carries, and the view itself. One code path for
the API's routes (``routes_written``) and the dashboard's ECT page alike."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from uuid import UUID

from reporting.domain.errors import TermReportNotFoundError
from reporting.domain.history import EctHistory
from reporting.domain.term_report import TermReport
from reporting.domain.term_report_draft import TermReportDraft
from reporting.entrypoints.responses import Signature, TermReportView
from reporting.projections import directory

if TYPE_CHECKING:
    from reporting.entrypoints.deps import Commands


def one_report(commands: Commands, ect_id: UUID, report_id: UUID
               ) -> tuple[TermReport | None, TermReportDraft | None]:
    app = commands.app
    draft = app.get_draft(report_id)
    try:
        report: TermReport | None = app.get_term_report(report_id)
    except TermReportNotFoundError:
        report = None
    if report is None and draft is None:
        raise TermReportNotFoundError(report_id)
    if (report.ect_id if report else draft.ect_id if draft else None) != ect_id:
        raise TermReportNotFoundError(report_id)  # another ECT's report: not under this path
    return report, draft


async def naming(commands: Commands, history: EctHistory,
                 sent_to: Iterable[str | None] = ()) -> dict[str, Any]:
    """The ECT by name and TRN, their current school and AB by name, for every view; and the
    names of the ABs reports went to (``sent_to``), under ``AB_NAMES``."""
    async with commands.pool.acquire() as conn:
        found = await directory.look_up(conn, schools=[history.school_id],
                                        appropriate_bodies=[history.appropriate_body_id, *sent_to])
    return {"ect_id": history.ect_id, "ect_name": history.name, "ect_trn": history.trn,
            "school_id": history.school_id, "school_name": found.schools.get(history.school_id or ""),
            "appropriate_body_id": history.appropriate_body_id,
            "appropriate_body_name": found.appropriate_bodies.get(history.appropriate_body_id or ""),
            AB_NAMES: found.appropriate_bodies}


AB_NAMES = "ab_names"  # not a field of the views: they take the AB a report went to from it


def view(names: dict[str, Any], report: TermReport | None, draft: TermReportDraft | None) -> TermReportView:
    """A submitted report names the AB it went to; a draft, the AB holding the ECT now."""
    common = {k: v for k, v in names.items() if k != AB_NAMES}
    common["drafted_on"] = draft.drafted_on if draft else None
    if report is not None:
        common["appropriate_body_id"] = report.appropriate_body_id
        common["appropriate_body_name"] = names[AB_NAMES].get(report.appropriate_body_id or "")
        signatures = [Signature(role=s["role"], name=s["name"], signed_on=s["signed_on"])
                      for s in report.sign_offs]
        return TermReportView(
            id=report.id, kind=report.kind, term_number=report.term_number, status="submitted",  # type: ignore[arg-type]
            step="submitted", on_track=report.on_track, evidence_summary=report.evidence_summary,
            targets=report.targets, recommendation=report.recommendation,
            assessor_id=report.assessor_id, assessor_role=report.assessor_role,
            assessor_name=_assessor_name(report.assessor_role, signatures),
            assessment_meeting_on=report.assessment_meeting_on, ect_comments=report.ect_comments,
            signatures=signatures, fully_signed=report.fully_signed, submitted_on=report.submitted_on,
            induction_served_terms=report.induction_served_terms,
            days_absent_since_last_assessment=report.days_absent_since_last_assessment, **common)
    assert draft is not None
    signatures = [Signature(role=s["role"], name=s["name"], signed_on=s["signed_on"])
                  for s in draft.signatures.values()]
    content = draft.content
    return TermReportView(
        id=draft.report_id, kind=draft.kind, term_number=draft.term_number, status="draft",  # type: ignore[arg-type]
        step=draft.step, on_track=content["on_track"],  # type: ignore[arg-type]
        evidence_summary=content["evidence_summary"], targets=content["targets"],
        recommendation=content["recommendation"], assessor_id=content["assessor_id"],
        assessor_role=content["assessor_role"],
        assessor_name=_assessor_name(content["assessor_role"], signatures),
        assessment_meeting_on=content["assessment_meeting_on"], ect_comments=draft.ect_comments,
        signatures=signatures, fully_signed=None, submitted_on=None, induction_served_terms=None,
        days_absent_since_last_assessment=None, **common)


def _assessor_name(role: str | None, signatures: list[Signature]) -> str | None:
    return next((s.name for s in signatures if s.role == role), None)
