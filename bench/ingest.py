"""Projection ingest: Kafka -> reporting's entitlement read model, through the production path.

reporting's composition root wires ProjectionConsumer(entitlement.apply) to the scheduling
topic with faststream's batch subscriber (``ect_platform.inbox.subscribe``); that broker is
started on a topic already holding N events and timed until the projection holds all N.
The baseline reads the same messages with a bare aiokafka consumer (getmany) and COPYs one
row per event into a scratch table, committing offsets after each batch as production does.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import asyncpg

from bench import school_year
from bench.infra import Infra
from bench.report import Measurement, Row
from contracts.topics import Topic
from ect_platform import kafka_security
from ect_platform.kafka import make_producer
from ect_platform.sealing import EnvelopeSealer
from reporting import metrics as reporting_metrics
from reporting.bootstrap import bootstrap
from reporting.settings import ReportingSettings

LIMIT_SECONDS = 300  # a stuck consumer fails the run instead of hanging it
BATCH = 500  # ect_platform.inbox.subscribe's default max_records, used by both paths
SCRATCH_DDL = """
CREATE TABLE bench_raw_ingest (
    event_id   uuid PRIMARY KEY,
    event_type text NOT NULL,
    ect_id     uuid,
    body       text NOT NULL
)
"""


async def measure_ingest(infra: Infra, events: int, seed: int,
                         section: Callable[[], AbstractContextManager[None]] = nullcontext
                         ) -> Measurement:
    # a short session timeout shortens the group join, which is not timed
    ects, messages, settings = await year_for_reporting(infra, "ingest", events, seed,
                                                        kafka_session_timeout_ms=3000)
    prefix, events, workload = settings.kafka_topic_prefix, len(messages), school_year.describe(ects)
    service = await bootstrap(settings)  # creates the topics, the read model and the subscriber
    # and its metrics, as a consumer process counts them (faststream's Prometheus middleware)
    reporting_metrics.exposition(service, relay=False, consumer=True)
    try:
        await publish(infra.bootstrap_servers,
                      [(topic.qualified(prefix), key, value) for topic, key, value in messages])
        joined, seconds = await _faststream_ingest(service, events, section)
        async with service.pool.acquire() as conn:
            totals = dict(await conn.fetchrow(school_year.TOTALS.format(table="entitlement")))
    finally:
        await service.close()
    expected = school_year.expected(ects)
    if totals != expected:
        raise RuntimeError(f"projection holds {totals}, expected {expected}")
    topics = sorted({topic.qualified(prefix) for topic, _, _ in messages})
    raw_seconds = await raw_ingest(settings.database_url, infra.bootstrap_servers, topics,
                                   prefix + "bench-raw", events)
    rate, raw_rate = events / seconds, events / raw_seconds
    return Measurement(
        key="ingest",
        title="Projection ingest: Kafka -> entitlement read model",
        rows=[Row("Projection ingest: Kafka → entitlement (faststream `subscribe` → "
                  "`ProjectionConsumer`)", rate, "events/s",
                  "raw aiokafka `getmany` + asyncpg COPY + offset commit", raw_rate)],
        details={"events": events, "workload": workload,
                 "path": "faststream subscribe",
                 "group_join_seconds": joined, "seconds": seconds, "raw_seconds": raw_seconds,
                 "batch": BATCH},
        notes=[
            f"A school year of {len(ects)} ECTs ({workload['by_type']}): {events} "
            "events in the order they happened, all ECTs interleaved, on the scheduling and "
            "reporting topics, published before the consumer starts. Driven through faststream: "
            "the broker, subscriber and ProjectionConsumer "
            "that `reporting.bootstrap` builds, with the metrics a consumer process keeps "
            "(`reporting.metrics`): the production path.",
            f"Timed from the first batch reaching the handler until the inbox holds all {events} "
            f"event ids and no ECT is left owing a recompute: {seconds:.2f} s; the consumer-group "
            f"join before it took {joined:.1f} s (not timed). The read model is then "
            "checked against the workload's counts.",
            f"Baseline: same topics, new group, `getmany(max_records={BATCH})`, `json.loads` for "
            "the event id, one COPY per batch into a table keyed by event id, then "
            f"`commit()`: {raw_seconds:.2f} s. No validation, no per-event SQL.",
        ],
    )


async def year_for_reporting(infra: Infra, label: str, events: int, seed: int, **settings: Any
                             ) -> tuple[list[school_year.Ect], list[tuple[Topic, bytes, bytes]],
                                        ReportingSettings]:
    """A school year of ``events`` events, and reporting's settings on a fresh database with
    topics of its own (``label``): what the measures that feed reporting start from."""
    ects = school_year.cohort(events, seed)
    reporting = ReportingSettings(
        database_url=await infra.fresh_database(label),
        kafka_bootstrap_servers=infra.bootstrap_servers,
        jwt_secret="bench-not-a-secret-but-at-least-32-bytes",
        kafka_topic_prefix=f"{infra.prefix}{label}.",
        **settings,
    )
    # sealed as the relays publish them, with keys in the key store reporting will read
    keystore = await asyncio.to_thread(reporting.keystore)
    try:
        sealed = school_year.messages(ects, seed, seal=EnvelopeSealer(keystore).seal)
    finally:
        keystore.close()
    return ects, sealed, reporting


async def publish(bootstrap_servers: str, messages: list[tuple[str, bytes, bytes]]) -> None:
    producer = make_producer(bootstrap_servers)
    await producer.start()
    try:
        acks = [await producer.send(topic, value=value, key=key) for topic, key, value in messages]
        await asyncio.gather(*acks)
    finally:
        await producer.stop()


async def _faststream_ingest(service: Any, events: int,
                             section: Callable[[], AbstractContextManager[None]]) -> tuple[float, float]:
    consumer = service.consumer
    first: list[float] = []
    handle: Callable[[Sequence[Any]], Awaitable[None]] = consumer.handle

    async def stamped(records: Sequence[Any]) -> None:
        # The clock starts when the first batch arrives, so the group join is not counted.
        if not first:
            first.append(time.perf_counter())
        await handle(records)

    consumer.handle = stamped  # subscribe's handler looks the method up on each batch
    started = time.perf_counter()
    await service.broker.start()
    try:
        # the profile (--profile) includes the group join; the clock does not
        with section():
            await _wait_until_projected(service, consumer, events)
        done = time.perf_counter()
    except TimeoutError as exc:
        raise RuntimeError(f"the projection applied {consumer.applied} of {events} events "
                           f"within {LIMIT_SECONDS} s") from exc
    finally:
        await service.broker.stop()
    if consumer.rejected:
        raise RuntimeError(f"{consumer.rejected} messages were rejected")
    return first[0] - started, done - first[0]


async def _wait_until_projected(service: Any, consumer: Any, events: int) -> None:
    async with asyncio.timeout(LIMIT_SECONDS), service.pool.acquire() as conn:
        # Observed from outside, as a reader would see it: ``applied`` counts inside the
        # transaction, the inbox shows what is committed.
        # ... and the projection is up to date only once no ECT owes a recompute
        while (consumer.applied + consumer.duplicates < events  # noqa: ASYNC110
               or await conn.fetchval("SELECT count(*) FROM inbox") < events
               or await conn.fetchval("SELECT count(*) FROM projection_backlog") > 0):
            await asyncio.sleep(0.002)


async def raw_ingest(database_url: str, bootstrap_servers: str, topics: list[str], group: str,
                     events: int) -> float:
    conn = await asyncpg.connect(database_url)
    consumer = kafka_security.consumer(
        bootstrap_servers, *topics, group_id=group, enable_auto_commit=False,
        auto_offset_reset="earliest",
        # Joining a group on tansu waits half the session timeout; the join is not timed.
        session_timeout_ms=3000, heartbeat_interval_ms=1000,
    )
    try:
        await conn.execute(SCRATCH_DDL)
        await consumer.start()
        total, start = 0, None
        async with asyncio.timeout(LIMIT_SECONDS):
            while total < events:
                batches = await consumer.getmany(timeout_ms=50, max_records=BATCH)
                if not batches:
                    continue
                start = start or time.perf_counter()
                rows = []
                for records in batches.values():
                    for record in records:
                        head = json.loads(record.value)
                        rows.append((head["event_id"], head["event_type"], head["ect_id"],
                                     record.value.decode()))
                async with conn.transaction():
                    await conn.copy_records_to_table(
                        "bench_raw_ingest", records=rows,
                        columns=("event_id", "event_type", "ect_id", "body"))
                await consumer.commit()
                total += len(rows)
        assert start is not None
        return time.perf_counter() - start
    finally:
        await consumer.stop()
        await conn.close()
