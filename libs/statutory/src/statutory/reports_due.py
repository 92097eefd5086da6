"""Which progress reviews and formal assessments are due, and when (statutory rules 5 and 6).

Induction is counted in school terms of the ECT's own school (``SchoolCalendar``). Each
school term that overlaps the induction gets a number, 1 for the term the induction starts
in, whatever the ECT's FTE. For each numbered term the rules below decide what is due:

- **Formal assessments** (2.55-2.61) fall in the term in which the FTE-weighted terms
  served, to one decimal place (``terms_served``, rule 1), first reach the end of year 1
  (3.0) and the end of year 2 (6.0): terms 3 and 6 for a full-timer, terms 5 and 10 at 0.6
  FTE, terms 6 and 12 at 0.5 FTE (pro rata, 2.36). One decimal place is what the AB records,
  so a start a day or two after the first day of term still makes term 3 the first
  assessment (2.98 served rounds to 3.0).
- **Years lengthened by absence** (``year_extension_terms``, 3.6-3.7): when a year of
  induction is extended (30 days' absence, or statutory leave the ECT chose to extend by),
  that year's assessment and every later one move by the extension. This is how a report
  "is rescheduled when the ECT is absent" (2.56): it follows the time actually served.
- **An extension decided by the AB** (``extension_terms``, 3.8) follows the end-of-year-2
  assessment that recommended it: that assessment stays due, and a further, final, formal
  assessment falls where 6.0 plus the extension (plus any year extensions) is reached.
- **Progress reviews** (2.48) fall in every term with no formal assessment: terms 1, 2, 4
  and 5 for a full-timer; every other term for a part-timer. "Where a review and an
  assessment would fall less than a term apart, only the assessment is due": both are
  placed at the end of a term here, so two reports in different terms are always at least
  a term apart, and the rule reduces to "no review in an assessment term".
- **Due dates**: a review is due on the last day of its term. A formal assessment is due
  at the AB within 10 working days (England, ``working_days``) of the assessment meeting
  (2.61); the meeting is assumed to be held on the last day of the term.
- **Leaving** (``end``): only terms that end on or before the leaving date have reports
  due here; the term the ECT leaves part-way through gets an interim assessment instead
  (rule 7, 2.62), which the caller decides (it needs at least one term served).
- **Horizon** (``until``): every report of a term that ends on or before ``until``, plus
  the current term's (the term containing ``until``, if any), and nothing after the final
  assessment.

Pure: no clock, no I/O. ``extension_days_as_terms`` turns days (as the absence rules count
them) into FTE terms for ``year_extension_terms``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_UP, Decimal

from statutory.calendar import SchoolCalendar
from statutory.terms_served import (
    ONE_PLACE,
    TERMS_PER_YEAR_OF_INDUCTION,
    FteChange,
    InvalidWorkingPatternError,
    terms_served,
)
from statutory.working_days import add_working_days

PROGRESS_REVIEW = "progress_review"
FORMAL_ASSESSMENT = "formal_assessment"
ASSESSMENT_DEADLINE_WORKING_DAYS = 10  # guidance 2.61
# A teacher's directed year is 195 days, so a term is 65 school days: the unit that turns
# days of absence (3.6) or statutory leave (3.7) into the FTE terms induction is counted in.
SCHOOL_DAYS_PER_TERM = 65


@dataclass(frozen=True)
class DueReport:
    """One report the induction tutor owes the appropriate body."""

    kind: str  # PROGRESS_REVIEW or FORMAL_ASSESSMENT
    term_number: int  # 1-based count of the school terms of the induction
    term_start: date
    term_end: date
    due_on: date


def extension_days_as_terms(days: float) -> Decimal:
    """Days of extension as FTE terms, rounded up to one decimal place (never short)."""
    if days < 0:
        raise InvalidWorkingPatternError("an extension is a length, never negative")
    terms = Decimal(repr(float(days))) / SCHOOL_DAYS_PER_TERM
    return terms.quantize(ONE_PLACE, rounding=ROUND_UP)


def assessment_points(
    *, extension_terms: Decimal = Decimal(0),
    year_extension_terms: Mapping[int, Decimal] | None = None,
) -> list[Decimal]:
    """Terms served (1 dp) at which formal assessments fall, in order; the last is the final one."""
    by_year = dict(year_extension_terms or {})
    if extension_terms < 0 or any(value < 0 for value in by_year.values()):
        raise InvalidWorkingPatternError("extensions are lengths, never negative")
    year_one = Decimal(TERMS_PER_YEAR_OF_INDUCTION) + by_year.get(1, Decimal(0))
    year_two = year_one + TERMS_PER_YEAR_OF_INDUCTION + sum(
        (value for year, value in by_year.items() if year >= 2), Decimal(0))
    points = [year_one, year_two]
    if extension_terms > 0:
        points.append(year_two + extension_terms)
    return points


def reports_due(
    calendar: SchoolCalendar,
    start: date,
    fte_history: Sequence[FteChange],
    *,
    until: date,
    end: date | None = None,
    extension_terms: Decimal = Decimal(0),
    year_extension_terms: Mapping[int, Decimal] | None = None,
) -> list[DueReport]:
    """Every review and formal assessment due, in term order (see the module's rules)."""
    points = assessment_points(extension_terms=extension_terms,
                               year_extension_terms=year_extension_terms)
    if until < start:
        return []
    due: list[DueReport] = []
    for number, term in enumerate(calendar.terms_between(start, until), start=1):
        if end is not None and term.end > end:
            break
        served = terms_served(calendar, start, term.end, fte_history, end=end)
        before = _served_before(calendar, start, term.start, fte_history)
        assessed = any(before < point <= served for point in points)
        if assessed:
            due_on = add_working_days(term.end, ASSESSMENT_DEADLINE_WORKING_DAYS)
            due.append(DueReport(FORMAL_ASSESSMENT, number, term.start, term.end, due_on))
        else:
            due.append(DueReport(PROGRESS_REVIEW, number, term.start, term.end, term.end))
        if served >= points[-1]:
            break
    return due


def _served_before(calendar: SchoolCalendar, start: date, term_start: date,
                   fte_history: Sequence[FteChange]) -> Decimal:
    """Terms served (1 dp) up to the day before ``term_start``."""
    if term_start <= start:
        return Decimal(0)
    return terms_served(calendar, start, term_start - timedelta(days=1), fte_history)

