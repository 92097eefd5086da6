"""What reporting's routes depend on, handed to them by FastAPI's ``Depends``: the one
``Commands`` object the app factory puts on ``app.state`` (the application, the read models'
pool and projections, the clock), so no route module needs the factory that assembles them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from uuid import UUID

import asyncpg
from eventsourcing.persistence import IntegrityError
from fastapi import Depends, Request

from ect_platform import commands as platform
from ect_platform.identity import Principal
from ect_platform.web import correlation_id
from reporting.application import ReportingApplication
from reporting.domain import errors
from reporting.domain.history import EctHistory
from reporting.domain.induction_clock import InductionClock
from reporting.domain.provenance import Provenance
from reporting.projections import facts
from reporting.projections.consumer import ReportingProjections


class ConcurrentDecisionError(Exception):
    """Two decisions on one induction at once: one was recorded, the other may be retried."""


class Commands(platform.Commands):
    """What routes use: the platform's command runner (a worker thread, a span, the relay told
    after commit), and reporting's read models (pool, projections, their clock)."""

    service = "reporting"

    def __init__(self, app: ReportingApplication, pool: asyncpg.Pool,
                 projections: ReportingProjections,
                 on_commit: Callable[[], None] = lambda: None) -> None:
        super().__init__(on_commit)
        self.app = app
        self.pool = pool
        self.projections = projections

    async def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """A command; a clash in the store (two decisions at once) becomes a 409 to retry."""
        try:
            return await super().run(fn, *args, **kwargs)
        except IntegrityError:
            raise ConcurrentDecisionError("another decision on this induction was recorded at the "
                                          "same moment; read it and retry if still needed") from None

    async def ect(self, ect_id: UUID) -> tuple[EctHistory, InductionClock]:
        """The ECT as reporting knows it from scheduling's events; 404 when it does not."""
        history, calendars = await facts.ect_history(self.pool, ect_id, self.projections.sealer)
        if not history.registered:
            raise errors.UnknownEctError(ect_id)
        return history, InductionClock(history, calendars, self.projections.clock())

    @staticmethod
    def provenance(principal: Principal, request: Request) -> Provenance:
        return Provenance(principal.id, principal.role.value, correlation_id(request))


def commands(request: Request) -> Commands:
    """The app's own ``Commands`` (``create_api`` puts it on ``app.state``)."""
    found: Commands = request.app.state.commands
    return found


CommandsDep = Annotated[Commands, Depends(commands)]
