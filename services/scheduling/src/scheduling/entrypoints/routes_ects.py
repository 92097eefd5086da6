"""ECTs and their induction periods: claim, read, working pattern, transfer, release, leave."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request, Response, status

from contracts import Role
from ect_platform.identity import Caller, allow
from scheduling import access
from scheduling.domain import errors
from scheduling.entrypoints.deps import Service
from scheduling.entrypoints.requests import ChangeWorkingPattern, Leave, RegisterEct, Release, Transfer
from scheduling.entrypoints.responses import Created, EctChanged, EctStatus, EctTransferred, EctView
from scheduling.views import ect_view

router = APIRouter(tags=["ECTs"])


@router.post(
    "/ects",
    status_code=status.HTTP_201_CREATED,
    response_model=Created, dependencies=[allow(*access.AB_OR_LEAD, action="register an ECT")],
)
async def register_ect(
    commands: Service,
    body: RegisterEct, caller: Caller, request: Request, response: Response
) -> dict[str, Any]:
    """An appropriate body's claim. A released ECT claimed again keeps their history."""
    access.check_may_register(caller, body.appropriate_body_id, body.school_id)
    fields = body.model_dump(exclude={"registration_received_on"}, mode="python")
    fields["phase"] = body.phase.value
    fields["induction_programme"] = body.induction_programme.value
    try:
        ect_id = await commands.run(
            commands.app.register_ect,
            provenance=commands.provenance(caller, request),
            received_on=body.registration_received_on,
            **fields,
        )
    except (errors.OpenInductionElsewhereError, errors.InductionAlreadyCompletedError) as exc:
        # they name the AB holding the teacher and whether they passed or failed: not the
        # caller's to know (the caller would be told the same of anyone's TRN)
        raise errors.RegistrationRefusedError() from exc
    except errors.TrnAlreadyRegisteredError as exc:
        if caller.role == Role.APPROPRIATE_BODY or caller.schools is None:
            raise  # the AB holding them, or a hub lead acting for every school: theirs to know
        raise errors.RegistrationRefusedError() from exc  # else it says which AB holds them
    response.headers["Location"] = f"/ects/{ect_id}"
    return {"id": ect_id}


@router.get("/ects/{ect_id}",
            response_model=EctView,
            dependencies=[allow(*access.READERS, action="read an ECT")])
async def get_ect(commands: Service, ect_id: UUID, caller: Caller) -> dict[str, Any]:
    ect = await commands.read(commands.app.get_induction, ect_id)
    access.check_may_read(caller, ect)
    return ect_view(ect, await commands.read(commands.app.timeline_of, ect, commands.app.today()))


@router.put(
    "/ects/{ect_id}/working-pattern",
    response_model=EctChanged, dependencies=[allow(*access.STAFF, action="change the working pattern")],
)
async def change_working_pattern(
    commands: Service,
    ect_id: UUID, body: ChangeWorkingPattern, caller: Caller, request: Request
) -> dict[str, Any]:
    changed = await commands.run(
        commands.app.change_working_pattern,
        ect_id,
        fte=body.fte,
        effective_from=body.effective_from,
        provenance=commands.provenance(caller, request),
        authorize=lambda ect: access.check_may_manage(caller, ect, "change the working pattern"),
    )
    return {"ect_id": ect_id, "changed": changed}


@router.post("/ects/{ect_id}/transfer",
             response_model=EctTransferred,
             dependencies=[allow(*access.STAFF, action="transfer an ECT")])
async def transfer(commands: Service,
                   ect_id: UUID, body: Transfer, caller: Caller, request: Request) -> dict[str, Any]:
    """A move to another school: the history stays; the mentor must be reassigned there."""
    access.check_may_manage_school(caller, body.to_school_id, "receive an ECT at that school")
    await commands.run(
        commands.app.transfer,
        ect_id,
        to_school_id=body.to_school_id,
        effective_on=body.effective_on,
        induction_tutor_id=body.induction_tutor_id,
        provenance=commands.provenance(caller, request),
        authorize=lambda ect: access.check_may_manage(caller, ect, "transfer the ECT"),
    )
    return {"ect_id": ect_id, "school_id": body.to_school_id}


@router.post("/ects/{ect_id}/release",
             response_model=EctStatus,
             dependencies=[allow(*access.AB, action="release an ECT")])
async def release(commands: Service,
                  ect_id: UUID, body: Release, caller: Caller, request: Request) -> dict[str, Any]:
    """The AB ends its induction period; another AB may then claim the ECT."""
    await commands.run(
        commands.app.release,
        ect_id,
        released_on=body.released_on,
        number_of_terms=body.number_of_terms,
        reason=body.reason,
        provenance=commands.provenance(caller, request),
        authorize=lambda ect: access.check_may_release(caller, ect),
    )
    return {"ect_id": ect_id, "status": "released"}


@router.post(
    "/ects/{ect_id}/leaving",
    response_model=EctStatus,
    dependencies=[allow(*access.STAFF, action="record an ECT leaving")],
)
async def leave(commands: Service,
                ect_id: UUID, body: Leave, caller: Caller, request: Request) -> dict[str, Any]:
    """The ECT leaves part-way; an interim assessment falls due after at least a term (2.62)."""
    await commands.run(
        commands.app.leave,
        ect_id,
        left_on=body.left_on,
        reason=body.reason,
        provenance=commands.provenance(caller, request),
        authorize=lambda ect: access.check_may_manage(caller, ect, "record the ECT leaving"),
    )
    return {"ect_id": ect_id, "status": "left"}
