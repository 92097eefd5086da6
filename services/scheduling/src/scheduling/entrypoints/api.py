"""scheduling's HTTP API: the app factory, which only assembles. Routes live in ``routes_*.py``
(each a module-level ``router``), what they are handed in ``deps.py``, bodies in ``requests.py``,
answers in ``responses.py``; a routes module imports none of this one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from ect_platform import asyncapi_page
from ect_platform.identity import TokenIssuer
from ect_platform.metrics import install_metrics
from ect_platform.problems import install_problem_handlers
from ect_platform.web import health_router, install_edge
from scheduling.application import SchedulingApplication
from scheduling.concurrency import ConcurrentChangeError
from scheduling.domain import errors
from scheduling.entrypoints import (
    deps,
    routes_calendars,
    routes_coaching,
    routes_directory,
    routes_ects,
    routes_imports,
    routes_mentors,
    routes_privacy,
    routes_programme,
)
from scheduling.erasure import PersonNotFoundError
from scheduling.integration import asyncapi
from statutory.absence import InvalidAbsenceError
from statutory.calendar import InvalidCalendarError
from statutory.terms_served import InvalidWorkingPatternError

DOMAIN_ERRORS: dict[type[Exception], int] = {
    errors.EctNotFoundError: 404,
    errors.MentorNotFoundError: 404,
    errors.CatchUpNotFoundError: 404,
    errors.TrnAlreadyRegisteredError: 409,
    errors.RegistrationRefusedError: 409,
    errors.OpenInductionElsewhereError: 409,
    errors.InductionAlreadyCompletedError: 409,
    errors.InductionNotOpenError: 409,
    ConcurrentChangeError: 409,
    errors.NotAssignedMentorError: 403,
    errors.StartBeforeQtsError: 422,
    errors.StartDateOutsideWindowError: 422,
    errors.DateOutsideInductionError: 422,
    errors.MentorPolicyBreachError: 422,
    errors.MentorIneligibleError: 422,
    errors.NoStatutoryLeaveError: 422,
    errors.InvalidTermDatesError: 422,
    InvalidCalendarError: 422,
    InvalidAbsenceError: 422,
    InvalidWorkingPatternError: 422,
    routes_imports.AppropriateBodyRequiredError: 422,
    errors.PersonalDataErasedError: 409,
    errors.RetentionPeriodRunningError: 409,
    errors.LegalBasisRequiredError: 422,
    PersonNotFoundError: 404,
    routes_privacy.KeyNotFoundError: 404,
    routes_privacy.KeyErasedError: 410,
}


def create_api(app: SchedulingApplication, issuer: TokenIssuer,
               on_commit: Callable[[], None] = lambda: None,
               readiness: dict[str, Any] | None = None, topic_prefix: str = "",
               retention_years: int = 6) -> FastAPI:
    """``topic_prefix``: the environment's ``KAFKA_TOPIC_PREFIX``, for ``/asyncapi.json``;
    ``retention_years``: how long after an induction closed the retention schedule erases it."""
    api = FastAPI(title="ECT induction: scheduling", version="1.0.0",
                  description="The induction programme: ECTs and their induction periods, school "
                  "calendars, mentors, coaching sessions, drop-ins, hub training, absence.")
    api.state.token_issuer = issuer
    # the imports read their own bodies, up to the 1 MB a file may hold, and check them
    install_edge(api, own_checks=routes_imports.UPLOADS)
    install_metrics(api, "scheduling")  # after the edge, so it runs first
    install_problem_handlers(api, DOMAIN_ERRORS)
    api.include_router(health_router(readiness or {}))
    deps.install(api, deps.Commands(app, on_commit), retention_years)
    for module in (routes_ects, routes_programme, routes_mentors, routes_calendars, routes_directory,
                   routes_privacy, routes_imports,
                   routes_coaching):  # what was written in coaching
        api.include_router(module.router)
    api.include_router(asyncapi_page.router(lambda: asyncapi.document(topic_prefix)))  # public
    return api
