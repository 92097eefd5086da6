"""A term report written and signed in steps: the tutor corrects a draft, the ECT comments and
signs, the headteacher signs (assessments), the tutor submits it to the AB.

The draft is started by ``POST /ects/{id}/term-reports`` with ``draft: true`` (routes_reports).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request

from contracts import Role
from ect_platform.identity import Caller, allow
from reporting import access
from reporting.entrypoints import signing_steps
from reporting.entrypoints.deps import CommandsDep
from reporting.entrypoints.requests import CorrectTermReport, SignTermReport, SubmitDraft
from reporting.entrypoints.responses import ReportStep

TUTOR = allow(Role.INDUCTION_TUTOR, action="correct or submit a term report (never the mentor: "
              "guidance 2.55)")

router = APIRouter(tags=["Term reports"])


@router.put("/ects/{ect_id}/term-reports/{report_id}", response_model=ReportStep, dependencies=[TUTOR])
async def correct_term_report(ect_id: UUID, report_id: UUID, body: CorrectTermReport,
                              caller: Caller, commands: CommandsDep, request: Request) -> dict[str, Any]:
    """Correct a draft until it is submitted; the corrected text is signed again."""
    history, clock = await commands.ect(ect_id)
    access.check_may_report(caller, history)
    draft = await commands.read(commands.app.get_draft, report_id)
    step = await commands.run(
        commands.app.correct_term_report, ect_id, report_id, corrected_on=body.corrected_on,
        provenance=commands.provenance(caller, request),
        mentor_id=str(history.mentor_id) if history.mentor_id else None,
        final=draft is not None and draft.term_number == clock.final_assessment_term(),
        on_track=body.on_track, evidence_summary=body.evidence_summary, targets=body.targets,
        recommendation=body.recommendation.value if body.recommendation else None,
        assessor_id=body.assessor_id, assessor_role=body.assessor_role.value,
        assessment_meeting_on=body.assessment_meeting_on)
    return {"id": report_id, "step": step}


@router.post("/ects/{ect_id}/term-reports/{report_id}/sign",
             response_model=ReportStep,
             dependencies=[allow(*access.SIGNATORIES, action="sign a term report")])
async def sign_term_report(ect_id: UUID, report_id: UUID, body: SignTermReport, caller: Caller,
                           commands: CommandsDep, request: Request) -> dict[str, Any]:
    """The ECT signs (with their comments), then, for an assessment, the headteacher."""
    step = await signing_steps.sign(commands, caller, ect_id, report_id, name=body.name,
                                    comments=body.comments, signed_on=body.signed_on,
                                    provenance=commands.provenance(caller, request))
    return {"id": report_id, "step": step}


@router.post("/ects/{ect_id}/term-reports/{report_id}/submit",
             response_model=ReportStep,
             dependencies=[TUTOR])
async def submit_draft(ect_id: UUID, report_id: UUID, body: SubmitDraft, caller: Caller,
                       commands: CommandsDep, request: Request) -> dict[str, Any]:
    """The tutor signs and sends the draft to the AB: ``TermReportSubmitted``, as a one-step
    submission publishes it (``fully_signed: false`` if a signature it needs is missing)."""
    submitted = await signing_steps.submit(commands, caller, ect_id, report_id, name=body.name,
                                           submitted_on=body.submitted_on,
                                           provenance=commands.provenance(caller, request))
    return {"id": submitted, "step": "submitted"}

