"""Whole inductions, walked term by term, checked against figures worked out by hand.

England default calendar (statutory.calendar.england_default):
- 2025/26: autumn Mon 1 Sep-Fri 19 Dec 2025 (half-term 27-31 Oct), spring Mon 5 Jan-Thu 2 Apr
  2026 (16-20 Feb), summer Mon 20 Apr-Fri 17 Jul 2026 (25-29 May);
- 2026/27: autumn Tue 1 Sep-Fri 18 Dec 2026 (26-30 Oct), spring Mon 4 Jan-Thu 25 Mar 2027
  (15-19 Feb), summer Mon 12 Apr-Fri 16 Jul 2027 (31 May-4 Jun).
Autumn 2025 has 15 teaching weeks (16 weeks less half-term).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from statutory.calendar import SchoolCalendar
from tests.integration.test_reporting_harness import AB, AUDITOR, Hub, open_hub

pytestmark = pytest.mark.integration

START = date(2025, 9, 1)
CAL = SchoolCalendar()


def coaching_days(first: date, last: date, every: int = 1) -> list[date]:
    """The first teaching day of every ``every``-th teaching week from first to last."""
    days = []
    for n, monday in enumerate(CAL.teaching_weeks(first, last)):
        if n % every == 0:
            week = [monday + timedelta(days=d) for d in range(5)]
            days.append(next(d for d in week if first <= d <= last and teaching(d)))
    return days


def teaching(day: date) -> bool:
    term = CAL.term_at(day)
    return term is not None and term.is_teaching_day(day)


@pytest.fixture
async def hub(database_url):  # type: ignore[no-untyped-def]
    hub = await open_hub(database_url, START)
    yield hub
    await hub.pool.close()


async def test_a_full_timer_passes_in_six_terms(hub: Hub):
    ect = hub.register()
    mentor = hub.mentor()
    hub.assign(ect, mentor, START)
    # term 1: a session every teaching week, the review on the last day of term
    hub.on(date(2025, 12, 19))
    hub.sessions(ect, coaching_days(START, date(2025, 12, 19)))
    await hub.review(ect, 1, date(2025, 12, 19))
    row = await hub.entitlement(ect)
    assert (row["term_number"], row["induction_year"], row["terms_served"]) == (1, 1, 1.0)
    assert (row["sessions_expected"], row["sessions_held"], row["minutes_coached"]) == (15, 15, 900)
    assert row["status"] == "green", row["reasons"]
    assert row["terms"][0]["sessions_expected"] == 15 and row["terms"][0]["status"] == "green"

    # terms 2 and 3: weekly; a recommendation is refused on the first formal assessment
    hub.on(date(2026, 7, 15))
    hub.sessions(ect, coaching_days(date(2026, 1, 5), date(2026, 7, 15)))
    await hub.review(ect, 2, date(2026, 3, 30))
    refused = await hub.post(f"/ects/{ect}/term-reports", {
        "kind": "formal_assessment", "term_number": 3, "on_track": True, "evidence_summary": "x",
        "targets": "y", "submitted_on": "2026-07-15", "recommendation": "satisfactory"}, expect=422)
    assert "2.60" in refused["detail"]
    await hub.assessment(ect, 3, meeting=date(2026, 7, 10), sent=date(2026, 7, 15))

    # year 2: fortnightly coaching, reviews in terms 4 and 5, the final assessment in term 6
    hub.on(date(2027, 7, 14))
    hub.sessions(ect, coaching_days(date(2026, 9, 1), date(2027, 7, 14), every=2))
    await hub.review(ect, 4, date(2026, 12, 18))
    await hub.review(ect, 5, date(2027, 3, 25))
    await hub.assessment(ect, 6, meeting=date(2027, 7, 12), sent=date(2027, 7, 14),
                         recommendation="satisfactory")
    row = await hub.entitlement(ect)
    # 5 terms + 94 of the summer term's 96 days (12 Apr-16 Jul) = 5.98, recorded as 6.0
    assert (row["term_number"], row["induction_year"], row["terms_served"]) == (6, 2, 6.0)
    assert row["status"] == "green", row["reasons"]
    outcomes = (await hub.get("/outcomes", AB))["items"]
    # 20 working days after Wed 14 Jul 2027: 15-16, 19-23, 26-30 Jul, 2-6, 9-11 Aug
    assert [(o["decision_due_by"], o["state"]) for o in outcomes] == [("2027-08-11", "due")]

    # the AB passes the ECT on Tue 20 Jul 2027; written notice within 3 working days: Fri 23 Jul
    hub.on(date(2027, 7, 20))
    decided = await hub.post(f"/ects/{ect}/outcome", {"outcome": "passed", "decided_on": "2027-07-20"}, AB)
    assert decided["notice_due_by"] == "2027-07-23"
    again = await hub.post(f"/ects/{ect}/outcome", {"outcome": "failed", "decided_on": "2027-07-20"}, AB,
                           expect=409)
    assert "one induction" in again["detail"]

    row = await hub.entitlement(ect)
    assert (row["induction_status"], row["terms_served"], row["terms_remaining"]) == ("passed", 6.0, 0.0)
    assert row["reports_submitted"] == 6 and row["reports_missing"] == 0
    due = await hub.submissions(ect)
    assert {k: (v["due_on"], v["received_on"], v["state"]) for k, v in due.items()} == {
        (1, "progress_review"): ("2025-12-19", "2025-12-19", "on_time"),
        (2, "progress_review"): ("2026-04-02", "2026-03-30", "on_time"),
        # ten working days after the assessment point, the last day of term 3 (Fri 17 Jul
        # 2026), whatever the meeting date (2.61)
        (3, "formal_assessment"): ("2026-07-31", "2026-07-15", "on_time"),
        (4, "progress_review"): ("2026-12-18", "2026-12-18", "on_time"),
        (5, "progress_review"): ("2027-03-25", "2027-03-25", "on_time"),
        # ten working days after the end of term 6, Fri 16 Jul 2027 (2.61)
        (6, "formal_assessment"): ("2027-07-30", "2027-07-14", "on_time"),
    }
    assert due[(6, "formal_assessment")]["fully_signed"] is True
    outcomes = (await hub.get("/outcomes", AB))["items"]
    assert [(o["decision"], o["decided_on"], o["state"], o["notice_due_by"]) for o in outcomes] == [
        ("passed", "2027-07-20", "on_time", "2027-07-23")]

    claims = await hub.get("/exports/dfe-claims", AB, ab="ab-1", format="csv")
    assert claims.splitlines() == ["TRN,Date of birth,Induction programme,Induction period start date",
                                   "1234567,1999-12-10,provider-led,2025-09-01"]
    results = await hub.get("/exports/dfe-outcomes", AB, ab="ab-1")
    assert results["rows"] == [{"TRN": "1234567", "Date of birth": "1999-12-10",
                                "Induction period end date": "2027-07-20", "Number of terms": "6.0",
                                "Outcome": "Pass"}]
    started = await hub.get("/exports/tra-return", AB, ab="ab-1", term="2025-autumn")
    assert started["counts"]["started"] == 1 and started["counts"]["provider_led"] == 1
    completed = await hub.get("/exports/tra-return", AUDITOR, ab="ab-1", term="2027-summer")
    assert (completed["from"], completed["to"]) == ("2027-04-12", "2027-08-31")
    assert completed["counts"] | {"provider_led": 0} == {
        "started": 0, "completed_pass": 1, "completed_fail": 0, "extended": 0, "left_part_way": 0,
        "provider_led": 0, "school_led": 0}
    await hub.assert_rebuild_equals_live()


async def test_a_part_timer_at_0_6_is_assessed_in_terms_5_and_10(hub: Hub):
    ect = hub.register(fte=0.6)
    hub.assign(ect, hub.mentor(), START)
    hub.on(date(2027, 4, 20))
    # served at the end of each term: 0.6, 1.2, 1.8, 2.4 (reviews), 3.0 (the assessment)
    for term, day in enumerate([date(2025, 12, 19), date(2026, 4, 2), date(2026, 7, 17),
                                date(2026, 12, 18)], start=1):
        await hub.review(ect, term, day)
    await hub.assessment(ect, 5, meeting=date(2027, 3, 25), sent=date(2027, 4, 20))
    due = await hub.submissions(ect)
    assert [k for k in sorted(due)] == [(1, "progress_review"), (2, "progress_review"),
                                        (3, "progress_review"), (4, "progress_review"),
                                        (5, "formal_assessment"), (6, "progress_review")]
    # the current term's review (summer 2027, from 12 Apr) is listed, not yet due
    assert (due[(6, "progress_review")]["due_on"], due[(6, "progress_review")]["state"]) == (
        "2027-07-16", "due")
    # Thu 25 Mar 2027 + 10 working days, Good Friday and Easter Monday excluded: Mon 12 Apr
    assert (due[(5, "formal_assessment")]["due_on"], due[(5, "formal_assessment")]["state"],
            due[(5, "formal_assessment")]["days_late"]) == ("2027-04-12", "late", 8)
    row = await hub.entitlement(ect)
    # 3.0 + 9 of the summer term's 96 days (12 Apr-16 Jul 2027) at 0.6 = 3.056, recorded as 3.1
    assert (row["terms_served"], row["terms_remaining"], row["term_number"]) == (3.1, 2.9, 6)
    # the year of induction turns when 3.0 is served: at the end of term 5
    assert row["induction_year"] == 2
    terms = {t["term_number"]: t for t in row["terms"]}
    assert terms[5]["reports"][0]["state"] == "late"
    # sessions were not recorded at all: the lead sees why the ECT is red
    assert row["status"] == "red"
    assert {r["rule"] for r in row["reasons"]} >= {"coaching_shortfall", "no_recent_session"}
    await hub.assert_rebuild_equals_live()
