"""The relay on real PostgreSQL and a real broker: in order, acknowledged, never skipped."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

import pytest

from contracts import decode
from contracts.topics import SCHEDULING
from ect_platform import cloudevents
from ect_platform.relay import PositionStore, Relay
from scheduling.bootstrap import Scheduling, bootstrap
from scheduling.settings import SchedulingSettings
from tests.support.kafka import read_records, read_topic
from tests.unit.scheduling_fixtures import START, Clock, ect_details, mentor_details, provenance

pytestmark = pytest.mark.integration


@pytest.fixture
async def scheduling(stack, database_url, topic_prefix):  # type: ignore[no-untyped-def]
    settings = SchedulingSettings(database_url=database_url,
                                  kafka_bootstrap_servers=stack.bootstrap_servers,
                                  jwt_secret="unused-here-but-at-least-32-bytes-long",
                                  kafka_topic_prefix=topic_prefix)
    service = await bootstrap(settings)
    service.app.today = Clock(START)
    yield service
    await service.close()


def record_programme(service: Scheduling, trn: str, sessions: int) -> None:
    """One ECT with a mentor and ``sessions`` weekly sessions: 3 + sessions events."""
    app = service.app
    app.today = Clock(START)
    ect_id = app.register_ect(provenance=provenance(), **ect_details(trn=trn))
    mentor_id = app.register_mentor(provenance=provenance("hub_lead"),
                                    **mentor_details(trn=str(int(trn) + 1)))
    app.assign_mentor(ect_id, mentor_id, assigned_on=date(2025, 9, 1), override_reason=None,
                      provenance=provenance("hub_lead"))
    app.today = Clock(date(2026, 7, 1))
    for week in range(sessions):
        app.record_session(ect_id, request_id=f"s{week}", held_on=date(2025, 9, 8) + timedelta(weeks=week),
                           minutes=60, observation_included=True, action_step=None,
                           provenance=provenance("hub_lead"))


def topic(service: Scheduling) -> str:
    return SCHEDULING.qualified(service.settings.kafka_topic_prefix)


async def drain(relay: Relay) -> None:
    while await relay.pump_once():
        pass


async def test_the_relay_publishes_every_public_event_once_in_order_keyed_by_ect(scheduling, stack):
    record_programme(scheduling, "1000001", sessions=5)
    await drain(scheduling.relay)
    messages = await read_topic(stack.bootstrap_servers, topic(scheduling), at_least=8)
    types = [envelope.event_type for _, envelope in messages]
    assert Counter(types) == {"EctRegistered": 1, "MentorRegistered": 1, "MentorAssigned": 1,
                              "SessionHeld": 5}
    ect_messages = [(k, e) for k, e in messages if e.ect_id is not None]
    assert {k for k, _ in ect_messages} == {str(ect_messages[0][1].ect_id).encode()}
    versions = [e.aggregate_version for _, e in ect_messages]
    assert versions == sorted(versions), "one ECT's events must stay in order"
    assert await scheduling.relay._positions.get() == scheduling.app.recorder.max_notification_id()


async def test_every_message_carries_its_cloudevents_attributes_in_headers(scheduling, stack):
    """Binary content mode: a consumer knows what a message is from its headers alone."""
    record_programme(scheduling, "1000002", sessions=2)
    await drain(scheduling.relay)
    records = await read_records(stack.bootstrap_servers, topic(scheduling), at_least=5)
    assert records
    for record in records:
        envelope = decode(record.value)  # the value is still the whole envelope
        headers = {name: value.decode() for name, value in record.headers}
        assert headers["ce_specversion"] == "1.0"
        assert headers["ce_id"] == str(envelope.event_id)
        assert headers["ce_source"] == "/ect-platform/scheduling"
        assert headers["ce_type"] == f"ect.scheduling.{envelope.event_type}.v{envelope.event_version}"
        assert datetime.fromisoformat(headers["ce_time"]) == envelope.recorded_at
        assert headers["ce_subject"] == str(envelope.ect_id or envelope.aggregate_id)
        assert headers["content-type"] == "application/json"
        version, trace, span, flags = headers["traceparent"].split("-")
        assert (version, trace, span, flags) == ("00", envelope.correlation_id.hex,
                                                 envelope.event_id.hex[:16], "01")
        assert cloudevents.contract_of(record.headers) == (envelope.event_type, envelope.event_version)


class CrashAfterPublish(PositionStore):
    """Dies as if killed after the broker acknowledged but before the position was recorded."""

    async def set(self, position: int) -> None:
        raise ConnectionError("killed between publish and record")


async def test_a_relay_killed_between_publish_and_record_republishes_and_skips_nothing(
    scheduling, stack
):
    record_programme(scheduling, "1000011", sessions=3)
    crashing = Relay(read_batch=scheduling.relay._read_batch, producer=scheduling.producer,
                     topic=topic(scheduling), positions=CrashAfterPublish(scheduling.pool, "scheduling"))
    with pytest.raises(ConnectionError):
        await crashing.pump_once()
    assert await scheduling.relay._positions.get() == 0, "nothing was recorded"

    await drain(scheduling.relay)  # the restarted relay
    messages = await read_topic(stack.bootstrap_servers, topic(scheduling), at_least=12)
    ids = Counter(envelope.event_id for _, envelope in messages)
    assert len(ids) == 6, "every event is there"
    assert set(ids.values()) == {2}, "each was published twice, with the same event id"


async def test_a_restarted_relay_continues_after_its_recorded_position_without_a_gap(scheduling, stack):
    record_programme(scheduling, "1000021", sessions=2)
    await drain(scheduling.relay)
    first_position = await scheduling.relay._positions.get()

    record_programme(scheduling, "1000031", sessions=4)
    restarted = Relay(read_batch=scheduling.relay._read_batch, producer=scheduling.producer,
                      topic=topic(scheduling), positions=PositionStore(scheduling.pool, "scheduling"))
    await drain(restarted)
    messages = await read_topic(stack.bootstrap_servers, topic(scheduling), at_least=12)
    ids = Counter(envelope.event_id for _, envelope in messages)
    assert len(ids) == 12 and set(ids.values()) == {1}, "no gap and no repeat"
    assert await restarted._positions.get() > first_position


async def test_republish_from_a_position_sends_history_again_with_the_same_event_ids(scheduling, stack):
    from ect_platform.relay import rewind

    record_programme(scheduling, "1000041", sessions=2)
    await drain(scheduling.relay)
    old = await rewind(scheduling.pool, "scheduling", 1)
    assert old == scheduling.app.recorder.max_notification_id()
    await drain(scheduling.relay)
    messages = await read_topic(stack.bootstrap_servers, topic(scheduling), at_least=10)
    ids = Counter(envelope.event_id for _, envelope in messages)
    assert len(ids) == 5 and set(ids.values()) == {2}, "each event again, recognisable by its id"
