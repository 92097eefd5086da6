"""The appropriate body's work queue, on PostgreSQL from real scheduling and reporting events:
each task lists exactly the ECTs it should, by name and TRN, scoped as every AB list is."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from contracts import Role
from tests.integration.test_reporting_harness import AB, LEAD_P, Hub, headers, open_hub
from tests.unit.scheduling_fixtures import ect_details

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
    # the school by name, linked to its page (an AB sees it for the ECTs it holds there)
    assert ('<td><a href="/dashboard/schools/100001">Oakwood Primary School (URN 100001)</a></td>'
            in overview)
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


async def test_claims_waiting_and_ects_with_no_qts_name_each_ect_until_its_start_and_its_qts(hub: Hub):
    hub.register(trn="3200001", name="Hal Started")  # began on 1 September: nothing waits
    christmas = date(2025, 12, 22)  # a holiday: a claim received now may start next term
    hub.on(christmas)
    spring = date(2026, 1, 5)
    hub.register(trn="3200002", name="Fay Future", induction_start_date=spring, received_on=christmas)
    # the school's hub lead names ab-1 for a trainee whose QTS is awarded on 2 January
    hub.scheduling.register_ect(provenance=LEAD_P, received_on=christmas, **ect_details(
        trn="3200003", name="Gus Trainee", school_id="100002", qts_date=date(2026, 1, 2),
        induction_start_date=spring, induction_programme="school_led"))
    hub.register(trn="3200004", name="Ivy Elsewhere", appropriate_body_id="ab-2",
                 qts_date=date(2026, 1, 2), induction_start_date=spring, received_on=christmas)
    hub.scheduling.name_school("100002", "Hillside Academy", provenance=LEAD_P)
    await hub.deliver()

    tasks = (await hub.get("/abs/ab-1/work-queue", AB))["tasks"]
    waiting = {item["name"]: item for item in tasks["claims_waiting"]["items"]}
    assert list(waiting) == ["Fay Future", "Gus Trainee"]
    assert tasks["claims_waiting"]["count"] == 2
    fay, gus = waiting["Fay Future"], waiting["Gus Trainee"]
    assert (fay["trn"], fay["starts_on"], fay["days_to_start"], fay["claimed_by_role"]) == (
        "3200002", "2026-01-05", 14, "appropriate_body")
    assert (gus["school_id"], gus["induction_programme"], gus["claimed_by_role"], gus["claimed_by"]) == (
        "100002", "school_led", "hub_lead", "lead-1")
    [no_qts] = tasks["no_qts"]["items"]
    assert (no_qts["name"], no_qts["trn"], no_qts["qts_date"], no_qts["starts_on"]) == (
        "Gus Trainee", "3200003", "2026-01-02", "2026-01-05")
    assert tasks["no_qts"]["count"] == 1

    # the other AB sees its own only; a tutor of Hillside sees only Hillside's ECTs
    theirs = (await hub.get("/abs/ab-2/work-queue", headers(Role.APPROPRIATE_BODY, "ab-2")))["tasks"]
    assert [i["name"] for i in theirs["claims_waiting"]["items"]] == ["Ivy Elsewhere"]
    assert [i["name"] for i in theirs["no_qts"]["items"]] == ["Ivy Elsewhere"]
    hillside = (await hub.get("/abs/ab-1/work-queue",
                              headers(Role.INDUCTION_TUTOR, "tutor-2", schools=["100002"])))["tasks"]
    assert [i["name"] for i in hillside["claims_waiting"]["items"]] == ["Gus Trainee"]
    assert [i["name"] for i in hillside["no_qts"]["items"]] == ["Gus Trainee"]

    page = (await hub.http.get("/dashboard/abs/ab-1", headers={**AB, "Accept": "text/html"})).text
    queue_html = page.split('id="queue-heading"', 1)[1].split("</section>", 1)[0]
    waiting_html = queue_html.split('id="task-claims_waiting"', 1)[1].split("</details>", 1)[0]
    assert "Claims waiting for the induction to start" in waiting_html
    assert "Gus Trainee</a> (TRN 3200003), Hillside Academy (URN 100002): starts 5 Jan 2026" in \
        " ".join(waiting_html.split())
    assert "claimed for you by the school's hub lead" in waiting_html
    assert "lead-1" not in waiting_html  # a person is never shown by a bare id
    no_qts_html = queue_html.split('id="task-no_qts"', 1)[1].split("</details>", 1)[0]
    assert "Gus Trainee</a> (TRN 3200003)" in no_qts_html and "QTS date 2 Jan 2026" in no_qts_html
    assert "Fay Future" not in no_qts_html

    hub.on(date(2026, 1, 2))  # QTS awarded today: held, so no longer missing
    tasks = (await hub.get("/abs/ab-1/work-queue", AB))["tasks"]
    assert tasks["no_qts"]["count"] == 0 and tasks["claims_waiting"]["count"] == 2
    hub.on(spring)  # the periods begin: nothing waits any more
    assert (await hub.get("/abs/ab-1/work-queue", AB))["tasks"]["claims_waiting"]["count"] == 0
