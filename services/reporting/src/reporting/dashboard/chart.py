"""Sessions held against the cadence, week by week, drawn as inline SVG on the server.

``weekly`` walks the calendar weeks of the induction so far and asks the induction clock what
is owed by the end of each (weekly in year 1, fortnightly from the clock's year-two start,
holidays and weeks between posts owing nothing), so the last week's running total equals the
projection's ``sessions_expected``. ``draw`` turns the weeks into coordinates; the template
only prints them. The same weeks are shown as a table for anyone who cannot see the chart.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from reporting.domain.entitlement_figures import EXCUSED
from reporting.domain.induction_clock import InductionClock

WEEK = timedelta(days=7)


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Week:
    monday: date
    teaching: bool
    held: int  # sessions held that week
    excused: int  # sessions missed that week because the ECT was absent (no gap in provision)
    held_to_date: int
    expected_to_date: int


def weekly(clock: InductionClock) -> list[Week]:
    if not clock.started:
        return []
    history, start, last = clock.history, clock.start, clock.as_of
    first = monday(start)
    teaching = set(clock.calendar.teaching_weeks(start, last))
    held = Counter(max(monday(s.held_on), first) for s in history.sessions.values() if s.held_on <= last)
    excused = Counter(max(monday(m.due_on), first) for m in history.missed.values()
                      if m.reason == EXCUSED and m.due_on <= last)
    weeks: list[Week] = []
    held_so_far, week = 0, first
    while week <= last:
        held_so_far += held[week]
        # what the clock says is owed by the end of the week (its cadence, its years, its posts)
        owed = clock.sessions_expected(min(week + WEEK - timedelta(days=1), last))
        weeks.append(Week(week, week in teaching, held[week], excused[week], held_so_far, owed))
        week += WEEK
    return weeks


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    top: int
    right: int
    bottom: int
    expected_points: str
    held_points: str
    holidays: list[tuple[float, float]]  # x and width of each week without teaching
    y_ticks: list[tuple[float, int]]
    x_ticks: list[tuple[float, str]]
    summary: str


def _y_ticks(top_value: int) -> list[int]:
    step = max(1, math.ceil(top_value / 4))
    return list(range(0, top_value + step, step))


def draw(weeks: list[Week], width: int = 760, height: int = 240) -> Chart | None:
    if not weeks:
        return None
    left, top, right, bottom = 36, 12, width - 10, height - 28
    step = (right - left) / len(weeks)
    ticks = _y_ticks(max(max(w.expected_to_date for w in weeks), max(w.held_to_date for w in weeks), 1))
    scale = (bottom - top) / ticks[-1]

    def y(value: int) -> float:
        return round(bottom - value * scale, 1)

    def steps(values: list[int]) -> str:
        # a step line: each week's running total holds across the whole week
        return " ".join(f"{round(left + i * step, 1)},{y(v)} {round(left + (i + 1) * step, 1)},{y(v)}"
                        for i, v in enumerate(values))

    x_ticks, month = [], None
    for i, w in enumerate(weeks):
        if (w.monday.year, w.monday.month) != month:
            month = (w.monday.year, w.monday.month)
            label = f"{w.monday:%b}" if w.monday.month != 1 and i else f"{w.monday:%b %Y}"
            x_ticks.append((round(left + i * step, 1), label))
    # keep month labels apart on a long induction: roughly one per 40 units of width
    every = max(1, math.ceil(len(x_ticks) * 40 / (right - left)))
    last = weeks[-1]
    return Chart(
        width, height, left, top, right, bottom,
        expected_points=steps([w.expected_to_date for w in weeks]),
        held_points=steps([w.held_to_date for w in weeks]),
        holidays=[(round(left + i * step, 1), round(step, 1)) for i, w in enumerate(weeks) if not w.teaching],
        y_ticks=[(y(v), v) for v in ticks],
        x_ticks=x_ticks[::every],
        summary=f"By the week of {last.monday.day} {last.monday:%B %Y}: {last.held_to_date} coaching "
                f"sessions held, {last.expected_to_date} expected by the cadence, over {len(weeks)} weeks "
                f"({sum(1 for w in weeks if w.teaching)} teaching weeks).",
    )
