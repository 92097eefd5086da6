"""The relay: a service's event store is its outbox.

It follows the store's notification log in order, publishes each integration event to
Kafka keyed by ECT id, and records how far it got only after the broker acknowledged
the whole batch. Killed at any point, it starts again from the last recorded position,
so events are published at least once and never skipped; consumers drop duplicates by
``event_id``, which is deterministic.

Two things keep it quick without loosening that. Messages are packed into one record batch
per partition (``create_batch``/``send_batch``, partitions chosen by aiokafka's default
partitioner as ``send`` would choose them), and each partition's batches are queued in log
order, so one ECT's events keep their order. And while the broker acknowledges a full page,
the next page is read and translated; it is used only if the position recorded afterwards
is the one it was read after, and a page read earlier is a prefix of what a later read would
return, because the log becomes visible in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.partitioner import DefaultPartitioner
from opentelemetry.trace import SpanKind

from contracts import EventEnvelope, encode
from ect_platform import cloudevents, tracing
from ect_platform.runtime import run_periodically

log = logging.getLogger(__name__)

POSITION_DDL = """
CREATE TABLE IF NOT EXISTS relay_position (
    relay_name text PRIMARY KEY,
    position   bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
)
"""


@dataclass(frozen=True)
class Outgoing:
    """One entry of the notification log; ``envelope`` is None for private events.

    ``value`` is ``encode(envelope)`` when the reader made it already (in its worker thread,
    where it overlaps the broker's acknowledgements); the relay encodes the envelope otherwise.
    """

    position: int
    envelope: EventEnvelope[Any] | None
    value: bytes | None = None


ReadBatch = Callable[[int, int], Sequence[Outgoing]]
"""(after_position, limit) -> the next log entries, in order. Synchronous (eventsourcing)."""


class PositionStore:
    def __init__(self, pool: asyncpg.Pool, relay_name: str) -> None:
        self._pool = pool
        self._name = relay_name

    async def setup(self) -> None:
        async with self._pool.acquire() as conn:
            await conn.execute(POSITION_DDL)

    async def get(self) -> int:
        async with self._pool.acquire() as conn:
            value = await conn.fetchval(
                "SELECT position FROM relay_position WHERE relay_name = $1", self._name
            )
        return int(value or 0)

    async def set(self, position: int) -> None:
        async with self._pool.acquire() as conn:
            await conn.execute(
                """
                INSERT INTO relay_position (relay_name, position) VALUES ($1, $2)
                ON CONFLICT (relay_name) DO UPDATE
                   SET position = GREATEST(relay_position.position, EXCLUDED.position),
                       updated_at = now()
                """,
                self._name,
                position,
            )


class Relay:
    def __init__(
        self,
        *,
        read_batch: ReadBatch,
        producer: AIOKafkaProducer,
        topic: str,
        positions: PositionStore,
        batch_size: int = 1000,
        idle_poll_seconds: float = 0.2,
    ) -> None:
        self._read_batch = read_batch
        self._producer = producer
        self._topic = topic
        self._positions = positions
        self._batch_size = batch_size
        self._idle_poll = idle_poll_seconds
        self._wake = asyncio.Event()
        self._prefetch: tuple[int, asyncio.Future[Sequence[Outgoing]]] | None = None
        self.published = 0

    def nudge(self) -> None:
        """Called after a local commit so the relay need not wait for its next poll."""
        self._wake.set()

    async def pump_once(self) -> int:
        """Publish the next batch after the recorded position; returns how many entries it passed."""
        after = await self._positions.get()
        batch = await self._next_batch(after)
        if not batch:
            return 0
        last = batch[-1].position
        if len(batch) >= self._batch_size:  # more is likely waiting: read it meanwhile
            self._start_prefetch(last)
        acks, sent = await self._publish(batch)
        # Every send must be acknowledged before the position moves past it.
        await asyncio.gather(*acks)
        await self._positions.set(last)
        self.published += sent
        return len(batch)

    async def _next_batch(self, after: int) -> Sequence[Outgoing]:
        """The page after ``after``: the prefetched one if it was read after that very position."""
        prefetch, self._prefetch = self._prefetch, None
        if prefetch is not None:
            start, pending = prefetch
            try:
                batch = await pending
            except Exception as exc:  # read again below; a real fault will show there
                log.debug("relay to %s: prefetched page discarded: %s", self._topic, exc)
                batch = ()
            if start == after and batch:
                return batch
        return await asyncio.to_thread(self._read_batch, after, self._batch_size)

    def _start_prefetch(self, after: int) -> None:
        pending = asyncio.ensure_future(asyncio.to_thread(self._read_batch, after, self._batch_size))
        # An abandoned prefetch (the relay stopped) must not log "exception never retrieved".
        pending.add_done_callback(_retrieve)
        self._prefetch = (after, pending)

    async def _publish(self, batch: Sequence[Outgoing]) -> tuple[list[asyncio.Future[Any]], int]:
        """Queue every public entry of ``batch``, in order; returns the acks and how many."""
        producer, topic = self._producer, self._topic
        partitions = sorted(await producer.partitions_for(topic))
        partition_of: dict[bytes, int] = {}
        open_batches: dict[int, Any] = {}
        acks: list[asyncio.Future[Any]] = []
        sent = 0
        for item in batch:
            envelope = item.envelope
            if envelope is None:
                continue
            key, value = envelope.key, item.value if item.value is not None else encode(envelope)
            headers = cloudevents.headers_for(envelope)
            if tracing.enabled():
                headers = _traced_headers(envelope, headers)
            partition = partition_of.get(key)
            if partition is None:
                partition = partition_of[key] = _PARTITIONER(key, partitions, partitions)
            builder = open_batches.get(partition)
            if builder is None:
                builder = open_batches[partition] = producer.create_batch()
            if builder.append(key=key, value=value, timestamp=None, headers=headers) is None:
                # Full: queue it (after this partition's earlier ones) and start the next.
                acks.append(await producer.send_batch(builder, topic, partition=partition))
                builder = open_batches[partition] = producer.create_batch()
                if builder.append(key=key, value=value, timestamp=None, headers=headers) is None:
                    # Larger than a whole batch: on its own, still behind what came before.
                    del open_batches[partition]
                    acks.append(await producer.send(topic, value=value, key=key, partition=partition,
                                                    headers=headers))
            sent += 1
        for partition, builder in open_batches.items():
            acks.append(await producer.send_batch(builder, topic, partition=partition))
        return acks, sent

    async def run(self, stop: asyncio.Event) -> None:
        try:
            await self._run(stop)
        finally:
            await self.discard_prefetch()

    async def _run(self, stop: asyncio.Event) -> None:
        def failed(exc: Exception, backoff: float) -> None:
            # Broker or database trouble: nothing was recorded, so the next attempt
            # republishes from the last recorded position. The loop must outlive outages.
            log.warning("relay to %s failed, retrying in %.1fs: %s", self._topic, backoff, exc)

        async def step() -> bool:
            return await self.pump_once() > 0  # a batch moved: more may be waiting

        # A nudge does not cut an outage's backoff short: every commit nudges.
        await run_periodically(step, stop=stop, wake=self._wake, every=self._idle_poll,
                               first_backoff=0.2, max_backoff=5.0, retry_on=(Exception,),
                               on_failure=failed, backoff_heeds_wake=False)

    async def discard_prefetch(self) -> None:
        """Wait for a page still being read ahead, and drop it (before closing its store)."""
        prefetch, self._prefetch = self._prefetch, None
        if prefetch is not None:
            with contextlib.suppress(Exception):
                await prefetch[1]


_PARTITIONER = DefaultPartitioner()
"""What ``AIOKafkaProducer.send`` uses for a keyed message (``make_producer`` keeps it): murmur2
of the key over all the topic's partitions, as the Java client does."""


def _retrieve(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()


async def rewind(pool: asyncpg.Pool, relay_name: str, from_position: int) -> int:
    """Make the relay publish again from ``from_position`` (inclusive); returns the old position.

    For a broker that lost its data, or a new subscriber that needs history. The position is
    set backwards on purpose here, unlike ``PositionStore.set``; consumers ignore events they
    already applied, so republishing is safe.
    """
    async with pool.acquire() as conn, conn.transaction():
        old = await conn.fetchval(
            "SELECT position FROM relay_position WHERE relay_name = $1 FOR UPDATE", relay_name)
        await conn.execute(
            """
            INSERT INTO relay_position (relay_name, position) VALUES ($1, $2)
            ON CONFLICT (relay_name) DO UPDATE SET position = EXCLUDED.position, updated_at = now()
            """,
            relay_name, max(0, from_position - 1))
    return int(old or 0)


def _traced_headers(envelope: Any, headers: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """A ``PRODUCER`` span for the event, in its request's trace (the correlation id), its
    context put in the message's ``traceparent`` for the consumers' spans to follow."""
    with tracing.tracer("ect_platform.relay").start_as_current_span(
            f"publish {envelope.event_type}", kind=SpanKind.PRODUCER,
            context=tracing.request_parent(envelope.correlation_id),
            attributes={"messaging.system": "kafka", "messaging.message.id": str(envelope.event_id),
                        "ect.event_type": envelope.event_type}):
        return tracing.inject(headers)
