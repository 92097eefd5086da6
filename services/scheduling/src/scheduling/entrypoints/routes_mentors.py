"""Mentors: registration, assignment to an ECT, their own training."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response, status

from contracts import Role
from ect_platform.identity import Caller, allow
from scheduling import access
from scheduling.entrypoints.deps import Service
from scheduling.entrypoints.requests import AssignMentor, RecordMentorTraining, RegisterMentor
from scheduling.entrypoints.responses import Created, MentorAssigned, MentorView, Recorded
from scheduling.views import mentor_view

router = APIRouter(tags=["Mentors"])


@router.post(
    "/mentors",
    status_code=status.HTTP_201_CREATED,
    response_model=Created, dependencies=[allow(*access.STAFF, action="register a mentor")],
)
async def register_mentor(
    commands: Service,
    body: RegisterMentor, caller: Caller, request: Request, response: Response
) -> dict[str, Any]:
    access.check_may_manage_school(caller, body.school_id, "register a mentor at that school")
    fields = body.model_dump()
    fields["phase"] = body.phase.value
    mentor_id = await commands.run(
        commands.app.register_mentor, provenance=commands.provenance(caller, request), **fields
    )
    response.headers["Location"] = f"/mentors/{mentor_id}"
    return {"id": mentor_id}


@router.get("/mentors/{mentor_id}",
            response_model=MentorView,
            dependencies=[allow(*access.READERS, action="read a mentor")])
async def get_mentor(
    commands: Service,
    mentor_id: UUID, caller: Caller,
    ect_id: Annotated[UUID | None, Query(description=(
        "An appropriate body reads a mentor through an ECT it holds or held whose mentor "
        "they are"))] = None,
) -> dict[str, Any]:
    through_ect = caller.role in (Role.APPROPRIATE_BODY, Role.ECT)
    if through_ect:  # decided before the mentor is looked up
        if caller.role == Role.ECT:
            ect_id = ect_id or UUID(caller.id)  # an ECT asks through their own induction
        through = await commands.read(commands.app.get_induction, ect_id) if ect_id else None
        access.check_may_read_mentor(caller, mentor_id, None, through)
    mentor = await commands.read(commands.app.get_mentor, mentor_id)
    if not through_ect:
        access.check_may_read_mentor(caller, mentor_id, mentor.school_id, None)
    return mentor_view(mentor)


@router.put("/ects/{ect_id}/mentor",
            response_model=MentorAssigned,
            dependencies=[allow(*access.STAFF, action="assign a mentor")])
async def assign_mentor(
    commands: Service,
    ect_id: UUID, body: AssignMentor, caller: Caller, request: Request
) -> dict[str, Any]:
    """Hub policy is checked; a breach needs an override reason, which the event records."""
    changed = await commands.run(
        commands.app.assign_mentor,
        ect_id,
        body.mentor_id,
        assigned_on=body.assigned_on,
        override_reason=body.override_reason,
        provenance=commands.provenance(caller, request),
        authorize=lambda ect: access.check_may_manage(caller, ect, "assign a mentor"),
    )
    return {"ect_id": ect_id, "mentor_id": body.mentor_id, "changed": changed}


@router.post(
    "/mentors/{mentor_id}/training",
    status_code=status.HTTP_201_CREATED,
    response_model=Recorded, dependencies=[allow(*access.STAFF, action="record a mentor's training")],
)
async def record_mentor_training(
    commands: Service,
    mentor_id: UUID, body: RecordMentorTraining, caller: Caller, request: Request, response: Response
) -> dict[str, Any]:
    """Conferences, clinics and coaching-for-mentors sessions, attended or missed."""
    mentor = await commands.read(commands.app.get_mentor, mentor_id)
    access.check_may_manage_school(caller, mentor.school_id, "record a mentor's training")
    training_id, was_created = await commands.run(
        commands.app.record_mentor_training,
        mentor_id,
        request_id=body.request_id,
        kind=body.kind.value,
        held_on=body.held_on,
        attended=body.attended,
        provenance=commands.provenance(caller, request),
    )
    response.status_code = status.HTTP_201_CREATED if was_created else status.HTTP_200_OK
    return {"id": training_id, "created": was_created}
