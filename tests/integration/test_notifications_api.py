"""GET /notifications on real PostgreSQL: filtered, paged, newest first, behind a bearer token."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from contracts import EventEnvelope, Role
from contracts.reporting.v1 import TermReportKind
from ect_platform.database import create_pool, ensure_schema
from notifications.bootstrap import recorder, setup_schema
from notifications.entrypoints.api import create_api
from notifications.policy import Policy
from tests.support import bearer
from tests.unit.test_notification_rules import MENTOR_ID, mentor_assigned, term_report_submitted

pytestmark = pytest.mark.integration

ECT_A, ECT_B = uuid.uuid4(), uuid.uuid4()


@pytest.fixture
async def recorded(database_url) -> AsyncIterator[tuple[Any, list[EventEnvelope[Any]]]]:  # type: ignore[no-untyped-def]
    """A pool over a notifications schema holding the notifications of four events, in order."""
    await ensure_schema(database_url, "notifications")
    pool = await create_pool(database_url, "notifications")
    events = [
        mentor_assigned(ect_id=ECT_A),
        term_report_submitted(ect_id=ECT_A),
        mentor_assigned(ect_id=ECT_B),
        term_report_submitted(ect_id=ECT_B, kind=TermReportKind.FORMAL_ASSESSMENT, term_number=3,
                              appropriate_body_id="ab-2"),
    ]
    await setup_schema(pool)
    record = recorder(Policy())
    async with pool.acquire() as conn:
        for event in events:
            await record(conn, event)
    yield pool, events
    await pool.close()


@pytest.fixture
async def client(recorded, issuer) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    api = create_api(recorded[0], issuer)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=api), base_url="http://test",
                                 headers=bearer(issuer, Role.AUDITOR, "auditor-1")) as client:
        yield client


async def test_notifications_are_listed_newest_first_with_the_total(client, recorded):
    response = await client.get("/notifications")
    assert response.status_code == 200
    page = response.json()
    assert page["total"] == 4
    assert [item["event_id"] for item in page["items"]] == [
        str(event.event_id) for event in reversed(recorded[1])]
    newest = page["items"][0]
    assert newest["subject"] == "A formal assessment for term 3 was submitted"
    assert (newest["recipient_role"], newest["recipient_id"], newest["status"]) == (
        "appropriate_body", "ab-2", "pending")


async def test_notifications_can_be_filtered_by_ect_recipient_and_rule(client):
    by_ect = (await client.get("/notifications", params={"ect_id": str(ECT_A)})).json()
    assert by_ect["total"] == 2
    assert {item["ect_id"] for item in by_ect["items"]} == {str(ECT_A)}
    by_mentor = (await client.get("/notifications", params={"recipient_id": str(MENTOR_ID)})).json()
    assert by_mentor["total"] == 2
    assert {item["rule"] for item in by_mentor["items"]} == {"mentor_assigned"}
    combined = (await client.get("/notifications", params={
        "ect_id": str(ECT_B), "rule": "term_report_submitted", "recipient_id": "ab-2"})).json()
    assert [item["recipient_id"] for item in combined["items"]] == ["ab-2"]


async def test_a_page_is_cut_by_limit_and_offset_while_the_total_counts_every_match(client, recorded):
    page = (await client.get("/notifications", params={"limit": 2, "offset": 1})).json()
    assert page["total"] == 4
    assert [item["event_id"] for item in page["items"]] == [
        str(recorded[1][2].event_id), str(recorded[1][1].event_id)]


async def test_a_limit_over_500_is_refused_naming_the_field(client):
    response = await client.get("/notifications", params={"limit": 501})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert [error["field"] for error in response.json()["errors"]] == ["limit"]


async def test_an_unknown_rule_is_refused_rather_than_silently_matching_nothing(client):
    response = await client.get("/notifications", params={"rule": "birthday"})
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["rule"]


async def test_notifications_are_not_listed_without_a_bearer_token(recorded, issuer):
    api = create_api(recorded[0], issuer)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=api),
                                 base_url="http://test") as anonymous:
        response = await anonymous.get("/notifications")
    assert response.status_code == 401
    assert response.json()["type"].endswith("/not-authenticated")
