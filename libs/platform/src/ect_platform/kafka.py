"""Kafka plumbing shared by relays and consumers (aiokafka underneath faststream)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.admin import NewTopic
from aiokafka.errors import KafkaConnectionError, TopicAlreadyExistsError

from contracts import Topic
from ect_platform import kafka_security
from ect_platform.kafka_security import KafkaConnection

log = logging.getLogger(__name__)

DLQ_SUFFIX = ".dlq"


def dlq_topic(topic: str) -> str:
    """Where a consumer of ``topic`` parks what retrying cannot fix (``ect_platform.dead_letters``)."""
    return topic + DLQ_SUFFIX


def make_producer(kafka: KafkaConnection | str, **overrides: object) -> AIOKafkaProducer:
    """A producer that waits for the broker's acknowledgement of every message, secured as
    ``kafka`` says (a bare servers string: as the environment says, see kafka_security).

    Idempotent production is off on purpose: the embedded broker lacks it, and the design
    never needs it, because consumers deduplicate by event id.
    """
    options: dict[str, object] = {
        "acks": "all",
        "enable_idempotence": False,
        "linger_ms": 2,
        "max_batch_size": 256 * 1024,
        "request_timeout_ms": 15000,
    }
    options.update(overrides)
    return kafka_security.producer(kafka, **options)


# A broker's default retention (7 days on Apache Kafka) would quietly drop the history a
# rebuild reads; the platform's topics keep everything.
FOREVER = {"retention.ms": "-1", "retention.bytes": "-1"}


async def ensure_topics(kafka: KafkaConnection | str, topics: Iterable[Topic], prefix: str = "",
                        *, attempts: int = 30) -> None:
    """Create the platform's topics, and their dead-letter topics, if missing, keeping every
    message for ever (``FOREVER``): the topics are the history a rebuild reads, and a parked
    message waits for its fix however long that takes. Retries while the broker is starting.
    """
    wanted = list(topics)
    kafka = kafka_security.connection(kafka)
    for attempt in range(1, attempts + 1):
        admin = kafka_security.admin(kafka)
        try:
            await admin.start()
            existing = set(await admin.list_topics())
            names = {t.qualified(prefix): t.partitions for t in wanted}
            names.update({dlq_topic(name): 1 for name in list(names)})
            missing = [NewTopic(name, num_partitions=partitions, replication_factor=1,
                                topic_configs=dict(FOREVER))
                       for name, partitions in names.items() if name not in existing]
            if missing:
                # Another process may create one between our list and create.
                with contextlib.suppress(TopicAlreadyExistsError):
                    await admin.create_topics(missing)
            return
        except KafkaConnectionError:
            if attempt == attempts:
                raise
            log.info("broker %s not reachable yet (attempt %d)", kafka.bootstrap_servers, attempt)
            await asyncio.sleep(0.5)
        finally:
            await admin.close()


def broker_check(producer: AIOKafkaProducer) -> Callable[[], Awaitable[None]]:
    """A readiness check: the broker answers a metadata request within two seconds."""

    async def check() -> None:
        updated = await asyncio.wait_for(producer.client.force_metadata_update(), timeout=2)
        if not updated:
            raise ConnectionError("the broker did not answer a metadata request")

    return check


def database_check(pool: Any) -> Callable[[], Awaitable[None]]:
    """A readiness check: the database answers a trivial query within two seconds."""

    async def check() -> None:
        async with pool.acquire(timeout=2) as conn:
            await conn.fetchval("SELECT 1", timeout=2)

    return check


def readiness_checks(pool: Any, producer: AIOKafkaProducer) -> dict[str, Callable[[], Awaitable[None]]]:
    """What every service's ``/health/ready`` checks: its database and the broker."""
    return {"database": database_check(pool), "kafka": broker_check(producer)}
