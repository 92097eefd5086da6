"""Induction served, in FTE-weighted school terms (statutory rules 1, 2 and 10).

Induction is the full-time equivalent of six school terms (guidance 2.30); part-time service
counts pro rata (2.36). Each term the ECT is employed in contributes the share of that term's
calendar days they were employed for, times the FTE in force on each of those days, so a
change of working pattern mid-term weights the two parts. Days between terms add nothing.
The total is kept to one decimal place (2.34), rounded half up; the unrounded value is
available too.

This counts one stretch of service on one calendar. Which posts count (only time in post, the
one-term minimum of 2.33), the years of induction, the terms required and the reports due are
the induction clock's (``statutory.service``, ``statutory.timeline``), built on this count.

Arithmetic is exact (``Fraction``): a term's share is a ratio of day counts, and rounding a
binary float at ``.x5`` would go the wrong way.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from statutory.calendar import SchoolCalendar
from statutory.errors import StatutoryRuleError

FULL_INDUCTION_TERMS = Decimal(6)  # guidance 2.30
MINIMUM_TERMS = Decimal(1)  # a reduction leaves at least one term (3.2-3.4)
ONE_PLACE = Decimal("0.1")


class InvalidWorkingPatternError(StatutoryRuleError):
    """An FTE outside (0, 1], or a history that does not cover the start of induction."""


@dataclass(frozen=True)
class FteChange:
    """From ``effective_from`` on, the ECT works ``fte`` of a full-time timetable (0 < fte <= 1)."""

    effective_from: date
    fte: float

    def __post_init__(self) -> None:
        if not 0 < self.fte <= 1:
            raise InvalidWorkingPatternError(f"FTE must be more than 0 and at most 1, not {self.fte}")


def terms_served(
    calendar: SchoolCalendar,
    start: date,
    as_of: date,
    fte_history: Sequence[FteChange],
    *,
    end: date | None = None,
) -> Decimal:
    """FTE-weighted terms served from ``start`` to min(``as_of``, ``end``), both inclusive, to 1 dp.

    ``end`` is the leaving date. Rounded half up to one decimal place (guidance 2.34): 2.5
    terms at 0.5 FTE is 1.25 FTE terms, recorded as 1.3. Zero before ``start``.

    This counts every day; whether a short period counts at all (one term of continuous
    employment, 2.33) is ``statutory.service``'s question (``ServiceLedger``), asked when it ends.
    """
    return _served_rounded(calendar, start, _last_day(as_of, end), tuple(fte_history))


def terms_served_exact(
    calendar: SchoolCalendar,
    start: date,
    as_of: date,
    fte_history: Sequence[FteChange],
    *,
    end: date | None = None,
) -> Decimal:
    """As ``terms_served``, unrounded (to Decimal's 28 significant digits)."""
    served = _served(calendar, start, _last_day(as_of, end), fte_history)
    return Decimal(served.numerator) / Decimal(served.denominator)


class ReductionBelowMinimumError(StatutoryRuleError):
    """A reduction that would leave less than one term to serve (3.2-3.4)."""


def reduced_length(reductions: Sequence[Decimal]) -> Decimal:
    """The induction's length before extensions after ``reductions`` for previous experience:
    six terms less them all, refused below one term (3.2-3.4)."""
    total = sum(reductions, Decimal(0))
    if any(r <= 0 for r in reductions):
        raise ReductionBelowMinimumError("a reduction is a positive number of FTE terms")
    if FULL_INDUCTION_TERMS - total < MINIMUM_TERMS:
        raise ReductionBelowMinimumError(
            f"reductions of {total} terms in all would leave {FULL_INDUCTION_TERMS - total} to serve; "
            f"an induction is reduced to {MINIMUM_TERMS} term at least (statutory guidance 3.2-3.4)")
    return FULL_INDUCTION_TERMS - total


def _last_day(as_of: date, end: date | None) -> date:
    return as_of if end is None else min(as_of, end)


def _served(
    calendar: SchoolCalendar, start: date, last_day: date, fte_history: Sequence[FteChange]
) -> Fraction:
    return _served_memo(calendar, start, last_day, tuple(fte_history))


@lru_cache(maxsize=16384)
def _served_memo(
    calendar: SchoolCalendar, start: date, last_day: date, fte_history: tuple[FteChange, ...]
) -> Fraction:
    """``_served``, remembered: a pure function of immutable arguments, asked again and again with
    the same ones (every recompute of a projection, the year-boundary search, each term's end),
    while the Fraction arithmetic behind it is slow. Bounded, so memory stays flat."""
    if last_day < start:
        return Fraction(0)
    periods = _fte_periods(fte_history, start, last_day)
    served = Fraction(0)
    for term in calendar.terms_between(start, last_day):
        for first, last, fte in periods:
            overlap = (min(last, term.end) - max(first, term.start)).days + 1
            if overlap > 0:
                served += Fraction(overlap, term.days) * fte
    return served


def _fte_periods(
    fte_history: Sequence[FteChange], start: date, last_day: date
) -> list[tuple[date, date, Fraction]]:
    """The history as (first day, last day, FTE) periods covering start..last_day exactly.

    Changes are applied in date order; of two on the same day, the later one given wins (a
    correction recorded after the original).
    """
    changes = sorted(fte_history, key=lambda change: change.effective_from)
    if not changes or changes[0].effective_from > start:
        raise InvalidWorkingPatternError(
            f"the working pattern must be known from the start of induction on {start}"
        )
    periods: list[tuple[date, date, Fraction]] = []
    for change, following in zip(changes, [*changes[1:], None], strict=True):
        first = max(change.effective_from, start)
        last = last_day if following is None else min(following.effective_from - timedelta(days=1), last_day)
        if first <= last:
            # repr gives the float's shortest decimal form: 0.8 means 4/5, not 0.8000000000000000444
            periods.append((first, last, Fraction(repr(change.fte))))
    return periods


@lru_cache(maxsize=16384)
def _served_rounded(calendar: SchoolCalendar, start: date, last_day: date,
                    fte_history: tuple[FteChange, ...]) -> Decimal:
    return _round_half_up(_served_memo(calendar, start, last_day, fte_history))


def _round_half_up(value: Fraction) -> Decimal:
    tenths = math.floor(value * 10 + Fraction(1, 2))
    return Decimal(tenths).scaleb(-1)
