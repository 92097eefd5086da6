"""Idempotent consumers: an event changes a read model at most once.

A consumer applies a batch in one database transaction that also records every event
id it applied. A redelivered event finds its id already there and changes nothing;
Kafka offsets are committed only after that transaction, so a crash in between means
redelivery, never loss.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol
from uuid import UUID

import asyncpg
from aiokafka.structs import ConsumerRecord
from faststream.kafka import KafkaBroker, KafkaMessage
from faststream.middlewares import AckPolicy

from contracts import ContractError, EventEnvelope, decode
from contracts.registry import UnknownPayload

log = logging.getLogger(__name__)

INBOX_DDL = """
CREATE TABLE IF NOT EXISTS inbox (
    event_id   uuid PRIMARY KEY,
    event_type text NOT NULL,
    source     text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)
"""

Apply = Callable[[asyncpg.Connection, EventEnvelope[Any]], Awaitable[None]]


async def claim_new(conn: asyncpg.Connection, envelopes: Sequence[EventEnvelope[Any]]) -> set[UUID]:
    """Record the ids of ``envelopes``; return the ids that had never been recorded before."""
    if not envelopes:
        return set()
    rows = await conn.fetch(
        """
        INSERT INTO inbox (event_id, event_type, source)
        SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[])
        ON CONFLICT (event_id) DO NOTHING
        RETURNING event_id
        """,
        [e.event_id for e in envelopes],
        [e.event_type for e in envelopes],
        [e.source for e in envelopes],
    )
    return {row["event_id"] for row in rows}


def decode_records(records: Sequence[ConsumerRecord[Any, Any]], consumer: str
                   ) -> tuple[list[EventEnvelope[Any]], int]:
    """The envelopes this build can read, and how many records were rejected as malformed."""
    envelopes = []
    rejected = 0
    for record in records:
        try:
            envelope = decode(record.value)
        except ContractError as exc:
            # Retrying cannot fix a malformed message; it is logged with its coordinates
            # and passed over so the partition keeps moving.
            rejected += 1
            log.error("%s: rejected %s[%d]@%d: %s", consumer, record.topic, record.partition,
                      record.offset, exc)
            continue
        if isinstance(envelope.payload, UnknownPayload):
            continue  # a newer event type this build does not read
        envelopes.append(envelope)
    return envelopes, rejected


class BatchHandler(Protocol):
    async def handle(self, records: Sequence[ConsumerRecord[Any, Any]]) -> None: ...


class ProjectionConsumer:
    """Applies batches of integration events to read models, exactly once per event id."""

    def __init__(self, pool: asyncpg.Pool, apply: Apply, name: str) -> None:
        self._pool = pool
        self._apply = apply
        self.name = name
        self.applied = 0
        self.duplicates = 0
        self.rejected = 0

    async def setup(self) -> None:
        async with self._pool.acquire() as conn:
            await conn.execute(INBOX_DDL)

    def _decode(self, records: Sequence[ConsumerRecord[Any, Any]]) -> list[EventEnvelope[Any]]:
        envelopes, rejected = decode_records(records, self.name)
        self.rejected += rejected
        return envelopes

    async def handle(self, records: Sequence[ConsumerRecord[Any, Any]]) -> None:
        envelopes = self._decode(records)
        if not envelopes:
            return
        async with self._pool.acquire() as conn, conn.transaction():
            fresh = await claim_new(conn, envelopes)
            for envelope in envelopes:
                if envelope.event_id in fresh:
                    fresh.discard(envelope.event_id)  # a duplicate inside one batch applies once
                    await self._apply(conn, envelope)
                    self.applied += 1
                else:
                    self.duplicates += 1


def subscribe(broker: KafkaBroker, consumer: BatchHandler, *topics: str, group_id: str,
              max_records: int = 500, session_timeout_ms: int = 10000) -> None:
    """Wire ``consumer`` to ``topics``: batches in, offsets committed only after the transaction.

    NACK_ON_ERROR makes faststream commit the offsets after the handler returns and seek
    back (redeliver) when it raises.
    """

    @broker.subscriber(
        *topics,
        group_id=group_id,
        batch=True,
        max_records=max_records,
        batch_timeout_ms=50,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
        session_timeout_ms=session_timeout_ms,
        heartbeat_interval_ms=max(300, session_timeout_ms // 3),
    )
    async def handle_batch(message: KafkaMessage) -> None:
        records = message.raw_message
        await consumer.handle(records if isinstance(records, tuple) else (records,))
