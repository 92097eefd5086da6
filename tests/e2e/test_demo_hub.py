"""`ect up --demo` on the running platform: the demo hub loaded through the import and the
public APIs, then read back as a hub lead, an AB and a browser would read it.

The loader runs once for the module (it is what takes time); each test reads one thing the
demo promises: two cohorts of the intended sizes, every ECT the colour its story says for
the rule it says, the transfer as two periods with two ABs, the absence past 30 days, the
reviews on time, late and missing, and names (never ids) on the dashboard.
"""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from contracts import Role
from ect_platform.demo import HUB, Loaded, describe, load
from ect_platform.demo.hub import LAKESIDE, PENNINE, Dates
from scheduling.application import today_in_england
from tests.e2e.test_spine import ISSUER

pytestmark = pytest.mark.e2e

LEAD = {"Authorization": f"Bearer {ISSUER.issue('lead-1', Role.HUB_LEAD)}"}
TODAY = today_in_england()  # the services enforce real dates, so the demo is loaded for today
BY_NAME = {ect.name: ect for ect in HUB.ects}
# the stories need some weeks of the year-1 cohort behind them (README, 'The demo hub'): in the
# autumn term's first weeks, a mentor's time away or five weeks without coaching cannot have
# happened yet, so the colours are checked from then on only
YOUNG_YEAR = pytest.mark.skipif(
    TODAY - Dates(TODAY).cohort_start(1) < timedelta(weeks=7),
    reason="the year-1 cohort started less than seven weeks ago: too soon for every story's colour")


@pytest.fixture(scope="module")
def demo(platform: Any) -> Iterator[Loaded]:
    yield asyncio.run(load(platform, ISSUER, TODAY))


@pytest.fixture(scope="module")
def rows(platform: Any, demo: Loaded) -> dict[str, dict[str, Any]]:
    """Reporting's entitlement row of each demo ECT, by name."""
    found = {}
    with httpx.Client(timeout=10) as http:
        for school in HUB.schools:
            page = http.get(platform.url("reporting") + "/entitlement", headers=LEAD,
                            params={"school": school.urn, "limit": 500}).json()
            found.update({item["name"]: item for item in page["items"] if item["trn"] in demo.ects})
    return found


def test_two_cohorts_of_the_intended_sizes_are_loaded_in_seconds(demo: Loaded, rows: dict) -> None:  # type: ignore[type-arg]
    dates = Dates(TODAY)
    assert len(rows) == len(HUB.ects) == 16
    starts = [row["induction_start_date"] for row in rows.values()]
    assert starts.count(dates.cohort_start(2).isoformat()) == 7
    assert starts.count(dates.cohort_start(1).isoformat()) == 9
    assert demo.cohorts == {1: 9, 2: 7}
    assert dates.cohort_start(2).month == dates.cohort_start(1).month == 9
    assert {round(row["fte"], 1) for row in rows.values()} >= {0.5, 0.6, 0.8, 1.0}  # part-timers
    # the full-timers of the year-2 cohort are in year 2; a 0.6 part-timer is still in year 1
    assert rows["Amelia Clarke"]["induction_year"] == 2
    assert rows["Joseph Nwosu"]["induction_year"] == 1
    assert demo.sessions > 200 and demo.drop_ins > 0 and demo.reports > 0
    print(f"\ndemo hub loaded in {demo.seconds:.1f} s\n{describe(demo)}")


@YOUNG_YEAR
def test_every_ect_is_the_colour_its_story_says_for_the_reason_it_says(rows: dict) -> None:  # type: ignore[type-arg]
    for name, row in rows.items():
        ect = BY_NAME[name]
        story = ect.story
        # mentored all along by the mentor of the school they are at now, observed every term
        mentor = ect.transfer.to_mentor if ect.transfer else ect.mentor
        assert row["mentor_name"] == HUB.mentor(mentor).name, name
        assert row["drop_ins"] >= 1, name
        assert row["status"] == story.expected, (name, row["reasons"])
        if story.rule is None:
            assert row["reasons"] == [], (name, row["reasons"])
        else:
            # the intended reason is there at the ECT's level, and nothing worse
            assert {"rule": story.rule, "level": story.expected} in [
                {"rule": r["rule"], "level": r["level"]} for r in row["reasons"]], (name, row["reasons"])
        if story.expected == "green":
            # coaching kept up as reporting's own cadence counts it: every session owed held,
            # or excused because the ECT was away
            assert row["sessions_expected"] == row["sessions_held"] + row["sessions_missed"], name
    assert {row["status"] for row in rows.values()} == {"green", "amber", "red"}


def test_the_transfer_is_two_periods_with_two_abs(platform: Any, demo: Loaded, rows: dict) -> None:  # type: ignore[type-arg]
    priya = rows["Priya Sharma"]
    assert (priya["appropriate_body_id"], priya["school_name"]) == (
        LAKESIDE, "St Hilda's Church of England High School")
    with httpx.Client(timeout=10) as http:
        record = http.get(platform.url("scheduling") + f"/ects/{priya['ect_id']}", headers=LEAD).json()
        periods = [p for ab in (PENNINE, LAKESIDE) for p in http.get(
            platform.url("reporting") + "/periods", headers=LEAD,
            params={"ab": ab, "limit": 500}).json()["items"] if p["ect_id"] == priya["ect_id"]]
    dates = Dates(TODAY)
    assert [(p["appropriate_body_id"], p["end"]) for p in record["periods"]] == [
        (PENNINE, dates.first_period_end(BY_NAME["Priya Sharma"]).isoformat()),  # type: ignore[union-attr]
        (LAKESIDE, None)]
    by_ab = {p["appropriate_body_id"]: p for p in periods}
    assert by_ab[PENNINE]["end_reason"] == "released" and by_ab[PENNINE]["terms_served"] == 3.0
    assert by_ab[LAKESIDE]["ended_on"] is None
    # each post on its own school (scheduling's clock breakdown: the AB's 3.0 terms recorded)
    assert [(p["appropriate_body_id"], p["school_id"], p["terms"], p["recorded"])
            for p in record["breakdown"]["periods"]] == [
        (PENNINE, "144617", 3.0, True), (LAKESIDE, "121093", record["breakdown"]["periods"][1]["terms"],
                                         False)]


def test_the_absence_past_30_days_is_recorded(platform: Any, rows: dict) -> None:  # type: ignore[type-arg]
    mohammed = rows["Mohammed Rahman"]
    with httpx.Client(timeout=10) as http:
        record = http.get(platform.url("scheduling") + f"/ects/{mohammed['ect_id']}", headers=LEAD).json()
    assert [(a["days"], a["reason"], a["counts"]) for a in record["absences"]] == [(32, "sickness", True)]
    assert record["absence_days_counted_this_year"] == 32
    assert record["absence_extension_days"] == 32  # the 30-day threshold extends year 1 (3.6)
    assert any(r["rule"] == "absence" and r["level"] == "red" for r in mohammed["reasons"])


def test_reviews_and_assessments_are_on_time_late_and_missing(platform: Any, rows: dict) -> None:  # type: ignore[type-arg]
    states: dict[str, set[str]] = {}
    with httpx.Client(timeout=10) as http:
        for ab in (PENNINE, LAKESIDE):
            for item in http.get(platform.url("reporting") + "/submissions", headers=LEAD,
                                 params={"ab": ab, "limit": 500}).json()["items"]:
                if item["name"] in rows:
                    states.setdefault(item["name"], set()).add(item["state"])
    assert "on_time" in states["Amelia Clarke"] and states["Amelia Clarke"] <= {"on_time", "due"}
    assert "late" in states["Oliver Bennett"]
    assert "missing" in states["Sophie Turner"]


@YOUNG_YEAR
def test_the_dashboard_overview_names_people_schools_and_abs_never_ids(platform: Any, demo: Loaded,
                                                                        rows: dict) -> None:  # type: ignore[type-arg]
    seen = set()
    for school in HUB.schools:  # a school a page: other tests' ECTs may share the platform
        with httpx.Client(timeout=10) as http:
            page = http.get(platform.url("reporting") + "/dashboard",
                            headers={**LEAD, "Accept": "text/html"}, params={"school": school.urn})
        assert page.status_code == 200
        text = html.unescape(re.sub(r"<[^>]+>", " ", page.text))  # what a person reads, not links
        assert school.name in text
        for row in (r for r in rows.values() if r["school_id"] == school.urn):
            assert row["name"] in text and row["mentor_name"] in text
            assert row["appropriate_body_name"] in text
            assert row["ect_id"] not in text and str(row["mentor_id"]) not in text
            seen.add(row["name"])
        # each school shows every colour on a badge, as a word (not only the filter's choices)
        badges = set(re.findall(r'<span class="status status-\w+">(\w+)</span>', page.text))
        assert badges == {"Green", "Amber", "Red"}, school.name
    assert seen == set(BY_NAME)
    assert {r["appropriate_body_name"] for r in rows.values()} == {
        "Pennine Teaching School Hub", "Lakeside Appropriate Body Service"}


def test_what_the_demo_prints_names_people_and_how_to_sign_in(demo: Loaded) -> None:
    said = describe(demo)
    assert "16 ECTs" in said and "7 ECTs" in said and "9 ECTs" in said
    assert "Sophie Turner" in said and "Riverside Primary School" in said
    assert not any(ect_id in said for ect_id in demo.ects.values())
    assert "ect token --role hub_lead --user lead-1" in said


def test_loading_it_again_records_nothing(platform: Any, demo: Loaded) -> None:
    again = asyncio.run(load(platform, ISSUER, TODAY))
    assert again.already_present and again.sessions == 0
