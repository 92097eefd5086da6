"""Upgrading stored states: a state stored before the induction facts were kept is stale (no
reminder comes of it), and a refold folds every state again from the topics, republished as
the relays republish them (same event ids), without notifying anyone a second time. Real
PostgreSQL and broker, the consumer as ``python -m notifications consumer`` runs it."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import pytest
from aiokafka import AIOKafkaProducer

from contracts import EventEnvelope, encode
from contracts.scheduling.v1 import EctLeft
from contracts.topics import SCHEDULING
from notifications.bootstrap import Notifications, refold
from notifications.clock import FixedClock
from notifications.projections import induction
from notifications.reminders import timeline_of
from tests.integration.test_notifications_delivery import (
    make_settings,
    service,
)
from tests.integration.test_notifications_scheduler import at_nine, recorded, registration
from tests.support import eventually
from tests.unit.test_notification_rules import envelope, mentor_assigned

pytestmark = pytest.mark.integration

OTHER_MENTOR = UUID("00000000-0000-4000-8000-00000000a002")



@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(at_nine(date(2026, 2, 6)))


@pytest.fixture
def settings(stack, database_url, topic_prefix, smtp):  # type: ignore[no-untyped-def]
    return make_settings(stack, database_url, topic_prefix, smtp[1], hub_lead_ids="lead-1",
                         disabled_rules="entitlement_at_risk,entitlement_escalated")


@pytest.fixture
async def notifications(settings, clock) -> AsyncIterator[Notifications]:  # type: ignore[no-untyped-def]
    async with service(settings, clock) as built:
        yield built


async def publish(stack: Any, topic: str, *events: EventEnvelope[Any]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=stack.bootstrap_servers, enable_idempotence=False)
    await producer.start()
    try:
        for event in events:
            await producer.send_and_wait(topic, encode(event), key=event.key)
    finally:
        await producer.stop()


async def consume(svc: Notifications, applied: int) -> None:
    await svc.broker.start()
    try:
        await eventually(lambda: svc.consumer.applied == applied)
    finally:
        await svc.broker.stop()


def history(ect_id: UUID) -> list[EventEnvelope[Any]]:
    """Registered, a mentor, leaving after more than a term: versions 1-3 of the ECT's record."""
    left = envelope(EctLeft(left_on=date(2026, 2, 13), reason="relocating", terms_served=1.4,
                            interim_assessment_due=True), ect_id=ect_id)
    events = [registration(ect_id), mentor_assigned(ect_id=ect_id), left]
    return [event.model_copy(update={"aggregate_id": ect_id, "aggregate_version": n})
            for n, event in enumerate(events, start=1)]


async def test_a_stale_state_is_reminded_of_nothing_and_a_refold_makes_it_whole_without_notifying_twice(
        notifications, settings, clock, stack):
    ect_id = uuid.uuid4()
    topic = SCHEDULING.qualified(settings.kafka_topic_prefix)
    events = history(ect_id)
    await publish(stack, topic, *events)
    await consume(notifications, 3)
    first = sorted((r["rule"], r["recipient_id"]) for r in await recorded(notifications))
    assert first == [("ect_left", "ab-1"), ("mentor_assigned", "00000000-0000-4000-8000-00000000a001")]

    # the state as this service stored it before the facts were kept
    legacy = {"ect_id": str(ect_id), "school_id": "100001", "appropriate_body_id": "ab-1",
              "induction_tutor_id": "tutor-1", "start": "2025-09-01", "period_start": "2025-09-01",
              "fte_history": [{"effective_from": "2025-09-01", "fte": 1.0}], "left_on": "2026-02-13",
              "interim_assessment_due": True, "terms_reported": [], "absence_days_by_year": {},
              "sessions_in_period": 0}
    await notifications.pool.execute("UPDATE induction SET state = $2::jsonb, version = version + 1 "
                                     "WHERE ect_id = $1", ect_id, json.dumps(legacy))
    assert await notifications.scheduler.run_once() == 0
    assert notifications.scheduler.stale == 1

    assert await refold(settings) == (1, 3)
    assert await notifications.pool.fetchval("SELECT count(*) FROM induction") == 0
    # a new event reaches the topic before the relay republishes the history behind it
    live = mentor_assigned(ect_id=ect_id, mentor_id=OTHER_MENTOR, assigned_on=date(2026, 1, 5))
    live = live.model_copy(update={"aggregate_id": ect_id, "aggregate_version": 4})
    await publish(stack, topic, live, *events)
    await consume(notifications, 3 + 4)

    rows = sorted((r["rule"], r["recipient_id"]) for r in await recorded(notifications))
    # the history notified nobody again; the new assignment did
    assert rows == sorted([*first, ("mentor_assigned", str(OTHER_MENTOR))])
    refolded = await induction.get(notifications.pool, ect_id)
    assert refolded is not None and not refolded.stale
    assert [p.kind for p in refolded.posts] == ["start", "end"]
    assert refolded.mentor_id == str(OTHER_MENTOR)  # version 4 is the latest, whatever came first
    # and the clock is asked again: the interim assessment held on the last day in post (2.62)
    (interim,) = [r for r in timeline_of(refolded, {}, date(2026, 2, 6)).reports
                  if r.kind == "interim_assessment"]
    assert interim.held_on == date(2026, 2, 13)
    clock.set(at_nine(interim.due_on - timedelta(days=7)))
    assert await notifications.scheduler.run_once() > 0
    reminded = {(r["recipient_id"], r["occasion"], r["due_on"])
                for r in await recorded(notifications, rule="report_due")}
    assert ("tutor-1", f"7-days-before@{interim.due_on.isoformat()}", interim.due_on) in reminded
    assert await notifications.pool.fetchval("SELECT count(*) FROM refolding") == 0
