"""Reporting's projections through the running platform: HTTP into scheduling and reporting,
Kafka between them, the dashboard's reads out of reporting."""

from __future__ import annotations

import pytest

from contracts import Role
from contracts.topics import REPORTING
from tests.e2e.test_spine import AB, ISSUER, LEAD, TODAY, TUTOR, entitlement, register_ect
from tests.support import eventually
from tests.support.kafka import read_topic

pytestmark = pytest.mark.e2e


async def test_a_review_not_on_track_and_its_support_plan_reach_both_projections(platform, http):
    ect_id = await register_ect(http, platform)
    await eventually(lambda: entitlement(http, platform, ect_id))
    reporting = platform.url("reporting")

    listed = await http.get(f"{reporting}/entitlement", headers=LEAD, params={"school": "100001"})
    assert listed.status_code == 200
    row = next(i for i in listed.json()["items"] if i["ect_id"] == ect_id)
    assert row["status"] in ("amber", "red") and any(r["rule"] == "no_mentor" for r in row["reasons"])

    review = await http.post(f"{reporting}/ects/{ect_id}/term-reports", headers=TUTOR, json={
        "kind": "progress_review", "term_number": 1, "on_track": False,
        "evidence_summary": "Behaviour routines not yet secure", "targets": "Routines",
        "submitted_on": TODAY,
        "sign_offs": [{"role": "induction_tutor", "name": "T. Tutor", "signed_on": TODAY}]})
    assert review.status_code == 201, review.text
    report_id = review.json()["id"]

    async def not_on_track() -> dict | None:
        row = await entitlement(http, platform, ect_id)
        return row if row and any(r["rule"] == "not_on_track" for r in row["reasons"]) else None

    row = await eventually(not_on_track)
    assert row["status"] == "red" and row["reports_submitted"] == 1

    plan = await http.post(f"{reporting}/ects/{ect_id}/support-plans", headers=LEAD, json={
        "report_id": report_id, "shared_on": TODAY, "summary": "Weekly routines coaching"})
    assert plan.status_code == 201, plan.text

    async def planned() -> dict | None:
        row = await entitlement(http, platform, ect_id)
        return row if row and row.get("support_plans_shared") == 1 else None

    row = await eventually(planned)
    assert {r["rule"]: r["level"] for r in row["reasons"]}["not_on_track"] == "amber"

    submissions = await http.get(f"{reporting}/submissions", headers=AB, params={"limit": 500})
    mine = [i for i in submissions.json()["items"] if i["ect_id"] == ect_id]
    assert [(i["kind"], i["term_number"], i["received_on"]) for i in mine] == [
        ("progress_review", 1, TODAY)]
    messages = await read_topic(platform.bootstrap_servers, REPORTING.qualified(platform.topic_prefix),
                                at_least=2)
    kinds = {e.event_type for _, e in messages if str(e.ect_id) == ect_id}
    assert kinds == {"TermReportSubmitted", "SupportPlanShared"}


async def test_the_dfe_claims_export_lists_the_ab_s_claim(platform, http):
    ect_id = await register_ect(http, platform)
    await eventually(lambda: entitlement(http, platform, ect_id))
    answer = await http.get(platform.url("reporting") + "/exports/dfe-claims", headers=AB,
                            params={"ab": "ab-1", "format": "csv"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    lines = answer.text.splitlines()
    assert lines[0] == "TRN,Date of birth,Induction programme,Induction period start date"
    assert any(line.endswith(f",1999-12-10,provider-led,{TODAY}") for line in lines[1:])
    other = {"Authorization": f"Bearer {ISSUER.issue('ab-2', Role.APPROPRIATE_BODY)}"}
    refused = await http.get(platform.url("reporting") + "/exports/dfe-claims", headers=other,
                             params={"ab": "ab-1"})
    assert refused.status_code == 403
