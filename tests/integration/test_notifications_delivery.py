"""Delivery on real infrastructure: PostgreSQL, the broker, an SMTP server (aiosmtpd) and an HTTP
receiver (uvicorn), both on loopback. The clock is a FixedClock moved by hand, so backoff is
proved without waiting for it.

Also the home of the receivers the other notifications tests use.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any
from uuid import UUID

import asyncpg
import pytest
import uvicorn
from aiosmtpd.smtp import SMTP, Envelope, Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contracts import EventEnvelope
from contracts.notifications.v1 import Channel, FailureReason, NotificationFailed, NotificationSent
from contracts.topics import NOTIFICATIONS
from ect_platform.embedded import free_port
from notifications.adapters.mail_catcher import MailCatcher, start_smtp_server
from notifications.adapters.signing import NOTIFICATION_ID_HEADER, SIGNATURE_HEADER, verify
from notifications.bootstrap import Notifications, bootstrap, recorder
from notifications.clock import FixedClock
from notifications.recipients import Recipient, put
from notifications.settings import NotificationsSettings
from tests.support import eventually
from tests.support.kafka import read_topic
from tests.unit.test_notification_rules import MENTOR_ID, mentor_assigned, term_report_submitted

pytestmark = pytest.mark.integration

NOW = datetime(2025, 9, 1, 8, 0, tzinfo=UTC)
WEBHOOK_SECRET = "whsec-integration"


# -- receivers -----------------------------------------------------------------------------


class ScriptedSmtp(MailCatcher):
    """A real SMTP server's handler that answers RCPT for an address from a script, then accepts."""

    def __init__(self) -> None:
        super().__init__(None)
        self.script: dict[str, list[str]] = {}

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        answers = self.script.get(address)
        if answers:
            answer = answers.pop(0)
            if not answer.startswith("250"):
                return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"


@asynccontextmanager
async def smtp_server() -> AsyncIterator[tuple[ScriptedSmtp, int]]:
    handler = ScriptedSmtp()
    server = await start_smtp_server(handler, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield handler, port
    finally:
        server.close()
        await server.wait_closed()


@dataclass
class WebhookReceiver:
    """An HTTP server that records each POST and answers from a script (200 once it runs out)."""

    url: str = ""
    statuses: list[int] = field(default_factory=list)
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)

    async def endpoint(self, request: Request) -> Response:
        self.received.append((dict(request.headers), await request.body()))
        return Response(status_code=self.statuses.pop(0) if self.statuses else 200)


@asynccontextmanager
async def webhook_receiver() -> AsyncIterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    port = free_port()
    receiver.url = f"http://127.0.0.1:{port}/ect-hook"
    app = Starlette(routes=[Route("/ect-hook", receiver.endpoint, methods=["POST"])])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off"))
    task = asyncio.create_task(server.serve())
    await eventually(lambda: server.started, within=10)
    try:
        yield receiver
    finally:
        server.should_exit = True
        await task


# -- the service ------------------------------------------------------------------------------


def make_settings(stack: Any, database_url: str, topic_prefix: str, smtp_port: int,
                  **overrides: Any) -> NotificationsSettings:
    values: dict[str, Any] = {
        "database_url": database_url, "kafka_bootstrap_servers": stack.bootstrap_servers,
        "jwt_secret": "unused-here-but-at-least-32-bytes-long",
        "kafka_topic_prefix": topic_prefix, "kafka_session_timeout_ms": 2000,
        "smtp_port": smtp_port, "webhook_secret": WEBHOOK_SECRET, "retry_base_seconds": 60,
        "max_attempts": 4, "delivery_poll_seconds": 0.05, "scheduler_interval_seconds": 0.2,
        # the receivers here are plain http on loopback, which production refuses
        "webhook_require_https": False, "webhook_allowed_networks": "127.0.0.0/8",
        "smtp_security": "none",  # and so is the SMTP server, which has no TLS
    }
    values.update(overrides)
    return NotificationsSettings(**values)


@asynccontextmanager
async def service(settings: NotificationsSettings, clock: FixedClock) -> AsyncIterator[Notifications]:
    built = await bootstrap(settings, clock=clock)
    try:
        yield built
    finally:
        await built.close()



@pytest.fixture
async def receiver() -> AsyncIterator[WebhookReceiver]:
    async with webhook_receiver() as running:
        yield running


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
async def notifications(stack, database_url, topic_prefix, smtp, clock):  # type: ignore[no-untyped-def]
    async with service(make_settings(stack, database_url, topic_prefix, smtp[1]), clock) as built:
        yield built


async def record(svc: Notifications, *events: EventEnvelope[Any]) -> None:
    """As the consumer records events (its inbox transaction aside)."""
    apply = recorder(svc.settings.policy())
    async with svc.pool.acquire() as conn, conn.transaction():
        for event in events:
            await apply(conn, event)


async def register(svc: Notifications, recipient_id: str, **fields: Any) -> None:
    channel = Channel.WEBHOOK if "webhook_url" in fields else Channel.EMAIL
    await put(svc.pool, Recipient(recipient_id, channel, **fields), by="test", at=NOW)


async def rows(pool: asyncpg.Pool) -> list[dict[str, Any]]:
    return [dict(row) for row in await pool.fetch(
        "SELECT id, rule, recipient_id, status, attempts, channel, failure_reason FROM notification "
        "ORDER BY created_at")]


async def attempts_of(pool: asyncpg.Pool, notification_id: UUID) -> list[tuple[int, str]]:
    return [(row["attempt"], row["outcome"]) for row in await pool.fetch(
        "SELECT attempt, outcome FROM delivery_attempt WHERE notification_id = $1 ORDER BY attempt",
        notification_id)]


async def outcomes(svc: Notifications, at_least: int) -> list[EventEnvelope[Any]]:
    """Relay the outbox and read the notifications topic back."""
    await svc.relay.pump_once()
    topic = NOTIFICATIONS.qualified(svc.settings.kafka_topic_prefix)
    return [envelope for _, envelope in
            await read_topic(svc.settings.kafka_bootstrap_servers, topic, at_least=at_least)]


# -- the tests ----------------------------------------------------------------------------------


async def test_a_notification_is_emailed_once_over_smtp_and_its_sending_is_published(notifications, smtp):
    catcher, _ = smtp
    event = mentor_assigned()
    await record(notifications, event)
    await register(notifications, str(MENTOR_ID), email="grace@school.example", name="Grace Hopper")

    assert await notifications.delivery.run_once() == 1
    assert await notifications.delivery.run_once() == 0
    (mail,) = catcher.messages
    assert isinstance(mail, EmailMessage)
    assert mail["To"] == "Grace Hopper <grace@school.example>"
    assert mail["Subject"] == "You have been assigned an ECT"
    assert "hold the first session by Monday 8 September 2025" in mail.get_content()
    (row,) = await rows(notifications.pool)
    assert (row["status"], row["attempts"], row["channel"]) == ("sent", 1, "email")
    assert mail[NOTIFICATION_ID_HEADER] == str(row["id"])

    (sent,) = await outcomes(notifications, at_least=1)
    assert isinstance(sent.payload, NotificationSent)
    assert (sent.source, sent.aggregate_id, sent.ect_id, sent.causation_id) == (
        "notifications", row["id"], event.ect_id, event.event_id)
    assert (sent.payload.rule, sent.payload.recipient_id, sent.payload.channel, sent.payload.attempts) == (
        "mentor_assigned", str(MENTOR_ID), Channel.EMAIL, 1)
    assert "grace@school.example" not in sent.model_dump_json()  # personal data stays here


async def test_a_temporary_refusal_is_retried_with_backoff_and_then_succeeds(notifications, smtp, clock):
    catcher, _ = smtp
    catcher.script["tutor@school.example"] = ["451 4.3.0 mailbox busy", "451 4.3.0 mailbox busy"]
    await record(notifications, term_report_submitted(appropriate_body_id="ab-1"))
    await register(notifications, "ab-1", email="tutor@school.example")

    assert await notifications.delivery.run_once() == 1  # attempt 1: 451
    assert await notifications.delivery.run_once() == 0  # backing off: 60s
    clock.advance(timedelta(seconds=59))
    assert await notifications.delivery.run_once() == 0
    clock.advance(timedelta(seconds=1))
    assert await notifications.delivery.run_once() == 1  # attempt 2: 451, then 120s
    clock.advance(timedelta(seconds=119))
    assert await notifications.delivery.run_once() == 0
    clock.advance(timedelta(seconds=1))
    assert await notifications.delivery.run_once() == 1  # attempt 3: accepted

    (row,) = await rows(notifications.pool)
    assert (row["status"], row["attempts"]) == ("sent", 3)
    assert await attempts_of(notifications.pool, row["id"]) == [(1, "retry"), (2, "retry"), (3, "sent")]
    assert len(catcher.messages) == 1
    (sent,) = await outcomes(notifications, at_least=1)
    assert sent.payload.attempts == 3


async def test_a_permanent_refusal_is_recorded_and_published_as_notification_failed(notifications, smtp):
    catcher, _ = smtp
    catcher.script["nobody@school.example"] = ["550 5.1.1 no such user"]
    await record(notifications, mentor_assigned())
    await register(notifications, str(MENTOR_ID), email="nobody@school.example")

    assert await notifications.delivery.run_once() == 1
    assert await notifications.delivery.run_once() == 0  # never retried

    (row,) = await rows(notifications.pool)
    assert (row["status"], row["attempts"], row["failure_reason"]) == (
        "failed", 1, "SMTP 550 (recipient refused)")
    (failed,) = await outcomes(notifications, at_least=1)
    assert isinstance(failed.payload, NotificationFailed)
    assert (failed.payload.reason, failed.payload.detail, failed.payload.channel) == (
        FailureReason.REJECTED, "SMTP 550 (recipient refused)", Channel.EMAIL)
    assert "nobody@school.example" not in failed.model_dump_json()
    assert catcher.messages == []


async def test_temporary_failures_up_to_the_cap_fail_for_good(notifications, receiver, clock):
    receiver.statuses = [503, 503, 503, 503, 503]
    await record(notifications, mentor_assigned())
    await register(notifications, str(MENTOR_ID), webhook_url=receiver.url)

    for _ in range(6):
        await notifications.delivery.run_once()
        clock.advance(timedelta(hours=1))

    (row,) = await rows(notifications.pool)
    assert (row["status"], row["attempts"]) == ("failed", 4)  # max_attempts=4
    assert len(receiver.received) == 4
    (failed,) = await outcomes(notifications, at_least=1)
    assert (failed.payload.reason, failed.payload.detail, failed.payload.attempts) == (
        FailureReason.RETRIES_EXHAUSTED, "HTTP 503", 4)


async def test_a_webhook_carries_a_signature_the_receiver_can_verify(notifications, receiver):
    await record(notifications, mentor_assigned())
    await register(notifications, str(MENTOR_ID), webhook_url=receiver.url)

    assert await notifications.delivery.run_once() == 1

    (headers, body), = receiver.received
    verify(WEBHOOK_SECRET.encode(), headers[SIGNATURE_HEADER.lower()], body, now=int(time.time()))
    sent = json.loads(body)
    (row,) = await rows(notifications.pool)
    assert sent["notification_id"] == headers[NOTIFICATION_ID_HEADER.lower()] == str(row["id"])
    assert (sent["rule"], sent["recipient_id"], sent["subject"]) == (
        "mentor_assigned", str(MENTOR_ID), "You have been assigned an ECT")
    assert row["status"] == "sent"


async def test_a_webhook_answering_4xx_is_a_permanent_failure(notifications, receiver):
    receiver.statuses = [410]
    await record(notifications, mentor_assigned())
    await register(notifications, str(MENTOR_ID), webhook_url=receiver.url)
    await notifications.delivery.run_once()
    (row,) = await rows(notifications.pool)
    assert (row["status"], row["failure_reason"]) == ("failed", "HTTP 410")


async def test_a_recipient_without_contact_details_is_a_visible_failure_not_a_silent_drop(notifications):
    await record(notifications, mentor_assigned())
    await notifications.delivery.run_once()
    (row,) = await rows(notifications.pool)
    assert row["status"] == "failed"
    (failed,) = await outcomes(notifications, at_least=1)
    assert (failed.payload.reason, failed.payload.channel, failed.payload.attempts) == (
        FailureReason.NO_CONTACT_DETAILS, None, 0)


async def test_an_opt_out_suppresses_reminders_but_not_statutory_notices(notifications, smtp):
    catcher, _ = smtp
    await record(notifications, mentor_assigned(), term_report_submitted(appropriate_body_id=str(MENTOR_ID)))
    await register(notifications, str(MENTOR_ID), email="g@school.example", opted_out_of_reminders=True)
    await notifications.delivery.run_once()
    statuses = {row["rule"]: row["status"] for row in await rows(notifications.pool)}
    assert statuses == {"mentor_assigned": "suppressed", "term_report_submitted": "sent"}
    assert [mail["Subject"] for mail in catcher.messages] == ["A progress review for term 2 was submitted"]


async def test_a_claim_whose_worker_died_is_delivered_by_another_once_its_lease_expires(
        notifications, smtp, clock):
    catcher, _ = smtp
    await record(notifications, mentor_assigned())
    await register(notifications, str(MENTOR_ID), email="g@school.example")
    # a worker claims the row and dies before sending
    await notifications.pool.execute(
        "UPDATE notification SET status = 'sending', attempts = 1, claim_token = gen_random_uuid(), "
        "claimed_until = $1", NOW + timedelta(seconds=120))
    assert await notifications.delivery.run_once() == 0
    clock.advance(timedelta(seconds=121))
    assert await notifications.delivery.run_once() == 1
    (row,) = await rows(notifications.pool)
    assert (row["status"], row["attempts"]) == ("sent", 2)
    assert len(catcher.messages) == 1


async def test_two_delivery_workers_running_at_once_send_each_notification_once(
        stack, database_url, topic_prefix, smtp, clock):
    catcher, port = smtp
    # small batches, so the two keep taking turns at the same queue
    settings = make_settings(stack, database_url, topic_prefix, port, delivery_batch_size=3)
    async with service(settings, clock) as first, service(settings, clock) as second:
        events = [mentor_assigned() for _ in range(40)]
        await record(first, *events)
        await register(first, str(MENTOR_ID), email="g@school.example")
        stop = asyncio.Event()
        loops = [asyncio.create_task(worker.delivery.run(stop)) for worker in (first, second)]
        try:
            await eventually(lambda: len(catcher.messages) >= 40, within=30)
            await asyncio.sleep(0.3)  # room for a duplicate to show up, were there one
        finally:
            stop.set()
            await asyncio.gather(*loops)
        assert first.delivery.sent > 0 and second.delivery.sent > 0, "both took part"
        assert first.delivery.sent + second.delivery.sent == 40
        assert len(catcher.messages) == 40
        assert len({mail["Message-ID"] for mail in catcher.messages}) == 40
        # both relays publish from one outbox; consumers see each outcome's id once
        await second.relay.pump_once()
        published = await outcomes(first, at_least=40)
        assert len({envelope.event_id for envelope in published}) == 40
