"""``python -m notifications``: the service's parts, together or one per process.

- ``api``: the HTTP API;
- ``consumer``: reads scheduling's and reporting's topics, applies the event-driven rules and
  keeps the projection of what is due;
- ``scheduler``: evaluates deadlines (time-driven rules) from that projection;
- ``delivery``: sends pending notifications (SMTP, webhooks) and relays their outcomes to
  the notifications topic;
- ``all`` (the default): every part above in one process;
- ``mail-catcher``: a local SMTP server keeping every message it receives (development);
- ``refold``: not a part but a one-off: empties every ECT's state so the consumer folds it
  again from scheduling's and reporting's topics, republished from their event stores
  (``ect relay republish``); see docs/notifications.md, "Upgrading".
Every part may run as several instances: each notification is still sent once.
"""

from __future__ import annotations

import asyncio
import logging
from enum import StrEnum

import typer

from ect_platform.kafka import readiness_checks
from ect_platform.migrations import migrated
from ect_platform.runtime import Loop, Parts, broker_loop, configure_logging, run_service, serve
from notifications import metrics
from notifications.bootstrap import Notifications, bootstrap, prepare_database, refold
from notifications.entrypoints.api import create_api
from notifications.migrations import MIGRATIONS
from notifications.settings import MailCatcherSettings, NotificationsSettings

cli = typer.Typer(add_completion=False, help="The notifications service.")


class Part(StrEnum):
    ALL = "all"
    API = "api"
    CONSUMER = "consumer"
    SCHEDULER = "scheduler"
    DELIVERY = "delivery"
    MAIL_CATCHER = "mail-catcher"
    REFOLD = "refold"
    MIGRATE = "migrate"


@cli.command()
def run(part: Part = typer.Argument(Part.ALL, help="all, api, consumer, scheduler, delivery, "
                                    "mail-catcher, or refold or migrate (one-offs)")) -> None:
    """Start the service; one part alone runs one container per process. `migrate`: bring the
    schema to this release's version (start-up does it too)."""
    configure_logging("notifications", part.value)
    if part is Part.MIGRATE:
        migrated("notifications", asyncio.run(prepare_database(NotificationsSettings())),  # type: ignore[call-arg]
                 MIGRATIONS)
        return
    if part is Part.REFOLD:
        emptied, events = asyncio.run(refold(NotificationsSettings()))  # type: ignore[call-arg]
        typer.echo(f"{emptied} ECT state(s) emptied; {events} event(s) will fold them again without "
                   "notifying anyone twice. Now republish scheduling and reporting from position 1 "
                   "(ect relay republish --service scheduling --from 1, and reporting), then "
                   "start the consumer, and the scheduler once it has caught up.")
        return
    asyncio.run(_catch_mail() if part is Part.MAIL_CATCHER else _run(part))


async def _run(part: Part) -> None:
    settings = NotificationsSettings()  # type: ignore[call-arg]
    await run_service(settings, bootstrap, lambda service: _parts(part, settings, service))


def _parts(part: Part, settings: NotificationsSettings, service: Notifications) -> Parts:
    """What a process running ``part`` serves."""
    api = None
    if part in (Part.ALL, Part.API):
        readiness = readiness_checks(service.pool, service.producer)
        api = create_api(service.pool, service.issuer, readiness=readiness,
                         clock=service.clock, webhook_guard=settings.webhook_guard(),
                         hub_lead_ids=settings.hub_lead_ids,
                         topic_prefix=settings.kafka_topic_prefix,
                         retention_days=settings.notification_retention_days)
    loops: list[Loop] = []
    if part in (Part.ALL, Part.CONSUMER):
        loops.append(broker_loop(service.broker))
    if part in (Part.ALL, Part.SCHEDULER):
        loops.append(lambda stop: service.scheduler.run(stop, on_recorded=service.delivery.nudge))
    if part in (Part.ALL, Part.DELIVERY):
        loops += [service.delivery.run, service.relay.run, *service.checkpoints]
    exposed = metrics.exposition(service, consumer=part in (Part.ALL, Part.CONSUMER),
                                 delivery=part in (Part.ALL, Part.DELIVERY))
    return Parts(api, loops, exposed)


async def _catch_mail() -> None:
    # development only (make run): aiosmtpd is not in the image's runtime dependencies
    from notifications.adapters.mail_catcher import serve_mail_catcher

    settings = MailCatcherSettings()
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's per-command chatter
    folder = settings.mail_dir

    async def catch(stop: asyncio.Event) -> None:
        await serve_mail_catcher(settings.smtp_host, settings.smtp_port, folder, stop)

    await serve(None, settings.smtp_host, settings.smtp_port, [catch])


def main() -> None:
    cli()
