"""Absence in induction, walked through both projections and the exports (statutory rule 9).

Calendar: see test_reporting_scenarios. Working days exclude English bank holidays.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.integration.test_reporting_harness import AB, LEAD_P, Hub, open_hub
from tests.integration.test_reporting_scenarios import START, coaching_days

pytestmark = pytest.mark.integration


@pytest.fixture
async def hub(database_url):  # type: ignore[no-untyped-def]
    hub = await open_hub(database_url, START)
    yield hub
    await hub.pool.close()


def absent(hub: Hub, ect, first_day: date, days: float, reason: str) -> None:  # type: ignore[no-untyped-def]
    hub.scheduling.record_absence(ect, request_id=f"a-{first_day}", first_day=first_day, days=days,
                                  reason=reason, provenance=LEAD_P)


def missed(hub: Hub, ect, days: list[date]) -> None:  # type: ignore[no-untyped-def]
    for day in days:
        hub.scheduling.record_missed_session(ect, request_id=f"m-{day}", due_on=day, reason="ect_absent",
                                             note=None, provenance=LEAD_P)


def rules(row: dict) -> dict[str, str]:  # type: ignore[type-arg]
    return {r["rule"]: r["level"] for r in row["reasons"]}


async def test_thirty_days_absence_in_year_one_turns_red_and_moves_the_first_assessment(hub: Hub):
    ect = hub.register()
    hub.assign(ect, hub.mentor(), START)
    hub.on(date(2026, 1, 30))
    hub.sessions(ect, coaching_days(START, date(2025, 12, 19)))
    await hub.review(ect, 1, date(2025, 12, 19))
    # sick for 20 working days, 5-30 Jan 2026; the four sessions of those weeks missed (excused)
    absent(hub, ect, date(2026, 1, 5), 20, "sickness")
    missed(hub, ect, [date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 19), date(2026, 1, 26)])
    row = await hub.entitlement(ect)
    assert row["absence_days_counted"] == 20.0
    assert rules(row) == {"absence": "amber"}, row["reasons"]
    assert (row["sessions_expected"], row["sessions_held"], row["missed_by_reason"]) == (
        19, 15, {"ect_absent": 4})
    assert row["status"] == "amber"

    # ten more days, 2-13 Feb: 30 in year 1, the threshold (3.6); the year grows by 30 days,
    # 30/65 of a term, rounded up to 0.5
    hub.on(date(2026, 2, 13))
    absent(hub, ect, date(2026, 2, 2), 10, "sickness")
    missed(hub, ect, [date(2026, 2, 2), date(2026, 2, 9)])
    row = await hub.entitlement(ect)
    assert (row["absence_days_counted"], row["absence_extension_days"]) == (30.0, 30.0)
    assert rules(row) == {"absence": "red"} and row["status"] == "red"
    assert "30-day threshold" in row["reasons"][0]["reason"]
    # autumn + 40 of spring's 88 days (5 Jan-2 Apr) = 1.45, recorded as 1.5; 6.5 required
    assert (row["terms_served"], row["terms_remaining"]) == (1.5, 5.0)
    spring = row["terms"][1]
    assert (spring["absence_days_counted"], spring["sessions_missed"]) == (30.0, 6)

    # year 1 now ends at 3.5 terms, part-way through autumn 2026 (3.6: the year itself is
    # longer, so its assessment point moves, not just the total); the summer review would
    # fall less than a term before that assessment, so only the assessment is held (2.49)
    hub.on(date(2026, 10, 23))
    hub.sessions(ect, coaching_days(date(2026, 2, 23), date(2026, 3, 27)))
    hub.sessions(ect, coaching_days(date(2026, 4, 20), date(2026, 10, 23)))
    await hub.review(ect, 2, date(2026, 4, 2))
    due = await hub.submissions(ect)
    assert {k: (v["due_on"], v["state"]) for k, v in due.items()} == {
        (1, "progress_review"): ("2025-12-19", "on_time"),
        (2, "progress_review"): ("2026-04-02", "on_time"),
        # 3.5 terms are served by Sun 25 Oct 2026 (a term's weekends are served too); the
        # meeting on the next school day, after the half-term, Mon 2 Nov; + 10 working days (2.61)
        (4, "formal_assessment"): ("2026-11-16", "due"),
    }
    row = await hub.entitlement(ect)
    # coaching is weekly to the end of the extended year 1; year 2 starts the day after its point
    assert (row["induction_year"], row["year_two_starts"]) == (1, "2026-10-26")
    assert (await hub.get("/submissions/summary", AB, term="2026-summer"))["items"] == []
    summary = (await hub.get("/submissions/summary", AB, term="2026-autumn"))["items"]
    assert summary == [{"appropriate_body_id": "ab-1", "school_term": "2026-autumn", "due": 1,
                        "on_time": 0, "late": 0, "missing": 0, "postponed": 0, "unscheduled": 0}]
    claims = await hub.get("/exports/dfe-claims", AB, ab="ab-1", term="2025-autumn")
    assert [r["TRN"] for r in claims["rows"]] == ["1234567"]
    tra = await hub.get("/exports/tra-return", AB, ab="ab-1", term="2026-spring")
    assert tra["rows"] == []  # absence is no TRA event: the AB is told, the year is extended
    await hub.assert_rebuild_equals_live()


async def test_maternity_leave_never_counts_and_the_ect_may_extend(hub: Hub):
    ect = hub.register()
    hub.assign(ect, hub.mentor(), START)
    hub.on(date(2026, 7, 17))
    hub.sessions(ect, coaching_days(START, date(2026, 4, 2)))
    await hub.review(ect, 1, date(2025, 12, 19))
    await hub.review(ect, 2, date(2026, 4, 2))
    # maternity leave from Mon 20 Apr 2026 for 65 working days: with the May bank holidays
    # (4 and 25 May) its last day is Tue 21 Jul, after the end of term 3 (Fri 17 Jul)
    absent(hub, ect, date(2026, 4, 20), 65, "maternity")
    row = await hub.entitlement(ect)
    assert row["absence_days_counted"] == 0.0 and "absence" not in rules(row)

    # back in September, she opts to extend by the 65 days: one term (65/65), always granted
    hub.on(date(2026, 9, 7))
    hub.scheduling.opt_to_extend(ect, extension_days=65, provenance=LEAD_P)
    row = await hub.entitlement(ect)
    assert row["statutory_leave_extension_days"] == 65.0
    # 3 terms and 5 of autumn 2026's 109 days (1 Sep-18 Dec) = 3.05, recorded as 3.1; 7 required
    assert (row["terms_served"], row["terms_remaining"]) == (3.1, 3.9)
    due = await hub.submissions(ect)
    # the leave's year is lengthened: the first assessment moves to term 4 (4.0 served), and
    # term 3's report, whose meeting fell in her leave, is postponed (2.56), not missing
    assert {k: v["state"] for k, v in due.items()} == {
        (1, "progress_review"): "on_time", (2, "progress_review"): "on_time",
        (3, "progress_review"): "postponed", (4, "formal_assessment"): "due"}
    assert due[(4, "formal_assessment")]["due_on"] == "2027-01-06"

    # the final assessment is where 7.0 is served: term 7, autumn 2027
    hub.on(date(2027, 12, 17))
    for term, day in [(4, date(2026, 12, 18)), (5, date(2027, 3, 25)), (6, date(2027, 7, 16))]:
        await hub.review(ect, term, day) if term != 4 else await hub.assessment(ect, 4, day, day)
    await hub.assessment(ect, 7, meeting=date(2027, 12, 10), sent=date(2027, 12, 17),
                         recommendation="satisfactory")
    due = await hub.submissions(ect)
    assert due[(7, "formal_assessment")]["state"] == "on_time"
    outcomes = (await hub.get("/outcomes", AB))["items"]
    # Fri 17 Dec 2027 + 20 working days: Christmas (27 and 28 Dec in lieu) and 3 Jan 2028 excluded
    assert [(o["recommendation"], o["decision_due_by"]) for o in outcomes] == [
        ("satisfactory", "2028-01-19")]
    await hub.assert_rebuild_equals_live()
