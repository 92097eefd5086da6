"""The step-owner reminders of a report the school writes and signs in steps, through the real
scheduler on PostgreSQL: the ECT, then the tutor, each reminded once per occasion, however often
the scheduler passes."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest

from contracts.reporting import v1
from notifications.bootstrap import Notifications
from notifications.clock import FixedClock
from tests.integration.test_notifications_delivery import (
    make_settings,
    record,
    service,
)
from tests.integration.test_notifications_scheduler import at_nine, recorded, registration, run_days
from tests.unit.test_notification_rules import envelope

pytestmark = pytest.mark.integration

REPORT = uuid.uuid4()



@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(at_nine(date(2025, 9, 1)))


@pytest.fixture
async def notifications(stack, database_url, topic_prefix, smtp, clock  # type: ignore[no-untyped-def]
                        ) -> AsyncIterator[Notifications]:
    settings = make_settings(stack, database_url, topic_prefix, smtp[1], hub_lead_ids="lead-1",
                             disabled_rules="entitlement_at_risk,entitlement_escalated")
    async with service(settings, clock) as built:
        yield built


def step(ect_id: uuid.UUID, payload: Any) -> Any:
    return envelope(payload, ect_id=ect_id, source="reporting")


async def test_the_ect_then_the_tutor_is_reminded_of_a_due_review_in_draft_each_once(notifications, clock):
    ect_id = uuid.uuid4()
    kind = v1.TermReportKind.PROGRESS_REVIEW
    await record(notifications, registration(ect_id), step(ect_id, v1.TermReportDrafted(
        report_id=REPORT, kind=kind, term_number=1, drafted_on=date(2025, 12, 10), drafted_by="tutor-1")))
    # the term-1 review is due Friday 19 December 2025
    await run_days(clock, [notifications.scheduler], date(2025, 12, 10), date(2025, 12, 14))
    await record(notifications, step(ect_id, v1.TermReportSignedByEct(
        report_id=REPORT, kind=kind, term_number=1, signed_on=date(2025, 12, 15), name="Ada Lovelace")))
    await run_days(clock, [notifications.scheduler], date(2025, 12, 15), date(2025, 12, 15))
    # the step became the tutor's on the 15th, and they heard of the current occasion that day
    assert [r["occasion"] for r in await recorded(notifications, rule="report_due")] == [
        "7-days-before@2025-12-19"]
    await run_days(clock, [notifications.scheduler], date(2025, 12, 16), date(2025, 12, 19))
    assert await notifications.scheduler.run_once() == 0  # the same day again: all recorded

    to_ect = await recorded(notifications, rule="report_ect_signature_due")
    assert [(r["recipient_id"], r["occasion"]) for r in to_ect] == [(str(ect_id), "7-days-before@2025-12-19")]
    to_tutor = await recorded(notifications, rule="report_due")
    assert [(r["recipient_id"], r["occasion"]) for r in to_tutor] == [
        ("tutor-1", "1-days-before@2025-12-19"), ("tutor-1", "7-days-before@2025-12-19"),
        ("tutor-1", "on-the-day@2025-12-19")]
    body = await notifications.pool.fetchval(
        "SELECT body FROM notification WHERE rule = 'report_ect_signature_due'")
    assert "Ada Lovelace (TRN 1234567)" in body and "add your comments and sign it" in body
