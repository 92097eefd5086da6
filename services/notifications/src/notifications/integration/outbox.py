"""notifications' outbox: outcome events written in the same transaction as the status change.

This service keeps no event store, so the outbox is a table: ``append`` adds an envelope in
the delivery worker's transaction, and ``ect_platform.relay.Relay`` publishes it to the
notifications topic with a ``read_batch`` over this table, recording its position after the
broker acknowledges (at least once, never skipped; consumers drop duplicates by event id).

Positions must become visible in order, or the relay could move past one still being
committed and never publish it. Writers therefore take an EXCLUSIVE lock on the table
(readers are not blocked): the next writer gets its position only after the previous one
has committed, which is how eventsourcing's PostgreSQL recorder keeps its log gap-free too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import asyncpg

from contracts import EventEnvelope, decode, encode
from ect_platform.relay import Outgoing, ReadBatch

DDL = """
CREATE TABLE IF NOT EXISTS outbox (
    position     bigserial PRIMARY KEY,
    event_id     uuid NOT NULL UNIQUE,
    message      text NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now()
);
"""


async def setup(conn: asyncpg.Connection) -> None:
    await conn.execute(DDL)


async def append(conn: asyncpg.Connection, envelope: EventEnvelope[Any]) -> None:
    """Add ``envelope``; call inside the transaction that records what it reports."""
    await conn.execute("LOCK TABLE outbox IN EXCLUSIVE MODE")
    await conn.execute(
        "INSERT INTO outbox (event_id, message) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING",
        envelope.event_id, encode(envelope).decode(),
    )


async def read(pool: asyncpg.Pool, after: int, limit: int) -> list[Outgoing]:
    rows = await pool.fetch(
        "SELECT position, message FROM outbox WHERE position > $1 ORDER BY position LIMIT $2",
        after, limit)
    return [Outgoing(row["position"], decode(row["message"].encode())) for row in rows]


def reader(pool: asyncpg.Pool, loop: asyncio.AbstractEventLoop, timeout: float = 30.0) -> ReadBatch:
    """The relay's synchronous ``read_batch`` (it runs it in a worker thread, as eventsourcing's
    readers must be): the query runs on the service's own event loop and pool."""

    def read_batch(after: int, limit: int) -> Sequence[Outgoing]:
        return asyncio.run_coroutine_threadsafe(read(pool, after, limit), loop).result(timeout)

    return read_batch
