"""A small demo hub, loaded through the public HTTP APIs exactly as a client would."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Protocol

import httpx

from contracts import Role
from ect_platform.identity import TokenIssuer


class Running(Protocol):
    def url(self, service: str) -> str: ...


SCHOOL = "100001"
MENTORS: list[dict[str, Any]] = [
    {"trn": "3000001", "name": "Grace Hopper", "subject": "mathematics", "phase": "secondary",
     "years_teaching": 9},
    {"trn": "3000002", "name": "Alan Turing", "subject": "computing", "phase": "secondary",
     "years_teaching": 4},
]
ECTS: list[dict[str, Any]] = [
    {"trn": "4000001", "name": "Ada Lovelace", "subject": "mathematics", "fte": 1.0, "mentor": 0,
     "sessions": 10},
    {"trn": "4000002", "name": "Mary Somerville", "subject": "mathematics", "fte": 0.6, "mentor": 0,
     "sessions": 4},
    {"trn": "4000003", "name": "Charles Babbage", "subject": "computing", "fte": 1.0, "mentor": 1,
     "sessions": 7},
]


def load_demo(platform: Running, issuer: TokenIssuer, today: date) -> str:
    """Claims received four weeks ago (inside the 30-day window), weekly sessions since."""
    start = today - timedelta(days=28)
    def auth(user: str, role: Role) -> dict[str, str]:
        return {"Authorization": f"Bearer {issuer.issue(user, role)}"}

    ab, lead = auth("ab-demo", Role.APPROPRIATE_BODY), auth("lead-demo", Role.HUB_LEAD)
    tutor = {"Authorization": f"Bearer {issuer.issue('tutor-demo', Role.INDUCTION_TUTOR, schools=[SCHOOL])}"}
    scheduling, reporting = platform.url("scheduling"), platform.url("reporting")
    sessions = 0
    with httpx.Client(timeout=10) as http:

        def post(url: str, headers: dict[str, str], body: dict[str, Any], ok: int = 201) -> Any:
            response = http.post(url, headers=headers, json=body)
            if response.status_code not in (ok, 200, 409):  # 409: already loaded by an earlier run
                raise RuntimeError(f"demo load failed at {url}: {response.text}")
            return response.json()

        mentor_ids = []
        for mentor in MENTORS:
            created = post(f"{scheduling}/mentors", lead, {**mentor, "school_id": SCHOOL})
            if "id" not in created:
                return "already present (the demo hub was loaded by an earlier run)"
            mentor_ids.append(created["id"])
        for ect in ECTS:
            ect_id = post(f"{scheduling}/ects", ab, {
                "trn": ect["trn"], "name": ect["name"], "date_of_birth": "2000-01-15",
                "school_id": SCHOOL, "subject": ect["subject"], "phase": "secondary",
                "qts_date": (start - timedelta(days=60)).isoformat(),
                "induction_start_date": start.isoformat(), "registration_received_on": start.isoformat(),
                "fte": ect["fte"],
                "appropriate_body_id": "ab-demo", "induction_programme": "provider_led",
                "induction_tutor_id": "tutor-demo",
            })["id"]
            mentor_id = mentor_ids[ect["mentor"]]
            http.put(f"{scheduling}/ects/{ect_id}/mentor", headers=lead,
                     json={"mentor_id": mentor_id, "assigned_on": start.isoformat()}).raise_for_status()
            mentor = auth(mentor_id, Role.MENTOR)
            for week in range(min(ect["sessions"], 4)):
                held_on = start + timedelta(days=3, weeks=week)
                post(f"{scheduling}/ects/{ect_id}/sessions", mentor, {
                    "request_id": f"demo-{week}", "held_on": held_on.isoformat(), "minutes": 60,
                    "action_step": "Narrate the positive before correcting"})
                sessions += 1
            post(f"{scheduling}/ects/{ect_id}/drop-ins", mentor, {
                "request_id": "demo-drop-in", "observed_on": (start + timedelta(days=10)).isoformat(),
                "focus_area": "Adaptive teaching", "strengths": "Clear modelling",
                "development_areas": "Checking for understanding before moving on"})
            _submit_review_when_projected(http, reporting, tutor, ect_id, today)
    return f"{len(MENTORS)} mentors, {len(ECTS)} ECTs, {sessions} sessions at school {SCHOOL}"


def _submit_review_when_projected(http: httpx.Client, reporting: str, tutor: dict[str, str],
                                  ect_id: str, today: date) -> None:
    """Reporting learns of the ECT from Kafka; wait for that before the term 1 review."""
    import time

    deadline = time.monotonic() + 20
    while http.get(f"{reporting}/ects/{ect_id}/entitlement", headers=tutor).status_code != 200:
        if time.monotonic() > deadline:
            raise RuntimeError("reporting did not learn of the demo ECTs within 20 s")
        time.sleep(0.1)
    response = http.post(f"{reporting}/ects/{ect_id}/term-reports", headers=tutor, json={
        "kind": "progress_review", "term_number": 1, "on_track": True,
        "evidence_summary": "Routines established; pupils settle quickly",
        "targets": "Use mini-whiteboards to check understanding", "submitted_on": today.isoformat()})
    if response.status_code not in (201, 409):
        raise RuntimeError(f"demo review failed: {response.text}")
