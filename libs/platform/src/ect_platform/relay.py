"""The relay: a service's event store is its outbox.

It follows the store's notification log in order, publishes each integration event to
Kafka keyed by ECT id, and records how far it got only after the broker acknowledged
the whole batch. Killed at any point, it starts again from the last recorded position,
so events are published at least once and never skipped; consumers drop duplicates by
``event_id``, which is deterministic.
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

from contracts import EventEnvelope, encode

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
    """One entry of the notification log; ``envelope`` is None for private events."""

    position: int
    envelope: EventEnvelope[Any] | None


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
        self.published = 0

    def nudge(self) -> None:
        """Called after a local commit so the relay need not wait for its next poll."""
        self._wake.set()

    async def pump_once(self) -> int:
        """Publish the next batch after the recorded position; returns how many entries it passed."""
        after = await self._positions.get()
        batch = await asyncio.to_thread(self._read_batch, after, self._batch_size)
        if not batch:
            return 0
        acks = []
        for item in batch:
            if item.envelope is None:
                continue
            acks.append(
                await self._producer.send(
                    self._topic, value=encode(item.envelope), key=item.envelope.key
                )
            )
        # Every send must be acknowledged before the position moves past it.
        await asyncio.gather(*acks)
        await self._positions.set(batch[-1].position)
        self.published += len(acks)
        return len(batch)

    async def run(self, stop: asyncio.Event) -> None:
        backoff = 0.2
        while not stop.is_set():
            # Cleared before reading, so a nudge that arrives mid-batch is not lost.
            self._wake.clear()
            try:
                moved = await self.pump_once()
                backoff = 0.2
            except Exception as exc:
                # Broker or database trouble: nothing was recorded, so the next attempt
                # republishes from the last recorded position. The loop must outlive outages.
                log.warning("relay to %s failed, retrying in %.1fs: %s", self._topic, backoff, exc)
                await _wait(stop, backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            if moved == 0:
                await _wait_any(stop, self._wake, self._idle_poll)


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


async def _wait_any(stop: asyncio.Event, wake: asyncio.Event, seconds: float) -> None:
    waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(wake.wait())]
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()


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
