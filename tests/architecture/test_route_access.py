"""Every route of every service declares who may call it, and the declaration holds.

Walks the route tables themselves, so a new endpoint without an access rule fails here.
Only the role gate is exercised (it runs before the body is read into the command); the
finer scope rules (which school, which AB, which mentor) have their own tests.
"""

from __future__ import annotations

import re
import uuid
from datetime import date

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute

from contracts import Role
from ect_platform.identity import TokenIssuer, allowed_roles
from notifications.entrypoints.api import create_api as notifications_api
from reporting.application import ReportingApplication
from reporting.entrypoints.api import create_api as reporting_api
from reporting.projections.consumer import ReportingProjections
from scheduling.entrypoints.api import create_api as scheduling_api
from tests.unit.scheduling_fixtures import Clock, in_memory_app

ISSUER = TokenIssuer("route-walk-secret-of-at-least-32-bytes")
PUBLIC = {"/health/live", "/health/ready", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc",
          # Prometheus scrapes it; no label carries a name, TRN or id (ect_platform.metrics)
          "/metrics",
          # the dashboard's sign-in checks the token it is given; sign-out and assets need none
          "/dashboard/login", "/dashboard/logout", "/dashboard/static/{name}",
          # what is on the topics, not what is in them: like /openapi.json
          "/asyncapi.json", "/asyncapi"}
GATE = "the token's role is"  # how the role gate words its refusal
ROLES = [Role.HUB_LEAD, Role.MENTOR, Role.INDUCTION_TUTOR, Role.APPROPRIATE_BODY, Role.AUDITOR,
         Role.HEADTEACHER, Role.ECT]


def services() -> dict[str, FastAPI]:
    """Each service's API as its composition root builds it; no database is needed because the
    gate answers before any handler runs (an admitted role may then fail for want of one)."""
    reporting_app = ReportingApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=Clock())
    return {
        "scheduling": scheduling_api(in_memory_app(Clock(date(2025, 9, 10))), ISSUER),
        "reporting": reporting_api(reporting_app, None, ISSUER, ReportingProjections(Clock())),  # type: ignore[arg-type]
        "notifications": notifications_api(None, ISSUER),  # type: ignore[arg-type]
    }


def api_routes(routes: list) -> list[APIRoute]:  # type: ignore[type-arg]
    """Flattened, including routers included into the app (FastAPI nests them; no prefixes here)."""
    flat = []
    for route in routes:
        if isinstance(route, APIRoute):
            flat.append(route)
        elif hasattr(route, "original_router"):
            flat.extend(api_routes(route.original_router.routes))
    return flat


def routes() -> list[tuple[str, APIRoute, str]]:
    found = []
    for name, api in services().items():
        for route in api_routes(api.routes):
            if route.path not in PUBLIC:
                found.extend((name, route, method) for method in sorted(route.methods))
    assert found, "no routes found: has FastAPI changed how it keeps them?"
    return found


def concrete(path: str) -> str:
    path = path.replace("{school_id}", "100001").replace("{academic_year}", "2025")
    return re.sub(r"\{[a-z_]+\}", str(uuid.uuid4()), path)


def headers(role: Role) -> dict[str, str]:
    user = str(uuid.uuid4()) if role == Role.ECT else "someone"  # an ECT's sub is their id
    schools = ["100001"] if role in (Role.INDUCTION_TUTOR, Role.HEADTEACHER) else None
    token = ISSUER.issue(user, role, schools=schools)
    return {"Authorization": f"Bearer {token}"}


ROUTES = routes()
IDS = [f"{name} {method} {route.path}" for name, route, method in ROUTES]


@pytest.mark.parametrize(("service", "route", "method"), ROUTES, ids=IDS)
def test_every_route_declares_which_roles_may_call_it(service, route, method):
    assert allowed_roles(route) is not None, f"{service} {method} {route.path} has no access rule"


# only the routes that change something: a GET case here would pass whatever it answered
WRITES = [(name, route, method) for name, route, method in ROUTES if method != "GET"]


@pytest.mark.parametrize(("service", "route", "method"), WRITES,
                         ids=[f"{name} {method} {route.path}" for name, route, method in WRITES])
def test_an_auditor_may_only_read(service, route, method):
    assert Role.AUDITOR not in (allowed_roles(route) or ()), f"{method} {route.path}"


@pytest.mark.parametrize(("service", "route", "method"), ROUTES, ids=IDS)
async def test_every_route_refuses_no_token_and_every_role_it_does_not_admit(service, route, method):
    api = services()[service]
    allowed = allowed_roles(route) or frozenset()
    transport = httpx.ASGITransport(app=api, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        path = concrete(route.path)
        anonymous = await client.request(method, path, json={})
        assert anonymous.status_code == 401
        for role in ROLES:
            response = await client.request(method, path, json={}, headers=headers(role))
            if role in allowed:  # past the gate: any answer but the gate's refusal
                assert response.status_code != 401
                assert GATE not in response.text, (role, response.text)
            else:
                assert response.status_code == 403, (role, response.text)
                assert GATE in response.text
