"""The induction clock: one pure function from an induction's facts and a date to its timeline.

Every service asks this and keeps none of its rules, so scheduling's ECT, reporting's
entitlement and submissions and notifications' reminders can never disagree about terms
served, the year of induction or a due date. The rules, with the guidance's paragraphs:

- **Service** (``statutory.service``): only time in post counts; a run of continuous
  employment shorter than a term does not, once it has ended (2.33); a recorded figure for a
  closed period counts as recorded (2.31); each post on its own calendar; FTE-weighted (2.36).
  Terms served are kept per period to one decimal place, and the induction's figure is the
  sum of its periods' (2.34: what the AB records, period by period); the TRA counts whole terms.
- **Length**: six terms (2.30), less any reduction for previous experience, never below one
  term (3.2-3.4); then the extensions: each year of induction in which counted absence reaches
  30 days is lengthened by all its days absent (3.6), every later absence in that year
  included; statutory leave never counts, but the days the ECT chose to extend by after it
  lengthen the year the leave fell in (3.7); AB extensions add FTE terms at the end (3.8).
  Days become FTE terms at 65 school days a term, rounded up to one decimal place.
- **Years**: year 1 ends at its *assessment point*, the day three terms (plus its extension)
  are served: the end of the term in which that figure is reached to one decimal place, or the
  day it is reached exactly, whichever is first. Year 2 starts the next day (cadence turns
  fortnightly, absences belong to it); an absence belongs to the year its first day falls in.
- **Reports** (2.48-2.63): a formal assessment at each assessment point, due 10 working days
  after it (2.61), the last one final (it recommends, 2.60); after each AB extension a new
  final assessment at its end. A progress review at the end of every other term in post;
  none where an assessment follows less than a term later (2.49); for an ECT who started
  mid-term (after the term's first week) the first review is held by the middle of the
  following term (2.49). A report whose day falls while the ECT is absent is postponed and
  held on their first teaching day back (2.56), then due 10 working days later. An interim
  assessment is held by the last day in a post held for at least a term (another school
  included), unless a formal assessment is held in that term before they go (2.62), with the
  induction served and the days absent since the last assessment (2.63); like every
  assessment report it reaches the AB within 10 working days of that meeting (2.61).
- **Projection**: an open post is assumed to continue on the latest working pattern, so
  every future date is the date as the facts now stand.

Dates are inclusive. No clock and no I/O: the caller gives the date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import cached_property, lru_cache
from itertools import pairwise
from typing import Any

from statutory.absence import Absence, AbsenceFact, counted_days
from statutory.cadence import CoachingSchedule
from statutory.calendar import TermName, academic_year_of
from statutory.induction_facts import (
    INTERIM_ASSESSMENT,
    AssessmentPoint,
    ExtensionLine,
    InductionFacts,
    InductionTerm,
    InvalidDecisionError,
    LeaveExtension,
    ReportDue,
    TermsDecision,
)
from statutory.induction_years import InductionYears
from statutory.report_plan import ReportPlan, interim_figures
from statutory.service import ONE_DAY, CountedPeriod, ServiceLedger, ServicePeriod, round_terms
from statutory.terms_served import FULL_INDUCTION_TERMS, MINIMUM_TERMS, FteChange

__all__ = [  # the clock's vocabulary, importable from here: services need only this module
    "INTERIM_ASSESSMENT", "AbsenceFact", "AssessmentPoint", "ExtensionLine", "InductionFacts",
    "InductionTerm", "InvalidDecisionError", "LeaveExtension", "Plan", "ReportDue", "ServicePeriod",
    "TermsDecision", "Timeline", "induction_timeline",
]


@dataclass(frozen=True)
class Plan:
    """What the facts alone decide: every date of the induction, independent of today."""

    ledger: ServiceLedger
    terms: tuple[InductionTerm, ...]
    year_starts: dict[int, date]  # 1, and 2 and 3 where they exist and are reached
    absences: tuple[Absence, ...]  # each with the year of induction it falls in
    extensions: tuple[ExtensionLine, ...]
    terms_required: Decimal
    points: tuple[AssessmentPoint, ...]
    reports: tuple[ReportDue, ...]
    coaching: CoachingSchedule = field(compare=False)


def induction_timeline(facts: InductionFacts, as_of: date) -> Timeline:
    """The whole timeline of one induction as the facts stand, with its figures on ``as_of``."""
    return Timeline(facts, _plan(facts), as_of)


class Timeline:
    """The plan, and where the induction stands on ``as_of``."""

    def __init__(self, facts: InductionFacts, plan: Plan, as_of: date) -> None:
        self.facts, self.plan, self.as_of = facts, plan, as_of

    # -- the headline figures ----------------------------------------------------------------

    @property
    def start(self) -> date | None:
        return self.plan.ledger.periods[0].period.start if self.plan.ledger.periods else None

    @property
    def last_day(self) -> date:
        """The last day the figures describe: ``as_of``, or if earlier the completion, or the
        last day in post when no post is open (so every service, whichever date it asks on,
        describes a leaver or a released ECT as of the day they went)."""
        last = self.as_of
        if self.facts.completed_on is not None:
            last = min(last, self.facts.completed_on)
        periods = self.plan.ledger.periods
        if periods and periods[-1].period.end is not None:
            last = min(last, periods[-1].period.end)
        return last

    @cached_property
    def period_terms(self) -> tuple[Decimal, ...]:
        """Each counted period's terms served to date, one decimal place (0 when excluded)."""
        return tuple(round_terms(p.exact_through(self.last_day, self.plan.ledger.fte_history))
                     for p in self.plan.ledger.periods)

    @property
    def terms_served(self) -> Decimal:
        """FTE terms served to date: the sum of the periods' one-decimal figures (2.34)."""
        return sum(self.period_terms, Decimal(0))

    @property
    def whole_terms(self) -> int:
        """Whole terms, as the TRA counts them (2.34)."""
        return int(self.terms_served // 1)

    @property
    def terms_required(self) -> Decimal:
        return self.plan.terms_required

    @property
    def terms_remaining(self) -> Decimal:
        return max(self.terms_required - self.terms_served, Decimal(0))

    @property
    def induction_year(self) -> int:
        return self.induction_year_at(self.last_day)

    def induction_year_at(self, day: date) -> int:
        """1, 2, or 3 in an AB extension; an ECT past the end stays in their last year."""
        return max((year for year, first in self.plan.year_starts.items() if first <= day), default=1)

    @property
    def year_two_starts(self) -> date | None:
        return self.plan.year_starts.get(2)

    @property
    def extension_starts(self) -> date | None:
        return self.plan.year_starts.get(3)

    def counted_absence_days(self, year: int, through: date | None = None) -> float:
        """Days absent in ``year`` that count towards the 30-day threshold (3.6)."""
        last, first = through or self.last_day, self.plan.year_starts.get(1, date.min)
        return counted_days((a for a in self.plan.absences if first <= a.first_day <= last), year)

    def year_of_absence(self, first_day: date) -> int:
        return self.induction_year_at(first_day)

    # -- terms, reports, coaching --------------------------------------------------------------

    @property
    def terms(self) -> tuple[InductionTerm, ...]:
        return self.plan.terms

    def terms_to_date(self) -> list[InductionTerm]:
        return [t for t in self.plan.terms if t.start <= self.last_day]

    def term_number_at(self, day: date) -> int:
        """The induction term ``day`` falls in (a holiday belongs to the term before it)."""
        return sum(1 for term in self.plan.terms if term.start <= day)

    def term(self, number: int) -> InductionTerm | None:
        return self.plan.terms[number - 1] if 0 < number <= len(self.plan.terms) else None

    @property
    def reports(self) -> tuple[ReportDue, ...]:
        return self.plan.reports

    def reports_until(self, day: date) -> list[ReportDue]:
        """Reports of terms begun by ``day``, and any due by then."""
        return [r for r in self.plan.reports if r.term_start <= day or r.due_on <= day]

    @property
    def final_assessment(self) -> ReportDue | None:
        return next((r for r in reversed(self.plan.reports) if r.final), None)

    @property
    def final_term_starts(self) -> date | None:
        """The first day of the term the final assessment is held in (None: not reached)."""
        final = self.final_assessment
        return final.term_start if final is not None else None

    def interim_figures(self, on: date) -> tuple[Decimal, float]:
        """The induction served by ``on`` and the days absent since the last assessment before
        it: the structured part of an interim assessment (2.63)."""
        return interim_figures(self.plan.ledger, self.plan.points, self.facts.absences, on)

    def sessions_expected(self, through: date | None = None) -> int:
        return self.plan.coaching.expected(min(through or self.last_day, self.last_day))

    # -- the breakdown an AB can check by hand ---------------------------------------------------

    def breakdown(self) -> dict[str, Any]:
        """The figures and how they were reached, as plain JSON values; the same facts give the
        same breakdown in every service."""
        ledger, last = self.plan.ledger, self.last_day
        periods = []
        for counted, terms in zip(ledger.periods, self.period_terms, strict=True):
            periods.append(_period_line(counted, terms, last, ledger))
        return {
            "as_of": last.isoformat(),
            "terms_served": float(self.terms_served),
            "whole_terms": self.whole_terms,
            "terms_required": float(self.terms_required),
            "terms_remaining": float(self.terms_remaining),
            "induction_year": self.induction_year,
            "year_two_starts": _iso(self.year_two_starts),
            "extension_starts": _iso(self.extension_starts),
            "periods": periods,
            "gaps": [{"from": first.isoformat(), "to": to.isoformat(), "days": (to - first).days + 1,
                      "reason": "not in an induction post: counts for nothing"}
                     for first, to in self.gaps()],
            "required": [{"source": "statutory", "terms": float(FULL_INDUCTION_TERMS),
                          "reason": "six terms, the full-time equivalent of two school years (2.30)"},
                         *(_extension_line(line) for line in self.plan.extensions)],
            "assessment_points": [{"terms": float(p.terms), "on": _iso(p.on), "final": p.final}
                                  for p in self.plan.points],
        }

    def gaps(self) -> list[tuple[date, date]]:
        periods = [p.period for p in self.plan.ledger.periods]
        return [(earlier.end + ONE_DAY, later.start - ONE_DAY)
                for earlier, later in pairwise(periods)
                if earlier.end is not None and later.start - earlier.end > ONE_DAY]


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _period_line(counted: CountedPeriod, terms: Decimal, last: date, ledger: ServiceLedger) -> dict[str, Any]:
    period = counted.period
    through = min(counted.last, last)
    ftes = sorted({c.fte for c in ledger.fte_history
                   if c.effective_from <= through and _in_force_after(c, ledger.fte_history, period.start)})
    if period.recorded_terms is not None:
        how = f"{period.recorded_terms} terms recorded by the appropriate body for this period (2.31)"
    elif not counted.counts:
        how = "continuous employment shorter than one term does not count (2.33)"
    elif counted.provisional_on(through):
        how = "counts once continuous employment reaches one term (2.33)"
    else:
        how = "FTE-weighted share of each term in post, on this school's term dates (2.30, 2.36)"
    return {
        "appropriate_body_id": period.appropriate_body_id, "school_id": period.school_id,
        "start": period.start.isoformat(), "end": _iso(period.end),
        "days_in_post": max((through - period.start).days + 1, 0),
        "fte": ftes, "terms": float(terms), "counts": counted.counts,
        "provisional": counted.provisional_on(through), "recorded": period.recorded_terms is not None,
        "reason": how,
    }


def _in_force_after(change: FteChange, history: Sequence[FteChange], start: date) -> bool:
    """Whether ``change`` is in force on some day from ``start`` (it is not replaced before)."""
    later = [c.effective_from for c in history if c.effective_from > change.effective_from]
    return not later or min(later) > start


def _extension_line(line: ExtensionLine) -> dict[str, Any]:
    # Only the line's own reason is formatted: an AB extension or a reduction has no days, and
    # formatting every reason eagerly (``None:g``) made breakdown() raise TypeError for them.
    reasons = {
        "absence": lambda: f"{line.days:g} days' absence in year {line.induction_year} reached 30: "
                           "the year is extended by the days absent (3.6)",
        "statutory_leave": lambda: f"{line.days:g} days chosen after statutory leave in year "
                                   f"{line.induction_year} (3.7)",
        "appropriate_body": lambda: f"extension decided by the appropriate body on {line.decided_on} (3.8)",
        "reduction": lambda: f"reduction for previous experience decided on {line.decided_on} (3.2-3.4)",
    }
    return {"source": line.source, "terms": float(line.terms), "induction_year": line.induction_year,
            "days": line.days, "decided_on": _iso(line.decided_on), "reason": reasons[line.source]()}


# -- the plan ------------------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def _plan(facts: InductionFacts) -> Plan:
    """Worked out once per set of facts: a projection recomputes an ECT after every session,
    drop-in or report, none of which changes the clock."""
    ledger = ServiceLedger(facts.periods, facts.fte_history, facts.completed_on)
    terms = _induction_terms(ledger)
    reduction = sum((r.terms for r in facts.reductions), Decimal(0))
    base = max(FULL_INDUCTION_TERMS - reduction, MINIMUM_TERMS)
    ab_total = sum((e.terms for e in facts.extensions), Decimal(0))
    year_one = min(Decimal(3), base)
    segments = [(year, length) for year, length in ((1, year_one), (2, base - year_one), (3, ab_total))
                if length > 0]
    absences = sorted(facts.absences, key=lambda a: (a.first_day, a.days, a.reason.value))
    years = InductionYears(ledger, terms, absences, facts.leave_extensions)
    ends: dict[int, Fraction] = {}
    for (year, length), following in zip(segments, [*(y for y, _ in segments[1:]), None], strict=True):
        ends[year] = years.close(year, Fraction(str(length)), following)
    year_two_end = ends.get(2, ends[1])
    points: list[AssessmentPoint] = []
    if 2 in ends:
        points.append(AssessmentPoint(_dec(ends[1]), years.point_date(ends[1]), False))
    reached = year_two_end
    for extension in sorted(facts.extensions, key=lambda e: e.decided_on):
        points.append(AssessmentPoint(_dec(reached), years.point_date(reached), False))
        reached += Fraction(str(extension.terms))
    final_terms = ends.get(3, year_two_end)
    points.append(AssessmentPoint(_dec(final_terms), years.point_date(final_terms), True))
    extensions: list[ExtensionLine] = []
    if reduction:
        extensions.append(ExtensionLine("reduction", base - FULL_INDUCTION_TERMS,
                                        decided_on=min(r.decided_on for r in facts.reductions)))
    extensions += years.lines
    extensions += [ExtensionLine("appropriate_body", e.terms, decided_on=e.decided_on)
                   for e in sorted(facts.extensions, key=lambda e: e.decided_on)]
    windows = [(c.period.calendar, c.period.start, c.period.end if facts.completed_on is None
                else min(filter(None, [c.period.end, facts.completed_on])))
               for c in ledger.periods]
    fortnightly_from = years.starts.get(2) or years.starts.get(3)
    plan_reports = ReportPlan(ledger, terms, years, points, absences).all()
    return Plan(ledger, terms, dict(years.starts), tuple(years.assigned(absences)), tuple(extensions),
                _dec(final_terms), tuple(points), tuple(plan_reports),
                CoachingSchedule(windows, fortnightly_from))


def _dec(value: Fraction) -> Decimal:
    return round_terms(value)


def _induction_terms(ledger: ServiceLedger) -> tuple[InductionTerm, ...]:
    found: dict[tuple[int, TermName], tuple[date, date]] = {}
    for counted in ledger.periods:
        if not counted.counts:
            continue
        period = counted.period
        for term in period.calendar.terms_between(period.start, counted.last):
            key = (academic_year_of(term.start), term.name)
            start, _ = found.get(key, (term.start, term.end))
            found[key] = (min(start, term.start), term.end)  # the end as the later school has it
    ordered = sorted(found.items(), key=lambda item: item[1][0])
    return tuple(InductionTerm(number, name, year, start, end)
                 for number, ((year, name), (start, end)) in enumerate(ordered, start=1))
