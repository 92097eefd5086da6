"""The years of induction: where each ends, and what lengthened it (3.6, 3.7).

A year ends at its assessment point: the end of the term in which its length (plus its
extension) is served to one decimal place, or the day it is served exactly, whichever is
first. Its extension depends on the absences that fall in it, and a longer year takes in
more absences, so each year's end is found by extending until no new absence joins it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction

from statutory.absence import Absence, AbsenceFact, extension_days
from statutory.induction_facts import ExtensionLine, InductionTerm, LeaveExtension
from statutory.reports_due import extension_days_as_terms
from statutory.service import ONE_DAY, ServiceLedger, round_terms


class InductionYears:
    """The years of induction: where each ends, and what lengthened it."""

    def __init__(self, ledger: ServiceLedger, terms: Sequence[InductionTerm],
                 absences: Sequence[AbsenceFact], leave: Sequence[LeaveExtension]) -> None:
        self.ledger, self.terms, self.absences = ledger, terms, absences
        self.starts: dict[int, date] = {}
        if ledger.periods:
            # year 1 starts with the first post that counts: a post shorter than a term that
            # ended is not induction (2.33), and neither are its absences
            self.starts[1] = next((p.period.start for p in ledger.periods if p.counts),
                                  ledger.periods[0].period.start)
        self.lines: list[ExtensionLine] = []
        self.reached = Fraction(0)  # the FTE terms at which the years so far end
        statutory = [a for a in absences if not a.counts]
        # the leave an opt-in follows: the latest statutory leave begun by the request
        self.leave = [(max((a.first_day for a in statutory if a.first_day <= x.requested_on),
                           default=x.requested_on), x.days) for x in leave]

    def close(self, year: int, length: Fraction, following_year: int | None) -> Fraction:
        """End ``year`` (of ``length`` FTE terms before extensions) and start ``following_year``
        the next day; the FTE terms it ends at."""
        first = self.starts.get(year)
        if first is None:  # the previous year is never reached: nor is this one
            self.reached += length
            return self.reached
        extension = Fraction(0)
        while True:
            end = self.reached + length + extension
            last = self.point_date(end)
            following = last + ONE_DAY if last is not None else None
            inside = [a for a in self.absences
                      if a.first_day >= first and (following is None or a.first_day < following)]
            absence_days = extension_days(inside)
            leave_days = sum((days for anchor, days in self.leave
                              if anchor >= first and (following is None or anchor < following)), 0.0)
            # each source in terms of its own, so the lines of the breakdown add up
            by_absence = extension_days_as_terms(absence_days)
            by_leave = extension_days_as_terms(leave_days)
            new = Fraction(str(by_absence + by_leave))
            if new <= extension:  # stable: extending further brings no new absence into the year
                break
            extension = new
        if absence_days:
            self.lines.append(ExtensionLine("absence", by_absence, induction_year=year, days=absence_days))
        if leave_days:
            self.lines.append(ExtensionLine("statutory_leave", by_leave, induction_year=year,
                                            days=leave_days))
        self.reached = end
        if following is not None and following_year is not None:
            self.starts[following_year] = following
        return end

    def point_date(self, target: Fraction) -> date | None:
        """The day ``target`` FTE terms are served: the end of the term in which it is reached to
        one decimal place, or the day it is reached exactly, whichever is first."""
        exact = self.ledger.first_day_reaching(target)
        # "that figure to one decimal place" is the induction's figure: the sum of its periods'
        # one-decimal figures (2.34), as Timeline.terms_served reports it. Rounding the exact
        # total instead put the point a term early or late when two posts round apart (a post
        # of 0.96 and one of 4.98 are 1.0 + 5.0 = 6.0 served at the end of the term, not 5.9).
        # Every term end in post is a candidate, the first to reach the figure wins, and the
        # exact figure need never be reached: a full-timer who started on 3 Sep and leaves at
        # the end of the summer term has served 6.0 and is assessed then (returning None when
        # 6.0 was never reached exactly left them with no final assessment at all).
        ends = [t.end for t in self.terms if exact is None or t.end < exact]
        if not ends or self._figure(ends[-1]) < _dec(target):
            return exact  # the common case: one figure asked for, as before
        low, high = 0, len(ends) - 1  # the figure never goes down: the first term end reaching it
        while low < high:
            middle = (low + high) // 2
            if self._figure(ends[middle]) >= _dec(target):
                high = middle
            else:
                low = middle + 1
        return next((end for end in ends[low:] if self.ledger.in_post(end) is not None), exact)

    def _figure(self, day: date) -> Decimal:
        """Terms served by the end of ``day`` as the AB records them: each period to 1 dp, summed."""
        return sum((round_terms(p.exact_through(day, self.ledger.fte_history)) for p in self.ledger.periods),
                   Decimal(0))

    def assigned(self, absences: Sequence[AbsenceFact]) -> list[Absence]:
        found = []
        for absence in absences:
            year = max((y for y, first in self.starts.items() if first <= absence.first_day), default=1)
            found.append(absence.in_year(year))
        return found


def _dec(value: Fraction) -> Decimal:
    return round_terms(value)
