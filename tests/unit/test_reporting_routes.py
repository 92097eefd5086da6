"""Every reporting route declares who may call it, and the gate refuses everyone else (403).

The same walk as tests/architecture/test_route_access.py makes over scheduling; only the role
gate is exercised here (it runs before the body is read and before any database is touched).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest
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


@pytest.mark.parametrize(("route", "method"), ROUTES, ids=IDS)
def test_every_route_declares_its_roles_and_an_auditor_only_reads(route, method):
    roles = allowed_roles(route)
    assert roles is not None, f"{method} {route.path} has no access rule"
    if method != "GET":
        assert Role.AUDITOR not in roles


@pytest.mark.parametrize(("route", "method"), ROUTES, ids=IDS)
async def test_every_route_refuses_no_token_and_the_roles_it_does_not_admit(route, method):
    allowed = allowed_roles(route) or frozenset()
    path = re.sub(r"\{[a-z_]+\}", str(uuid.uuid4()), route.path)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=api()), base_url="http://t") as client:
        assert (await client.request(method, path, json={})).status_code == 401
        for role in (r for r in ROLES if r not in allowed):
            schools = ["100001"] if role == Role.INDUCTION_TUTOR else None
            token = ISSUER.issue("someone", role, schools=schools)
            response = await client.request(method, path, json={},
                                            headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 403, (role, response.text)
            assert response.json()["type"].endswith("/forbidden")


def test_only_the_induction_tutor_writes_term_reports_and_only_the_ab_decides():
    roles = {(method, route.path): allowed_roles(route) for route, method in ROUTES}
    assert roles[("POST", "/ects/{ect_id}/term-reports")] == {Role.INDUCTION_TUTOR}
    assert roles[("POST", "/ects/{ect_id}/outcome")] == {Role.APPROPRIATE_BODY}
    assert roles[("POST", "/ects/{ect_id}/extensions")] == {Role.APPROPRIATE_BODY}
