"""The induction clock (``statutory.timeline``) against a plain day-by-day reference.

The reference is the rules as ``statutory.timeline`` and ``statutory.service`` document them,
with no cleverness: walk every day from the first start, find the post the ECT is in that
day, and on a term day of that post's own calendar add (FTE that day) / (days in that term);
group the posts into runs of continuous employment (no working day between them), drop an
ended run shorter than one term of employment (2.33); round each period to one decimal place,
half up, and add the periods up (2.34). The years are placed by walking the days again: a year
ends on the first day its target is reached (three terms, or the rest of the six less any
reduction, or the AB's extensions), where the target grows with the absences begun in the year
so far (30 counted days or more: all of them, 3.6; statutory-leave opt-ins always, 3.7; at 65
days a term, rounded up to 0.1), and "reached" is the documented assessment point: the day the
figure is reached exactly, or the end of a term (on the calendar of the post held that day) by
which the figure to one decimal place has reached it, whichever is first.

Every example is derandomised, so CI sees the same ones on every run.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, timedelta
from decimal import ROUND_UP, Decimal
from fractions import Fraction
from functools import lru_cache
from random import Random

from hypothesis import given, settings
from hypothesis import strategies as st

from statutory.absence import STATUTORY_LEAVE, AbsenceFact, AbsenceReason
from statutory.calendar import AcademicYear, SchoolCalendar, Term, TermName, academic_year_of, england_default
from statutory.reports_due import FORMAL_ASSESSMENT, PROGRESS_REVIEW
from statutory.service import ServicePeriod
from statutory.terms_served import FteChange
from statutory.timeline import (
    INTERIM_ASSESSMENT,
    InductionFacts,
    LeaveExtension,
    TermsDecision,
    Timeline,
    induction_timeline,
)
from statutory.working_days import add_working_days, is_working_day
from tests.unit.test_terms_served_properties import shifted_term  # the shifted school terms

ONE_DAY = timedelta(days=1)
HORIZON = timedelta(days=366 * 14)  # how far the ledger projects an open post
FIRST_START, LAST_START = date(2024, 9, 1), date(2026, 6, 30)
COMPARE = settings(max_examples=100, deadline=None, derandomize=True)
INVARIANT = settings(max_examples=60, deadline=None, derandomize=True)


# -- strategies ------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def school_calendar(seed: int | None) -> SchoolCalendar:
    """The default dates (no seed), or a school's own, shifted from them, for 2024-2030."""
    if seed is None:
        return SchoolCalendar()
    rng = Random(seed)
    own = {year: AcademicYear(year, *(shifted_term(t, rng) for t in england_default(year).terms))
           for year in range(2024, 2031)}
    return SchoolCalendar(own)


def days_between(first: date, last: date) -> st.SearchStrategy[date]:
    return st.integers(first.toordinal(), last.toordinal()).map(date.fromordinal)


ftes = st.one_of(st.sampled_from([1.0, 1.0, 0.9, 0.8, 0.75, 0.6, 0.5, 0.4]),
                 st.integers(30, 100).map(lambda n: n / 100))
tenths = st.integers(1, 30).map(lambda n: Decimal(n).scaleb(-1))
COUNTED_REASONS = [AbsenceReason.SICKNESS, AbsenceReason.OTHER, AbsenceReason.COMPASSIONATE]
LEAVE_REASONS = sorted(STATUTORY_LEAVE)


@st.composite
def post_lengths(draw: st.DrawFn) -> int:
    """Days in post (inclusive): short of a term, around a term, or long."""
    kind = draw(st.sampled_from(["short", "about a term", "long", "long", "long"]))
    return draw({"short": st.integers(1, 70), "about a term": st.integers(70, 140),
                 "long": st.integers(140, 900)}[kind])


@st.composite
def gaps(draw: st.DrawFn, after: date) -> date:
    """The next post's first day: the next day (a transfer), after a weekend (still continuous),
    after a few days, or after months without a post."""
    kind = draw(st.sampled_from(["next", "weekend", "days", "months"]))
    if kind == "next":
        return after + ONE_DAY
    if kind == "weekend":
        return after + timedelta(days=(7 - after.weekday()) % 7 or 7)  # the next Monday
    if kind == "days":
        return after + timedelta(days=draw(st.integers(2, 20)))
    return after + timedelta(days=draw(st.integers(30, 300)))


def next_term(calendar: SchoolCalendar, day: date) -> Term:
    """The term ``day`` falls in, or the next one."""
    year = day.year if day.month >= 9 else day.year - 1
    return next(t for y in (year, year + 1) for t in calendar.year(y).terms if t.end >= day)


def next_term_start(calendar: SchoolCalendar, day: date) -> date:
    """The first day of the first term to start on or after ``day``."""
    year = day.year if day.month >= 9 else day.year - 1
    return next(t.start for y in (year, year + 1) for t in calendar.year(y).terms if t.start >= day)


@st.composite
def on_term_dates(draw: st.DrawFn, calendar: SchoolCalendar, day: date, *, end: bool) -> date:
    """``day`` as drawn, or (as posts mostly go) moved to the start or the end of its term, or a
    day or two from it: the edges where a figure rounds one way or the other."""
    if draw(st.booleans()):
        return day
    off = timedelta(days=draw(st.sampled_from([0, 0, 1, 2, 3])))
    if end:
        return max(next_term(calendar, day).end - off, day)
    return next_term_start(calendar, day) + off


@st.composite
def facts_strategy(draw: st.DrawFn) -> InductionFacts:
    schools = draw(st.lists(st.none() | st.integers(0, 2**32), min_size=1, max_size=3))
    count = draw(st.integers(1, 4))
    start = draw(days_between(FIRST_START, LAST_START))
    periods: list[ServicePeriod] = []
    for index in range(count):
        school = draw(st.integers(0, len(schools) - 1))
        calendar = school_calendar(schools[school])
        after_months = bool(periods) and start - (periods[-1].end or start) > timedelta(days=20)
        if not periods or after_months:  # a new post after months without one: at a term start
            start = draw(on_term_dates(calendar, start, end=False))
        last = index == count - 1
        end = None
        if not (last and draw(st.booleans())):
            end = draw(on_term_dates(calendar, start + timedelta(days=draw(post_lengths()) - 1), end=True))
        periods.append(ServicePeriod(start, calendar, end, f"ab{draw(st.integers(1, 3))}", f"school{school}"))
        if end is None:
            break
        start = draw(gaps(end))
    first, final = periods[0].start, periods[-1].end or periods[-1].start + timedelta(days=900)
    history = [FteChange(first - timedelta(days=draw(st.sampled_from([0, 0, 3]))), draw(ftes))]
    for _ in range(draw(st.integers(0, 3))):
        history.append(FteChange(draw(days_between(first, final)), draw(ftes)))

    absences: list[AbsenceFact] = []
    leave: list[LeaveExtension] = []
    for _ in range(draw(st.integers(0, 6))):
        period = periods[draw(st.integers(0, len(periods) - 1))]
        day = draw(days_between(period.start, period.end or period.start + timedelta(days=800)))
        while not is_working_day(day):
            day += ONE_DAY
        days = draw(st.one_of(st.integers(1, 10), st.integers(10, 70))) / 2
        statutory = draw(st.integers(0, 4)) == 0
        if statutory:
            days *= 2
            absences.append(AbsenceFact(day, days, draw(st.sampled_from(LEAVE_REASONS))))
            if draw(st.booleans()):  # the ECT chose to extend after it (3.7)
                leave.append(LeaveExtension(day, draw(st.integers(5, 90))))
        else:
            absences.append(AbsenceFact(day, days, draw(st.sampled_from(COUNTED_REASONS))))
    decided = first + timedelta(days=400)
    extensions = tuple(TermsDecision(draw(tenths), decided + timedelta(days=n))
                       for n in range(draw(st.integers(0, 2))))
    reductions = tuple(TermsDecision(draw(st.integers(1, 60).map(lambda n: Decimal(n).scaleb(-1))),
                                     first + timedelta(days=n))
                       for n in range(draw(st.sampled_from([0, 0, 0, 1, 2]))))
    return InductionFacts(tuple(periods), tuple(history), tuple(absences), tuple(leave),
                          extensions, reductions)


# -- the reference ---------------------------------------------------------------------------
#
# Exact arithmetic in one common unit: a day adds (FTE in hundredths) / (100 x days in its
# term), so counting in units of 1 / (100 x the lcm of every term's length) keeps each day's
# share a whole number and every sum exact, without Fractions (which made the walk slow).

FIRST_YEAR, LAST_YEAR = 2023, 2041


@lru_cache(maxsize=64)
def term_days(calendar: SchoolCalendar) -> dict[date, Term]:
    """Every day of every term 2023/24-2041/42 on ``calendar``, with its term."""
    return {term.start + timedelta(days=n): term
            for year in range(FIRST_YEAR, LAST_YEAR + 1) for term in calendar.year(year).terms
            for n in range(term.days)}


def hundredths(fte: float) -> int:
    value = Decimal(repr(fte)) * 100
    assert value == value.to_integral_value(), fte  # the strategies draw whole hundredths
    return int(value)


def fte_on(history: tuple[FteChange, ...], day: date) -> int:
    """The FTE (in hundredths) of the latest change on or before ``day``; of two on one day,
    the later given."""
    in_force = [c for c in history if c.effective_from <= day]
    latest = max(c.effective_from for c in in_force)
    return hundredths([c for c in in_force if c.effective_from == latest][-1].fte)


def half_up(value: Fraction) -> Decimal:
    return Decimal(math.floor(value * 10 + Fraction(1, 2))).scaleb(-1)


def days_as_terms(days: float) -> Fraction:
    """65 school days a term, rounded up to one decimal place."""
    return Fraction((Decimal(repr(days)) / 65).quantize(Decimal("0.1"), rounding=ROUND_UP))


class Reference:
    """The facts counted day by day."""

    def __init__(self, facts: InductionFacts) -> None:
        self.facts = facts
        periods = sorted(facts.periods, key=lambda p: p.start)
        self.periods = periods
        self.first = periods[0].start
        horizon = self.first + HORIZON
        self.lasts = [min(p.end or horizon, horizon) for p in periods]
        self.days = [self.first + timedelta(days=n) for n in range((self.lasts[-1] - self.first).days + 1)]
        lengths = {t.days for p in periods for t in term_days(p.calendar).values()}
        self.unit = 100 * math.lcm(*lengths)  # one FTE term is ``unit``
        # walk every day: the post held, whether it is the last day of a term, what the day adds
        self.post_on: list[int | None] = []
        term_on: list[Term | None] = []
        adds: list[list[int]] = [[] for _ in periods]  # per post, per day of the walk
        employed = [0] * len(periods)  # terms of employment, whatever the FTE, in units
        for day in self.days:
            held = next((i for i, p in enumerate(periods) if p.start <= day <= self.lasts[i]), None)
            self.post_on.append(held)
            term = term_days(periods[held].calendar).get(day) if held is not None else None
            term_on.append(term)
            for i in range(len(periods)):
                adds[i].append(0)
            if held is not None and term is not None:
                per_day = self.unit // (100 * term.days)
                adds[held][-1] = fte_on(facts.fte_history, day) * per_day
                employed[held] += 100 * per_day
        # runs of continuous employment: no working day between one post and the next
        runs: list[list[int]] = []
        for i, period in enumerate(periods):
            if runs:
                before = periods[runs[-1][-1]].end
                assert before is not None
                between = [before + timedelta(days=n) for n in range(1, (period.start - before).days)]
                if not any(is_working_day(d) for d in between):
                    runs[-1].append(i)
                    continue
            runs.append([i])
        self.employed = employed
        self.counts = [True] * len(periods)
        for run in runs:  # an ended run short of a term counts for nothing (2.33)
            if periods[run[-1]].end is not None and sum(employed[i] for i in run) < self.unit:
                for i in run:
                    self.counts[i] = False
        # each post's running total, day by day (nothing for a post that does not count)
        self.cumulative: list[list[int]] = []
        for i in range(len(periods)):
            total, running = 0, []
            for add in adds[i]:
                total += add if self.counts[i] else 0
                running.append(total)
            self.cumulative.append(running)
        self.exact = [sum(column) for column in zip(*self.cumulative, strict=True)]
        # the terms of the induction: each school term served in a post that counts, ending
        # where the last school to have the ECT in it ends it (a move mid-term: the new school)
        ends: dict[tuple[int, TermName], date] = {}
        for held, term in zip(self.post_on, term_on, strict=True):
            if held is not None and term is not None and self.counts[held]:
                ends[(academic_year_of(term.start), term.name)] = term.end
        self.term_end_on = [held is not None and day in set(ends.values())
                            for held, day in zip(self.post_on, self.days, strict=True)]

    def index(self, day: date) -> int:
        """The walk's index of ``day`` (the last day walked for any later day; -1 before)."""
        return min((day - self.first).days, len(self.days) - 1)

    def period_terms(self, as_of: date) -> list[Decimal]:
        at = self.index(as_of)
        return [half_up(Fraction(column[at], self.unit)) if at >= 0 else Decimal(0)
                for column in self.cumulative]

    def terms_served(self, as_of: date) -> Decimal:
        return sum(self.period_terms(as_of), Decimal(0))

    def reaches(self, at: int, target: Fraction) -> bool:
        """The assessment point: reached exactly, or the end of a term of the induction, in
        post, by which the figure to one decimal place has reached it."""
        if self.exact[at] >= target * self.unit:
            return True
        return (self.post_on[at] is not None and self.term_end_on[at]
                and self.terms_served(self.days[at]) >= half_up(target))

    def extension(self, first: date, through: date | None) -> Fraction:
        """What the absences begun from ``first`` to ``through`` add to their year."""
        inside = [a for a in self.facts.absences
                  if first <= a.first_day and (through is None or a.first_day <= through)]
        counted = sum((a.days for a in inside if a.reason not in STATUTORY_LEAVE), 0.0)
        leave = sum((x.days for x in self.facts.leave_extensions
                     if first <= x.requested_on and (through is None or x.requested_on <= through)), 0.0)
        return (days_as_terms(counted) if counted >= 30 else Fraction(0)) + days_as_terms(leave)

    @property
    def base(self) -> Decimal:
        return max(Decimal(6) - sum((r.terms for r in self.facts.reductions), Decimal(0)), Decimal(1))

    def years(self) -> tuple[dict[int, date], dict[int, date | None], Fraction]:
        """The first day of each year reached, each year's assessment point, and the terms
        the last year ends at (the terms required)."""
        year_one = min(Decimal(3), self.base)
        ab = sum((e.terms for e in self.facts.extensions), Decimal(0))
        lengths = [(y, Fraction(n)) for y, n in ((1, year_one), (2, self.base - year_one), (3, ab)) if n > 0]
        # year 1 starts with the first post that counts: an ended post shorter than a term is
        # not induction (2.33), nor are the absences in it
        first_counted = next((p.start for p, c in zip(self.periods, self.counts, strict=True) if c),
                             self.first)
        starts, points, reached = {1: first_counted}, {}, Fraction(0)
        following_years = [*(y for y, _ in lengths[1:]), None]
        # the days on which an absence or an opt-in begins: the only days the target can grow
        beginnings = {a.first_day for a in self.facts.absences} | {
            x.requested_on for x in self.facts.leave_extensions}
        for (year, length), following in zip(lengths, following_years, strict=True):
            if year not in starts:
                reached += length
                continue
            first = starts[year]
            point, target = None, reached + length + self.extension(first, self.first - ONE_DAY)
            for at, day in enumerate(self.days):
                if day in beginnings:
                    target = reached + length + self.extension(first, day)
                if self.reaches(at, target):
                    point = day
                    break
            reached += length + self.extension(first, point)
            points[year] = point
            if point is not None and following is not None:
                starts[following] = point + ONE_DAY
        return starts, points, reached


def year_at(starts: dict[int, date], day: date) -> int:
    return max((y for y, first in starts.items() if first <= day), default=1)


# -- comparisons with the reference --------------------------------------------------------------


@COMPARE
@given(facts_strategy(), st.data())
def test_terms_served_per_period_and_in_total_agree_with_the_day_by_day_count(
        facts: InductionFacts, data: st.DataObject) -> None:
    reference = Reference(facts)
    for as_of in data.draw(st.lists(days_between(reference.first - timedelta(days=20),
                                                 reference.days[-1] + timedelta(days=60)),
                                    min_size=1, max_size=4)):
        timeline = induction_timeline(facts, as_of)
        assert list(timeline.period_terms) == reference.period_terms(as_of), as_of
        assert timeline.terms_served == reference.terms_served(as_of), as_of
        rows = timeline.breakdown()["periods"]
        assert [row["counts"] for row in rows] == reference.counts


@COMPARE
@given(facts_strategy(), st.data())
def test_the_years_the_terms_required_and_the_year_of_each_absence_agree_with_walking_the_days(
        facts: InductionFacts, data: st.DataObject) -> None:
    reference = Reference(facts)
    starts, points, required = reference.years()
    timeline = induction_timeline(facts, reference.days[-1])

    assert timeline.plan.year_starts == starts
    assert timeline.year_two_starts == starts.get(2)
    assert timeline.terms_required == half_up(required)
    final = timeline.plan.points[-1]
    assert final.final and final.on == points[max(points)]
    if 2 in points:
        assert timeline.plan.points[0].on == points[1]
    for absence in timeline.plan.absences:
        assert absence.induction_year == year_at(starts, absence.first_day)
        assert timeline.year_of_absence(absence.first_day) == absence.induction_year
    for day in data.draw(st.lists(days_between(reference.first, reference.days[-1]), max_size=5)):
        assert timeline.induction_year_at(day) == year_at(starts, day), day


# -- invariants ------------------------------------------------------------------------------------


def teaching_term(timeline: Timeline, day: date) -> bool:
    """Whether ``day`` is in a term, outside its half-term, on the calendar of the post held
    then (or last held)."""
    posts = [c.period for c in timeline.plan.ledger.periods if c.period.start <= day]
    term = posts[-1].calendar.term_at(day) if posts else None
    return not posts or (term is not None and not term.in_half_term(day))


def reports_checked(timeline: Timeline, facts: InductionFacts) -> None:
    reports = timeline.reports
    assert [r.held_on for r in reports] == sorted(r.held_on for r in reports)
    finals = [r for r in reports if r.final]
    final_point = timeline.plan.points[-1]
    if final_point.on is not None:
        assert len(finals) == 1 and finals[0].kind == FORMAL_ASSESSMENT
        # held on the point, or on the nearest school day in its term when it falls on a
        # weekend, in a half-term or on a bank holiday
        assert abs((finals[0].held_on - final_point.on).days) < 14
    else:
        assert finals == []
    counted = [c for c in timeline.plan.ledger.periods if c.counts]
    for report in reports:
        # the term reported on is a term the ECT served in, not one in a gap
        assert any(c.period.start <= report.term_end and report.term_start <= c.last for c in counted), report
        holder = next(c.period for c in timeline.plan.ledger.periods
                      if c.period.start <= report.held_on <= c.last)
        assert report.appropriate_body_id == holder.appropriate_body_id, report
        assert report.school_id == holder.school_id, report
        # postponed while absent, held on the first teaching day back (2.56); due 10 working
        # days after the meeting (2.61), and a postponed review likewise
        back = report.held_on
        if report.kind != INTERIM_ASSESSMENT:
            while (away := next((a for a in facts.absences if a.first_day <= back <= a.last_day), None)):
                back = away.last_day + ONE_DAY
                while not (is_working_day(back) and teaching_term(timeline, back)):
                    back += ONE_DAY
        postponed = back != report.held_on
        assert report.postponed_until == (back if postponed else None), report
        if report.kind == PROGRESS_REVIEW:
            assert report.due_on == (add_working_days(back, 10) if postponed else report.held_on), report
        else:
            assert report.due_on == add_working_days(back, 10), report
        assert report.term_number == timeline.term_number_at(report.term_start)


def interims_checked(timeline: Timeline, facts: InductionFacts, reference: Reference) -> None:
    """A post left after at least a term of employment in it owes an interim assessment by its
    last day, unless a formal assessment is held in that term before they go (2.62), with the
    induction served by then and the days absent since the last assessment (2.63)."""
    formal = [r.held_on for r in timeline.reports if r.kind == FORMAL_ASSESSMENT]
    owed = 0
    for i, period in enumerate(reference.periods):
        if period.end is None or reference.employed[i] < reference.unit:
            continue
        term = timeline.term(timeline.term_number_at(period.end))
        assert term is not None
        if any(term.start <= day <= period.end for day in formal):
            continue
        owed += 1
        found = [r for r in timeline.reports if r.kind == INTERIM_ASSESSMENT and r.term_start == term.start
                 and r.school_id == period.school_id and r.held_on <= period.end]
        assert found, (period, timeline.reports)
        interim = found[-1]
        assert interim.terms_served == reference.terms_served(period.end)
        since = max((day for day in formal if day < period.end), default=reference.first - ONE_DAY)
        assert interim.days_absent == sum(a.days for a in facts.absences if since < a.first_day <= period.end)
    assert owed == len([r for r in timeline.reports if r.kind == INTERIM_ASSESSMENT])


@INVARIANT
@given(facts_strategy(), st.data())
def test_the_breakdown_adds_up_terms_never_go_down_and_the_reports_follow_the_posts(
        facts: InductionFacts, data: st.DataObject) -> None:
    first = min(p.start for p in facts.periods)
    days = sorted(data.draw(st.lists(days_between(first - timedelta(days=5), first + timedelta(days=2500)),
                                     min_size=2, max_size=5)))
    timelines = [induction_timeline(facts, day) for day in days]
    for timeline in timelines:
        rows = timeline.breakdown()["periods"]
        assert sum((Decimal(str(row["terms"])) for row in rows), Decimal(0)) == timeline.terms_served
        assert timeline.breakdown()["terms_served"] == float(timeline.terms_served)
    served = [t.terms_served for t in timelines]
    assert served == sorted(served)
    reports_checked(timelines[-1], facts)
    interims_checked(timelines[-1], facts, Reference(facts))


@INVARIANT
@given(facts_strategy())
def test_the_plan_is_the_same_whatever_the_order_of_the_facts(facts: InductionFacts) -> None:
    shuffled = replace(facts, periods=facts.periods[::-1], absences=facts.absences[::-1])
    day = min(p.start for p in facts.periods) + timedelta(days=700)
    plan, again = induction_timeline(facts, day).plan, induction_timeline(shuffled, day).plan
    assert replace(again, ledger=plan.ledger) == plan
    assert again.ledger.periods == plan.ledger.periods
