"""Dead letters: a message that retrying cannot fix is parked on ``<topic>.dlq``, not lost.

The parked copy keeps the original value and key, the original headers, and adds where it
came from (topic, partition, offset), which consumer gave up, why, and when (``dlq_topic``
names it in ``ect_platform.kafka``, beside the code that creates the topics). ``ect dlq list``
shows them; ``ect dlq replay`` sends them back to their topic once the cause is fixed —
consumers are idempotent, so replaying twice changes nothing.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaProducer, TopicPartition
from aiokafka.structs import ConsumerRecord

from ect_platform import kafka_security
from ect_platform.kafka import dlq_topic, make_producer
from ect_platform.kafka_security import KafkaConnection

log = logging.getLogger(__name__)


class DeadLetters:
    def __init__(self, producer: AIOKafkaProducer) -> None:
        self._producer = producer
        self.parked = 0

    async def park(self, record: ConsumerRecord[Any, Any], consumer: str, error: str) -> None:
        """Publish to the dead-letter topic and wait for the broker's acknowledgement."""
        headers = [(k, v) for k, v in (record.headers or ()) if not k.startswith("dlq.")]
        headers += [
            ("dlq.topic", record.topic.encode()),
            ("dlq.partition", str(record.partition).encode()),
            ("dlq.offset", str(record.offset).encode()),
            ("dlq.consumer", consumer.encode()),
            ("dlq.error", error[:2000].encode()),
            ("dlq.parked_at", datetime.now(UTC).isoformat().encode()),
        ]
        await self._producer.send_and_wait(dlq_topic(record.topic), record.value, key=record.key,
                                           headers=headers)
        self.parked += 1
        log.error("%s: parked %s[%d]@%d on %s: %s", consumer, record.topic, record.partition,
                  record.offset, dlq_topic(record.topic), error)


async def list_parked(kafka: KafkaConnection | str, topics: list[str]) -> list[dict[str, Any]]:
    """Every parked message on the given dead-letter topics, oldest first, for ``ect dlq list``
    (a bare servers string is secured from the environment: see kafka_security.connection)."""
    consumer = kafka_security.consumer(kafka, enable_auto_commit=False,
                                       auto_offset_reset="earliest")
    await consumer.start()
    try:
        found: list[dict[str, Any]] = []
        for topic in topics:
            partitions = consumer.partitions_for_topic(topic) or {0}
            tps = [TopicPartition(topic, p) for p in sorted(partitions)]
            consumer.assign(tps)
            ends = await consumer.end_offsets(tps)
            await consumer.seek_to_beginning(*tps)
            while [tp for tp in tps if await consumer.position(tp) < ends[tp]]:
                for records in (await consumer.getmany(timeout_ms=500)).values():
                    found.extend(_describe(record) for record in records)
        return found
    finally:
        await consumer.stop()


def _describe(record: ConsumerRecord[Any, Any]) -> dict[str, Any]:
    headers = {k: v.decode(errors="replace") for k, v in (record.headers or ()) if k.startswith("dlq.")}
    return {
        "dlq_topic": record.topic, "dlq_offset": record.offset,
        "key": record.key.decode(errors="replace") if record.key else None,
        "topic": headers.get("dlq.topic"), "partition": headers.get("dlq.partition"),
        "offset": headers.get("dlq.offset"), "consumer": headers.get("dlq.consumer"),
        "error": headers.get("dlq.error"), "parked_at": headers.get("dlq.parked_at"),
    }


async def replay_parked(kafka: KafkaConnection | str, topics: list[str],
                        group_id: str = "ect-dlq-replay") -> int:
    """Send parked messages back to their original topic; returns how many were sent.

    The replayer's own consumer group remembers how far it got, so a second replay sends only
    what was parked since; and the consumers drop anything they had already applied.
    """
    kafka = kafka_security.connection(kafka)
    consumer = kafka_security.consumer(kafka, *topics, group_id=group_id,
                                       enable_auto_commit=False, auto_offset_reset="earliest",
                                       session_timeout_ms=6000, heartbeat_interval_ms=2000)
    producer = make_producer(kafka)
    await consumer.start()
    await producer.start()
    sent = 0
    try:
        while True:
            batches = await consumer.getmany(timeout_ms=3000)
            if not batches:
                return sent
            for records in batches.values():
                for record in records:
                    original = dict(record.headers or ()).get("dlq.topic")
                    if original is None:
                        continue
                    # Back only to the topic whose dead letters these are: several services may
                    # park on one .dlq topic, so a header naming another topic (a forged or
                    # mistaken one) must not let a message reach a topic its writer may not write.
                    if dlq_topic(original.decode(errors="replace")) != record.topic:
                        log.error("%s@%s names %r as its topic; left parked, not replayed there",
                                  record.topic, record.offset, original.decode(errors="replace"))
                        continue
                    headers = [(k, v) for k, v in (record.headers or ()) if not k.startswith("dlq.")]
                    await producer.send_and_wait(original.decode(), record.value, key=record.key,
                                                 headers=headers)
                    sent += 1
            await consumer.commit()
    finally:
        await consumer.stop()
        await producer.stop()
