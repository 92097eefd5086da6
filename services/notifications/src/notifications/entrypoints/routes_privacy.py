"""Subject access: ``GET /privacy/subject-access?trn=`` answers everything notifications holds
about a person (see ``ect_platform.subject_access`` for who may ask)."""

from __future__ import annotations

from typing import Annotated, Any

import asyncpg
from fastapi import APIRouter, Query
from pydantic import StringConstraints

from ect_platform import subject_access
from ect_platform.identity import Caller, allow
from notifications.subject_access import held_about

# an id as the platform gives them: no control characters (PostgreSQL text holds no NUL)
PersonId = Annotated[str, StringConstraints(pattern=r"^[^\x00-\x1f\x7f]{1,200}$")]
KnownAs = Annotated[list[PersonId], Query(max_length=20, description=(
    "Ids the person is also known by on the platform (a mentor's id, a user id): notifications "
    "knows an ECT's TRN, but a mentor or other recipient only by id"))]


def router(pool: asyncpg.Pool) -> APIRouter:
    routes = APIRouter(tags=["Personal data"])

    @routes.get(subject_access.PATH,
                dependencies=[allow(*subject_access.ROLES, action=subject_access.ACTION)])
    async def subject_access_request(trn: subject_access.TrnQuery, caller: Caller, known_as: KnownAs = []  # noqa: B006
                                     ) -> dict[str, Any]:
        """Their contact details, the notifications about or to them, and each delivery attempt."""
        subject_access.check_may_export(caller)
        subject_access.check_trn(trn)
        held = await held_about(pool, trn, known_as)
        return subject_access.answer("notifications", trn, held)

    return routes
