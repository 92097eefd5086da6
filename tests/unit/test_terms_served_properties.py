"""Terms served, checked against a day-by-day reference over random calendars and histories.

The reference is the rule as the guidance states it, with no cleverness: for every day served,
if it is a term day add (FTE that day) / (days in that term), then round half up to 1 dp.
The year of induction each day falls in is the induction clock's, checked against its own
day-by-day reference in ``test_timeline_properties``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal
from fractions import Fraction
from random import Random

from hypothesis import given, settings
from hypothesis import strategies as st

from statutory.calendar import AcademicYear, SchoolCalendar, Term, england_default
from statutory.terms_served import FteChange, terms_served, terms_served_exact

YEARS = range(2024, 2029)
FIRST_DAY, LAST_DAY = date(2024, 9, 1), date(2029, 8, 31)
MODEST = settings(max_examples=200, deadline=None)  # the comparisons with the reference
QUICK = settings(max_examples=100, deadline=None)  # invariants cheap to hold, costly to generate for
ONE_DAY = timedelta(days=1)
SEEDS = st.none() | st.integers(0, 2**32)


# -- strategies ------------------------------------------------------------------------------


def shifted_term(term: Term, rng: Random) -> Term:
    """The default term moved a few days either way, its half-term moved or (sometimes) dropped."""
    start = term.start + timedelta(days=rng.randint(-3, 5))
    if term.start.month == 9:
        start = max(start, date(term.start.year, 9, 1))
    end = term.end + timedelta(days=rng.randint(-5, 3))
    half_term = term.half_term
    if half_term is not None:
        shift = timedelta(days=rng.randint(-7, 7))
        half_term = None if rng.random() < 0.25 else (
            half_term[0] + shift, half_term[1] + shift + timedelta(days=rng.randint(0, 4)))
    return replace(term, start=start, end=end, half_term=half_term)


@st.composite
def calendars(draw: st.DrawFn) -> SchoolCalendar:
    """Each year 2024-2028 on the default dates or on the school's own, shifted from them.

    One seed per year rather than a draw per date keeps generation cheap.
    """
    own: dict[int, AcademicYear] = {}
    for start_year in YEARS:
        seed = draw(SEEDS)
        if seed is not None:
            rng = Random(seed)
            own[start_year] = AcademicYear(
                start_year, *(shifted_term(t, rng) for t in england_default(start_year).terms))
    return SchoolCalendar(own)


def days_between(first: date, last: date) -> st.SearchStrategy[date]:
    return st.integers(first.toordinal(), last.toordinal()).map(date.fromordinal)


ftes = st.one_of(
    st.sampled_from([1.0, 0.9, 0.8, 0.75, 0.7, 0.6, 0.5, 0.4, 0.3, 0.25, 0.2, 0.1]),
    st.integers(1, 100).map(lambda n: n / 100),
)


@st.composite
def fte_histories(draw: st.DrawFn, start: date) -> list[FteChange]:
    first = start - timedelta(days=draw(st.sampled_from([0, 0, 0, 1, 40])))
    history = [FteChange(first, draw(ftes))]
    for _ in range(draw(st.integers(0, 4))):
        history.append(FteChange(draw(days_between(start, LAST_DAY)), draw(ftes)))
    return history


@st.composite
def inductions(draw: st.DrawFn) -> tuple[SchoolCalendar, date, list[FteChange], date | None]:
    calendar = draw(calendars())
    start = draw(days_between(FIRST_DAY, date(2027, 8, 31)))
    end = draw(st.none() | days_between(start - timedelta(days=10), LAST_DAY))
    return calendar, start, draw(fte_histories(start)), end


# -- the reference ---------------------------------------------------------------------------


def reference_term_days(calendar: SchoolCalendar) -> dict[date, Term]:
    return {
        term.start + timedelta(days=n): term
        for start_year in range(2023, 2030)
        for term in calendar.year(start_year).terms
        for n in range(term.days)
    }


def reference_fte(history: list[FteChange], day: date) -> Decimal:
    """The FTE of the latest change on or before ``day``; of two on one day, the later given."""
    in_force = [change for change in history if change.effective_from <= day]
    latest = max(change.effective_from for change in in_force)
    return Decimal(str([c for c in in_force if c.effective_from == latest][-1].fte))


def reference_served(calendar: SchoolCalendar, start: date, last: date, history: list[FteChange]) -> Fraction:
    term_of = reference_term_days(calendar)
    fte_days: dict[Term, Decimal] = {}  # per term, the sum of the FTE on each day served (exact)
    day = start
    while day <= last:
        if day in term_of:
            fte_days[term_of[day]] = fte_days.get(term_of[day], Decimal(0)) + reference_fte(history, day)
        day += ONE_DAY
    return sum((Fraction(total) / term.days for term, total in fte_days.items()), Fraction(0))


def rounded(value: Fraction) -> Decimal:
    exact = Context(prec=60).divide(Decimal(value.numerator), Decimal(value.denominator))
    return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# -- properties ------------------------------------------------------------------------------


@MODEST
@given(inductions(), st.data())
def test_terms_served_agrees_with_counting_day_by_day(
    induction: tuple[SchoolCalendar, date, list[FteChange], date | None], data: st.DataObject
) -> None:
    calendar, start, history, end = induction
    as_of = data.draw(days_between(start - timedelta(days=30), LAST_DAY))
    last = as_of if end is None else min(as_of, end)

    expected = reference_served(calendar, start, last, history)

    assert terms_served(calendar, start, as_of, history, end=end) == rounded(expected)
    exact = terms_served_exact(calendar, start, as_of, history, end=end)
    assert abs(exact - Decimal(expected.numerator) / Decimal(expected.denominator)) < Decimal("1e-20")


@QUICK
@given(inductions(), st.data())
def test_terms_served_never_goes_down_as_time_passes(
    induction: tuple[SchoolCalendar, date, list[FteChange], date | None], data: st.DataObject
) -> None:
    calendar, start, history, end = induction
    earlier = data.draw(days_between(start - timedelta(days=5), LAST_DAY))
    later = data.draw(days_between(earlier, LAST_DAY))

    assert terms_served_exact(calendar, start, earlier, history, end=end) <= terms_served_exact(
        calendar, start, later, history, end=end)
    assert terms_served(calendar, start, earlier, history, end=end) <= terms_served(
        calendar, start, later, history, end=end)


@QUICK
@given(inductions(), st.data())
def test_nothing_is_served_before_the_start(
    induction: tuple[SchoolCalendar, date, list[FteChange], date | None], data: st.DataObject
) -> None:
    calendar, start, history, end = induction
    as_of = data.draw(days_between(start - timedelta(days=400), start - ONE_DAY))

    assert terms_served(calendar, start, as_of, history, end=end) == 0
    assert terms_served_exact(calendar, start, as_of, history) == 0


@QUICK
@given(inductions(), st.data())
def test_the_leaving_date_caps_what_is_served(
    induction: tuple[SchoolCalendar, date, list[FteChange], date | None], data: st.DataObject
) -> None:
    calendar, start, history, _ = induction
    end = data.draw(days_between(start, LAST_DAY))
    as_of = data.draw(days_between(start, LAST_DAY))

    assert terms_served_exact(calendar, start, as_of, history, end=end) == terms_served_exact(
        calendar, start, min(as_of, end), history)


@QUICK
@given(calendars(), st.integers(2024, 2027), st.integers(1, 2), ftes)
def test_whole_academic_years_at_a_steady_fte_give_three_terms_a_year_times_the_fte_statutory_rule_1(
    calendar: SchoolCalendar, first_year: int, years: int, fte: float
) -> None:
    start = date(first_year, 9, 1)
    as_of = date(first_year + years, 8, 31)

    exact = terms_served_exact(calendar, start, as_of, [FteChange(start, fte)])

    assert exact == Decimal(3 * years) * Decimal(str(fte))
    if fte == 1.0:
        assert terms_served(calendar, start, as_of, [FteChange(start, 1.0)]) == Decimal(3 * years)


# -- the calendar questions the count relies on ---------------------------------------------------


@MODEST
@given(calendars(), st.data())
def test_term_at_and_teaching_weeks_agree_with_the_terms_day_by_day(
    calendar: SchoolCalendar, data: st.DataObject
) -> None:
    first = data.draw(days_between(FIRST_DAY, LAST_DAY - timedelta(days=120)))
    last = data.draw(days_between(first - ONE_DAY, first + timedelta(days=120)))
    term_of = reference_term_days(calendar)

    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    teaching = [d for d in days if d in term_of and d.weekday() < 5 and not term_of[d].in_half_term(d)]

    assert all(calendar.term_at(d) == term_of.get(d) for d in days)
    assert calendar.teaching_weeks(first, last) == sorted({d - timedelta(days=d.weekday()) for d in teaching})
    assert calendar.terms_between(first, last) == sorted(
        {term_of[d] for d in days if d in term_of}, key=lambda t: t.start)
