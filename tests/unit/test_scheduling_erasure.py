"""Erasing a person in scheduling (UK GDPR Art. 17) and the retention schedule (guidance 2.77),
in process on an in-memory store and key store."""

from __future__ import annotations

import base64
import json
from datetime import date

import httpx
import pytest

from contracts import Role, encode
from contracts.sealed import ERASED, open_envelope
from ect_platform.identity import TokenIssuer
from ect_platform.integration_events import notification_reader
from scheduling.application import SchedulingApplication
from scheduling.entrypoints.api import create_api
from scheduling.integration.outbound import to_integration_event
from tests.support import bearer
from tests.unit.scheduling_fixtures import Clock, ect_details, in_memory_app, mentor_details, provenance

ISSUER = TokenIssuer("unit-secret-of-at-least-thirty-two-bytes")
LEAD = bearer(ISSUER, Role.HUB_LEAD, "lead-1")
SYSTEM = bearer(ISSUER, Role.SYSTEM, "subscriber-1")
NAME, TRN = "Zephyrine Quillfeather", "3141592"


@pytest.fixture
def clock() -> Clock:
    return Clock(date(2025, 9, 1))


@pytest.fixture
def app(clock: Clock) -> SchedulingApplication:
    return in_memory_app(clock)


@pytest.fixture
async def client(app):  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=create_api(app, ISSUER), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


def stored(app: SchedulingApplication) -> list[bytes]:
    return [n.state for n in app.recorder.select_notifications(start=1, limit=1000)]


def register(app: SchedulingApplication, **overrides: object):  # type: ignore[no-untyped-def]
    ect_id = app.register_ect(provenance=provenance(), received_on=app.today(),
                              **ect_details(trn=TRN, name=NAME, **overrides))
    app.record_session(ect_id, request_id="s1", held_on=app.today(), minutes=60,
                       observation_included=True, action_step="Cold-call the quiet back row",
                       provenance=provenance("mentor"))
    return ect_id


def test_the_store_never_holds_a_persons_name_trn_or_birthday_in_clear(app):
    ect_id = register(app)
    everything = b"".join(stored(app))
    for clear in (NAME.encode(), TRN.encode(), b"1999-12-10", b"Cold-call the quiet back row"):
        assert clear not in everything
    ect = app.get_induction(ect_id)
    assert (ect.name, ect.trn, ect.date_of_birth) == (NAME, TRN, date(1999, 12, 10))


async def test_inside_the_retention_period_an_erasure_is_refused_and_changes_nothing_2_77(app, client):
    ect_id = register(app)
    before = stored(app)
    refused = await client.post("/privacy/erasures", json={"trn": TRN, "reason": "SAR-1"},
                                headers=LEAD)
    assert refused.status_code == 409, refused.text
    assert "2.77" in refused.json()["detail"] and NAME in refused.json()["detail"]
    no_basis = await client.post("/privacy/erasures", json={"trn": TRN, "reason": "SAR-1",
                                                            "force": True}, headers=LEAD)
    assert no_basis.status_code == 422 and "legal" in no_basis.json()["detail"]
    assert stored(app) == before
    assert app.keystore.key(ect_id) is not None and app.get_induction(ect_id).name == NAME


async def test_a_forced_erasure_destroys_the_key_records_who_and_why_and_keeps_the_statistics(
        app, client):
    ect_id = register(app)
    served_before = app.get_induction(ect_id).served(app.calendars(), date(2025, 12, 1))
    answer = await client.post("/privacy/erasures", headers=LEAD, json={
        "trn": TRN, "reason": "Request SAR-2031", "force": True,
        "legal_basis": "Order of the court, claim K00XX123"})
    assert answer.status_code == 200, answer.text
    [erased] = answer.json()["erased"]
    assert erased == {"subject": "ect", "record_id": str(ect_id), "retained_until": None,
                      "already_erased": False}  # an open induction has no end to count from
    assert app.keystore.key(ect_id) is None and app.keystore.erased(ect_id)
    ect = app.get_induction(ect_id)
    assert (ect.name, ect.trn, ect.date_of_birth, ect.erased) == (ERASED, ERASED, None, True)
    assert ect.served(app.calendars(), date(2025, 12, 1)) == served_before
    # the erasure is an event of its own: who (the actor), why, on what legal basis; no name
    read = notification_reader(app, to_integration_event)
    published = [o for o in read(0, 1000) if o.envelope is not None]
    last = published[-1]
    assert last.envelope.event_type == "PersonalDataErased"
    assert last.envelope.actor.id == "lead-1" and last.envelope.payload.reason == "Request SAR-2031"
    assert last.envelope.payload.legal_basis == "Order of the court, claim K00XX123"
    for outgoing in published:  # republished now: their fields left out, not even sealed
        assert NAME.encode() not in outgoing.value and b"Cold-call" not in outgoing.value
        assert outgoing.envelope.sealed is None
    shown = await client.get(f"/ects/{ect_id}", headers=bearer(ISSUER, Role.APPROPRIATE_BODY, "ab-1"))
    assert shown.status_code == 200 and shown.json()["name"] == ERASED


async def test_nothing_more_is_recorded_about_an_erased_person_and_asking_again_changes_nothing(
        app, client):
    ect_id = register(app)
    body = {"trn": TRN, "reason": "SAR-7", "force": True, "legal_basis": "Court order 12"}
    assert (await client.post("/privacy/erasures", json=body, headers=LEAD)).status_code == 200
    before = stored(app)
    again = await client.post("/privacy/erasures", json=body, headers=LEAD)
    assert again.status_code == 200 and again.json()["erased"][0]["already_erased"] is True
    session = await client.post(f"/ects/{ect_id}/sessions", headers=bearer(
        ISSUER, Role.HUB_LEAD, "lead-1"), json={"held_on": "2025-09-02", "minutes": 30,
                                                 "observation_included": False})
    assert session.status_code == 409 and "erased" in session.json()["detail"]
    assert stored(app) == before


async def test_only_a_hub_lead_for_the_whole_hub_may_erase(app, client):
    register(app)
    body = {"trn": TRN, "reason": "SAR", "force": True, "legal_basis": "Court order"}
    for token in (bearer(ISSUER, Role.APPROPRIATE_BODY, "ab-1"), SYSTEM,
                  {"Authorization": "Bearer " + ISSUER.issue("lead-2", Role.HUB_LEAD,
                                                             schools=["100001"])}):
        refused = await client.post("/privacy/erasures", json=body, headers=token)
        assert refused.status_code == 403, refused.text
    assert app.get_induction(app.ect_id_for(TRN)).name == NAME


async def test_an_unknown_trn_is_a_404_naming_it(client):
    missing = await client.post("/privacy/erasures", json={"trn": "9999999", "reason": "SAR"},
                                headers=LEAD)
    assert missing.status_code == 404 and "9999999" in missing.json()["detail"]


async def test_the_retention_schedule_erases_inductions_six_years_after_they_closed_2_77(
        app, clock, client):
    clock.today = date(2016, 9, 1)
    closed = register(app, induction_start_date=date(2016, 9, 1), qts_date=date(2016, 7, 1))
    app.record_outcome(closed, outcome="passed", decided_on=date(2018, 7, 20),
                       provenance=provenance("system", "reporting"))
    clock.today = date(2024, 9, 2)
    still_open = app.register_ect(provenance=provenance(), received_on=clock.today,
                                  **ect_details(trn="2718281", name="Other Teacher",
                                                qts_date=date(2024, 7, 1),
                                                induction_start_date=date(2024, 9, 2)))
    early = await client.get("/privacy/retention", params={"as_of": "2024-07-20"}, headers=LEAD)
    assert early.status_code == 200 and early.json()["due"] == []  # the last day kept
    dry = await client.get("/privacy/retention", headers=LEAD)
    assert [d["ect_id"] for d in dry.json()["due"]] == [str(closed)]
    assert dry.json()["due"][0] | {"ect_id": None} == {
        "ect_id": None, "name": NAME, "trn": TRN, "closed_on": "2018-07-20",
        "kept_until": "2024-07-20"}
    assert app.keystore.key(closed) is not None, "the dry run erases nothing"
    run = await client.post("/privacy/retention", headers=SYSTEM)
    assert run.status_code == 200, run.text
    assert [e["record_id"] for e in run.json()["erased"]] == [str(closed)]
    assert app.get_induction(closed).name == ERASED
    assert app.get_induction(still_open).name == "Other Teacher"
    assert (await client.get("/privacy/retention", headers=LEAD)).json()["due"] == []


async def test_a_subscriber_reads_a_persons_key_until_they_are_erased(app, client):
    ect_id = register(app)
    read = notification_reader(app, to_integration_event)
    registered = next(o for o in read(0, 100) if o.envelope and o.envelope.event_type == "EctRegistered")
    assert NAME.encode() not in registered.value
    assert (await client.get(f"/privacy/keys/{ect_id}", headers=LEAD)).status_code == 403
    answer = await client.get(f"/privacy/keys/{ect_id}", headers=SYSTEM)
    assert answer.status_code == 200
    key = base64.urlsafe_b64decode(answer.json()["key"])
    from contracts import decode
    assert open_envelope(decode(registered.value), key).payload.name == NAME
    await client.post("/privacy/erasures", headers=LEAD, json={
        "trn": TRN, "reason": "SAR", "force": True, "legal_basis": "Court order"})
    gone = await client.get(f"/privacy/keys/{ect_id}", headers=SYSTEM)
    assert gone.status_code == 410
    assert json.loads(encode(open_envelope(decode(registered.value), None)))["payload"]["name"] == ERASED


async def test_a_mentor_is_erased_by_trn_and_can_no_longer_be_assigned(app, client):
    ect_id = register(app)
    mentor_id = app.register_mentor(provenance=provenance("hub_lead", "lead-1"),
                                    **mentor_details(name="Mentor Marvel"))
    answer = await client.post("/privacy/erasures", headers=LEAD,
                               json={"trn": mentor_details()["trn"], "reason": "Left the hub"})
    assert answer.status_code == 200, answer.text  # a mentor's records have no statutory period
    assert answer.json()["erased"] == [{"subject": "mentor", "record_id": str(mentor_id),
                                        "retained_until": None, "already_erased": False}]
    assert app.get_mentor(mentor_id).name == ERASED
    assign = await client.put(f"/ects/{ect_id}/mentor", headers=LEAD,
                              json={"mentor_id": str(mentor_id), "assigned_on": "2025-09-02"})
    assert assign.status_code == 409 and "erased" in assign.json()["detail"]
