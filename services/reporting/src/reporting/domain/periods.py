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
from reporting.domain.induction_clock import InductionClock


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
    """Each AB's period with the terms served in it: the clock's figures for the posts it holds
    (a transfer splits a period into posts on each school's calendar), so the rows add up to
    the induction's terms served; a short or gap-separated post counts as the clock says."""
    timeline = clock.timeline if clock.started else None
    posts = list(zip(timeline.plan.ledger.periods, timeline.period_terms, strict=True)) if timeline else []
    rows = []
    for index, period in enumerate(history.periods, start=1):
        following = history.periods[index].start if index < len(history.periods) else date.max
        served = sum((terms for counted, terms in posts
                      if period.start <= counted.period.start < following), Decimal(0))
        rows.append(PeriodRow(index, period.appropriate_body_id, period.induction_programme,
                              period.start, period.end, period.end_reason, served))
    return rows
