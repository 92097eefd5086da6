"""Personal data: subject access, erasure, the retention schedule, and the data keys.

- ``GET /privacy/subject-access?trn=`` answers everything scheduling holds about a person
  (see ``ect_platform.subject_access`` for who may ask);
- ``POST /privacy/erasures`` erases a person for good (``scheduling.erasure``);
- ``GET /privacy/retention`` lists the inductions the retention schedule would erase today
  (the dry run) and ``POST /privacy/retention`` erases them;
- ``GET /privacy/keys/{key_id}`` hands a subscriber's system the data key that opens a
  person's sealed fields on the topics (``contracts.sealed``), while it exists.
"""

from __future__ import annotations

import base64
from datetime import date
from typing import Any, Literal
from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import BaseModel

from contracts import Role
from ect_platform import subject_access
from ect_platform.identity import Caller, allow
from scheduling.domain.errors import SchedulingError
from scheduling.entrypoints.deps import RetentionSchedule, RetentionYears, Service
from scheduling.entrypoints.requests import ErasePerson
from scheduling.entrypoints.responses import SubjectAccessAnswer
from scheduling.erasure import Due, Erased
from scheduling.subject_access import held_about


class KeyNotFoundError(SchedulingError):
    """No data key was ever made for this id (404)."""


class KeyErasedError(SchedulingError):
    """The person was erased: their key is gone for good (410)."""


class ErasedRecord(BaseModel):
    subject: Literal["ect", "mentor"]
    record_id: UUID
    retained_until: date | None
    already_erased: bool

    @classmethod
    def of(cls, erased: Erased) -> ErasedRecord:
        return cls(subject=erased.subject, record_id=erased.record_id,
                   retained_until=erased.retained_until, already_erased=erased.already)


class ErasureAnswer(BaseModel):
    erased: list[ErasedRecord]


class DueRecord(BaseModel):
    ect_id: UUID
    name: str
    trn: str
    closed_on: date
    kept_until: date

    @classmethod
    def of(cls, due: Due) -> DueRecord:
        return cls(ect_id=due.ect_id, name=due.name, trn=due.trn, closed_on=due.closed_on,
                   kept_until=due.kept_until)


class RetentionAnswer(BaseModel):
    as_of: date
    years: int
    due: list[DueRecord]
    erased: list[ErasedRecord]


class DataKey(BaseModel):
    key_id: UUID
    alg: Literal["A256GCM"] = "A256GCM"
    key: str  # base64url, 32 bytes


SCHEDULE_RUNNERS = (Role.HUB_LEAD, Role.SYSTEM)

router = APIRouter(tags=["Personal data"])


@router.get(subject_access.PATH,
            response_model=SubjectAccessAnswer,
            dependencies=[allow(*subject_access.ROLES, action=subject_access.ACTION)])
async def subject_access_request(commands: Service, trn: subject_access.TrnQuery, caller: Caller
                                 ) -> dict[str, Any]:
    """Their induction as an ECT and their record as a mentor, every stored event of each."""
    subject_access.check_may_export(caller)
    subject_access.check_trn(trn)
    held = await commands.read(held_about, commands.app, trn)
    return subject_access.answer("scheduling", trn, held)


@router.post("/privacy/erasures",
             dependencies=[allow(Role.HUB_LEAD, action="erase a person's data")])
async def erase(commands: Service, erasures: RetentionSchedule,
                body: ErasePerson, caller: Caller, request: Request) -> ErasureAnswer:
    """Erase the person with this TRN for good (UK GDPR Art. 17): their data key is destroyed,
    so none of their personal data can be read anywhere again; the records keep their
    dates, counts and statuses. Refused (409) while the induction's records must still be
    kept (statutory guidance 2.77) unless ``force`` with a ``legal_basis``."""
    subject_access.check_whole_hub(caller, "erase a person's data")
    done = await commands.run(erasures.erase, body.trn, reason=body.reason,
                              provenance=commands.provenance(caller, request), force=body.force,
                              legal_basis=body.legal_basis)
    return ErasureAnswer(erased=[ErasedRecord.of(e) for e in done])


@router.get("/privacy/retention",
            dependencies=[allow(*SCHEDULE_RUNNERS, action="read the retention schedule")])
async def retention_due(commands: Service, erasures: RetentionSchedule, years: RetentionYears,
                        caller: Caller, as_of: date | None = None) -> RetentionAnswer:
    """The dry run: every induction whose records have been kept as long as the schedule
    says (at least 6 years after it closed, 2.77) and which applying it would erase."""
    subject_access.check_whole_hub(caller, "apply the retention schedule", system_may=True)
    day = as_of or commands.app.today()
    due = await commands.read(erasures.due, day)
    return RetentionAnswer(as_of=day, years=years,
                           due=[DueRecord.of(d) for d in due], erased=[])


@router.post("/privacy/retention",
             dependencies=[allow(*SCHEDULE_RUNNERS, action="apply the retention schedule")])
async def apply_retention(commands: Service, erasures: RetentionSchedule, years: RetentionYears,
                          caller: Caller, request: Request) -> RetentionAnswer:
    """Erase every induction the dry run lists, today."""
    subject_access.check_whole_hub(caller, "apply the retention schedule", system_may=True)
    day = commands.app.today()
    done = await commands.run(erasures.apply_schedule, day,
                              commands.provenance(caller, request))
    return RetentionAnswer(as_of=day, years=years,
                           due=[DueRecord.of(d) for d, _ in done],
                           erased=[ErasedRecord.of(e) for _, e in done])


@router.get("/privacy/keys/{key_id}",
            dependencies=[allow(Role.SYSTEM, action="read a person's data key")])
async def data_key(commands: Service, key_id: UUID) -> DataKey:
    """The data key that opens the ``sealed`` box of this person's events (its ``key_id``:
    the ECT's or the mentor's id), for a subscribing system's token. 410 once the person
    is erased: the key is gone for good, and the subscriber must drop what it opened."""
    keystore = commands.app.keystore
    key = await commands.read(keystore.key, key_id)
    if key is None:
        if await commands.read(keystore.erased, key_id):
            raise KeyErasedError(f"the data key {key_id} was destroyed: the person was erased")
        raise KeyNotFoundError(f"no data key {key_id}: no personal data is sealed under it")
    return DataKey(key_id=key_id, key=base64.urlsafe_b64encode(key).decode())
