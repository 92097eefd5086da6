"""The four steps around the AB's decision as actions, one code path for the API's routes
(``routes_end_of_induction``) and the dashboard's forms (``dashboard.end_of_induction_forms``):
the scope checks are in them, so a form cannot skip one. Each answers the ECT's end of
induction as the command left it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from contracts import Role
from ect_platform.identity import Principal
from reporting import access
from reporting.domain.end_of_induction_steps import current_recommendation, end_of_induction_steps
from reporting.domain.provenance import Provenance
from reporting.entrypoints.requests import DecideAppeal, LodgeAppeal, MakeRepresentations, RecordNotice
from reporting.integration.outbound import to_integration_event
from reporting.projections.history_fold import learn

if TYPE_CHECKING:
    from reporting.entrypoints.deps import Commands


async def steps(commands: Commands, ect_id: UUID, recorded: list[Any]) -> dict[str, Any]:
    """The ECT's end of induction as the command left it: the facts the projection holds,
    and the events just recorded (which it learns a moment later)."""
    history, clock = await commands.ect(ect_id)
    for domain_event in recorded:
        envelope = to_integration_event(domain_event)
        if envelope is not None:
            learn(history, envelope.payload)
    return {"ect_id": ect_id, "name": history.name, "trn": history.trn,
            "end_of_induction": end_of_induction_steps(history, clock.final_assessment(),
                                                       clock.today)}


async def make_representations(commands: Commands, caller: Principal, ect_id: UUID,
                               body: MakeRepresentations, provenance: Provenance) -> dict[str, Any]:
    history, _ = await commands.ect(ect_id)
    access.check_may_act_for_ect(caller, history, "make written representations")
    final = current_recommendation(history)
    recorded = await commands.run(
        commands.app.make_representations, ect_id, received_on=body.received_on,
        summary=body.summary, recorded_on_behalf=caller.role == Role.APPROPRIATE_BODY,
        appropriate_body_id=history.appropriate_body_id or "",
        recommendation=final.recommendation if final else None,
        recommendation_received_on=final.submitted_on if final else None, provenance=provenance)
    return await steps(commands, ect_id, recorded)


async def record_notice(commands: Commands, caller: Principal, ect_id: UUID, body: RecordNotice,
                        provenance: Provenance) -> dict[str, Any]:
    history, _ = await commands.ect(ect_id)
    access.check_may_decide(caller, history)
    recorded = await commands.run(
        commands.app.record_notice, ect_id, recipients=[r.value for r in body.recipients],
        given_on=body.given_on, method=body.method.value,
        appropriate_body_id=history.appropriate_body_id or "", provenance=provenance)
    return await steps(commands, ect_id, recorded)


async def lodge_appeal(commands: Commands, caller: Principal, ect_id: UUID, body: LodgeAppeal,
                       provenance: Provenance) -> dict[str, Any]:
    history, _ = await commands.ect(ect_id)
    access.check_may_act_for_ect(caller, history, "record an appeal")
    recorded = await commands.run(
        commands.app.lodge_appeal, ect_id, lodged_on=body.lodged_on, grounds=body.grounds,
        appropriate_body_id=history.appropriate_body_id or "", provenance=provenance)
    return await steps(commands, ect_id, recorded)


async def decide_appeal(commands: Commands, caller: Principal, ect_id: UUID, body: DecideAppeal,
                        provenance: Provenance) -> dict[str, Any]:
    history, _ = await commands.ect(ect_id)
    access.check_may_decide(caller, history)
    recorded = await commands.run(
        commands.app.decide_appeal, ect_id, appeal_outcome=body.appeal_outcome.value,
        decided_on=body.decided_on, appropriate_body_id=history.appropriate_body_id or "",
        extension_terms=body.extension_terms, reason=body.reason, provenance=provenance)
    return await steps(commands, ect_id, recorded)
