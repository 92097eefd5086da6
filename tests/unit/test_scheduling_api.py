"""scheduling's HTTP edge, in process on an in-memory store: auth, bad input, status codes."""

from __future__ import annotations

import time
import uuid
from datetime import date

import httpx
import jwt
import pytest

from contracts import Role
from ect_platform.identity import TokenIssuer
from scheduling.application import SchedulingApplication
from scheduling.entrypoints.api import create_api
from tests.support import bearer
from tests.unit.scheduling_fixtures import Clock, in_memory_app

SECRET = "unit-secret-of-at-least-thirty-two-bytes"
ISSUER = TokenIssuer(SECRET)

ECT = {
    "trn": "1234567", "name": "Ada Lovelace", "date_of_birth": "1999-12-10", "school_id": "100001",
    "subject": "mathematics", "phase": "secondary", "qts_date": "2025-07-01",
    "induction_start_date": "2025-09-01", "fte": 1.0, "appropriate_body_id": "ab-1",
    "induction_programme": "provider_led", "induction_tutor_id": "tutor-1",
    "registration_received_on": "2025-09-01",
}


@pytest.fixture
def app() -> SchedulingApplication:
    return in_memory_app(Clock(date(2025, 9, 10)))


@pytest.fixture
async def client(app):  # type: ignore[no-untyped-def]
    api = create_api(app, ISSUER)
    transport = httpx.ASGITransport(app=api, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


AB = bearer(ISSUER, Role.APPROPRIATE_BODY, "ab-1")


def events_stored(app: SchedulingApplication) -> int:
    return len(app.recorder.select_notifications(start=1, limit=1000))


async def test_a_registered_ect_can_be_read_back(client):
    created = await client.post("/ects", json=ECT, headers=AB)
    assert created.status_code == 201
    ect_id = created.json()["id"]
    assert created.headers["Location"] == f"/ects/{ect_id}"
    read = await client.get(f"/ects/{ect_id}", headers=AB)
    assert read.status_code == 200
    assert read.json()["trn"] == "1234567"
    assert read.json()["sessions_held"] == 0


async def test_an_invalid_trn_is_refused_naming_the_field_and_changes_nothing(client, app):
    response = await client.post("/ects", json={**ECT, "trn": "12345"}, headers=AB)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == 422
    assert [e["field"] for e in body["errors"]] == ["trn"]
    assert events_stored(app) == 0


async def test_malformed_json_gets_a_400_problem(client, app):
    response = await client.post("/ects", content=b'{"trn": ', headers={
        **AB, "Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["title"] == "Malformed JSON"
    assert events_stored(app) == 0


async def test_a_wrongly_typed_field_and_a_missing_field_are_both_named(client):
    body = {**ECT, "fte": "full"}
    del body["school_id"]
    response = await client.post("/ects", json=body, headers=AB)
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"fte", "school_id"}


async def test_unknown_fields_on_a_command_are_refused(client):
    response = await client.post("/ects", json={**ECT, "nickname": "Ada"}, headers=AB)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "nickname"


async def test_a_command_on_an_unknown_ect_is_a_404_problem(client):
    response = await client.post(
        f"/ects/{uuid.uuid4()}/sessions", json={"held_on": "2025-09-08", "minutes": 60},
        headers=bearer(ISSUER, Role.HUB_LEAD, "lead-1"))
    assert response.status_code == 404
    assert "no ECT" in response.json()["detail"]


async def test_a_missing_token_is_a_401(client, app):
    response = await client.post("/ects", json=ECT)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert events_stored(app) == 0


@pytest.mark.parametrize(
    "token",
    [
        jwt.encode({"sub": "x", "role": "hub_lead", "aud": "ect-platform", "iss": "ect-platform",
                    "exp": int(time.time()) + 60}, SECRET[::-1], algorithm="HS256"),
        jwt.encode({"sub": "x", "role": "hub_lead", "aud": "ect-platform", "iss": "ect-platform",
                    "exp": int(time.time()) - 60}, SECRET, algorithm="HS256"),
        jwt.encode({"sub": "x", "role": "hub_lead", "aud": "someone-else", "iss": "ect-platform",
                    "exp": int(time.time()) + 60}, SECRET, algorithm="HS256"),
        jwt.encode({"sub": "x", "role": "hub_lead", "aud": "ect-platform", "iss": "ect-platform",
                    "exp": int(time.time()) + 60}, None, algorithm="none"),
        jwt.encode({"sub": "x", "role": "headteacher", "aud": "ect-platform", "iss": "ect-platform",
                    "exp": int(time.time()) + 60}, SECRET, algorithm="HS256"),
        "not-a-jwt",
    ],
    ids=["wrong-signature", "expired", "wrong-audience", "alg-none", "unknown-role", "garbage"],
)
async def test_an_untrustworthy_token_is_a_401(client, token):
    response = await client.post("/ects", json=ECT, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json()["type"].endswith("/not-authenticated")


async def test_a_role_that_may_not_register_ects_gets_a_403_naming_the_rule(client, app):
    response = await client.post("/ects", json=ECT, headers=bearer(ISSUER, Role.MENTOR, "m-1"))
    assert response.status_code == 403
    assert "may register an ECT" in response.json()["detail"]
    assert events_stored(app) == 0


async def test_an_auditor_reads_but_changes_nothing(client):
    ect_id = (await client.post("/ects", json=ECT, headers=AB)).json()["id"]
    auditor = bearer(ISSUER, Role.AUDITOR, "audit-1")
    assert (await client.get(f"/ects/{ect_id}", headers=auditor)).status_code == 200
    response = await client.post(f"/ects/{ect_id}/sessions",
                                 json={"held_on": "2025-09-08", "minutes": 60}, headers=auditor)
    assert response.status_code == 403


async def test_registering_a_trn_twice_is_a_409(client):
    assert (await client.post("/ects", json=ECT, headers=AB)).status_code == 201
    again = await client.post("/ects", json=ECT, headers=AB)
    assert again.status_code == 409
    assert "already registered" in again.json()["detail"]


async def test_a_repeated_session_request_answers_200_with_the_same_session(client):
    ect_id = (await client.post("/ects", json=ECT, headers=AB)).json()["id"]
    lead = bearer(ISSUER, Role.HUB_LEAD, "lead-1")
    body = {"request_id": "abc", "held_on": "2025-09-08", "minutes": 60}
    first = await client.post(f"/ects/{ect_id}/sessions", json=body, headers=lead)
    second = await client.post(f"/ects/{ect_id}/sessions", json=body, headers=lead)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]


async def test_the_correlation_id_a_caller_sends_is_echoed_back(client):
    correlation = str(uuid.uuid4())
    response = await client.post("/ects", json=ECT, headers={**AB, "X-Correlation-Id": correlation})
    assert response.headers["X-Correlation-Id"] == correlation


async def test_an_unknown_route_is_a_404_problem(client):
    response = await client.get("/nowhere", headers=AB)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_an_oversized_body_is_refused_with_413_before_anything_is_read(client, app):
    big = {**ECT, "name": "x" * 300_000}
    response = await client.post("/ects", json=big, headers=AB)
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")
    assert events_stored(app) == 0


async def test_cors_is_closed_a_foreign_origin_gets_no_allow_header(client):
    response = await client.options("/ects", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in {k.lower() for k in response.headers}


async def test_text_with_a_nul_character_is_refused_at_the_door_in_url_and_body(client, app):
    in_body = await client.post("/ects", content=b'{"name": "Ada\\u0000"}', headers={
        **AB, "Content-Type": "application/json"})
    assert in_body.status_code == 422
    assert "NUL" in in_body.json()["detail"]
    in_url = await client.get("/schools/100%0001/terms/2025", headers=AB)
    assert in_url.status_code == 422
    assert events_stored(app) == 0


async def test_get_ect_counts_only_time_in_post_across_two_abs_statutory_rule_1_2_30(client, app):
    app.today = Clock(date(2025, 9, 1))
    ect_id = (await client.post("/ects", json=ECT, headers=AB)).json()["id"]
    app.today = Clock(date(2025, 12, 19))
    released = await client.post(f"/ects/{ect_id}/release", headers=AB,
                                 json={"released_on": "2025-12-19", "reason": "left the school"})
    assert released.status_code == 200, released.text
    app.today = Clock(date(2026, 9, 1))  # spring and summer 2026 in no induction post
    ab_2 = bearer(ISSUER, Role.APPROPRIATE_BODY, "ab-2")
    claimed = await client.post("/ects", headers=ab_2, json={
        **ECT, "appropriate_body_id": "ab-2", "induction_start_date": "2026-09-01",
        "registration_received_on": "2026-09-01"})
    assert claimed.status_code == 201, claimed.text
    app.today = Clock(date(2026, 12, 18))
    ect = (await client.get(f"/ects/{ect_id}", headers=ab_2)).json()
    assert (ect["terms_served"], ect["terms_required"], ect["terms_remaining"]) == (2.0, 6.0, 4.0)
    assert ect["breakdown"]["terms_served"] == 2.0 and len(ect["breakdown"]["gaps"]) == 1
    assert ect["year_two_starts"] == "2027-03-26"
    assert [(r["kind"], r["term_number"], r["appropriate_body_id"]) for r in ect["reports_due"][:3]] == [
        ("interim_assessment", 1, "ab-1"), ("progress_review", 2, "ab-2"),
        ("formal_assessment", 3, "ab-2")]
