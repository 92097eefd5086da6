"""Reporting's statutory access rules, read off its route table.

The generic walk (every route of every service declares its roles; the gate refuses the
rest) is tests/architecture/test_route_access.py.
"""

from __future__ import annotations

from typing import Any

from fastapi.routing import APIRoute

from contracts import Role
from ect_platform.identity import TokenIssuer, allowed_roles
from reporting.application import ReportingApplication
from reporting.entrypoints.api import create_api
from reporting.projections.consumer import ReportingProjections
from tests.unit.scheduling_fixtures import Clock

ISSUER = TokenIssuer("reporting-route-walk-secret-32-bytes!!")
PUBLIC = {"/health/live", "/health/ready", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
ROLES = [Role.HUB_LEAD, Role.MENTOR, Role.INDUCTION_TUTOR, Role.APPROPRIATE_BODY, Role.AUDITOR]


def api() -> Any:
    app = ReportingApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=Clock())
    return create_api(app, None, ISSUER, ReportingProjections(Clock()))  # type: ignore[arg-type]


def flat(routes: list) -> list[APIRoute]:  # type: ignore[type-arg]
    found = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            found.extend(flat(route.original_router.routes))
    return found


ROUTES = [(route, method) for route in flat(api().routes) if route.path not in PUBLIC
          for method in sorted(route.methods)]
IDS = [f"{method} {route.path}" for route, method in ROUTES]


def test_only_the_induction_tutor_writes_term_reports_and_only_the_ab_decides():
    roles = {(method, route.path): allowed_roles(route) for route, method in ROUTES}
    assert roles[("POST", "/ects/{ect_id}/term-reports")] == {Role.INDUCTION_TUTOR}
    assert roles[("POST", "/ects/{ect_id}/outcome")] == {Role.APPROPRIATE_BODY}
    assert roles[("POST", "/ects/{ect_id}/extensions")] == {Role.APPROPRIATE_BODY}
