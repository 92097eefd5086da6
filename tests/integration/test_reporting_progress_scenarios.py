"""Progress, moves and outcomes: a support plan, a transfer mid-year, a fail (rules 5, 8; 4.1).

Calendar: see test_reporting_scenarios. Working days exclude English bank holidays.
"""

from __future__ import annotations

from datetime import date

import pytest

from contracts import Role
from reporting.integration.outbound import to_integration_event
from tests.integration.test_reporting_harness import AB, LEAD, LEAD_P, TUTOR, Hub, headers, open_hub
from tests.integration.test_reporting_scenarios import START, coaching_days

pytestmark = pytest.mark.integration

TUTOR_2 = headers(Role.INDUCTION_TUTOR, "tutor-2", schools=["100002"])
OTHER_AB = headers(Role.APPROPRIATE_BODY, "ab-2")


@pytest.fixture
async def hub(database_url):  # type: ignore[no-untyped-def]
    hub = await open_hub(database_url, START)
    yield hub
    await hub.pool.close()


def rules(row: dict) -> dict[str, str]:  # type: ignore[type-arg]
    return {r["rule"]: r["level"] for r in row["reasons"]}


def published(hub: Hub, event_type: str) -> list:  # type: ignore[type-arg]
    """The envelopes reporting's relay publishes, as another service would receive them."""
    stored = hub.reporting.recorder.select_notifications(start=1, limit=1000)
    envelopes = [to_integration_event(hub.reporting.mapper.to_domain_event(n)) for n in stored]
    return [e for e in envelopes if e is not None and e.event_type == event_type]


async def test_not_on_track_in_term_two_needs_a_support_plan_shared_with_the_ab(hub: Hub):
    ect = hub.register()
    hub.assign(ect, hub.mentor(), START)
    hub.on(date(2026, 3, 30))
    hub.sessions(ect, coaching_days(START, date(2026, 3, 27)))
    first = await hub.review(ect, 1, date(2025, 12, 19))
    second = await hub.review(ect, 2, date(2026, 3, 27), on_track=False)
    row = await hub.entitlement(ect)
    assert row["status"] == "red" and rules(row) == {"not_on_track": "red"}
    assert "no support plan" in row["reasons"][0]["reason"]
    assert [t["status"] for t in row["terms"]] == ["green", "red"]

    refused = await hub.post(f"/ects/{ect}/support-plans", {
        "report_id": first, "shared_on": "2026-03-30", "summary": "x"}, LEAD, expect=422)
    assert "4.1" in refused["detail"]
    plan = {"report_id": second, "shared_on": "2026-03-30", "review_on": "2026-05-15",
            "summary": "Fortnightly behaviour coaching with the induction tutor"}
    shared = await hub.post(f"/ects/{ect}/support-plans", plan, LEAD)
    assert (await hub.post(f"/ects/{ect}/support-plans", plan, TUTOR, expect=200))["id"] == shared["id"]
    row = await hub.entitlement(ect)
    assert row["status"] == "amber" and row["support_plans_shared"] == 1
    assert "support plan shared on 2026-03-30" in row["reasons"][0]["reason"]
    (event,) = published(hub, "SupportPlanShared")
    assert (str(event.payload.report_id), event.payload.appropriate_body_id) == (second, "ab-1")

    # back on track at the first formal assessment: green again
    hub.on(date(2026, 7, 17))
    hub.sessions(ect, coaching_days(date(2026, 4, 20), date(2026, 7, 17)))
    await hub.assessment(ect, 3, meeting=date(2026, 7, 15), sent=date(2026, 7, 17))
    row = await hub.entitlement(ect)
    assert row["status"] == "green", row["reasons"]
    assert [t["status"] for t in row["terms"]] == ["green", "amber", "green"]
    tra = await hub.get("/exports/tra-return", AB, ab="ab-1", term="2025-autumn")
    assert [(r["TRN"], r["Event"], r["Date"]) for r in tra["rows"]] == [("1234567", "started", "2025-09-01")]
    await hub.assert_rebuild_equals_live()


async def test_a_transfer_mid_year_moves_the_ect_to_the_new_schools_calendar_and_tutor(hub: Hub):
    hub.scheduling.set_term_dates("100002", 2025, [
        {"name": "autumn", "start": date(2025, 9, 1), "end": date(2025, 12, 19),
         "half_term_start": date(2025, 10, 27), "half_term_end": date(2025, 10, 31)},
        {"name": "spring", "start": date(2026, 1, 5), "end": date(2026, 3, 27),
         "half_term_start": date(2026, 2, 16), "half_term_end": date(2026, 2, 20)},
        {"name": "summer", "start": date(2026, 4, 13), "end": date(2026, 7, 17)}], provenance=LEAD_P)
    ect = hub.register()
    hub.assign(ect, hub.mentor(), START)
    hub.on(date(2026, 1, 9))
    hub.sessions(ect, coaching_days(START, date(2025, 12, 19)))
    # leaving a post after a term, another school included, owes an interim assessment (2.62):
    # the post ends over the holidays, so the first school's tutor holds it on the last day of
    # term instead of the autumn review; it reaches the AB within 10 working days
    signed = [{"role": r, "name": r, "signed_on": "2025-12-19"}
              for r in ("induction_tutor", "headteacher", "ect")]
    await hub.post(f"/ects/{ect}/term-reports", {
        "kind": "interim_assessment", "term_number": 1, "on_track": True, "submitted_on": "2025-12-19",
        "evidence_summary": "Progress to date; 1.0 term served; no absence",
        "targets": "For the next school", "sign_offs": signed})
    hub.scheduling.transfer(ect, to_school_id="100002", effective_on=date(2026, 1, 5),
                            induction_tutor_id="tutor-2", provenance=LEAD_P)
    hub.sessions(ect, [date(2026, 1, 5)])  # the hub lead coaches while no mentor is assigned
    row = await hub.entitlement(ect)
    assert (row["school_id"], row["mentor_id"]) == ("100002", None)
    assert rules(row) == {"no_mentor": "amber"}  # 4 days without a mentor
    assert (await hub.http.get(f"/ects/{ect}/entitlement", headers=TUTOR)).status_code == 403
    assert (await hub.http.get(f"/ects/{ect}/entitlement", headers=TUTOR_2)).status_code == 200

    hub.on(date(2026, 1, 26))
    hub.sessions(ect, [date(2026, 1, 12), date(2026, 1, 19), date(2026, 1, 26)])
    row = await hub.entitlement(ect)
    assert rules(row) == {"no_mentor": "red"} and "21 days" in row["reasons"][0]["reason"]
    hub.assign(ect, hub.mentor(trn="7654322", school_id="100002"), date(2026, 1, 26))
    row = await hub.entitlement(ect)
    assert row["status"] == "green", row["reasons"]

    # the new school's spring term ends on Fri 27 Mar 2026: that is when term 2's review is due
    hub.on(date(2026, 3, 27))
    hub.sessions(ect, coaching_days(date(2026, 2, 2), date(2026, 3, 27)))
    await hub.review(ect, 2, date(2026, 3, 27), who=TUTOR_2)
    due = await hub.submissions(ect)
    assert {k: (v["school_id"], v["due_on"], v["state"]) for k, v in due.items()} == {
        (1, "interim_assessment"): ("100001", "2026-01-07", "on_time"),
        (2, "progress_review"): ("100002", "2026-03-27", "on_time")}
    row = await hub.entitlement(ect)
    assert (row["terms_served"], row["term_number"]) == (2.0, 2)
    assert [r["Induction period start date"] for r in
            (await hub.get("/exports/dfe-claims", AB, ab="ab-1"))["rows"]] == ["2025-09-01"]
    assert (await hub.get("/exports/tra-return", AB, ab="ab-1", term="2026-spring"))["rows"] == []
    await hub.assert_rebuild_equals_live()


async def test_an_ect_who_fails_is_given_notice_within_three_working_days(hub: Hub):
    ect = hub.register()
    hub.assign(ect, hub.mentor(), START)
    hub.on(date(2027, 7, 13))
    for term, day, on_track in [(1, date(2025, 12, 19), True), (2, date(2026, 4, 2), False),
                                (4, date(2026, 12, 18), False), (5, date(2027, 3, 25), False)]:
        await hub.review(ect, term, day, on_track=on_track)
    await hub.assessment(ect, 3, meeting=date(2026, 7, 13), sent=date(2026, 7, 17), on_track=False)
    await hub.assessment(ect, 6, meeting=date(2027, 7, 9), sent=date(2027, 7, 13), on_track=False,
                         recommendation="unsatisfactory")
    assert (await hub.http.post(f"/ects/{ect}/outcome", headers=OTHER_AB, json={
        "outcome": "failed", "decided_on": "2027-07-13"})).status_code == 403

    hub.on(date(2027, 7, 21))
    decided = await hub.post(f"/ects/{ect}/outcome", {"outcome": "failed", "decided_on": "2027-07-21"}, AB)
    # Wed 21 Jul 2027 + 3 working days: Mon 26 Jul; Tue 13 Jul + 20 working days: Tue 10 Aug
    assert (decided["notice_due_by"], decided["decision_due_by"]) == ("2027-07-26", "2027-08-10")
    (event,) = published(hub, "InductionOutcomeRecorded")
    assert (event.payload.outcome, event.payload.recommendation, event.payload.notice_due_by,
            event.payload.terms_served, str(event.ect_id)) == (
        "failed", "unsatisfactory", date(2027, 7, 26), 6.0, str(ect))
    refused = await hub.post(f"/ects/{ect}/extensions", {
        "extension_terms": 1, "reason": "late request", "decided_on": "2027-07-21"}, AB, expect=409)
    assert "failed" in refused["detail"]

    row = await hub.entitlement(ect)
    assert (row["induction_status"], row["status"]) == ("failed", "green")
    outcomes = (await hub.get("/outcomes", AB))["items"]
    assert [(o["decision"], o["state"], o["notice_due_by"]) for o in outcomes] == [
        ("failed", "on_time", "2027-07-26")]
    # the DfE service refuses a fail in bulk (it has its own journey there): not in the actions
    # file, but in the TRA return as a completed fail
    results = await hub.get("/exports/dfe-outcomes", AB, ab="ab-1", format="csv")
    assert results.splitlines() == ["TRN,Date of birth,Induction period end date,Number of terms,Outcome"]
    tra = await hub.get("/exports/tra-return", AB, ab="ab-1", term="2027-summer")
    assert [(r["TRN"], r["Event"], r["Date"]) for r in tra["rows"]] == [
        ("1234567", "completed_fail", "2027-07-21")]
    tra = await hub.get("/exports/tra-return", AB, ab="ab-1", term="2027-summer", format="csv")
    assert tra.splitlines()[1:] == ["1234567,Ada Lovelace,completed_fail,2027-07-21,provider-led,6.0"]
    await hub.assert_rebuild_equals_live()


async def test_an_ect_who_leaves_after_a_term_owes_an_interim_assessment_and_is_released_to_dfe(hub: Hub):
    ect = hub.register(induction_programme="school_led")
    hub.assign(ect, hub.mentor(), START)
    hub.on(date(2026, 2, 20))
    await hub.review(ect, 1, date(2025, 12, 19))
    hub.scheduling.record_absence(ect, request_id="flu", first_day=date(2026, 1, 12), days=2,
                                  reason="sickness", provenance=LEAD_P)
    hub.scheduling.leave(ect, left_on=date(2026, 2, 13), reason="moved abroad", provenance=LEAD_P)
    signed = [{"role": r, "name": r, "signed_on": "2026-02-20"}
              for r in ("induction_tutor", "headteacher", "ect")]
    await hub.post(f"/ects/{ect}/term-reports", {
        "kind": "interim_assessment", "term_number": 2, "on_track": True, "submitted_on": "2026-02-20",
        "evidence_summary": "Progress to date", "targets": "For the next school",
        "sign_offs": signed})
    # the structured part of the interim assessment is the clock's, not typed in (2.63): the
    # induction served by the last day in post, the days absent since the last assessment
    [interim] = [e.payload for e in published(hub, "TermReportSubmitted")
                 if e.payload.kind.value == "interim_assessment"]
    assert (interim.induction_served_terms, interim.days_absent_since_last_assessment) == (1.5, 2.0)
    row = await hub.entitlement(ect)
    # autumn and 40 of spring's 88 days (5 Jan-13 Feb) = 1.45, recorded as 1.5
    assert (row["induction_status"], row["status"], row["terms_served"]) == ("left", "green", 1.5)
    due = await hub.submissions(ect)
    # Fri 13 Feb 2026 + 10 working days: Fri 27 Feb
    assert {k: (v["due_on"], v["state"]) for k, v in due.items()} == {
        (1, "progress_review"): ("2025-12-19", "on_time"),
        (2, "interim_assessment"): ("2026-02-27", "on_time")}
    periods = await hub.get("/periods", AB, ab="ab-1", term="2026-spring")
    assert periods["counts"] == {"claimed": 0, "released": 0, "left": 1, "passed": 0, "failed": 0}
    assert [(p["ended_on"], p["end_reason"], p["terms_served"]) for p in periods["items"]] == [
        ("2026-02-13", "left", 1.5)]
    results = await hub.get("/exports/dfe-outcomes", AB, ab="ab-1", format="csv")
    assert results.splitlines()[1:] == ["1234567,1999-12-10,2026-02-13,1.5,Release"]
    tra = await hub.get("/exports/tra-return", AB, ab="ab-1", term="2026-spring")
    assert [(r["Event"], r["Induction type"]) for r in tra["rows"]] == [("left_part_way", "school-led")]
    await hub.assert_rebuild_equals_live()
