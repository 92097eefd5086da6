"""The composition root of a reporting process. Nothing is built at import time."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import asyncpg
from aiokafka import AIOKafkaProducer
from faststream.kafka import KafkaBroker

from contracts.topics import NOTIFICATIONS, REPORTING, SCHEDULING
from ect_platform import audit_trail, chain, checkpoint, event_store, kafka_security, ownership
from ect_platform.database import PostgresLocation, create_pool
from ect_platform.dead_letters import DeadLetters
from ect_platform.identity import TokenIssuer
from ect_platform.inbox import subscribe
from ect_platform.integration_events import notification_reader
from ect_platform.kafka import ensure_topics, make_producer
from ect_platform.keystore import Keystore, MemoryKeystore
from ect_platform.migrations import migrate_database
from ect_platform.relay import PositionStore, Relay
from ect_platform.runtime import Loop
from ect_platform.sealing import EnvelopeSealer
from reporting.application import ReportingApplication, today_in_england
from reporting.integration.outbound import to_integration_event
from reporting.migrations import MIGRATIONS
from reporting.projections.consumer import ReportingConsumer, ReportingProjections
from reporting.settings import ReportingSettings
from statutory import working_days


@dataclass
class Reporting:
    settings: ReportingSettings
    app: ReportingApplication
    pool: asyncpg.Pool
    producer: AIOKafkaProducer
    relay: Relay
    consumer: ReportingConsumer
    projections: ReportingProjections
    broker: KafkaBroker
    issuer: TokenIssuer
    checkpoints: list[Loop]  # signed anchors of the event log's and audit trail's heads

    async def close(self) -> None:
        await self.producer.stop()
        await self.pool.close()
        self.app.close()
        self.app.keystore.close()


def build_application(settings: ReportingSettings,
                      clock: Callable[[], date] = today_in_england,
                      keystore: Keystore | None = None) -> ReportingApplication:
    location = PostgresLocation.from_url(settings.database_url)
    location.use_tls_for_event_stores()  # sslmode and the like, which eventsourcing cannot pass
    env = location.eventsourcing_env(settings.db_schema, settings.event_store_pool_size,
                                     settings.event_store_max_overflow)
    # with a separate owner, the owner created the events table (ect_platform.ownership)
    env["CREATE_TABLE"] = "n" if settings.database_owner_url else "y"
    # scheduling's recorder: one round trip per save, and it hands the chain key to each insert
    env["APPLICATION_RECORDER_TOPIC"] = event_store.TOPIC
    app = ReportingApplication(env=env, clock=clock, keystore=keystore or settings.keystore())
    if settings.chain_key is not None:  # bootstrap insists on it; a bare test store may go without
        app.recorder.seal_with(settings.chain())  # type: ignore[attr-defined]
    return app


EVENTS_TABLE = f"{ReportingApplication.name}_events"  # as eventsourcing names it


async def prepare_database(settings: ReportingSettings,
                           clock: Callable[[], date] = today_in_england) -> list[int]:
    """The schema at this release's version: the chained tables (as their owner, where one
    owns them), then every migration not yet applied; returns the versions applied now."""
    key = settings.chain()  # before anything starts: without it nothing could be stored
    logs = [chain.event_log(settings.db_schema, EVENTS_TABLE),
            chain.audit_trail_log(settings.db_schema)]

    async def create_chained_tables(conn: asyncpg.Connection) -> None:
        owner = settings.database_owner_url
        creator = settings.model_copy(update={"database_url": owner, "database_owner_url": None}
                                      ) if owner else settings
        # eventsourcing creates its events table; it stores nothing, so needs no keys
        build_application(creator, clock, MemoryKeystore()).close()
        await audit_trail.setup(conn)

    await ownership.prepare(settings.database_owner_url, settings.database_url, settings.db_schema,
                            logs, key, create_chained_tables)
    return await migrate_database(settings.database_url, settings.db_schema, "reporting", MIGRATIONS)


async def bootstrap(settings: ReportingSettings,
                    clock: Callable[[], date] = today_in_england) -> Reporting:
    prefix = settings.kafka_topic_prefix
    key = settings.chain()  # before anything starts: without it nothing could be stored
    await ensure_topics(settings.kafka(), [SCHEDULING, REPORTING, NOTIFICATIONS],
                        prefix)
    logs = [chain.event_log(settings.db_schema, EVENTS_TABLE),
            chain.audit_trail_log(settings.db_schema)]
    await prepare_database(settings, clock)
    # One key store for the process: the application seals with it what it stores and the relay
    # what it publishes; the consumer, the API and the dashboard open the facts with it. Built
    # in a thread: it connects (and makes its schema) synchronously.
    keystore = await asyncio.to_thread(settings.keystore)
    app = build_application(settings, clock, keystore)
    pool = await create_pool(settings.database_url, settings.db_schema, chain_key=key,
                             max_size=settings.database_pool_size)
    checkpoints = checkpoint.keepers(settings.chain_checkpoint_dir, key, pool, logs,
                                     settings.chain_checkpoint_seconds)
    producer = make_producer(settings.kafka())
    await producer.start()
    positions = PositionStore(pool, relay_name="reporting")
    await positions.setup()
    relay = Relay(read_batch=notification_reader(app, to_integration_event), producer=producer,
                  topic=REPORTING.qualified(prefix), positions=positions)
    read_models = ReportingProjections(clock, settings.status.rules(), EnvelopeSealer(keystore))
    # the bank-holiday tables load on first use (~0.4 s); here, not in the first batch's transaction
    working_days.is_working_day(clock())
    consumer = ReportingConsumer(pool, read_models, name="reporting.projections",
                                 dead_letters=DeadLetters(producer))
    await consumer.setup()
    broker = kafka_security.broker(settings.kafka(), client_id="reporting", logger=None)
    subscribe(broker, consumer, SCHEDULING.qualified(prefix), REPORTING.qualified(prefix),
              NOTIFICATIONS.qualified(prefix),
              group_id=prefix + settings.consumer_group,
              session_timeout_ms=settings.kafka_session_timeout_ms)
    return Reporting(settings, app, pool, producer, relay, consumer, read_models, broker,
                     settings.token_issuer(), checkpoints)
