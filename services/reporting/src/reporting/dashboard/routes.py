"""The dashboard's routes: pages, their live fragments, sign-in, the change feed, exports,
and the upload of inductions (forwarded to scheduling).

Every route declares its roles with the platform's ``allow`` (the route walk checks it) and
then applies reporting's own finer rules (``reporting.access``): the same people see the same
ECTs here as through the JSON API.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import parse_qs
from uuid import UUID

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, StreamingResponse

from contracts import Role
from ect_platform.identity import Caller, Forbidden, NotAuthenticated, Principal, allow, require_role
from reporting import access
from reporting.dashboard import end_of_induction_forms, induction_import, views
from reporting.dashboard.auth import (
    COOKIE,
    LOGIN_PATH,
    LOGOUT_PATH,
    SIGN_IN_FORM_HEADERS,
    DashboardRoute,
    check_same_origin,
    cookie_is_secure,
)
from reporting.dashboard.live import event_stream
from reporting.dashboard.render import PAGE_HEADERS, STATIC, page, render
from reporting.dashboard.state import DashboardDep
from reporting.domain.errors import SignatureNotAllowedError
from reporting.entrypoints import signing_steps
from reporting.entrypoints.deps import CommandsDep
from reporting.projections import exports

SIGN_IN_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
STATIC_TYPES = {"dashboard.css": "text/css", "live.js": "text/javascript"}
IMPORT_PATH = "/dashboard/imports"
STREAMED_UPLOADS = (IMPORT_PATH, IMPORT_PATH + "/errors.csv")
"""Routes that read their body as a stream with their own limit (``induction_import``), so the
platform's edge lets them through and a refusal is shown on the page."""
IMPORTERS = (Role.APPROPRIATE_BODY, Role.HUB_LEAD)  # narrowed by views.induction_import_page
EXPORTS = {"tra-return.csv": exports.TRA_COLUMNS, "dfe-claims.csv": exports.CLAIM_COLUMNS,
           "dfe-outcomes.csv": exports.OUTCOME_COLUMNS}


def _fragment(template: str, context: dict[str, object]) -> HTMLResponse:
    return HTMLResponse(render(template, **context), headers=PAGE_HEADERS)


def _safe_next(target: str) -> str:
    # only ever back into the dashboard: never an open redirect to another site
    return target if target.startswith("/dashboard") and "//" not in target and "\\" not in target \
        else "/dashboard"


async def _form(request: Request) -> dict[str, str]:
    """A small url-encoded form (the edge has limited its size), one value per field."""
    body = (await request.body()).decode("utf-8", errors="replace")
    return {key: values[-1] for key, values in parse_qs(body).items()}


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


router = APIRouter(tags=["Dashboard"], route_class=DashboardRoute, default_response_class=HTMLResponse)


@router.get(LOGIN_PATH)
async def sign_in_form(request: Request, next: str = "/dashboard") -> Response:
    """The sign-in form. A token in the address is refused: it would sit in history and logs."""
    if "token" in request.query_params:
        return page("login.html", 400, SIGN_IN_FORM_HEADERS, title="Sign in to the dashboard",
                    next=_safe_next(next), refused=(
                        "A token in the address is not accepted, because the address is kept "
                        "in the browser's history and in proxy logs. Treat that token as seen "
                        "by others: get a new one and paste it below."))
    return page("login.html", 200, SIGN_IN_FORM_HEADERS, title="Sign in to the dashboard",
                next=_safe_next(next), refused="")


@router.post(LOGIN_PATH)
async def sign_in(request: Request, dashboard: DashboardDep) -> Response:
    """Trades a posted token for a dashboard session: an opaque id in an HttpOnly cookie."""
    check_same_origin(request, "sign in")
    form = parse_qs((await request.body()).decode("utf-8", "replace"))
    bearer = (form.get("token") or [""])[0].strip()
    if not bearer:
        raise NotAuthenticated("paste a token to sign in")
    principal, token_expires = request.app.state.token_issuer.verify_until(bearer)
    require_role(principal, access.READERS, "open the dashboard")
    session_id, ends = await dashboard.sessions.open(principal, token_expires)
    target = _safe_next((form.get("next") or ["/dashboard"])[0])
    own = views.own_school(principal)
    if target == "/dashboard" and own is not None:
        target = f"/dashboard/schools/{own}"  # a tutor or headteacher of one school lands there
    answer = RedirectResponse(target, status_code=303, headers=SIGN_IN_HEADERS)
    answer.set_cookie(COOKIE, session_id, path="/dashboard", httponly=True, samesite="strict",
                      secure=cookie_is_secure(request), expires=ends)
    return answer


@router.post(LOGOUT_PATH)
async def sign_out(request: Request, dashboard: DashboardDep) -> Response:
    """Ends the session: its row is deleted, so the cookie no longer works anywhere."""
    session_id = request.cookies.get(COOKIE)
    if session_id:
        await dashboard.sessions.close(session_id)
    answer = RedirectResponse(LOGIN_PATH, status_code=303, headers=SIGN_IN_HEADERS)
    answer.delete_cookie(COOKIE, path="/dashboard", httponly=True, samesite="strict",
                         secure=cookie_is_secure(request))
    return answer


@router.get("/dashboard", dependencies=[allow(*access.READERS, action="read the dashboard")])
async def overview(caller: Caller, commands: CommandsDep, q: str = "", school: str = "", ab: str = "",
                   status: str = "", induction: str = "", offset: Offset = 0,
                   fragment: Literal["", "table"] = "") -> Response:
    """Every ECT the caller may see: status and reasons, mentor, terms, reports due and overdue."""
    context = await views.overview(commands, caller, q=q, school=school, ab=ab, status=status,
                                   induction=induction, offset=offset)
    if fragment:
        return _fragment("_overview_table.html", context)
    return page("overview.html", title="Hub overview", **context)


@router.get("/dashboard/ects/{ect_id}", dependencies=[allow(*access.READERS, action="read the dashboard")])
async def ect(caller: Caller, commands: CommandsDep, ect_id: UUID,
              fragment: Literal["", "live"] = "") -> Response:
    """One ECT: status and reasons, sessions against the cadence week by week, the timeline."""
    context = await views.ect(commands, caller, ect_id)
    if fragment:
        return _fragment("_ect_live.html", context)
    # same-origin referrers: its signing forms' posts carry this page's Origin (checked)
    return page("ect.html", 200, SIGN_IN_FORM_HEADERS, title=context["ect"].get("name") or "ECT",
                **context)


@router.get("/dashboard/schools/{urn}",
            dependencies=[allow(*views.SCHOOL_PAGE_READERS, action="read a school's page")])
async def school(caller: Caller, commands: CommandsDep, urn: str, offset: Offset = 0) -> Response:
    """One school: its ECTs (status, year and term, mentor, next report, whose step each
    draft is), the reports waiting for the headteacher's signature, its mentors' training."""
    context = await views.school_page(commands, caller, urn, offset=offset)
    return page("school.html", title=context["school_name"], **context)


@router.post("/dashboard/ects/{ect_id}/reports/{report_id}/sign",
             dependencies=[allow(*access.SIGNATORIES, action="sign a term report")])
async def sign_report(request: Request, caller: Caller, commands: CommandsDep, ect_id: UUID,
                      report_id: UUID) -> Response:
    """The ECT signs with their comments, or the headteacher with their name (the form on
    the ECT's page); then back to the report."""
    check_same_origin(request, "sign a term report")
    form = await _form(request)
    await signing_steps.sign(commands, caller, ect_id, report_id, name=form.get("name") or None,
                             comments=form.get("comments") if caller.role == Role.ECT else None,
                             signed_on=commands.projections.clock(),
                             provenance=commands.provenance(caller, request))
    return RedirectResponse(f"/dashboard/ects/{ect_id}#report-{report_id}", status_code=303)


@router.post("/dashboard/ects/{ect_id}/reports/{report_id}/submit",
             dependencies=[allow(Role.INDUCTION_TUTOR, action="submit a term report")])
async def submit_report(request: Request, caller: Caller, commands: CommandsDep, ect_id: UUID,
                        report_id: UUID) -> Response:
    """The tutor signs and sends the draft to the AB; then back to the report."""
    check_same_origin(request, "submit a term report")
    form = await _form(request)
    name = (form.get("name") or "").strip()
    if not name:
        raise SignatureNotAllowedError("the induction tutor signs the report with their name: "
                                       "give it")
    await signing_steps.submit(commands, caller, ect_id, report_id, name=name,
                               submitted_on=commands.projections.clock(),
                               provenance=commands.provenance(caller, request))
    return RedirectResponse(f"/dashboard/ects/{ect_id}#report-{report_id}", status_code=303)


@router.post("/dashboard/ects/{ect_id}/end-of-induction/{step}",
             dependencies=[allow(Role.ECT, Role.APPROPRIATE_BODY,
                                 action="record a step of the end of induction")])
async def end_of_induction_step(request: Request, caller: Caller, commands: CommandsDep, ect_id: UUID,
                                step: Literal["representations", "notice", "appeal",
                                              "appeal-outcome"]) -> Response:
    """The forms on the ECT's page: the ECT's representations, written notice of the
    decision, an appeal and its outcome; each the API's own action, dated today."""
    check_same_origin(request, "record a step of the end of induction")
    form = parse_qs((await request.body()).decode("utf-8", errors="replace"))
    await end_of_induction_forms.record(commands, caller, ect_id, step, form,
                                        today=commands.projections.clock(),
                                        provenance=commands.provenance(caller, request))
    return RedirectResponse(f"/dashboard/ects/{ect_id}#end-of-induction", status_code=303)


@router.get("/dashboard/abs/{ab}", dependencies=[allow(*access.AB_READERS, action="read AB submissions")])
async def appropriate_body(caller: Caller, commands: CommandsDep, ab: str, term: str = "", state: str = "",
                           offset: Offset = 0, fragment: Literal["", "live"] = "") -> Response:
    """One appropriate body: submissions due, received, late, missing; outcomes; exports."""
    context = await views.appropriate_body(commands, caller, ab, term=term, state=state,
                                           offset=offset)
    if fragment:
        return _fragment("_ab_live.html", context)
    return page("ab.html", title=f"Appropriate body {ab}", **context)


@router.get("/dashboard/abs/{ab}/exports/{export}",
            dependencies=[allow(*access.EXPORTERS, action="export returns")])
async def export(caller: Caller, commands: CommandsDep, ab: str,
                 export: Literal["tra-return.csv", "dfe-claims.csv",
                                                          "dfe-outcomes.csv"],
                 term: str = "", part: Annotated[int, Query(ge=1)] = 1) -> Response:
    """The API's exports as CSV downloads a browser can fetch with the dashboard's cookie
    (a DfE file in parts the DfE service accepts: ``part``)."""
    if caller.appropriate_body_id not in (None, ab):
        raise Forbidden(f"appropriate body {caller.appropriate_body_id} may export only its own "
                        f"returns, not those of {ab}")
    if export == "tra-return.csv":
        rows = (await exports.tra_return(commands.pool, ab, term or views.current_term(
            commands.projections.clock())))["rows"]
    elif export == "dfe-claims.csv":
        rows = exports.dfe_part(await exports.dfe_claims(commands.pool, ab, term or None), part)
    else:
        rows = exports.dfe_part(await exports.dfe_outcomes(commands.pool, ab, term or None), part)
    name = (f"{export.removesuffix('.csv')}-{ab}{'-' + term if term else ''}"
            f"{'-part-' + str(part) if part > 1 else ''}.csv")
    return Response(exports.to_csv(EXPORTS[export], rows), media_type="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})


def on_behalf_of(request: Request, caller: Principal) -> str:
    return induction_import.forwarded_authorization(request, caller, request.app.state.token_issuer)


def import_page(status: int, context: dict[str, Any]) -> Response:
    # same-origin referrers, so the browser's post carries this page's Origin (checked)
    return page("import.html", status, SIGN_IN_FORM_HEADERS, **context)


@router.get(IMPORT_PATH, dependencies=[allow(*IMPORTERS, action="import inductions")])
async def import_form(caller: Caller) -> Response:
    """The upload form for a cohort already in induction (scheduling records it)."""
    return import_page(200, views.induction_import_page(caller))


@router.post(IMPORT_PATH, dependencies=[allow(*IMPORTERS, action="import inductions")])
async def import_upload(request: Request, caller: Caller, dashboard: DashboardDep) -> Response:
    """Sends the file to scheduling's ``POST /imports/inductions`` as the signed-in user,
    and shows its counts and row errors. A file refused here is sent nowhere."""
    check_same_origin(request, "import inductions")
    context = views.induction_import_page(caller)
    try:
        upload = await induction_import.read_upload(request)
        answer = await induction_import.forward(dashboard.scheduling_url, on_behalf_of(request, caller),
                                                upload)
    except induction_import.UploadRefused as refused:
        return import_page(refused.status, {**context, "problem": str(refused)})
    except induction_import.SchedulingUnavailable as unavailable:
        return import_page(503, {**context, "problem": str(unavailable),
                                 "nothing_recorded": unavailable.nothing_recorded})
    returned = upload.data.decode("utf-8") if answer.errors and _is_utf8(upload.data) else ""
    return import_page(200 if answer.status in (200, 201) else answer.status, {
        **context, "answer": answer, "filename": upload.filename, "returned": returned})


@router.post(IMPORT_PATH + "/errors.csv", response_class=Response,
             dependencies=[allow(*IMPORTERS, action="import inductions")])
async def import_errors(request: Request, caller: Caller, dashboard: DashboardDep) -> Response:
    """The uploaded file's rows with an Error column, checked again by scheduling as a dry
    run (so nothing is recorded): the result page posts the file back for it."""
    check_same_origin(request, "download the import's errors")
    context = views.induction_import_page(caller)
    try:
        uploaded = await induction_import.read_returned_file(request)
        found = await induction_import.errors_csv(dashboard.scheduling_url, on_behalf_of(request, caller),
                                                  uploaded)
    except induction_import.UploadRefused as refused:
        return import_page(refused.status, {**context, "problem": str(refused)})
    except induction_import.SchedulingUnavailable as unavailable:
        return import_page(503, {**context, "problem": str(unavailable),
                                 "nothing_recorded": unavailable.nothing_recorded})
    return Response(found, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="import-errors.csv"', "Cache-Control": "no-store"})


@router.get("/dashboard/events", dependencies=[allow(*access.READERS, action="watch the dashboard")],
            response_class=StreamingResponse)
async def events(dashboard: DashboardDep, since: str | None = None,
                 last_event_id: Annotated[str | None, Header()] = None) -> StreamingResponse:
    """Server-sent events: ``changed`` whenever the projection changed since ``since``."""
    return StreamingResponse(event_stream(dashboard.feed, last_event_id or since),
                             media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


@router.get("/dashboard/static/{name}", include_in_schema=False,
            dependencies=[allow(*access.READERS, action="read the dashboard")])
async def static(name: str) -> Response:
    if name not in STATIC_TYPES:
        return Response(status_code=404)
    return FileResponse(STATIC / name, media_type=STATIC_TYPES[name],
                        headers={"Cache-Control": "private, max-age=300",
                                 "X-Content-Type-Options": "nosniff"})

