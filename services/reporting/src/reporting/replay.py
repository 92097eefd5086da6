"""Rebuild every reporting projection from the beginning of the topics, then swap it in.

The topics hold every integration event the services' event stores ever published (and
``ect relay republish`` refills them from the stores after a broker loses data), so a
rebuild from offset zero is a rebuild from the event stores. It runs beside the live
consumer, into a schema of its own, with the same projection code; then, holding the live
tables' locks for a moment, it catches up with whatever arrived meanwhile and swaps the
tables in one transaction. Readers wait for the swap; they never see a half-built table.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition

from contracts.topics import NOTIFICATIONS, REPORTING, SCHEDULING
from ect_platform.database import create_pool, ensure_schema
from reporting.projections.consumer import ReportingConsumer, ReportingProjections, setup
from reporting.settings import ReportingSettings

# Every table the consumer writes: all rebuilt and swapped together.
TABLES = ("inbox", "audit_trail", "facts", "entitlement", "entitlement_terms", "ab_submissions",
          "ab_outcomes", "ab_periods")


@dataclass(frozen=True)
class ReplayReport:
    events: int
    seconds: float

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


Progress = Callable[[int, int], None]  # (events read so far, events in the topics)


async def replay(settings: ReportingSettings, clock: Callable[[], date],
                 progress: Progress = lambda done, total: None) -> ReplayReport:
    live, rebuild = settings.db_schema, settings.db_schema + "_rebuild"
    started = time.perf_counter()
    admin = await asyncpg.connect(settings.database_url)
    try:
        await admin.execute(f'DROP SCHEMA IF EXISTS "{rebuild}" CASCADE')
    finally:
        await admin.close()
    await ensure_schema(settings.database_url, rebuild)
    pool = await create_pool(settings.database_url, rebuild)
    consumer = ReportingConsumer(pool, ReportingProjections(clock, settings.status.rules()),
                                 name="reporting.replay")
    reader = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers,
                              enable_auto_commit=False, auto_offset_reset="earliest")
    await reader.start()
    try:
        async with pool.acquire() as conn:
            await setup(conn)
        await consumer.setup()
        prefix = settings.kafka_topic_prefix
        partitions = [TopicPartition(t.qualified(prefix), p)
                      for t in (SCHEDULING, REPORTING, NOTIFICATIONS) for p in range(t.partitions)]
        reader.assign(partitions)
        await reader.seek_to_beginning(*partitions)
        ends = await reader.end_offsets(partitions)
        total = sum(ends.values())
        read = await _read_until(reader, consumer, ends, 0, total, progress)
        live_pool = await create_pool(settings.database_url, live, max_size=1)
        try:
            async with live_pool.acquire() as conn, conn.transaction():
                # Readers and the live consumer wait from here to the commit.
                await conn.execute("LOCK TABLE " + ", ".join(f'"{live}"."{t}"' for t in TABLES)
                                   + " IN ACCESS EXCLUSIVE MODE")
                latest = await reader.end_offsets(partitions)
                read = await _read_until(reader, consumer, latest, read, sum(latest.values()), progress)
                for table in TABLES:
                    await conn.execute(f'DROP TABLE "{live}"."{table}"')
                    await conn.execute(f'ALTER TABLE "{rebuild}"."{table}" SET SCHEMA "{live}"')
                await conn.execute(f'DROP SCHEMA "{rebuild}" CASCADE')
        finally:
            await live_pool.close()
    finally:
        await reader.stop()
        await pool.close()
    return ReplayReport(read, time.perf_counter() - started)


async def _read_until(reader: AIOKafkaConsumer, consumer: ReportingConsumer,
                      ends: dict[TopicPartition, int], read: int, total: int, progress: Progress) -> int:
    """Feed the rebuild everything up to ``ends``; returns how many messages were read."""
    pending = {tp for tp, end in ends.items() if await reader.position(tp) < end}
    while pending:
        batches = await reader.getmany(*pending, timeout_ms=500, max_records=2000)
        for tp, records in batches.items():
            records = [r for r in records if r.offset < ends[tp]]
            if records:
                await consumer.handle(records)
                read += len(records)
        pending = {tp for tp in pending if await reader.position(tp) < ends[tp]}
        progress(read, total)
    return read
