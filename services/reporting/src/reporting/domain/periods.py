"""Induction periods as the AB records them: claimed, released, left, passed or failed.

The DfE service records, for each AB's period, its start and end dates and the number of
terms served in it (FTE, one decimal place, rule 1); the TRA's termly return counts who
started, completed, was extended, or left part-way (rule 12).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from reporting.domain.history import EctHistory
from reporting.domain.induction_clock import InductionClock, day_before
from statutory.terms_served import terms_served


@dataclass(frozen=True)
class PeriodRow:
    index: int
    appropriate_body_id: str
    induction_programme: str
    start: date
    end: date | None
    end_reason: str | None
    terms_served: Decimal  # in this period, to its end or to date


def period_rows(history: EctHistory, clock: InductionClock) -> list[PeriodRow]:
    rows = []
    for index, period in enumerate(history.periods, start=1):
        last = min(period.end or clock.today, clock.today)
        served = Decimal(0)
        if last >= period.start:
            at_end = terms_served(clock.calendar, clock.start, last, history.fte_history)
            before = terms_served(clock.calendar, clock.start, day_before(period.start),
                                  history.fte_history) if period.start > clock.start else Decimal(0)
            served = at_end - before
        rows.append(PeriodRow(index, period.appropriate_body_id, period.induction_programme,
                              period.start, period.end, period.end_reason, served))
    return rows
