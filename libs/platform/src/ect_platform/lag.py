"""How far behind a relay and a consumer are, asked at scrape time (``ect_platform.metrics``).

- **Relay lag**: log entries stored but not yet published, the store's head (the largest
  notification id of the event store, or the outbox's largest position) minus the position the
  relay recorded after the broker's acknowledgement (``relay_position``). One query, both
  figures read by index. Private entries (the TRN index) count too: the relay passes them.
- **Consumer lag**: per partition a consumer group is assigned in this process, the
  partition's end offset minus the group's committed offset: messages on the topic that this
  group has not yet applied and committed (``ect_platform.inbox`` commits only after the
  inbox transaction).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from typing import Any

import asyncpg
from aiokafka import TopicPartition
from prometheus_client.core import GaugeMetricFamily, Metric

from ect_platform.metrics import Probe, gauge

RELAY_LAG = "ect_relay_lag_events"
CONSUMER_LAG = "ect_consumer_lag_messages"


def behind(head: int | None, position: int | None) -> int:
    """Entries after ``position`` up to ``head``; nothing stored or nothing recorded count as 0
    (a position past the head, after a store was emptied, is no negative lag)."""
    return max(0, (head or 0) - (position or 0))


def relay_lag(pool: asyncpg.Pool, relay_name: str, table: str, column: str) -> Probe:
    """The probe of one relay's lag; ``table``/``column``: its log's head (code, never input)."""
    head = f'SELECT max("{column}") FROM "{table}"'  # noqa: S608 - identifiers from code
    query = (f"SELECT ({head}) AS head, "  # noqa: S608
             "(SELECT position FROM relay_position WHERE relay_name = $1) AS position")

    async def ask() -> Iterable[Metric]:
        async with pool.acquire() as conn:
            row = await conn.fetchrow(query, relay_name)
        return [gauge(RELAY_LAG, "Log entries stored but not yet published and acknowledged",
                      float(behind(row["head"], row["position"])), relay=relay_name),
                gauge("ect_relay_position", "The last log position the relay recorded as published",
                      float(row["position"] or 0), relay=relay_name)]

    return ask


def partition_lags(ends: Mapping[TopicPartition, int],
                   committed: Mapping[TopicPartition, int | None]) -> dict[TopicPartition, int]:
    """Per partition: end offset minus committed offset (nothing committed yet: all of it)."""
    return {tp: behind(end, committed.get(tp)) for tp, end in ends.items()}


def consumer_lag(broker: Any) -> Probe:
    """The probe of every faststream subscriber of ``broker`` running in this process: the
    partitions its aiokafka consumer is assigned now, end offsets and committed offsets."""

    async def ask() -> Iterable[Metric]:
        family = GaugeMetricFamily(CONSUMER_LAG, "Messages on a partition the consumer group has "
                                   "not yet applied and committed (end offset minus committed)",
                                   labels=["group", "topic", "partition"])
        for subscriber in broker.subscribers:
            consumer = getattr(subscriber, "consumer", None)
            if consumer is None:  # not started (yet), or stopping
                continue
            assigned = sorted(consumer.assignment(), key=lambda tp: (tp.topic, tp.partition))
            if not assigned:
                continue
            ends = await consumer.end_offsets(assigned)
            # one request a partition (aiokafka's public call), sent together rather than in turn
            offsets = await asyncio.gather(*(consumer.committed(tp) for tp in assigned))
            committed = dict(zip(assigned, offsets, strict=True))
            for tp, lag in partition_lags(ends, committed).items():
                family.add_metric([subscriber.group_id or "", tp.topic, str(tp.partition)], float(lag))
        return [family]

    return ask
