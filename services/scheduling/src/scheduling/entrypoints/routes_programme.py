"""The programme of one ECT: sessions, drop-ins, hub training and catch-ups, absence, timetable."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Request, Response, status

from ect_platform.identity import Caller, allow
from scheduling import access
from scheduling.entrypoints.deps import Service
from scheduling.entrypoints.requests import (
    CompleteCatchUp,
    OptToExtend,
    RecordAbsence,
    RecordDropIn,
    RecordEctTraining,
    RecordMissedSession,
    RecordSession,
    RecordTimetable,
)
from scheduling.entrypoints.responses import (
    CatchUpCompleted,
    ExtensionGranted,
    Recorded,
    TimetableRecorded,
    TrainingRecorded,
)


def created(response: Response, was_created: bool) -> None:
    """201 for a new record; 200 when the same request was already recorded (a safe retry)."""
    response.status_code = status.HTTP_201_CREATED if was_created else status.HTTP_200_OK

router = APIRouter(tags=["Programme"])


@router.post(
    "/ects/{ect_id}/sessions",
    status_code=status.HTTP_201_CREATED,
    response_model=Recorded, dependencies=[allow(*access.COACHES, action="record a coaching session")],
)
async def record_session(
    commands: Service,
    ect_id: UUID, body: RecordSession, caller: Caller, request: Request, response: Response
) -> dict[str, Any]:
    session_id, was_created = await commands.run(
        commands.app.record_session,
        ect_id,
        request_id=body.request_id,
        held_on=body.held_on,
        minutes=body.minutes,
        observation_included=body.observation_included,
        action_step=body.action_step,
        provenance=commands.provenance(caller, request),
        authorize=lambda ect: access.check_may_record_coaching(caller, ect, "record a session"),
    )
    created(response, was_created)
    return {"id": session_id, "created": was_created}


@router.post(
    "/ects/{ect_id}/missed-sessions",
    status_code=status.HTTP_201_CREATED,
    response_model=Recorded, dependencies=[allow(*access.COACHES, action="record a missed session")],
)
async def record_missed_session(
    commands: Service,
    ect_id: UUID, body: RecordMissedSession, caller: Caller, request: Request, response: Response
) -> dict[str, Any]:
    session_id, was_created = await commands.run(
        commands.app.record_missed_session,
        ect_id,
        request_id=body.request_id,
        due_on=body.due_on,
        reason=body.reason.value,
        note=body.note,
        provenance=commands.provenance(caller, request),
        authorize=lambda ect: access.check_may_record_coaching(caller, ect, "record a missed session"),
    )
    created(response, was_created)
    return {"id": session_id, "created": was_created}


@router.post(
    "/ects/{ect_id}/drop-ins",
    status_code=status.HTTP_201_CREATED,
    response_model=Recorded, dependencies=[allow(*access.COACHES, action="record a drop-in")],
)
async def record_drop_in(
    commands: Service,
    ect_id: UUID, body: RecordDropIn, caller: Caller, request: Request, response: Response
) -> dict[str, Any]:
    drop_in_id, was_created = await commands.run(
        commands.app.record_drop_in,
        ect_id,
        request_id=body.request_id,
        observed_on=body.observed_on,
        focus_area=body.focus_area,
        strengths=body.strengths,
        development_areas=body.development_areas,
        next_step=body.next_step,
        provenance=commands.provenance(caller, request),
        authorize=lambda ect: access.check_may_record_coaching(caller, ect, "record a drop-in"),
    )
    created(response, was_created)
    return {"id": drop_in_id, "created": was_created}


@router.post(
    "/ects/{ect_id}/training",
    status_code=status.HTTP_201_CREATED,
    response_model=TrainingRecorded, dependencies=[allow(*access.STAFF, action="record hub training")],
)
async def record_training(
    commands: Service,
    ect_id: UUID, body: RecordEctTraining, caller: Caller, request: Request, response: Response
) -> dict[str, Any]:
    """A hub clinic or conference; a missed clinic assigns catch-up work."""
    training_id, catch_up_id, was_created = await commands.run(
        commands.app.record_ect_training,
        ect_id,
        request_id=body.request_id,
        kind=body.kind.value,
        held_on=body.held_on,
        attended=body.attended,
        provenance=commands.provenance(caller, request),
        authorize=lambda ect: access.check_may_manage(caller, ect, "record hub training"),
    )
    created(response, was_created)
    return {"id": training_id, "catch_up_id": catch_up_id, "created": was_created}


@router.put(
    "/ects/{ect_id}/catch-ups/{catch_up_id}",
    response_model=CatchUpCompleted, dependencies=[allow(*access.STAFF, action="complete catch-up work")],
)
async def complete_catch_up(
    commands: Service,
    ect_id: UUID, catch_up_id: UUID, body: CompleteCatchUp, caller: Caller, request: Request
) -> dict[str, Any]:
    changed = await commands.run(
        commands.app.complete_catch_up,
        ect_id,
        catch_up_id,
        completed_on=body.completed_on,
        provenance=commands.provenance(caller, request),
        authorize=lambda ect: access.check_may_manage(caller, ect, "complete catch-up work"),
    )
    return {"id": catch_up_id, "completed": True, "changed": changed}


@router.post(
    "/ects/{ect_id}/absences",
    status_code=status.HTTP_201_CREATED,
    response_model=Recorded, dependencies=[allow(*access.STAFF, action="record an absence")],
)
async def record_absence(
    commands: Service,
    ect_id: UUID, body: RecordAbsence, caller: Caller, request: Request, response: Response
) -> dict[str, Any]:
    """Statutory leave is recorded but does not count towards the 30-day threshold (3.7)."""
    absence_id, was_created = await commands.run(
        commands.app.record_absence,
        ect_id,
        request_id=body.request_id,
        first_day=body.first_day,
        days=body.days,
        reason=body.reason.value,
        provenance=commands.provenance(caller, request),
        authorize=lambda ect: access.check_may_manage(caller, ect, "record an absence"),
    )
    created(response, was_created)
    return {"id": absence_id, "created": was_created}


@router.post(
    "/ects/{ect_id}/statutory-leave-extension",
    status_code=status.HTTP_201_CREATED,
    response_model=ExtensionGranted,
    dependencies=[allow(*access.STAFF, action="record an extension request")],
)
async def opt_to_extend(
    commands: Service,
    ect_id: UUID, body: OptToExtend, caller: Caller, request: Request
) -> dict[str, Any]:
    """An ECT back from statutory leave chose to extend: always granted (guidance 3.7)."""
    await commands.run(
        commands.app.opt_to_extend,
        ect_id,
        extension_days=body.extension_days,
        provenance=commands.provenance(caller, request),
        authorize=lambda ect: access.check_may_manage(caller, ect, "record an extension request"),
    )
    return {"ect_id": ect_id, "granted": True, "extension_days": body.extension_days}


@router.put(
    "/ects/{ect_id}/timetable/{induction_year}",
    response_model=TimetableRecorded, dependencies=[allow(*access.STAFF, action="record the timetable")],
)
async def record_timetable(
    commands: Service,
    ect_id: UUID, induction_year: Annotated[int, Path(ge=1, le=2)], body: RecordTimetable,
    caller: Caller, request: Request,
) -> dict[str, Any]:
    """The share of a normal timetable the ECT teaches in a year of induction (2.20-2.21)."""
    changed = await commands.run(
        commands.app.record_timetable,
        ect_id,
        induction_year=induction_year,
        timetable_percent=body.timetable_percent,
        provenance=commands.provenance(caller, request),
        authorize=lambda ect: access.check_may_manage(caller, ect, "record the timetable"),
    )
    return {"ect_id": ect_id, "induction_year": induction_year,
            "timetable_percent": body.timetable_percent, "changed": changed}
