"""The dashboard's pure parts: the weekly chart agrees with the cadence, the timeline reads in order."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from reporting.dashboard import chart, timeline
from reporting.dashboard.render import day, render
from reporting.domain.history import EctHistory, MissedFact, Period, ReportFact, SessionFact
from reporting.domain.induction_clock import InductionClock
from statutory.absence import AbsenceFact
from statutory.calendar import SchoolCalendar
from statutory.service import START as POST_START
from statutory.service import PostChange
from statutory.terms_served import FteChange

START = date(2025, 9, 3)  # a Wednesday: the first week is a part week
CALENDAR = SchoolCalendar()
CALENDARS = {"100001": CALENDAR}


def history(fte: float = 1.0, changes: tuple[FteChange, ...] = ()) -> EctHistory:
    h = EctHistory(uuid.uuid4(), trn="1234567", name="Ada Lovelace", school_id="100001",
                   appropriate_body_id="ab-1", induction_start_date=START,
                   fte_history=[FteChange(START, fte), *changes],
                   periods=[Period("ab-1", START, "provider_led")],
                   posts=[PostChange(POST_START, START, "ab-1", "100001")])
    return h


@pytest.mark.parametrize(("fte", "today"), [(1.0, date(2025, 9, 3)), (1.0, date(2025, 12, 19)),
                                            (1.0, date(2027, 3, 1)), (0.6, date(2028, 2, 1)),
                                            (0.5, date(2026, 1, 2))])
def test_the_running_total_is_the_cadence_week_by_week(fte, today):
    h = history(fte)
    clock = InductionClock(h, CALENDARS, today)
    weeks = chart.weekly(clock)
    assert weeks[0].monday == date(2025, 9, 1) and weeks[-1].monday <= today < weeks[-1].monday + timedelta(7)
    # one post, so the hub's cadence walked week by week here (one session a teaching week in
    # year one, one a fortnight from the clock's year-two start) must agree, not CadenceSchedule
    year_two = clock.timeline.year_two_starts

    def owed(as_of: date) -> int:
        walked = sum(1.0 if year_two is None or max(monday, START) < year_two else 0.5
                     for monday in CALENDAR.teaching_weeks(START, as_of))
        return int(walked + 1e-9)

    for week in weeks[::5] + weeks[-1:]:
        sunday = week.monday + timedelta(days=6)
        assert week.expected_to_date == owed(min(sunday, today))


def test_the_weeks_count_sessions_held_and_excused_and_mark_the_holidays():
    h = history()
    h.sessions = {uuid.uuid4(): SessionFact(date(2025, 9, 4), 60, None),
                  uuid.uuid4(): SessionFact(date(2025, 9, 9), 60, None),
                  uuid.uuid4(): SessionFact(date(2025, 9, 11), 45, None)}
    h.missed = {uuid.uuid4(): MissedFact(date(2025, 9, 17), "ect_absent"),
                uuid.uuid4(): MissedFact(date(2025, 9, 18), "mentor_absent")}
    weeks = chart.weekly(InductionClock(h, CALENDARS, date(2025, 11, 5)))
    assert [(w.held, w.excused, w.held_to_date) for w in weeks[:3]] == [(1, 0, 1), (2, 0, 3), (0, 1, 3)]
    holidays = [w.monday for w in weeks if not w.teaching]
    assert holidays == [date(2025, 10, 27)]  # England's autumn half-term
    drawn = chart.draw(weeks)
    assert drawn is not None and len(drawn.holidays) == 1
    assert drawn.summary.startswith("By the week of 3 November 2025: 3 coaching sessions held, 9 expected")
    assert drawn.held_points.count(",") == 2 * len(weeks)


def test_an_induction_not_started_draws_nothing():
    clock = InductionClock(history(), CALENDARS, START - timedelta(days=1))
    assert chart.weekly(clock) == [] and chart.draw([]) is None


def test_the_timeline_is_newest_first_and_says_what_needs_attention():
    h = history()
    h.sessions = {uuid.uuid4(): SessionFact(date(2025, 9, 10), 60, None)}
    h.missed = {uuid.uuid4(): MissedFact(date(2025, 9, 17), "mentor_absent")}
    h.drop_ins = {uuid.uuid4(): date(2025, 9, 12)}
    h.absences = {uuid.uuid4(): AbsenceFact(date(2025, 10, 1), 2, "sickness"),
                  uuid.uuid4(): AbsenceFact(date(2025, 11, 3), 10, "maternity")}
    h.reports = {uuid.uuid4(): ReportFact(uuid.uuid4(), "progress_review", 1, False, date(2025, 12, 18),
                                          fully_signed=False)}
    entries = timeline.entries(h)
    assert [e.on for e in entries] == sorted((e.on for e in entries), reverse=True)
    kinds = [e.kind for e in entries]
    assert kinds == ["Review", "Absence", "Absence", "Session missed", "Drop-in", "Session", "Induction"]
    assert entries[0].tone == "warning" and "not on track; not fully signed" in entries[0].what
    assert "statutory leave, not counted (3.7)" in entries[1].what
    assert "counts towards the 30 days" in entries[2].what
    assert entries[3].tone == "warning" and "the mentor was absent" in entries[3].what


def test_templates_escape_what_users_typed():
    html = render("_status.html") + render("error.html", status=403, title="<b>x</b>",
                                           detail="<script>alert(1)</script>", login=False, caller=None)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert day("2025-12-19") == "19 Dec 2025" and day(None) == "—"
