"""The notifications consumer on real PostgreSQL and a real broker: one notification per event.

Each consumer start costs a consumer-group join, and a restart waits for the old member's
session to expire; a short session timeout keeps both near a second. The tests poll for
outcomes rather than sleeping.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date
from typing import Any

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer

from contracts import EventEnvelope, encode
from contracts.reporting.v1 import SupportPlanShared
from contracts.scheduling.v1 import EctLeft, MentorRegistered, Phase, SchoolRegistered
from contracts.topics import REPORTING, SCHEDULING
from ect_platform.sealing import EnvelopeSealer
from notifications.bootstrap import Notifications, bootstrap
from notifications.settings import NotificationsSettings
from tests.support import eventually
from tests.unit.test_notification_induction import registered
from tests.unit.test_notification_rules import envelope, mentor_assigned, term_report_submitted

pytestmark = pytest.mark.integration


@pytest.fixture
def settings(stack, database_url, topic_prefix) -> NotificationsSettings:  # type: ignore[no-untyped-def]
    return NotificationsSettings(database_url=database_url,  # type: ignore[call-arg]
                                 kafka_bootstrap_servers=stack.bootstrap_servers,
                                 jwt_secret="unused-here-but-at-least-32-bytes-long",
                                 kafka_topic_prefix=topic_prefix,
                                 kafka_session_timeout_ms=2000)


@asynccontextmanager
async def running(settings: NotificationsSettings) -> AsyncIterator[Notifications]:
    """The service's consumer, started as ``python -m notifications consumer`` starts it."""
    service = await bootstrap(settings)
    await service.broker.start()
    try:
        yield service
    finally:
        await service.broker.stop()
        await service.close()


@pytest.fixture
async def publish(stack, settings) -> AsyncIterator[Callable[..., Any]]:  # type: ignore[no-untyped-def]
    """Publishes envelopes as the producers' relays do: personal fields sealed under the
    person's key, in the key store the service opens them with."""
    keystore = await asyncio.to_thread(settings.keystore)
    sealer = EnvelopeSealer(keystore)
    producer = AIOKafkaProducer(bootstrap_servers=stack.bootstrap_servers, acks="all",
                                enable_idempotence=False)
    await producer.start()

    async def send(*envelopes: EventEnvelope[Any]) -> None:
        for event in await asyncio.to_thread(lambda: [sealer.seal(e) for e in envelopes]):
            topic = SCHEDULING if event.source == "scheduling" else REPORTING
            await producer.send_and_wait(topic.qualified(settings.kafka_topic_prefix),
                                         encode(event), key=event.key)

    yield send
    await producer.stop()
    await asyncio.to_thread(keystore.close)


async def notifications_in(settings: NotificationsSettings) -> list[dict[str, Any]]:
    conn = await asyncpg.connect(settings.database_url,
                                 server_settings={"search_path": settings.db_schema})
    try:
        rows = await conn.fetch("SELECT rule, recipient_id, event_id FROM notification")
    finally:
        await conn.close()
    return [dict(row) for row in rows]


async def test_each_event_yields_one_notification_even_when_it_is_published_twice(settings, publish):
    assigned, submitted = mentor_assigned(), term_report_submitted()
    async with running(settings) as service:
        await publish(assigned, submitted, assigned)
        await eventually(lambda: service.consumer.applied + service.consumer.duplicates == 3)
        rows = await notifications_in(settings)
    assert sorted((r["rule"], r["recipient_id"], r["event_id"]) for r in rows) == sorted([
        ("mentor_assigned", str(assigned.payload.mentor_id), assigned.event_id),
        ("term_report_submitted", "ab-1", submitted.event_id),
    ])
    assert (service.consumer.applied, service.consumer.duplicates) == (2, 1)


async def test_a_consumer_restarted_in_its_group_resumes_after_what_it_committed(settings, publish):
    # One ECT, so both events share a partition: had the first consumer's offsets not been
    # committed, the restarted one would read the first event again before the second.
    ect_id = uuid.uuid4()
    before, after = mentor_assigned(ect_id=ect_id), mentor_assigned(ect_id=ect_id)
    async with running(settings) as first:
        await publish(before)
        await eventually(lambda: first.consumer.applied == 1)
    await publish(after)
    async with running(settings) as restarted:
        await eventually(lambda: restarted.consumer.applied == 1)
        assert restarted.consumer.duplicates == 0
    assert sorted(r["event_id"] for r in await notifications_in(settings)) == sorted(
        [before.event_id, after.event_id])


async def test_rules_that_need_the_ects_record_find_it_in_the_projection_the_consumer_keeps(
        settings, publish):
    # EctLeft names no appropriate body: the registration the consumer saw earlier does.
    ect_id = uuid.uuid4()
    registration = registered().model_copy(update={"ect_id": ect_id, "event_id": uuid.uuid4()})
    left = envelope(EctLeft(left_on=date(2026, 2, 13), reason="relocating", terms_served=1.4,
                            interim_assessment_due=True), ect_id=ect_id)
    plan = envelope(SupportPlanShared(plan_id=uuid.uuid4(), shared_on=date(2025, 12, 5), summary="Coaching.",
                                      appropriate_body_id="ab-1"), ect_id=ect_id, source="reporting")
    async with running(settings) as service:
        await publish(registration, left, plan)
        await eventually(lambda: service.consumer.applied == 3)
        rows = await notifications_in(settings)
    assert sorted((r["rule"], r["recipient_id"]) for r in rows) == [
        ("ect_left", "ab-1"), ("support_plan_shared", "ab-1"), ("support_plan_shared", "hub-lead")]


async def test_messages_name_the_ect_and_the_mentor_whichever_of_their_events_comes_first(
        settings, publish):
    """People read names: the mentor's mail names the ECT by name and TRN, never the ECT's id,
    and the mentor's name reaches the ECT's record although MentorRegistered (keyed by the
    mentor, so on another partition) may come after the assignment."""
    ect_id = uuid.uuid4()
    registration = registered().model_copy(update={"ect_id": ect_id, "aggregate_id": ect_id,
                                                    "event_id": uuid.uuid4()})
    assigned = mentor_assigned(ect_id=ect_id)
    mentor = envelope(MentorRegistered(mentor_id=assigned.payload.mentor_id, trn="7654321",
                                       name="Grace Hopper", school_id="100001", phase=Phase.SECONDARY,
                                       years_teaching=8), ect_id=None)
    mentor = mentor.model_copy(update={"ect_id": None, "aggregate_id": assigned.payload.mentor_id})
    school = envelope(SchoolRegistered(school_id="100001", name="Oakwood Primary School"))
    school = school.model_copy(update={"ect_id": None})
    async with running(settings) as service:
        await publish(registration, assigned)
        await eventually(lambda: service.consumer.applied == 2)
        await publish(mentor, school)
        await eventually(lambda: service.consumer.applied == 4)
    conn = await asyncpg.connect(settings.database_url, server_settings={"search_path": settings.db_schema})
    try:
        body = await conn.fetchval("SELECT body FROM notification WHERE rule = 'mentor_assigned'")
        state = await conn.fetchval("SELECT state FROM induction WHERE ect_id = $1", ect_id)
    finally:
        await conn.close()
    assert "You are the mentor of Ada Lovelace (TRN 1234567) from" in body
    assert str(ect_id) not in body
    assert json.loads(state)["mentor_name"] == "Grace Hopper"
    assert json.loads(state)["school_name"] == "Oakwood Primary School"
