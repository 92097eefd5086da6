"""Reading what was written about an ECT: term reports (submitted, or in draft) and support plans.

Term reports are read from reporting's own event-sourced records (``TermReport``,
``TermReportDraft``), so a report reads as it is the moment it is written; support plans from
the facts (their ids cannot be derived), as soon as the consumer has filed them.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from ect_platform.identity import Caller, Forbidden, allow
from reporting import access
from reporting.entrypoints import written_views
from reporting.entrypoints.deps import CommandsDep
from reporting.entrypoints.responses import (
    SupportPlanPage,
    SupportPlanView,
    TermReportPage,
    TermReportView,
)
from reporting.projections import support_plans

Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
READ = allow(*access.CONTENT_READERS, action="read what was written about an ECT")

router = APIRouter(tags=["Term reports"])


@router.get("/ects/{ect_id}/term-reports", dependencies=[READ])
async def list_term_reports(ect_id: UUID, caller: Caller, commands: CommandsDep, limit: Limit = 50,
                            offset: Offset = 0) -> TermReportPage:
    """Every report on the ECT, in term order, with its content and signatures (drafts only
    for the ECT, the school and an auditor)."""
    history, _ = await commands.ect(ect_id)
    access.check_may_read_content(caller, history)
    found = await commands.read(commands.app.term_reports_of, ect_id)
    drafts = access.may_read_drafts(caller)
    names = await written_views.naming(commands, history, [r.appropriate_body_id for r, _ in found if r])
    views = sorted((written_views.view(names, report, draft) for report, draft in found
                    if report is not None or drafts), key=lambda v: (v.term_number, v.kind))
    return TermReportPage(items=views[offset:offset + limit], total=len(views), limit=limit,
                          offset=offset)


@router.get("/ects/{ect_id}/term-reports/{report_id}", dependencies=[READ])
async def get_term_report(ect_id: UUID, report_id: UUID, caller: Caller,
                          commands: CommandsDep) -> TermReportView:
    """One report: what the tutor wrote, the ECT's comments, who signed and when."""
    history, _ = await commands.ect(ect_id)
    access.check_may_read_content(caller, history)
    report, draft = await commands.read(written_views.one_report, commands, ect_id, report_id)
    if report is None and not access.may_read_drafts(caller):
        raise Forbidden(f"the report is a draft: a {caller.role.value} reads it once the induction "
                        "tutor has submitted it to the appropriate body")
    sent_to = [report.appropriate_body_id] if report else []
    return written_views.view(await written_views.naming(commands, history, sent_to), report, draft)


@router.get("/ects/{ect_id}/support-plans", dependencies=[READ])
async def list_support_plans(ect_id: UUID, caller: Caller, commands: CommandsDep, limit: Limit = 50,
                             offset: Offset = 0) -> SupportPlanPage:
    """The support plans shared for the ECT (4.1), oldest first."""
    history, _ = await commands.ect(ect_id)
    access.check_may_read_content(caller, history)
    plans = await support_plans.of_ect(commands.pool, ect_id, commands.projections.sealer)
    names = await written_views.naming(commands, history)
    items = [SupportPlanView(**({k: v for k, v in names.items() if k != written_views.AB_NAMES} | plan))
             for plan in plans]
    return SupportPlanPage(items=items[offset:offset + limit], total=len(items), limit=limit,
                           offset=offset)
