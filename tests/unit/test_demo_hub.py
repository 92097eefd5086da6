"""The demo hub's pure parts: its dates from the school calendar, the induction files it
uploads, the coaching and reports it records, and what it prints. The load itself, against
the running services, is ``tests/e2e/test_demo_hub.py``."""

from __future__ import annotations

import csv
import io
import itertools
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from ect_platform.demo import Loaded, coaching, cohort_file, describe, reports
from ect_platform.demo.hub import (
    CALENDAR,
    HUB,
    LAKESIDE,
    PENNINE,
    Dates,
    Story,
    is_teaching_day,
    school_year,
)
from statutory.cadence import CadenceSchedule, CoachingSchedule
from statutory.induction_facts import InductionFacts
from statutory.service import ServicePeriod
from statutory.terms_served import FteChange
from statutory.timeline import induction_timeline

README = Path(__file__).resolve().parents[2] / "README.md"
TODAY = date(2026, 12, 3)
GREEN = Story("green", None, "on time")


@pytest.mark.parametrize(("today", "year"), [
    (date(2026, 12, 3), 2026),  # the autumn term
    (date(2027, 3, 1), 2026),  # spring: still the school year that began in September 2026
    (date(2026, 8, 20), 2025),  # the summer holiday belongs to the year just ended
    (date(2029, 9, 1), 2028),  # a Saturday: the autumn term begins on Monday 3 September
    (date(2029, 9, 3), 2029),
])
def test_the_school_year_is_the_one_whose_autumn_term_has_begun(today: date, year: int) -> None:
    assert school_year(today) == year


def test_the_cohorts_start_in_september_of_this_and_the_previous_school_year() -> None:
    dates = Dates(TODAY)
    assert dates.cohort_start(1) == CALENDAR.year(2026).autumn.start == date(2026, 9, 1)
    assert dates.cohort_start(2) == CALENDAR.year(2025).autumn.start == date(2025, 9, 1)
    priya = next(e for e in HUB.ects if e.transfer is not None)
    assert dates.periods(priya) == [(date(2025, 9, 1), CALENDAR.year(2025).summer.end),
                                    (date(2026, 9, 1), None)]
    assert Dates(date(2030, 2, 1)).cohort_start(2) == CALENDAR.year(2028).autumn.start


def test_the_hub_is_a_sensible_size_and_every_pairing_keeps_the_mentor_policy() -> None:
    assert 12 <= len(HUB.ects) <= 20 and 2 <= len(HUB.schools) <= 3
    assert len(HUB.appropriate_bodies) == 2
    assert (len(HUB.cohort(2)), len(HUB.cohort(1))) == (7, 9)
    assert len({e.trn for e in HUB.ects} | {m.trn for m in HUB.mentors}) == len(HUB.ects) + len(HUB.mentors)
    assert len({e.name for e in HUB.ects}) == len(HUB.ects)
    assert any(e.fte < 1 for e in HUB.cohort(1)) and any(e.fte < 1 for e in HUB.cohort(2))
    for ect in HUB.ects:
        pairs = [(ect.school, ect.mentor)]
        if ect.transfer is not None:
            pairs.append((ect.transfer.to_school, ect.transfer.to_mentor))
        for school, mentor_trn in pairs:
            mentor = HUB.mentor(mentor_trn)
            assert mentor.school == school, ect.name
            assert mentor.years_teaching >= 3, ect.name  # the hub's default policy
            if HUB.school(school).phase == "secondary":
                assert mentor.subject == ect.subject, ect.name
    for colour in ("green", "amber", "red"):
        assert any(e.story.expected == colour for e in HUB.ects)
    assert all((e.story.rule is None) == (e.story.expected == "green") for e in HUB.ects)


def test_the_files_have_the_readme_columns_and_the_hubs_periods() -> None:
    documented = next(line for line in README.read_text().splitlines() if line.startswith("TRN,Name,"))
    assert ",".join(cohort_file.COLUMNS) == documented
    dates = Dates(TODAY)
    first = list(csv.DictReader(io.StringIO(cohort_file.as_csv(cohort_file.first_file_rows(HUB, dates)))))
    assert len(first) == 16
    assert all(row["Induction period end date"] == row["Number of terms"] == row["Outcome"] == ""
               for row in first)  # every first period is uploaded open, to load its history
    amelia = next(row for row in first if row["Name"] == "Amelia Clarke")
    assert amelia == {
        "TRN": "4100001", "Name": "Amelia Clarke", "Date of birth": "2000-03-14",
        "School URN": "138201", "School name": "Riverside Primary School", "Subject": "",
        "Phase": "primary", "QTS date": "2025-07-10", "Appropriate body": PENNINE,
        "Induction programme": "provider-led", "Registered on": "2025-08-27",
        "Induction period start date": "2025-09-01", "Induction period end date": "",
        "Number of terms": "", "FTE": "1", "Induction tutor": "tutor-riverside", "Outcome": ""}
    assert {row["FTE"] for row in first} == {"1", "0.8", "0.6", "0.5"}
    closed, opened = cohort_file.transfer_file_rows(HUB, dates)
    assert (closed["Appropriate body"], closed["School name"], closed["Induction period end date"],
            closed["Number of terms"]) == (PENNINE, "Castlebrook Academy", "2026-07-17", "3.0")
    assert (opened["Appropriate body"], opened["School URN"], opened["Induction period start date"],
            opened["Induction period end date"], opened["QTS date"]) == (
        LAKESIDE, "121093", "2026-09-01", "", closed["QTS date"])
    held = cohort_file.hub_file_rows(HUB, dates)
    assert len(held) == 17 and closed in held and opened in held


def test_a_kept_up_plan_holds_every_session_the_cadence_owes_one_a_teaching_week() -> None:
    start = date(2026, 9, 1)
    planned = coaching.plan(GREEN, [(start, None)], None, (start, TODAY), TODAY)
    owed = CadenceSchedule(CALENDAR, start, None).expected(TODAY)
    assert [c.kind for c in planned] == [coaching.HELD] * owed
    assert len(planned) == 13
    days = [c.day for c in planned]
    assert all(is_teaching_day(d) and start <= d <= TODAY for d in days)
    assert len({d.isocalendar()[:2] for d in days}) == len(days)  # one a week


def test_year_two_is_fortnightly_and_nothing_is_owed_between_posts() -> None:
    start, year_two = date(2025, 9, 1), date(2026, 9, 1)
    posts: list[tuple[date, date | None]] = [(start, date(2026, 7, 17)), (year_two, None)]
    first = coaching.plan(GREEN, posts[:1], None, (start, date(2026, 7, 17)), TODAY)
    second = coaching.plan(GREEN, posts, year_two, (year_two, TODAY), TODAY)
    assert len(first) == CadenceSchedule(CALENDAR, start, None).expected(date(2026, 7, 17)) == 39
    assert all(c.day <= date(2026, 7, 17) for c in first)
    # the cadence across both posts: fortnightly from year two's first week
    across = CoachingSchedule([(CALENDAR, a, b) for a, b in posts], year_two)
    assert len(second) == across.expected(TODAY) - across.expected(date(2026, 7, 17)) == 6
    assert second[0].day == date(2026, 9, 7)  # year two's second week: the first half-session owed
    assert all(b.day - a.day >= timedelta(days=12) for a, b in itertools.pairwise(second))


def test_the_story_decides_what_is_missed_and_what_never_happens() -> None:
    start = date(2026, 9, 1)
    posts: list[tuple[date, date | None]] = [(start, None)]
    away = coaching.plan(Story("amber", "coaching_shortfall", "", mentor_absent_weeks=2), posts, None,
                         (start, TODAY), TODAY)
    assert [c.kind for c in away].count(coaching.MENTOR_ABSENT) == 2 and len(away) == 13
    stopped = coaching.plan(Story("red", "coaching_shortfall", "", stopped_weeks=5), posts, None,
                            (start, TODAY), TODAY)
    assert len(stopped) == 8 and stopped[-1].day < TODAY - timedelta(weeks=5)
    sick = Story("red", "absence", "", absence_days=32)
    absent = coaching.absence(sick, start, TODAY)
    assert absent is not None and absent.first_day == date(2026, 9, 14) and absent.days == 32
    planned = coaching.plan(sick, posts, None, (start, TODAY), TODAY, absent)
    excused = [c.day for c in planned if c.kind == coaching.ECT_ABSENT]
    assert excused and all(absent.covers(d) for d in excused)
    assert all(not absent.covers(c.day) for c in planned if c.kind == coaching.HELD)
    # the absence is the loader's to pass (it is recorded in the current period only)
    unexcused = coaching.plan(sick, posts, None, (start, TODAY), TODAY)
    assert coaching.ECT_ABSENT not in {c.kind for c in unexcused}


def test_a_drop_in_each_term_that_has_reached_its_middle() -> None:
    days = coaching.drop_in_days(date(2025, 9, 1), TODAY)
    assert [CALENDAR.term_at(d).label for d in days] == [  # type: ignore[union-attr]
        "2025-autumn", "2026-spring", "2026-summer", "2026-autumn"]
    assert all(is_teaching_day(d) for d in days)
    assert coaching.drop_in_days(date(2026, 9, 1), date(2026, 9, 20)) == []


DUE = [
    {"kind": kind, "term_number": term, "held_on": held, "due_on": due, "final": False}
    for kind, term, held, due in (("progress_review", 1, "2025-12-19", "2025-12-19"),
                                  ("progress_review", 2, "2026-04-02", "2026-04-02"),
                                  ("formal_assessment", 3, "2026-07-17", "2026-07-31"),
                                  ("progress_review", 4, "2026-12-18", "2026-12-18"))
]

def test_reports_held_by_today_are_sent_on_their_due_date() -> None:
    assert len(reports.held_by(DUE, date(2025, 9, 1), TODAY)) == 3  # held by the period's last day
    due = reports.held_by(DUE, date(2025, 9, 1), date(2027, 1, 1))
    assert len(due) == 4
    sent = reports.sent(GREEN, due, TODAY)  # the fourth is not held until after today
    assert [(r.term_number, r.submitted_on, r.on_track) for r in sent] == [
        (1, date(2025, 12, 19), True), (2, date(2026, 4, 2), True), (3, date(2026, 7, 31), True)]
    later = reports.held_by(DUE, date(2026, 9, 1), date(2027, 1, 1))
    assert later == [{**DUE[3], "held_on": date(2026, 12, 18), "due_on": date(2026, 12, 18)}]


def test_one_late_one_missing_one_not_on_track() -> None:
    due = reports.held_by(DUE, date(2025, 9, 1), TODAY)
    late = reports.sent(Story("green", None, "", late_report=True), due, TODAY)
    assert late[1].submitted_on == date(2026, 4, 23) and late[0].submitted_on == date(2025, 12, 19)
    missing = reports.sent(Story("red", "report_overdue", "", missing_report=True), due, TODAY)
    assert [r.term_number for r in missing] == [1, 2]  # the latest more than 10 days overdue
    # a report only a few days overdue is not the one left out (that would be amber, not red):
    # on 5 August the formal assessment is 5 days overdue, so the term-2 review is left out
    assert [r.term_number for r in reports.sent(Story("red", "x", "", missing_report=True), due,
                                                date(2026, 8, 5))] == [1, 3]
    planned = reports.sent(Story("amber", "not_on_track", "", not_on_track="plan"), due, TODAY)
    assert [r.on_track for r in planned] == [True, True, False]
    assert planned[-1].support_plan_on == date(2026, 9, 1)  # a week later, the term's first day
    early = reports.sent(Story("amber", "not_on_track", "", not_on_track="plan"), due, date(2026, 8, 10))
    assert early[-1].support_plan_on == date(2026, 8, 10)  # never after today
    unplanned = reports.sent(Story("red", "not_on_track", "", not_on_track="no plan"), due, TODAY)
    assert unplanned[-1].support_plan_on is None and not unplanned[-1].on_track


def test_a_report_body_is_signed_by_name_and_a_final_one_recommends() -> None:
    school = HUB.schools[0]
    report = reports.Report("formal_assessment", 6, date(2027, 7, 20), True, True)
    body = reports.body(report, "Amelia Clarke", school)
    assert body["recommendation"] == "satisfactory"
    assert [s["name"] for s in body["sign_offs"]] == ["Sarah Whitfield", "Andrew Pike", "Amelia Clarke"]
    assert "recommendation" not in reports.body(reports.Report("progress_review", 1, TODAY, True, False),
                                                "Amelia Clarke", school)


def test_what_the_demo_prints_names_people_never_ids() -> None:
    ids = {e.trn: f"00000000-0000-0000-0000-{n:012d}" for n, e in enumerate(HUB.ects)}
    loaded = Loaded(ects=ids, cohorts={1: 9, 2: 7},
                    cohort_starts={1: date(2026, 9, 1), 2: date(2025, 9, 1)}, sessions=400,
                    statuses={e.trn: e.story.expected for e in HUB.ects}, seconds=5.04)
    said = describe(loaded)
    assert "demo hub loaded in 5.0 s" in said
    assert "year 2 (since 1 September 2025): 7 ECTs; year 1 (since 1 September 2026): 9 ECTs" in said
    assert "status: 8 green, 4 amber, 4 red" in said
    assert "red    Sophie Turner: the year-1 formal assessment never reached the AB" in said
    assert "Pennine Teaching School Hub (ab-pennine)" in said
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", said)
    assert "already present" in describe(Loaded(already_present=True))


def test_the_first_periods_terms_are_the_abs_own_figure() -> None:
    priya = next(e for e in HUB.ects if e.transfer is not None)
    assert priya.transfer is not None and priya.transfer.first_period_terms == Decimal("3.0")


def _facts(ect_periods: list[tuple[date, date | None]], fte: float, terms: Decimal | None) -> InductionFacts:
    periods = tuple(ServicePeriod(start, CALENDAR, end, recorded_terms=terms if end else None)
                    for start, end in ect_periods)
    return InductionFacts(periods=periods, fte_history=(FteChange(ect_periods[0][0], fte),))


@pytest.mark.parametrize("today", [date(2026, 9, 1) + timedelta(weeks=n) for n in range(0, 53, 3)])
def test_on_any_day_every_record_is_dated_in_its_period_and_never_in_the_future(today: date) -> None:
    """What the services refuse of a client (a start in the future, a record outside the open
    period or after today, a report before it is held) the demo never sends, whatever the day."""
    dates = Dates(today)
    for row in cohort_file.hub_file_rows(HUB, dates) + cohort_file.first_file_rows(HUB, dates):
        start = row["Induction period start date"]
        assert row["QTS date"] <= row["Registered on"] <= start <= today.isoformat()
        assert row["Induction period end date"] == "" or row["Induction period end date"] < today.isoformat()
    for ect in HUB.ects:
        periods = dates.periods(ect)
        terms = ect.transfer.first_period_terms if ect.transfer else None
        timeline = induction_timeline(_facts(periods, ect.fte, terms), today)
        for index, (first, end) in enumerate(periods):
            last = end or today
            away = coaching.absence(ect.story, first, today) if index == len(periods) - 1 else None
            assert away is None or first <= away.first_day <= today
            planned = coaching.plan(ect.story, periods[: index + 1], timeline.year_two_starts,
                                    (first, last), today, away)
            assert all(first <= c.day <= min(last, today) and is_teaching_day(c.day) for c in planned)
            assert all(first <= d <= min(last, today) for d in coaching.drop_in_days(first, last))
        due = [{"kind": r.kind, "term_number": r.term_number, "held_on": r.held_on.isoformat(),
                "due_on": r.due_on.isoformat(), "final": r.final} for r in timeline.reports]
        held = reports.held_by(due, periods[0][0], today)
        for report in reports.sent(ect.story, held, today):
            item = next(i for i in held if (i["kind"], i["term_number"]) == (report.kind, report.term_number))
            assert item["held_on"] <= report.submitted_on <= today
            assert ("recommendation" in reports.body(report, ect.name, HUB.schools[0])) == item["final"]
