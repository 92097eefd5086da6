"""Recipients' contact details and preferences over HTTP, on real PostgreSQL: who may manage
whose, what is refused and why, and one notification's delivery history."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest

from contracts import Role
from ect_platform.database import create_pool, ensure_schema
from ect_platform.identity import TokenIssuer
from notifications.bootstrap import recorder, setup_schema
from notifications.entrypoints.api import create_api
from notifications.policy import Policy
from tests.unit.test_notification_rules import MENTOR_ID, mentor_assigned

pytestmark = pytest.mark.integration

MENTOR = str(MENTOR_ID)
EMAIL = {"channel": "email", "email": "grace@school.example", "name": "Grace Hopper"}


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    await ensure_schema(database_url, "notifications")
    pool = await create_pool(database_url, "notifications")
    await setup_schema(pool)
    yield pool
    await pool.close()


@pytest.fixture
async def api(pool: asyncpg.Pool, issuer: TokenIssuer) -> AsyncIterator[Any]:
    app = create_api(pool, issuer)

    def as_(role: Role, user: str, **claims: Any) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {issuer.issue(user, role, **claims)}"}
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test",
                                 headers=headers)

    yield as_


async def test_a_mentor_sets_reads_replaces_and_erases_their_own_contact_details(api):
    async with api(Role.MENTOR, MENTOR) as mentor:
        created = await mentor.put(f"/recipients/{MENTOR}", json=EMAIL)
        assert created.status_code == 201, created.text
        assert created.json() == {"recipient_id": MENTOR, "channel": "email", "name": "Grace Hopper",
                                  "email": "grace@school.example", "webhook_url": None,
                                  "opted_out_of_reminders": False}
        replaced = await mentor.put(f"/recipients/{MENTOR}", json={
            "channel": "webhook", "webhook_url": "https://hooks.school.example/ect",
            "opted_out_of_reminders": True})
        assert replaced.status_code == 200
        read = (await mentor.get(f"/recipients/{MENTOR}")).json()
        assert (read["channel"], read["webhook_url"], read["email"], read["opted_out_of_reminders"]) == (
            "webhook", "https://hooks.school.example/ect", None, True)
        assert (await mentor.delete(f"/recipients/{MENTOR}")).status_code == 204
        gone = await mentor.get(f"/recipients/{MENTOR}")
        assert gone.status_code == 404
        assert gone.json()["type"].endswith("/recipient-not-found")


async def test_the_hub_lead_manages_anyones_and_an_appropriate_body_its_own(api):
    async with api(Role.HUB_LEAD, "lead-1") as lead:
        assert (await lead.put("/recipients/tutor-1", json=EMAIL)).status_code == 201
    async with api(Role.APPROPRIATE_BODY, "ab-user-7", appropriate_body_id="ab-1") as ab:
        assert (await ab.put("/recipients/ab-1", json=EMAIL)).status_code == 201
        refused = await ab.get("/recipients/ab-2")
        assert refused.status_code == 403


@pytest.mark.parametrize(("role", "user"), [(Role.MENTOR, "another-mentor"), (Role.AUDITOR, "auditor-1"),
                                            (Role.INDUCTION_TUTOR, "tutor-9")])
async def test_nobody_else_reads_or_changes_someones_contact_details(api, role, user):
    claims = {"schools": ["100001"]} if role is Role.INDUCTION_TUTOR else {}
    async with api(role, user, **claims) as other:
        for response in (await other.get(f"/recipients/{MENTOR}"),
                         await other.put(f"/recipients/{MENTOR}", json=EMAIL)):
            assert response.status_code == 403
            # an auditor is turned away at the route's gate (never any contact details); the
            # others pass the gate and meet the rule about whose details they may touch
            expected = ("the token's role is auditor" if role is Role.AUDITOR
                        else "may manage only their own contact details")
            assert expected in response.json()["detail"]


@pytest.mark.parametrize(("body", "field"), [
    ({"channel": "email"}, "email"),
    ({"channel": "email", "email": "not an address"}, "email"),
    ({"channel": "webhook", "email": "g@school.example"}, "webhook_url"),
    ({"channel": "webhook", "webhook_url": "ftp://files.example"}, "webhook_url"),
    ({"channel": "sms", "email": "g@school.example"}, "channel"),
    ({**EMAIL, "phone": "07700 900000"}, "phone"),
], ids=["email channel, no address", "not an address", "webhook channel, no url", "not http",
        "unknown channel", "unknown field"])
async def test_contact_details_that_cannot_work_are_refused_naming_the_field(api, body, field):
    async with api(Role.MENTOR, MENTOR) as mentor:
        response = await mentor.put(f"/recipients/{MENTOR}", json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in [error["field"] for error in response.json()["errors"]]


async def test_a_notification_shows_its_delivery_attempts_and_can_be_filtered_by_status(api, pool):
    async with pool.acquire() as conn:
        await recorder(Policy())(conn, mentor_assigned())
    notification_id = await pool.fetchval("SELECT id FROM notification")
    await pool.execute(
        "UPDATE notification SET status = 'sent', attempts = 2, channel = 'email' WHERE id = $1",
        notification_id)
    await pool.execute(
        "INSERT INTO delivery_attempt (notification_id, attempt, channel, outcome, detail, at) VALUES "
        "($1, 1, 'email', 'retry', 'SMTP 451 <grace@school.example> busy', now()), "
        "($1, 2, 'email', 'sent', NULL, now())", notification_id)
    async with api(Role.AUDITOR, "auditor-1") as auditor:
        detail = (await auditor.get(f"/notifications/{notification_id}")).json()
        attempts = [(a["attempt"], a["outcome"]) for a in detail["delivery_attempts"]]
        assert attempts == [(1, "retry"), (2, "sent")]
        assert "grace@school.example" not in str(detail)  # what the server said stays internal
        assert (detail["status"], detail["attempts"], detail["statutory"]) == ("sent", 2, False)
        assert (await auditor.get("/notifications", params={"status": "sent"})).json()["total"] == 1
        assert (await auditor.get("/notifications", params={"status": "failed"})).json()["total"] == 0
        missing = await auditor.get("/notifications/00000000-0000-4000-8000-000000000000")
        assert missing.status_code == 404


async def test_a_webhook_to_a_host_outside_the_allowed_list_is_refused(pool, issuer):
    app = create_api(pool, issuer, webhook_allowed_hosts=["hooks.school.example"])
    headers = {"Authorization": f"Bearer {issuer.issue(MENTOR, Role.MENTOR)}"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test",
                                 headers=headers) as mentor:
        refused = await mentor.put(f"/recipients/{MENTOR}", json={
            "channel": "webhook", "webhook_url": "https://elsewhere.example/"})
        allowed = await mentor.put(f"/recipients/{MENTOR}", json={
            "channel": "webhook", "webhook_url": "https://hooks.school.example/ect"})
    assert refused.status_code == 422
    assert [(e["field"], e["reason"]) for e in refused.json()["errors"]] == [
        ("webhook_url", "webhooks may only go to hooks.school.example")]
    assert allowed.status_code == 201


@pytest.mark.parametrize(("url", "why"), [
    ("https://169.254.169.254/latest/meta-data", "webhooks may not go to a link-local address"),
    ("https://10.0.0.5/hook", "webhooks may not go to a private address"),
    ("https://[::1]/hook", "webhooks may not go to a loopback address"),
    ("http://hooks.school.example/ect", "webhooks must use https"),
])
async def test_a_webhook_to_an_internal_address_or_over_http_is_refused_when_registered(
        pool, issuer, url, why):
    app = create_api(pool, issuer)
    headers = {"Authorization": f"Bearer {issuer.issue(MENTOR, Role.MENTOR)}"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test",
                                 headers=headers) as mentor:
        refused = await mentor.put(f"/recipients/{MENTOR}", json={"channel": "webhook", "webhook_url": url})
        read = await mentor.get(f"/recipients/{MENTOR}")
    assert refused.status_code == 422
    [error] = refused.json()["errors"]
    assert error["field"] == "webhook_url" and error["reason"].startswith(why), error
    assert read.status_code == 404  # nothing stored
