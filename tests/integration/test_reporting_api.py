"""reporting's HTTP edge on PostgreSQL: validation, access rules, filters, pages, and speed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from contracts import Role, decode, encode
from ect_platform.database import create_pool, ensure_schema
from reporting.projections import consumer as projections
from reporting.projections.consumer import ReportingConsumer, ReportingProjections
from tests.integration.test_reporting_harness import (
    AB,
    AUDITOR,
    LEAD,
    TUTOR,
    Hub,
    headers,
    open_hub,
    record,
)
from tests.integration.test_reporting_scenarios import START, coaching_days

pytestmark = pytest.mark.integration


@pytest.fixture
async def hub(database_url):  # type: ignore[no-untyped-def]
    hub = await open_hub(database_url, START)
    yield hub
    await hub.pool.close()


async def test_commands_refuse_unknown_fields_and_name_the_field(hub: Hub):
    ect = hub.register()
    await hub.deliver()
    response = await hub.http.post(f"/ects/{ect}/term-reports", headers=TUTOR, json={
        "kind": "progress_review", "term_number": 1, "on_track": True, "evidence_summary": "e",
        "targets": "t", "submitted_on": "2025-09-01", "grade": "outstanding"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["field"] == "grade"


async def test_every_refusal_names_the_rule(hub: Hub):
    ect = hub.register()
    mentor = hub.mentor()
    hub.assign(ect, mentor, START)
    await hub.deliver()
    other_school = headers(Role.INDUCTION_TUTOR, "tutor-9", schools=["999999"])
    cases = [
        (f"/ects/{ect}/entitlement", other_school, "does not act for school 100001"),
        (f"/ects/{ect}/entitlement", headers(Role.MENTOR, "someone-else"), "not assigned to this ECT"),
        (f"/ects/{ect}/entitlement", headers(Role.APPROPRIATE_BODY, "ab-2"), "never held"),
        ("/entitlement?ab=ab-2", AB, "only its own"),
        ("/submissions", headers(Role.MENTOR, str(mentor)), "only appropriate_body"),
        ("/exports/tra-return?ab=ab-2&term=2025-autumn", AB, "only its own"),
    ]
    for path, who, rule in cases:
        response = await hub.http.get(path, headers=who)
        assert response.status_code == 403, (path, response.text)
        assert rule in response.json()["detail"], (path, response.json()["detail"])
    assert (await hub.http.get(f"/ects/{ect}/entitlement", headers=headers(Role.MENTOR, str(mentor)))
            ).status_code == 200
    decided = await hub.http.post(f"/ects/{ect}/outcome", headers=TUTOR,
                                  json={"outcome": "passed", "decided_on": "2025-09-01"})
    assert decided.status_code == 403 and "2.67" in decided.json()["detail"]


async def test_lists_filter_by_school_ab_status_and_term_and_page(hub: Hub):
    ects = [hub.register(trn=f"300000{n}", name=f"ECT {n}", school_id="100001" if n < 4 else "100002")
            for n in range(6)]
    mentors = {"100001": hub.mentor("7000001"), "100002": hub.mentor("7000002", school_id="100002")}
    hub.on(date(2025, 12, 19))
    coached = [str(ect) for ect in ects[::2]]
    for n, ect in enumerate(ects):  # half are mentored and coached every week; the others are red
        if n % 2 == 0:
            hub.assign(ect, mentors["100001" if n < 4 else "100002"], START)
            hub.sessions(ect, coaching_days(START, date(2025, 12, 19)))
    green = await hub.get("/entitlement", LEAD, status="green", limit=2)
    assert (green["total"], len(green["items"]), green["limit"], green["offset"]) == (3, 2, 2, 0)
    rest = await hub.get("/entitlement", LEAD, status="green", limit=2, offset=2)
    assert {i["ect_id"] for i in green["items"] + rest["items"]} == set(coached)
    red_here = await hub.get("/entitlement", TUTOR, status="red")
    assert red_here["total"] == 2 and {i["school_id"] for i in red_here["items"]} == {"100001"}
    assert (await hub.get("/entitlement", AB, ab="ab-1"))["total"] == 6
    term_one = await hub.get("/entitlement", AUDITOR, term=1, status="green")
    assert term_one["total"] == 3 and term_one["items"][0]["sessions_expected"] == 15
    missing = await hub.get("/submissions", AB, state="due", term="2025-autumn")
    assert missing["total"] == 6 and {i["kind"] for i in missing["items"]} == {"progress_review"}
    assert (await hub.get("/submissions", AB, school="100002"))["total"] == 2


async def test_the_lists_filter_three_hundred_ects_from_the_projection(hub: Hub):
    # How fast they answer is measured by bench/, not asserted here: a wall-clock bound in a
    # test fails on a busy machine without telling anything about the code.
    for n in range(300):
        hub.register(trn=f"4{n:06d}", name=f"ECT {n:03d}", school_id=f"1{n % 20:05d}")
    await hub.deliver()
    for params in ({"status": "amber"}, {"school": "100003"}, {"term": 1, "status": "green"}):
        answer = await hub.get("/entitlement", AUDITOR, limit=50, **params)
        assert answer["total"] > 0
    by_school = await hub.get("/entitlement", AUDITOR, limit=50, school="100003")
    assert by_school["total"] == 15 and all(row["school_id"] == "100003" for row in by_school["items"])
    submissions = await hub.get("/submissions", AUDITOR, term="2025-autumn", limit=50)
    assert submissions["total"] == 300


async def test_an_auditor_sees_what_the_projection_said_on_a_past_date(hub: Hub):
    ect = hub.register()
    hub.assign(ect, hub.mentor(), START)
    hub.on(date(2025, 12, 19))
    hub.sessions(ect, coaching_days(START, date(2025, 12, 19)))
    await hub.review(ect, 1, date(2025, 12, 19))
    # replay the same events as if each had been recorded on its business date
    schema_url, values = hub.database_url, list(hub.delivered)
    await ensure_schema(schema_url, "as_recorded")
    pool = await create_pool(schema_url, "as_recorded")
    try:
        async with pool.acquire() as conn:
            await projections.setup(conn)
        consumer = ReportingConsumer(pool, ReportingProjections(hub.clock, sealer=hub.sealer),
                                     name="as-recorded")
        await consumer.setup()
        backdated = [encode(e.model_copy(update={"recorded_at": e.occurred_at + timedelta(hours=12)}))
                     for e in (decode(v) for v in values)]
        await consumer.handle([record(v, n) for n, v in enumerate(backdated)])
        # Fri 31 Oct 2025: eight teaching weeks (1 Sep-24 Oct), half-term owes nothing
        then = await consumer.projections.as_it_was(pool, ect, date(2025, 10, 31))
        assert then is not None
        assert (then["sessions_expected"], then["sessions_held"], then["reports_submitted"]) == (8, 8, 0)
        assert then["computed_on"] == date(2025, 10, 31) and then["status"] == "green"
        later = await consumer.projections.as_it_was(pool, ect, date(2025, 12, 19))
        assert later is not None and (later["sessions_held"], later["reports_submitted"]) == (15, 1)
        assert await consumer.projections.as_it_was(pool, ect, date(2025, 8, 31)) is None
    finally:
        await pool.close()
    live = await hub.get(f"/ects/{ect}/entitlement", AUDITOR, as_of=date.today().isoformat())
    assert live["sessions_held"] == 15  # everything was recorded (in real time) by today
