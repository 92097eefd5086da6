"""Term reports (reviews, formal and interim assessments) and support plans, from the school."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request, Response, status

from contracts import Role
from ect_platform.identity import Caller, allow
from reporting import access
from reporting.entrypoints.deps import CommandsDep
from reporting.entrypoints.requests import ShareSupportPlan, SubmitTermReport
from reporting.entrypoints.responses import Created, ReportSent

router = APIRouter(tags=["Term reports"])


@router.post("/ects/{ect_id}/term-reports", status_code=status.HTTP_201_CREATED,
              response_model=ReportSent, response_model_exclude_unset=True,
              dependencies=[allow(Role.INDUCTION_TUTOR, action="submit a progress review or "
                                  "assessment (never the mentor: guidance 2.55)")])
async def submit_term_report(ect_id: UUID, body: SubmitTermReport, caller: Caller, commands: CommandsDep,
                             request: Request, response: Response) -> dict[str, Any]:
    """A progress review, formal or interim assessment, as it reaches the AB (signed); or,
    with ``draft: true``, a draft the ECT and headteacher sign and the tutor then submits."""
    history, clock = await commands.ect(ect_id)
    access.check_may_report(caller, history)
    if body.draft:
        report_id = await commands.run(
            commands.app.draft_term_report, ect_id, kind=body.kind.value, term_number=body.term_number,
            drafted_on=body.drafted_on, provenance=commands.provenance(caller, request),
            mentor_id=str(history.mentor_id) if history.mentor_id else None,
            final=body.term_number == clock.final_assessment_term(), on_track=body.on_track,
            evidence_summary=body.evidence_summary, targets=body.targets,
            recommendation=body.recommendation.value if body.recommendation else None,
            assessor_id=body.assessor_id, assessor_role=body.assessor_role.value,
            assessment_meeting_on=body.assessment_meeting_on, headteacher_id=body.headteacher_id)
        response.headers["Location"] = f"/ects/{ect_id}/term-reports/{report_id}"
        return {"id": report_id, "step": "ect_to_sign"}
    assert body.submitted_on is not None  # the body's validator insists on it
    # an interim assessment records the induction served and the days absent since the last
    # assessment (2.63): the clock's figures on the day it is sent, never typed in
    served, absent = clock.timeline.interim_figures(min(body.submitted_on, clock.as_of))
    report_id = await commands.run(
        commands.app.submit_term_report, ect_id, kind=body.kind.value, term_number=body.term_number,
        on_track=body.on_track, evidence_summary=body.evidence_summary, targets=body.targets,
        submitted_on=body.submitted_on, appropriate_body_id=history.appropriate_body_id,
        recommendation=body.recommendation.value if body.recommendation else None,
        provenance=commands.provenance(caller, request),
        final=body.term_number == clock.final_assessment_term(),
        final_term_starts=clock.timeline.final_term_starts,
        mentor_id=str(history.mentor_id) if history.mentor_id else None,
        assessor_id=body.assessor_id, assessor_role=body.assessor_role.value,
        ect_comments=body.ect_comments, assessment_meeting_on=body.assessment_meeting_on,
        sign_offs=[s.model_dump(mode="python") | {"role": s.role.value} for s in body.sign_offs],
        interim_figures=(float(served), absent),
    )
    response.headers["Location"] = f"/ects/{ect_id}/term-reports/{report_id}"
    return {"id": report_id}


@router.post("/ects/{ect_id}/support-plans", status_code=status.HTTP_201_CREATED,
              response_model=Created,
              dependencies=[allow(*access.SCHOOL_STAFF, action="share a support plan")])
async def share_support_plan(ect_id: UUID, body: ShareSupportPlan, caller: Caller, commands: CommandsDep,
                             request: Request, response: Response) -> dict[str, Any]:
    """A support plan for an ECT not on track, shared with the AB (4.1)."""
    history, _ = await commands.ect(ect_id)
    access.check_may_share_plan(caller, history)
    plan_id, created = await commands.run(
        commands.app.share_support_plan, ect_id, report=body.report_id, request_id=body.request_id,
        shared_on=body.shared_on, summary=body.summary, review_on=body.review_on,
        appropriate_body_id=history.appropriate_body_id,
        provenance=commands.provenance(caller, request))
    if not created:
        response.status_code = status.HTTP_200_OK
    response.headers["Location"] = f"/ects/{ect_id}/support-plans/{plan_id}"
    return {"id": plan_id}

