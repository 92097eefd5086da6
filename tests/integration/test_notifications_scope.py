"""Who reads which notifications, and who changes whose contact details, on real PostgreSQL.

Notifications are scoped as reporting scopes its lists: an appropriate body reads those about
the ECTs it holds or held and those addressed to it, an induction tutor or a scoped hub lead
their schools', a mentor only their own, an auditor everything. Outside scope a notification
is not found (404, so its id tells nothing) and a list simply leaves it out.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import date
from typing import Any

import asyncpg
import httpx
import pytest

from contracts import EventEnvelope, Role
from contracts.scheduling.v1 import EctClaimed, EctRegistered, EctReleased, InductionProgramme, Phase
from ect_platform.database import create_pool, ensure_schema
from ect_platform.identity import TokenIssuer
from notifications.bootstrap import recorder, setup_schema
from notifications.entrypoints.api import create_api
from notifications.policy import Policy
from tests.unit.test_notification_rules import envelope, mentor_assigned, term_report_submitted

pytestmark = pytest.mark.integration

ECT_A, ECT_B = uuid.uuid4(), uuid.uuid4()
MENTOR_A, MENTOR_B = uuid.uuid4(), uuid.uuid4()
EMAIL = {"channel": "email", "email": "someone@school.example"}


def registered(ect_id: uuid.UUID, school: str, ab: str, tutor: str) -> EventEnvelope[Any]:
    return envelope(EctRegistered(
        trn=str(uuid.uuid4().int)[:7], name="Ada Lovelace", date_of_birth=date(1999, 12, 10),
        school_id=school, phase=Phase.SECONDARY, qts_date=date(2025, 7, 18),
        induction_start_date=date(2025, 9, 1), fte=1.0, appropriate_body_id=ab,
        induction_programme=InductionProgramme.PROVIDER_LED, induction_tutor_id=tutor),
        ect_id=ect_id)


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    """ECT A at school 100001 with ab-1, tutor-1 and mentor A; ECT B at 200002 with ab-2,
    tutor-2 and mentor B; each with its mentor's assignment and a report told to its AB."""
    await ensure_schema(database_url, "notifications")
    pool = await create_pool(database_url, "notifications")
    await setup_schema(pool)
    record = recorder(Policy(hub_lead_ids=("lead-1", "lead-2")))
    events = [
        registered(ECT_A, "100001", "ab-1", "tutor-1"),
        mentor_assigned(ect_id=ECT_A, mentor_id=MENTOR_A),
        term_report_submitted(ect_id=ECT_A, appropriate_body_id="ab-1"),
        registered(ECT_B, "200002", "ab-2", "tutor-2"),
        mentor_assigned(ect_id=ECT_B, mentor_id=MENTOR_B),
        term_report_submitted(ect_id=ECT_B, appropriate_body_id="ab-2"),
    ]
    async with pool.acquire() as conn:
        for event in events:
            await record(conn, event)
    yield pool
    await pool.close()


Client = Callable[..., httpx.AsyncClient]


@pytest.fixture
def as_(pool: asyncpg.Pool, issuer: TokenIssuer) -> Client:
    app = create_api(pool, issuer, hub_lead_ids=("lead-1", "lead-2"))

    def client(role: Role, user: str, **claims: Any) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {issuer.issue(user, role, **claims)}"}
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test",
                                 headers=headers)

    return client


async def listed(client: httpx.AsyncClient, **params: Any) -> set[tuple[str | None, str]]:
    response = await client.get("/notifications", params=params)
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["total"] == len(page["items"])
    return {(item["ect_id"], item["recipient_id"]) for item in page["items"]}


async def ids_about(as_: Client, ect_id: uuid.UUID) -> list[str]:
    async with as_(Role.AUDITOR, "auditor-1") as auditor:
        page = (await auditor.get("/notifications", params={"ect_id": str(ect_id)})).json()
    return [item["id"] for item in page["items"]]


async def test_an_auditor_and_a_hub_lead_for_the_whole_hub_read_every_notification(as_):
    for role, user in ((Role.AUDITOR, "auditor-1"), (Role.HUB_LEAD, "lead-1")):
        async with as_(role, user) as client:
            assert {ect for ect, _ in await listed(client)} == {str(ECT_A), str(ECT_B)}


async def test_an_appropriate_body_lists_only_notifications_about_ects_it_holds_or_addressed_to_it(as_):
    async with as_(Role.APPROPRIATE_BODY, "ab-user-1", appropriate_body_id="ab-1") as ab:
        seen = await listed(ab)
        assert seen and {ect for ect, _ in seen} == {str(ECT_A)}
        assert ("ab-1" in {rid for _, rid in seen})
        assert await listed(ab, ect_id=str(ECT_B)) == set()
        assert await listed(ab, recipient_id="ab-2") == set()


async def test_an_induction_tutor_lists_only_their_schools_notifications(as_):
    async with as_(Role.INDUCTION_TUTOR, "tutor-9", schools=["200002"]) as tutor:
        assert {ect for ect, _ in await listed(tutor)} == {str(ECT_B)}
    async with as_(Role.HUB_LEAD, "lead-2", schools=["100001"]) as lead:
        assert {ect for ect, _ in await listed(lead)} == {str(ECT_A)}


async def test_a_mentor_lists_only_the_notifications_addressed_to_them(as_):
    async with as_(Role.MENTOR, str(MENTOR_A)) as mentor:
        assert await listed(mentor) == {(str(ECT_A), str(MENTOR_A))}
    async with as_(Role.MENTOR, "not-a-mentor") as stranger:
        assert await listed(stranger) == set()


async def test_a_notification_outside_the_callers_scope_is_not_found_rather_than_forbidden(as_):
    about_b = await ids_about(as_, ECT_B)
    about_a = await ids_about(as_, ECT_A)
    callers = [(Role.APPROPRIATE_BODY, "ab-user-1", {"appropriate_body_id": "ab-1"}),
               (Role.INDUCTION_TUTOR, "tutor-1", {"schools": ["100001"]}),
               (Role.HUB_LEAD, "lead-2", {"schools": ["100001"]}),
               (Role.MENTOR, str(MENTOR_A), {})]
    for role, user, claims in callers:
        async with as_(role, user, **claims) as client:
            for nid in about_b:
                response = await client.get(f"/notifications/{nid}")
                assert response.status_code == 404, (role, response.text)
                assert response.json()["type"].endswith("/notification-not-found")
            readable = [(await client.get(f"/notifications/{nid}")).status_code for nid in about_a]
            assert 200 in readable, role
    async with as_(Role.APPROPRIATE_BODY, "ab-user-1", appropriate_body_id="ab-1") as ab:
        statuses = [(await ab.get(f"/notifications/{nid}")).status_code for nid in about_a]
        assert statuses == [200] * len(about_a)


async def test_an_appropriate_body_still_reads_notifications_about_an_ect_it_released_to_another(as_, pool):
    async with pool.acquire() as conn:
        record = recorder(Policy())
        await record(conn, envelope(EctReleased(appropriate_body_id="ab-1", released_on=date(2025, 12, 19),
                                                reason="moved AB", terms_served=1.0), ect_id=ECT_A))
        await record(conn, envelope(EctClaimed(
            appropriate_body_id="ab-9", period_start_date=date(2026, 1, 5), school_id="100001", fte=1.0,
            induction_programme=InductionProgramme.PROVIDER_LED, induction_tutor_id="tutor-1"),
            ect_id=ECT_A))
    for ab in ("ab-1", "ab-9"):
        async with as_(Role.APPROPRIATE_BODY, f"user-at-{ab}", appropriate_body_id=ab) as client:
            assert {e for e, _ in await listed(client, ect_id=str(ECT_A))} == {str(ECT_A)}, ab
            assert await listed(client, ect_id=str(ECT_B)) == set()


async def test_an_appropriate_body_still_reads_notifications_about_an_ect_it_held_stored_before_the_facts(
        as_, pool):
    # a state stored by an earlier release names the AB at its top level, and no posts
    ect = uuid.uuid4()
    async with pool.acquire() as conn:
        await conn.execute(
            "INSERT INTO induction (ect_id, school_id, state) VALUES ($1, '300003', $2::jsonb)",
            ect, json.dumps({"ect_id": str(ect), "appropriate_body_id": "ab-3", "school_id": "300003",
                        "start": "2025-09-01"}))
        await recorder(Policy())(conn, mentor_assigned(ect_id=ect))
    async with as_(Role.APPROPRIATE_BODY, "ab-user-3", appropriate_body_id="ab-3") as ab:
        assert {e for e, _ in await listed(ab)} == {str(ect)}
    async with as_(Role.INDUCTION_TUTOR, "tutor-3", schools=["300003"]) as tutor:
        assert {e for e, _ in await listed(tutor)} == {str(ect)}


async def test_a_hub_lead_for_some_schools_manages_only_their_peoples_and_the_hubs_leads_contact_details(as_):
    async with as_(Role.HUB_LEAD, "lead-2", schools=["100001"]) as lead:
        for mine in (str(MENTOR_A), "tutor-1", "lead-1", "lead-2"):
            assert (await lead.put(f"/recipients/{mine}", json=EMAIL)).status_code == 201, mine
        for theirs in (str(MENTOR_B), "tutor-2", "ab-1", "ab-2"):
            put = await lead.put(f"/recipients/{theirs}", json=EMAIL)
            assert put.status_code == 403, theirs
            assert "acts for schools 100001 only" in put.json()["detail"]
    async with as_(Role.HUB_LEAD, "lead-1") as hub:  # the whole hub: sets anyone up
        for theirs in (str(MENTOR_B), "tutor-2", "ab-1"):  # the refused puts stored nothing
            assert (await hub.get(f"/recipients/{theirs}")).status_code == 404, theirs
        mine = await hub.get(f"/recipients/{MENTOR_A}")  # an allowed one stored what it was sent
        assert mine.status_code == 200 and mine.json()["email"] == EMAIL["email"]
        assert (await hub.put("/recipients/ab-2", json=EMAIL)).status_code == 201
    async with as_(Role.HUB_LEAD, "lead-2", schools=["100001"]) as lead:
        assert (await lead.delete("/recipients/ab-2")).status_code == 403
        assert (await lead.get("/recipients/ab-2")).status_code == 403
        assert (await lead.delete(f"/recipients/{MENTOR_A}")).status_code == 204
    async with as_(Role.HUB_LEAD, "lead-1") as hub:  # the refused delete kept it; the allowed one did not
        kept = await hub.get("/recipients/ab-2")
        assert kept.status_code == 200 and kept.json()["email"] == EMAIL["email"]
        assert (await hub.get(f"/recipients/{MENTOR_A}")).status_code == 404
    async with as_(Role.APPROPRIATE_BODY, "ab-user-1", appropriate_body_id="ab-1") as ab:
        assert (await ab.delete("/recipients/ab-2")).status_code == 403
