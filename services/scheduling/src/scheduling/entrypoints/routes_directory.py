"""The hub's directory: the names people read for schools and appropriate bodies.

Everything else knows a school by its URN and an AB by its id; these names go out as
``SchoolRegistered`` and ``AppropriateBodyRegistered`` so reporting and notifications can say
"Oakwood Primary School (URN 100001)" rather than a bare number.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from contracts import Role
from ect_platform.identity import Caller, Forbidden, allow
from scheduling import access
from scheduling.entrypoints.deps import Service
from scheduling.entrypoints.requests import GiveName
from scheduling.entrypoints.responses import AppropriateBody, AppropriateBodyNamed, School, SchoolNamed

router = APIRouter(tags=["Directory"])


@router.put("/schools/{school_id}",
            response_model=SchoolNamed,
            dependencies=[allow(*access.STAFF, action="name a school")])
async def name_school(commands: Service, school_id: str, body: GiveName, caller: Caller, request: Request
                      ) -> dict[str, Any]:
    """The school's name (its staff, or a hub lead acting for it)."""
    access.check_may_manage_school(caller, school_id, "name the school")
    changed = await commands.run(commands.app.name_school, school_id, body.name,
                                 commands.provenance(caller, request))
    return {"school_id": school_id, "name": body.name, "changed": changed}


@router.get("/schools/{school_id}",
            response_model=School,
            dependencies=[allow(*access.READERS, action="read a school")])
async def get_school(commands: Service, school_id: str, _: Caller) -> dict[str, Any]:
    """A school's name is public (Get Information about Schools lists it): any reader."""
    return {"school_id": school_id, "name": await commands.read(commands.app.school_name, school_id)}


@router.put("/appropriate-bodies/{appropriate_body_id}",
            response_model=AppropriateBodyNamed,
            dependencies=[allow(*access.AB_OR_LEAD, action="name an appropriate body")])
async def name_appropriate_body(commands: Service, appropriate_body_id: str, body: GiveName, caller: Caller,
                                request: Request) -> dict[str, Any]:
    """An AB names itself; a hub lead acting for the whole hub names any."""
    if caller.role == Role.APPROPRIATE_BODY and caller.appropriate_body_id != appropriate_body_id:
        raise Forbidden(f"appropriate body {caller.appropriate_body_id} may name only itself, "
                        f"not {appropriate_body_id}")
    if caller.role == Role.HUB_LEAD and caller.schools is not None:
        raise Forbidden(f"hub lead {caller.id} acts for some schools only, so may not name an "
                        "appropriate body")
    changed = await commands.run(commands.app.name_appropriate_body, appropriate_body_id, body.name,
                                 commands.provenance(caller, request))
    return {"appropriate_body_id": appropriate_body_id, "name": body.name, "changed": changed}


@router.get("/appropriate-bodies/{appropriate_body_id}",
            response_model=AppropriateBody,
            dependencies=[allow(*access.READERS, action="read an appropriate body")])
async def get_appropriate_body(commands: Service, appropriate_body_id: str, _: Caller) -> dict[str, Any]:
    return {"appropriate_body_id": appropriate_body_id,
            "name": await commands.read(commands.app.appropriate_body_name, appropriate_body_id)}
