"""The dashboard's reads: entitlement status and AB submissions, filtered and paginated."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query

from contracts import Role
from ect_platform.identity import Caller, allow
from reporting import access
from reporting.domain.errors import UnknownEctError
from reporting.entrypoints.deps import CommandsDep
from reporting.entrypoints.responses import (
    EntitlementPage,
    EntitlementView,
    OutcomePage,
    PeriodPage,
    QuarantineList,
    SubmissionPage,
    SubmissionSummary,
    WorkQueue,
)
from reporting.projections import backlog, entitlement, queries, work_queue
from reporting.projections.exports import term_window

Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]  # PostgreSQL takes a 64-bit OFFSET
Status = Literal["green", "amber", "red"]
InductionStatus = Literal["open", "released", "left", "passed", "failed"]
SubmissionState = Literal["due", "on_time", "late", "missing", "postponed", "unscheduled"]
Kind = Literal["progress_review", "formal_assessment", "interim_assessment"]

router = APIRouter(tags=["Projections"])


@router.get("/ects/{ect_id}/entitlement",
            response_model=EntitlementView, response_model_exclude_unset=True,
            dependencies=[allow(*access.READERS, action="read entitlement")])
async def get_entitlement(
    ect_id: UUID, caller: Caller, commands: CommandsDep,
    as_of: Annotated[date | None, Query(description="What the projection said at the end of "
                                        "this day, from the facts recorded by then")] = None,
) -> dict[str, Any]:
    """One ECT's entitlement, to date and per term, with its status and the reasons for it."""
    history, clock = await commands.ect(ect_id)
    access.check_may_read(caller, history)
    if as_of is not None:
        past = await commands.projections.as_it_was(commands.pool, ect_id, as_of)
        if past is None:
            raise UnknownEctError(ect_id)
        return past
    row = await entitlement.get(commands.pool, ect_id)
    if row is not None and row["computed_on"] != clock.today:
        # a status moves with the date: recompute this one row rather than answer yesterday's
        async with commands.pool.acquire() as conn, conn.transaction():
            await commands.projections.refresh(conn, ect_id, clock.today)
        row = await entitlement.get(commands.pool, ect_id)
    if row is None:
        raise UnknownEctError(ect_id)
    return row


@router.get("/projection-quarantine",
            response_model=QuarantineList,
            dependencies=[allow(Role.HUB_LEAD, Role.AUDITOR, action="read the projection quarantine")])
async def list_quarantine(caller: Caller, commands: CommandsDep) -> dict[str, Any]:
    """ECTs whose projection rows could not be recomputed (their last good rows stay), and why:
    a new fact about one, or a fixed build, recomputes it."""
    async with commands.pool.acquire() as conn:
        items = await backlog.quarantined(conn, caller.schools if caller.role == Role.HUB_LEAD else None)
    return {"items": items, "total": len(items)}


@router.get("/entitlement",
            response_model=EntitlementPage, response_model_exclude_unset=True,
            dependencies=[allow(*access.READERS, action="read entitlement")])
async def list_entitlement(
    caller: Caller, commands: CommandsDep, school: str | None = None, ab: str | None = None,
    status: Status | None = None,
    term: Annotated[int | None, Query(ge=1, le=18, description="Induction term number: that "
                                      "term's figures and status")] = None,
    induction_status: InductionStatus | None = None, limit: Limit = 50, offset: Offset = 0,
) -> dict[str, Any]:
    """Entitlement per ECT (or, with ``term``, per ECT for that induction term)."""
    scope = access.list_scope(caller, school, ab)
    return await queries.list_entitlement(
        commands.pool, school=school, ab=ab, status=status, term=term,
        induction_status=induction_status, scope=scope, limit=limit, offset=offset)


@router.get("/submissions",
            response_model=SubmissionPage,
            dependencies=[allow(*access.AB_READERS, action="read AB submissions")])
async def list_submissions(
    caller: Caller, commands: CommandsDep, school: str | None = None, ab: str | None = None,
    state: SubmissionState | None = None,
    term: Annotated[str | None, Query(description="School term, e.g. 2025-autumn")] = None,
    term_number: Annotated[int | None, Query(ge=1, le=18)] = None, kind: Kind | None = None,
    limit: Limit = 50, offset: Offset = 0,
) -> dict[str, Any]:
    """Every review and assessment due, per AB and term: due, on time, late, missing."""
    scope = access.list_scope(caller, school, ab)
    return await queries.list_submissions(
        commands.pool, school=school, ab=ab, state=state, term=term, term_number=term_number,
        kind=kind, scope=scope, limit=limit, offset=offset)


@router.get("/submissions/summary",
             response_model=SubmissionSummary,
             dependencies=[allow(*access.AB_READERS, action="read AB submissions")])
async def submission_summary(caller: Caller, commands: CommandsDep, ab: str | None = None,
                             term: str | None = None) -> dict[str, Any]:
    """Counts per AB and school term."""
    scope = access.list_scope(caller, None, ab)
    return {"items": await queries.submission_summary(commands.pool, ab=ab, term=term, scope=scope)}


@router.get("/outcomes",
            response_model=OutcomePage,
            dependencies=[allow(*access.AB_READERS, action="read outcomes due")])
async def list_outcomes(
    caller: Caller, commands: CommandsDep, ab: str | None = None,
    state: Literal["due", "on_time", "late", "missing"] | None = None,
    limit: Limit = 50, offset: Offset = 0,
) -> dict[str, Any]:
    """Decisions due on final recommendations, with their 20- and 3-working-day deadlines."""
    scope = access.list_scope(caller, None, ab)
    return await queries.list_outcomes(commands.pool, ab=ab, state=state, scope=scope,
                                       limit=limit, offset=offset)


@router.get("/abs/{ab}/work-queue",
            response_model=WorkQueue,
            dependencies=[allow(*access.AB_READERS, action="read an AB's work queue")])
async def ab_work_queue(caller: Caller, commands: CommandsDep, ab: str) -> dict[str, Any]:
    """What the appropriate body must do now: decisions due, reports missing or not fully
    signed, recent leavers, ECTs another AB now holds; each task with its count and first
    items, by name and TRN (see docs/reporting.md, "The AB's work queue")."""
    scope = access.list_scope(caller, None, ab)
    return await work_queue.work_queue(commands.pool, ab, scope, commands.projections.clock())


@router.get("/periods",
            response_model=PeriodPage, response_model_exclude_unset=True,
            dependencies=[allow(*access.AB_READERS, action="read induction periods")])
async def list_periods(
    caller: Caller, commands: CommandsDep, ab: str | None = None, school: str | None = None,
    term: Annotated[str | None, Query(description="School term, e.g. 2026-spring")] = None,
    limit: Limit = 50, offset: Offset = 0,
) -> dict[str, Any]:
    """ECTs claimed, released, left, passed and failed, per AB (and term)."""
    scope = access.list_scope(caller, school, ab)
    return await queries.list_periods(commands.pool, ab=ab, school=school,
                                      window=term_window(term) if term else None, scope=scope,
                                      limit=limit, offset=offset)

