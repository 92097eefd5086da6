"""``python -m reporting``: API, relay and projection consumer (together or one per process)."""

from __future__ import annotations

import asyncio
from enum import StrEnum

import typer

from ect_platform.runtime import Loop, broker_loop, configure_logging, serve
from reporting.bootstrap import bootstrap
from reporting.entrypoints.api import create_api
from reporting.settings import ReportingSettings

cli = typer.Typer(add_completion=False, help="The reporting service.")


class Part(StrEnum):
    ALL = "all"
    API = "api"
    RELAY = "relay"
    CONSUMER = "consumer"


@cli.command()
def run(part: Part = typer.Argument(Part.ALL, help="all, api, relay or consumer")) -> None:
    """Start the service; one part alone runs one container per process."""
    configure_logging("reporting")
    asyncio.run(_run(part))


async def _run(part: Part) -> None:
    settings = ReportingSettings()  # type: ignore[call-arg]
    service = await bootstrap(settings)

    async def database_ready() -> None:
        async with service.pool.acquire() as conn:
            await conn.fetchval("SELECT 1")

    try:
        api = None
        if part in (Part.ALL, Part.API):
            api = create_api(service.app, service.pool, service.issuer,
                             on_commit=service.relay.nudge, readiness={"database": database_ready})
        loops: list[Loop] = []
        if part in (Part.ALL, Part.RELAY):
            loops.append(service.relay.run)
        if part in (Part.ALL, Part.CONSUMER):
            loops.append(broker_loop(service.broker))
        await serve(api, settings.host, settings.port, loops)
    finally:
        await service.close()


def main() -> None:
    cli()
