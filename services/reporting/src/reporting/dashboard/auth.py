"""How a browser authenticates, and how refusals look to it.

The platform's ``allow`` and ``Caller`` read the bearer header. A browser cannot send one on
a link or a form, so dashboard routes use ``DashboardRoute``: when the request has no
Authorization header, the token kept in the dashboard's cookie (or, on the login route only,
the ``token`` query parameter) is put there before the route runs. The token is then checked,
and the roles gated, by exactly the code that guards the API, and the route table still
declares every route's roles for the route walk.

A browser asking for HTML gets refusals as a small page (401 says how to get a token); any
other client gets the platform's problem details, as from the rest of the API.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from ect_platform.identity import Forbidden, NotAuthenticated
from ect_platform.problems import problem
from reporting.dashboard.render import page
from reporting.domain.errors import UnknownEctError
from reporting.projections.exports import UnknownTermError

COOKIE = "ect_dashboard"
LOGIN_PATH = "/dashboard/login"


class BadFilter(ValueError):
    """A filter value the dashboard does not offer (e.g. a status that is not green/amber/red)."""


def wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


def _with_credentials(request: Request, query_token: bool) -> Request:
    headers = request.scope["headers"]
    token = request.query_params.get("token") if query_token else None
    if not token:
        if any(name == b"authorization" for name, _ in headers):
            return request
        token = request.cookies.get(COOKIE)
    if not token:
        return request
    # a token with characters a header cannot carry is not a token: it fails verification
    value = f"Bearer {token}".encode("latin-1", "replace")
    request.scope["headers"] = [(n, v) for n, v in headers if n != b"authorization"]
    request.scope["headers"].append((b"authorization", value))
    return Request(request.scope, request.receive)


def refusal(request: Request, status: int, title: str, detail: str) -> Response:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
    return page("error.html", status, headers, status=status, title=title, detail=detail,
                login=status == 401, caller=None)


REFUSALS: dict[type[Exception], tuple[int, str]] = {
    NotAuthenticated: (401, "Sign in to the dashboard"),
    Forbidden: (403, "Not yours to see"),
    UnknownEctError: (404, "No such ECT"),
    UnknownTermError: (400, "Unknown term"),
    BadFilter: (400, "Unknown filter"),
    RequestValidationError: (422, "Invalid request"),
}


def _detail(exc: Exception) -> str:
    if isinstance(exc, RequestValidationError):
        return "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ())[1:])}: {e.get('msg')}"
                         for e in exc.errors())
    if isinstance(exc, UnknownEctError):
        return f"reporting knows no ECT {exc}"
    return str(exc)


class DashboardRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        query_token = self.path == LOGIN_PATH

        async def route(request: Request) -> Response:
            request = _with_credentials(request, query_token)
            try:
                return await handler(request)
            except tuple(REFUSALS) as exc:
                status, title = next(v for t, v in REFUSALS.items() if isinstance(exc, t))
                if wants_html(request):
                    return refusal(request, status, title, _detail(exc))
                if isinstance(exc, BadFilter):  # the API's handlers know the others
                    return problem(400, title, str(exc), kind="bad-filter")
                raise

        return route
