"""Uploads of records (``text/csv``): the hub's own induction file (``POST /imports/inductions``)
and the DfE's two bulk files, claims (``POST /imports/claims``) and actions
(``POST /imports/actions``), in the columns the DfE's "Record inductions as an appropriate
body" service takes, so an AB uploads here the very file it uploads there.

Who may: an appropriate body, for its own ECTs, or a hub lead acting for every school of the
hub (a token naming no schools). A hub lead scoped to some schools may not: a file's rows
would reach past the schools they act for, and an import is the hub's, not one school's. The
induction file names each row's AB (an AB's rows must all be its own; a hub lead's may be
several ABs'); a DfE file names none, so its AB is the uploader's, and a hub lead names it
with ``?appropriate_body=`` (an AB may give its own, never another's).

Every upload is all or nothing, checked by ``?dry_run=true`` without recording anything, and
answered as JSON, or with ``Accept: text/csv`` as the file's rows with a column of their
problems (every cell neutralised against formula injection), as the DfE's service offers its
errors: ``Error`` for the induction file, the DfE's own ``Error message`` for its files.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import JSONResponse

from contracts import Role
from ect_platform import csv_safety
from ect_platform.identity import Caller, Forbidden, Principal, allow
from ect_platform.problems import problem
from scheduling import access
from scheduling.domain.induction import Induction
from scheduling.domain.provenance import Provenance
from scheduling.entrypoints.deps import Commands, Service
from scheduling.entrypoints.responses import ImportAnswer
from scheduling.imports import actions, claims, importer
from scheduling.imports.action_file import ACTION_FILE
from scheduling.imports.claim_file import CLAIM_FILE
from scheduling.imports.files import MAX_BYTES, FileFormat, ParsedFile, RowError, parse, sha256_of
from scheduling.imports.induction_file import INDUCTION_FILE, InductionRow

IMPORTERS = (Role.APPROPRIATE_BODY, Role.HUB_LEAD)
RESPONSES: dict[int | str, dict[str, Any]] = {
    201: {"description": "Recorded", "model": ImportAnswer}, 200: {"description": "Dry run: all rows valid"},
    413: {"description": "Larger than 1 MB"}, 422: {"description": "Row errors"}}
DRY_RUN = Query(False, description="Check every row and record nothing")
FOR_AB = Query(None, description="The appropriate body whose file this is: a hub lead must name "
               "it; an appropriate body's is itself")

Check = Callable[[ParsedFile[Any], Provenance], "importer.Plan[Any]"]
"""A file's rows decided against the records held, given the upload's provenance."""


def _body_of(fmt: FileFormat[Any]) -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {"text/csv": {
        "schema": {"type": "string"}, "example": ",".join(fmt.columns)}}}}


UPLOADS = ("/imports/inductions", "/imports/claims", "/imports/actions")
"""Routes that read their own bodies (``_body``: up to the file limit) and check them."""

router = APIRouter(tags=["Imports"])


def may_know(caller: Principal) -> importer.MayKnow:
    return lambda ect: _may_know(caller, ect)


async def upload(commands: Commands, request: Request, caller: Principal, dry_run: bool,
                 fmt: FileFormat[Any], check: Check,
                 after: Callable[[importer.Plan[Any], Provenance], None] | None = None,
                 ) -> Response:
    """Read, check, and (unless a dry run) save one upload; answer it as JSON or CSV."""
    _check_may_import(caller)
    data = await _body(request)
    provenance = importer.import_provenance(
        caller.id, caller.role.value, commands.provenance(caller, request).correlation_id,
        sha256_of(data) if data is not None else "", datetime.now(UTC))

    def run() -> tuple[importer.ImportResult, ParsedFile[Any] | None]:
        if data is None:
            too_big = RowError(0, "", "", "file", f"the file is larger than {MAX_BYTES:,} bytes; "
                               "split it")
            return importer.ImportResult(0, 0, 0, [too_big], dry_run), None
        parsed = parse(data, fmt, commands.app.today())
        plan = check(parsed, provenance)
        found = plan.errors if dry_run else importer.apply(commands.app, plan)
        if not dry_run and not found and after is not None:
            after(plan, provenance)
        return importer.ImportResult(parsed.count, plan.created, plan.unchanged, found,
                                     dry_run), parsed

    if dry_run:
        result, parsed = await commands.read(run)
    else:
        result, parsed = await commands.run(run)
    if data is None:
        code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    elif result.errors:
        code = 422  # the row errors (starlette renames the constant between versions)
    else:
        code = status.HTTP_200_OK if dry_run else status.HTTP_201_CREATED
    if "text/csv" in request.headers.get("accept", ""):
        return Response(errors_csv(fmt, parsed, result.errors), status_code=code,
                        media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="import-errors.csv"'})
    if code >= 400:
        # a problem document like every other refusal, the counts and row errors
        # as its extension members
        first = result.errors[0]
        where = f"row {first.row}, {first.teacher}, {first.field}" if first.row else first.field
        detail = (f"{len(result.errors)} error(s), nothing was recorded; the first, {where}: "
                  f"{first.reason}")
        return problem(code, "Import refused", detail, kind="import-refused", **result.as_dict())
    return JSONResponse(result.as_dict(), status_code=code)


@router.post("/imports/inductions",
             response_model=ImportAnswer,
             dependencies=[allow(*IMPORTERS, action="import inductions")],
             responses=RESPONSES, openapi_extra=_body_of(INDUCTION_FILE))
async def import_inductions(commands: Service, request: Request, caller: Caller,
                            dry_run: bool = DRY_RUN) -> Response:
    """One row per induction period (header: exactly the columns, any order). All or
    nothing: any row error and nothing is recorded. The same file again records nothing."""

    def check(parsed: ParsedFile[Any], provenance: Provenance) -> importer.Plan[Any]:
        return importer.check(commands.app, parsed, provenance=provenance,
                              may_import=lambda row: _refusal(caller, row),
                              may_know=may_know(caller))

    def name_schools(plan: importer.Plan[Any], provenance: Provenance) -> None:
        if caller.role == Role.HUB_LEAD:
            # naming a school is its staff's or the hub's (routes_directory), not an AB's
            importer.name_schools(commands.app, plan, provenance)

    return await upload(commands, request, caller, dry_run, INDUCTION_FILE, check, name_schools)


@router.post("/imports/claims",
             response_model=ImportAnswer,
             dependencies=[allow(*IMPORTERS, action="import claims")],
             responses=RESPONSES, openapi_extra=_body_of(CLAIM_FILE))
async def import_claims(commands: Service, request: Request, caller: Caller, dry_run: bool = DRY_RUN,
                        appropriate_body: str | None = FOR_AB) -> Response:
    """The DfE's bulk claim file: each row opens a new induction period with the AB for a
    teacher the platform already knows. All or nothing; the same file again records nothing."""
    ab = _uploaders_ab(caller, appropriate_body)

    def check(parsed: ParsedFile[Any], provenance: Provenance) -> importer.Plan[Any]:
        return claims.check(commands.app, parsed, appropriate_body_id=ab, provenance=provenance,
                            may_know=may_know(caller))

    return await upload(commands, request, caller, dry_run, CLAIM_FILE, check)


@router.post("/imports/actions",
             response_model=ImportAnswer,
             dependencies=[allow(*IMPORTERS, action="import actions")],
             responses=RESPONSES, openapi_extra=_body_of(ACTION_FILE))
async def import_actions(commands: Service, request: Request, caller: Caller, dry_run: bool = DRY_RUN,
                         appropriate_body: str | None = FOR_AB) -> Response:
    """The DfE's bulk action file: each row closes the AB's open induction period of one
    teacher by a pass or a release (a fail is refused in bulk). All or nothing; the same
    file again records nothing."""
    ab = _uploaders_ab(caller, appropriate_body)

    def check(parsed: ParsedFile[Any], provenance: Provenance) -> importer.Plan[Any]:
        return actions.check(commands.app, parsed, appropriate_body_id=ab, provenance=provenance,
                             may_know=may_know(caller))

    return await upload(commands, request, caller, dry_run, ACTION_FILE, check)


def errors_csv(fmt: FileFormat[Any], parsed: ParsedFile[Any] | None, found: list[RowError]) -> str:
    """The file's rows as uploaded, each with its problems in the format's error column;
    problems with the whole file are the first rows. Fix the cells, delete nothing, upload it
    again: the error column is ignored on upload. A file without a ``Name`` column (the DfE's)
    has each problem name the teacher."""
    by_row: dict[int, list[str]] = {}
    for error in found:
        said = f"{error.field}: {error.reason}"
        if error.row and "Name" not in fmt.columns:
            said = f"{error.teacher}: {said}"
        by_row.setdefault(error.row, []).append(said)
    rows: list[dict[str, str]] = [{fmt.error_column: reason} for reason in by_row.get(0, [])]
    if parsed is not None:
        for line, raw in zip(parsed.lines, parsed.raw_rows, strict=True):
            rows.append({**{c: raw.get(c, "") for c in fmt.columns},
                         fmt.error_column: "; ".join(by_row.get(line, []))})
    return csv_safety.write([*fmt.columns, fmt.error_column], rows)


def _check_may_import(caller: Principal) -> None:
    if caller.role == Role.HUB_LEAD and caller.schools is not None:
        raise Forbidden(f"hub lead {caller.id} acts for some schools only; an import is made by an "
                        "appropriate body for its own ECTs or a hub lead acting for every school")


class AppropriateBodyRequiredError(ValueError):
    """A hub lead's DfE file without ``?appropriate_body=``: whose claims or actions it is."""


def _uploaders_ab(caller: Principal, named: str | None) -> str:
    """The AB a DfE file is for: an AB's own (it may name itself, never another), or the one
    a hub lead names."""
    if caller.role == Role.APPROPRIATE_BODY:
        if named and named != caller.appropriate_body_id:
            raise Forbidden(f"appropriate body {caller.appropriate_body_id} may upload only its own "
                            f"files, not those of {named}")
        assert caller.appropriate_body_id is not None  # an AB's token always names its AB
        return caller.appropriate_body_id
    if not named:
        raise AppropriateBodyRequiredError(
            "a hub lead's upload of a DfE file names the appropriate body whose file it is: "
            "add ?appropriate_body=<id>")
    return named


def _refusal(caller: Principal, row: InductionRow) -> str | None:
    if caller.role == Role.APPROPRIATE_BODY and row.appropriate_body_id != caller.appropriate_body_id:
        return (f"appropriate body {caller.appropriate_body_id} may import only its own ECTs, not "
                f"those of {row.appropriate_body_id}")
    return None


def _may_know(caller: Principal, ect: Induction) -> bool:
    try:
        access.check_may_read(caller, ect)
    except Forbidden:
        return False
    return True


async def _body(request: Request) -> bytes | None:
    """The upload, or None once it passes the limit (read no further than that)."""
    received = bytearray()
    async for chunk in request.stream():
        received.extend(chunk)
        if len(received) > MAX_BYTES:
            return None
    return bytes(received)
