"""Idempotent consumers: an event changes a read model at most once.

A consumer applies a batch in one database transaction that also records every event
id it applied. A redelivered event finds its id already there and changes nothing;
Kafka offsets are committed only after that transaction, so a crash in between means
redelivery, never loss.

Failures, by kind:
- a message that is not a valid event: parked on the dead-letter topic at once;
- an event of a type or version this build does not know (a newer producer's contract):
  parked and counted (``unknown``), so an upgraded consumer can take it back with
  ``ect dlq replay``; never skipped without a word;
- an event whose handler fails for a reason retrying will not fix: the batch is split, the
  event retried alone a bounded number of times with backoff, then parked; the partition
  moves on;
- a transient failure (database or broker unreachable): raised, so nothing is committed and
  faststream seeks back; consumption resumes from the same place once the outage ends.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol, TypeAlias
from uuid import UUID

import asyncpg
from aiokafka.errors import KafkaError
from aiokafka.structs import ConsumerRecord
from faststream.kafka import KafkaBroker, KafkaMessage
from faststream.middlewares import AckPolicy

from contracts import REGISTRY, ContractError, EventEnvelope, decode
from contracts.registry import UnknownPayload
from ect_platform import cloudevents, tracing
from ect_platform.dead_letters import DeadLetters

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
Record: TypeAlias = ConsumerRecord[Any, Any]

TRANSIENT: tuple[type[BaseException], ...] = (
    OSError,  # ConnectionError and friends: the database or the broker went away
    TimeoutError,
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.InterfaceError,
    KafkaError,
)
"""Failures that retrying later fixes: never dead-lettered, always redelivered."""


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


Pairs: TypeAlias = list[tuple[Record, EventEnvelope[Any]]]
Wanted: TypeAlias = Callable[[str, int], bool]  # (event type, version) -> acted on?


def decode_all(records: Sequence[Record], wanted: Wanted | None = None
               ) -> tuple[Pairs, list[tuple[Record, str]], Pairs]:
    """(record, envelope) for the events this build reads, (record, why) for malformed ones,
    and (record, envelope) for events of a type or version this build does not know.

    ``wanted``: the contracts the caller acts on. A message whose CloudEvents ``ce_type``
    header names a contract this build knows and the caller does not want is passed over
    without being decoded (one whose header names an unknown contract is decoded and comes
    back unknown, to be parked, as one without headers is decoded)."""
    readable: Pairs = []
    malformed: list[tuple[Record, str]] = []
    unknown: Pairs = []
    for record in records:
        if wanted is not None:
            contract = cloudevents.contract_of(getattr(record, "headers", None))
            if contract is not None and contract in REGISTRY and not wanted(*contract):
                continue
        try:
            envelope = decode(record.value)
        except ContractError as exc:
            malformed.append((record, str(exc)))
            continue
        (unknown if isinstance(envelope.payload, UnknownPayload) else readable).append((record, envelope))
    return readable, malformed, unknown


def decode_pairs(records: Sequence[Record]) -> tuple[Pairs, list[tuple[Record, str]]]:
    """``decode_all`` without the unknown events, for callers that only read."""
    readable, malformed, _ = decode_all(records)
    return readable, malformed


def not_known(envelope: EventEnvelope[Any]) -> str:
    return (f"{envelope.event_type} v{envelope.event_version} is not a contract this build knows "
            "(a newer producer?); parked for a consumer that does, `ect dlq replay` after the upgrade")


class BatchHandler(Protocol):
    async def handle(self, records: Sequence[Record]) -> None: ...


class ProjectionConsumer:
    """Applies batches of integration events to read models, exactly once per event id."""

    def __init__(self, pool: asyncpg.Pool, apply: Apply, name: str,
                 dead_letters: DeadLetters | None = None, *, attempts: int = 3,
                 backoff_seconds: float = 0.2) -> None:
        self._pool = pool
        self._apply = apply
        self.name = name
        self._dead_letters = dead_letters
        self._attempts = attempts
        self._backoff = backoff_seconds
        self.applied = 0
        self.duplicates = 0
        self.rejected = 0
        self.unknown = 0  # events of a contract this build does not know, parked

    @property
    def dead_letters(self) -> DeadLetters | None:
        """Where it parks what it gives up on (its ``parked`` count is a metric)."""
        return self._dead_letters

    async def setup(self) -> None:
        async with self._pool.acquire() as conn:
            await conn.execute(INBOX_DDL)

    async def handle(self, records: Sequence[Record]) -> None:
        readable, malformed, unknown = decode_all(records)
        for record, why in malformed:
            await self._give_up(record, f"not a valid integration event: {why}")
        with tracing.consumed(self.name, readable):
            await self._handle_readable(readable)
        # after the batch: a transient failure above redelivers these with it, parked once
        for record, envelope in unknown:
            await self._park_unknown(record, envelope)

    async def _handle_readable(self, readable: Pairs) -> None:
        if readable:
            try:
                await self._apply_in_one_transaction([envelope for _, envelope in readable])
            except TRANSIENT:
                raise
            except Exception:
                log.warning("%s: a batch of %d failed; applying its events one by one", self.name,
                            len(readable))
                for record, envelope in readable:
                    await self._apply_alone(record, envelope)

    async def _apply_alone(self, record: Record, envelope: EventEnvelope[Any]) -> None:
        for attempt in range(1, self._attempts + 1):
            try:
                await self._apply_in_one_transaction([envelope])
                return
            except TRANSIENT:
                raise
            except Exception as exc:
                if attempt == self._attempts:
                    await self._give_up(record, f"{type(exc).__name__}: {exc}")
                    return
                await asyncio.sleep(self._backoff * 2 ** (attempt - 1))

    async def _park_unknown(self, record: Record, envelope: EventEnvelope[Any]) -> None:
        self.unknown += 1
        if self._dead_letters is None:
            # nowhere to keep it: say so loudly rather than stall every event behind it
            log.error("%s: %s[%d]@%d: %s; no dead-letter topic, so skipped", self.name, record.topic,
                      record.partition, record.offset, not_known(envelope))
            return
        await self._dead_letters.park(record, self.name, not_known(envelope))

    async def _give_up(self, record: Record, why: str) -> None:
        self.rejected += 1
        if self._dead_letters is None:
            # Without a dead-letter topic the only safe choice is to stop and redeliver.
            raise RuntimeError(f"{self.name}: cannot apply {record.topic}@{record.offset}: {why}")
        await self._dead_letters.park(record, self.name, why)

    async def apply_new(self, conn: asyncpg.Connection, envelopes: Sequence[EventEnvelope[Any]]) -> None:
        """Apply a batch's never-seen events, in order, inside the inbox transaction.

        The hook for a read model that works better a batch at a time (e.g. recomputing each
        touched row once); by default each event goes through ``apply``.
        """
        for envelope in envelopes:
            await self._apply(conn, envelope)

    async def _apply_in_one_transaction(self, envelopes: Sequence[EventEnvelope[Any]]) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            fresh = await claim_new(conn, envelopes)
            new = []
            for envelope in envelopes:
                if envelope.event_id in fresh:
                    fresh.discard(envelope.event_id)  # a duplicate inside one batch applies once
                    new.append(envelope)
            await self.apply_new(conn, new)
        # counted only once the transaction committed
        self.applied += len(new)
        self.duplicates += len(envelopes) - len(new)


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
        # The embedded broker answers a fetch only when this wait runs out, so aiokafka's
        # default of 500 ms put about a quarter second on every event's way (measured in bench/).
        fetch_max_wait_ms=50,
    )
    async def handle_batch(message: KafkaMessage) -> None:
        records = message.raw_message
        await consumer.handle(records if isinstance(records, tuple) else (records,))
