"""``ect privacy export`` against the running platform: one JSON document with what every
service holds about a teacher (their name, TRN, date of birth where the service keeps it, a
session and a review), and
nothing about another teacher; a scoped hub lead's export is refused and writes nothing."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from contracts import Role
from tests.e2e.test_spine import AB, ISSUER, LEAD, QTS, TODAY, TUTOR, new_trn
from tests.support import eventually

pytestmark = pytest.mark.e2e


async def register(http: httpx.AsyncClient, platform: Any, trn: str, name: str, born: str) -> str:
    response = await http.post(platform.url("scheduling") + "/ects", headers=AB, json={
        "trn": trn, "name": name, "date_of_birth": born, "school_id": "100001",
        "subject": "mathematics", "phase": "secondary", "qts_date": QTS,
        "induction_start_date": TODAY, "fte": 1.0, "appropriate_body_id": "ab-1",
        "induction_programme": "provider_led", "induction_tutor_id": "tutor-1"})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def export(platform: Any, trn: str, out: Path, token: str) -> tuple[int, str]:
    ect = Path(sys.executable).with_name("ect")
    process = await asyncio.create_subprocess_exec(
        str(ect), "privacy", "export", "--trn", trn, "--out", str(out), "--token", token,
        "--scheduling-url", platform.url("scheduling"), "--reporting-url", platform.url("reporting"),
        "--notifications-url", platform.url("notifications"),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        env={**os.environ, "ECT_STATE_DIR": "/nonexistent"})
    text, _ = await process.communicate()
    assert process.returncode is not None
    return process.returncode, text.decode()


async def test_ect_privacy_export_writes_what_every_service_holds_about_one_teacher(
        platform, http, tmp_path):
    name, other = f"Ada Q{uuid.uuid4().hex[:8]}", f"Other Q{uuid.uuid4().hex[:8]}"
    trn, other_trn = new_trn(), new_trn()
    ect_id = await register(http, platform, trn, name, "1998-03-14")
    await register(http, platform, other_trn, other, "1997-01-02")
    session = await http.post(platform.url("scheduling") + f"/ects/{ect_id}/sessions", headers=LEAD,
                              json={"held_on": TODAY, "minutes": 45})
    assert session.status_code == 201, session.text
    reports = platform.url("reporting") + f"/ects/{ect_id}/term-reports"

    async def reviewed() -> bool:  # reporting must have heard of the ECT before a review
        answer = await http.post(reports, headers=TUTOR, json={
            "kind": "progress_review", "term_number": 1, "on_track": True,
            "evidence_summary": "Secure routines", "targets": "questioning", "submitted_on": TODAY})
        return answer.status_code in (200, 201)

    await eventually(reviewed)

    async def everywhere() -> dict[str, Any] | None:
        params = {"trn": trn}
        answers = {s: (await http.get(platform.url(s) + "/privacy/subject-access", headers=LEAD,
                                      params=params)).json() for s in ("reporting", "notifications")}
        events = {e["event_type"] for e in answers["reporting"]["audit_trail"]}
        rules = {n["rule"] for n in answers["notifications"]["notifications"]}
        return answers if {"SessionHeld", "TermReportSubmitted"} <= events and \
            "term_report_submitted" in rules else None

    await eventually(everywhere, within=60)
    out = tmp_path / "export.json"
    code, said = await export(platform, trn, out, ISSUER.issue("lead-1", Role.HUB_LEAD))
    assert code == 0, said
    assert f"exported what the platform holds about {name} (TRN {trn})" in said
    document = json.loads(out.read_text())
    made = document["subject_access_export"]
    assert (made["trn"], made["made_by"]) == (trn, {"id": "lead-1", "role": "hub_lead"})
    assert made["made_at"]

    scheduling = document["scheduling"]
    public = [e["envelope"] for e in scheduling["ect"]["events"] if e["public"]]
    registered = next(e["payload"] for e in public if e["event_type"] == "EctRegistered")
    assert (registered["name"], registered["trn"], registered["date_of_birth"]) == (name, trn, "1998-03-14")
    assert "SessionHeld" in {e["event_type"] for e in public}

    reporting = document["reporting"]
    fact = next(f["payload"] for f in reporting["facts"] if f["event_type"] == "EctRegistered")
    assert (fact["name"], fact["trn"], fact["date_of_birth"]) == (name, trn, "1998-03-14")
    assert "SessionHeld" in {f["event_type"] for f in reporting["facts"]}
    own = [e["envelope"] for e in reporting["events"] if e["public"]]
    review = next(e["payload"] for e in own if e["event_type"] == "TermReportSubmitted")
    assert (review["kind"], review["evidence_summary"]) == ("progress_review", "Secure routines")

    notifications = document["notifications"]
    (induction,) = notifications["inductions"]
    assert (induction["state"]["name"], induction["state"]["trn"]) == (name, trn)
    assert TODAY in induction["state"]["sessions_on"]  # the session, as its reminders count it
    assert [r["kind"] for r in induction["state"]["reports"]] == ["progress_review"]
    # notifications keeps no date of birth: scheduling's and reporting's answers carry it
    told = [n for n in notifications["notifications"] if n["rule"] == "term_report_submitted"]
    assert told and name in told[0]["body"]

    whole = out.read_text()
    assert other not in whole and other_trn not in whole and "1997-01-02" not in whole


async def test_a_mentors_export_carries_their_record_and_what_they_were_told_by_id(
        platform, http, tmp_path):
    grace, trn = f"Grace Q{uuid.uuid4().hex[:8]}", new_trn()
    ect_id = await register(http, platform, new_trn(), f"Ada Q{uuid.uuid4().hex[:8]}", "1998-03-14")
    mentor = await http.post(platform.url("scheduling") + "/mentors", headers=LEAD, json={
        "trn": trn, "name": grace, "school_id": "100001", "subject": "mathematics",
        "phase": "secondary", "years_teaching": 8})
    assert mentor.status_code == 201, mentor.text
    mentor_id = str(mentor.json()["id"])
    address = f"grace-{uuid.uuid4().hex[:8]}@school.example"
    contact = await http.put(platform.url("notifications") + f"/recipients/{mentor_id}", headers=LEAD,
                             json={"channel": "email", "email": address, "name": grace})
    assert contact.status_code == 201, contact.text
    assigned = await http.put(platform.url("scheduling") + f"/ects/{ect_id}/mentor", headers=LEAD,
                              json={"mentor_id": mentor_id, "assigned_on": TODAY})
    assert assigned.status_code == 200, assigned.text

    async def told() -> bool:
        page = (await http.get(platform.url("notifications") + "/notifications", headers=LEAD,
                               params={"recipient_id": mentor_id})).json()
        return page["total"] > 0

    await eventually(told, within=60)
    out = tmp_path / "mentor.json"
    code, said = await export(platform, trn, out, ISSUER.issue("lead-1", Role.HUB_LEAD))
    assert code == 0, said
    assert f"about {grace} (TRN {trn})" in said
    document = json.loads(out.read_text())
    assert document["scheduling"]["ect"] is None
    assert document["scheduling"]["mentor"]["name"] == grace
    assert document["reporting"]["mentor_ids"] == [mentor_id]
    notifications = document["notifications"]
    assert notifications["known_as"] == [mentor_id]
    assert [r["email"] for r in notifications["recipients"]] == [address]
    assert {n["rule"] for n in notifications["notifications"]} == {"mentor_assigned"}


async def test_a_hub_lead_for_some_schools_is_refused_and_nothing_is_written(platform, tmp_path):
    out = tmp_path / "export.json"
    code, said = await export(platform, new_trn(), out,
                              ISSUER.issue("lead-2", Role.HUB_LEAD, schools=["100001"]))
    assert code == 1
    assert "scheduling refused (403): only a hub lead acting for the whole hub" in said
    assert not out.exists()
