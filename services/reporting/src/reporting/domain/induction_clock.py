"""Where an ECT stands in their induction on a date, as the one induction clock computes it.

Reporting keeps none of the statutory timeline's rules: ``statutory.timeline`` turns the
ECT's facts (posts on each school's calendar, working pattern, absences, extensions,
reductions, outcome) into terms served, terms required, the years, every report due and the
coaching owed, exactly as scheduling and notifications get them. This wraps it for the
entitlement and submissions rules: which day the figures describe, and the ECT's history.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property

from reporting.domain.history import EctHistory
from statutory.calendar import SchoolCalendar
from statutory.timeline import InductionTerm, ReportDue, Timeline, induction_timeline


@dataclass(frozen=True)
class InductionClock:
    history: EctHistory
    calendars: Mapping[str, SchoolCalendar]  # every school the ECT was in post at
    today: date

    @property
    def calendar(self) -> SchoolCalendar:
        """The current school's calendar (teaching weeks since the last session are theirs)."""
        return self.calendar_for(self.history.school_id or "")

    def calendar_for(self, school_id: str) -> SchoolCalendar:
        return self.calendars.get(school_id) or SchoolCalendar()

    @cached_property
    def timeline(self) -> Timeline:
        return induction_timeline(self.history.induction_facts(self.calendar_for), self.today)

    @property
    def start(self) -> date:
        assert self.history.induction_start_date is not None
        return self.history.induction_start_date

    @property
    def as_of(self) -> date:
        """The last day the figures describe: today, or, if earlier, the last day in post or the
        outcome (the clock's ``last_day``)."""
        return self.timeline.last_day

    @property
    def started(self) -> bool:
        return self.as_of >= self.start

    def terms(self) -> list[InductionTerm]:
        """The induction terms so far (the current one included), in order; gaps have none."""
        return self.timeline.terms_to_date()

    def term_number_at(self, day: date) -> int:
        return self.timeline.term_number_at(day)

    def served(self) -> Decimal:
        return self.timeline.terms_served

    def year(self) -> int:
        return self.timeline.induction_year

    def required(self) -> Decimal:
        return self.timeline.terms_required

    def remaining(self) -> Decimal:
        return self.timeline.terms_remaining

    def reports_due(self) -> list[ReportDue]:
        """Reports of the terms begun by the figures' day (and any due by then)."""
        return self.timeline.reports_until(self.as_of)

    def final_assessment(self) -> ReportDue | None:
        return self.timeline.final_assessment

    def final_assessment_term(self) -> int | None:
        """The induction term of the final formal assessment (the one that recommends), if the
        induction as now known reaches it (not when the ECT left or was released before)."""
        final = self.timeline.final_assessment
        return final.term_number if final is not None else None

    def sessions_expected(self, last: date) -> int:
        return self.timeline.sessions_expected(last)
