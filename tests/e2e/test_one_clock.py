"""One induction clock on the running platform: three processes, Kafka, PostgreSQL, one answer.

An ECT whose induction started three weeks ago (the window a claim may be recorded in) with
an absence and a new working pattern: scheduling's ``GET /ects/{id}``, reporting's entitlement
and the state notifications folded from the topics (read from its own table) give the same
terms served and required, the same year-two start, the same breakdown and the same reports on
the same dates. The in-process variant with whole histories is
``tests/integration/test_one_clock_across_services.py``.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import asyncpg
import pytest

from contracts import Role
from notifications.induction import InductionState, timeline_of
from notifications.projections.induction import calendars
from tests.e2e.test_spine import AB, ISSUER, LEAD, QTS, TODAY, new_trn
from tests.support import eventually

pytestmark = pytest.mark.e2e

TUTOR = {"Authorization": f"Bearer {ISSUER.issue('tutor-1', Role.INDUCTION_TUTOR, schools=['100001'])}"}


def plain(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


async def test_the_three_services_give_one_timeline(platform, http):  # type: ignore[no-untyped-def]
    started = date.fromisoformat(TODAY) - timedelta(days=21)
    scheduling, reporting = platform.url("scheduling"), platform.url("reporting")
    registered = await http.post(f"{scheduling}/ects", headers=AB, json={
        "trn": new_trn(), "name": "Mary Somerville", "date_of_birth": "1998-12-26",
        "school_id": "100001", "subject": "mathematics", "phase": "secondary", "qts_date": QTS,
        "induction_start_date": started.isoformat(), "registration_received_on": started.isoformat(),
        "fte": 1.0, "appropriate_body_id": "ab-1", "induction_programme": "provider_led",
        "induction_tutor_id": "tutor-1"})
    assert registered.status_code == 201, registered.text
    ect_id = registered.json()["id"]
    absence = await http.post(f"{scheduling}/ects/{ect_id}/absences", headers=TUTOR, json={
        "request_id": "flu", "first_day": (started + timedelta(days=7)).isoformat(), "days": 3,
        "reason": "sickness"})
    assert absence.status_code == 201, absence.text
    pattern = await http.put(f"{scheduling}/ects/{ect_id}/working-pattern", headers=TUTOR, json={
        "fte": 0.8, "effective_from": (started + timedelta(days=14)).isoformat()})
    assert pattern.status_code == 200, pattern.text
    ect = (await http.get(f"{scheduling}/ects/{ect_id}", headers=LEAD)).json()

    async def reporting_caught_up() -> dict[str, Any] | None:
        response = await http.get(f"{reporting}/ects/{ect_id}/entitlement", headers=LEAD)
        row = response.json() if response.status_code == 200 else None
        return row if row and row.get("absence_days_counted") == 3 and row["fte"] == 0.8 else None

    row = await eventually(reporting_caught_up)
    pool = await asyncpg.create_pool(platform.database_url, min_size=1, max_size=1,
                                     server_settings={"search_path": "notifications"})
    try:
        async def notifications_caught_up() -> InductionState | None:
            raw = await pool.fetchval("SELECT state FROM induction WHERE ect_id = $1::uuid", ect_id)
            state = InductionState.model_validate_json(raw) if raw is not None else None
            return state if state and state.absences and len(state.fte_history) == 2 else None

        state = await eventually(notifications_caught_up)
        async with pool.acquire() as conn:
            known = await calendars(conn, state.school_ids())
    finally:
        await pool.close()
    told = timeline_of(state, known, date.fromisoformat(TODAY))

    assert ect["terms_required"] == row["terms_required"] == float(told.terms_required)
    assert ect["terms_served"] == row["terms_served"] == float(told.terms_served)
    assert plain(ect["year_two_starts"]) == row["year_two_starts"] == plain(told.year_two_starts)
    assert ect["breakdown"] == row["breakdown"] == plain(told.breakdown())
    assert [(r["kind"], r["term_number"], r["due_on"]) for r in ect["reports_due"]] == [
        (r.kind, r.term_number, r.due_on.isoformat()) for r in told.reports]
    first = ect["breakdown"]["periods"][0]
    assert (first["start"], first["fte"]) == (started.isoformat(), [0.8, 1.0])
