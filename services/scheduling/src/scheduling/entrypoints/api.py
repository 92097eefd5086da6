"""scheduling's HTTP API. Each handler parses, checks the caller's role, calls one use case."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from fastapi import FastAPI, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from contracts import Actor, Role
from contracts.scheduling.v1 import TRN_PATTERN, InductionProgramme, Phase
from ect_platform.identity import Caller, TokenIssuer, require_role
from ect_platform.problems import install_problem_handlers
from ect_platform.web import correlation_id, health_router, install_correlation
from scheduling.application import ConcurrentChangeError, SchedulingApplication
from scheduling.domain.errors import (
    EctNotFoundError,
    MentorIneligibleError,
    MentorNotFoundError,
    MentorPolicyBreachError,
    NotAssignedMentorError,
    SessionBeforeInductionStartError,
    StartBeforeQtsError,
    TrnAlreadyRegisteredError,
)
from scheduling.domain.provenance import Provenance

DOMAIN_ERRORS: dict[type[Exception], int] = {
    EctNotFoundError: 404,
    MentorNotFoundError: 404,
    TrnAlreadyRegisteredError: 409,
    ConcurrentChangeError: 409,
    StartBeforeQtsError: 422,
    SessionBeforeInductionStartError: 422,
    MentorPolicyBreachError: 422,
    MentorIneligibleError: 422,
    NotAssignedMentorError: 403,
}


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RegisterEct(Command):
    trn: str = Field(pattern=TRN_PATTERN, description="Teacher reference number: 7 digits")
    name: str = Field(min_length=1, max_length=200)
    date_of_birth: date
    school_id: str = Field(min_length=1, max_length=64)
    subject: str | None = Field(default=None, max_length=100)
    phase: Phase
    qts_date: date
    induction_start_date: date
    fte: float = Field(gt=0, le=1, description="Full-time equivalent, e.g. 1.0 or 0.6")
    appropriate_body_id: str = Field(min_length=1, max_length=64)
    induction_programme: InductionProgramme
    induction_tutor_id: str = Field(min_length=1, max_length=64)


class RegisterMentor(Command):
    trn: str = Field(pattern=TRN_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    school_id: str = Field(min_length=1, max_length=64)
    subject: str | None = Field(default=None, max_length=100)
    phase: Phase
    years_teaching: int = Field(ge=0, le=60)


class AssignMentor(Command):
    mentor_id: UUID
    assigned_on: date
    override_reason: str | None = Field(
        default=None, min_length=3, max_length=1000,
        description="Required when the assignment breaks hub policy; recorded in the event",
    )


class RecordSession(Command):
    request_id: str | None = Field(
        default=None, min_length=1, max_length=100,
        description="Client's id for this request: sending it again records nothing new",
    )
    held_on: date
    minutes: int = Field(gt=0, le=480)
    observation_included: bool = True
    action_step: str | None = Field(default=None, max_length=2000)


class RecordDropIn(Command):
    request_id: str | None = Field(default=None, min_length=1, max_length=100)
    observed_on: date
    focus_area: str = Field(min_length=1, max_length=200, description="ITTECF area")
    strengths: str = Field(min_length=1, max_length=4000)
    development_areas: str = Field(min_length=1, max_length=4000)
    next_step: str | None = Field(default=None, max_length=2000)


class Created(BaseModel):
    id: UUID


def create_api(app: SchedulingApplication, issuer: TokenIssuer,
               on_commit: Callable[[], None] = lambda: None,
               readiness: dict[str, Any] | None = None) -> FastAPI:
    api = FastAPI(title="ECT induction: scheduling", version="1.0.0",
                  description="The induction programme: ECTs, mentors, sessions, drop-ins.")
    install_correlation(api)
    install_problem_handlers(api, DOMAIN_ERRORS)
    api.include_router(health_router(readiness or {}))
    api.state.token_issuer = issuer

    def provenance(actor: Actor, request: Request) -> Provenance:
        return Provenance(actor.id, actor.role.value, correlation_id(request))

    async def run(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        result = await asyncio.to_thread(fn, *args, **kwargs)
        on_commit()
        return result

    @api.post("/ects", status_code=status.HTTP_201_CREATED, response_model=Created)
    async def register_ect(body: RegisterEct, actor: Caller, request: Request,
                           response: Response) -> Created:
        require_role(actor, (Role.APPROPRIATE_BODY, Role.HUB_LEAD), "register an ECT")
        fields = body.model_dump()
        fields["phase"] = body.phase.value
        fields["induction_programme"] = body.induction_programme.value
        ect_id = await run(app.register_ect, provenance=provenance(actor, request), **fields)
        response.headers["Location"] = f"/ects/{ect_id}"
        return Created(id=ect_id)

    @api.post("/mentors", status_code=status.HTTP_201_CREATED, response_model=Created)
    async def register_mentor(body: RegisterMentor, actor: Caller, request: Request) -> Created:
        require_role(actor, (Role.HUB_LEAD, Role.INDUCTION_TUTOR), "register a mentor")
        fields = body.model_dump()
        fields["phase"] = body.phase.value
        mentor_id = await run(app.register_mentor, provenance=provenance(actor, request), **fields)
        return Created(id=mentor_id)

    @api.put("/ects/{ect_id}/mentor")
    async def assign_mentor(ect_id: UUID, body: AssignMentor, actor: Caller,
                            request: Request) -> dict[str, Any]:
        require_role(actor, (Role.HUB_LEAD, Role.INDUCTION_TUTOR), "assign a mentor")
        changed = await run(
            app.assign_mentor, ect_id, body.mentor_id, assigned_on=body.assigned_on,
            override_reason=body.override_reason, provenance=provenance(actor, request),
        )
        return {"ect_id": ect_id, "mentor_id": body.mentor_id, "changed": changed}

    @api.post("/ects/{ect_id}/sessions", status_code=status.HTTP_201_CREATED)
    async def record_session(ect_id: UUID, body: RecordSession, actor: Caller, request: Request,
                             response: Response) -> dict[str, Any]:
        require_role(actor, (Role.MENTOR, Role.INDUCTION_TUTOR, Role.HUB_LEAD),
                     "record a coaching session")
        session_id, created = await run(
            app.record_session, ect_id, request_id=body.request_id, held_on=body.held_on,
            minutes=body.minutes, observation_included=body.observation_included,
            action_step=body.action_step, provenance=provenance(actor, request),
        )
        if not created:
            response.status_code = status.HTTP_200_OK
        return {"id": session_id, "created": created}

    @api.post("/ects/{ect_id}/drop-ins", status_code=status.HTTP_201_CREATED)
    async def record_drop_in(ect_id: UUID, body: RecordDropIn, actor: Caller, request: Request,
                             response: Response) -> dict[str, Any]:
        require_role(actor, (Role.MENTOR, Role.INDUCTION_TUTOR, Role.HUB_LEAD),
                     "record a drop-in")
        drop_in_id, created = await run(
            app.record_drop_in, ect_id, request_id=body.request_id, observed_on=body.observed_on,
            focus_area=body.focus_area, strengths=body.strengths,
            development_areas=body.development_areas, next_step=body.next_step,
            provenance=provenance(actor, request),
        )
        if not created:
            response.status_code = status.HTTP_200_OK
        return {"id": drop_in_id, "created": created}

    @api.get("/ects/{ect_id}")
    async def get_ect(ect_id: UUID, actor: Caller) -> dict[str, Any]:
        ect = await asyncio.to_thread(app.get_induction, ect_id)
        return {
            "id": ect.id,
            "version": ect.version,
            "trn": ect.trn,
            "name": ect.name,
            "school_id": ect.school_id,
            "subject": ect.subject,
            "phase": ect.phase,
            "qts_date": ect.qts_date,
            "induction_start_date": ect.induction_start_date,
            "fte": ect.fte,
            "appropriate_body_id": ect.appropriate_body_id,
            "induction_programme": ect.induction_programme,
            "induction_tutor_id": ect.induction_tutor_id,
            "mentor_id": ect.mentor_id,
            "sessions_held": ect.sessions_held,
            "minutes_coached": ect.minutes_coached,
            "last_session_on": ect.last_session_on,
            "drop_ins": len(ect.drop_in_ids),
        }

    return api
