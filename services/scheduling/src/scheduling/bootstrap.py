"""The composition root of a scheduling process. Nothing is built at import time."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import asyncpg
from aiokafka import AIOKafkaProducer
from faststream.kafka import KafkaBroker

from contracts.topics import REPORTING, SCHEDULING
from ect_platform import chain, checkpoint, event_store, kafka_security, ownership
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
from scheduling.application import SchedulingApplication
from scheduling.domain.mentor_policy import MentorPolicy
from scheduling.integration.inbound import InboundFacts
from scheduling.integration.outbound import to_integration_event
from scheduling.migrations import MIGRATIONS
from scheduling.settings import SchedulingSettings


@dataclass
class Scheduling:
    settings: SchedulingSettings
    app: SchedulingApplication
    pool: asyncpg.Pool
    producer: AIOKafkaProducer
    relay: Relay
    broker: KafkaBroker  # inbound facts from other services (the AB's outcome)
    inbound: InboundFacts
    issuer: TokenIssuer
    checkpoints: list[Loop]  # signed anchors of the event log's head, beside the relay

    async def close(self) -> None:
        await self.producer.stop()
        await self.pool.close()
        self.app.close()
        self.app.keystore.close()


def build_application(settings: SchedulingSettings, keystore: Keystore | None = None
                      ) -> SchedulingApplication:
    location = PostgresLocation.from_url(settings.database_url)
    location.use_tls_for_event_stores()  # sslmode and the like, which eventsourcing cannot pass
    env = location.eventsourcing_env(settings.db_schema, settings.event_store_pool_size,
                                     settings.event_store_max_overflow)
    # with a separate owner, the owner created the events table (ect_platform.ownership)
    env["CREATE_TABLE"] = "n" if settings.database_owner_url else "y"
    # Keep recently used aggregates in memory and fast-forward them from the store on every
    # get, so a command reads only the events since it last saw the ECT instead of replaying
    # its whole history; still correct with several processes writing.
    env["AGGREGATE_CACHE_MAXSIZE"] = str(settings.aggregate_cache_size)
    env["AGGREGATE_CACHE_FASTFORWARD"] = "y"
    # Concurrent commands share one transaction (one table lock, one WAL flush) and each
    # transaction is one round trip; see ect_platform.event_store.
    env["APPLICATION_RECORDER_TOPIC"] = event_store.TOPIC
    app = SchedulingApplication(
        env=env, policy=MentorPolicy(min_years_teaching=settings.mentor_min_years_teaching),
        keystore=keystore or settings.keystore())
    if settings.chain_key is not None:  # bootstrap insists on it; a bare test store may go without
        app.recorder.seal_with(settings.chain())  # type: ignore[attr-defined]
    return app


EVENTS_TABLE = f"{SchedulingApplication.name}_events"  # as eventsourcing names it


async def _create_events_table(settings: SchedulingSettings) -> None:
    """eventsourcing creates its table, as the owner where there is one."""
    owner = settings.database_owner_url
    creator = settings.model_copy(update={"database_url": owner, "database_owner_url": None}
                                  ) if owner else settings
    build_application(creator, MemoryKeystore()).close()  # stores nothing: needs no keys


async def prepare_database(settings: SchedulingSettings) -> list[int]:
    """The schema at this release's version: the chained event table (as its owner, where one
    owns it), then every migration not yet applied; returns the versions applied now."""
    key = settings.chain()  # before anything starts: without it nothing could be stored
    events = chain.event_log(settings.db_schema, EVENTS_TABLE)
    await ownership.prepare(settings.database_owner_url, settings.database_url, settings.db_schema,
                            [events], key, lambda conn: _create_events_table(settings))
    return await migrate_database(settings.database_url, settings.db_schema, "scheduling", MIGRATIONS)


async def bootstrap(settings: SchedulingSettings) -> Scheduling:
    key = settings.chain()  # before anything starts: without it nothing could be stored
    await ensure_topics(settings.kafka(), [SCHEDULING, REPORTING],
                        settings.kafka_topic_prefix)
    events = chain.event_log(settings.db_schema, EVENTS_TABLE)
    await prepare_database(settings)
    # the key store connects (and makes its schema) synchronously: in a thread
    app = build_application(settings, await asyncio.to_thread(settings.keystore))
    pool = await create_pool(settings.database_url, settings.db_schema, chain_key=key,
                             max_size=settings.database_pool_size)
    checkpoints = checkpoint.keepers(settings.chain_checkpoint_dir, key, pool, [events],
                                     settings.chain_checkpoint_seconds)
    producer = make_producer(settings.kafka())
    await producer.start()
    positions = PositionStore(pool, relay_name="scheduling")
    relay = Relay(
        read_batch=notification_reader(app, to_integration_event),
        producer=producer,
        topic=SCHEDULING.qualified(settings.kafka_topic_prefix),
        positions=positions,
    )
    broker = kafka_security.broker(settings.kafka(), client_id="scheduling", logger=None)
    prefix = settings.kafka_topic_prefix
    inbound = InboundFacts(app, DeadLetters(producer))
    subscribe(broker, inbound, REPORTING.qualified(prefix),
              group_id=prefix + settings.inbound_consumer_group,
              session_timeout_ms=settings.kafka_session_timeout_ms)
    return Scheduling(settings, app, pool, producer, relay, broker, inbound,
                      settings.token_issuer(), checkpoints)
