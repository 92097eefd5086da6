"""The dashboard's routes: pages, their live fragments, sign-in, the change feed, exports.

Every route declares its roles with the platform's ``allow`` (the route walk checks it) and
then applies reporting's own finer rules (``reporting.access``): the same people see the same
ECTs here as through the JSON API.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, StreamingResponse

from ect_platform.identity import Caller, Forbidden, allow
from reporting.dashboard import data, views
from reporting.dashboard.auth import COOKIE, LOGIN_PATH, DashboardRoute
from reporting.dashboard.live import ChangeFeed, event_stream
from reporting.dashboard.render import PAGE_HEADERS, STATIC, page, render
from reporting.entrypoints.routes_exports import EXPORTERS
from reporting.entrypoints.routes_read import AB_READERS, READERS
from reporting.projections import exports

if TYPE_CHECKING:
    from reporting.entrypoints.api import Services

Offset = Annotated[int, Query(ge=0, le=1_000_000)]
STATIC_TYPES = {"dashboard.css": "text/css", "live.js": "text/javascript"}
EXPORTS = {"tra-return.csv": exports.TRA_COLUMNS, "dfe-claims.csv": exports.CLAIM_COLUMNS,
           "dfe-outcomes.csv": exports.OUTCOME_COLUMNS}


def _fragment(template: str, context: dict[str, object]) -> HTMLResponse:
    return HTMLResponse(render(template, **context), headers=PAGE_HEADERS)


def _safe_next(target: str) -> str:
    # only ever back into the dashboard: never an open redirect to another site
    return target if target.startswith("/dashboard") and "//" not in target and "\\" not in target \
        else "/dashboard"


def router(services: Services) -> APIRouter:
    routes = APIRouter(tags=["Dashboard"], route_class=DashboardRoute, default_response_class=HTMLResponse)
    feed = ChangeFeed(lambda: data.signature(services.pool))

    @routes.get(LOGIN_PATH, dependencies=[allow(*READERS, action="open the dashboard")])
    async def login(
        request: Request, caller: Caller,
        token: Annotated[str | None, Query(description="A bearer token (`ect token ...`)")] = None,
        next: str = "/dashboard",
    ) -> Response:
        """Checks the token and keeps it in an HttpOnly, SameSite=Strict cookie for the dashboard."""
        bearer = request.headers["authorization"].removeprefix("Bearer ").strip()
        answer = RedirectResponse(_safe_next(next), status_code=303,
                                  headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})
        # a session cookie: the token's own expiry still applies on every request
        answer.set_cookie(COOKIE, bearer, path="/dashboard", httponly=True, samesite="strict",
                          secure=request.url.scheme == "https")
        return answer

    @routes.get("/dashboard/logout", dependencies=[allow(*READERS, action="sign out of the dashboard")])
    async def logout() -> Response:
        answer = RedirectResponse("/dashboard", status_code=303)
        answer.delete_cookie(COOKIE, path="/dashboard", httponly=True, samesite="strict")
        return answer

    @routes.get("/dashboard", dependencies=[allow(*READERS, action="read the dashboard")])
    async def overview(caller: Caller, q: str = "", school: str = "", ab: str = "", status: str = "",
                       induction: str = "", offset: Offset = 0,
                       fragment: Literal["", "table"] = "") -> Response:
        """Every ECT the caller may see: status and reasons, mentor, terms, reports due and overdue."""
        context = await views.overview(services, caller, q=q, school=school, ab=ab, status=status,
                                       induction=induction, offset=offset)
        if fragment:
            return _fragment("_overview_table.html", context)
        return page("overview.html", title="Hub overview", **context)

    @routes.get("/dashboard/ects/{ect_id}", dependencies=[allow(*READERS, action="read the dashboard")])
    async def ect(caller: Caller, ect_id: UUID, fragment: Literal["", "live"] = "") -> Response:
        """One ECT: status and reasons, sessions against the cadence week by week, the timeline."""
        context = await views.ect(services, caller, ect_id)
        if fragment:
            return _fragment("_ect_live.html", context)
        return page("ect.html", title=context["ect"].get("name") or "ECT", **context)

    @routes.get("/dashboard/abs/{ab}", dependencies=[allow(*AB_READERS, action="read AB submissions")])
    async def appropriate_body(caller: Caller, ab: str, term: str = "", state: str = "",
                               offset: Offset = 0, fragment: Literal["", "live"] = "") -> Response:
        """One appropriate body: submissions due, received, late, missing; outcomes; exports."""
        context = await views.appropriate_body(services, caller, ab, term=term, state=state,
                                               offset=offset)
        if fragment:
            return _fragment("_ab_live.html", context)
        return page("ab.html", title=f"Appropriate body {ab}", **context)

    @routes.get("/dashboard/abs/{ab}/exports/{export}",
                dependencies=[allow(*EXPORTERS, action="export returns")])
    async def export(caller: Caller, ab: str, export: Literal["tra-return.csv", "dfe-claims.csv",
                                                              "dfe-outcomes.csv"],
                     term: str = "") -> Response:
        """The API's exports as CSV downloads a browser can fetch with the dashboard's cookie."""
        if caller.appropriate_body_id not in (None, ab):
            raise Forbidden(f"appropriate body {caller.appropriate_body_id} may export only its own "
                            f"returns, not those of {ab}")
        if export == "tra-return.csv":
            rows = (await exports.tra_return(services.pool, ab, term or views.current_term(
                services.projections.clock())))["rows"]
        elif export == "dfe-claims.csv":
            rows = await exports.dfe_claims(services.pool, ab, term or None)
        else:
            rows = await exports.dfe_outcomes(services.pool, ab, term or None)
        name = f"{export.removesuffix('.csv')}-{ab}{'-' + term if term else ''}.csv"
        return Response(exports.to_csv(EXPORTS[export], rows), media_type="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{name}"',
                                 "Cache-Control": "no-store"})

    @routes.get("/dashboard/events", dependencies=[allow(*READERS, action="watch the dashboard")],
                response_class=StreamingResponse)
    async def events(since: str | None = None,
                     last_event_id: Annotated[str | None, Header()] = None) -> StreamingResponse:
        """Server-sent events: ``changed`` whenever the projection changed since ``since``."""
        return StreamingResponse(event_stream(feed, last_event_id or since), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})

    @routes.get("/dashboard/static/{name}", include_in_schema=False,
                dependencies=[allow(*READERS, action="read the dashboard")])
    async def static(name: str) -> Response:
        if name not in STATIC_TYPES:
            return Response(status_code=404)
        return FileResponse(STATIC / name, media_type=STATIC_TYPES[name],
                            headers={"Cache-Control": "private, max-age=300",
                                     "X-Content-Type-Options": "nosniff"})

    return routes
