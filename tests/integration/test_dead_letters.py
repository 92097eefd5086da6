"""Poison messages on a real broker and PostgreSQL: parked on <topic>.dlq, the partition moves on."""

from __future__ import annotations

import json
import uuid

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from faststream.kafka import KafkaBroker

from contracts import EventEnvelope, encode
from contracts.scheduling.v1 import SessionHeld
from contracts.topics import REPORTING, SCHEDULING
from ect_platform.database import create_pool
from ect_platform.dead_letters import DeadLetters, replay_parked
from ect_platform.inbox import ProjectionConsumer, subscribe
from ect_platform.kafka import dlq_topic, ensure_topics, make_producer
from tests.contracts.examples import PAYLOADS, envelope_of
from tests.support import eventually
from tests.support.kafka import read_raw

pytestmark = pytest.mark.integration

SESSION = next(p for p in PAYLOADS if isinstance(p, SessionHeld))


def session_event(minutes: int) -> EventEnvelope[SessionHeld]:
    base = envelope_of(SESSION.model_copy(update={"minutes": minutes}))
    return base.model_copy(update={"event_id": uuid.uuid4()})


class Projection:
    """Adds minutes; 13 minutes is a bug this build cannot handle; a flaky database once."""

    def __init__(self) -> None:
        self.flaky = True

    async def apply(self, conn: asyncpg.Connection, envelope: EventEnvelope) -> None:  # type: ignore[type-arg]
        minutes = envelope.payload.minutes
        if minutes == 13:
            raise ValueError("thirteen minutes is unlucky")
        if minutes == 7 and self.flaky:
            self.flaky = False
            raise ConnectionResetError("database went away")
        await conn.execute("UPDATE total SET minutes = minutes + $1", minutes)


async def test_poison_and_malformed_messages_are_parked_and_a_transient_failure_is_retried(
    stack, database_url, topic_prefix
):
    topic = SCHEDULING.qualified(topic_prefix)
    await ensure_topics(stack.bootstrap_servers, [SCHEDULING], topic_prefix)
    pool = await create_pool(database_url, "public")
    async with pool.acquire() as conn:
        await conn.execute("CREATE TABLE total (minutes int NOT NULL); INSERT INTO total VALUES (0)")
    producer = make_producer(stack.bootstrap_servers)
    await producer.start()
    projection = Projection()
    consumer = ProjectionConsumer(pool, projection.apply, "test", DeadLetters(producer),
                                  backoff_seconds=0.01)
    await consumer.setup()
    broker = KafkaBroker(stack.bootstrap_servers, logger=None)
    subscribe(broker, consumer, topic, group_id=topic_prefix + "g", session_timeout_ms=2000)

    key = b"one-partition"
    newer = json.loads(encode(session_event(5)))
    newer.update(event_type="SessionRated")  # a contract of a newer producer, unknown here
    for value in (encode(session_event(10)), b"{not json", encode(session_event(13)),
                  encode(session_event(7)), encode(session_event(20)), json.dumps(newer).encode()):
        await producer.send_and_wait(topic, value, key=key, headers=[("trace", b"abc")])
    await broker.start()
    try:
        async def total() -> int:
            async with pool.acquire() as conn:
                return int(await conn.fetchval("SELECT minutes FROM total"))

        await eventually(lambda: consumer.applied == 3, within=30)
        assert await total() == 37, "10 + 7 (after the transient failure) + 20, nothing twice"
        parked = await read_raw(stack.bootstrap_servers, dlq_topic(topic), at_least=2, partitions=1)
        assert parked[0].value == b"{not json"
        reasons = [dict(r.headers)["dlq.error"].decode() for r in parked]
        assert "not a valid integration event" in reasons[0]
        assert "thirteen minutes is unlucky" in reasons[1]
        headers = dict(parked[1].headers)
        assert headers["trace"] == b"abc" and parked[1].key == key
        assert headers["dlq.topic"].decode() == topic and headers["dlq.offset"] == b"2"
        # an unknown contract is parked and counted, never skipped without a word (a batch
        # redelivered after the transient failure may park a message twice: replay is idempotent)
        async def unknown_parked() -> list[str]:
            parked = await read_raw(stack.bootstrap_servers, dlq_topic(topic), at_least=3, partitions=1)
            return [why for r in parked if "SessionRated" in (why := dict(r.headers)["dlq.error"].decode())]

        [unknown, *_] = await eventually(unknown_parked)
        assert "SessionRated v1 is not a contract this build knows" in unknown
        assert consumer.unknown >= 1
    finally:
        await broker.stop()
        await producer.stop()
        await pool.close()


async def test_a_replay_sends_a_parked_message_back_only_to_the_topic_whose_dead_letters_hold_it(
        stack, topic_prefix):  # type: ignore[no-untyped-def]
    # Several services may park on one .dlq topic; a message whose header names another topic
    # (forged by a writer of that .dlq, or mistaken) must stay parked, not reach that topic.
    await ensure_topics(stack.bootstrap_servers, [SCHEDULING, REPORTING], topic_prefix)
    scheduling, reporting = SCHEDULING.qualified(topic_prefix), REPORTING.qualified(topic_prefix)
    producer = make_producer(stack.bootstrap_servers)
    await producer.start()
    try:
        for names, value in ((scheduling, b"genuine"), (reporting, b"forged")):
            await producer.send_and_wait(dlq_topic(scheduling), value, key=b"k",
                                         headers=[("dlq.topic", names.encode()), ("trace", b"t")])
    finally:
        await producer.stop()
    sent = await replay_parked(stack.bootstrap_servers, [dlq_topic(scheduling)],
                               group_id=topic_prefix + "replay")
    assert sent == 1
    [back] = await read_raw(stack.bootstrap_servers, scheduling, at_least=1)
    assert back.value == b"genuine" and dict(back.headers) == {"trace": b"t"}
    consumer = AIOKafkaConsumer(bootstrap_servers=stack.bootstrap_servers)
    await consumer.start()
    try:
        partitions = [TopicPartition(reporting, p) for p in range(REPORTING.partitions)]
        assert set((await consumer.end_offsets(partitions)).values()) == {0}, "the forged one went out"
    finally:
        await consumer.stop()
