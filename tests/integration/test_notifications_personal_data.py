"""Crypto-shredding in notifications, on real PostgreSQL, the embedded broker and SMTP on
loopback: the consumer reads envelopes sealed as scheduling's and reporting's relays seal
them, names people in its messages while their keys exist, and once a person is erased
(their key destroyed, then ``PersonalDataErased`` consumed) no table of the notifications
schema holds their name, TRN or address; the notifications stay, counted as they were, and
nothing more is said about or to them, not even after a refold."""

from __future__ import annotations

import asyncio
import random
import re
import uuid
from collections.abc import AsyncIterator
from datetime import date
from typing import Any
from uuid import UUID

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer

from contracts import EventEnvelope, encode
from contracts.scheduling.privacy import ErasedSubject, PersonalDataErased
from contracts.scheduling.v1 import MentorRegistered, Phase
from contracts.sealed import ERASED
from contracts.topics import REPORTING, SCHEDULING
from ect_platform.keystore import Keystore
from ect_platform.sealing import EnvelopeSealer
from notifications.bootstrap import Notifications, refold
from notifications.clock import FixedClock
from notifications.subject_access import held_about
from tests.integration.test_notifications_delivery import (
    make_settings,
    register,
    service,
)
from tests.integration.test_notifications_erasure import every_row_as_text
from tests.integration.test_notifications_scheduler import at_nine, registration, run_days
from tests.support import eventually
from tests.unit.test_notification_rules import envelope, mentor_assigned, term_report_submitted

pytestmark = pytest.mark.integration



@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(at_nine(date(2025, 9, 1)))


@pytest.fixture
def settings(stack, database_url, topic_prefix, smtp):  # type: ignore[no-untyped-def]
    return make_settings(stack, database_url, topic_prefix, smtp[1], hub_lead_ids="lead-1")


@pytest.fixture
async def keystore(settings) -> AsyncIterator[Keystore]:  # type: ignore[no-untyped-def]
    """The producers' side of the key store (the same schema the service opens with)."""
    store = await asyncio.to_thread(settings.keystore)
    yield store
    await asyncio.to_thread(store.close)


@pytest.fixture
async def notifications(settings, clock) -> AsyncIterator[Notifications]:  # type: ignore[no-untyped-def]
    async with service(settings, clock) as built:
        yield built


def unique_trn() -> str:
    return str(random.randrange(10**6, 10**7))


def unique(name: str) -> str:
    return f"{name} Q{uuid.uuid4().hex[:8]}"


async def sealed(keystore: Keystore, *events: EventEnvelope[Any]) -> list[EventEnvelope[Any]]:
    """``events`` as the relays publish them: personal fields in a box under the person's key."""
    sealer = EnvelopeSealer(keystore)
    return await asyncio.to_thread(lambda: [sealer.seal(e) for e in events])


async def consume(svc: Notifications, keystore: Keystore, *events: EventEnvelope[Any]) -> None:
    """Publish ``events`` (sealed here unless they already are) and let the service's consumer
    fold them."""
    events = tuple(await sealed(keystore, *events))
    producer = AIOKafkaProducer(bootstrap_servers=svc.settings.kafka_bootstrap_servers,
                                enable_idempotence=False)
    await producer.start()
    try:
        for event in events:
            topic = SCHEDULING if event.source == "scheduling" else REPORTING
            await producer.send_and_wait(topic.qualified(svc.settings.kafka_topic_prefix),
                                         encode(event), key=event.key)
    finally:
        await producer.stop()
    seen = svc.consumer.applied + svc.consumer.duplicates
    await svc.broker.start()
    try:
        await eventually(lambda: svc.consumer.applied + svc.consumer.duplicates >= seen + len(events))
    finally:
        await svc.broker.stop()


async def deliver_all(svc: Notifications) -> None:
    while await svc.delivery.run_once():
        pass


async def by_status(pool: asyncpg.Pool) -> dict[str, int]:
    return {r["status"]: r["count"] for r in await pool.fetch(
        "SELECT status, count(*) FROM notification GROUP BY status")}


def erased_envelope(subject: ErasedSubject, subject_id: UUID) -> EventEnvelope[Any]:
    event = envelope(PersonalDataErased(subject=subject, subject_id=subject_id,
                                        reason="erasure request ER-1"))
    ect_id = subject_id if subject is ErasedSubject.ECT else None
    return event.model_copy(update={"ect_id": ect_id, "aggregate_id": subject_id})


def held_nowhere(dump: str, *texts: str, trn: str) -> None:
    for text in texts:
        assert text not in dump
    assert re.search(rf"\b{trn}\b", dump) is None


async def erase(svc: Notifications, keystore: Keystore, subject: ErasedSubject, subject_id: UUID
                ) -> None:
    """As scheduling erases a person: the key first, then the event saying so."""
    await asyncio.to_thread(keystore.erase, subject_id)
    await consume(svc, keystore, erased_envelope(subject, subject_id))


async def test_an_erased_ect_is_named_nowhere_and_told_about_to_nobody_even_after_a_refold(
        notifications, settings, keystore, clock):
    svc = notifications
    ect_id, control_id = uuid.uuid4(), uuid.uuid4()
    name, trn, email = unique("Ada Lovelace"), unique_trn(), f"ada-{uuid.uuid4().hex[:10]}@school.example"
    history = await sealed(keystore, registration(ect_id, name=name, trn=trn),
                           mentor_assigned(ect_id=ect_id), term_report_submitted(ect_id=ect_id))
    assert all(e.sealed is not None and e.event_version == 2 for e in history)
    control = [registration(control_id, name=unique("Bea Control"), trn=unique_trn())]
    await register(svc, str(ect_id), email=email, name=name)  # the ECT's own contact details
    for who in ("00000000-0000-4000-8000-00000000a001", "ab-1", "tutor-1"):
        await register(svc, who, email=f"{who}@school.example")
    # the report after the registration: the topics are two, and their order is not kept
    await consume(svc, keystore, *history[:2], *control)
    await consume(svc, keystore, history[2])
    await deliver_all(svc)

    # opened: the messages name the ECT, and were sent
    bodies = [r["body"] for r in await svc.pool.fetch(
        "SELECT body FROM notification WHERE ect_id = $1", ect_id)]
    assert len(bodies) == 2 and all(f"{name} (TRN {trn})" in b for b in bodies)
    counts = await by_status(svc.pool)
    assert counts == {"sent": 2}
    dump = await every_row_as_text(svc.pool)
    assert name in dump and email in dump and re.search(rf"\b{trn}\b", dump)
    before = await held_about(svc.pool, trn, [str(ect_id)])
    assert before["inductions"][0]["state"]["name"] == name
    assert [r["email"] for r in before["recipients"]] == [email]

    await erase(svc, keystore, ErasedSubject.ECT, ect_id)

    held_nowhere(await every_row_as_text(svc.pool), name, email, trn=trn)
    assert await by_status(svc.pool) == counts
    rows = await svc.pool.fetch("SELECT rule, subject, body, status FROM notification "
                                "WHERE ect_id = $1 ORDER BY rule", ect_id)
    assert [(r["rule"], r["subject"], r["body"], r["status"]) for r in rows] == [
        ("mentor_assigned", ERASED, ERASED, "sent"), ("term_report_submitted", ERASED, ERASED, "sent")]
    # the TRN is held no more, so nothing is found by it; and nothing is addressed to them
    after = await held_about(svc.pool, trn, [str(ect_id)])
    assert (after["inductions"], after["recipients"], after["notifications"]) == ([], [], [])

    # no reminder about them, while the ECT beside them is reminded as before
    await run_days(clock, [svc.scheduler], date(2025, 9, 1), date(2025, 10, 31))
    about = {r["ect_id"] for r in await svc.pool.fetch(
        "SELECT DISTINCT ect_id FROM notification WHERE event_id IS NULL")}
    assert control_id in about and ect_id not in about
    # nor for a new event about them
    await consume(svc, keystore, mentor_assigned(ect_id=ect_id, assigned_on=date(2025, 10, 6)))
    assert await svc.pool.fetchval("SELECT count(*) FROM notification WHERE ect_id = $1", ect_id) == 2

    # a refold: the history republished (as it was sealed) opens without the key, and the
    # name does not come back
    await refold(settings)
    await consume(svc, keystore, *history, erased_envelope(ErasedSubject.ECT, ect_id))
    state = await svc.pool.fetchval("SELECT state->>'name' FROM induction WHERE ect_id = $1", ect_id)
    assert state == ERASED
    held_nowhere(await every_row_as_text(svc.pool), name, email, trn=trn)
    assert await svc.pool.fetchval("SELECT count(*) FROM notification WHERE ect_id = $1", ect_id) == 2


async def test_an_erased_mentor_is_named_nowhere_and_reminded_no_more(notifications, keystore, clock):
    svc = notifications
    ect_id, mentor_id = uuid.uuid4(), uuid.uuid4()
    name, trn = unique("Grace Hopper"), unique_trn()
    email = f"grace-{uuid.uuid4().hex[:10]}@school.example"
    mentor = envelope(MentorRegistered(mentor_id=mentor_id, trn=trn, name=name, school_id="100001",
                                       phase=Phase.SECONDARY, years_teaching=8))
    mentor = mentor.model_copy(update={"ect_id": None, "aggregate_id": mentor_id})
    await register(svc, str(mentor_id), email=email, name=name)
    await register(svc, "tutor-1", email="tutor-1@school.example")
    # a second ECT starts later, so their first coaching window is missed after the erasure
    later_id = uuid.uuid4()
    await consume(svc, keystore, mentor, registration(ect_id, name=unique("Ada Lovelace")),
                  mentor_assigned(ect_id=ect_id, mentor_id=mentor_id),
                  registration(later_id, name=unique("Bea Later"),
                               induction_start_date=date(2025, 10, 6)),
                  mentor_assigned(ect_id=later_id, mentor_id=mentor_id, assigned_on=date(2025, 10, 6)))
    # coaching owed and not held: the mentor and the tutor are reminded, the hub lead told
    # of the mentor by name
    await run_days(clock, [svc.scheduler], date(2025, 9, 1), date(2025, 9, 30))
    await deliver_all(svc)
    to_mentor = await svc.pool.fetchval(
        "SELECT count(*) FROM notification WHERE recipient_id = $1", str(mentor_id))
    assert to_mentor >= 3
    assert await svc.pool.fetchval("SELECT count(*) FROM notification WHERE recipient_id = 'lead-1' "
                                   "AND strpos(body, $1) > 0", name) >= 1
    assert await svc.pool.fetchval("SELECT name FROM mentor WHERE mentor_id = $1", mentor_id) == name
    dump = await every_row_as_text(svc.pool)
    assert name in dump and email in dump
    counts = await by_status(svc.pool)
    assert (await held_about(svc.pool, "0000000", [str(mentor_id)]))["mentors"] == [
        {"mentor_id": mentor_id, "name": name}]

    await erase(svc, keystore, ErasedSubject.MENTOR, mentor_id)

    held_nowhere(await every_row_as_text(svc.pool), name, email, trn=trn)
    assert await by_status(svc.pool) == counts
    after = await held_about(svc.pool, "0000000", [str(mentor_id)])
    assert after["mentors"] == [{"mentor_id": mentor_id, "name": ERASED}]
    assert after["recipients"] == []
    assert {(n["subject"], n["body"]) for n in after["notifications"]
            if n["recipient_id"] == str(mentor_id)} == {(ERASED, ERASED)}
    # the second ECT's coaching is missed: their tutor is reminded, the erased mentor is not
    await run_days(clock, [svc.scheduler], date(2025, 10, 1), date(2025, 10, 31))
    await deliver_all(svc)
    assert await svc.pool.fetchval(
        "SELECT count(*) FROM notification WHERE recipient_id = $1", str(mentor_id)) == to_mentor
    assert await svc.pool.fetchval(
        "SELECT count(*) FROM notification WHERE ect_id = $1 AND recipient_id = 'tutor-1' "
        "AND rule = 'entitlement_at_risk'", later_id) >= 1
    held_nowhere(await every_row_as_text(svc.pool), name, email, trn=trn)


async def test_the_erasure_of_someone_never_heard_of_changes_nothing(notifications, keystore):
    svc = notifications
    ect_id = uuid.uuid4()
    await consume(svc, keystore, registration(ect_id, name=unique("Ada Lovelace")),
                  mentor_assigned(ect_id=ect_id))
    tables = ("induction", "mentor", "recipient", "notification", "delivery_attempt")

    async def held() -> list[str]:
        return [row[0] for table in tables for row in await svc.pool.fetch(
            f"SELECT t::text FROM {table} AS t ORDER BY 1")]

    before = await held()
    applied = svc.consumer.applied
    for subject in ErasedSubject:
        stranger = uuid.uuid4()
        await erase(svc, keystore, subject, stranger)
    assert svc.consumer.applied == applied + 2  # applied, not parked
    assert await held() == before
