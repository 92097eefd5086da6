"""OpenTelemetry traces across two services on real PostgreSQL and a real broker: a request to
scheduling, its command and store, the relay's publish, and reporting's consumer applying the
event are spans of one trace whose id is the request's correlation id, each linked to the one
before it through the message's ``traceparent``; collected by an in-process exporter."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from contracts import Role
from ect_platform import tracing
from scheduling.entrypoints.api import create_api
from tests.integration.test_entitlement_consumer import reporting as reporting
from tests.integration.test_relay import drain
from tests.integration.test_relay import scheduling as scheduling
from tests.support import eventually

pytestmark = pytest.mark.integration


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing.install(provider)
    try:
        yield exporter
    finally:
        tracing.install(None)
        provider.shutdown()


async def test_one_trace_runs_from_schedulings_request_to_reportings_consumer(
        scheduling, reporting, spans):  # type: ignore[no-untyped-def]
    correlation = uuid.uuid4()
    api = create_api(scheduling.app, scheduling.issuer)
    token = scheduling.issuer.issue("ab-1", Role.APPROPRIATE_BODY)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=api), base_url="http://s") as http:
        answer = await http.post("/ects", headers={
            "Authorization": f"Bearer {token}", "X-Correlation-Id": str(correlation)}, json={
            "trn": "4000001", "name": "Ada Lovelace", "date_of_birth": "1999-12-10",
            "school_id": "100001", "subject": "mathematics", "phase": "secondary",
            "qts_date": "2025-07-01", "induction_start_date": "2025-09-01", "fte": 1.0,
            "appropriate_body_id": "ab-1", "induction_programme": "provider_led",
            "induction_tutor_id": "tutor-1", "registration_received_on": "2025-09-01"})
    assert answer.status_code == 201, answer.text
    await drain(scheduling.relay)
    await reporting.broker.start()
    try:
        def applied() -> list:  # type: ignore[type-arg]
            return [s for s in spans.get_finished_spans() if s.kind == SpanKind.CONSUMER
                    and s.name == "apply EctRegistered"]

        await eventually(applied, within=30)
    finally:
        await reporting.broker.stop()

    mine = [s for s in spans.get_finished_spans() if s.context.trace_id == correlation.int]
    by_name = {s.name: s for s in mine}
    server, command = by_name["POST /ects"], by_name["command register_ect"]
    produced, consumed = by_name["publish EctRegistered"], by_name["apply EctRegistered"]
    assert server.kind == SpanKind.SERVER and server.attributes["http.response.status_code"] == 201
    assert server.attributes["http.route"] == "/ects"
    assert command.parent.span_id == server.context.span_id  # the command inside the request
    assert produced.kind == SpanKind.PRODUCER
    assert produced.attributes["messaging.message.id"] == consumed.attributes["messaging.message.id"]
    # reporting's span is the child of scheduling's relay span, through the message's header
    assert consumed.parent.span_id == produced.context.span_id
    assert consumed.attributes["messaging.consumer.group.name"] == "reporting.projections"


async def test_without_a_provider_no_span_is_made_and_the_header_keeps_the_correlation_id(
        scheduling):  # type: ignore[no-untyped-def]
    from contracts.topics import SCHEDULING
    from tests.integration.test_relay import record_programme
    from tests.support.kafka import read_records

    assert not tracing.enabled()
    record_programme(scheduling, "4000002", sessions=1)
    await drain(scheduling.relay)
    records = await read_records(scheduling.settings.kafka_bootstrap_servers,
                                 SCHEDULING.qualified(scheduling.settings.kafka_topic_prefix),
                                 at_least=2)
    from contracts import decode

    for record in records:
        version, trace_id, _, flags = dict(record.headers)["traceparent"].decode().split("-")
        assert (version, trace_id, flags) == ("00", decode(record.value).correlation_id.hex, "01")
