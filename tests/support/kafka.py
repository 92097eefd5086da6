"""Reading a topic from the beginning without a consumer group (no group-join wait)."""

from __future__ import annotations

import asyncio

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import ConsumerRecord

from contracts import EventEnvelope, decode


async def read_topic(bootstrap: str, topic: str, *, at_least: int, within: float = 20.0,
                     partitions: int = 6
                     ) -> list[tuple[bytes, EventEnvelope]]:  # type: ignore[type-arg]
    """Every message on ``topic`` as (key, envelope), once at least ``at_least`` have arrived."""
    return [(r.key, decode(r.value)) for r in await read_records(
        bootstrap, topic, at_least=at_least, within=within, partitions=partitions)]


async def read_records(bootstrap: str, topic: str, *, at_least: int, within: float = 20.0,
                       partitions: int = 6) -> list[ConsumerRecord]:  # type: ignore[type-arg]
    """Every record on ``topic``, headers and all, once at least ``at_least`` have arrived."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False,
                                auto_offset_reset="earliest")
    await consumer.start()
    try:
        deadline = asyncio.get_running_loop().time() + within
        tps = [TopicPartition(topic, p) for p in range(partitions)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        seen: list[ConsumerRecord] = []  # type: ignore[type-arg]
        while len(seen) < at_least:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"only {len(seen)} of {at_least} messages on {topic}")
            batches = await consumer.getmany(timeout_ms=200)
            for records in batches.values():
                seen.extend(records)
        # a short extra read, so a test can also see messages beyond what it waited for
        for records in (await consumer.getmany(timeout_ms=300)).values():
            seen.extend(records)
        return seen
    finally:
        await consumer.stop()


async def read_raw(bootstrap: str, topic: str, *, at_least: int, within: float = 20.0,
                   partitions: int = 6) -> list:  # type: ignore[type-arg]
    """Raw records (value, key, headers) of ``topic``, once at least ``at_least`` arrived."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False,
                                auto_offset_reset="earliest")
    await consumer.start()
    try:
        tps = [TopicPartition(topic, p) for p in range(partitions)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        deadline = asyncio.get_running_loop().time() + within
        seen: list = []  # type: ignore[type-arg]
        while len(seen) < at_least:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"only {len(seen)} of {at_least} records on {topic}")
            for records in (await consumer.getmany(timeout_ms=200)).values():
                seen.extend(records)
        return seen
    finally:
        await consumer.stop()
