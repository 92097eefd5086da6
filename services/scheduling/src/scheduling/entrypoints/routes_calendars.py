"""School calendars: the term dates every service computes with (``TermDatesSet``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path, Request

from ect_platform.identity import Caller, allow
from scheduling import access
from scheduling.domain.school_terms import term_to_dict
from scheduling.entrypoints.deps import Service
from scheduling.entrypoints.requests import SetTermDates
from scheduling.entrypoints.responses import TermDates, TermDatesSet

AcademicYearPath = Path(ge=2000, le=2100, description="The year the academic year starts: 2025 for 2025/26")

router = APIRouter(tags=["Calendars"])


@router.put(
    "/schools/{school_id}/terms/{academic_year}",
    response_model=TermDatesSet, dependencies=[allow(*access.STAFF, action="set term dates")],
)
async def set_term_dates(
    commands: Service,
    school_id: str,
    body: SetTermDates,
    caller: Caller,
    request: Request,
    academic_year: int = AcademicYearPath,
) -> dict[str, Any]:
    access.check_may_manage_school(caller, school_id, "set the school's term dates")
    changed = await commands.run(
        commands.app.set_term_dates,
        school_id,
        academic_year,
        [t.model_dump(mode="python") for t in body.terms],
        commands.provenance(caller, request),
    )
    return {"school_id": school_id, "academic_year": academic_year, "changed": changed}


@router.get(
    "/schools/{school_id}/terms/{academic_year}",
    response_model=TermDates, dependencies=[allow(*access.READERS, action="read term dates")],
)
async def get_term_dates(
    commands: Service,
    school_id: str, _: Caller, academic_year: int = AcademicYearPath
) -> dict[str, Any]:
    """The school's own dates, or the England default when it has none (``source`` says which)."""
    calendar = await commands.read(commands.app.calendar_for, school_id)
    year = calendar.year(academic_year)
    own = academic_year in calendar.own_years
    return {
        "school_id": school_id,
        "academic_year": academic_year,
        "source": "school" if own else "england_default",
        "terms": [term_to_dict(t) for t in year.terms],
    }
