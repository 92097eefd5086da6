"""The composition root of a notifications process. Nothing is built at import time."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
from aiokafka import AIOKafkaProducer
from aiokafka.structs import ConsumerRecord
from faststream.kafka import KafkaBroker

from contracts import EventEnvelope
from contracts.scheduling.privacy import PersonalDataErased
from contracts.topics import NOTIFICATIONS, REPORTING, SCHEDULING
from ect_platform import chain, checkpoint, kafka_security, ownership
from ect_platform.database import create_pool, ensure_schema
from ect_platform.dead_letters import DeadLetters
from ect_platform.identity import TokenIssuer
from ect_platform.inbox import INBOX_DDL, ProjectionConsumer, subscribe
from ect_platform.kafka import ensure_topics, make_producer
from ect_platform.keystore import Keystore
from ect_platform.migrations import migrate
from ect_platform.relay import PositionStore, Relay
from ect_platform.runtime import Loop
from ect_platform.sealing import EnvelopeSealer
from notifications import erasure
from notifications.adapters import webhook
from notifications.adapters.email import SmtpChannel, SmtpSettings
from notifications.adapters.webhook import WebhookChannel
from notifications.clock import Clock, SystemClock
from notifications.delivery import Delivery, RetryPolicy
from notifications.integration import outbox
from notifications.migrations import MIGRATIONS
from notifications.policy import Policy
from notifications.projections import induction, notification
from notifications.rules import ASKS_THE_CLOCK, notifications_for
from notifications.scheduler import Scheduler
from notifications.sealed_consumer import SealedConsumer
from notifications.settings import NotificationsSettings


@dataclass
class Notifications:
    settings: NotificationsSettings
    pool: asyncpg.Pool
    consumer: ProjectionConsumer
    broker: KafkaBroker
    issuer: TokenIssuer
    scheduler: Scheduler
    delivery: Delivery
    relay: Relay
    producer: AIOKafkaProducer
    http: httpx.AsyncClient
    clock: Clock
    checkpoints: list[Loop]  # signed anchors of the outbox's head, beside its relay
    keystore: Keystore  # the people's data keys, which open the consumed events' personal fields

    async def close(self) -> None:
        await self.producer.stop()
        await self.http.aclose()
        await self.pool.close()
        await asyncio.to_thread(self.keystore.close)


class _ThenNudge:
    """The consumer, then a nudge to this process's scheduler and delivery worker once the
    batch has committed, so a new fact is evaluated and sent without waiting for a poll."""

    def __init__(self, consumer: ProjectionConsumer, *nudges: Any) -> None:
        self._consumer = consumer
        self._nudges = nudges

    async def handle(self, records: Sequence[ConsumerRecord[Any, Any]]) -> None:
        await self._consumer.handle(records)
        for nudge in self._nudges:
            nudge()


def recorder(policy: Policy) -> Any:
    """What the consumer applies per event, inside its inbox transaction."""

    async def record(conn: asyncpg.Connection, envelope: EventEnvelope[Any]) -> None:
        if isinstance(envelope.payload, PersonalDataErased):
            await erasure.apply(conn, envelope.payload)  # about a person, folded into no state
            return
        state = await induction.apply(conn, envelope)
        if await induction.refolded(conn, envelope.event_id):
            return  # folded again after a refold: its notifications were recorded the first time
        if state is not None and state.erased:
            return  # nothing more is said about an erased ECT, to anyone
        calendars = (await induction.calendars(conn, state.school_ids())
                     if state is not None and type(envelope.payload) in ASKS_THE_CLOCK else None)
        await notification.insert(conn, notifications_for(envelope, state, policy, calendars))

    return record


async def setup_schema(pool: asyncpg.Pool) -> list[int]:
    """The schema at this release's version (``notifications.migrations``), under an advisory
    lock: instances may start together. Returns the versions applied now."""
    async with pool.acquire() as conn:
        return await migrate(conn, "notifications", MIGRATIONS)


async def prepare_database(settings: NotificationsSettings) -> list[int]:
    """The chained outbox (as its owner, where one owns it), then every migration not yet
    applied; what ``python -m notifications migrate`` and start-up do."""
    key = settings.chain()
    await ownership.prepare(settings.database_owner_url, settings.database_url, settings.db_schema,
                            [chain.outbox_log(settings.db_schema)], key, outbox.setup)
    pool = await create_pool(settings.database_url, settings.db_schema, max_size=1)
    try:
        return await setup_schema(pool)
    finally:
        await pool.close()


async def refold(settings: NotificationsSettings) -> tuple[int, int]:
    """Empty the ECTs' states for the consumer to fold again from republished topics
    (``induction.begin_refold``); returns (states emptied, events to fold again)."""
    await ensure_schema(settings.database_url, settings.db_schema)
    pool = await create_pool(settings.database_url, settings.db_schema, max_size=1)
    try:
        await setup_schema(pool)
        async with pool.acquire() as conn:
            await conn.execute(INBOX_DDL)
            return await induction.begin_refold(conn)
    finally:
        await pool.close()


async def bootstrap(settings: NotificationsSettings, *, clock: Clock | None = None,
                    keystore: Keystore | None = None) -> Notifications:
    clock = clock or SystemClock()
    policy = settings.policy()
    prefix = settings.kafka_topic_prefix
    # The other topics belong to other services, but this one may start first; creating them
    # (idempotently) means the consumer group is assigned their partitions from the start.
    await ensure_topics(settings.kafka(), [SCHEDULING, REPORTING, NOTIFICATIONS], prefix)
    key = settings.chain()  # the outbox is hash-chained: nothing could be recorded without it
    outbox_log = chain.outbox_log(settings.db_schema)
    await prepare_database(settings)
    pool = await create_pool(settings.database_url, settings.db_schema, chain_key=key,
                             max_size=settings.database_pool_size)
    checkpoints = checkpoint.keepers(settings.chain_checkpoint_dir, key, pool, [outbox_log],
                                     settings.chain_checkpoint_seconds)

    producer = make_producer(settings.kafka())
    await producer.start()
    positions = PositionStore(pool, relay_name="notifications")
    await positions.setup()
    relay = Relay(read_batch=outbox.reader(pool, asyncio.get_running_loop()), producer=producer,
                  topic=NOTIFICATIONS.qualified(prefix), positions=positions)

    http = webhook.client()
    smtp = SmtpChannel(SmtpSettings(
        host=settings.smtp_host, port=settings.smtp_port, sender=settings.smtp_from,
        security=settings.smtp_security, username=settings.smtp_username,
        password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
        timeout_seconds=settings.smtp_timeout_seconds))
    delivery = Delivery(
        pool, email=smtp, clock=clock,
        webhook=WebhookChannel(http, settings.signing_secret(), guard=settings.webhook_guard(),
                               deadline_seconds=settings.webhook_timeout_seconds,
                               max_response_bytes=settings.webhook_max_response_bytes),
        retry=RetryPolicy(settings.max_attempts, settings.retry_base_seconds, settings.retry_max_seconds),
        lease_seconds=settings.delivery_lease_seconds, poll_seconds=settings.delivery_poll_seconds,
        batch_size=settings.delivery_batch_size,
        unregistered_email_domain=settings.unregistered_email_domain, on_outcome=relay.nudge)
    scheduler = Scheduler(pool, policy, clock, day_starts_at_hour=settings.day_starts_at_hour,
                          interval_seconds=settings.scheduler_interval_seconds,
                          batch_size=settings.scheduler_batch_size)

    # the key store's set-up and look-ups are synchronous (psycopg): in a thread
    if keystore is None:
        keystore = await asyncio.to_thread(settings.keystore)
    consumer = SealedConsumer(pool, recorder(policy), name="notifications",
                              sealer=EnvelopeSealer(keystore), dead_letters=DeadLetters(producer))
    await consumer.setup()
    broker = kafka_security.broker(settings.kafka(), client_id="notifications", logger=None)
    subscribe(broker, _ThenNudge(consumer, scheduler.nudge, delivery.nudge),
              SCHEDULING.qualified(prefix), REPORTING.qualified(prefix),
              group_id=prefix + settings.consumer_group,
              session_timeout_ms=settings.kafka_session_timeout_ms)
    return Notifications(settings, pool, consumer, broker,
                         settings.token_issuer(), scheduler, delivery,
                         relay, producer, http, clock, checkpoints, keystore)
