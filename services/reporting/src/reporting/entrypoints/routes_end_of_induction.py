"""The steps around the AB's decision: the ECT's representations (regulation 11(4)), written notice
of the decision (2.69), the appeal to the TRA and its outcome (regulation 14).

Each answer names the teacher and repeats the clock it was judged against; the rules are the
decision record's (``reporting.domain.end_of_induction``) and the clocks the kernel's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from fastapi import APIRouter, Request, status

from contracts import Role
from ect_platform.identity import Caller, Principal, allow
from reporting import access
from reporting.domain.end_of_induction_steps import current_recommendation, end_of_induction_steps
from reporting.domain.provenance import Provenance
from reporting.entrypoints.requests import DecideAppeal, LodgeAppeal, MakeRepresentations, RecordNotice
from reporting.entrypoints.responses import EndOfInduction
from reporting.integration.outbound import to_integration_event
from reporting.projections.history_fold import learn

if TYPE_CHECKING:
    from reporting.entrypoints.api import Services


async def steps(services: Services, ect_id: UUID, recorded: list[Any]) -> dict[str, Any]:
    """The ECT's end of induction as the command left it: the facts the projection holds,
    and the events just recorded (which it learns a moment later)."""
    history, clock = await services.ect(ect_id)
    for domain_event in recorded:
        envelope = to_integration_event(domain_event)
        if envelope is not None:
            learn(history, envelope.payload)
    return {"ect_id": ect_id, "name": history.name, "trn": history.trn,
            "end_of_induction": end_of_induction_steps(history, clock.final_assessment(),
                                                       clock.today)}


# The four actions, for the API's routes below and the dashboard's forms alike: the scope
# checks are in them, so a form cannot skip one.

async def make_representations(services: Services, caller: Principal, ect_id: UUID,
                               body: MakeRepresentations, provenance: Provenance) -> dict[str, Any]:
    history, _ = await services.ect(ect_id)
    access.check_may_act_for_ect(caller, history, "make written representations")
    final = current_recommendation(history)
    recorded = await services.run(
        services.app.make_representations, ect_id, received_on=body.received_on,
        summary=body.summary, recorded_on_behalf=caller.role == Role.APPROPRIATE_BODY,
        appropriate_body_id=history.appropriate_body_id or "",
        recommendation=final.recommendation if final else None,
        recommendation_received_on=final.submitted_on if final else None, provenance=provenance)
    return await steps(services, ect_id, recorded)


async def record_notice(services: Services, caller: Principal, ect_id: UUID, body: RecordNotice,
                        provenance: Provenance) -> dict[str, Any]:
    history, _ = await services.ect(ect_id)
    access.check_may_decide(caller, history)
    recorded = await services.run(
        services.app.record_notice, ect_id, recipients=[r.value for r in body.recipients],
        given_on=body.given_on, method=body.method.value,
        appropriate_body_id=history.appropriate_body_id or "", provenance=provenance)
    return await steps(services, ect_id, recorded)


async def lodge_appeal(services: Services, caller: Principal, ect_id: UUID, body: LodgeAppeal,
                       provenance: Provenance) -> dict[str, Any]:
    history, _ = await services.ect(ect_id)
    access.check_may_act_for_ect(caller, history, "record an appeal")
    recorded = await services.run(
        services.app.lodge_appeal, ect_id, lodged_on=body.lodged_on, grounds=body.grounds,
        appropriate_body_id=history.appropriate_body_id or "", provenance=provenance)
    return await steps(services, ect_id, recorded)


async def decide_appeal(services: Services, caller: Principal, ect_id: UUID, body: DecideAppeal,
                        provenance: Provenance) -> dict[str, Any]:
    history, _ = await services.ect(ect_id)
    access.check_may_decide(caller, history)
    recorded = await services.run(
        services.app.decide_appeal, ect_id, appeal_outcome=body.appeal_outcome.value,
        decided_on=body.decided_on, appropriate_body_id=history.appropriate_body_id or "",
        extension_terms=body.extension_terms, reason=body.reason, provenance=provenance)
    return await steps(services, ect_id, recorded)


def router(services: Services) -> APIRouter:
    routes = APIRouter(tags=["Outcomes"])

    @routes.post("/ects/{ect_id}/representations", status_code=status.HTTP_201_CREATED,
                 response_model=EndOfInduction, dependencies=[allow(Role.ECT, Role.APPROPRIATE_BODY,
                                     action="make written representations (regulation 11(4))")])
    async def post_representations(ect_id: UUID, body: MakeRepresentations, caller: Caller,
                                   request: Request) -> dict[str, Any]:
        """The ECT's written representations on the final recommendation, by the ECT or recorded
        by the AB on their behalf: due within 10 working days of it; a late one is received and
        marked late; none once the AB has decided on it."""
        return await make_representations(services, caller, ect_id, body,
                                          services.provenance(caller, request))

    @routes.post("/ects/{ect_id}/outcome/notice", status_code=status.HTTP_201_CREATED,
                 response_model=EndOfInduction, dependencies=[allow(Role.APPROPRIATE_BODY,
                                     action="record written notice of a decision (2.69)")])
    async def post_notice(ect_id: UUID, body: RecordNotice, caller: Caller,
                          request: Request) -> dict[str, Any]:
        """Written notice of the decision: to whom, when, how; due within 3 working days of it.
        The answer says who is still owed notice."""
        return await record_notice(services, caller, ect_id, body,
                                   services.provenance(caller, request))

    @routes.post("/ects/{ect_id}/appeal", status_code=status.HTTP_201_CREATED,
                 response_model=EndOfInduction, dependencies=[allow(Role.ECT, Role.APPROPRIATE_BODY,
                                     action="record an appeal to the TRA (regulation 14)")])
    async def post_appeal(ect_id: UUID, body: LodgeAppeal, caller: Caller,
                          request: Request) -> dict[str, Any]:
        """An appeal against a fail or an extension, lodged with the TRA within 20 working days
        of the ECT's notice; a late one is recorded and marked late (the TRA decides on it)."""
        return await lodge_appeal(services, caller, ect_id, body,
                                  services.provenance(caller, request))

    @routes.post("/ects/{ect_id}/appeal/outcome", status_code=status.HTTP_201_CREATED,
                 response_model=EndOfInduction, dependencies=[allow(Role.APPROPRIATE_BODY,
                                     action="record the TRA's decision on an appeal (regulation 14)")])
    async def post_appeal_outcome(ect_id: UUID, body: DecideAppeal, caller: Caller,
                                  request: Request) -> dict[str, Any]:
        """The TRA's decision: allowed (the decision is set aside and the induction open again),
        dismissed (it stands) or extended (an extension of ``extension_terms``)."""
        return await decide_appeal(services, caller, ect_id, body,
                                   services.provenance(caller, request))

    return routes
