"""The scheduler on real PostgreSQL (and the broker, for the consumer that feeds it): each
time-driven rule fires once, on the right day, however many schedulers run and however often.

The clock is a FixedClock set to 09:00 in England on each day of a range: reminders of a day
go out from 07:00, and no test sleeps through a real day.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

import pytest
from aiokafka import AIOKafkaProducer

from contracts import EventEnvelope, encode
from contracts.reporting.v1 import TermReportKind
from contracts.scheduling.v1 import EctTransferred, TermDates, TermDatesSet, TermName
from contracts.topics import REPORTING, SCHEDULING
from notifications.bootstrap import Notifications
from notifications.clock import ENGLAND, FixedClock
from tests.integration.test_notifications_delivery import (
    make_settings,
    record,
    register,
    service,
)
from tests.support import eventually
from tests.unit.test_notification_induction import registered, report
from tests.unit.test_notification_rules import envelope, mentor_assigned

pytestmark = pytest.mark.integration

NINE = time(9, 0)


def at_nine(day: date) -> datetime:
    return datetime.combine(day, NINE, tzinfo=ENGLAND)


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def registration(ect_id: UUID, **overrides: Any) -> EventEnvelope[Any]:
    event = registered(**overrides)
    return event.model_copy(update={"ect_id": ect_id, "aggregate_id": ect_id, "event_id": uuid.uuid4()})



@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(at_nine(date(2025, 9, 1)))


@pytest.fixture
def settings(stack, database_url, topic_prefix, smtp):  # type: ignore[no-untyped-def]
    # Coaching cadence is tested on its own below; here it would only add noise.
    return make_settings(stack, database_url, topic_prefix, smtp[1], hub_lead_ids="lead-1",
                         disabled_rules="entitlement_at_risk,entitlement_escalated")


@pytest.fixture
async def notifications(settings, clock) -> AsyncIterator[Notifications]:  # type: ignore[no-untyped-def]
    async with service(settings, clock) as built:
        yield built


async def recorded(svc: Notifications, **where: Any) -> list[dict[str, Any]]:
    clauses = " AND ".join(f"{name} = ${i}" for i, name in enumerate(where, start=1)) or "true"
    return [dict(row) for row in await svc.pool.fetch(
        f"SELECT rule, recipient_id, occasion, due_on, status, created_at FROM notification "
        f"WHERE {clauses} ORDER BY occasion", *where.values())]


async def run_days(clock: FixedClock, schedulers: list[Any], first: date, last: date) -> dict[date, int]:
    """Each day at 09:00, every scheduler passes at once; how many notifications each day recorded."""
    new = {}
    for day in days(first, last):
        clock.set(at_nine(day))
        new[day] = sum(await asyncio.gather(*(scheduler.run_once() for scheduler in schedulers)))
    return new


async def first_seen(svc: Notifications, clock: FixedClock, first: date, last: date
                     ) -> list[tuple[date, str, str]]:
    """(day first recorded, rule, recipient) of everything the scheduler records over the days."""
    seen: dict[UUID, tuple[date, str, str]] = {}
    for day in days(first, last):
        clock.set(at_nine(day))
        await svc.scheduler.run_once()
        for row in await svc.pool.fetch("SELECT id, rule, recipient_id FROM notification"):
            seen.setdefault(row["id"], (day, row["rule"], row["recipient_id"]))
    return sorted(seen.values())


async def test_the_consumer_feeds_the_scheduler_which_reminds_the_tutor_and_tells_the_ab_when_late(
        notifications, settings, clock, stack):
    ect_id = uuid.uuid4()
    producer = AIOKafkaProducer(bootstrap_servers=stack.bootstrap_servers, enable_idempotence=False)
    await producer.start()
    try:
        for event in (registration(ect_id), mentor_assigned(ect_id=ect_id)):
            await producer.send_and_wait(SCHEDULING.qualified(settings.kafka_topic_prefix), encode(event),
                                         key=event.key)
    finally:
        await producer.stop()
    await notifications.broker.start()
    try:
        await eventually(lambda: notifications.consumer.applied == 2)
    finally:
        await notifications.broker.stop()

    new = await run_days(clock, [notifications.scheduler], date(2025, 12, 1), date(2025, 12, 31))

    due = await recorded(notifications, rule="report_due")
    assert [(r["recipient_id"], r["occasion"]) for r in due] == [
        ("tutor-1", "1-days-before@2025-12-19"), ("tutor-1", "7-days-before@2025-12-19"),
        ("tutor-1", "on-the-day@2025-12-19"), ("tutor-1", "overdue-1@2025-12-19")]
    late = await recorded(notifications, rule="report_late")
    assert [(r["recipient_id"], r["occasion"]) for r in late] == [("ab-1", "late@2025-12-19")]
    assert {day for day, count in new.items() if count} == {
        date(2025, 12, 12), date(2025, 12, 18), date(2025, 12, 19), date(2025, 12, 20), date(2025, 12, 26)}
    # evaluating the same day again finds everything recorded already
    assert await notifications.scheduler.run_once() == 0


async def test_two_schedulers_running_at_once_record_each_reminder_once(settings, clock, stack):
    # small batches: the two take turns over the same rows
    settings = settings.model_copy(update={"scheduler_batch_size": 4})
    async with service(settings, clock) as first, service(settings, clock) as second:
        ects = [uuid.uuid4() for _ in range(25)]
        await record(first, *(registration(ect_id) for ect_id in ects))
        new = await run_days(clock, [first.scheduler, second.scheduler], date(2025, 12, 10),
                             date(2025, 12, 20))
        rows = await recorded(first)
        assert first.scheduler.recorded > 0 and second.scheduler.recorded > 0, "both took part"
    # per ECT: 7 days before, the day before, on the day (tutor) and late (AB)
    assert len(rows) == sum(new.values()) == 25 * 4
    assert len({(r["recipient_id"], r["occasion"], r["rule"], r["due_on"]) for r in rows}) == 4


async def test_a_submitted_report_stops_its_reminders_from_the_next_pass(notifications, clock):
    ect_id = uuid.uuid4()
    await record(notifications, registration(ect_id))
    await run_days(clock, [notifications.scheduler], date(2025, 12, 10), date(2025, 12, 12))
    submitted = report(1, submitted_on=date(2025, 12, 15))
    await record(notifications, submitted.model_copy(update={"ect_id": ect_id}))
    await run_days(clock, [notifications.scheduler], date(2025, 12, 13), date(2026, 1, 10))
    assert [r["occasion"] for r in await recorded(notifications, rule="report_due")] == [
        "7-days-before@2025-12-19"]


async def test_a_schools_own_term_dates_move_the_deadline_and_its_reminders(notifications, clock):
    ect_id = uuid.uuid4()
    await record(notifications, registration(ect_id))
    terms = [TermDates(name=TermName.AUTUMN, start=date(2025, 9, 1), end=date(2025, 12, 12)),
             TermDates(name=TermName.SPRING, start=date(2026, 1, 5), end=date(2026, 3, 27)),
             TermDates(name=TermName.SUMMER, start=date(2026, 4, 13), end=date(2026, 7, 17))]
    dates_set = envelope(TermDatesSet(school_id="100001", academic_year=2025, terms=terms))
    await record(notifications, dates_set.model_copy(update={"ect_id": None}))
    await run_days(clock, [notifications.scheduler], date(2025, 12, 1), date(2025, 12, 12))
    assert [r["occasion"] for r in await recorded(notifications, rule="report_due")] == [
        "1-days-before@2025-12-12", "7-days-before@2025-12-12", "on-the-day@2025-12-12"]


async def test_a_final_recommendation_starts_the_abs_decision_clock(notifications, clock):
    ect_id = uuid.uuid4()
    final = report(6, kind=TermReportKind.FORMAL_ASSESSMENT, submitted_on=date(2027, 7, 9),
                   recommendation="satisfactory")
    await record(notifications, registration(ect_id), final.model_copy(update={"ect_id": ect_id}))
    await run_days(clock, [notifications.scheduler], date(2027, 7, 28), date(2027, 8, 6))
    decision = await recorded(notifications, rule="outcome_decision_due")
    # received Friday 9 July 2027: 20 working days (30 Aug is a bank holiday, later) -> Friday 6 August
    assert [(r["recipient_id"], r["occasion"]) for r in decision] == [
        ("ab-1", "1-days-before@2027-08-06"), ("ab-1", "7-days-before@2027-08-06"),
        ("ab-1", "on-the-day@2027-08-06")]


async def test_missed_coaching_reaches_the_mentor_and_tutor_then_the_hub_lead(
        stack, database_url, topic_prefix, smtp, clock):
    settings = make_settings(stack, database_url, topic_prefix, smtp[1], hub_lead_ids="lead-1")
    async with service(settings, clock) as notifications:
        ect_id = uuid.uuid4()
        await record(notifications, registration(ect_id), mentor_assigned(ect_id=ect_id))
        seen = await first_seen(notifications, clock, date(2025, 9, 1), date(2025, 9, 19))
    assert [item for item in seen if item[1].startswith("entitlement")] == [
        (date(2025, 9, 11), "entitlement_at_risk", "00000000-0000-4000-8000-00000000a001"),
        (date(2025, 9, 11), "entitlement_at_risk", "tutor-1"),
        (date(2025, 9, 18), "entitlement_escalated", "lead-1"),
    ]


async def test_the_days_reminders_are_emailed_once_each(notifications, clock, smtp):
    catcher, _ = smtp
    await record(notifications, registration(uuid.uuid4()))
    await register(notifications, "tutor-1", email="tutor@school.example")
    await register(notifications, "ab-1", email="ab@ab.example")
    for day in days(date(2025, 12, 11), date(2025, 12, 20)):
        clock.set(at_nine(day))
        await notifications.scheduler.run_once()
        while await notifications.delivery.run_once():
            pass
    assert [(mail["To"], mail["Subject"]) for mail in catcher.messages] == [
        ("tutor@school.example", "The progress review for term 1 is due (due Friday 19 December 2025)"),
        ("tutor@school.example", "The progress review for term 1 is due (due Friday 19 December 2025)"),
        ("tutor@school.example", "The progress review for term 1 is due (due Friday 19 December 2025)"),
        ("ab@ab.example", "Late: the progress review for term 1 of an ECT you hold"),
    ]


async def test_publishing_to_reporting_also_reaches_the_projection(notifications, settings, stack):
    """Reports arrive on reporting's topic; the consumer reads both."""
    ect_id = uuid.uuid4()
    producer = AIOKafkaProducer(bootstrap_servers=stack.bootstrap_servers, enable_idempotence=False)
    await producer.start()
    try:
        first = registration(ect_id)
        await producer.send_and_wait(SCHEDULING.qualified(settings.kafka_topic_prefix), encode(first),
                                     key=first.key)
        submitted = report(1).model_copy(update={"ect_id": ect_id})
        await producer.send_and_wait(REPORTING.qualified(settings.kafka_topic_prefix), encode(submitted),
                                     key=submitted.key)
    finally:
        await producer.stop()
    await notifications.broker.start()
    try:
        await eventually(lambda: notifications.consumer.applied == 2)
    finally:
        await notifications.broker.stop()
    reports = await notifications.pool.fetchval(
        "SELECT jsonb_path_query_array(state->'reports', '$[*].term_number') FROM induction")
    assert reports == "[1]"


async def test_two_complete_instances_consume_schedule_and_deliver_each_notification_once(
        stack, database_url, topic_prefix, smtp, clock):
    """As two `python -m notifications` processes would run: consumer, scheduler, delivery and
    relay each, on one database and one consumer group."""
    catcher, port = smtp
    clock.set(at_nine(date(2025, 12, 12)))  # the week before the term-1 reviews are due
    settings = make_settings(stack, database_url, topic_prefix, port, hub_lead_ids="lead-1",
                             unregistered_email_domain="school.example", delivery_batch_size=3)
    ects = [uuid.uuid4() for _ in range(10)]
    async with service(settings, clock) as first, service(settings, clock) as second:
        stop = asyncio.Event()
        loops = []
        for instance in (first, second):
            await instance.broker.start()
            loops += [asyncio.create_task(instance.scheduler.run(stop, on_recorded=instance.delivery.nudge)),
                      asyncio.create_task(instance.delivery.run(stop)),
                      asyncio.create_task(instance.relay.run(stop))]
        producer = AIOKafkaProducer(bootstrap_servers=stack.bootstrap_servers, enable_idempotence=False)
        await producer.start()
        try:
            for ect_id in ects:
                for event in (registration(ect_id), mentor_assigned(ect_id=ect_id)):
                    await producer.send_and_wait(SCHEDULING.qualified(topic_prefix), encode(event),
                                                 key=event.key)
            # per ECT: mentor_assigned (mentor), report_due (tutor), entitlement_at_risk (mentor,
            # tutor), entitlement_escalated (hub lead)
            await eventually(lambda: len(catcher.messages) >= 50, within=40)
            await asyncio.sleep(0.5)  # room for a duplicate to show up, were there one
        finally:
            await producer.stop()
            stop.set()
            await asyncio.gather(*loops)
            for instance in (first, second):
                await instance.broker.stop()
        assert first.delivery.sent + second.delivery.sent == 50
    assert len(catcher.messages) == 50
    assert len({mail["Message-ID"] for mail in catcher.messages}) == 50
    assert sorted({mail["To"] for mail in catcher.messages}) == [
        "00000000-0000-4000-8000-00000000a001@school.example", "lead-1@school.example",
        "tutor-1@school.example"]


async def test_an_ect_whose_record_the_rules_cannot_read_does_not_stop_the_others_reminders(
        notifications, clock):
    good, bad = uuid.uuid4(), uuid.uuid4()
    await record(notifications, registration(good), registration(bad))
    # a working pattern that starts after the induction does: terms served cannot be counted
    await notifications.pool.execute(
        "UPDATE induction SET state = jsonb_set(state, '{fte_history,0,effective_from}', '\"2025-10-01\"') "
        "WHERE ect_id = $1", bad)
    await run_days(clock, [notifications.scheduler], date(2025, 12, 12), date(2025, 12, 12))
    assert [r["occasion"] for r in await recorded(notifications, rule="report_due")] == [
        "7-days-before@2025-12-19"]
    assert notifications.scheduler.unreadable == 1
    assert await notifications.scheduler.run_once() == 0  # not retried in a loop until it changes


async def test_a_former_schools_term_dates_move_the_reports_of_the_time_served_there(notifications, clock):
    # In post at 100001 until the February half-term, at 100002 from 23 February: the autumn
    # review is 100001's, due on its last day of term, and its tutor is the one reminded.
    ect_id = uuid.uuid4()
    moved = envelope(EctTransferred(from_school_id="100001", to_school_id="100002",
                                    effective_on=date(2026, 2, 23), induction_tutor_id="tutor-2"),
                     ect_id=ect_id)
    await record(notifications, registration(ect_id), moved)
    await run_days(clock, [notifications.scheduler], date(2025, 12, 5), date(2025, 12, 5))
    assert await recorded(notifications, rule="report_due") == []
    terms = [TermDates(name=TermName.AUTUMN, start=date(2025, 9, 1), end=date(2025, 12, 12)),
             TermDates(name=TermName.SPRING, start=date(2026, 1, 5), end=date(2026, 3, 27)),
             TermDates(name=TermName.SUMMER, start=date(2026, 4, 13), end=date(2026, 7, 17))]
    dates_set = envelope(TermDatesSet(school_id="100001", academic_year=2025, terms=terms))
    await record(notifications, dates_set.model_copy(update={"ect_id": None}))
    # the same day again: the ECT's row was bumped, though 100001 is no longer their school
    await notifications.scheduler.run_once()
    assert [(r["recipient_id"], r["occasion"]) for r in await recorded(notifications, rule="report_due")] == [
        ("tutor-1", "7-days-before@2025-12-12")]
