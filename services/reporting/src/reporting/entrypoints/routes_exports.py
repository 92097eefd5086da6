"""The AB's exports: the TRA termly return and the DfE bulk claim and outcome files, JSON or CSV."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from contracts import Role
from ect_platform.identity import Caller, Forbidden, Principal, allow
from reporting import access
from reporting.entrypoints.deps import CommandsDep
from reporting.entrypoints.responses import DfeExport, TraReturn
from reporting.projections import exports

Format = Literal["json", "csv"]
Part = Annotated[int, Query(ge=1, description="CSV: which part of the DfE file (the DfE service takes "
                            "at most 1,000 rows and no TRN twice a file; JSON lists the parts)")]


def _check_may_export(caller: Principal, ab: str) -> None:
    if caller.role == Role.APPROPRIATE_BODY and caller.appropriate_body_id != ab:
        raise Forbidden(f"appropriate body {caller.appropriate_body_id} may export only its own "
                        f"returns, not those of {ab}")


def _answer(columns: tuple[str, ...], rows: list[dict[str, Any]], fmt: Format, name: str) -> Any:
    if fmt == "csv":
        return Response(exports.to_csv(columns, rows), media_type="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    return {"columns": list(columns), "rows": rows}


def _dfe_answer(columns: tuple[str, ...], rows: list[dict[str, Any]], fmt: Format, name: str,
                part: int) -> Any:
    """A DfE bulk file: as CSV, the part asked for; as JSON, every row and how they split."""
    files = exports.dfe_files(rows)
    if fmt == "csv":
        suffix = f"-part-{part}-of-{len(files)}" if len(files) > 1 else ""
        return _answer(columns, exports.dfe_part(rows, part), fmt, name + suffix)
    return {"columns": list(columns), "rows": rows,
            "parts": [{"part": n, "rows": len(f)} for n, f in enumerate(files, start=1)]}

router = APIRouter(tags=["Exports"])


@router.get("/exports/tra-return",
            response_model=TraReturn,
            dependencies=[allow(*access.EXPORTERS, action="export returns")])
async def tra_return(caller: Caller, commands: CommandsDep, ab: str, term: str,
                     format: Format = "json") -> Any:
    """Started, completed (pass or fail), extended, left part-way, and induction type (5.11)."""
    _check_may_export(caller, ab)
    answer = await exports.tra_return(commands.pool, ab, term)
    if format == "csv":
        return _answer(exports.TRA_COLUMNS, answer["rows"], format, f"tra-return-{ab}-{term}")
    return answer


@router.get("/exports/dfe-claims",
            response_model=DfeExport,
            dependencies=[allow(*access.EXPORTERS, action="export returns")])
async def dfe_claims(caller: Caller, commands: CommandsDep, ab: str, term: str | None = None,
                     format: Format = "json", part: Part = 1) -> Any:
    """TRN, Date of birth, Induction programme, Induction period start date."""
    _check_may_export(caller, ab)
    rows = await exports.dfe_claims(commands.pool, ab, term)
    return _dfe_answer(exports.CLAIM_COLUMNS, rows, format, f"dfe-claims-{ab}", part)


@router.get("/exports/dfe-outcomes",
            response_model=DfeExport,
            dependencies=[allow(*access.EXPORTERS, action="export returns")])
async def dfe_outcomes(caller: Caller, commands: CommandsDep, ab: str, term: str | None = None,
                       format: Format = "json", part: Part = 1) -> Any:
    """TRN, Date of birth, Induction period end date, Number of terms, Outcome (Pass or
    Release: the DfE service takes no fail in bulk)."""
    _check_may_export(caller, ab)
    rows = await exports.dfe_outcomes(commands.pool, ab, term)
    return _dfe_answer(exports.OUTCOME_COLUMNS, rows, format, f"dfe-outcomes-{ab}", part)

