"""What scheduling's routes are handed (FastAPI ``Depends``), read from what ``api.create_api``
put on ``app.state``: so a routes module needs only this module, never the app factory.

- ``Service``: the ``Commands`` object, through which a route runs the application's commands
  and reads;
- ``RetentionYears`` and ``RetentionSchedule``: how long an induction's records are kept after
  it closed, and the erasures that schedule applies.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, FastAPI, Request

from ect_platform import commands as platform
from ect_platform.identity import Principal
from ect_platform.web import correlation_id
from scheduling.application import SchedulingApplication
from scheduling.domain.provenance import Provenance
from scheduling.erasure import Erasures


class Commands(platform.Commands):
    """How routes call scheduling's application: in a worker thread, nudging the relay after a
    command (``ect_platform.commands``), with the caller's provenance for the events."""

    service = "scheduling"

    def __init__(self, app: SchedulingApplication, on_commit: Callable[[], None] = lambda: None) -> None:
        super().__init__(on_commit)
        self.app = app

    @staticmethod
    def provenance(principal: Principal, request: Request) -> Provenance:
        return Provenance(principal.id, principal.role.value, correlation_id(request))


def _commands(request: Request) -> Commands:
    commands: Commands = request.app.state.commands
    return commands


def _retention_years(request: Request) -> int:
    years: int = request.app.state.retention_years
    return years


Service = Annotated[Commands, Depends(_commands)]
RetentionYears = Annotated[int, Depends(_retention_years)]


def _erasures(commands: Service, years: RetentionYears) -> Erasures:
    return Erasures(commands.app, years)


RetentionSchedule = Annotated[Erasures, Depends(_erasures)]


def install(api: FastAPI, commands: Commands, retention_years: int) -> None:
    """Put on the app's state what the dependencies above read."""
    api.state.commands = commands
    api.state.retention_years = retention_years
