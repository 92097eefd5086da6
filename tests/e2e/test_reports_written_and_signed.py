"""A report written and signed in steps, and what mentors and tutors wrote read back, across the
three service processes (HTTP and Kafka), as ``ect up`` runs them."""

from __future__ import annotations

import httpx
import pytest

from contracts import Role
from contracts.topics import REPORTING
from tests.e2e.test_spine import AB, ISSUER, LEAD, TODAY, TUTOR, entitlement, register_ect, register_mentor
from tests.support import eventually
from tests.support.kafka import read_topic

pytestmark = pytest.mark.e2e

HEAD = {"Authorization": f"Bearer {ISSUER.issue('head-1', Role.HEADTEACHER, schools=['100001'])}"}


def bearer(role: Role, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {ISSUER.issue(user, role)}"}


async def test_a_review_is_drafted_signed_by_the_ect_submitted_and_read_by_those_in_scope(
    platform, http: httpx.AsyncClient
):
    ect_id = await register_ect(http, platform)
    mentor_id = await register_mentor(http, platform)
    scheduling, reporting = platform.url("scheduling"), platform.url("reporting")
    assert (await http.put(f"{scheduling}/ects/{ect_id}/mentor", headers=LEAD,
                           json={"mentor_id": mentor_id, "assigned_on": TODAY})).status_code == 200
    mentor, ect = bearer(Role.MENTOR, mentor_id), bearer(Role.ECT, ect_id)
    assert (await http.post(f"{scheduling}/ects/{ect_id}/sessions", headers=mentor, json={
        "request_id": "wk1", "held_on": TODAY, "minutes": 60, "action_step": "Wait time"})).status_code == 201
    assert (await http.post(f"{scheduling}/ects/{ect_id}/drop-ins", headers=mentor, json={
        "observed_on": TODAY, "focus_area": "Adaptive teaching", "strengths": "Clear routines",
        "development_areas": "Checking for understanding"})).status_code == 201
    await eventually(lambda: entitlement(http, platform, ect_id))  # reporting knows the ECT

    drafted = await http.post(f"{reporting}/ects/{ect_id}/term-reports", headers=TUTOR, json={
        "draft": True, "kind": "progress_review", "term_number": 1, "on_track": True,
        "evidence_summary": "Secure behaviour routines", "targets": "Questioning", "drafted_on": TODAY})
    assert drafted.status_code == 201, drafted.text
    path = reporting + drafted.headers["Location"]
    signed = await http.post(f"{path}/sign", headers=ect, json={"signed_on": TODAY,
                                                                "comments": "I agree"})
    assert signed.status_code == 200 and signed.json()["step"] == "tutor_to_submit", signed.text
    sent = await http.post(f"{path}/submit", headers=TUTOR, json={"submitted_on": TODAY, "name": "T. Tutor"})
    assert sent.status_code == 200, sent.text

    for who in (ect, mentor, TUTOR, HEAD, AB):
        report = await http.get(path, headers=who)
        assert report.status_code == 200, report.text
        body = report.json()
        assert (body["status"], body["ect_comments"], body["ect_name"]) == ("submitted", "I agree",
                                                                            "Ada Lovelace")
        assert [s["role"] for s in body["signatures"]] == ["induction_tutor", "ect"]
        sessions = await http.get(f"{scheduling}/ects/{ect_id}/sessions", headers=who)
        assert sessions.json()["items"][0]["action_step"] == "Wait time"
        assert sessions.json()["items"][0]["mentor_name"] == "Grace Hopper"
        drop_ins = await http.get(f"{scheduling}/ects/{ect_id}/drop-ins", headers=who)
        assert drop_ins.json()["items"][0]["strengths"] == "Clear routines"
    other = bearer(Role.ECT, mentor_id)  # a token for someone else
    assert (await http.get(path, headers=other)).status_code == 403
    assert (await http.get(f"{scheduling}/ects/{ect_id}/drop-ins", headers=other)).status_code == 403

    async def steps() -> list[str]:
        messages = await read_topic(platform.bootstrap_servers, REPORTING.qualified(platform.topic_prefix),
                                    at_least=3)
        return [e.event_type for _, e in messages if str(e.ect_id) == ect_id]

    assert await eventually(lambda: _all_of(steps, ["TermReportDrafted", "TermReportSignedByEct",
                                                    "TermReportSubmitted"]))

    async def notified() -> list:  # type: ignore[type-arg]
        answer = await http.get(platform.url("notifications") + "/notifications",
                                params={"ect_id": ect_id, "rule": "term_report_submitted"}, headers=LEAD)
        return answer.json()["items"]

    (notification,) = await eventually(notified)  # the AB hears once, at submission
    assert notification["recipient_id"] == "ab-1"


async def _all_of(read, wanted: list[str]) -> bool:  # type: ignore[no-untyped-def]
    return (await read()) == wanted
