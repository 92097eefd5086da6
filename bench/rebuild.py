"""Rebuild: every reporting projection rebuilt from the topics, as ``ect replay`` does it.

N scheduling events are published to the topic first (not timed); reporting's composition
root has created the live schema and topics. Then ``reporting.replay.replay`` runs exactly as
``python -m reporting replay`` calls it: a fresh schema, every message from offset zero of
every topic reporting reads through ``ReportingConsumer``, the lock-and-swap at the end.
The baseline reads the same messages from the same partitions with a bare aiokafka consumer
(assign, seek to the beginning, ``getmany`` up to the end offsets) and does nothing with them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext

import asyncpg
from aiokafka import TopicPartition
from aiokafka.partitioner import DefaultPartitioner

from bench import school_year
from bench.infra import Infra
from bench.ingest import year_for_reporting
from bench.report import Measurement, Row
from contracts.topics import NOTIFICATIONS, REPORTING, SCHEDULING
from ect_platform import kafka_security
from ect_platform.kafka import make_producer
from reporting.application import today_in_england
from reporting.bootstrap import bootstrap
from reporting.replay import replay

LIMIT_SECONDS = 300
READ_BATCH = 2000  # replay's own getmany max_records


async def measure_rebuild(infra: Infra, events: int, seed: int,
                          section: Callable[[], AbstractContextManager[None]] = nullcontext
                          ) -> Measurement:
    ects, messages, settings = await year_for_reporting(infra, "rebuild", events, seed)
    prefix, events = settings.kafka_topic_prefix, len(messages)
    service = await bootstrap(settings)  # the live schema and the topics; its broker never starts
    await service.close()
    load_seconds = await publish_one_per_batch(
        infra.bootstrap_servers, [(topic.qualified(prefix), key, value) for topic, key, value in messages])

    marks: list[float] = []

    def progress(done: int, total: int) -> None:
        marks.append(time.perf_counter())

    with section():
        async with asyncio.timeout(LIMIT_SECONDS):
            report = await replay(settings, today_in_england, progress)
    if report.events != events:
        raise RuntimeError(f"replay read {report.events} events, expected {events}")
    conn = await asyncpg.connect(settings.database_url)
    try:
        totals = dict(await conn.fetchrow(
            school_year.TOTALS.format(table=f'"{settings.db_schema}".entitlement')))
    finally:
        await conn.close()
    expected = school_year.expected(ects)
    if totals != expected:
        raise RuntimeError(f"rebuilt projection holds {totals}, expected {expected}")
    raw_seconds, raw_read = await raw_read_all(infra.bootstrap_servers, prefix)
    if raw_read != events:
        raise RuntimeError(f"the raw reader read {raw_read} messages, expected {events}")
    rate, raw_rate = events / report.seconds, events / raw_seconds
    return Measurement(
        key="rebuild",
        title="Rebuild: every reporting projection from the topics",
        rows=[Row("Rebuild of every reporting projection (`reporting.replay.replay`)", rate,
                  "events/s", "raw aiokafka reader, same partitions, no processing", raw_rate)],
        details={"events": events, "load_seconds": load_seconds, "workload": school_year.describe(ects),
                 "seconds": report.seconds,
                 "raw_seconds": raw_seconds, "progress_calls": len(marks)},
        notes=[
            f"A school year of {len(ects)} ECTs, {events} events in the order they happened (as "
            "`make bench --only ingest` describes it) on the scheduling and reporting topics before "
            "the rebuild, "
            f"one record per produce batch ({load_seconds:.1f} s, not timed): the embedded broker "
            "(tansu) answers ListOffsets(latest) with the last *batch*'s base offset + 1, so after "
            "batched produces (the relay's, or `bench.ingest.publish`'s) `replay` reads only up to "
            "that offset and stops early (500 events published in one batch per partition: it read 5). "
            "`reporting.bootstrap` created the live schema and topics.",
            f"`replay(settings, today_in_england)` as `python -m reporting replay` calls it: "
            f"{report.seconds:.2f} s from its start (fresh schema, pool, reader) to the swap's "
            "commit, every projection table rebuilt through `ReportingConsumer`; the swapped-in "
            "entitlement table is then checked against the workload's counts.",
            f"Baseline: a bare `AIOKafkaConsumer` assigned the same {_partitions()} partitions "
            f"(scheduling, reporting, notifications topics), seek to the beginning, "
            f"`getmany(max_records={READ_BATCH})` up to the end offsets, records discarded: "
            f"{raw_seconds:.2f} s including its start. The ratio is the share of the broker's "
            "read rate a rebuild keeps.",
        ],
    )


async def publish_one_per_batch(bootstrap_servers: str, messages: list[tuple[str, bytes, bytes]]
                                ) -> float:
    """Each message acknowledged before the next on its partition (partitions in parallel), so
    every record is a batch of its own and the broker's end offsets count records."""
    started = time.perf_counter()
    producer = make_producer(bootstrap_servers, linger_ms=0)
    await producer.start()
    try:
        choose = DefaultPartitioner()
        partitions = {topic: sorted(await producer.partitions_for(topic)) for topic, _, _ in messages}
        lanes: dict[tuple[str, int], list[tuple[bytes, bytes]]] = {}
        for topic, key, value in messages:
            lane_of = (topic, choose(key, partitions[topic], partitions[topic]))
            lanes.setdefault(lane_of, []).append((key, value))

        async def lane(topic: str, partition: int, items: list[tuple[bytes, bytes]]) -> None:
            for key, value in items:
                await producer.send_and_wait(topic, value=value, key=key, partition=partition)

        await asyncio.gather(*(lane(t, p, items) for (t, p), items in lanes.items()))
    finally:
        await producer.stop()
    return time.perf_counter() - started


def _partitions() -> int:
    return sum(t.partitions for t in (SCHEDULING, REPORTING, NOTIFICATIONS))


async def raw_read_all(bootstrap_servers: str, prefix: str) -> tuple[float, int]:
    started = time.perf_counter()
    reader = kafka_security.consumer(bootstrap_servers, enable_auto_commit=False,
                                     auto_offset_reset="earliest")
    await reader.start()
    try:
        partitions = [TopicPartition(t.qualified(prefix), p)
                      for t in (SCHEDULING, REPORTING, NOTIFICATIONS) for p in range(t.partitions)]
        reader.assign(partitions)
        await reader.seek_to_beginning(*partitions)
        ends = await reader.end_offsets(partitions)
        read = 0
        async with asyncio.timeout(LIMIT_SECONDS):
            pending = {tp for tp, end in ends.items() if await reader.position(tp) < end}
            while pending:
                batches = await reader.getmany(*pending, timeout_ms=500, max_records=READ_BATCH)
                for tp, records in batches.items():
                    read += sum(1 for r in records if r.offset < ends[tp])
                pending = {tp for tp in pending if await reader.position(tp) < ends[tp]}
        return time.perf_counter() - started, read
    finally:
        await reader.stop()
