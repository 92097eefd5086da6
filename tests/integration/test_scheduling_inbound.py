"""scheduling learns the AB's decisions from reporting's topic, once each: the outcome (then it
refuses a second claim), and the extensions and reductions its clock counts."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime

import pytest

from contracts import Actor, EventEnvelope, Role, encode
from contracts.base import EventPayload
from contracts.reporting.v1 import (
    AppealDecided,
    AppealOutcome,
    Decision,
    InductionExtended,
    InductionOutcomeRecorded,
    InductionReduced,
    Outcome,
)
from contracts.topics import REPORTING
from ect_platform.kafka import dlq_topic, make_producer
from scheduling.bootstrap import bootstrap
from scheduling.domain.errors import InductionAlreadyCompletedError
from scheduling.settings import SchedulingSettings
from tests.support import eventually
from tests.support.kafka import read_raw
from tests.unit.scheduling_fixtures import START, Clock, ect_details, provenance, view

pytestmark = pytest.mark.integration


@pytest.fixture
async def scheduling(stack, database_url, topic_prefix):  # type: ignore[no-untyped-def]
    settings = SchedulingSettings(database_url=database_url,
                                  kafka_bootstrap_servers=stack.bootstrap_servers,
                                  jwt_secret="unused-here-but-at-least-32-bytes-long",
                                  kafka_topic_prefix=topic_prefix,
                                  kafka_session_timeout_ms=2000)
    service = await bootstrap(settings)
    service.app.today = Clock(START)
    yield service
    await service.close()


def reporting_event(ect_id: uuid.UUID, payload: EventPayload) -> EventEnvelope[EventPayload]:
    return EventEnvelope[type(payload)](  # type: ignore[misc]
        event_id=uuid.uuid4(), event_type=payload.event_type, event_version=1,
        occurred_at=datetime(2027, 7, 20, tzinfo=UTC), recorded_at=datetime(2027, 7, 20, 9, tzinfo=UTC),
        source="reporting", aggregate_id=uuid.uuid4(), aggregate_version=1, ect_id=ect_id,
        actor=Actor(id="ab-1", role=Role.APPROPRIATE_BODY), correlation_id=uuid.uuid4(),
        payload=payload,
    )


def outcome_event(ect_id: uuid.UUID) -> EventEnvelope[EventPayload]:
    return reporting_event(ect_id, InductionOutcomeRecorded(
        outcome=Outcome.PASSED, decided_on=date(2027, 7, 20), appropriate_body_id="ab-1"))


async def publish_twice(scheduling, stack, *events: EventEnvelope[EventPayload]) -> None:  # type: ignore[no-untyped-def]
    """Each event delivered twice, as at-least-once delivery may: the second changes nothing."""
    producer = make_producer(stack.bootstrap_servers)
    await producer.start()
    topic = REPORTING.qualified(scheduling.settings.kafka_topic_prefix)
    for event in events:
        for _ in range(2):
            await producer.send_and_wait(topic, encode(event), key=event.key)
    await producer.stop()


async def test_an_outcome_published_by_reporting_closes_the_induction_in_scheduling(scheduling, stack):
    ect_id = scheduling.app.register_ect(provenance=provenance(), **ect_details(trn="3100001"))
    await publish_twice(scheduling, stack, outcome_event(ect_id))

    await scheduling.broker.start()
    try:
        await eventually(lambda: scheduling.inbound.applied == 2)
        assert scheduling.app.get_induction(ect_id).status == "passed"
        completed = [n for n in scheduling.app.recorder.select_notifications(start=1, limit=100)
                     if n.topic.endswith("InductionCompleted")]
        assert len(completed) == 1
    finally:
        await scheduling.broker.stop()
    scheduling.app.today = Clock(date(2027, 9, 1))
    with pytest.raises(InductionAlreadyCompletedError):
        scheduling.app.register_ect(
            provenance=provenance(actor_id="ab-2"), received_on=date(2027, 9, 1),
            **ect_details(trn="3100001", appropriate_body_id="ab-2",
                          induction_start_date=date(2027, 9, 1)))


async def test_an_ab_extension_and_reduction_from_reporting_are_counted_once_paragraphs_3_2_3_8(
        scheduling, stack):
    ect_id = scheduling.app.register_ect(provenance=provenance(), **ect_details(trn="3100002"))
    reduced = reporting_event(ect_id, InductionReduced(
        reduction_terms=2.0, reason="two terms' teaching overseas", ect_consented_on=date(2025, 9, 3),
        decided_on=date(2025, 9, 5), appropriate_body_id="ab-1", terms_required=4.0))
    extended = reporting_event(ect_id, InductionExtended(
        extension_terms=1.5, reason="more time to meet the standards", decided_on=date(2027, 3, 1),
        appropriate_body_id="ab-1"))
    await publish_twice(scheduling, stack, reduced, extended)

    await scheduling.broker.start()
    try:
        await eventually(lambda: scheduling.inbound.applied == 4)
    finally:
        await scheduling.broker.stop()
    ect = view(scheduling.app, ect_id)
    assert ect["terms_required"] == 5.5, "six, less two, plus one and a half: each once"
    assert [line["source"] for line in ect["breakdown"]["required"]] == [
        "statutory", "reduction", "appropriate_body"]
    learnt = [n.topic for n in scheduling.app.recorder.select_notifications(start=1, limit=100)
              if n.originator_id == ect_id]
    assert sum(t.endswith(("InductionExtended", "InductionReduced")) for t in learnt) == 2


async def test_an_appeal_allowed_or_extended_by_the_tra_reopens_the_induction_once_regulation_14(
        scheduling, stack):
    allowed_ect = scheduling.app.register_ect(provenance=provenance(), **ect_details(trn="3100004"))
    extended_ect = scheduling.app.register_ect(provenance=provenance(), **ect_details(trn="3100005"))

    def failed(ect_id: uuid.UUID) -> EventEnvelope[EventPayload]:
        return reporting_event(ect_id, InductionOutcomeRecorded(
            outcome=Outcome.FAILED, decided_on=date(2027, 7, 20), appropriate_body_id="ab-1"))

    def appeal(ect_id: uuid.UUID, outcome: AppealOutcome, terms: float | None) -> EventEnvelope[EventPayload]:
        return reporting_event(ect_id, AppealDecided(
            appeal_id=uuid.uuid4(), appeal_outcome=outcome, decided_on=date(2027, 10, 1),
            decision=Decision.FAILED, appropriate_body_id="ab-1", extension_terms=terms))

    await publish_twice(scheduling, stack,
                        failed(allowed_ect), appeal(allowed_ect, AppealOutcome.ALLOWED, None),
                        failed(extended_ect), appeal(extended_ect, AppealOutcome.EXTENDED, 2.0))
    await scheduling.broker.start()
    try:
        await eventually(lambda: scheduling.inbound.applied == 8)
    finally:
        await scheduling.broker.stop()
    for ect_id in (allowed_ect, extended_ect):
        assert scheduling.app.get_induction(ect_id).status == "open", "the fail is set aside"
        learnt = [n.topic for n in scheduling.app.recorder.select_notifications(start=1, limit=200)
                  if n.originator_id == ect_id]
        assert sum(t.endswith("InductionReopened") for t in learnt) == 1, "once, though delivered twice"
    assert view(scheduling.app, allowed_ect)["terms_required"] == 6.0
    assert view(scheduling.app, extended_ect)["terms_required"] == 8.0, "six, and the TRA's two, once"


async def test_a_malformed_message_and_an_unknown_contract_on_reportings_topic_are_parked_not_dropped(
        scheduling, stack):
    ect_id = scheduling.app.register_ect(provenance=provenance(), **ect_details(trn="3100003"))
    newer = json.loads(encode(outcome_event(ect_id)))
    newer.update(event_type="InductionOutcomeRecorded", event_version=99)  # a newer producer's
    producer = make_producer(stack.bootstrap_servers)
    await producer.start()
    topic = REPORTING.qualified(scheduling.settings.kafka_topic_prefix)
    key = str(ect_id).encode()
    for value in (b"{not json", json.dumps(newer).encode(), encode(outcome_event(ect_id))):
        await producer.send_and_wait(topic, value, key=key)
    await producer.stop()
    await scheduling.broker.start()
    try:
        await eventually(lambda: scheduling.inbound.applied == 1)
        assert scheduling.inbound.parked == 2
        parked = await read_raw(stack.bootstrap_servers, dlq_topic(topic), at_least=2)
        reasons = sorted(dict(r.headers)["dlq.error"].decode() for r in parked)
        assert "not a contract this build knows" in reasons[0] and "v99" in reasons[0]
        assert "not a valid integration event" in reasons[1]
    finally:
        await scheduling.broker.stop()
