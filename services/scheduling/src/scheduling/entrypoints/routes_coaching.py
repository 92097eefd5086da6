"""Reading what was written in coaching: an ECT's sessions (action steps) and drop-ins."""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query

from ect_platform.identity import Caller, allow
from scheduling import access, coaching_record
from scheduling.application import SchedulingApplication
from scheduling.coaching_record import DropIn, Page, Session
from scheduling.entrypoints.deps import Service

Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
READ = allow(*access.CONTENT_READERS, action="read what was written about an ECT")

router = APIRouter(tags=["Programme"])


def written(app: SchedulingApplication, ect_id: UUID, caller: Any
            ) -> tuple[list[Any], coaching_record.MentorName]:
    ect = app.get_induction(ect_id)
    access.check_may_read_content(caller, ect)
    return app.coaching_events(ect_id), cache(app.mentor_name)  # each mentor looked up once


@router.get("/ects/{ect_id}/sessions", dependencies=[READ])
async def list_sessions(commands: Service, ect_id: UUID, caller: Caller, limit: Limit = 50,
                        offset: Offset = 0) -> Page[Session]:
    """Coaching sessions held and missed, most recent first, with the mentor's action steps."""
    def read() -> list[Session]:
        return coaching_record.sessions(*written(commands.app, ect_id, caller))

    found = await commands.read(read)
    return Page[Session](items=found[offset:offset + limit], total=len(found), limit=limit,
                         offset=offset)


@router.get("/ects/{ect_id}/drop-ins", dependencies=[READ])
async def list_drop_ins(commands: Service, ect_id: UUID, caller: Caller, limit: Limit = 50,
                        offset: Offset = 0) -> Page[DropIn]:
    """Drop-ins, most recent first: strengths, development areas and next steps."""
    def read() -> list[DropIn]:
        return coaching_record.drop_ins(*written(commands.app, ect_id, caller))

    found = await commands.read(read)
    return Page[DropIn](items=found[offset:offset + limit], total=len(found), limit=limit,
                        offset=offset)
