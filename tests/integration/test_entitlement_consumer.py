"""reporting's consumer on a real broker and PostgreSQL: redelivery counts once, restarts resume."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from faststream.kafka import KafkaBroker

from contracts import encode
from contracts.topics import SCHEDULING
from ect_platform.inbox import subscribe
from ect_platform.kafka import make_producer
from ect_platform.sealing import EnvelopeSealer
from reporting.bootstrap import bootstrap
from reporting.projections import entitlement
from reporting.projections.consumer import ReportingConsumer
from reporting.settings import ReportingSettings
from scheduling.integration.outbound import to_integration_event
from tests.support import eventually
from tests.unit.scheduling_fixtures import Clock, ect_details, in_memory_app, provenance

pytestmark = pytest.mark.integration

# Short, so a restarted consumer need not wait long for its old membership to expire.
SESSION_TIMEOUT_MS = 2000


def scheduling_events(sessions: int, trn: str = "2000001", sealer: EnvelopeSealer | None = None):  # type: ignore[no-untyped-def]
    """Real envelopes, made by scheduling's own application and translator, in memory; with
    ``sealer``, their personal fields sealed as scheduling's relay publishes them."""
    clock = Clock()
    app = in_memory_app(clock)
    ect_id = app.register_ect(provenance=provenance(), **ect_details(trn=trn))
    clock.today = date(2026, 7, 1)
    for week in range(sessions):
        app.record_session(ect_id, request_id=str(week), held_on=date(2025, 9, 8) + timedelta(weeks=week),
                           minutes=45, observation_included=True, action_step=None,
                           provenance=provenance("hub_lead"))
    envelopes = [to_integration_event(app.mapper.to_domain_event(n))
                 for n in app.recorder.select_notifications(start=1, limit=1000)]
    made = [e for e in envelopes if e is not None]
    return ect_id, [sealer.seal(e) for e in made] if sealer else made


@pytest.fixture
async def reporting(stack, database_url, topic_prefix):  # type: ignore[no-untyped-def]
    settings = ReportingSettings(database_url=database_url,
                                 kafka_bootstrap_servers=stack.bootstrap_servers,
                                 jwt_secret="unused-here-but-at-least-32-bytes-long",
                                 kafka_topic_prefix=topic_prefix,
                                 kafka_session_timeout_ms=SESSION_TIMEOUT_MS)
    service = await bootstrap(settings)
    yield service
    await service.close()


async def publish(stack, topic: str, envelopes) -> None:  # type: ignore[no-untyped-def]
    producer = make_producer(stack.bootstrap_servers)
    await producer.start()
    try:
        for envelope in envelopes:
            await producer.send_and_wait(topic, encode(envelope), key=envelope.key)
    finally:
        await producer.stop()


def fresh_broker(reporting, stack) -> tuple[KafkaBroker, ReportingConsumer]:  # type: ignore[no-untyped-def]
    """A consumer process as it would start again: same group, new objects."""
    consumer = ReportingConsumer(reporting.pool, reporting.projections, name="test")
    broker = KafkaBroker(stack.bootstrap_servers, logger=None)
    prefix = reporting.settings.kafka_topic_prefix
    subscribe(broker, consumer, SCHEDULING.qualified(prefix), group_id=prefix + "reporting-projections",
              session_timeout_ms=SESSION_TIMEOUT_MS)
    return broker, consumer


async def sessions_held(reporting, ect_id) -> int | None:  # type: ignore[no-untyped-def]
    row = await entitlement.get(reporting.pool, ect_id)
    return row["sessions_held"] if row else None


def sealed_for(reporting) -> EnvelopeSealer:  # type: ignore[no-untyped-def]
    """Sealing with the key store reporting opens with (the platform's, shared by the services)."""
    return EnvelopeSealer(reporting.app.keystore)


async def test_the_same_event_delivered_twice_counts_once(reporting, stack):
    ect_id, envelopes = scheduling_events(sessions=2, sealer=sealed_for(reporting))
    assert envelopes[0].sealed is not None, "the registration travels sealed"
    topic = SCHEDULING.qualified(reporting.settings.kafka_topic_prefix)
    await publish(stack, topic, envelopes + envelopes[-1:])  # the last session, redelivered
    await reporting.broker.start()
    try:
        await eventually(lambda: reporting.consumer.applied + reporting.consumer.duplicates >= 4)
        assert await sessions_held(reporting, ect_id) == 2
        assert reporting.consumer.duplicates == 1
        row = await entitlement.get(reporting.pool, ect_id)
        assert row is not None and row["minutes_coached"] == 90
        assert (row["name"], row["trn"]) == ("Ada Lovelace", "2000001")  # opened with its key
    finally:
        await reporting.broker.stop()


async def test_a_restarted_consumer_resumes_from_its_committed_position(reporting, stack):
    ect_id, envelopes = scheduling_events(sessions=5, trn="2000011", sealer=sealed_for(reporting))
    topic = SCHEDULING.qualified(reporting.settings.kafka_topic_prefix)
    await publish(stack, topic, envelopes[:4])  # registration and three sessions
    first, first_consumer = fresh_broker(reporting, stack)
    await first.start()
    try:
        await eventually(lambda: sessions_held(reporting, ect_id), within=30)
        await eventually(lambda: first_consumer.applied == 4, within=30)
    finally:
        await first.stop()

    await publish(stack, topic, envelopes[4:])
    second, second_consumer = fresh_broker(reporting, stack)
    await second.start()
    try:
        await eventually(lambda: second_consumer.applied == 2, within=30)
        assert second_consumer.duplicates == 0, "it must not re-read what the first one committed"
        assert await sessions_held(reporting, ect_id) == 5
    finally:
        await second.stop()
