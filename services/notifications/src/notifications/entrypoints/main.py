"""``python -m notifications``: API and consumer, together or one per process."""

from __future__ import annotations

import asyncio
from enum import StrEnum

import typer

from ect_platform.runtime import Loop, configure_logging, serve
from notifications.bootstrap import Notifications, bootstrap
from notifications.entrypoints.api import create_api
from notifications.settings import NotificationsSettings

cli = typer.Typer(add_completion=False, help="The notifications service.")


class Part(StrEnum):
    ALL = "all"
    API = "api"
    CONSUMER = "consumer"


@cli.command()
def run(part: Part = typer.Argument(Part.ALL, help="all, api or consumer")) -> None:
    """Start the service; one part alone runs one container per process."""
    configure_logging("notifications")
    asyncio.run(_run(part))


def consumer_loop(service: Notifications) -> Loop:
    async def consume(stop: asyncio.Event) -> None:
        await service.broker.start()
        try:
            await stop.wait()
        finally:
            # A graceful stop finishes the batch in hand and commits its offsets.
            await service.broker.stop()

    return consume


async def _run(part: Part) -> None:
    settings = NotificationsSettings()  # type: ignore[call-arg]
    service = await bootstrap(settings)

    async def database_ready() -> None:
        async with service.pool.acquire() as conn:
            await conn.fetchval("SELECT 1")

    try:
        api = None
        if part in (Part.ALL, Part.API):
            api = create_api(service.pool, service.issuer, readiness={"database": database_ready})
        loops = [consumer_loop(service)] if part in (Part.ALL, Part.CONSUMER) else []
        await serve(api, settings.host, settings.port, loops)
    finally:
        await service.close()


def main() -> None:
    cli()
