"""Every review and assessment an induction owes, in the order they are held (2.48-2.63).

See ``statutory.timeline`` for the rules; this places them on the dates the years and the
posts give.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from statutory.absence import AbsenceFact
from statutory.induction_facts import INTERIM_ASSESSMENT, AssessmentPoint, InductionTerm, ReportDue
from statutory.induction_years import InductionYears
from statutory.reports_due import ASSESSMENT_DEADLINE_WORKING_DAYS, FORMAL_ASSESSMENT, PROGRESS_REVIEW
from statutory.service import ONE_DAY, ServiceLedger, employment_terms, round_terms
from statutory.working_days import add_working_days, is_working_day


class ReportPlan:
    """Every review and assessment the plan owes, in the order they are held."""

    def __init__(self, ledger: ServiceLedger, terms: Sequence[InductionTerm], years: InductionYears,
                 points: Sequence[AssessmentPoint], absences: Sequence[AbsenceFact]) -> None:
        self.ledger, self.terms, self.years, self.absences = ledger, terms, years, absences
        self.points = [p for p in points if p.on is not None]
        self.final_on = points[-1].on if points else None

    def all(self) -> list[ReportDue]:
        assessments = [self._assessment(p) for p in self.points]
        interims = self._interims()
        reviews = self._reviews(interims)
        return sorted([*assessments, *interims, *reviews], key=lambda r: (r.held_on, r.kind))

    def _term_of(self, day: date) -> InductionTerm:
        number = max(sum(1 for t in self.terms if t.start <= day), 1)
        return self.terms[number - 1]

    def _report(self, kind: str, held_on: date, term: InductionTerm, **extra: Any) -> ReportDue:
        holder = self.ledger.holder_at(held_on)
        period = holder.period if holder is not None else None
        return ReportDue(kind=kind, term_number=term.number, term_label=term.label, term_start=term.start,
                         term_end=term.end, held_on=held_on, due_on=extra.pop("due_on", held_on),
                         appropriate_body_id=period.appropriate_body_id if period else "",
                         school_id=period.school_id if period else "", **extra)

    def _assessment(self, point: AssessmentPoint) -> ReportDue:
        assert point.on is not None
        # the meeting is held once the year is served: on the point, or the next school day
        held = self._school_day(point.on, forward=True)
        back = self._back_from_absence(held)
        due = add_working_days(back or held, ASSESSMENT_DEADLINE_WORKING_DAYS)
        return self._report(FORMAL_ASSESSMENT, held, self._term_of(held), due_on=due, final=point.final,
                            postponed_until=back)

    def _reviews(self, interims: Sequence[ReportDue]) -> list[ReportDue]:
        found = []
        left_on = {r.held_on for r in interims}
        point_days = [p.on for p in self.points if p.on is not None]
        for index, term in enumerate(self.terms):
            if self.final_on is not None and term.start > self.final_on:
                break
            if any(term.start <= day <= term.end for day in point_days):
                continue  # an assessment term: the assessment covers it
            held = term.end
            if index == 0 and self._started_mid_term(term) and len(self.terms) > 1:
                held = _middle(self.terms[1])  # 2.49: by the middle of the following term
            held = self._school_day(held)
            if self.ledger.in_post(held) is None or held in left_on:
                continue  # left before it (an interim assessment instead, where one is owed)
            holding = self._term_of(held)
            following = self.terms[holding.number] if holding.number < len(self.terms) else None
            upcoming = [day for day in point_days if day > held]
            if upcoming and (following is None or upcoming[0] < following.end):
                continue  # an assessment less than a term later: only the assessment (2.49)
            back = self._back_from_absence(held)
            # held on return, then written up within the 10 working days an assessment gets
            due = add_working_days(back, ASSESSMENT_DEADLINE_WORKING_DAYS) if back else held
            found.append(self._report(PROGRESS_REVIEW, held, term, due_on=due, postponed_until=back))
        return found

    def _school_day(self, day: date, *, forward: bool = False) -> date:
        """The teaching day a meeting due on ``day`` is held on in the post held then: ``day``
        itself when it is one, else the last before it (a review "by" a date, an interim
        assessment before leaving) or, ``forward``, the first after it (an assessment, once the
        year is served); never at a weekend, in a half-term or on a bank holiday."""
        holder = self.ledger.holder_at(day)
        if holder is None:
            return day
        calendar, first, last = holder.period.calendar, holder.period.start, holder.last
        if forward:  # within the point's own term: never into the holiday or the next term
            term = calendar.term_at(day)
            last = min(last, term.end) if term is not None else first - ONE_DAY
        step = ONE_DAY if forward else -ONE_DAY
        found = day
        while first <= found <= last:
            term = calendar.term_at(found)
            if term is not None and term.is_teaching_day(found) and is_working_day(found):
                return found
            found += step
        return self._school_day(day) if forward else day

    def _started_mid_term(self, term: InductionTerm) -> bool:
        # the first post that counts: an earlier one shorter than a term counts for nothing
        # (2.33), so it cannot make a mid-term start a start at the beginning of term (a six-week
        # post in autumn then a post from 2 Feb had its first review on 2 Apr, not by 3 Jun)
        start = next((c.period.start for c in self.ledger.periods if c.counts), term.start)
        first_monday = term.start - timedelta(days=term.start.weekday())
        return start >= first_monday + timedelta(days=7)

    def _interims(self) -> list[ReportDue]:
        found = []
        completed = self.ledger.completed_on
        for counted in self.ledger.periods:
            period = counted.period
            if period.end is None or (completed is not None and period.end >= completed):
                continue
            if employment_terms(period, period.end) < 1 or not self.terms:
                continue  # 2.62: only after at least one term in the post
            term = self._term_of(period.end)
            # a post that ends in the holidays ended, for the school, on the last day of term:
            # the interim assessment is held then, instead of that term's review
            held = self._school_day(period.end if period.calendar.term_at(period.end) is not None
                                    else min(term.end, period.end))
            if any(p.on is not None and term.start <= p.on <= period.end for p in self.points):
                continue  # a formal assessment in the term they leave covers it
            served, absent = interim_figures(self.ledger, self.points, self.absences, period.end)
            found.append(self._report(
                INTERIM_ASSESSMENT, held, term, terms_served=served, days_absent=absent,
                due_on=add_working_days(held, ASSESSMENT_DEADLINE_WORKING_DAYS)))
        return found

    def _back_from_absence(self, day: date) -> date | None:
        """The first teaching day back, if ``day`` falls in an absence (2.56); None if not absent.
        Leave that ends in the holidays ends, for the school, when the next term begins."""
        back = None
        while (absence := next((a for a in self.absences if a.covers(back or day)), None)) is not None:
            back = absence.last_day + ONE_DAY
            while not (is_working_day(back) and self._in_term(back)):
                back += ONE_DAY
        return back

    def _in_term(self, day: date) -> bool:
        counted = self.ledger.holder_at(day)
        if counted is None:
            return True
        # a teaching day: in term and not in its half-term (term_at alone let a postponed
        # meeting fall on a half-term day, e.g. back on Tue 27 Oct 2026 instead of Mon 2 Nov)
        term = counted.period.calendar.term_at(day)
        return term is not None and term.is_teaching_day(day)


def interim_figures(ledger: ServiceLedger, points: Sequence[AssessmentPoint],
                    absences: Sequence[AbsenceFact], on: date) -> tuple[Decimal, float]:
    """What an interim assessment on ``on`` records (2.63): the induction served by then (the
    periods' one-decimal figures, 2.34) and the days absent since the last assessment."""
    previous = max((p.on for p in points if p.on is not None and p.on < on),
                   default=ledger.periods[0].period.start - ONE_DAY if ledger.periods else on)
    absent = sum((a.days for a in absences if previous < a.first_day <= on), 0.0)
    served = sum((round_terms(p.exact_through(on, ledger.fte_history))
                  for p in ledger.periods if p.period.start <= on), Decimal(0))
    return served, absent


def _middle(term: InductionTerm) -> date:
    return term.start + timedelta(days=(term.end - term.start).days // 2)
