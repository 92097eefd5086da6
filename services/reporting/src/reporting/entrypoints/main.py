"""``python -m reporting``: API, relay and projection consumer (together or one per process)."""

from __future__ import annotations

import asyncio
import json
import logging
from enum import StrEnum

import asyncpg
import typer

from ect_platform.kafka import readiness_checks
from ect_platform.migrations import migrated
from ect_platform.runtime import (
    Loop,
    Parts,
    broker_loop,
    configure_logging,
    run_periodically,
    run_service,
)
from reporting import metrics
from reporting.bootstrap import Reporting, bootstrap, prepare_database
from reporting.entrypoints.api import create_api
from reporting.migrations import MIGRATIONS
from reporting.settings import ReportingSettings

log = logging.getLogger(__name__)
cli = typer.Typer(add_completion=False, help="The reporting service.")


class Part(StrEnum):
    ALL = "all"
    API = "api"
    RELAY = "relay"
    CONSUMER = "consumer"
    REPLAY = "replay"
    QUARANTINE = "quarantine"
    MIGRATE = "migrate"


@cli.command()
def run(part: Part = typer.Argument(Part.ALL, help="all, api, relay, consumer; or replay, "
                                   "quarantine, migrate"),
        after_republish: bool = typer.Option(
            False, "--after-republish", help="replay: go on although a topic's first messages are "
            "gone, because the event stores were republished since"),
        retry: bool = typer.Option(
            False, "--retry", help="quarantine: put every quarantined ECT back on the backlog, "
            "for the running consumer to recompute (after a fix is deployed)")) -> None:
    """Start the service (one part alone runs one container per process); `replay`: rebuild
    every projection from the topics into fresh tables and swap them in; `quarantine`: the
    ECTs whose rows could not be recomputed, as JSON lines (with --retry, retried first);
    `migrate`: bring the schema to this release's version (start-up does it too)."""
    configure_logging("reporting", part.value)
    if part == Part.MIGRATE:
        migrated("reporting", asyncio.run(prepare_database(ReportingSettings())), MIGRATIONS)  # type: ignore[call-arg]
        return
    if part == Part.REPLAY:
        _replay(after_republish)
        return
    if part == Part.QUARANTINE:
        asyncio.run(_quarantine(retry))
        return
    asyncio.run(_run(part))


async def _quarantine(retry: bool) -> None:
    from ect_platform.database import create_pool
    from reporting.projections import backlog

    settings = ReportingSettings()  # type: ignore[call-arg]
    pool = await create_pool(settings.database_url, settings.db_schema)
    try:
        async with pool.acquire() as conn, conn.transaction():
            if retry:
                log.info("%d quarantined ECT(s) put back on the backlog", await backlog.retry(conn))
            held = await backlog.quarantined(conn)
    except asyncpg.UndefinedTableError:  # reporting has never started here: nobody is held
        held = []
    finally:
        await pool.close()
    for item in held:
        typer.echo(json.dumps(item, default=str))


def _replay(after_republish: bool) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from reporting.application import today_in_england
    from reporting.replay import ReplayRefusedError, replay

    settings = ReportingSettings()  # type: ignore[call-arg]
    with Progress("rebuilding projections", BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn()) as bar:
        task = bar.add_task("replay", total=None)
        def show(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total or None)

        try:
            report = asyncio.run(replay(settings, today_in_england, show,
                                        accept_missing_start=after_republish))
        except ReplayRefusedError as refused:
            typer.echo(f"replay refused, the live projections are unchanged: {refused}", err=True)
            raise typer.Exit(1) from None
    typer.echo(f"replayed {report.events} events in {report.seconds:.1f} s "
               f"({report.events_per_second:,.0f} events/s); the rebuilt projections are live")


async def _run(part: Part) -> None:
    settings = ReportingSettings()  # type: ignore[call-arg]
    await run_service(settings, bootstrap, lambda service: _parts(part, settings, service))


def _parts(part: Part, settings: ReportingSettings, service: Reporting) -> Parts:
    """What a process running ``part`` serves."""
    api = None
    if part in (Part.ALL, Part.API):
        readiness = readiness_checks(service.pool, service.producer)
        api = create_api(service.app, service.pool, service.issuer, service.projections,
                         on_commit=service.relay.nudge, readiness=readiness,
                         scheduling_url=settings.scheduling_url,
                         topic_prefix=settings.kafka_topic_prefix)
    loops: list[Loop] = []
    if part in (Part.ALL, Part.RELAY):
        loops += [service.relay.run, *service.checkpoints]
    if part in (Part.ALL, Part.CONSUMER):
        loops.append(broker_loop(service.broker))
        loops.append(refresh_loop(service))
    exposed = metrics.exposition(service, relay=part in (Part.ALL, Part.RELAY),
                                 consumer=part in (Part.ALL, Part.CONSUMER))
    return Parts(api, loops, exposed)


def refresh_loop(service: Reporting) -> Loop:
    """Recompute, every so often, the statuses computed on an earlier day (they move with the
    date), and any ECT left on the backlog (the consumer drains it as it goes; this picks up
    what a crash between filing and draining left)."""

    def failed(exc: Exception, wait: float) -> None:  # the next round tries again
        log.warning("refreshing stale rows failed: %s", exc)

    async def step() -> None:
        drained = await service.consumer.drain()
        if drained:
            log.info("recomputed %d ECTs left on the backlog", drained)
        count = await service.projections.refresh_stale(service.pool)
        if count:
            log.info("refreshed %d entitlement rows for a new day", count)

    async def refresh(stop: asyncio.Event) -> None:
        every = service.settings.refresh_interval_seconds
        # no backoff: a failed round waits the interval, as any other round does
        await run_periodically(step, stop=stop, wake=None, every=every, first_backoff=every,
                               max_backoff=every, retry_on=(OSError, asyncpg.PostgresError),
                               on_failure=failed)

    return refresh


def main() -> None:
    cli()
