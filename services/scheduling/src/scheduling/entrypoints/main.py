"""``python -m scheduling``: run the API and the relay (together, or one per process)."""

from __future__ import annotations

import asyncio
from enum import StrEnum

import typer

from ect_platform.kafka import readiness_checks
from ect_platform.migrations import migrated
from ect_platform.runtime import Loop, Parts, broker_loop, configure_logging, run_service
from scheduling import metrics
from scheduling.bootstrap import Scheduling, bootstrap, prepare_database
from scheduling.entrypoints.api import create_api
from scheduling.migrations import MIGRATIONS
from scheduling.settings import SchedulingSettings

cli = typer.Typer(add_completion=False, help="The scheduling service.")


class Part(StrEnum):
    """Which part of the service a process runs (``contracts.Role`` is who may act)."""

    ALL = "all"
    API = "api"
    RELAY = "relay"
    CONSUMER = "consumer"
    MIGRATE = "migrate"


@cli.command()
def run(part: Part = typer.Argument(Part.ALL, help="all, api, relay or consumer; or migrate")) -> None:
    """Start the service; one part alone runs one container per process. `migrate`: bring the
    schema to this release's version (start-up does it too)."""
    configure_logging("scheduling", part.value)
    if part == Part.MIGRATE:
        migrated("scheduling", asyncio.run(prepare_database(SchedulingSettings())), MIGRATIONS)  # type: ignore[call-arg]
        return
    asyncio.run(_run(part))


async def _run(part: Part) -> None:
    settings = SchedulingSettings()  # type: ignore[call-arg]
    await run_service(settings, bootstrap, lambda service: _parts(part, settings, service))


def _parts(part: Part, settings: SchedulingSettings, service: Scheduling) -> Parts:
    """What a process running ``part`` serves."""
    api = None
    if part in (Part.ALL, Part.API):
        api = create_api(service.app, service.issuer, on_commit=service.relay.nudge,
                         readiness=readiness_checks(service.pool, service.producer),
                         topic_prefix=settings.kafka_topic_prefix,
                         retention_years=settings.retention_years)
    loops: list[Loop] = []
    if part in (Part.ALL, Part.RELAY):
        loops += [service.relay.run, *service.checkpoints]
    if part in (Part.ALL, Part.CONSUMER):
        loops.append(broker_loop(service.broker))
    exposed = metrics.exposition(service, relay=part in (Part.ALL, Part.RELAY),
                                 consumer=part in (Part.ALL, Part.CONSUMER))
    return Parts(api, loops, exposed)


def main() -> None:
    cli()
