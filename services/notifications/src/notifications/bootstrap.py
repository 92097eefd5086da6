"""The composition root of a notifications process. Nothing is built at import time."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
from faststream.kafka import KafkaBroker

from contracts.topics import REPORTING, SCHEDULING
from ect_platform.database import create_pool, ensure_schema
from ect_platform.identity import TokenIssuer
from ect_platform.inbox import ProjectionConsumer, subscribe
from ect_platform.kafka import ensure_topics
from notifications.projections import notification
from notifications.settings import NotificationsSettings


@dataclass
class Notifications:
    settings: NotificationsSettings
    pool: asyncpg.Pool
    consumer: ProjectionConsumer
    broker: KafkaBroker
    issuer: TokenIssuer

    async def close(self) -> None:
        await self.pool.close()


async def bootstrap(settings: NotificationsSettings) -> Notifications:
    prefix = settings.kafka_topic_prefix
    await ensure_schema(settings.database_url, settings.db_schema)
    # The topics belong to other services, but this one may start first; creating them
    # (idempotently) means the consumer group is assigned their partitions from the start.
    await ensure_topics(settings.kafka_bootstrap_servers, [SCHEDULING, REPORTING], prefix)
    pool = await create_pool(settings.database_url, settings.db_schema)
    async with pool.acquire() as conn:
        await notification.setup(conn)
    consumer = ProjectionConsumer(pool, notification.record, name="notifications")
    await consumer.setup()
    broker = KafkaBroker(settings.kafka_bootstrap_servers, client_id="notifications", logger=None)
    subscribe(broker, consumer, SCHEDULING.qualified(prefix), REPORTING.qualified(prefix),
              group_id=prefix + settings.consumer_group,
              session_timeout_ms=settings.kafka_session_timeout_ms)
    return Notifications(settings, pool, consumer, broker,
                         TokenIssuer(settings.jwt_secret.get_secret_value()))
