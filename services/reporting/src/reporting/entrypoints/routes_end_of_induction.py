"""The steps around the AB's decision: the ECT's representations (regulation 11(4)), written notice
of the decision (2.69), the appeal to the TRA and its outcome (regulation 14).

Each answer names the teacher and repeats the clock it was judged against; the rules are the
decision record's (``reporting.domain.end_of_induction``) and the clocks the kernel's.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request, status

from contracts import Role
from ect_platform.identity import Caller, allow
from reporting.entrypoints import end_of_induction_actions as actions
from reporting.entrypoints.deps import CommandsDep
from reporting.entrypoints.requests import DecideAppeal, LodgeAppeal, MakeRepresentations, RecordNotice
from reporting.entrypoints.responses import EndOfInduction

router = APIRouter(tags=["Outcomes"])


@router.post("/ects/{ect_id}/representations", status_code=status.HTTP_201_CREATED,
             response_model=EndOfInduction, dependencies=[allow(Role.ECT, Role.APPROPRIATE_BODY,
                                 action="make written representations (regulation 11(4))")])
async def post_representations(ect_id: UUID, body: MakeRepresentations, caller: Caller, commands: CommandsDep,
                               request: Request) -> dict[str, Any]:
    """The ECT's written representations on the final recommendation, by the ECT or recorded
    by the AB on their behalf: due within 10 working days of it; a late one is received and
    marked late; none once the AB has decided on it."""
    return await actions.make_representations(commands, caller, ect_id, body,
                                              commands.provenance(caller, request))


@router.post("/ects/{ect_id}/outcome/notice", status_code=status.HTTP_201_CREATED,
             response_model=EndOfInduction, dependencies=[allow(Role.APPROPRIATE_BODY,
                                 action="record written notice of a decision (2.69)")])
async def post_notice(ect_id: UUID, body: RecordNotice, caller: Caller, commands: CommandsDep,
                      request: Request) -> dict[str, Any]:
    """Written notice of the decision: to whom, when, how; due within 3 working days of it.
    The answer says who is still owed notice."""
    return await actions.record_notice(commands, caller, ect_id, body,
                                       commands.provenance(caller, request))


@router.post("/ects/{ect_id}/appeal", status_code=status.HTTP_201_CREATED,
             response_model=EndOfInduction, dependencies=[allow(Role.ECT, Role.APPROPRIATE_BODY,
                                 action="record an appeal to the TRA (regulation 14)")])
async def post_appeal(ect_id: UUID, body: LodgeAppeal, caller: Caller, commands: CommandsDep,
                      request: Request) -> dict[str, Any]:
    """An appeal against a fail or an extension, lodged with the TRA within 20 working days
    of the ECT's notice; a late one is recorded and marked late (the TRA decides on it)."""
    return await actions.lodge_appeal(commands, caller, ect_id, body,
                                      commands.provenance(caller, request))


@router.post("/ects/{ect_id}/appeal/outcome", status_code=status.HTTP_201_CREATED,
             response_model=EndOfInduction, dependencies=[allow(Role.APPROPRIATE_BODY,
                                 action="record the TRA's decision on an appeal (regulation 14)")])
async def post_appeal_outcome(ect_id: UUID, body: DecideAppeal, caller: Caller, commands: CommandsDep,
                              request: Request) -> dict[str, Any]:
    """The TRA's decision: allowed (the decision is set aside and the induction open again),
    dismissed (it stands) or extended (an extension of ``extension_terms``)."""
    return await actions.decide_appeal(commands, caller, ect_id, body,
                                       commands.provenance(caller, request))

