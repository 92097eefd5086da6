"""The hub's directory on scheduling's API: schools and appropriate bodies given the names people
read, published for the other services, and named only by those who may."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from contracts import Role
from contracts.scheduling.v1 import AppropriateBodyRegistered, SchoolRegistered
from scheduling.application import SchedulingApplication
from scheduling.entrypoints.api import create_api
from scheduling.integration.outbound import to_integration_event
from tests.support import bearer
from tests.unit.scheduling_fixtures import Clock, in_memory_app
from tests.unit.test_scheduling_api import ISSUER


def scoped(role: Role, user: str, *schools: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {ISSUER.issue(user, role, schools=list(schools))}"}


LEAD = bearer(ISSUER, Role.HUB_LEAD, "lead-1")
TUTOR = scoped(Role.INDUCTION_TUTOR, "tutor-1", "100001")
AB = bearer(ISSUER, Role.APPROPRIATE_BODY, "ab-1")


@pytest.fixture
def app() -> SchedulingApplication:
    return in_memory_app(Clock(date(2025, 9, 10)))


@pytest.fixture
async def client(app):  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=create_api(app, ISSUER), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


def published(app: SchedulingApplication) -> list:  # type: ignore[type-arg]
    envelopes = [to_integration_event(app.mapper.to_domain_event(n))
                 for n in app.recorder.select_notifications(start=1, limit=1000)]
    return [e.payload for e in envelopes if e is not None]


async def test_a_school_and_an_ab_are_named_and_the_names_published(client, app):
    named = await client.put("/schools/100001", headers=TUTOR, json={"name": " Oakwood Primary School "})
    assert named.status_code == 200 and named.json()["changed"] is True
    again = await client.put("/schools/100001", headers=LEAD, json={"name": "Oakwood Primary School"})
    assert again.json()["changed"] is False  # the same name twice records nothing
    assert (await client.get("/schools/100001", headers=AB)).json()["name"] == "Oakwood Primary School"
    assert (await client.put("/appropriate-bodies/ab-1", headers=AB,
                             json={"name": "North Hub AB"})).status_code == 200
    assert (await client.get("/appropriate-bodies/ab-1", headers=TUTOR)).json()["name"] == "North Hub AB"
    assert published(app) == [SchoolRegistered(school_id="100001", name="Oakwood Primary School"),
                              AppropriateBodyRegistered(appropriate_body_id="ab-1", name="North Hub AB")]


async def test_only_those_who_may_name_a_school_or_an_ab_can(client, app):
    other_school = await client.put("/schools/100002", headers=TUTOR, json={"name": "Elsewhere"})
    assert other_school.status_code == 403 and "100002" in other_school.json()["detail"]
    other_ab = await client.put("/appropriate-bodies/ab-2", headers=AB, json={"name": "Not mine"})
    assert other_ab.status_code == 403
    scoped_lead = scoped(Role.HUB_LEAD, "lead-2", "100001")
    assert (await client.put("/appropriate-bodies/ab-1", headers=scoped_lead,
                             json={"name": "x"})).status_code == 403
    assert (await client.put("/schools/100001", headers=TUTOR, json={"name": ""})).status_code == 422
    assert published(app) == []
    assert (await client.get("/schools/100009", headers=LEAD)).json()["name"] is None
