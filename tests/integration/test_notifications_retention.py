"""The retention schedule in notifications, on real PostgreSQL and SMTP on loopback: a
notification settled longer ago than ``NOTIFICATION_RETENTION_DAYS`` has its subject, body and
delivery details blanked, and nothing else of it or of any other row changes; one settled
recently, or still pending however old, is left as it was; applying twice blanks nothing more;
only a hub lead for the whole hub or the system may run it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from contracts import Role
from ect_platform.identity import TokenIssuer
from notifications.bootstrap import Notifications
from notifications.clock import ENGLAND, FixedClock
from notifications.entrypoints.api import create_api
from notifications.retention import EXPIRED
from tests.integration.test_notifications_delivery import (
    NOW,
    ScriptedSmtp,
    make_settings,
    record,
    register,
    service,
)
from tests.unit.test_notification_rules import MENTOR_ID, mentor_assigned

pytestmark = pytest.mark.integration

ISSUER = TokenIssuer("retention-secret-of-at-least-32-bytes-long")
OLD, RECENT = NOW - timedelta(days=400), NOW - timedelta(days=10)
BLANKED = {"subject", "body"}  # of a notification; of its attempts, "detail"


def bearer(user: str, role: Role, **claims: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {ISSUER.issue(user, role, **claims)}"}


LEAD = bearer("lead-1", Role.HUB_LEAD)
SYSTEM = bearer("retention-cron", Role.SYSTEM)



@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(OLD)


@pytest.fixture
async def notifications(stack, database_url, topic_prefix, smtp, clock  # type: ignore[no-untyped-def]
                        ) -> AsyncIterator[Notifications]:
    async with service(make_settings(stack, database_url, topic_prefix, smtp[1]), clock) as built:
        yield built


async def dump(pool: asyncpg.Pool) -> dict[str, dict[Any, dict[str, Any]]]:
    """Every row of the tables the schedule could reach, by key, every column."""
    return {
        "notification": {r["id"]: dict(r) for r in await pool.fetch("SELECT * FROM notification")},
        "delivery_attempt": {(r["notification_id"], r["attempt"]): dict(r) for r in await pool.fetch(
            "SELECT * FROM delivery_attempt")},
        "outbox": {i: dict(r) for i, r in enumerate(await pool.fetch("SELECT * FROM outbox ORDER BY 1"))},
        "recipient": {r["recipient_id"]: dict(r) for r in await pool.fetch("SELECT * FROM recipient")},
    }


def changes(before: dict[str, dict[Any, dict[str, Any]]], after: dict[str, dict[Any, dict[str, Any]]]
            ) -> set[tuple[str, Any, str]]:
    """(table, row key, column) of every field that differs; rows neither added nor removed."""
    found = set()
    for table, rows in before.items():
        assert after[table].keys() == rows.keys(), table
        for key, row in rows.items():
            found |= {(table, key, column) for column, value in row.items()
                      if after[table][key][column] != value}
    return found


async def by_status(pool: asyncpg.Pool) -> dict[str, int]:
    return {r["status"]: r["n"] for r in await pool.fetch(
        "SELECT status, count(*) AS n FROM notification GROUP BY status")}


async def three_notifications(svc: Notifications, clock: FixedClock, address: str,
                              catcher: ScriptedSmtp) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    """Settled 400 days ago (after a refusal quoting the address), settled 10 days ago, and
    pending since 400 days ago (refused once, its retry not due yet): their ids."""
    old, pending, recent = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    await register(svc, str(MENTOR_ID), email=address, name="Grace Hopper")
    catcher.script[address] = [f"451 4.2.1 <{address}> mailbox busy"] * 2
    await record(svc, mentor_assigned(ect_id=old), mentor_assigned(ect_id=pending))
    assert await svc.delivery.run_once() == 2  # both refused for now
    ids = {r["ect_id"]: r["id"] for r in await svc.pool.fetch("SELECT id, ect_id FROM notification")}
    # the pending one stays pending: its retry is never due, and it was recorded long ago
    await svc.pool.execute("UPDATE notification SET next_attempt_at = 'infinity', "
                           "created_at = created_at - interval '800 days' WHERE id = $1", ids[pending])
    clock.advance(timedelta(minutes=5))
    assert await svc.delivery.run_once() == 1  # the old one, sent
    clock.set(RECENT)
    await record(svc, mentor_assigned(ect_id=recent))
    assert await svc.delivery.run_once() == 1
    ids = {r["ect_id"]: r["id"] for r in await svc.pool.fetch("SELECT id, ect_id FROM notification")}
    clock.set(NOW)
    return ids[old], ids[recent], ids[pending]


async def test_the_schedule_blanks_only_the_text_of_notifications_settled_longer_ago_than_kept(
        notifications, clock, smtp):
    catcher, _ = smtp
    address = f"grace-{uuid.uuid4().hex[:8]}@school.example"
    old, recent, pending = await three_notifications(notifications, clock, address, catcher)
    statuses = await by_status(notifications.pool)
    assert statuses == {"sent": 2, "pending": 1}
    before = await dump(notifications.pool)
    assert address in before["delivery_attempt"][(old, 1)]["detail"]  # what the schedule removes
    settled_on = (OLD + timedelta(minutes=5)).astimezone(ENGLAND).date()

    app = create_api(notifications.pool, ISSUER, clock=clock)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as api:
        dry = await api.get("/privacy/retention", headers=LEAD)
        assert dry.status_code == 200, dry.text
        assert dry.json() == {"as_of": NOW.date().isoformat(), "days": 365,
                              "kept_from": (NOW.date() - timedelta(days=365)).isoformat(),
                              "due": 1, "blanked": 0, "oldest_settled_on": settled_on.isoformat(),
                              "newest_settled_on": settled_on.isoformat()}
        assert "Grace" not in dry.text and address not in dry.text
        later = await api.get("/privacy/retention", headers=SYSTEM,
                              params={"as_of": (NOW.date() + timedelta(days=400)).isoformat()})
        assert later.json()["due"] == 2  # the recent one in its turn; the pending one never
        assert later.json()["newest_settled_on"] == RECENT.astimezone(ENGLAND).date().isoformat()
        assert await dump(notifications.pool) == before  # a dry run changes nothing

        applied = await api.post("/privacy/retention", headers=SYSTEM)
        assert applied.status_code == 200, applied.text
        assert applied.json()["blanked"] == 1
        after = await dump(notifications.pool)
        assert changes(before, after) == {
            ("notification", old, "subject"), ("notification", old, "body"),
            ("delivery_attempt", (old, 1), "detail")}  # attempt 2 (sent) had no detail
        assert after["notification"][old]["subject"] == after["notification"][old]["body"] == EXPIRED
        assert after["delivery_attempt"][(old, 1)]["detail"] == EXPIRED
        assert after["delivery_attempt"][(old, 2)]["detail"] is None
        assert before["delivery_attempt"][(pending, 1)]["detail"] is not None  # kept: pending
        assert after["notification"][recent]["subject"] == before["notification"][recent]["subject"]
        assert address not in str(after["notification"][old]) + str(
            [a for k, a in after["delivery_attempt"].items() if k[0] == old])

        again = await api.post("/privacy/retention", headers=LEAD)
        assert again.status_code == 200, again.text
        assert again.json()["blanked"] == 0
        assert await dump(notifications.pool) == after
        assert (await api.get("/privacy/retention", headers=LEAD)).json()["due"] == 0
    assert await by_status(notifications.pool) == statuses


@pytest.mark.parametrize(("who", "headers"), [
    ("a hub lead for some schools", bearer("lead-2", Role.HUB_LEAD, schools=["100001"])),
    ("a mentor", bearer(str(MENTOR_ID), Role.MENTOR)),
    ("an auditor", bearer("auditor-1", Role.AUDITOR)),
])
async def test_only_the_whole_hub_or_the_system_may_run_the_schedule(
        notifications, clock, smtp, who, headers):
    catcher, _ = smtp
    address = f"grace-{uuid.uuid4().hex[:8]}@school.example"
    await three_notifications(notifications, clock, address, catcher)
    before = await dump(notifications.pool)
    app = create_api(notifications.pool, ISSUER, clock=clock)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t",
                                 headers=headers) as api:
        for answer in (await api.get("/privacy/retention"), await api.post("/privacy/retention")):
            assert answer.status_code == 403, (who, answer.text)
            assert "Grace" not in answer.text
    assert await dump(notifications.pool) == before


async def test_the_retention_period_is_the_one_configured(
        stack, database_url, topic_prefix, smtp, clock):
    catcher, port = smtp
    address = f"grace-{uuid.uuid4().hex[:8]}@school.example"
    settings = make_settings(stack, database_url, topic_prefix, port, notification_retention_days=30)
    async with service(settings, clock) as svc:
        await three_notifications(svc, clock, address, catcher)
        app = create_api(svc.pool, ISSUER, clock=clock,
                         retention_days=svc.settings.notification_retention_days)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t",
                                     headers=LEAD) as api:
            assert (await api.get("/privacy/retention")).json()["due"] == 1  # 10 days < 30
            assert (await api.get("/privacy/retention", params={
                "as_of": (NOW.date() + timedelta(days=21)).isoformat()})).json()["due"] == 2
