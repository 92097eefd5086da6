"""What mentors and tutors wrote in coaching (sessions' action steps, drop-ins' strengths,
development areas and next steps), read back through scheduling's routes on PostgreSQL, by
exactly the people in scope."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest

from contracts import Role
from scheduling.bootstrap import bootstrap
from scheduling.entrypoints.api import create_api
from scheduling.settings import SchedulingSettings
from tests.unit.scheduling_fixtures import Clock, ect_details, mentor_details, provenance

pytestmark = pytest.mark.integration

START = date(2025, 9, 1)
LATER = date(2025, 10, 10)


@pytest.fixture
async def scheduling(stack, database_url, topic_prefix):  # type: ignore[no-untyped-def]
    settings = SchedulingSettings(database_url=database_url,
                                  kafka_bootstrap_servers=stack.bootstrap_servers,
                                  jwt_secret="coaching-record-secret-at-least-32-bytes",
                                  kafka_topic_prefix=topic_prefix)
    service = await bootstrap(settings)
    service.app.today = Clock(START)
    yield service
    await service.close()


@pytest.fixture
async def http(scheduling):  # type: ignore[no-untyped-def]
    api = create_api(scheduling.app, scheduling.issuer)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=api), base_url="http://s") as client:
        yield client


def token(scheduling: Any, role: Role, user: str, **scope: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {scheduling.issuer.issue(user, role, **scope)}"}


def two_ects(scheduling: Any) -> dict[str, Any]:
    """Ada at school 100001 with mentor Grace (ab-1); Bo at 100002 with mentor Alan (ab-2)."""
    app = scheduling.app
    lead = provenance("hub_lead", "lead-1")
    ada = app.register_ect(provenance=provenance(), **ect_details())
    bo = app.register_ect(provenance=provenance("appropriate_body", "ab-2"), **ect_details(
        trn="2222222", name="Bo Diddley", school_id="100002", appropriate_body_id="ab-2"))
    grace = app.register_mentor(provenance=lead, **mentor_details())
    alan = app.register_mentor(provenance=lead, **mentor_details(trn="7000002", name="Alan Turing",
                                                                   school_id="100002"))
    app.assign_mentor(ada, grace, assigned_on=START, override_reason=None, provenance=lead)
    app.assign_mentor(bo, alan, assigned_on=START, override_reason=None, provenance=lead)
    app.today = Clock(LATER)
    return {"ada": ada, "bo": bo, "grace": grace, "alan": alan}


async def test_what_the_mentor_and_tutor_wrote_is_read_by_exactly_those_in_scope(scheduling, http):  # type: ignore[no-untyped-def]
    people = two_ects(scheduling)
    ada, grace = people["ada"], people["grace"]
    mentor = token(scheduling, Role.MENTOR, str(grace))
    tutor = token(scheduling, Role.INDUCTION_TUTOR, "tutor-1", schools=["100001"])
    for day, step in ((date(2025, 9, 8), "Cold call after every question"),
                      (date(2025, 9, 15), "Wait three seconds before taking answers")):
        held = await http.post(f"/ects/{ada}/sessions", headers=mentor, json={
            "request_id": f"s-{day}", "held_on": day.isoformat(), "minutes": 60, "action_step": step})
        assert held.status_code == 201, held.text
    missed = await http.post(f"/ects/{ada}/missed-sessions", headers=tutor, json={
        "request_id": "m-1", "due_on": "2025-09-22", "reason": "mentor_absent", "note": "Mentor ill"})
    assert missed.status_code == 201, missed.text
    for who, when in ((mentor, "2025-09-19"), (tutor, "2025-09-26")):
        dropped = await http.post(f"/ects/{ada}/drop-ins", headers=who, json={
            "request_id": f"d-{when}", "observed_on": when, "focus_area": "Adaptive teaching",
            "strengths": "Clear explanations", "development_areas": "Checking for understanding",
            "next_step": "Mini-whiteboards in every lesson"})
        assert dropped.status_code == 201, dropped.text

    readers = {"the ECT": token(scheduling, Role.ECT, str(ada)), "their mentor": mentor, "tutor": tutor,
               "headteacher": token(scheduling, Role.HEADTEACHER, "head-1", schools=["100001"]),
               "their AB": token(scheduling, Role.APPROPRIATE_BODY, "ab-1"),
               "auditor": token(scheduling, Role.AUDITOR, "auditor-1")}
    for who, headers in readers.items():
        sessions = await http.get(f"/ects/{ada}/sessions", headers=headers)
        assert sessions.status_code == 200, (who, sessions.text)
        page = sessions.json()
        assert (page["total"], page["limit"], page["offset"]) == (3, 50, 0), who
        assert [(s["status"], s["on"], s["action_step"]) for s in page["items"]] == [
            ("missed", "2025-09-22", None),
            ("held", "2025-09-15", "Wait three seconds before taking answers"),
            ("held", "2025-09-08", "Cold call after every question")], who
        assert {s["mentor_name"] for s in page["items"]} == {"Grace Hopper"}
        missed_one = page["items"][0]
        assert (missed_one["missed_reason"], missed_one["note"]) == ("mentor_absent", "Mentor ill")
        drop_ins = (await http.get(f"/ects/{ada}/drop-ins", headers=headers)).json()
        assert [(d["observed_on"], d["observer_role"], d["observer_name"]) for d in drop_ins["items"]] == [
            ("2025-09-26", "induction_tutor", None), ("2025-09-19", "mentor", "Grace Hopper")], who
        assert drop_ins["items"][1]["strengths"] == "Clear explanations"
        assert drop_ins["items"][1]["development_areas"] == "Checking for understanding"
        assert drop_ins["items"][1]["next_step"] == "Mini-whiteboards in every lesson"
    paged = (await http.get(f"/ects/{ada}/sessions", headers=tutor, params={"limit": 1, "offset": 1})).json()
    assert [s["on"] for s in paged["items"]] == ["2025-09-15"] and paged["total"] == 3

    refused = {
        "another ECT": (token(scheduling, Role.ECT, str(people["bo"])), "only their own"),
        "the mentor of another ECT": (token(scheduling, Role.MENTOR, str(people["alan"])),
                                      "not assigned to this ECT"),
        "a tutor of another school": (token(scheduling, Role.INDUCTION_TUTOR, "tutor-9", schools=["100002"]),
                                      "does not act for school 100001"),
        "a headteacher of another school": (token(scheduling, Role.HEADTEACHER, "head-9",
                                                  schools=["100002"]), "does not act for school 100001"),
        "an AB that never claimed her": (token(scheduling, Role.APPROPRIATE_BODY, "ab-2"), "never claimed"),
        "a hub lead": (token(scheduling, Role.HUB_LEAD, "lead-1"), "the token's role is hub_lead"),
    }
    for who, (headers, rule) in refused.items():
        for path in (f"/ects/{ada}/sessions", f"/ects/{ada}/drop-ins"):
            response = await http.get(path, headers=headers)
            assert response.status_code == 403, (who, path, response.text)
            assert rule in response.json()["detail"], (who, response.json()["detail"])
    # Bo's own record answers his, which is empty
    bo_reads = await http.get(f"/ects/{people['bo']}/sessions",
                              headers=token(scheduling, Role.ECT, str(people["bo"])))
    assert bo_reads.status_code == 200 and bo_reads.json()["total"] == 0
