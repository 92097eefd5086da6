"""Subject access on notifications, on real PostgreSQL: GET /privacy/subject-access answers the
notifications about a person or addressed to them, their contact details and each delivery
attempt, nothing about anyone else; only a hub lead for the whole hub may ask."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
import httpx
import pytest

from contracts import Role
from contracts.notifications.v1 import Channel
from contracts.scheduling.v1 import EctRegistered
from ect_platform.database import create_pool, ensure_schema
from ect_platform.identity import TokenIssuer
from notifications.bootstrap import recorder, setup_schema
from notifications.entrypoints.api import create_api
from notifications.policy import Policy
from notifications.recipients import Recipient, put
from tests.unit.test_notification_rules import MENTOR_ID, envelope, mentor_assigned

pytestmark = pytest.mark.integration

PATH = "/privacy/subject-access"


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    await ensure_schema(database_url, "notifications")
    pool = await create_pool(database_url, "notifications")
    await setup_schema(pool)
    yield pool
    await pool.close()


@pytest.fixture
def api(pool: asyncpg.Pool, issuer: TokenIssuer) -> Any:
    app = create_api(pool, issuer)

    def as_(role: Role, user: str = "lead-1", **claims: Any) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {issuer.issue(user, role, **claims)}"}
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t",
                                 headers=headers)
    return as_


def registered(ect_id: uuid.UUID, trn: str, name: str) -> Any:
    return envelope(EctRegistered(
        trn=trn, name=name, date_of_birth=date(1999, 12, 10), school_id="100001", phase="secondary",
        qts_date=date(2025, 7, 1), induction_start_date=date(2025, 9, 1), fte=1.0,
        appropriate_body_id="ab-1", induction_programme="provider_led", induction_tutor_id="tutor-1",
    ), ect_id=ect_id)


async def hold(pool: asyncpg.Pool, *events: Any) -> None:
    async with pool.acquire() as conn, conn.transaction():
        for event in events:
            await recorder(Policy())(conn, event)


async def test_an_ects_notifications_and_their_mentors_by_id_are_answered_and_nobody_elses(pool, api):
    ada, other = f"Ada Q{uuid.uuid4().hex[:8]}", f"Other Q{uuid.uuid4().hex[:8]}"
    ada_id, other_id = uuid.uuid4(), uuid.uuid4()
    await hold(pool, registered(ada_id, "2200001", ada), registered(other_id, "2200002", other),
               mentor_assigned(ect_id=ada_id), mentor_assigned(ect_id=other_id))
    grace = f"grace-{uuid.uuid4().hex[:8]}@school.example"
    await put(pool, Recipient(str(MENTOR_ID), Channel.EMAIL, name="Grace Hopper", email=grace),
              by="test", at=datetime.now(UTC))
    mine = await pool.fetchval("SELECT id FROM notification WHERE ect_id = $1", ada_id)
    await pool.execute("INSERT INTO delivery_attempt (notification_id, attempt, channel, outcome, "
                       "detail, at) VALUES ($1, 1, 'email', 'sent', NULL, now())", mine)

    async with api(Role.HUB_LEAD) as lead:
        as_ect = (await lead.get(PATH, params={"trn": "2200001"})).json()
        as_mentor = (await lead.get(PATH, params={"trn": "7654321",
                                                  "known_as": str(MENTOR_ID)})).json()
    assert (as_ect["service"], as_ect["held"], as_ect["ect_ids"]) == ("notifications", True, [str(ada_id)])
    assert as_ect["inductions"][0]["state"]["name"] == ada
    (told,) = as_ect["notifications"]
    assert (told["id"], told["ect_id"], told["rule"]) == (str(mine), str(ada_id), "mentor_assigned")
    assert told["subject"] and ada in told["body"]
    attempts = [(a["notification_id"], a["outcome"]) for a in as_ect["delivery_attempts"]]
    assert attempts == [(str(mine), "sent")]
    assert other not in json.dumps(as_ect)
    assert grace not in json.dumps(as_ect)  # the mentor's contact details are theirs, not Ada's

    assert [r["email"] for r in as_mentor["recipients"]] == [grace]
    assert {n["ect_id"] for n in as_mentor["notifications"]} == {str(ada_id), str(other_id)}


async def test_a_trn_not_held_is_empty_and_a_malformed_one_a_422_naming_the_rule(api):
    async with api(Role.HUB_LEAD) as lead:
        empty = await lead.get(PATH, params={"trn": "9999999", "known_as": "nobody-known"})
        full_width = "".join(chr(0xFF11 + i) for i in range(7))  # digits, but not ASCII ones
        malformed = await lead.get(PATH, params={"trn": full_width})
        bad_id = await lead.get(PATH, params={"trn": "9999999", "known_as": "a\x01b"})
    assert empty.status_code == 200
    assert (empty.json()["held"], empty.json()["notifications"], empty.json()["recipients"]) == (
        False, [], [])
    assert malformed.status_code == 422
    assert "a TRN (teacher reference number) is 7 digits" in malformed.json()["detail"]
    assert bad_id.status_code == 422
    assert bad_id.json()["errors"][0]["field"] == "known_as.0"


async def test_only_a_hub_lead_for_the_whole_hub_may_ask(pool, api):
    await hold(pool, registered(uuid.uuid4(), "2200003", "Someone Else"))
    for who in (api(Role.HUB_LEAD, schools=["100001"]), api(Role.AUDITOR, "auditor-1"),
                api(Role.MENTOR, str(MENTOR_ID))):
        async with who as someone:
            refused = await someone.get(PATH, params={"trn": "2200003"})
        assert refused.status_code == 403, refused.text
        assert "Someone Else" not in refused.text
