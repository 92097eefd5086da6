"""Subject access on reporting, on real PostgreSQL: GET /privacy/subject-access answers the facts
filed about a person, their entitlement and AB rows, their audit trail and reporting's own
events about them, nothing about anyone else; only a hub lead for the whole hub may ask."""

from __future__ import annotations

import json
import uuid
from datetime import date

import pytest

from contracts import Role
from tests.integration.test_reporting_harness import AUDITOR, Hub, headers, open_hub
from tests.integration.test_reporting_scenarios import START

pytestmark = pytest.mark.integration

PATH = "/privacy/subject-access"


@pytest.fixture
async def hub(database_url):  # type: ignore[no-untyped-def]
    hub = await open_hub(database_url, START)
    yield hub
    await hub.pool.close()


async def test_a_persons_facts_rows_trail_and_reports_are_answered_and_nobody_elses(hub: Hub):
    ada, other = f"Ada Q{uuid.uuid4().hex[:8]}", f"Other Q{uuid.uuid4().hex[:8]}"
    ada_id = hub.register(trn="2100001", name=ada)
    hub.register(trn="2100002", name=other)
    hub.on(date(2025, 9, 20))
    hub.sessions(ada_id, [date(2025, 9, 8)])
    report = await hub.review(ada_id, 1, date(2025, 9, 19))
    body = await hub.get(PATH, trn="2100001")

    assert (body["service"], body["trn"], body["held"], body["ect_ids"]) == (
        "reporting", "2100001", True, [str(ada_id)])
    facts = {f["event_type"] for f in body["facts"]}
    assert {"EctRegistered", "SessionHeld"} <= facts
    registered = next(f for f in body["facts"] if f["event_type"] == "EctRegistered")["payload"]
    assert (registered["name"], registered["date_of_birth"]) == (ada, "1999-12-10")
    assert [row["name"] for row in body["entitlement"]] == [ada]
    terms = body["entitlement_terms"]
    assert terms and all(isinstance(row["reasons"], list) for row in terms)  # nested, not text
    assert {(row["kind"], row["report_id"]) for row in body["ab_submissions"]} >= {
        ("progress_review", report)}
    assert {e["event_type"] for e in body["audit_trail"]} >= {"EctRegistered", "SessionHeld",
                                                             "TermReportSubmitted"}
    reports = [e["envelope"] for e in body["events"] if e["public"]]
    assert report in {e["aggregate_id"] for e in reports}
    assert other not in json.dumps(body) and "2100002" not in json.dumps(body)


async def test_a_mentors_facts_are_answered_for_their_trn(hub: Hub):
    grace = f"Grace Q{uuid.uuid4().hex[:8]}"
    mentor_id = hub.mentor(trn="3100001", name=grace)
    body = await hub.get(PATH, trn="3100001")
    assert (body["ect_ids"], body["mentor_ids"]) == ([], [str(mentor_id)])
    assert [f["payload"]["name"] for f in body["facts"] if f["event_type"] == "MentorRegistered"] == [grace]


async def test_a_trn_not_held_is_empty_and_a_malformed_one_a_422_naming_the_rule(hub: Hub):
    empty = await hub.get(PATH, trn="9999999")
    assert (empty["held"], empty["facts"], empty["audit_trail"], empty["events"]) == (False, [], [], [])
    malformed = await hub.http.get(PATH, params={"trn": "12a4567"}, headers=headers(Role.HUB_LEAD, "lead-1"))
    assert malformed.status_code == 422
    assert "a TRN (teacher reference number) is 7 digits" in malformed.json()["detail"]


async def test_only_a_hub_lead_for_the_whole_hub_may_ask(hub: Hub):
    hub.register(trn="2100003")
    await hub.deliver()
    for who in (headers(Role.HUB_LEAD, "lead-2", schools=["100001"]), AUDITOR,
                headers(Role.APPROPRIATE_BODY, "ab-1")):
        refused = await hub.http.get(PATH, params={"trn": "2100003"}, headers=who)
        assert refused.status_code == 403, refused.text
        assert "Ada" not in refused.text
