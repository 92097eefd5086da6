"""Issue 3 features end to end: HTTP in, events out on scheduling's topic for any subscriber."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from contracts import Role
from contracts.topics import SCHEDULING
from tests.e2e.test_spine import AB, ISSUER, LEAD, QTS, TODAY, new_trn, register_ect
from tests.support import eventually
from tests.support.kafka import read_topic

pytestmark = pytest.mark.e2e

TUTOR = {"Authorization": f"Bearer {ISSUER.issue('tutor-1', Role.INDUCTION_TUTOR, schools=['100001'])}"}


async def events_of(platform, ect_id: str) -> list:  # type: ignore[no-untyped-def,type-arg]
    messages = await read_topic(platform.bootstrap_servers,
                                SCHEDULING.qualified(platform.topic_prefix), at_least=1)
    return [e for _, e in messages if str(e.ect_id) == ect_id]


async def test_thirty_days_absence_is_published_once_for_the_appropriate_body(platform, http):
    ect_id = await register_ect(http, platform)
    url = platform.url("scheduling") + f"/ects/{ect_id}/absences"
    for request_id, days in (("a1", 20), ("a1", 20), ("a2", 10), ("a3", 2)):
        response = await http.post(url, headers=TUTOR, json={
            "request_id": request_id, "first_day": TODAY, "days": days, "reason": "sickness"})
        assert response.status_code in (200, 201), response.text

    async def threshold() -> list:  # type: ignore[type-arg]
        types = [e.event_type for e in await events_of(platform, ect_id)]
        return types if types.count("AbsenceRecorded") == 3 else []

    types = await eventually(threshold)
    assert types.count("AbsenceThresholdReached") == 1
    ect = (await http.get(platform.url("scheduling") + f"/ects/{ect_id}", headers=LEAD)).json()
    assert ect["absence_days_counted_this_year"] == 32
    assert ect["absence_extension_days"] == 32


async def test_a_released_ect_is_claimed_by_another_ab_with_the_same_id_and_history(platform, http):
    # claimed a week ago (within the window for recording a claim), released yesterday: the
    # new period starts today, after the last day in the old post (one post at a time)
    week_ago = (date.fromisoformat(TODAY) - timedelta(days=7)).isoformat()
    yesterday = (date.fromisoformat(TODAY) - timedelta(days=1)).isoformat()
    scheduling = platform.url("scheduling")
    registered = await http.post(f"{scheduling}/ects", headers=AB, json={
        "trn": new_trn(), "name": "Ada Lovelace", "date_of_birth": "1999-12-10",
        "school_id": "100001", "subject": "mathematics", "phase": "secondary", "qts_date": QTS,
        "induction_start_date": week_ago, "registration_received_on": week_ago, "fte": 1.0,
        "appropriate_body_id": "ab-1", "induction_programme": "provider_led",
        "induction_tutor_id": "tutor-1"})
    assert registered.status_code == 201, registered.text
    ect_id = str(registered.json()["id"])
    ab_1 = {"Authorization": f"Bearer {ISSUER.issue('ab-1', Role.APPROPRIATE_BODY)}"}
    released = await http.post(f"{scheduling}/ects/{ect_id}/release", headers=ab_1,
                                json={"released_on": yesterday, "reason": "school changed AB"})
    assert released.status_code == 200, released.text
    ect = (await http.get(f"{scheduling}/ects/{ect_id}", headers=LEAD)).json()
    ab_2 = {"Authorization": f"Bearer {ISSUER.issue('ab-2', Role.APPROPRIATE_BODY)}"}
    claim = {k: ect[k] for k in ("trn", "name", "school_id", "subject", "phase", "qts_date",
                                 "fte", "induction_programme", "induction_tutor_id")}
    claim.update(date_of_birth="1999-12-10", induction_start_date=TODAY, appropriate_body_id="ab-2")
    response = await http.post(f"{scheduling}/ects", headers=ab_2, json=claim)
    assert response.status_code == 201, response.text
    assert response.json()["id"] == ect_id

    async def claimed() -> list:  # type: ignore[type-arg]
        types = [e.event_type for e in await events_of(platform, ect_id)]
        return types if "EctClaimed" in types else []

    assert (await eventually(claimed))[-2:] == ["EctReleased", "EctClaimed"]
    read = await http.get(f"{scheduling}/ects/{ect_id}", headers=ab_1)
    assert read.status_code == 200, "the first AB still reads the ECT it once claimed"
    periods = read.json()["breakdown"]["periods"]
    assert [(p["appropriate_body_id"], p["start"], p["end"]) for p in periods] == [
        ("ab-1", week_ago, yesterday), ("ab-2", TODAY, None)]
