"""The appropriate body's decisions: pass, fail (InductionOutcomeRecorded), extension
(InductionExtended), reduction for previous experience (InductionReduced)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request, status

from contracts import Role
from ect_platform.identity import Caller, allow
from reporting import access
from reporting.domain.errors import InductionNotOpenError
from reporting.domain.history import EctHistory, ReportFact
from reporting.domain.outcome import decision_due_by, notice_due_by
from reporting.entrypoints.deps import CommandsDep
from reporting.entrypoints.requests import ExtendInduction, RecordOutcome, ReduceInduction
from reporting.entrypoints.responses import ExtensionRecorded, OutcomeRecorded, ReductionRecorded
from statutory.timeline import TermsDecision, induction_timeline


def final_recommendation(history: EctHistory) -> ReportFact | None:
    finals = [r for r in history.reports.values() if r.recommendation is not None]
    return max(finals, key=lambda r: r.submitted_on) if finals else None


def _clocks(decided_on: Any, final: ReportFact | None) -> dict[str, Any]:
    return {"decision_due_by": decision_due_by(final.submitted_on if final else None),
            "notice_due_by": notice_due_by(decided_on)}

router = APIRouter(tags=["Outcomes"])


@router.post("/ects/{ect_id}/outcome", status_code=status.HTTP_201_CREATED,
              response_model=OutcomeRecorded,
              dependencies=[allow(Role.APPROPRIATE_BODY, action="record an induction outcome (2.67)")])
async def record_outcome(ect_id: UUID, body: RecordOutcome, caller: Caller, commands: CommandsDep,
                         request: Request) -> dict[str, Any]:
    """Pass or fail, on the final recommendation: due within 20 working days of it, written
    notice within 3 working days of the decision (2.67-2.69)."""
    history, clock = await commands.ect(ect_id)
    access.check_may_decide(caller, history)
    if history.status in ("left", "released"):
        raise InductionNotOpenError(f"the ECT's induction with this AB is {history.status}")
    final = final_recommendation(history)
    await commands.run(
        commands.app.record_outcome, ect_id, outcome=body.outcome.value, decided_on=body.decided_on,
        appropriate_body_id=history.appropriate_body_id or "",
        terms_served=float(clock.served()), recommendation=final.recommendation if final else None,
        recommendation_received_on=final.submitted_on if final else None,
        provenance=commands.provenance(caller, request),
        recommendation_term=final.term_number if final else None,
        final_term=clock.final_assessment_term(), reason=body.reason)
    return {"ect_id": ect_id, "outcome": body.outcome.value, **_clocks(body.decided_on, final)}


@router.post("/ects/{ect_id}/extensions", status_code=status.HTTP_201_CREATED,
              response_model=ExtensionRecorded,
              dependencies=[allow(Role.APPROPRIATE_BODY, action="extend an induction (3.8)")])
async def extend(ect_id: UUID, body: ExtendInduction, caller: Caller, commands: CommandsDep,
                 request: Request) -> dict[str, Any]:
    """An extension in FTE terms with a reason (3.8)."""
    history, _ = await commands.ect(ect_id)
    access.check_may_decide(caller, history)
    if history.status != "open":
        raise InductionNotOpenError(f"the ECT's induction is {history.status}")
    final = final_recommendation(history)
    received = final.submitted_on if final and final.submitted_on <= body.decided_on else None
    await commands.run(
        commands.app.extend_induction, ect_id, extension_terms=body.extension_terms, reason=body.reason,
        decided_on=body.decided_on, appropriate_body_id=history.appropriate_body_id or "",
        recommendation_received_on=received, provenance=commands.provenance(caller, request))
    return {"ect_id": ect_id, "extension_terms": float(body.extension_terms),
            **_clocks(body.decided_on, final if received else None)}


@router.post("/ects/{ect_id}/reductions", status_code=status.HTTP_201_CREATED,
              response_model=ReductionRecorded, dependencies=[allow(Role.APPROPRIATE_BODY,
                                  action="reduce an induction for previous experience (3.2-3.4)")])
async def reduce(ect_id: UUID, body: ReduceInduction, caller: Caller, commands: CommandsDep,
                 request: Request) -> dict[str, Any]:
    """A reduction in FTE terms for previous experience, with the ECT's consent; at least one
    term is left (3.2-3.4). A one-term induction owes only its final assessment."""
    history, clock = await commands.ect(ect_id)
    access.check_may_decide(caller, history)
    if history.status != "open":
        raise InductionNotOpenError(f"the ECT's induction is {history.status}")
    # what the clock says is left to serve once this reduction is in its facts
    facts = history.induction_facts(clock.calendar_for)
    reduction = TermsDecision(body.reduction_terms, body.decided_on, body.reason)
    reduced = replace(facts, reductions=(*facts.reductions, reduction))
    required = induction_timeline(reduced, clock.as_of).terms_required
    await commands.run(
        commands.app.reduce_induction, ect_id, reduction_terms=body.reduction_terms, reason=body.reason,
        ect_consented_on=body.ect_consented_on, decided_on=body.decided_on,
        appropriate_body_id=history.appropriate_body_id or "", terms_required=required,
        provenance=commands.provenance(caller, request))
    return {"ect_id": ect_id, "reduction_terms": float(body.reduction_terms),
            "terms_required": float(required)}

