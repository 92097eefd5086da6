"""School terms: what "a term" means when induction is counted in terms.

Induction is the full-time equivalent of six school terms (statutory guidance 2.30), counted
against the school's own term dates; coaching runs weekly in year 1 and fortnightly in year 2,
in teaching weeks only. A school that has not given its dates gets ``england_default``: a
simple, documented approximation of English council term dates, not any one council's.

Dates are inclusive throughout. Everything here is pure: no clock, no I/O.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType

from statutory.errors import StatutoryRuleError

ONE_DAY = timedelta(days=1)
MONDAY, FRIDAY = 0, 4


class InvalidCalendarError(StatutoryRuleError):
    """Term dates that contradict themselves (a term ending before it starts, overlaps, ...)."""


class TermName(StrEnum):
    AUTUMN = "autumn"
    SPRING = "spring"
    SUMMER = "summer"


@dataclass(frozen=True)
class Term:
    """One school term, ``start`` to ``end`` inclusive, with its half-term holiday if any.

    The half-term is inside the term: the ECT is employed through it, so it counts towards
    induction served (2.30), but nobody is coached in it (see ``SchoolCalendar.teaching_weeks``).
    """

    name: TermName
    start: date
    end: date
    half_term: tuple[date, date] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", TermName(self.name))
        if self.start > self.end:
            raise InvalidCalendarError(
                f"the {self.name} term ends on {self.end}, before it starts on {self.start}"
            )
        if self.half_term is not None:
            first, last = self.half_term
            if first > last:
                raise InvalidCalendarError(
                    f"the {self.name} half-term ends on {last}, before it starts on {first}"
                )
            if first < self.start or last > self.end:
                raise InvalidCalendarError(
                    f"the {self.name} half-term {first}..{last} is not inside "
                    f"the term {self.start}..{self.end}"
                )

    @property
    def label(self) -> str:
        """``2025-autumn``, ``2026-spring``: the term by the calendar year it falls in."""
        return f"{self.start.year}-{self.name.value}"

    @property
    def days(self) -> int:
        """Calendar days in the term, weekends and half-term included: the unit of "a term" served."""
        return (self.end - self.start).days + 1

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def in_half_term(self, day: date) -> bool:
        return self.half_term is not None and self.half_term[0] <= day <= self.half_term[1]

    def is_teaching_day(self, day: date) -> bool:
        """A weekday in the term and outside its half-term."""
        return self.contains(day) and day.weekday() < 5 and not self.in_half_term(day)


@dataclass(frozen=True)
class AcademicYear:
    """The three terms of the school year that starts in September of ``start_year``."""

    start_year: int
    autumn: Term
    spring: Term
    summer: Term

    def __post_init__(self) -> None:
        label = f"{self.start_year}/{(self.start_year + 1) % 100:02d}"
        for expected, term in zip(TermName, self.terms, strict=True):
            if term.name != expected:
                raise InvalidCalendarError(f"{label}: the {expected} slot holds the {term.name} term")
        if self.autumn.end >= self.spring.start or self.spring.end >= self.summer.start:
            raise InvalidCalendarError(f"{label}: terms overlap or are out of order")
        first, last = date(self.start_year, 9, 1), date(self.start_year + 1, 8, 31)
        if self.autumn.start < first or self.summer.end > last:
            raise InvalidCalendarError(f"{label}: terms must lie between {first} and {last}")

    @property
    def terms(self) -> tuple[Term, Term, Term]:
        return (self.autumn, self.spring, self.summer)


def easter_sunday(year: int) -> date:
    """Easter Sunday (Gregorian): the anonymous algorithm (Meeus/Jones/Butcher).

    Written out because python-dateutil is not a dependency of the project.
    """
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _on_or_before(day: date, weekday: int) -> date:
    return day - timedelta(days=(day.weekday() - weekday) % 7)


def _first_weekday_on_or_after(day: date) -> date:
    return day if day.weekday() < 5 else _on_or_after(day, MONDAY)


def _week_from(monday: date) -> tuple[date, date]:
    """A Monday-to-Friday half-term."""
    return (monday, monday + timedelta(days=4))


@lru_cache(maxsize=64)
def england_default(start_year: int) -> AcademicYear:
    """A sensible default for the academic year starting in September ``start_year`` in England.

    - Autumn: from the first weekday on or after 1 September to the last Friday on or before
      20 December; half-term Monday to Friday of the last full (Mon-Fri) week in October.
    - Spring: from the first Monday on or after 4 January to the Thursday before Good Friday;
      half-term Monday to Friday of the week containing the third Monday of February.
    - Summer: from the second Monday after Easter Monday (Easter Monday + 14 days), so the
      Easter holiday is Good Friday plus two full weeks, to the last Friday on or before
      22 July; half-term Monday to Friday of the week of the last Monday of May (the spring
      bank holiday).

    Councils differ by a few days (INSET days, a May Day week, a late July finish); a school
    whose dates matter gives its own to ``SchoolCalendar``.
    """
    year, next_year = start_year, start_year + 1
    last_oct_monday = _on_or_before(date(year, 10, 27), MONDAY)  # its Friday is on or before 31 Oct
    autumn = Term(
        TermName.AUTUMN,
        start=_first_weekday_on_or_after(date(year, 9, 1)),
        end=_on_or_before(date(year, 12, 20), FRIDAY),
        half_term=_week_from(last_oct_monday),
    )
    good_friday = easter_sunday(next_year) - timedelta(days=2)
    easter_monday = good_friday + timedelta(days=3)
    third_feb_monday = _on_or_after(date(next_year, 2, 1), MONDAY) + timedelta(weeks=2)
    spring = Term(
        TermName.SPRING,
        start=_on_or_after(date(next_year, 1, 4), MONDAY),
        end=good_friday - ONE_DAY,
        half_term=_week_from(third_feb_monday),
    )
    summer = Term(
        TermName.SUMMER,
        start=easter_monday + timedelta(weeks=2),
        end=_on_or_before(date(next_year, 7, 22), FRIDAY),
        half_term=_week_from(_on_or_before(date(next_year, 5, 31), MONDAY)),
    )
    return AcademicYear(start_year, autumn, spring, summer)


def academic_year_of(day: date) -> int:
    """The ``start_year`` of the September-to-August school year ``day`` falls in."""
    return day.year if day.month >= 9 else day.year - 1


class SchoolCalendar:
    """A school's term dates: its own where it gave them, ``england_default`` for other years.

    Immutable; ``with_year`` returns a new calendar.
    """

    __slots__ = ("_hash", "_own")
    _own: Mapping[int, AcademicYear]
    _hash: int

    def __init__(self, own_years: Mapping[int, AcademicYear] | None = None) -> None:
        own = dict(own_years or {})
        for start_year, academic_year in own.items():
            if academic_year.start_year != start_year:
                raise InvalidCalendarError(
                    f"the dates given for {start_year} are for the year starting {academic_year.start_year}"
                )
        object.__setattr__(self, "_own", MappingProxyType(own))
        # kept: calendars are keys of the kernel's memoised computations, hashed on every call
        object.__setattr__(self, "_hash", hash(frozenset(own.items())))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("SchoolCalendar is immutable; use with_year()")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SchoolCalendar) and dict(self._own) == dict(other._own)

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        return f"SchoolCalendar(own_years={sorted(self._own)})"

    @property
    def own_years(self) -> Mapping[int, AcademicYear]:
        return self._own

    def with_year(self, year: AcademicYear) -> SchoolCalendar:
        """A calendar with the school's own dates for ``year`` (replacing any it had)."""
        return SchoolCalendar({**self._own, year.start_year: year})

    def year(self, start_year: int) -> AcademicYear:
        return self._own.get(start_year) or england_default(start_year)

    def academic_year_of(self, day: date) -> int:
        return academic_year_of(day)

    def term_at(self, day: date) -> Term | None:
        """The term ``day`` falls in (half-terms included), or None in the holidays between terms."""
        return next((t for t in self.year(academic_year_of(day)).terms if t.contains(day)), None)

    def terms_between(self, start: date, end: date) -> list[Term]:
        """The terms overlapping ``start``..``end`` (inclusive), in order; empty if start > end."""
        if start > end:
            return []
        return [
            term
            for start_year in range(academic_year_of(start), academic_year_of(end) + 1)
            for term in self.year(start_year).terms
            if term.start <= end and term.end >= start
        ]

    def teaching_weeks(self, start: date, end: date) -> list[date]:
        """The Monday of each week with a teaching day (``Term.is_teaching_day``) within start..end.

        Coaching cadence (weekly in year 1, fortnightly in year 2) counts these weeks, so a
        week made only of half-term or holiday days is skipped. The Monday may fall before
        ``start`` when the range begins mid-week.
        """
        return [monday for monday, _ in self.teaching_week_starts(start, end)]

    def teaching_week_starts(self, start: date, end: date) -> list[tuple[date, date]]:
        """``teaching_weeks`` with, for each week, its first teaching day on or after ``start``:
        the day from which that week counts (a cadence asks "which weeks had begun by day X")."""
        weeks: list[tuple[date, date]] = []
        for term in self.terms_between(start, end):
            first, last = max(start, term.start), min(end, term.end)
            week_starts, week_days = _teaching_week_index(term)
            # whole weeks inside first..last need no day check; only the two edge weeks might
            # have their teaching days outside the range
            at = bisect_left(week_starts, first - timedelta(days=first.weekday()))
            for monday, days in zip(week_starts[at:], week_days[at:], strict=True):
                if monday > last:
                    break
                if weeks and weeks[-1][0] == monday:
                    continue
                if first <= days[0] and days[-1] <= last:  # the whole week is inside
                    weeks.append((monday, days[0]))
                    continue
                inside = next((d for d in days if first <= d <= last), None)
                if inside is not None:
                    weeks.append((monday, inside))
        return weeks


@lru_cache(maxsize=1024)
def _teaching_week_index(term: Term) -> tuple[tuple[date, ...], tuple[tuple[date, ...], ...]]:
    """The Mondays of ``term``'s weeks that hold a teaching day, and those days, week by week.

    Worked out once per term (terms are immutable and few): a projection asks for the teaching
    weeks of the same terms for every ECT at every recompute, and walking the days each time
    was the largest cost of ingest.
    """
    by_week: dict[date, list[date]] = {}
    day = term.start
    while day <= term.end:
        if term.is_teaching_day(day):
            by_week.setdefault(day - timedelta(days=day.weekday()), []).append(day)
        day += ONE_DAY
    return tuple(by_week), tuple(tuple(days) for days in by_week.values())
