"""Real inductions through reporting: gaps, short posts, later absences, guards, reductions.

Each failed on the code before the one induction clock (``statutory.timeline``). Calendar:
England default (autumn 2025 1 Sep-19 Dec, spring 2026 5 Jan-2 Apr, summer 20 Apr-17 Jul,
autumn 2026 1 Sep-18 Dec).
"""

from __future__ import annotations

from datetime import date

import pytest

from contracts import Role
from tests.integration.test_reporting_absence_scenarios import absent
from tests.integration.test_reporting_harness import AB, LEAD_P, Hub, headers, open_hub
from tests.integration.test_reporting_progress_scenarios import published
from tests.integration.test_reporting_scenarios import START

pytestmark = pytest.mark.integration

AB_2 = headers(Role.APPROPRIATE_BODY, "ab-2")


@pytest.fixture
async def hub(database_url):  # type: ignore[no-untyped-def]
    hub = await open_hub(database_url, START)
    yield hub
    await hub.pool.close()


def claimed_by_ab_2(hub: Hub, on: date, **overrides: object) -> None:
    hub.on(on)
    hub.register(appropriate_body_id="ab-2", induction_start_date=on, **overrides)


async def test_a_gap_between_posts_counts_for_nothing_and_owes_no_report_statutory_rule_2(hub: Hub):
    ect = hub.register()
    hub.on(date(2025, 12, 19))
    hub.scheduling.release(ect, released_on=date(2025, 12, 19), reason="contract ended", provenance=LEAD_P)
    claimed_by_ab_2(hub, date(2026, 4, 20))  # spring 2026 without a post
    hub.on(date(2026, 12, 18))
    row = await hub.entitlement(ect)
    # autumn 2025 with ab-1, then summer and autumn 2026 with ab-2: 3.0, not the 5.0 of
    # counting from the first start as if employed all along
    assert (row["terms_served"], row["terms_remaining"], row["term_number"]) == (3.0, 3.0, 3)
    breakdown = row["breakdown"]
    assert [(p["appropriate_body_id"], p["terms"], p["counts"]) for p in breakdown["periods"]] == [
        ("ab-1", 1.0, True), ("ab-2", 2.0, True)]
    assert [(g["from"], g["to"]) for g in breakdown["gaps"]] == [("2025-12-20", "2026-04-19")]
    # the AB's own period rows add up to the headline figure
    periods = (await hub.get("/exports/dfe-claims", AB, ab="ab-1"))["rows"]
    assert [r["TRN"] for r in periods] == ["1234567"]
    due = await hub.submissions(ect)
    # no report for the spring without a post; ab-1 is owed only its own term, as an interim
    # assessment (released after a full term, 2.62); ab-2 the rest, numbered on
    assert {k: (v["appropriate_body_id"], v["school_term"], v["due_on"]) for k, v in due.items()} == {
        (1, "interim_assessment"): ("ab-1", "2025-autumn", "2026-01-07"),
        (2, "progress_review"): ("ab-2", "2026-summer", "2026-07-17"),
        (3, "formal_assessment"): ("ab-2", "2026-autumn", "2027-01-06"),
    }


async def test_a_post_shorter_than_a_term_counts_for_nothing_statutory_rule_2_guidance_2_33(hub: Hub):
    ect = hub.register()
    hub.on(date(2025, 10, 10))
    hub.scheduling.release(ect, released_on=date(2025, 10, 10), reason="left the school", provenance=LEAD_P)
    claimed_by_ab_2(hub, date(2026, 1, 5))
    hub.on(date(2026, 4, 2))
    row = await hub.entitlement(ect)
    # six weeks of autumn do not count once the post ended short of a term; spring does
    assert row["terms_served"] == 1.0
    first, second = row["breakdown"]["periods"]
    assert (first["counts"], first["terms"], "2.33" in first["reason"]) == (False, 0.0, True)
    assert (second["counts"], second["terms"]) == (True, 1.0)
    due = await hub.submissions(ect)
    # nothing owed for the six weeks (no interim assessment: less than a term in post)
    assert list(due) == [(1, "progress_review")]
    assert due[(1, "progress_review")]["school_term"] == "2026-spring"


async def test_every_absence_in_a_year_past_the_threshold_extends_it_statutory_rule_9_guidance_3_6(hub: Hub):
    ect = hub.register()
    hub.on(date(2026, 3, 20))
    absent(hub, ect, date(2025, 11, 3), 30, "sickness")  # the threshold
    row = await hub.entitlement(ect)
    assert (row["absence_extension_days"], row["terms_required"]) == (30.0, 6.5)  # 30/65 -> 0.5
    absent(hub, ect, date(2026, 3, 2), 10, "sickness")  # ten more days in the same year
    row = await hub.entitlement(ect)
    # the year is extended by the aggregate of its days absent: 40/65 of a term, up to 0.7
    assert (row["absence_days_counted"], row["absence_extension_days"], row["terms_required"]) == (
        40.0, 40.0, 6.7)
    line = next(r for r in row["breakdown"]["required"] if r["source"] == "absence")
    assert (line["induction_year"], line["days"], line["terms"]) == (1, 40.0, 0.7)


async def test_the_final_assessment_waits_for_the_final_term_statutory_rule_8_guidance_2_60(hub: Hub):
    ect = hub.register()
    hub.on(date(2025, 9, 2))
    signed = [{"role": r, "name": r, "signed_on": "2025-09-02"}
              for r in ("induction_tutor", "headteacher", "ect")]
    refused = await hub.post(f"/ects/{ect}/term-reports", {
        "kind": "formal_assessment", "term_number": 6, "on_track": True, "submitted_on": "2025-09-02",
        "evidence_summary": "-", "targets": "-", "recommendation": "satisfactory",
        "assessor_role": "headteacher", "assessor_id": "head-1", "sign_offs": signed}, expect=422)
    assert "final term" in refused["detail"] and "2027-04-12" in refused["detail"]
    # and no pass on day two: there is no final recommendation to decide on
    nothing = await hub.post(f"/ects/{ect}/outcome", {"outcome": "passed", "decided_on": "2025-09-02"}, AB,
                             expect=409)
    assert "2.67" in nothing["detail"]


async def test_a_decision_against_the_recommendation_needs_a_reason_and_an_extension_a_new_final_assessment(
        hub: Hub):
    ect = hub.register()
    hub.on(date(2027, 7, 14))
    await hub.assessment(ect, 6, meeting=date(2027, 7, 12), sent=date(2027, 7, 14),
                         recommendation="unsatisfactory")
    hub.on(date(2027, 7, 20))
    against = await hub.post(f"/ects/{ect}/outcome", {"outcome": "passed", "decided_on": "2027-07-20"}, AB,
                             expect=422)
    assert "recommended unsatisfactory" in against["detail"] and "2.67" in against["detail"]
    await hub.post(f"/ects/{ect}/extensions", {"extension_terms": "1.0", "reason": "more evidence needed",
                                               "decided_on": "2027-07-20"}, AB)
    stale = await hub.post(f"/ects/{ect}/outcome", {"outcome": "failed", "decided_on": "2027-07-21"}, AB,
                           expect=409)
    assert "new final assessment" in stale["detail"] and "3.8" in stale["detail"]
    row = await hub.entitlement(ect)
    assert row["terms_required"] == 7.0
    # the extension's final assessment: term 7, autumn 2027, recommending a pass
    hub.on(date(2027, 12, 17))
    await hub.assessment(ect, 7, meeting=date(2027, 12, 15), sent=date(2027, 12, 16),
                         recommendation="satisfactory")
    passed = await hub.post(f"/ects/{ect}/outcome", {"outcome": "passed", "decided_on": "2027-12-17"}, AB)
    assert passed["notice_due_by"] == "2027-12-22"


async def test_an_ab_reduces_an_induction_with_consent_to_no_less_than_a_term_statutory_rule_10_guidance_3_2(
        hub: Hub):
    ect = hub.register()
    hub.on(date(2025, 9, 3))
    below = await hub.post(f"/ects/{ect}/reductions", {
        "reduction_terms": "5.5", "reason": "teaching abroad", "ect_consented_on": "2025-09-02",
        "decided_on": "2025-09-03"}, AB, expect=422)
    assert "3.2" in below["detail"]
    unconsented = await hub.post(f"/ects/{ect}/reductions", {
        "reduction_terms": "5.0", "reason": "teaching abroad", "ect_consented_on": "2025-09-04",
        "decided_on": "2025-09-03"}, AB, expect=422)
    assert "consent" in unconsented["detail"]
    assert (await hub.http.post(f"/ects/{ect}/reductions", headers=AB_2, json={
        "reduction_terms": "1.0", "reason": "x", "ect_consented_on": "2025-09-02",
        "decided_on": "2025-09-03"})).status_code == 403  # not the AB holding the induction
    reduced = await hub.post(f"/ects/{ect}/reductions", {
        "reduction_terms": "5.0", "reason": "five terms teaching in an independent school",
        "ect_consented_on": "2025-09-02", "decided_on": "2025-09-03"}, AB)
    assert reduced["terms_required"] == 1.0
    [event] = published(hub, "InductionReduced")
    assert (event.payload.reduction_terms, event.payload.terms_required) == (5.0, 1.0)
    hub.on(date(2025, 12, 19))
    row = await hub.entitlement(ect)
    assert (row["terms_required"], row["terms_remaining"]) == (1.0, 0.0)
    # a one-term induction owes only its final assessment (3.2-3.4)
    due = await hub.submissions(ect)
    assert list(due) == [(1, "formal_assessment")]
    await hub.assert_rebuild_equals_live()


async def test_a_timetable_over_the_limit_turns_the_entitlement_amber_or_red_statutory_rule_3(hub: Hub):
    ect = hub.register()
    hub.on(date(2025, 9, 10))

    async def timetable(year: int, percent: float) -> dict[str, str]:
        hub.scheduling.record_timetable(ect, induction_year=year, timetable_percent=percent,
                                        provenance=LEAD_P)
        row = await hub.entitlement(ect)
        assert (row["timetable_percent"], row["timetable_limit_percent"]) == (percent, 90.0)
        return {r["rule"]: r["level"] for r in row["reasons"] if r["rule"] == "timetable"}

    assert await timetable(1, 90) == {}  # 90% is the most in year 1 (2.20)
    assert await timetable(1, 93) == {"timetable": "amber"}  # reduced, but too little
    assert await timetable(1, 100) == {"timetable": "red"}  # not reduced at all
    row = await hub.entitlement(ect)
    reason = next(r["reason"] for r in row["reasons"] if r["rule"] == "timetable")
    assert "at most 90%" in reason and "2.20-2.21" in reason
