"""Where an ECT stands in their induction on a date: calendar terms, served, required, extensions.

Shared by the entitlement and submissions rules so both count terms the same way. Terms are
numbered on the calendar of the ECT's current school (a transfer keeps the count: the terms
already served are served); the figures stop at the leaving date, a release, or the outcome.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from reporting.domain.history import EctHistory
from statutory.calendar import SchoolCalendar, Term
from statutory.reports_due import (
    FORMAL_ASSESSMENT,
    assessment_points,
    extension_days_as_terms,
    reports_due,
)
from statutory.terms_served import (
    induction_year_at,
    terms_remaining,
    terms_required,
    terms_served,
)
from statutory.working_days import add_working_days

HORIZON = timedelta(days=366 * 12)  # long enough for six terms at the lowest FTE, and extensions


def term_label(term: Term) -> str:
    """``2025-autumn``, ``2026-spring``: the school term by the calendar year it falls in."""
    return f"{term.start.year}-{term.name.value}"


@dataclass(frozen=True)
class InductionClock:
    history: EctHistory
    calendar: SchoolCalendar
    today: date
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def start(self) -> date:
        assert self.history.induction_start_date is not None
        return self.history.induction_start_date

    @property
    def end(self) -> date | None:
        """The leaving or release date, which stops time served."""
        return self.history.end

    @property
    def as_of(self) -> date:
        """The last day the figures describe: today, or the end of the induction if earlier."""
        last = self.today
        if self.end is not None:
            last = min(last, self.end)
        if self.history.outcome is not None:
            last = min(last, self.history.outcome.decided_on)
        return last

    @property
    def started(self) -> bool:
        return self.as_of >= self.start

    def terms(self) -> list[Term]:
        """The school terms of the induction so far (the current one included), in order."""
        return self.calendar.terms_between(self.start, self.as_of)

    def term_number_at(self, day: date) -> int:
        """The induction term ``day`` falls in (a holiday belongs to the term before it)."""
        return len(self.calendar.terms_between(self.start, day))

    def served(self) -> Decimal:
        return terms_served(self.calendar, self.start, self.as_of, self.history.fte_history,
                            end=self.end)

    def year(self) -> int:
        return induction_year_at(self.calendar, self.start, self.as_of, self.history.fte_history)

    def year_at(self, day: date) -> int:
        return induction_year_at(self.calendar, self.start, day, self.history.fte_history)

    def year_extension_terms(self) -> dict[int, Decimal]:
        """Years lengthened by 30+ days' absence (3.6) or statutory leave chosen to extend by (3.7)."""
        days: dict[int, float] = dict(self.history.absence_extension_days)
        leave = sorted((a.first_day, a.induction_year)
                       for a in self.history.absences.values() if not a.counts)
        for requested_on, extra in self.history.statutory_leave_extension:
            # the leave's own year is the one lengthened, so the report it kept from being
            # written moves; without a recorded leave, the year of the request
            years = [year for first_day, year in leave if first_day <= requested_on]
            year = years[-1] if years else self.year_at(requested_on)
            days[year] = days.get(year, 0.0) + extra
        return {year: extension_days_as_terms(value) for year, value in sorted(days.items())}

    def required(self) -> Decimal:
        by_year = sum(self.year_extension_terms().values(), Decimal(0))
        return terms_required(extension_terms=self.history.ab_extension_terms + by_year)

    def remaining(self) -> Decimal:
        return terms_remaining(self.served(), self.required())

    def final_assessment_term(self) -> int | None:
        """The induction term of the final formal assessment (the one that recommends), if the
        induction as now known reaches it (not when the ECT left or was released before)."""
        extension, by_year = self.history.ab_extension_terms, self.year_extension_terms()
        due = reports_due(self.calendar, self.start, self.history.fte_history,
                          until=self.start + HORIZON, end=self.end, extension_terms=extension,
                          year_extension_terms=by_year)
        assessments = [d for d in due if d.kind == FORMAL_ASSESSMENT]
        points = assessment_points(extension_terms=extension, year_extension_terms=by_year)
        return assessments[-1].term_number if len(assessments) == len(points) else None


def day_before(day: date) -> date:
    return day - timedelta(days=1)


def absent_on(history: EctHistory, day: date) -> bool:
    """Whether ``day`` falls in a recorded absence: its first day and the working days after,
    as many as it lasts (a half day counts as a day here)."""
    for absence in history.absences.values():
        last = add_working_days(absence.first_day, max(math.ceil(absence.days) - 1, 0))
        if absence.first_day <= day <= last:
            return True
    return False
