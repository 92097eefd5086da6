"""scheduling learns the AB's outcome from reporting's topic, once, and then refuses a second claim."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from contracts import Actor, EventEnvelope, Role, encode
from contracts.reporting.v1 import InductionOutcomeRecorded, Outcome
from contracts.topics import REPORTING
from ect_platform.kafka import make_producer
from scheduling.bootstrap import bootstrap
from scheduling.domain.errors import InductionAlreadyCompletedError
from scheduling.settings import SchedulingSettings
from tests.support import eventually
from tests.unit.scheduling_fixtures import START, Clock, ect_details, provenance

pytestmark = pytest.mark.integration


@pytest.fixture
async def scheduling(stack, database_url, topic_prefix):  # type: ignore[no-untyped-def]
    settings = SchedulingSettings(database_url=database_url,
                                  kafka_bootstrap_servers=stack.bootstrap_servers,
                                  jwt_secret="unused-here", kafka_topic_prefix=topic_prefix,
                                  kafka_session_timeout_ms=2000)
    service = await bootstrap(settings)
    service.app.today = Clock(START)
    yield service
    await service.close()


def outcome_event(ect_id: uuid.UUID) -> EventEnvelope[InductionOutcomeRecorded]:
    return EventEnvelope[InductionOutcomeRecorded](
        event_id=uuid.uuid4(), event_type="InductionOutcomeRecorded", event_version=1,
        occurred_at=datetime(2027, 7, 20, tzinfo=UTC), recorded_at=datetime(2027, 7, 20, 9, tzinfo=UTC),
        source="reporting", aggregate_id=uuid.uuid4(), aggregate_version=1, ect_id=ect_id,
        actor=Actor(id="ab-1", role=Role.APPROPRIATE_BODY), correlation_id=uuid.uuid4(),
        payload=InductionOutcomeRecorded(outcome=Outcome.PASSED, decided_on=date(2027, 7, 20),
                                         appropriate_body_id="ab-1"),
    )


async def test_an_outcome_published_by_reporting_closes_the_induction_in_scheduling(scheduling, stack):
    ect_id = scheduling.app.register_ect(provenance=provenance(), **ect_details(trn="3100001"))
    event = outcome_event(ect_id)
    producer = make_producer(stack.bootstrap_servers)
    await producer.start()
    topic = REPORTING.qualified(scheduling.settings.kafka_topic_prefix)
    for _ in range(2):  # delivered twice: the second changes nothing
        await producer.send_and_wait(topic, encode(event), key=event.key)
    await producer.stop()

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
