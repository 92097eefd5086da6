"""reporting's HTTP API: term reports in, entitlement projection out."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

import asyncpg
from fastapi import FastAPI, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from contracts import Role
from contracts.reporting.v1 import Recommendation, TermReportKind
from ect_platform.identity import Caller, TokenIssuer, require_role
from ect_platform.problems import install_problem_handlers
from ect_platform.web import correlation_id, health_router, install_correlation
from reporting.application import ReportingApplication
from reporting.domain.errors import (
    RecommendationNotAllowedError,
    TermReportAlreadySubmittedError,
    UnknownEctError,
)
from reporting.domain.provenance import Provenance
from reporting.projections import entitlement

DOMAIN_ERRORS: dict[type[Exception], int] = {
    UnknownEctError: 404,
    TermReportAlreadySubmittedError: 409,
    RecommendationNotAllowedError: 422,
}


class SubmitTermReport(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: TermReportKind
    term_number: int = Field(ge=1, le=18, description="Induction term covered, 1-based")
    on_track: bool
    evidence_summary: str = Field(min_length=1, max_length=10000)
    targets: str = Field(min_length=1, max_length=10000)
    submitted_on: date
    recommendation: Recommendation | None = None


def create_api(app: ReportingApplication, pool: asyncpg.Pool, issuer: TokenIssuer,
               on_commit: Callable[[], None] = lambda: None,
               readiness: dict[str, Any] | None = None) -> FastAPI:
    api = FastAPI(title="ECT induction: reporting", version="1.0.0",
                  description="Progress reviews, assessments, outcomes; entitlement projection.")
    install_correlation(api)
    install_problem_handlers(api, DOMAIN_ERRORS)
    api.include_router(health_router(readiness or {}))
    api.state.token_issuer = issuer

    async def known_ect(ect_id: UUID) -> dict[str, Any]:
        row = await entitlement.get(pool, ect_id)
        if row is None or row["trn"] is None:
            raise UnknownEctError(ect_id)
        return row

    @api.post("/ects/{ect_id}/term-reports", status_code=status.HTTP_201_CREATED)
    async def submit_term_report(ect_id: UUID, body: SubmitTermReport, actor: Caller,
                                 request: Request, response: Response) -> dict[str, Any]:
        require_role(actor, (Role.INDUCTION_TUTOR,),
                     "submit a progress review or assessment (never the mentor: guidance 2.55)")
        ect = await known_ect(ect_id)
        report_id = await asyncio.to_thread(
            app.submit_term_report, ect_id, kind=body.kind.value, term_number=body.term_number,
            on_track=body.on_track, evidence_summary=body.evidence_summary, targets=body.targets,
            submitted_on=body.submitted_on, appropriate_body_id=ect["appropriate_body_id"],
            recommendation=body.recommendation.value if body.recommendation else None,
            provenance=Provenance(actor.id, actor.role.value, correlation_id(request)),
        )
        on_commit()
        response.headers["Location"] = f"/ects/{ect_id}/term-reports/{report_id}"
        return {"id": report_id}

    @api.get("/ects/{ect_id}/entitlement")
    async def get_entitlement(ect_id: UUID, actor: Caller) -> dict[str, Any]:
        return await known_ect(ect_id)

    return api
