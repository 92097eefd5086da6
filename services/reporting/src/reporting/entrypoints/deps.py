"""What reporting's routes depend on, handed to them by FastAPI's ``Depends``: the one
``Services`` object the app factory puts on ``app.state`` (the application, the read models'
pool and projections, the clock), so no route module needs the factory that assembles them."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Annotated, Any
from uuid import UUID

import asyncpg
from eventsourcing.persistence import IntegrityError
from fastapi import Depends, Request

from ect_platform import tracing
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


class Services:
    """What routes use: the application (in a worker thread), the read models, the clock."""

    def __init__(self, app: ReportingApplication, pool: asyncpg.Pool,
                 projections: ReportingProjections,
                 on_commit: Callable[[], None] = lambda: None) -> None:
        self.app = app
        self.pool = pool
        self.projections = projections
        self.on_commit = on_commit

    async def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            # the command and its store's commit, as one span of the request's trace
            with tracing.span(f"command {getattr(fn, '__name__', 'call')}", service="reporting"):
                result = await asyncio.to_thread(fn, *args, **kwargs)
        except IntegrityError:
            raise ConcurrentDecisionError("another decision on this induction was recorded at the "
                                          "same moment; read it and retry if still needed") from None
        self.on_commit()
        return result

    @staticmethod
    async def read(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """A read of reporting's own records, in a worker thread (the store is synchronous)."""
        return await asyncio.to_thread(fn, *args, **kwargs)

    async def ect(self, ect_id: UUID) -> tuple[EctHistory, InductionClock]:
        """The ECT as reporting knows it from scheduling's events; 404 when it does not."""
        history, calendars = await facts.ect_history(self.pool, ect_id, self.projections.sealer)
        if not history.registered:
            raise errors.UnknownEctError(ect_id)
        return history, InductionClock(history, calendars, self.projections.clock())

    @staticmethod
    def provenance(principal: Principal, request: Request) -> Provenance:
        return Provenance(principal.id, principal.role.value, correlation_id(request))


def services(request: Request) -> Services:
    """The app's own ``Services`` (``create_api`` puts it on ``app.state``)."""
    found: Services = request.app.state.services
    return found


ServicesDep = Annotated[Services, Depends(services)]
