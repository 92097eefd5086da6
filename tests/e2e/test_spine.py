"""One feature at a time, through HTTP and Kafka, across the three service processes."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
import pytest

from contracts import Role
from contracts.topics import REPORTING, SCHEDULING
from ect_platform.identity import TokenIssuer
from scheduling.application import today_in_england
from tests.conftest import JWT_SECRET
from tests.support import eventually
from tests.support.kafka import read_topic

pytestmark = pytest.mark.e2e

ISSUER = TokenIssuer(JWT_SECRET)
AB = {"Authorization": f"Bearer {ISSUER.issue('ab-1', Role.APPROPRIATE_BODY)}"}
LEAD = {"Authorization": f"Bearer {ISSUER.issue('lead-1', Role.HUB_LEAD)}"}
TUTOR = {"Authorization": f"Bearer {ISSUER.issue('tutor-1', Role.INDUCTION_TUTOR, schools=['100001'])}"}


# The services enforce real dates (no start before the claim, no session in the future), so the
# scenario happens today, in England.
TODAY = today_in_england().isoformat()
QTS = (today_in_england() - timedelta(days=120)).isoformat()


def new_trn() -> str:
    return str(uuid.uuid4().int % 9_000_000 + 1_000_000)


async def register_ect(http: httpx.AsyncClient, platform) -> str:  # type: ignore[no-untyped-def]
    response = await http.post(platform.url("scheduling") + "/ects", headers=AB, json={
        "trn": new_trn(), "name": "Ada Lovelace", "date_of_birth": "1999-12-10",
        "school_id": "100001", "subject": "mathematics", "phase": "secondary",
        "qts_date": QTS, "induction_start_date": TODAY, "fte": 1.0,
        "appropriate_body_id": "ab-1", "induction_programme": "provider_led",
        "induction_tutor_id": "tutor-1",
    })
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def register_mentor(http: httpx.AsyncClient, platform) -> str:  # type: ignore[no-untyped-def]
    response = await http.post(platform.url("scheduling") + "/mentors", headers=LEAD, json={
        "trn": new_trn(), "name": "Grace Hopper", "school_id": "100001",
        "subject": "mathematics", "phase": "secondary", "years_teaching": 8,
    })
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def entitlement(http: httpx.AsyncClient, platform, ect_id: str) -> dict | None:  # type: ignore[no-untyped-def]
    response = await http.get(platform.url("reporting") + f"/ects/{ect_id}/entitlement", headers=LEAD)
    return response.json() if response.status_code == 200 else None


async def test_a_session_and_a_drop_in_recorded_in_scheduling_show_in_reporting_entitlement(
    platform, http
):
    ect_id = await register_ect(http, platform)
    mentor_id = await register_mentor(http, platform)
    scheduling = platform.url("scheduling")
    assigned = await http.put(f"{scheduling}/ects/{ect_id}/mentor", headers=LEAD,
                              json={"mentor_id": mentor_id, "assigned_on": TODAY})
    assert assigned.status_code == 200, assigned.text
    mentor = {"Authorization": f"Bearer {ISSUER.issue(mentor_id, Role.MENTOR)}"}
    session = await http.post(f"{scheduling}/ects/{ect_id}/sessions", headers=mentor, json={
        "request_id": "wk1", "held_on": TODAY, "minutes": 55, "action_step": "Wait time"})
    assert session.status_code == 201, session.text
    drop_in = await http.post(f"{scheduling}/ects/{ect_id}/drop-ins", headers=mentor, json={
        "observed_on": TODAY, "focus_area": "Adaptive teaching",
        "strengths": "Clear routines", "development_areas": "Checking for understanding"})
    assert drop_in.status_code == 201, drop_in.text

    async def caught_up() -> dict | None:
        row = await entitlement(http, platform, ect_id)
        return row if row and row["sessions_held"] == 1 and row["drop_ins"] == 1 else None

    row = await eventually(caught_up)
    assert row["minutes_coached"] == 55
    assert row["last_session_on"] == TODAY
    assert row["mentor_id"] == mentor_id


async def test_another_teams_subscriber_sees_the_events_with_actor_and_correlation(platform, http):
    correlation = str(uuid.uuid4())
    ect_id = await register_ect(http, platform)
    response = await http.post(
        platform.url("scheduling") + f"/ects/{ect_id}/sessions",
        headers={**LEAD, "X-Correlation-Id": correlation},
        json={"held_on": TODAY, "minutes": 60})
    assert response.status_code == 201
    topic = SCHEDULING.qualified(platform.topic_prefix)

    async def the_session() -> list:  # type: ignore[type-arg]
        messages = await read_topic(platform.bootstrap_servers, topic, at_least=1)
        return [e for _, e in messages if str(e.correlation_id) == correlation]

    (envelope,) = await eventually(the_session)
    assert envelope.event_type == "SessionHeld"
    assert str(envelope.ect_id) == ect_id
    assert (envelope.actor.id, envelope.actor.role) == ("lead-1", Role.HUB_LEAD)


async def test_a_term_report_is_event_sourced_relayed_and_notified_to_the_appropriate_body(
    platform, http
):
    ect_id = await register_ect(http, platform)
    await eventually(lambda: entitlement(http, platform, ect_id))
    reporting = platform.url("reporting")
    response = await http.post(f"{reporting}/ects/{ect_id}/term-reports", headers=TUTOR, json={
        "kind": "progress_review", "term_number": 1, "on_track": True,
        "evidence_summary": "Secure behaviour routines", "targets": "Questioning",
        "submitted_on": TODAY})
    assert response.status_code == 201, response.text
    again = await http.post(f"{reporting}/ects/{ect_id}/term-reports", headers=TUTOR, json={
        "kind": "progress_review", "term_number": 1, "on_track": True,
        "evidence_summary": "again", "targets": "again", "submitted_on": TODAY})
    assert again.status_code == 409

    messages = await read_topic(platform.bootstrap_servers,
                                REPORTING.qualified(platform.topic_prefix), at_least=1)
    assert any(e.event_type == "TermReportSubmitted" and str(e.ect_id) == ect_id for _, e in messages)

    async def notified() -> list:  # type: ignore[type-arg]
        answer = await http.get(platform.url("notifications") + "/notifications",
                                params={"ect_id": ect_id}, headers=LEAD)
        return [n for n in answer.json()["items"] if n["recipient_id"] == "ab-1"]

    (notification,) = await eventually(notified)
    assert "term 1" in notification["subject"].lower() or "term 1" in notification["body"].lower()


async def test_assigning_a_mentor_notifies_the_mentor_once(platform, http):
    ect_id = await register_ect(http, platform)
    mentor_id = await register_mentor(http, platform)
    assign = {"mentor_id": mentor_id, "assigned_on": TODAY}
    url = platform.url("scheduling") + f"/ects/{ect_id}/mentor"
    assert (await http.put(url, headers=LEAD, json=assign)).status_code == 200
    assert (await http.put(url, headers=LEAD, json=assign)).json()["changed"] is False

    async def notified() -> list:  # type: ignore[type-arg]
        answer = await http.get(platform.url("notifications") + "/notifications",
                                params={"recipient_id": mentor_id}, headers=LEAD)
        return answer.json()["items"]

    items = await eventually(notified)
    assert len(items) == 1
    assert items[0]["ect_id"] == ect_id


async def test_reporting_refuses_a_term_report_for_an_unknown_ect(platform, http):
    response = await http.post(
        platform.url("reporting") + f"/ects/{uuid.uuid4()}/term-reports", headers=TUTOR, json={
            "kind": "progress_review", "term_number": 1, "on_track": True,
            "evidence_summary": "x", "targets": "y", "submitted_on": TODAY})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_a_mentor_cannot_submit_a_term_report(platform, http):
    ect_id = await register_ect(http, platform)
    mentor = {"Authorization": f"Bearer {ISSUER.issue('m-9', Role.MENTOR)}"}
    response = await http.post(
        platform.url("reporting") + f"/ects/{ect_id}/term-reports", headers=mentor, json={
            "kind": "progress_review", "term_number": 1, "on_track": True,
            "evidence_summary": "x", "targets": "y", "submitted_on": TODAY})
    assert response.status_code == 403
    assert "2.55" in response.json()["detail"]


async def test_every_service_says_it_is_ready_and_what_it_checked(platform, http):
    for service in ("scheduling", "reporting", "notifications"):
        response = await http.get(platform.url(service) + "/health/ready")
        assert response.status_code == 200, (service, response.text)
        assert response.json()["status"] == "ok"
    checks = (await http.get(platform.url("scheduling") + "/health/ready")).json()["checks"]
    assert checks == {"database": "ok", "kafka": "ok"}


async def test_mail_reaches_the_local_catcher_that_make_run_starts(platform, http):
    ect_id = await register_ect(http, platform)
    mentor_id = await register_mentor(http, platform)
    recipient = {"channel": "email", "email": "grace@school.example", "name": "Grace Hopper"}
    mentor = {"Authorization": f"Bearer {ISSUER.issue(mentor_id, Role.MENTOR)}"}
    registered = await http.put(platform.url("notifications") + f"/recipients/{mentor_id}",
                                headers=mentor, json=recipient)
    assert registered.status_code in (200, 201), registered.text
    assigned = await http.put(platform.url("scheduling") + f"/ects/{ect_id}/mentor", headers=LEAD,
                              json={"mentor_id": mentor_id, "assigned_on": TODAY})
    assert assigned.status_code == 200

    trn = (await http.get(platform.url("scheduling") + f"/ects/{ect_id}", headers=LEAD)).json()["trn"]
    named = f"Ada Lovelace (TRN {trn})"  # people read names: the mail names the ECT, not their id

    def delivered() -> list:  # type: ignore[type-arg]
        return [p for p in platform.mail_dir.glob("*.eml")
                if named in p.read_text(errors="replace") and "grace@school.example" in p.read_text()]

    [mail] = await eventually(delivered, within=30)
    assert ect_id not in mail.read_text(errors="replace")
