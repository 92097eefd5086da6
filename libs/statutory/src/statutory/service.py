"""Time served in induction posts: which periods count, and how much (statutory rules 1 and 2).

Induction is served only while the ECT is in an induction post (a *service period*: one
school, one appropriate body, one calendar). Gaps between posts count for nothing. Posts
with no working day between them form one *run of continuous employment*; a run shorter
than one term (measured in school terms of employment, whatever the FTE) does not count at
all once it has ended, and once it reaches one term every day of it counts (2.33). A
period whose number of terms the AB recorded when it closed counts as recorded (2.31).

Each period's share is counted on the calendar it was served on, so a transfer never
recounts past service on the new school's dates. Terms served are FTE-weighted (2.36): each
term day adds (FTE that day) / (days in that term).

``ServiceLedger`` answers "how much counted service by day D" (exact, for the year
boundaries) and finds the day a target is reached, period by period, with a binary search
inside the one period that crosses it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

from statutory.calendar import SchoolCalendar
from statutory.errors import StatutoryRuleError
from statutory.terms_served import FteChange, _served
from statutory.working_days import is_working_day

ONE_DAY = timedelta(days=1)
HORIZON = timedelta(days=366 * 14)  # six terms at 0.2 FTE is ten school years, plus extensions


class InvalidServiceError(StatutoryRuleError):
    """Service periods that overlap, end before they start, or carry an impossible figure."""


@dataclass(frozen=True)
class ServicePeriod:
    """One induction post: ``start`` to ``end`` (the last day in post, inclusive; None if open).

    ``recorded_terms``: the FTE terms the appropriate body recorded for this period when it
    closed (a release, an outcome, an import from another system); it then counts as
    recorded (2.31), whatever the calendar arithmetic says.
    """

    start: date
    calendar: SchoolCalendar
    end: date | None = None
    appropriate_body_id: str = ""
    school_id: str = ""
    recorded_terms: Decimal | None = None

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise InvalidServiceError(f"a period ending on {self.end} cannot start on {self.start}")
        if self.recorded_terms is not None:
            if self.end is None:
                raise InvalidServiceError("terms are recorded for a closed period only (2.31)")
            if self.recorded_terms < 0:
                raise InvalidServiceError("a period's recorded terms are never negative")


def employment_terms(period: ServicePeriod, last: date) -> Fraction:
    """School terms of employment in ``period`` to ``last``, whatever the FTE (the 2.33 unit)."""
    return _served(period.calendar, period.start, last, [FteChange(period.start, 1.0)])


def contiguous(earlier: ServicePeriod, later: ServicePeriod) -> bool:
    """No working day between the two posts: one run of continuous employment."""
    if earlier.end is None:
        return True
    day = earlier.end + ONE_DAY
    while day < later.start:
        if is_working_day(day):
            return False
        day += ONE_DAY
    return True


@dataclass(frozen=True)
class CountedPeriod:
    """A service period as the ledger counts it."""

    period: ServicePeriod
    last: date  # the last day counted: its end, the completion, or the horizon if open
    counts: bool  # False: a run of continuous employment that ended short of a term (2.33)
    total: Fraction  # exact FTE terms the whole period counts for (recorded if any, 0 if excluded)
    computed: Fraction  # exact FTE terms by the calendar arithmetic
    run: tuple[ServicePeriod, ...]  # its run of continuous employment (2.33)
    run_ended: bool  # the run's last post has ended (or the induction is complete)

    def provisional_on(self, day: date) -> bool:
        """Counted for now, in a run still open that is not yet a term long on ``day``: it counts
        for good once the run reaches a term, and for nothing if it ends short (2.33)."""
        if not self.counts or self.run_ended or self.period.recorded_terms is not None:
            return False
        employed = sum((employment_terms(p, min(p.end or day, day)) for p in self.run if p.start <= day),
                       Fraction(0))
        return employed < 1

    def exact_through(self, day: date, fte_history: Sequence[FteChange]) -> Fraction:
        """Exact FTE terms this period has contributed by the end of ``day``."""
        if day < self.period.start or not self.counts:
            return Fraction(0)
        if day >= self.last:
            return self.total
        served = _served(self.period.calendar, self.period.start, day, fte_history)
        if self.period.recorded_terms is None:
            return served
        # A recorded figure is spread over the period in the shape of its days, so the day
        # the year boundary falls on stays inside the period that reached it.
        return served * self.total / self.computed if self.computed else Fraction(0)


class ServiceLedger:
    """The counted service of one induction, period by period."""

    def __init__(self, periods: Sequence[ServicePeriod], fte_history: Sequence[FteChange],
                 completed_on: date | None = None) -> None:
        ordered = sorted(periods, key=lambda p: p.start)
        for earlier, later in pairwise(ordered):
            if earlier.end is None or earlier.end >= later.start:
                raise InvalidServiceError(
                    f"the period from {later.start} overlaps the one from {earlier.start}: "
                    "an ECT holds one induction post at a time")
        self.fte_history = tuple(fte_history)
        self.completed_on = completed_on
        if not ordered:
            self.periods: tuple[CountedPeriod, ...] = ()
            return
        horizon = ordered[0].start + HORIZON
        lasts = [min(filter(None, [p.end, completed_on, horizon])) for p in ordered]
        counted: list[CountedPeriod] = []
        for run in _runs(ordered):
            ended = run[-1].end is not None or completed_on is not None
            employed = sum((employment_terms(p, lasts[ordered.index(p)]) for p in run), Fraction(0))
            short = employed < 1
            for period in run:
                last = lasts[ordered.index(period)]
                if period.start > last:  # begins after the induction was completed
                    continue
                computed = _served(period.calendar, period.start, last, self.fte_history)
                recorded = period.recorded_terms
                total = computed if recorded is None else Fraction(str(recorded))
                counts = recorded is not None or not (short and ended)
                if not counts:
                    total = Fraction(0)
                counted.append(CountedPeriod(period, last, counts, total, computed, tuple(run), ended))
        self.periods = tuple(counted)

    def exact_through(self, day: date) -> Fraction:
        """Counted FTE terms by the end of ``day``, unrounded."""
        return sum((p.exact_through(day, self.fte_history) for p in self.periods), Fraction(0))

    def first_day_reaching(self, target: Fraction) -> date | None:
        """The first day by the end of which counted service is at least ``target`` (None: never)."""
        if target <= 0:
            return self.periods[0].period.start if self.periods else None
        before = Fraction(0)
        for counted in self.periods:
            if before + counted.total >= target:
                low, high = counted.period.start, counted.last
                while low < high:
                    middle = low + timedelta(days=(high - low).days // 2)
                    if before + counted.exact_through(middle, self.fte_history) >= target:
                        high = middle
                    else:
                        low = middle + ONE_DAY
                return low
            before += counted.total
        return None

    def in_post(self, day: date) -> CountedPeriod | None:
        """The period the ECT is in post in on ``day`` (excluded periods included)."""
        return next((p for p in self.periods if p.period.start <= day <= p.last), None)

    def holder_at(self, day: date) -> CountedPeriod | None:
        """The period in post on ``day``, else the latest that started by then, else the first."""
        found = None
        for counted in self.periods:
            if counted.period.start <= day:
                found = counted
        return found or (self.periods[0] if self.periods else None)


def _runs(ordered: Sequence[ServicePeriod]) -> list[list[ServicePeriod]]:
    runs: list[list[ServicePeriod]] = []
    for period in ordered:
        if runs and contiguous(runs[-1][-1], period):
            runs[-1].append(period)
        else:
            runs.append([period])
    return runs


def round_terms(value: Fraction) -> Decimal:
    """To one decimal place, half up (2.34): a term's share is exact, so no float error creeps in."""
    tenths = (value * 10 + Fraction(1, 2)).__floor__()
    return Decimal(tenths).scaleb(-1)


@dataclass(frozen=True)
class PostChange:
    """One change of post, as the services learn it, in the order it happened.

    ``start``: an AB registers or claims the ECT at a school from ``on``; ``transfer``: the
    ECT moves to ``school_id`` from ``on`` (same AB; the old post's last day is the day
    before); ``end``: the ECT leaves or is released, ``on`` being the last day in post.
    """

    kind: str  # start, transfer, end
    on: date
    appropriate_body_id: str = ""
    school_id: str = ""
    recorded_terms: Decimal | None = None  # with an end: the AB's figure for the period (2.31)


START, TRANSFER, END = "start", "transfer", "end"


def service_periods(changes: Sequence[PostChange],
                    calendar_for: Callable[[str], SchoolCalendar]) -> tuple[ServicePeriod, ...]:
    """The posts a history of changes describes, each on its school's calendar.

    Every service folds its own events into ``PostChange``s and asks this, so a transfer or a
    release splits the induction into the same periods everywhere.
    """
    periods: list[ServicePeriod] = []
    current: ServicePeriod | None = None
    for change in changes:
        if change.kind == START:
            if current is not None:  # a claim without a release: the last post ends the day before
                periods.append(current)
            while periods and (periods[-1].end or date.max) >= change.on:
                # a post still open, or a claim dated on or before the last post's end (a
                # history recorded before such claims were refused): the new post wins the days
                last = periods.pop()
                if last.start < change.on:
                    periods.append(replace(last, end=change.on - ONE_DAY))
                    break
            current = ServicePeriod(change.on, calendar_for(change.school_id), None,
                                    change.appropriate_body_id, change.school_id)
        elif change.kind == TRANSFER and current is not None:
            if change.on <= current.start:  # moved before the first day: the post is the new school's
                current = replace(current, school_id=change.school_id,
                                  calendar=calendar_for(change.school_id))
                continue
            periods.append(replace(current, end=change.on - ONE_DAY))
            current = ServicePeriod(change.on, calendar_for(change.school_id), None,
                                    current.appropriate_body_id, change.school_id)
        elif change.kind == END and current is not None:
            periods.append(replace(current, end=max(change.on, current.start),
                                   recorded_terms=change.recorded_terms))
            current = None
    if current is not None:
        periods.append(current)
    return tuple(periods)
