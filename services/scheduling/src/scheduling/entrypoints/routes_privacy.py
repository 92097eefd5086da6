"""Subject access: ``GET /privacy/subject-access?trn=`` answers everything scheduling holds
about a person (see ``ect_platform.subject_access`` for who may ask)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import APIRouter

from ect_platform import subject_access
from ect_platform.identity import Caller, allow
from scheduling.subject_access import held_about

if TYPE_CHECKING:
    from scheduling.entrypoints.api import Commands



def router(commands: Commands) -> APIRouter:
    routes = APIRouter(tags=["Personal data"])

    @routes.get(subject_access.PATH,
                dependencies=[allow(*subject_access.ROLES, action=subject_access.ACTION)])
    async def subject_access_request(trn: subject_access.TrnQuery, caller: Caller) -> dict[str, Any]:
        """Their induction as an ECT and their record as a mentor, every stored event of each."""
        subject_access.check_may_export(caller)
        subject_access.check_trn(trn)
        held = await commands.read(held_about, commands.app, trn)
        return subject_access.answer("scheduling", trn, held)

    return routes
