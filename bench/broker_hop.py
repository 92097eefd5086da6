"""One broker hop in isolation: producer ack -> a waiting consumer's fetch returns the message.

Not a headline figure: it explains the end-to-end latency. A consumer's fetch waits up to
``fetch_max_wait_ms`` for data; a broker that answers only when that wait runs out (rather
than when a message arrives) adds most of it to every event's latency.
"""

from __future__ import annotations

import asyncio
import statistics
import time

from aiokafka import TopicPartition

from contracts import Topic
from ect_platform import kafka_security
from ect_platform.kafka import ensure_topics, make_producer

HOP_TOPIC = Topic(source="bench", name="bench.broker-hop.v1", partitions=1)


async def broker_hop_ms(bootstrap_servers: str, prefix: str, *, fetch_max_wait_ms: int,
                        samples: int = 25) -> float:
    """Median ms from the producer's ack to the consumer holding the message."""
    await ensure_topics(bootstrap_servers, [HOP_TOPIC], prefix)
    partition = TopicPartition(HOP_TOPIC.qualified(prefix), 0)
    consumer = kafka_security.consumer(bootstrap_servers, enable_auto_commit=False,
                                       fetch_max_wait_ms=fetch_max_wait_ms)
    producer = make_producer(bootstrap_servers)
    await consumer.start()
    await producer.start()
    try:
        consumer.assign([partition])
        await consumer.seek_to_end(partition)
        hops = []
        for number in range(samples):
            await (await producer.send(partition.topic, value=b"hop", key=b"%d" % number))
            acked = time.perf_counter()
            while not await consumer.getmany(partition, timeout_ms=2000):
                pass
            hops.append((time.perf_counter() - acked) * 1000)
            await asyncio.sleep(0.01)  # the next message arrives while a fetch is waiting
        return statistics.median(hops)
    finally:
        await producer.stop()
        await consumer.stop()
