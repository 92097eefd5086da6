"""A replay reads the whole history even when it was published in large batches (the embedded
broker reports end offsets at the start of the last batch, so they cannot be trusted)."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from contracts import encode
from contracts.topics import SCHEDULING
from ect_platform.kafka import ensure_topics, make_producer
from ect_platform.sealing import EnvelopeSealer
from reporting.bootstrap import bootstrap
from reporting.replay import ReplayRefusedError, replay
from reporting.settings import ReportingSettings
from scheduling.integration.outbound import to_integration_event
from tests.unit.scheduling_fixtures import Clock, ect_details, in_memory_app, provenance, session

pytestmark = pytest.mark.integration


async def test_a_replay_of_batched_history_applies_every_event(stack, database_url, topic_prefix):
    clock = Clock()
    app = in_memory_app(clock)
    ect_ids = [app.register_ect(provenance=provenance(), **ect_details(trn=str(3500000 + i)))
               for i in range(10)]
    clock.today = date(2026, 7, 1)
    for ect_id in ect_ids:
        for week in range(15):
            session(app, ect_id, date(2025, 9, 8) + timedelta(weeks=week))
    envelopes = [e for e in (to_integration_event(app.mapper.to_domain_event(n))
                             for n in app.recorder.select_notifications(start=1, limit=1000)) if e]
    assert len(envelopes) == 160

    settings = ReportingSettings(database_url=database_url, kafka_bootstrap_servers=stack.bootstrap_servers,
                                 jwt_secret="unused-here-but-at-least-32-bytes-long",
                                 kafka_topic_prefix=topic_prefix)
    service = await bootstrap(settings)  # the live tables the replay swaps out; no consumer runs
    producer = make_producer(stack.bootstrap_servers, linger_ms=200)  # large batches on purpose
    await producer.start()
    seal = EnvelopeSealer(service.app.keystore).seal  # as scheduling's relay publishes them
    acks = [await producer.send(SCHEDULING.qualified(topic_prefix), encode(seal(e)), key=e.key)
            for e in envelopes]
    for ack in acks:
        await ack
    await producer.stop()

    report = await replay(settings, lambda: date(2026, 7, 1))
    assert report.events == 160
    async with service.pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM inbox") == 160
        assert await conn.fetchval("SELECT sum(sessions_held) FROM entitlement") == 150
        # rebuilt with the live service's keys: the names read in clear, as the live rows did
        assert await conn.fetchval("SELECT count(*) FROM entitlement WHERE name = 'Ada Lovelace'") == 10
    await service.close()


async def test_a_replay_from_topics_that_lost_history_is_refused_and_the_live_tables_stay(
        stack, database_url, topic_prefix):
    clock = Clock()
    app = in_memory_app(clock)
    ect_ids = [app.register_ect(provenance=provenance(), **ect_details(trn=str(3600000 + i)))
               for i in range(3)]
    envelopes = [e for e in (to_integration_event(app.mapper.to_domain_event(n))
                             for n in app.recorder.select_notifications(start=1, limit=1000)) if e]
    live = ReportingSettings(database_url=database_url, kafka_bootstrap_servers=stack.bootstrap_servers,
                             jwt_secret="unused-here-but-at-least-32-bytes-long",
                             kafka_topic_prefix=topic_prefix, db_schema="reporting_lost")
    service = await bootstrap(live)
    seal = EnvelopeSealer(service.app.keystore).seal
    # the live projections applied the three registrations...
    await service.consumer.handle([SimpleNamespace(topic="t", partition=0, offset=n, key=None,
                                                   value=encode(seal(e)), headers=())
                                   for n, e in enumerate(envelopes)])
    async with service.pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM inbox") == len(ect_ids)
    # ...but the broker lost them (a restarted in-memory broker): its topics are empty
    with pytest.raises(ReplayRefusedError, match="inbox holds 0 events where the live one holds 3"):
        await replay(live, lambda: date(2026, 7, 1))
    async with service.pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM inbox") == 3
        assert await conn.fetchval("SELECT count(*) FROM entitlement") == 3
    await service.close()


async def test_the_platforms_topics_keep_every_message_for_ever(stack, topic_prefix):
    await ensure_topics(stack.bootstrap_servers, [SCHEDULING], topic_prefix + "kept.")
    admin = AIOKafkaAdminClient(bootstrap_servers=stack.bootstrap_servers)
    await admin.start()
    try:
        name = SCHEDULING.qualified(topic_prefix + "kept.")
        [described] = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, name)])
        configs = {entry[0]: entry[1] for resource in described.resources for entry in resource[4]}
        assert (configs["retention.ms"], configs["retention.bytes"]) == ("-1", "-1")
    finally:
        await admin.close()
