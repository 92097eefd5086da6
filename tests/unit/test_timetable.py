"""The reduced timetable (statutory rule 3, guidance 2.20-2.21): the kernel's rule, and
scheduling's command that records it, in process."""

from __future__ import annotations

import pytest

from contracts import Role
from statutory.timetable import InvalidTimetableError, TimetableStanding, limit_percent, standing
from tests.unit.test_scheduling_api import AB, ECT, ISSUER, app, client, events_stored  # noqa: F401

TUTOR = {"Authorization": f"Bearer {ISSUER.issue('tutor-1', Role.INDUCTION_TUTOR, schools=['100001'])}"}


@pytest.mark.parametrize(("year", "percent", "expected"), [
    (1, 90, TimetableStanding.WITHIN), (1, 50, TimetableStanding.WITHIN),
    (1, 90.5, TimetableStanding.TOO_LITTLE_REDUCTION), (1, 95, TimetableStanding.TOO_LITTLE_REDUCTION),
    (1, 100, TimetableStanding.NO_REDUCTION), (2, 95, TimetableStanding.WITHIN),
    (2, 96, TimetableStanding.TOO_LITTLE_REDUCTION), (2, 100, TimetableStanding.NO_REDUCTION),
    (3, 95, TimetableStanding.WITHIN),  # an extension keeps year 2's limit
])
def test_an_ect_teaches_at_most_90_percent_in_year_one_and_95_in_year_two_statutory_rule_3(
        year, percent, expected):
    assert standing(year, percent) is expected
    assert limit_percent(year) == (90.0 if year == 1 else 95.0)


@pytest.mark.parametrize(("year", "percent"), [(1, 0), (1, 101), (0, 80)])
def test_an_impossible_share_or_year_is_refused(year, percent):
    with pytest.raises(InvalidTimetableError):
        standing(year, percent)


async def test_the_school_records_the_timetable_per_year_of_induction_once_statutory_rule_3(
        client, app):  # noqa: F811
    ect_id = (await client.post("/ects", json=ECT, headers=AB)).json()["id"]
    before = events_stored(app)
    # the school records it; the AB only reads it
    refused = await client.put(f"/ects/{ect_id}/timetable/1", json={"timetable_percent": 92}, headers=AB)
    assert refused.status_code == 403
    first = await client.put(f"/ects/{ect_id}/timetable/1", json={"timetable_percent": 92}, headers=TUTOR)
    assert first.status_code == 200 and first.json()["changed"] is True
    again = await client.put(f"/ects/{ect_id}/timetable/1", json={"timetable_percent": 92}, headers=TUTOR)
    assert again.json()["changed"] is False and events_stored(app) == before + 1
    too_much = await client.put(f"/ects/{ect_id}/timetable/1", json={"timetable_percent": 101}, headers=TUTOR)
    assert too_much.status_code == 422 and "timetable_percent" in too_much.text
    no_year_3 = await client.put(f"/ects/{ect_id}/timetable/3", json={"timetable_percent": 90}, headers=TUTOR)
    assert no_year_3.status_code == 422 and events_stored(app) == before + 1
    shown = (await client.get(f"/ects/{ect_id}", headers=TUTOR)).json()["timetable"]
    assert shown == [{"induction_year": 1, "timetable_percent": 92.0, "limit_percent": 90.0}]
