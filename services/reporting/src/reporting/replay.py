"""Rebuild every reporting projection from the beginning of the topics, then swap it in.

The topics hold every integration event the services' event stores ever published (and
``ect relay republish`` refills them from the stores after a broker loses data), so a
rebuild from offset zero is a rebuild from the event stores. It runs beside the live
consumer, into a schema of its own, with the same projection code; then, holding the live
tables' locks for a moment, it catches up with whatever arrived meanwhile and swaps the
tables in one transaction. Readers wait for the swap; they never see a half-built table.

The audit trail is kept as it is (hash-chained, checkpointed): a replay never drops it.
A rebuild never replaces more history than it read: a topic that does not start at offset 0
(retention dropped its start) is refused, and under the lock a rebuild whose inbox or audit
trail holds fewer events than the live one's (the broker lost messages the live consumer had
applied) is refused and the live tables are left as they were. Republish from the event
stores (``ect relay republish --from 1``) and replay again.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition

from contracts.topics import NOTIFICATIONS, REPORTING, SCHEDULING
from ect_platform import kafka_security
from ect_platform.database import create_pool, ensure_schema
from ect_platform.sealing import EnvelopeSealer
from reporting.projections.consumer import ReportingConsumer, ReportingProjections, setup
from reporting.settings import ReportingSettings


class ReplayRefusedError(RuntimeError):
    """The topics hold less history than the live projections were built from."""


# Every table the consumer writes but the audit trail: all rebuilt and swapped together. The
# audit trail is never replaced: it is the hash-chained record of what was published, in the
# order it arrived, and its checkpoints anchor that chain. The rebuild fills one of its own
# only to prove it read as much history as the live one holds. The TRN index is kept too: a
# rebuild cannot read again the TRN of a person erased since (``projections.trn_index``).
TABLES = ("inbox", "facts", "projection_backlog", "entitlement", "entitlement_terms",
          "ab_submissions", "ab_outcomes", "ab_periods", "mentors")


@dataclass(frozen=True)
class ReplayReport:
    events: int
    seconds: float

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


Progress = Callable[[int, int], None]  # (events read so far, events in all, 0 if not known)


async def replay(settings: ReportingSettings, clock: Callable[[], date],
                 progress: Progress = lambda done, total: None, *,
                 accept_missing_start: bool = False) -> ReplayReport:
    """``accept_missing_start``: go on although a topic's first messages are gone, because the
    stores were republished after them (the history is then whole further on)."""
    live, rebuild = settings.db_schema, settings.db_schema + "_rebuild"
    started = time.perf_counter()
    admin = await asyncpg.connect(settings.database_url)
    try:
        await admin.execute(f'DROP SCHEMA IF EXISTS "{rebuild}" CASCADE')
    finally:
        await admin.close()
    await ensure_schema(settings.database_url, rebuild)
    pool = await create_pool(settings.database_url, rebuild)
    # Facts are filed as they are read and every ECT is recomputed once, after the reading:
    # an ECT's events are spread over the whole history, and recomputing it per batch would
    # cost a recompute per batch it appears in. They are opened with the live service's keys,
    # so an erased person is rebuilt as erased, as the live rows show them.
    keystore = await asyncio.to_thread(settings.keystore)
    sealer = EnvelopeSealer(keystore)
    consumer = ReportingConsumer(pool, ReportingProjections(clock, settings.status.rules(), sealer),
                                 name="reporting.replay", auto_drain=False)
    reader = kafka_security.consumer(settings.kafka(), enable_auto_commit=False,
                                     auto_offset_reset="earliest")
    # only asked where the live consumer group has committed; it never joins the group
    group = kafka_security.consumer(settings.kafka(),
                                    group_id=settings.kafka_topic_prefix + settings.consumer_group,
                                    enable_auto_commit=False)
    await reader.start()
    await group.start()
    try:
        async with pool.acquire() as conn:
            await setup(conn)
        await consumer.setup()
        prefix = settings.kafka_topic_prefix
        partitions = [TopicPartition(t.qualified(prefix), p)
                      for t in (SCHEDULING, REPORTING, NOTIFICATIONS) for p in range(t.partitions)]
        reader.assign(partitions)
        starts = await reader.beginning_offsets(partitions)
        cut = [f"{tp.topic}[{tp.partition}] starts at offset {at}" for tp, at in starts.items() if at]
        if cut and not accept_missing_start:
            raise ReplayRefusedError(
                "the topics no longer hold their whole history (" + "; ".join(cut) + "): a rebuild "
                "would replace the projections with part of it. Republish from "
                "the event stores (ect relay republish --from 1), then replay with that accepted")
        await reader.seek_to_beginning(*partitions)
        read = await _catch_up(reader, consumer, group, partitions, 0, progress, until_quiet=True)
        await consumer.drain()
        live_pool = await create_pool(settings.database_url, live, max_size=1)
        try:
            async with live_pool.acquire() as conn, conn.transaction():
                # Readers and the live consumer wait from here to the commit.
                await conn.execute("LOCK TABLE " + ", ".join(f'"{live}"."{t}"'
                                                             for t in (*TABLES, "audit_trail"))
                                   + " IN ACCESS EXCLUSIVE MODE")
                read = await _catch_up(reader, consumer, group, partitions, read, progress,
                                       until_quiet=False)
                await consumer.drain()
                await _refuse_if_shorter(conn, live, rebuild)
                for table in TABLES:
                    # the rebuilt table gets the live one's owner: a replay run as the database's
                    # owner must not leave the service's own role locked out of its projections
                    owner = await conn.fetchval(
                        "SELECT quote_ident(tableowner) FROM pg_tables WHERE schemaname = $1 "
                        "AND tablename = $2", live, table)
                    await conn.execute(f'DROP TABLE "{live}"."{table}"')
                    await conn.execute(f'ALTER TABLE "{rebuild}"."{table}" SET SCHEMA "{live}"')
                    await conn.execute(f'ALTER TABLE "{live}"."{table}" OWNER TO {owner}')
                await conn.execute(f'DROP SCHEMA "{rebuild}" CASCADE')
        finally:
            await live_pool.close()
    finally:
        await reader.stop()
        await group.stop()
        await pool.close()
        keystore.close()
    return ReplayReport(read, time.perf_counter() - started)


async def _refuse_if_shorter(conn: asyncpg.Connection, live: str, rebuild: str) -> None:
    """Under the lock: never swap in fewer applied events or audit entries than the live tables
    hold (the transaction rolls back, the live tables stay)."""
    for table in ("inbox", "audit_trail"):
        before = await conn.fetchval(f'SELECT count(*) FROM "{live}"."{table}"')  # noqa: S608
        after = await conn.fetchval(f'SELECT count(*) FROM "{rebuild}"."{table}"')  # noqa: S608
        if after < before:
            raise ReplayRefusedError(
                f"the rebuild's {table} holds {after} events where the live one holds {before}: the "
                "topics have lost history the live projections were built from, so nothing was "
                "swapped. Republish from the event stores (ect relay republish --from 1) and replay")


async def _committed(group: AIOKafkaConsumer, partitions: list[TopicPartition]) -> dict[TopicPartition, int]:
    """How far the live consumer group has committed, per partition (0 where it has not)."""
    return {tp: (await group.committed(tp)) or 0 for tp in partitions}


async def _at_reported_end(reader: AIOKafkaConsumer, partitions: list[TopicPartition]) -> bool:
    ends = await reader.end_offsets(partitions)
    positions = [await reader.position(tp) for tp in partitions]
    return all(at >= ends[tp] for at, tp in zip(positions, partitions, strict=True))


async def _read(reader: AIOKafkaConsumer, consumer: ReportingConsumer) -> int:
    batches = await reader.getmany(timeout_ms=300, max_records=2000)
    read = 0
    for records in batches.values():
        if records:
            await consumer.handle(records)
            read += len(records)
    return read


async def _catch_up(reader: AIOKafkaConsumer, consumer: ReportingConsumer, group: AIOKafkaConsumer,
                    partitions: list[TopicPartition], read: int, progress: Progress, *,
                    until_quiet: bool) -> int:
    """Feed the rebuild at least as far as the live consumer has committed.

    Offsets the live group committed are record offsets every broker agrees on (the embedded
    broker's reported end offsets are not: they stop at the start of the last record batch).
    Without the lock (``until_quiet``) it also goes on until a poll comes back empty; under the
    lock the live consumer cannot move, so reaching its committed offsets is enough.
    """
    target = await _committed(group, partitions)
    while True:
        got = await _read(reader, consumer)
        read += got
        progress(read, 0)
        behind = [tp for tp in partitions if await reader.position(tp) < target[tp]]
        # with a live group to follow, reaching it is enough; with none, wait for a quiet poll
        # at or past the end offsets the broker reports (a lower bound of the true end there:
        # one empty poll alone also came while the broker was slow to answer, mid-history)
        if not behind and (not until_quiet or any(target.values())
                           or (got == 0 and await _at_reported_end(reader, partitions))):
            return read
        if got == 0:
            target = await _committed(group, partitions)
