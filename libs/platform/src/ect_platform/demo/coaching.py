"""The coaching history the demo records for one induction period: a session in every
teaching week the cadence owes one, as ``statutory.cadence`` counts them, except where the
ECT's story says otherwise (the ECT absent, the mentor away, coaching stopped).

Pure: the cadence and the calendar are the kernel's; this only picks the days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ect_platform.demo.hub import CALENDAR, Story, is_teaching_day
from statutory.absence import AbsenceFact, AbsenceReason
from statutory.cadence import CoachingSchedule

HELD, ECT_ABSENT, MENTOR_ABSENT = "held", "ect_absent", "mentor_absent"
FIRST_MISSED_BY_MENTOR = 4  # the mentor's time away falls in the period's fourth owed week


@dataclass(frozen=True)
class Coaching:
    day: date
    kind: str  # held, ect_absent (excused), mentor_absent (a gap in provision)


def absence_first_day(start: date, today: date) -> date:
    """Sickness from the period's third teaching week (or its latest week begun by today)."""
    weeks = CALENDAR.teaching_week_starts(start, today)
    return weeks[min(2, len(weeks) - 1)][1] if weeks else start


def absence(story: Story, start: date, today: date) -> AbsenceFact | None:
    if not story.absence_days:
        return None
    return AbsenceFact(absence_first_day(start, today), story.absence_days, AbsenceReason.SICKNESS)


def plan(story: Story, posts: list[tuple[date, date | None]], year_two: date | None,
         period: tuple[date, date], today: date, away: AbsenceFact | None = None) -> list[Coaching]:
    """The sessions owed from ``period``'s first day to its last (at most today), each held,
    missed or left out as the story has it; a week the ECT is ``away`` is missed, excused.
    ``posts``: every induction post so far (first and last day, None while open), as the
    cadence counts weeks across them."""
    first, last = period[0], min(period[1], today)
    schedule = CoachingSchedule([(CALENDAR, start, end) for start, end in posts], year_two)
    owed = schedule.expected(last)
    days = [schedule.week_owing(n, search_until=last) for n in range(1, owed + 1)]
    weeks = [d for d in days if d is not None and first <= d <= last]
    stopped = len(weeks) - story.stopped_weeks
    found: list[Coaching] = []
    for index, week_day in enumerate(weeks):
        if index >= stopped:
            break  # nothing at all recorded: the sessions simply did not happen
        if away is not None and away.covers(week_day):
            found.append(Coaching(week_day, ECT_ABSENT))
        elif FIRST_MISSED_BY_MENTOR - 1 <= index < FIRST_MISSED_BY_MENTOR - 1 + story.mentor_absent_weeks:
            found.append(Coaching(week_day, MENTOR_ABSENT))
        else:
            found.append(Coaching(_midweek(week_day, index, last), HELD))
    return found


def drop_in_days(first: date, last: date) -> list[date]:
    """One drop-in observation a term: the first teaching day from the middle of each term
    of the period that has reached its middle by ``last``."""
    days = []
    for term in CALENDAR.terms_between(first, last):
        middle = max(term.start + (term.end - term.start) / 2, first)
        day = next((d for d in _days(middle, term.end) if term.is_teaching_day(d)), None)
        if day is not None and day <= last:
            days.append(day)
    return days


def _midweek(week_day: date, index: int, last: date) -> date:
    """A session later in the week than its first teaching day, where that is still a
    teaching day of the same week and not after ``last``: coaching is not always on Mondays."""
    later = week_day + timedelta(days=index % 3)
    same_week = later.isocalendar()[:2] == week_day.isocalendar()[:2]
    if same_week and later <= last and is_teaching_day(later):
        return later
    return week_day


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
