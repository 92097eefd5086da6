"""``/metrics`` of services built as their processes build them, on real PostgreSQL and a real
broker: the HTTP counter rises after a request, the relay's lag rises as events are stored and
falls once it pumps, and a consumer's applied counter rises as it applies events."""

from __future__ import annotations

import uuid

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from contracts import Role
from contracts.topics import SCHEDULING
from ect_platform.metrics import metrics_only_app, serving
from notifications import metrics as notifications_metrics
from notifications.entrypoints.api import create_api as create_notifications_api
from reporting import metrics as reporting_metrics
from reporting.bootstrap import bootstrap as bootstrap_reporting
from reporting.settings import ReportingSettings
from scheduling import metrics as scheduling_metrics
from scheduling.entrypoints.api import create_api
from tests.integration.test_entitlement_consumer import publish, scheduling_events
from tests.integration.test_notifications_delivery import (  # the fixtures, and how they record
    clock as clock,
)
from tests.integration.test_notifications_delivery import (
    notifications as notifications,
)
from tests.integration.test_notifications_delivery import record, register
from tests.integration.test_relay import drain, record_programme
from tests.integration.test_relay import scheduling as scheduling
from tests.support import eventually
from tests.unit.test_notification_rules import MENTOR_ID, mentor_assigned

pytestmark = pytest.mark.integration


def sample(text: str, name: str, **labels: str) -> float | None:
    """The value of the sample ``name`` whose labels include ``labels``; None if absent."""
    for family in text_string_to_metric_families(text):
        for found in family.samples:
            if found.name == name and labels.items() <= found.labels.items():
                return found.value
    return None


async def test_scheduling_metrics_show_requests_and_the_relay_falling_behind_and_catching_up(
        scheduling):  # type: ignore[no-untyped-def]
    exposed = scheduling_metrics.exposition(scheduling, relay=True, consumer=False)
    api = create_api(scheduling.app, scheduling.issuer, on_commit=lambda: None)
    served, port = serving(api, exposed, scheduling.settings.port, scheduling.settings.metrics_port)
    assert served is api and port == scheduling.settings.port
    token = scheduling.issuer.issue("lead-1", Role.HUB_LEAD)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=api), base_url="http://s") as http:
        async def scrape() -> str:
            response = await http.get("/metrics")
            assert response.status_code == 200
            return response.text

        await drain(scheduling.relay)
        head_before = scheduling.app.recorder.max_notification_id() or 0
        first = await scrape()
        assert sample(first, "ect_metrics_probe_success", probe="relay_lag") == 1.0
        assert sample(first, "ect_relay_lag_events", relay="scheduling") == 0.0
        requests = dict(app_name="scheduling", method="GET", path="/ects/{ect_id}", status_code="404")
        before = sample(first, "http_requests_total", **requests) or 0.0

        missing = uuid.uuid4()
        answer = await http.get(f"/ects/{missing}", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 404
        record_programme(scheduling, "3000001", sessions=4)  # 7 public events, and the TRN index's
        stored = scheduling.app.recorder.max_notification_id() - head_before
        assert stored >= 7
        behind = await scrape()
        assert sample(behind, "http_requests_total", **requests) == before + 1
        assert str(missing) not in behind  # a route template, never the raw path
        assert sample(behind, "ect_relay_lag_events", relay="scheduling") == stored
        published = sample(behind, "ect_relay_published_events_total", relay="scheduling")
        assert published is not None

        await drain(scheduling.relay)
        caught_up = await scrape()
        assert sample(caught_up, "ect_relay_lag_events", relay="scheduling") == 0.0
        assert sample(caught_up, "ect_relay_published_events_total", relay="scheduling") == published + 7
        assert sample(caught_up, "ect_relay_position", relay="scheduling") == \
            scheduling.app.recorder.max_notification_id()


@pytest.fixture
async def reporting(stack, database_url, topic_prefix):  # type: ignore[no-untyped-def]
    settings = ReportingSettings(database_url=database_url,
                                 kafka_bootstrap_servers=stack.bootstrap_servers,
                                 jwt_secret="unused-here-but-at-least-32-bytes-long",
                                 kafka_topic_prefix=topic_prefix, kafka_session_timeout_ms=2000,
                                 metrics_port=9102)
    service = await bootstrap_reporting(settings)
    yield service
    await service.close()


async def test_a_consumer_only_process_shows_events_applied_and_its_lag_on_its_metrics_port(
        reporting, stack):  # type: ignore[no-untyped-def]
    exposed = reporting_metrics.exposition(reporting, relay=False, consumer=True)
    served, port = serving(None, exposed, reporting.settings.port, reporting.settings.metrics_port)
    assert port == 9102 and served is not None
    topic = SCHEDULING.qualified(reporting.settings.kafka_topic_prefix)
    _, envelopes = scheduling_events(sessions=3, trn="3000002")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=served), base_url="http://r") as http:
        async def scrape() -> str:
            return (await http.get("/metrics")).text

        idle = await scrape()
        assert sample(idle, "ect_consumer_events_applied_total", consumer="reporting.projections") == 0.0
        assert sample(idle, "ect_projection_backlog_ects") == 0.0
        assert sample(idle, "ect_projection_quarantine_ects") == 0.0
        assert sample(idle, "ect_relay_lag_events") is None  # no relay in this process

        await reporting.broker.start()
        try:
            await publish(stack, topic, envelopes)

            async def applied() -> str | None:
                text = await scrape()
                count = sample(text, "ect_consumer_events_applied_total",
                               consumer="reporting.projections")
                return text if count == len(envelopes) else None

            text = await eventually(applied, within=30)
            # faststream's own middleware, added after the subscriber was declared, saw them too
            received = sample(text, "faststream_received_messages_total", app_name="reporting",
                              handler=topic)
            assert received is not None and received >= 1

            async def caught_up() -> str | None:
                text = await scrape()
                lag = sample(text, "ect_consumer_lag_messages", topic=topic, partition="0")
                return text if lag == 0.0 else None

            text = await eventually(caught_up, within=30)
            assert sample(text, "ect_metrics_probe_success", probe="consumer_lag") == 1.0
            assert sample(text, "ect_projection_backlog_ects") == 0.0
        finally:
            await reporting.broker.stop()
    assert metrics_only_app(exposed).state.metrics is exposed


async def test_notifications_metrics_show_what_waits_what_was_sent_and_the_outbox_relay(
        notifications):  # type: ignore[no-untyped-def]
    exposed = notifications_metrics.exposition(notifications, consumer=False, delivery=True)
    api = create_notifications_api(notifications.pool, notifications.issuer)
    served, _ = serving(api, exposed, notifications.settings.port, None)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=served), base_url="http://n") as http:
        async def scrape() -> str:
            return (await http.get("/metrics")).text

        await record(notifications, mentor_assigned())
        await register(notifications, str(MENTOR_ID), email="grace@school.example", name="Grace Hopper")
        waiting = await scrape()
        assert sample(waiting, "ect_notifications_waiting", status="pending") == 1.0
        assert sample(waiting, "ect_notifications_delivered_total", outcome="sent") == 0.0

        assert await notifications.delivery.run_once() == 1
        sent = await scrape()
        assert sample(sent, "ect_notifications_waiting", status="pending") == 0.0
        assert sample(sent, "ect_notifications_delivered_total", outcome="sent") == 1.0
        assert sample(sent, "ect_relay_lag_events", relay="notifications") == 1.0  # its outcome
        assert "grace@school.example" not in sent and str(MENTOR_ID) not in sent

        await notifications.relay.pump_once()
        relayed = await scrape()
        assert sample(relayed, "ect_relay_lag_events", relay="notifications") == 0.0
        assert sample(relayed, "ect_relay_published_events_total", relay="notifications") == 1.0
