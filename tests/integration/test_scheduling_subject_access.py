"""Subject access on scheduling, on real PostgreSQL: GET /privacy/subject-access answers an ECT's
and a mentor's every stored event, public ones as their contract envelopes and private ones as
stored, nothing about anyone else; only a hub lead for the whole hub may ask."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import date
from typing import Any

import httpx
import pytest

from contracts import Role
from ect_platform.identity import TokenIssuer
from scheduling.bootstrap import bootstrap
from scheduling.entrypoints.api import create_api
from scheduling.settings import SchedulingSettings
from tests.unit.scheduling_fixtures import START, Clock, ect_details, mentor_details, provenance, session

pytestmark = pytest.mark.integration

ISSUER = TokenIssuer("subject-access-secret-of-at-least-32-bytes")


@pytest.fixture
async def scheduling(stack, database_url, topic_prefix):  # type: ignore[no-untyped-def]
    settings = SchedulingSettings(database_url=database_url,
                                  kafka_bootstrap_servers=stack.bootstrap_servers,
                                  jwt_secret="unused-here-but-at-least-32-bytes-long",
                                  kafka_topic_prefix=topic_prefix, kafka_session_timeout_ms=2000)
    service = await bootstrap(settings)
    service.app.today = Clock(START)
    yield service
    await service.close()


@pytest.fixture
async def client(scheduling) -> AsyncIterator[Callable[..., httpx.AsyncClient]]:  # type: ignore[no-untyped-def]
    api = create_api(scheduling.app, ISSUER)

    def as_(role: Role, user: str = "lead-1", **claims: Any) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=api), base_url="http://t",
                                 headers={"Authorization": f"Bearer {ISSUER.issue(user, role, **claims)}"})
    yield as_


def unique_name(first: str) -> str:
    return f"{first} Q{uuid.uuid4().hex[:8]}"


async def test_an_ects_every_stored_event_is_answered_and_nobody_elses(scheduling, client):
    app = scheduling.app
    ada, other = unique_name("Ada"), unique_name("Other")
    ada_id = app.register_ect(provenance=provenance(), **ect_details(trn="2000001", name=ada))
    app.register_ect(provenance=provenance(), **ect_details(trn="2000002", name=other))
    app.today = Clock(date(2025, 9, 10))
    session(app, ada_id, date(2025, 9, 8))

    async with client(Role.HUB_LEAD) as lead:
        answer = await lead.get("/privacy/subject-access", params={"trn": "2000001"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["service"], body["trn"], body["held"], body["mentor"]) == (
        "scheduling", "2000001", True, None)
    ect = body["ect"]
    assert (ect["id"], ect["name"]) == (str(ada_id), ada)
    public = [e["envelope"] for e in ect["events"] if e["public"]]
    types = [e["event_type"] for e in public]
    assert types[0] == "EctRegistered" and "SessionHeld" in types
    registered = public[0]["payload"]
    assert (registered["name"], registered["trn"], registered["date_of_birth"]) == (
        ada, "2000001", "1999-12-10")
    private = ect["trn_index_events"]
    assert private and not private[0]["public"] and private[0]["fields"]["trn"] == "2000001"
    assert other not in json.dumps(body) and "2000002" not in json.dumps(body)


async def test_a_mentors_record_is_answered_for_their_trn(scheduling, client):
    grace = unique_name("Grace")
    mentor_id = scheduling.app.register_mentor(provenance=provenance("hub_lead", "lead-1"),
                                               **mentor_details(trn="3000001", name=grace))
    async with client(Role.HUB_LEAD) as lead:
        body = (await lead.get("/privacy/subject-access", params={"trn": "3000001"})).json()
    assert body["ect"] is None
    assert (body["mentor"]["id"], body["mentor"]["name"]) == (str(mentor_id), grace)
    assert body["mentor"]["events"][0]["envelope"]["event_type"] == "MentorRegistered"


async def test_a_trn_not_held_is_an_empty_answer_and_a_malformed_one_a_422_naming_the_rule(client):
    async with client(Role.HUB_LEAD) as lead:
        empty = await lead.get("/privacy/subject-access", params={"trn": "9999999"})
        malformed = await lead.get("/privacy/subject-access", params={"trn": "12345"})
    assert empty.status_code == 200
    assert (empty.json()["held"], empty.json()["ect"], empty.json()["mentor"]) == (False, None, None)
    assert malformed.status_code == 422
    assert "trn: a TRN (teacher reference number) is 7 digits" in malformed.json()["detail"]


async def test_only_a_hub_lead_for_the_whole_hub_may_ask(scheduling, client):
    scheduling.app.register_ect(provenance=provenance(), **ect_details(trn="2000003"))
    for refused in (client(Role.HUB_LEAD, schools=["100001"]), client(Role.AUDITOR, "aud-1"),
                    client(Role.INDUCTION_TUTOR, "tutor-1", schools=["100001"])):
        async with refused as someone:
            answer = await someone.get("/privacy/subject-access", params={"trn": "2000003"})
        assert answer.status_code == 403, answer.text
        assert "2000003" not in answer.text
