"""Subject access: ``GET /privacy/subject-access?trn=`` answers everything reporting holds
about a person (see ``ect_platform.subject_access`` for who may ask)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ect_platform import subject_access
from ect_platform.identity import Caller, allow
from reporting.entrypoints.deps import CommandsDep
from reporting.entrypoints.responses import SubjectAccessAnswer
from reporting.subject_access import held_about

router = APIRouter(tags=["Personal data"])


@router.get(subject_access.PATH,
            response_model=SubjectAccessAnswer,
            dependencies=[allow(*subject_access.ROLES, action=subject_access.ACTION)])
async def subject_access_request(trn: subject_access.TrnQuery, caller: Caller,
                                 commands: CommandsDep) -> dict[str, Any]:
    """The facts filed about them, their entitlement and AB rows, their audit trail, and
    every event of reporting's own records about them."""
    subject_access.check_may_export(caller)
    subject_access.check_trn(trn)
    held = await held_about(commands.pool, commands.app, trn, commands.projections.sealer)
    return subject_access.answer("reporting", trn, held)

