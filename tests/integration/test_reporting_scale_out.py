"""Two reporting consumers in one group share the partitions and the backlog, and together
project exactly what one would: nothing lost to a mark made during another's drain, nothing
counted twice. Real broker, real PostgreSQL, the school-year workload the benchmark uses."""

from __future__ import annotations

import pytest
from bench import school_year
from faststream.kafka import KafkaBroker

from contracts.topics import REPORTING, SCHEDULING
from ect_platform.inbox import subscribe
from ect_platform.kafka import make_producer
from reporting.projections.consumer import ReportingConsumer
from tests.integration.test_entitlement_consumer import SESSION_TIMEOUT_MS, reporting  # noqa: F401
from tests.support import eventually

pytestmark = pytest.mark.integration

EVENTS = 1500


def member(service) -> tuple[KafkaBroker, ReportingConsumer]:  # type: ignore[no-untyped-def]
    # small batches, so both members file and drain many times while the other does too
    consumer = ReportingConsumer(service.pool, service.projections, name="member",
                                 catch_up_batch=50, max_lag_seconds=0.2)
    broker = KafkaBroker(service.settings.kafka_bootstrap_servers, logger=None)
    prefix = service.settings.kafka_topic_prefix
    subscribe(broker, consumer, SCHEDULING.qualified(prefix), REPORTING.qualified(prefix),
              group_id=prefix + "scale-out", max_records=50, session_timeout_ms=SESSION_TIMEOUT_MS)
    return broker, consumer


async def test_two_consumers_in_one_group_project_what_one_would(reporting):  # noqa: F811
    ects = school_year.cohort(EVENTS, seed=3)
    prefix = reporting.settings.kafka_topic_prefix
    members = [member(reporting), member(reporting)]
    for broker, _ in members:
        await broker.start()
    producer = make_producer(reporting.settings.kafka_bootstrap_servers)
    await producer.start()
    try:
        async def both_assigned() -> bool:  # each member holds partitions before any event
            return all(broker.subscribers[0].consumer.assignment() for broker, _ in members)

        await eventually(both_assigned, within=60)
        for topic, key, value in school_year.messages(ects, seed=3):
            await producer.send(topic.qualified(prefix), value=value, key=key)
        await producer.flush()

        async def settled() -> bool:
            async with reporting.pool.acquire() as conn:
                filed = await conn.fetchval("SELECT count(*) FROM inbox")
                owing = await conn.fetchval("SELECT count(*) FROM projection_backlog")
            return filed == EVENTS and owing == 0

        await eventually(settled, within=120)
        async with reporting.pool.acquire() as conn:
            totals = dict(await conn.fetchrow(school_year.TOTALS.format(table="entitlement")))
        assert totals == school_year.expected(ects)
        # each process counts an event it filed once a drain, its own or the other's, has shown
        # it, and learns of the other's drain at its own next drain (within max_lag): so wait
        # for the counters, with a deadline, rather than read them the moment the backlog empties
        await eventually(lambda: sum(consumer.applied for _, consumer in members) >= EVENTS, within=30)
        applied = [consumer.applied for _, consumer in members]
        assert sum(applied) == EVENTS and all(applied), applied  # both took part, none twice
    finally:
        await producer.stop()
        for broker, _ in members:
            await broker.stop()
