"""Personal data on notifications' API.

- ``GET /privacy/subject-access?trn=`` answers everything notifications holds about a person
  (see ``ect_platform.subject_access`` for who may ask);
- ``GET /privacy/retention[?as_of=]`` counts the notifications whose subject and body the
  retention schedule would blank (the dry run), ``POST /privacy/retention`` blanks them today
  (``notifications.retention``).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import asyncpg
from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, StringConstraints

from contracts import Role
from ect_platform import subject_access
from ect_platform.identity import Caller, allow
from notifications import retention
from notifications.clock import ENGLAND, Clock, SystemClock
from notifications.subject_access import held_about

# an id as the platform gives them: no control characters (PostgreSQL text holds no NUL)
PersonId = Annotated[str, StringConstraints(pattern=r"^[^\x00-\x1f\x7f]{1,200}$")]
KnownAs = Annotated[list[PersonId], Query(max_length=20, description=(
    "Ids the person is also known by on the platform (a mentor's id, a user id): notifications "
    "knows an ECT's TRN, but a mentor or other recipient only by id"))]


class SubjectAccessAnswer(BaseModel):
    """``ect_platform.subject_access.answer``: whether anything is held, then one section per
    kind of record held about the person (contact details, notifications, delivery attempts)."""

    # open-ended by design: the sections are every record held about the person, in whatever
    # shape it was stored (UK GDPR Art. 15 asks for all of it)
    model_config = ConfigDict(extra="allow")

    service: str
    trn: str
    held: bool


class RetentionAnswer(BaseModel):
    """How many notifications the schedule blanks, and the days they were settled on: never
    their text, which is what the schedule is there to stop keeping."""

    as_of: date
    days: int  # NOTIFICATION_RETENTION_DAYS
    kept_from: date  # notifications settled on or after this day keep their text
    due: int  # notifications whose subject, body or attempt details are blanked
    blanked: int  # 0 in the dry run
    oldest_settled_on: date | None
    newest_settled_on: date | None

    @classmethod
    def of(cls, found: retention.Due, *, applied: bool) -> RetentionAnswer:
        return cls(as_of=found.as_of, days=found.days, kept_from=found.kept_from, due=found.count,
                   blanked=found.count if applied else 0, oldest_settled_on=found.oldest,
                   newest_settled_on=found.newest)


SCHEDULE_RUNNERS = (Role.HUB_LEAD, Role.SYSTEM)


def router(pool: asyncpg.Pool, clock: Clock | None = None,
           retention_days: int = retention.DEFAULT_DAYS) -> APIRouter:
    routes = APIRouter(tags=["Personal data"])
    clock = clock or SystemClock()

    def today() -> date:
        return clock.now().astimezone(ENGLAND).date()

    @routes.get(subject_access.PATH, response_model=SubjectAccessAnswer,
                dependencies=[allow(*subject_access.ROLES, action=subject_access.ACTION)])
    async def subject_access_request(trn: subject_access.TrnQuery, caller: Caller, known_as: KnownAs = []  # noqa: B006
                                     ) -> dict[str, Any]:
        """Their contact details, the notifications about or to them, and each delivery attempt."""
        subject_access.check_may_export(caller)
        subject_access.check_trn(trn)
        held = await held_about(pool, trn, known_as)
        return subject_access.answer("notifications", trn, held)

    @routes.get("/privacy/retention",
                dependencies=[allow(*SCHEDULE_RUNNERS, action="read the retention schedule")])
    async def retention_due(caller: Caller, as_of: date | None = None) -> RetentionAnswer:
        """The dry run: how many settled notifications have been kept their
        ``NOTIFICATION_RETENTION_DAYS`` and would have their subject, body and delivery details
        blanked on ``as_of`` (default today); changes nothing."""
        subject_access.check_whole_hub(caller, "read the retention schedule", system_may=True)
        found = await retention.due(pool, as_of or today(), retention_days)
        return RetentionAnswer.of(found, applied=False)

    @routes.post("/privacy/retention",
                 dependencies=[allow(*SCHEDULE_RUNNERS, action="apply the retention schedule")])
    async def apply_retention(caller: Caller) -> RetentionAnswer:
        """Blank, today, what the dry run counts; rule, status, times, counts and outcomes stay.
        Applying it again blanks nothing more."""
        subject_access.check_whole_hub(caller, "apply the retention schedule", system_may=True)
        found = await retention.apply(pool, today(), retention_days)
        return RetentionAnswer.of(found, applied=True)

    return routes
