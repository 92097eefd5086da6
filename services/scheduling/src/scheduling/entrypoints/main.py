"""``python -m scheduling``: run the API and the relay (together, or one per process)."""

from __future__ import annotations

import asyncio
from enum import StrEnum

import typer

from ect_platform.kafka import readiness_checks
from ect_platform.metrics import serving
from ect_platform.migrations import migrated
from ect_platform.runtime import Loop, broker_loop, configure_logging, serve
from scheduling import metrics
from scheduling.bootstrap import bootstrap, prepare_database
from scheduling.entrypoints.api import create_api
from scheduling.migrations import MIGRATIONS
from scheduling.settings import SchedulingSettings

cli = typer.Typer(add_completion=False, help="The scheduling service.")


class Role(StrEnum):
    ALL = "all"
    API = "api"
    RELAY = "relay"
    CONSUMER = "consumer"
    MIGRATE = "migrate"


@cli.command()
def run(role: Role = typer.Argument(Role.ALL, help="all, api, relay or consumer; or migrate")) -> None:
    """Start the service; one part alone runs one container per process. `migrate`: bring the
    schema to this release's version (start-up does it too)."""
    configure_logging("scheduling", role.value)
    if role == Role.MIGRATE:
        migrated("scheduling", asyncio.run(prepare_database(SchedulingSettings())), MIGRATIONS)  # type: ignore[call-arg]
        return
    asyncio.run(_run(role))


async def _run(role: Role) -> None:
    settings = SchedulingSettings()  # type: ignore[call-arg]
    service = await bootstrap(settings)

    try:
        api = None
        if role in (Role.ALL, Role.API):
            api = create_api(service.app, service.issuer, on_commit=service.relay.nudge,
                             readiness=readiness_checks(service.pool, service.producer),
                             topic_prefix=settings.kafka_topic_prefix,
                             retention_years=settings.retention_years)
        loops: list[Loop] = []
        if role in (Role.ALL, Role.RELAY):
            loops += [service.relay.run, *service.checkpoints]
        if role in (Role.ALL, Role.CONSUMER):
            loops.append(broker_loop(service.broker))
        exposed = metrics.exposition(service, relay=role in (Role.ALL, Role.RELAY),
                                     consumer=role in (Role.ALL, Role.CONSUMER))
        served, port = serving(api, exposed, settings.port, settings.metrics_port,
                               readiness=readiness_checks(service.pool, service.producer))
        await serve(served, settings.host, port, loops)
    finally:
        await service.close()


def main() -> None:
    cli()
