"""Uploads of the records a hub already holds: ``POST /imports/inductions`` (``text/csv``).

Who may: an appropriate body, for its own ECTs (every row's ``Appropriate body`` is itself),
or a hub lead acting for every school of the hub (a token naming no schools), whose file
may hold several ABs' rows. A hub lead scoped to some schools may not: a file's rows would
reach past the schools they act for, and an import is the hub's, not one school's.

The answer is JSON, or with ``Accept: text/csv`` the file's rows with an ``Error`` column
(every cell neutralised against formula injection), as the DfE's service offers its errors.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import JSONResponse

from contracts import Role
from ect_platform import csv_safety
from ect_platform.identity import Caller, Forbidden, Principal, allow
from ect_platform.problems import problem
from scheduling import access
from scheduling.domain.induction import Induction
from scheduling.imports import importer
from scheduling.imports.files import ERROR_COLUMN, MAX_BYTES, RowError, sha256_of
from scheduling.imports.induction_file import COLUMNS, InductionRow, parse_induction_file

if TYPE_CHECKING:
    from scheduling.entrypoints.api import Commands

IMPORTERS = (Role.APPROPRIATE_BODY, Role.HUB_LEAD)


def router(commands: Commands) -> APIRouter:
    routes = APIRouter(tags=["Imports"])
    app = commands.app

    @routes.post(
        "/imports/inductions",
        dependencies=[allow(*IMPORTERS, action="import inductions")],
        responses={201: {"description": "Recorded"}, 200: {"description": "Dry run: all rows valid"},
                   413: {"description": "Larger than 1 MB"}, 422: {"description": "Row errors"}},
        openapi_extra={"requestBody": {"required": True, "content": {"text/csv": {
            "schema": {"type": "string"},
            "example": ",".join(COLUMNS)}}}},
    )
    async def import_inductions(
        request: Request, caller: Caller,
        dry_run: bool = Query(False, description="Check every row and record nothing"),
    ) -> Response:
        """One row per induction period (header: exactly the columns, any order). All or
        nothing: any row error and nothing is recorded. The same file again records nothing."""
        _check_may_import(caller)
        data = await _body(request)
        now = datetime.now(UTC)
        provenance = importer.import_provenance(
            caller.id, caller.role.value, commands.provenance(caller, request).correlation_id,
            sha256_of(data) if data is not None else "", now)

        def run() -> tuple[importer.ImportResult, list[dict[str, str]]]:
            if data is None:
                too_big = RowError(0, "", "", "file", f"the file is larger than {MAX_BYTES:,} bytes; "
                                   "split it")
                return importer.ImportResult(0, 0, 0, [too_big], dry_run), []
            parsed = parse_induction_file(data, app.today())
            plan = importer.check(app, parsed, provenance=provenance,
                                  may_import=lambda row: _refusal(caller, row),
                                  may_know=lambda ect: _may_know(caller, ect))
            found = plan.errors if dry_run else importer.apply(app, plan)
            if not dry_run and not found and caller.role == Role.HUB_LEAD:
                # naming a school is its staff's or the hub's (routes_directory), not an AB's
                importer.name_schools(app, plan, provenance)
            result = importer.ImportResult(parsed.count, plan.created, plan.unchanged, found, dry_run)
            return result, parsed.raw_rows

        if dry_run:
            result, raw = await commands.read(run)
        else:
            result, raw = await commands.run(run)
        if data is None:
            code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
        elif result.errors:
            code = 422  # the row errors (starlette renames the constant between versions)
        else:
            code = status.HTTP_200_OK if dry_run else status.HTTP_201_CREATED
        if "text/csv" in request.headers.get("accept", ""):
            return Response(errors_csv(raw, result.errors), status_code=code,
                            media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": 'attachment; filename="import-errors.csv"'})
        if code >= 400:
            # a problem document like every other refusal, the counts and row errors
            # as its extension members
            first = result.errors[0]
            where = (f"row {first.row}, {first.name} (TRN {first.trn}), {first.field}" if first.row
                     else first.field)
            detail = (f"{len(result.errors)} error(s), nothing was recorded; the first, {where}: "
                      f"{first.reason}")
            return problem(code, "Import refused", detail, kind="import-refused", **result.as_dict())
        return JSONResponse(result.as_dict(), status_code=code)

    return routes


def errors_csv(raw_rows: list[dict[str, str]], found: list[RowError]) -> str:
    """The file's rows as uploaded, each with its problems in an ``Error`` column; problems
    with the whole file are the first rows. Fix the cells, delete nothing, upload it again:
    the ``Error`` column is ignored on upload."""
    by_row: dict[int, list[str]] = {}
    for error in found:
        by_row.setdefault(error.row, []).append(f"{error.field}: {error.reason}")
    rows: list[dict[str, str]] = [{ERROR_COLUMN: reason} for reason in by_row.get(0, [])]
    for line, raw in enumerate(raw_rows, start=2):
        rows.append({**{c: raw.get(c, "") for c in COLUMNS},
                     ERROR_COLUMN: "; ".join(by_row.get(line, []))})
    return csv_safety.write([*COLUMNS, ERROR_COLUMN], rows)


def _check_may_import(caller: Principal) -> None:
    if caller.role == Role.HUB_LEAD and caller.schools is not None:
        raise Forbidden(f"hub lead {caller.id} acts for some schools only; an import is made by an "
                        "appropriate body for its own ECTs or a hub lead acting for every school")


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
