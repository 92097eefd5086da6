"""The appropriate body's work queue, on PostgreSQL from real scheduling and reporting events:
each task lists exactly the ECTs it should, by name and TRN, scoped as every AB list is."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from contracts import Role
from tests.integration.test_reporting_harness import AB, LEAD_P, Hub, headers, open_hub

pytestmark = pytest.mark.integration

START = date(2025, 9, 1)
TODAY = date(2027, 7, 20)


@pytest.fixture
async def hub(database_url):  # type: ignore[no-untyped-def]
    hub = await open_hub(database_url, START)
    yield hub
    await hub.pool.close()


def names(task: dict[str, Any]) -> list[str]:
    return [item["name"] for item in task["items"]]


async def test_each_task_lists_the_ects_it_should_and_leaves_the_rest(hub: Hub):
    ada = hub.register(trn="3100001", name="Ada Decision")
    hub.register(trn="3100002", name="Bob Nothing-In")
    cy = hub.register(trn="3100003", name="Cy Unsigned")
    di = hub.register(trn="3100004", name="Di Leaver")
    eve = hub.register(trn="3100005", name="Eve Moved")
    hub.on(date(2025, 12, 12))
    await hub.review(cy, 1, date(2025, 12, 12), sign_offs=[])  # sent without the tutor's signature
    hub.on(date(2027, 6, 1))
    hub.scheduling.release(eve, released_on=date(2027, 6, 1), reason="moved area", provenance=LEAD_P)
    hub.on(date(2027, 6, 7))
    hub.register(trn="3100005", name="Eve Moved", appropriate_body_id="ab-2",
                 induction_start_date=date(2027, 6, 7))
    hub.on(date(2027, 6, 30))
    hub.scheduling.leave(di, left_on=date(2027, 6, 30), reason="relocating", provenance=LEAD_P)
    hub.on(date(2027, 7, 14))
    await hub.assessment(ada, 6, meeting=date(2027, 7, 12), sent=date(2027, 7, 14),
                         recommendation="satisfactory")
    hub.on(TODAY)
    await hub.deliver()
    await hub.projections.refresh_stale(hub.pool)  # as the refresh loop does each new day

    queue = await hub.get("/abs/ab-1/work-queue", AB)
    tasks = queue["tasks"]
    assert names(tasks["decisions_due"]) == ["Ada Decision"]
    [decision] = tasks["decisions_due"]["items"]
    assert (decision["trn"], decision["recommendation"], decision["overdue"]) == ("3100001", "satisfactory",
                                                                                  False)
    assert "Bob Nothing-In" in names(tasks["reports_missing"])
    assert all(item["days_overdue"] > 0 for item in tasks["reports_missing"]["items"])
    assert names(tasks["reports_not_fully_signed"]) == ["Cy Unsigned"]
    assert names(tasks["leavers"]) == ["Di Leaver"]
    assert tasks["leavers"]["items"][0]["left_on"] == "2027-06-30"
    [moved] = tasks["claimed_by_another_ab"]["items"]
    assert (moved["name"], moved["now_with"]) == ("Eve Moved", "ab-2")
    assert queue["total"] == sum(task["count"] for task in tasks.values())
    assert str(di) not in str(names(tasks["leavers"]))

    # the other AB's queue holds only what is its own: Eve's new period owes nothing yet
    theirs = await hub.get("/abs/ab-2/work-queue", headers(Role.APPROPRIATE_BODY, "ab-2"))
    assert all(task["count"] == 0 for task in theirs["tasks"].values())
    # nobody reads another AB's queue; a tutor sees only their schools' rows
    refused = await hub.http.get("/abs/ab-1/work-queue", headers=headers(Role.APPROPRIATE_BODY, "ab-2"))
    assert refused.status_code == 403
    elsewhere = await hub.get("/abs/ab-1/work-queue",
                              headers(Role.INDUCTION_TUTOR, "tutor-9", schools=["100002"]))
    assert elsewhere["total"] == 0

    page = (await hub.http.get("/dashboard/abs/ab-1", headers={**AB, "Accept": "text/html"})).text
    queue_html = page.split('id="queue-heading"', 1)[1].split("</section>", 1)[0]
    assert f"Work queue: {queue['total']} tasks" in queue_html
    assert f'<a href="/dashboard/ects/{di}">Di Leaver</a> (TRN 3100004)' in queue_html
    assert "now claimed by appropriate body ab-2" in queue_html  # said as an id, until named

    # once the hub names them, every page says the names
    hub.scheduling.name_school("100001", "Oakwood Primary School", provenance=LEAD_P)
    hub.scheduling.name_appropriate_body("ab-2", "South Hub AB", provenance=LEAD_P)
    hub.scheduling.name_appropriate_body("ab-1", "North Hub AB", provenance=LEAD_P)
    await hub.deliver()
    page = (await hub.http.get("/dashboard/abs/ab-1", headers={**AB, "Accept": "text/html"})).text
    assert "<h1>North Hub AB</h1>" in page
    assert "Di Leaver</a> (TRN 3100004), Oakwood Primary School (URN 100001):" in page
    assert "now claimed by South Hub AB" in page
    overview = (await hub.http.get("/dashboard", headers={**AB, "Accept": "text/html"})).text
    assert "<td>Oakwood Primary School (URN 100001)</td>" in overview
    ect_page = (await hub.http.get(f"/dashboard/ects/{eve}", headers={**AB, "Accept": "text/html"})).text
    assert "period with North Hub AB starts" in ect_page and "period with South Hub AB starts" in ect_page
    [row] = [r for r in (await hub.get("/entitlement", AB))["items"] if r["trn"] == "3100004"]
    assert (row["school_name"], row["appropriate_body_name"]) == ("Oakwood Primary School", "North Hub AB")


async def test_a_task_done_leaves_the_queue(hub: Hub):
    cy = hub.register(trn="3100003", name="Cy Late")
    hub.on(date(2026, 1, 12))  # the autumn progress review is past due
    await hub.deliver()
    await hub.projections.refresh_stale(hub.pool)
    missing = (await hub.get("/abs/ab-1/work-queue", AB))["tasks"]["reports_missing"]
    assert [(i["name"], i["kind"], i["term_number"]) for i in missing["items"]] == [
        ("Cy Late", "progress_review", 1)]
    await hub.review(cy, 1, date(2026, 1, 12))  # late, but in
    await hub.deliver()
    assert (await hub.get("/abs/ab-1/work-queue", AB))["tasks"]["reports_missing"]["count"] == 0
