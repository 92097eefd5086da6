"""Reading what was written in coaching: an ECT's sessions (action steps) and drop-ins."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query

from ect_platform.identity import Caller, allow
from scheduling import access, coaching_record
from scheduling.coaching_record import DropIn, Page, Session

if TYPE_CHECKING:
    from scheduling.entrypoints.api import Commands

Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
READ = allow(*access.CONTENT_READERS, action="read what was written about an ECT")


def router(commands: Commands) -> APIRouter:
    routes = APIRouter(tags=["Programme"])
    app = commands.app

    def written(ect_id: UUID, caller: Any) -> tuple[list[Any], coaching_record.MentorName]:
        ect = app.get_induction(ect_id)
        access.check_may_read_content(caller, ect)
        return app.coaching_events(ect_id), cache(app.mentor_name)  # each mentor looked up once

    @routes.get("/ects/{ect_id}/sessions", dependencies=[READ])
    async def list_sessions(ect_id: UUID, caller: Caller, limit: Limit = 50,
                            offset: Offset = 0) -> Page[Session]:
        """Coaching sessions held and missed, most recent first, with the mentor's action steps."""
        def read() -> list[Session]:
            return coaching_record.sessions(*written(ect_id, caller))

        found = await commands.read(read)
        return Page[Session](items=found[offset:offset + limit], total=len(found), limit=limit,
                             offset=offset)

    @routes.get("/ects/{ect_id}/drop-ins", dependencies=[READ])
    async def list_drop_ins(ect_id: UUID, caller: Caller, limit: Limit = 50,
                            offset: Offset = 0) -> Page[DropIn]:
        """Drop-ins, most recent first: strengths, development areas and next steps."""
        def read() -> list[DropIn]:
            return coaching_record.drop_ins(*written(ect_id, caller))

        found = await commands.read(read)
        return Page[DropIn](items=found[offset:offset + limit], total=len(found), limit=limit,
                            offset=offset)

    return routes
