"""How a browser authenticates, and how refusals look to it.

The platform's ``allow`` and ``Caller`` read the bearer header. A browser cannot send one on
a link or a form, and must not keep the API's token where scripts, history or proxies see it.
So a browser signs in by posting the token once (``/dashboard/login``) and gets a dashboard
session of its own (``sessions.DashboardSessions``: an opaque id in an HttpOnly cookie). On
every other dashboard route, ``DashboardRoute`` looks the cookie's session up and hands its
principal to the platform (``PRINCIPAL_SCOPE_KEY``), so the roles are gated by exactly the
code that guards the API, and the route table still declares every route's roles for the
route walk. A request with an Authorization header (curl, an API client) uses the token.

A browser asking for HTML gets refusals as a small page (401 offers the sign-in form); any
other client gets the platform's problem details, as from the rest of the API.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from ect_platform.identity import PRINCIPAL_SCOPE_KEY, Forbidden, NotAuthenticated
from ect_platform.problems import problem
from reporting.dashboard.render import page
from reporting.dashboard.sessions import DashboardSessions
from reporting.domain.errors import FormRefusedError, ReportingError, UnknownEctError
from reporting.projections.exports import UnknownTermError

COOKIE = "ect_dashboard"
LOGIN_PATH = "/dashboard/login"
LOGOUT_PATH = "/dashboard/logout"


class BadFilter(ValueError):
    """A filter value the dashboard does not offer (e.g. a status that is not green/amber/red)."""


def wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


SIGN_IN_FORM_HEADERS = {"Referrer-Policy": "same-origin"}
"""Pages with the sign-in form: under ``no-referrer`` a browser posts ``Origin: null``, and the
sign-in refuses any origin but the dashboard's own (a site must not sign a browser in)."""

LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def check_same_origin(request: Request, action: str) -> None:
    """A dashboard form's post must come from the dashboard's own page (cross-site request
    forgery). The session cookie is SameSite=Strict already; the Origin header is checked too,
    because a browser sends it on every post. A post signed in by the cookie must carry it; a
    client sending its own bearer header has no ambient credential a site could borrow."""
    origin = request.headers.get("origin")
    if origin is None:
        if request.headers.get("authorization") or request.url.path == LOGIN_PATH:
            return
        raise Forbidden(f"to {action}, post the form on this dashboard's own page")
    if urlsplit(origin).netloc != request.headers.get("host"):
        raise Forbidden(f"to {action}, post the form on this dashboard's own page, not from "
                        f"{origin}")


def cookie_is_secure(request: Request) -> bool:
    """Secure except over plain http to this machine (``make run``), where there is no TLS."""
    host = request.url.hostname or ""
    on_loopback = host in LOOPBACK or host.endswith(".localhost")
    return request.url.scheme == "https" or not on_loopback


async def _authenticate(request: Request, sessions: DashboardSessions | None) -> None:
    if request.headers.get("authorization"):
        return  # a bearer token: the platform checks it as for the API
    session_id = request.cookies.get(COOKIE)
    if not session_id or sessions is None:
        return  # no credentials: the gate refuses with a 401
    principal = await sessions.principal(session_id)
    if principal is None:
        raise NotAuthenticated("your dashboard session has ended (signed out or expired); sign in again")
    request.scope[PRINCIPAL_SCOPE_KEY] = principal


def refusal(request: Request, status: int, title: str, detail: str) -> Response:
    # the 401 page carries the sign-in form: its post must carry this page's Origin (below)
    headers = {"WWW-Authenticate": "Bearer", **SIGN_IN_FORM_HEADERS} if status == 401 else {}
    return page("error.html", status, headers, status=status, title=title, detail=detail,
                login=status == 401, caller=None,
                next=request.url.path if request.method == "GET" else "/dashboard")


REFUSALS: dict[type[Exception], tuple[int, str]] = {
    NotAuthenticated: (401, "Sign in to the dashboard"),
    Forbidden: (403, "Not yours to see"),
    UnknownEctError: (404, "No such ECT"),
    UnknownTermError: (400, "Unknown term"),
    BadFilter: (400, "Unknown filter"),
    RequestValidationError: (422, "Invalid request"),
    # a form whose fields make no valid request, and a step the record refuses (signed out of
    # turn, already submitted, ...): said on the page; after the more specific errors above,
    # which are ReportingErrors too
    FormRefusedError: (422, "Not recorded"),
    ReportingError: (409, "Not done"),
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
        # signing in and out must work whatever state an old cookie is in
        signs_in_or_out = self.path in (LOGIN_PATH, LOGOUT_PATH)

        async def route(request: Request) -> Response:
            try:
                # the app's own sessions (``dashboard.state``, on ``app.state``)
                sessions = None if signs_in_or_out else request.app.state.dashboard.sessions
                await _authenticate(request, sessions)
                return await handler(request)
            except tuple(REFUSALS) as exc:
                status, title = next(v for t, v in REFUSALS.items() if isinstance(exc, t))
                if wants_html(request):
                    return refusal(request, status, title, _detail(exc))
                if isinstance(exc, BadFilter):  # the API's handlers know the others
                    return problem(400, title, str(exc), kind="bad-filter")
                raise

        return route
