"""What scheduling tells a caller about people outside their scope, through the HTTP edge:
mentors' records, ECTs with no mentor, and a refused registration."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest

from contracts import Role
from ect_platform.identity import TokenIssuer
from scheduling.application import SchedulingApplication
from scheduling.entrypoints.api import create_api
from tests.unit.scheduling_fixtures import Clock, in_memory_app, mentor_details, provenance
from tests.unit.test_scheduling_api import ECT

ISSUER = TokenIssuer("scope-test-secret-of-at-least-32-bytes")


def token(role: Role, user: str, **scope: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {ISSUER.issue(user, role, **scope)}"}


AB_1 = token(Role.APPROPRIATE_BODY, "ab-1")
AB_2 = token(Role.APPROPRIATE_BODY, "someone-at-ab-2", appropriate_body_id="ab-2")
LEAD_HERE = token(Role.HUB_LEAD, "lead-2", schools=["100001"])
LEAD_ELSEWHERE = token(Role.HUB_LEAD, "lead-3", schools=["200002"])
AUDITOR = token(Role.AUDITOR, "audit-1")


@pytest.fixture
def app() -> SchedulingApplication:
    return in_memory_app(Clock(date(2025, 9, 10)))


@pytest.fixture
async def client(app):  # type: ignore[no-untyped-def]
    api = create_api(app, ISSUER)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=api), base_url="http://test") as c:
        yield c


@pytest.fixture
async def ect_id(client) -> str:  # type: ignore[no-untyped-def]
    created = await client.post("/ects", json=ECT, headers=AB_1)
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


@pytest.fixture
def mentor_id(app: SchedulingApplication) -> str:
    return str(app.register_mentor(provenance=provenance("hub_lead", "lead-1"), **mentor_details()))


async def assign(client: httpx.AsyncClient, ect_id: str, mentor_id: str) -> None:
    response = await client.put(f"/ects/{ect_id}/mentor", headers=LEAD_HERE,
                                json={"mentor_id": mentor_id, "assigned_on": "2025-09-08"})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("sub", ["None", "no-such-mentor"])
async def test_a_mentor_token_whose_sub_is_no_mentor_reads_no_ect_without_a_mentor(client, ect_id, sub):
    response = await client.get(f"/ects/{ect_id}", headers=token(Role.MENTOR, sub))
    assert response.status_code == 403, response.text


async def test_a_mentor_reads_the_ect_whose_mentor_they_are_and_no_other(client, ect_id, mentor_id):
    await assign(client, ect_id, mentor_id)
    assert (await client.get(f"/ects/{ect_id}", headers=token(Role.MENTOR, mentor_id))).status_code == 200
    assert (await client.get(f"/ects/{ect_id}", headers=token(Role.MENTOR, "None"))).status_code == 403


async def test_an_appropriate_body_reads_a_mentor_only_through_an_ect_it_holds_whose_mentor_they_are(
        client, ect_id, mentor_id):
    bare = await client.get(f"/mentors/{mentor_id}", headers=AB_1)
    assert bare.status_code == 403
    assert "grace" not in bare.text.lower() and "7654321" not in bare.text
    assert (await client.get(f"/mentors/{mentor_id}", params={"ect_id": ect_id},
                             headers=AB_1)).status_code == 403  # not yet this ECT's mentor
    await assign(client, ect_id, mentor_id)
    read = await client.get(f"/mentors/{mentor_id}", params={"ect_id": ect_id}, headers=AB_1)
    assert read.status_code == 200, read.text
    assert read.json()["trn"] == "7654321"
    other = await client.get(f"/mentors/{mentor_id}", params={"ect_id": ect_id}, headers=AB_2)
    assert other.status_code == 403
    assert "7654321" not in other.text


async def test_an_auditor_reads_any_mentor_and_school_staff_only_their_schools(client, mentor_id):
    assert (await client.get(f"/mentors/{mentor_id}", headers=AUDITOR)).status_code == 200
    assert (await client.get(f"/mentors/{mentor_id}", headers=LEAD_HERE)).status_code == 200
    assert (await client.get(f"/mentors/{mentor_id}", headers=LEAD_ELSEWHERE)).status_code == 403
    another = token(Role.MENTOR, "another")
    assert (await client.get(f"/mentors/{mentor_id}", headers=another)).status_code == 403


async def test_a_trn_held_open_by_another_appropriate_body_is_refused_without_naming_it(client, ect_id):
    response = await client.post("/ects", json={**ECT, "appropriate_body_id": "ab-2"}, headers=AB_2)
    assert response.status_code == 409
    problem = response.json()
    assert "ab-1" not in response.text
    assert problem["type"].endswith("/registration-refused")
    assert "cannot be registered by you now" in problem["detail"]


async def test_a_completed_induction_is_refused_without_saying_passed_or_failed(app, client, ect_id):
    app.record_outcome(ect_id, outcome="failed", decided_on=date(2025, 9, 9),  # type: ignore[arg-type]
                       provenance=provenance())
    response = await client.post("/ects", json={**ECT, "appropriate_body_id": "ab-2"}, headers=AB_2)
    assert response.status_code == 409
    text = response.text.lower()
    assert "failed" not in text and "passed" not in text and "ab-1" not in text
    assert response.json()["type"].endswith("/registration-refused")


async def test_a_hub_lead_for_some_schools_cannot_learn_which_appropriate_body_holds_a_trn(client, ect_id):
    held = await client.post("/ects", json=ECT, headers=LEAD_HERE)  # names ab-1, which holds them
    not_held = await client.post("/ects", json={**ECT, "appropriate_body_id": "ab-2"}, headers=LEAD_HERE)
    assert held.status_code == not_held.status_code == 409
    assert held.json() == not_held.json()
    assert "ab-1" not in held.text


async def test_the_appropriate_body_holding_a_trn_is_told_it_is_already_registered(client, ect_id):
    again = await client.post("/ects", json=ECT, headers=AB_1)
    assert again.status_code == 409
    assert "already registered" in again.json()["detail"]
