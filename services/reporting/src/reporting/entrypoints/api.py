"""reporting's HTTP API: the app factory. Routes live in ``routes_*.py``, bodies in ``requests.py``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import asyncpg
from fastapi import FastAPI

from ect_platform import asyncapi_page, audit_trail
from ect_platform.identity import TokenIssuer
from ect_platform.metrics import install_metrics
from ect_platform.problems import install_problem_handlers
from ect_platform.web import health_router, install_edge
from reporting.application import ReportingApplication
from reporting.dashboard import routes as dashboard
from reporting.dashboard import state as dashboard_state
from reporting.domain import errors
from reporting.entrypoints import (
    routes_decisions,
    routes_end_of_induction,
    routes_exports,
    routes_privacy,
    routes_read,
    routes_reports,
    routes_signing,
    routes_written,
)
from reporting.entrypoints.deps import Commands, ConcurrentDecisionError
from reporting.integration import asyncapi
from reporting.projections.consumer import ReportingProjections
from reporting.projections.exports import NoSuchPartError, UnknownTermError
from statutory.errors import StatutoryRuleError

DOMAIN_ERRORS: dict[type[Exception], int] = {
    errors.UnknownEctError: 404,
    errors.FormRefusedError: 422,
    errors.TermReportNotFoundError: 404,
    errors.TermReportAlreadySubmittedError: 409,
    errors.TermReportAlreadyDraftedError: 409,
    errors.ReportNotDraftError: 409,
    errors.SigningOrderError: 409,
    errors.SignatureNotAllowedError: 422,
    errors.OutcomeAlreadyRecordedError: 409,
    errors.NoFinalRecommendationError: 409,
    errors.InductionNotOpenError: 409,
    errors.NoCurrentFinalAssessmentError: 409,
    errors.FinalAssessmentTooEarlyError: 422,
    errors.ReasonRequiredError: 422,
    errors.ReductionNotAllowedError: 422,
    ConcurrentDecisionError: 409,
    errors.RecommendationNotAllowedError: 422,
    errors.RecommendationRequiredError: 422,
    errors.AssessorNotAllowedError: 422,
    errors.DateNotAllowedError: 422,
    errors.SupportPlanNotNeededError: 422,
    UnknownTermError: 422,
    NoSuchPartError: 404,
    StatutoryRuleError: 422,
    errors.NoDecisionYetError: 409,
    errors.RepresentationsClosedError: 409,
    errors.NoticeNotAllowedError: 422,
    errors.AppealNotAllowedError: 409,
    errors.NoAppealError: 409,
}


def create_api(app: ReportingApplication, pool: asyncpg.Pool, issuer: TokenIssuer,
               projections: ReportingProjections, on_commit: Callable[[], None] = lambda: None,
               readiness: dict[str, Any] | None = None,
               scheduling_url: str = "http://127.0.0.1:8001", topic_prefix: str = "") -> FastAPI:
    """``scheduling_url``: where the dashboard's import page sends uploads (``SCHEDULING_URL``);
    ``topic_prefix``: the environment's ``KAFKA_TOPIC_PREFIX``, for ``/asyncapi.json``."""
    api = FastAPI(title="ECT induction: reporting", version="1.0.0",
                  description="Progress reviews, assessments, support plans and outcomes; the "
                  "entitlement and appropriate-body submissions projections; TRA and DfE exports.")
    # the import page streams its upload with its own 1 MB limit and shows refusals as a page
    install_edge(api, own_checks=dashboard.STREAMED_UPLOADS)
    install_metrics(api, "reporting")  # after the edge, so it runs first
    install_problem_handlers(api, DOMAIN_ERRORS)
    api.include_router(health_router(readiness or {}))
    api.state.token_issuer = issuer
    # what the routes take with Depends (entrypoints.deps), and the dashboard's own
    api.state.commands = Commands(app, pool, projections, on_commit)
    api.state.dashboard = dashboard_state.Dashboard.of(pool, scheduling_url)
    for module in (routes_reports, routes_decisions, routes_end_of_induction, routes_read,
                   routes_exports, routes_privacy):
        api.include_router(module.router)
    for module in (routes_written, routes_signing):  # what was written, and its signing
        api.include_router(module.router)
    # every service's events, for auditors, what was written in them opened with the keys
    api.include_router(audit_trail.router(pool, projections.sealer))
    api.include_router(dashboard.router)
    api.include_router(asyncapi_page.router(lambda: asyncapi.document(topic_prefix)))  # public
    return api
