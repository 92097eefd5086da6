"""Who may see and change which ECT, through the HTTP edge. Every refusal is a 403 naming the rule."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from contracts import Role
from ect_platform.identity import TokenIssuer
from scheduling.entrypoints.api import create_api
from tests.unit.scheduling_fixtures import Clock, in_memory_app
from tests.unit.test_scheduling_api import ECT

ISSUER = TokenIssuer("access-test-secret-of-at-least-32-bytes")


def token(role: Role, user: str, **scope: object) -> dict[str, str]:
    return {"Authorization": f"Bearer {ISSUER.issue(user, role, **scope)}"}  # type: ignore[arg-type]


AB_1 = token(Role.APPROPRIATE_BODY, "ab-1")
AB_2 = token(Role.APPROPRIATE_BODY, "someone-at-ab-2", appropriate_body_id="ab-2")
TUTOR_HERE = token(Role.INDUCTION_TUTOR, "tutor-1", schools=["100001"])
TUTOR_ELSEWHERE = token(Role.INDUCTION_TUTOR, "tutor-2", schools=["200002"])
LEAD_ELSEWHERE = token(Role.HUB_LEAD, "lead-2", schools=["200002"])
LEAD_HUB = token(Role.HUB_LEAD, "lead-1")
AUDITOR = token(Role.AUDITOR, "audit-1")


@pytest.fixture
async def client():  # type: ignore[no-untyped-def]
    api = create_api(in_memory_app(Clock(date(2025, 9, 10))), ISSUER)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=api), base_url="http://test") as c:
        yield c


@pytest.fixture
async def ect_id(client) -> str:  # type: ignore[no-untyped-def]
    response = await client.post("/ects", json=ECT, headers=AB_1)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def test_an_appropriate_body_registers_ects_only_for_itself(client):
    response = await client.post("/ects", json=ECT, headers=AB_2)
    assert response.status_code == 403
    assert "only for itself" in response.json()["detail"]


async def test_a_hub_lead_scoped_to_other_schools_cannot_register_here(client):
    response = await client.post("/ects", json=ECT, headers=LEAD_ELSEWHERE)
    assert response.status_code == 403
    assert "does not act for school 100001" in response.json()["detail"]


async def test_an_induction_tutor_token_must_name_schools(client):
    bare = token(Role.INDUCTION_TUTOR, "tutor-x")
    assert (await client.get("/schools/100001/terms/2025", headers=bare)).status_code == 401


@pytest.mark.parametrize(("headers", "expected"), [
    (AB_1, 200), (AB_2, 403), (TUTOR_HERE, 200), (TUTOR_ELSEWHERE, 403), (LEAD_HUB, 200),
    (LEAD_ELSEWHERE, 403), (AUDITOR, 200), (token(Role.MENTOR, "not-their-mentor"), 403),
], ids=["own-ab", "other-ab", "tutor-here", "tutor-elsewhere", "hub-lead", "lead-elsewhere", "auditor",
        "unassigned-mentor"])
async def test_who_may_read_an_ect(client, ect_id, headers, expected):
    response = await client.get(f"/ects/{ect_id}", headers=headers)
    assert response.status_code == expected, response.text


async def test_only_the_ab_holding_the_induction_may_release_it(client, ect_id):
    body = {"released_on": "2025-09-10", "reason": "school changed AB"}
    for headers in (AB_2, LEAD_HUB, TUTOR_HERE):
        assert (await client.post(f"/ects/{ect_id}/release", json=body, headers=headers)).status_code == 403
    assert (await client.post(f"/ects/{ect_id}/release", json=body, headers=AB_1)).status_code == 200


async def test_school_changes_are_for_that_schools_tutor_or_hub_lead(client, ect_id):
    body = {"fte": 0.8, "effective_from": "2026-01-05"}
    refused = await client.put(f"/ects/{ect_id}/working-pattern", json=body, headers=TUTOR_ELSEWHERE)
    assert refused.status_code == 403
    assert "does not act for school" in refused.json()["detail"]
    assert (await client.put(f"/ects/{ect_id}/working-pattern", json=body, headers=AB_1)).status_code == 403
    assert (await client.put(f"/ects/{ect_id}/working-pattern", json=body,
                             headers=TUTOR_HERE)).status_code == 200


async def test_an_auditor_changes_nothing(client, ect_id):
    for path, body in [
        (f"/ects/{ect_id}/absences", {"first_day": "2025-09-08", "days": 1, "reason": "sickness"}),
        (f"/ects/{ect_id}/drop-ins", {"observed_on": "2025-09-08", "focus_area": "x", "strengths": "y",
                                      "development_areas": "z"}),
        (f"/ects/{ect_id}/leaving", {"left_on": "2025-09-08", "reason": "x"}),
    ]:
        response = await client.post(path, json=body, headers=AUDITOR)
        assert response.status_code == 403, path
