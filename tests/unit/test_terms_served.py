"""Induction served in FTE-weighted terms, worked by hand.

The count itself is ``terms_served``; the minimum period, the years of induction and the terms
required and remaining are asked of the induction clock (``statutory.timeline``), one open or
closed post at a time.

Most examples use a school whose 2025/26 terms are exactly 100 days long, so each day in a
term is 0.01 of a term and the arithmetic can be checked at a glance.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from statutory.calendar import AcademicYear, SchoolCalendar, Term, TermName
from statutory.errors import StatutoryRuleError
from statutory.service import ServicePeriod
from statutory.terms_served import (
    FteChange,
    InvalidWorkingPatternError,
    terms_served,
    terms_served_exact,
)
from statutory.timeline import (
    InductionFacts,
    InvalidDecisionError,
    TermsDecision,
    Timeline,
    induction_timeline,
)

D = Decimal
AUTUMN_START, AUTUMN_END = date(2025, 9, 1), date(2025, 12, 9)
SPRING_START, SPRING_END = date(2026, 1, 5), date(2026, 4, 14)
SUMMER_START, SUMMER_END = date(2026, 4, 20), date(2026, 7, 28)
TIDY = SchoolCalendar({2025: AcademicYear(
    2025,
    Term(TermName.AUTUMN, AUTUMN_START, AUTUMN_END, (date(2025, 10, 27), date(2025, 10, 31))),
    Term(TermName.SPRING, SPRING_START, SPRING_END, (date(2026, 2, 16), date(2026, 2, 20))),
    Term(TermName.SUMMER, SUMMER_START, SUMMER_END, (date(2026, 5, 25), date(2026, 5, 29))),
)})
DEFAULT = SchoolCalendar()


def full_time(start: date = AUTUMN_START) -> list[FteChange]:
    return [FteChange(start, 1.0)]


def post(start: date, end: date | None = None, *, fte: float = 1.0, calendar: SchoolCalendar = TIDY,
         as_of: date = date(2035, 1, 1), extensions: tuple[TermsDecision, ...] = (),
         reductions: tuple[TermsDecision, ...] = ()) -> Timeline:
    """The induction clock for one post from ``start`` (open unless ``end``) at a steady ``fte``."""
    facts = InductionFacts((ServicePeriod(start, calendar, end),), (FteChange(start, fte),),
                           extensions=extensions, reductions=reductions)
    return induction_timeline(facts, as_of)


def counts(clock: Timeline) -> bool:
    """Whether the one post counts towards induction, as the clock's breakdown says (2.33)."""
    [period] = clock.breakdown()["periods"]
    return bool(period["counts"])


def test_the_tidy_calendar_has_hundred_day_terms() -> None:
    assert [term.days for term in TIDY.year(2025).terms] == [100, 100, 100]


# -- statutory rule 1: FTE-weighted terms, one decimal place --------------------------------------


def test_a_full_timer_serving_autumn_spring_and_summer_has_served_three_terms_statutory_rule_1() -> None:
    autumn, _, summer = DEFAULT.year(2025).terms

    served = terms_served(DEFAULT, autumn.start, summer.end, full_time(date(2025, 9, 1)))

    assert served == D("3.0")
    assert str(served) == "3.0"


def test_a_full_timer_serves_one_term_per_term_whatever_its_length_statutory_rule_1() -> None:
    start = date(2025, 9, 1)
    history = full_time(start)

    assert terms_served(DEFAULT, start, date(2025, 12, 19), history) == D("1.0")
    assert terms_served(DEFAULT, start, date(2026, 4, 2), history) == D("2.0")
    assert terms_served(DEFAULT, start, date(2027, 7, 16), history) == D("6.0")


def test_the_guidance_example_two_and_a_half_terms_at_half_time_is_one_point_three_statutory_rule_1() -> None:
    # 2.5 school terms at 0.5 FTE = 1.25 FTE terms, kept to one decimal place: 1.3 (2.34)
    mid_summer = date(2026, 6, 8)  # day 50 of the summer term
    history = [FteChange(AUTUMN_START, 0.5)]

    assert terms_served_exact(TIDY, AUTUMN_START, mid_summer, history) == D("1.25")
    assert terms_served(TIDY, AUTUMN_START, mid_summer, history) == D("1.3")


def test_two_and_a_half_terms_full_time_then_two_and_a_half_at_half_time_is_3_8_statutory_rule_1() -> None:
    # full time for autumn, spring and 50 days of summer; then 0.5 for the rest of summer and
    # the (default) autumn and spring terms of 2026/27: 2.5 + 0.5 x 2.5 = 3.75
    history = [FteChange(AUTUMN_START, 1.0), FteChange(date(2026, 6, 9), 0.5)]
    assert terms_served_exact(TIDY, AUTUMN_START, date(2026, 6, 8), history) == D("2.5")

    served = terms_served(TIDY, AUTUMN_START, date(2027, 3, 25), history)

    assert served == D("3.8")


def test_a_part_timer_at_half_time_takes_four_years_statutory_rule_1() -> None:
    start = date(2025, 9, 1)
    history = [FteChange(start, 0.5)]

    assert terms_served(DEFAULT, start, date(2027, 8, 31), history) == D("3.0")
    assert terms_served(DEFAULT, start, date(2029, 8, 31), history) == D("6.0")


def test_a_mid_term_start_counts_the_share_of_the_term_from_the_start_day_statutory_rule_1() -> None:
    start = date(2025, 11, 10)  # 30 days before the end of the tidy autumn term

    assert terms_served(TIDY, start, AUTUMN_END, full_time(start)) == D("0.3")
    assert terms_served(TIDY, start, SPRING_END, full_time(start)) == D("1.3")


def test_a_change_of_fte_mid_term_weights_the_two_parts_statutory_rule_1() -> None:
    # 49 days (1 Sep - 19 Oct) at 1.0 and 51 days (20 Oct - 9 Dec) at 0.6: 0.49 + 0.306
    history = [FteChange(AUTUMN_START, 1.0), FteChange(date(2025, 10, 20), 0.6)]

    assert terms_served_exact(TIDY, AUTUMN_START, AUTUMN_END, history) == D("0.796")
    assert terms_served(TIDY, AUTUMN_START, AUTUMN_END, history) == D("0.8")


def test_holidays_between_terms_add_nothing_statutory_rule_1() -> None:
    history = full_time()

    at_end_of_autumn = terms_served_exact(TIDY, AUTUMN_START, AUTUMN_END, history)

    assert terms_served_exact(TIDY, AUTUMN_START, date(2026, 1, 4), history) == at_end_of_autumn == D(1)
    assert terms_served_exact(TIDY, AUTUMN_START, date(2026, 1, 5), history) == D("1.01")


def test_a_leaver_stops_serving_on_the_leaving_date_statutory_rule_1() -> None:
    left_on = date(2025, 11, 19)  # day 80 of the tidy autumn term

    served = terms_served(TIDY, AUTUMN_START, date(2026, 7, 1), full_time(), end=left_on)

    assert served == D("0.8")
    assert terms_served(TIDY, AUTUMN_START, date(2025, 10, 1), full_time(), end=left_on) == D("0.3")


def test_nothing_is_served_before_the_start() -> None:
    start = date(2025, 11, 10)

    assert terms_served(TIDY, start, date(2025, 11, 9), full_time(start)) == D("0.0")
    assert terms_served(TIDY, start, date(2025, 11, 9), []) == D("0.0")


@pytest.mark.parametrize(
    ("days", "fte", "expected"),
    [(45, 1.0, "0.5"), (44, 1.0, "0.4"), (5, 1.0, "0.1"), (4, 1.0, "0.0"), (25, 1.0, "0.3"),
     (50, 0.7, "0.4"), (25, 0.9, "0.2"), (50, 0.3, "0.2")],
)
def test_terms_are_rounded_half_up_to_one_decimal_place_statutory_rule_1(
    days: int, fte: float, expected: str
) -> None:
    # 0.45 -> 0.5 and 0.25 -> 0.3 where banker's rounding gives 0.4 and 0.2; 0.7 x 0.5 and
    # 0.3 x 0.5 are 0.35 and 0.15 exactly, where binary floats fall just short and round down
    as_of = date.fromordinal(AUTUMN_START.toordinal() + days - 1)

    assert terms_served(TIDY, AUTUMN_START, as_of, [FteChange(AUTUMN_START, fte)]) == D(expected)


def test_the_history_may_be_given_in_any_order_and_a_later_entry_for_the_same_day_wins() -> None:
    history = [FteChange(date(2025, 10, 20), 0.8), FteChange(AUTUMN_START, 1.0),
               FteChange(date(2025, 10, 20), 0.6)]

    assert terms_served_exact(TIDY, AUTUMN_START, AUTUMN_END, history) == D("0.796")


def test_a_history_that_starts_before_induction_is_cut_at_the_start() -> None:
    start = date(2025, 11, 10)

    assert terms_served(TIDY, start, AUTUMN_END, [FteChange(date(2025, 1, 1), 1.0)]) == D("0.3")


def test_the_working_pattern_must_be_known_from_the_start() -> None:
    with pytest.raises(InvalidWorkingPatternError, match="known from the start of induction on 2025-09-01"):
        terms_served(TIDY, AUTUMN_START, AUTUMN_END, [FteChange(date(2025, 9, 2), 1.0)])
    with pytest.raises(InvalidWorkingPatternError):
        terms_served(TIDY, AUTUMN_START, AUTUMN_END, [])


@pytest.mark.parametrize("fte", [0.0, -0.5, 1.01, float("nan")])
def test_fte_must_be_more_than_zero_and_at_most_one(fte: float) -> None:
    with pytest.raises(InvalidWorkingPatternError, match="FTE must be more than 0 and at most 1"):
        FteChange(AUTUMN_START, fte)
    assert issubclass(InvalidWorkingPatternError, StatutoryRuleError)


# -- statutory rule 2: one term of continuous employment ------------------------------------------
#
# Asked of the induction clock: whether a closed post counts is its breakdown's ``counts``.


def test_less_than_one_term_of_employment_does_not_count_statutory_rule_2() -> None:
    assert not counts(post(AUTUMN_START, date(2025, 12, 8)))
    assert not counts(post(date(2025, 11, 10), date(2026, 3, 1)))  # 0.3 + 0.56
    assert post(date(2025, 11, 10), date(2026, 3, 1)).terms_served == D("0.0")


def test_one_term_or_more_of_employment_counts_whatever_the_fte_statutory_rule_2() -> None:
    # employment is measured in school terms whatever the FTE: at 0.5 a whole autumn is one term
    # of employment, though half a term served
    assert counts(post(AUTUMN_START, AUTUMN_END, fte=0.5))
    assert post(AUTUMN_START, AUTUMN_END, fte=0.5).terms_served == D("0.5")
    assert counts(post(date(2025, 11, 10), date(2026, 3, 15), fte=0.5))  # 0.3 + 0.7
    assert counts(post(AUTUMN_START, AUTUMN_END))


# -- years of induction -------------------------------------------------------------------------


def test_a_full_timer_is_in_year_two_from_the_day_after_three_terms() -> None:
    start = date(2025, 9, 1)
    clock = post(start, calendar=DEFAULT)

    assert clock.induction_year_at(start) == 1
    assert clock.induction_year_at(date(2026, 7, 17)) == 1  # last day of term 3
    assert clock.induction_year_at(date(2026, 7, 18)) == 2
    assert clock.induction_year_at(date(2027, 7, 16)) == 2
    # Changed from induction_year_at, which put any day past six terms in year 3. In the clock
    # year 3 is an AB's extension (3.8): without one an ECT past the end stays in year 2.
    assert clock.induction_year_at(date(2027, 7, 17)) == 2
    extended = post(start, calendar=DEFAULT, extensions=(TermsDecision(D(1), date(2027, 7, 20)),))
    assert extended.extension_starts == date(2027, 7, 17)
    assert extended.induction_year_at(date(2027, 7, 17)) == 3


def test_the_year_of_induction_uses_the_unrounded_terms_served() -> None:
    day_97_of_summer = date(2026, 7, 25)  # 2.96 served before it, which would round to 3.0
    clock = post(AUTUMN_START)

    assert post(AUTUMN_START, as_of=day_97_of_summer).terms_served == D("3.0")
    assert clock.induction_year_at(day_97_of_summer) == 1
    # the clock's rule: year 1 ends at its assessment point, the end of the term in which 3.0 is
    # reached to one decimal place or the day it is reached exactly, whichever is first; here
    # both are the last day of the summer term, 28 Jul, not the day the rounded figure is 3.0
    assert clock.year_two_starts == date(2026, 7, 29)


def test_a_half_timer_reaches_year_two_after_six_school_terms_statutory_rule_1() -> None:
    start = date(2025, 9, 1)
    clock = post(start, calendar=DEFAULT, fte=0.5)

    assert clock.induction_year_at(date(2027, 7, 16)) == 1
    assert clock.induction_year_at(date(2027, 7, 17)) == 2


# -- terms required and remaining (statutory rules 1 and 10) ------------------------------------


def decided(terms: str) -> tuple[TermsDecision, ...]:
    return (TermsDecision(D(terms), date(2025, 9, 1)),)


def test_induction_normally_requires_six_terms_statutory_rule_1() -> None:
    assert post(AUTUMN_START).terms_required == D("6.0")


def test_an_extension_adds_fte_terms_statutory_rule_10() -> None:
    assert post(AUTUMN_START, extensions=decided("1.5")).terms_required == D("7.5")


def test_a_reduction_for_previous_experience_subtracts_terms_statutory_rule_10() -> None:
    assert post(AUTUMN_START, reductions=decided("2")).terms_required == D("4.0")
    # Changed from terms_required, which gave 6 + 1 - 5.5 = 1.5. The clock reduces first, never
    # below one term (3.2-3.4), then adds the AB's extension at the end (3.8): 1 + 1 = 2.
    both = post(AUTUMN_START, extensions=decided("1"), reductions=decided("5.5"))
    assert both.terms_required == D("2.0")


def test_a_reduction_never_leaves_less_than_one_term_statutory_rule_10() -> None:
    assert post(AUTUMN_START, reductions=decided("5")).terms_required == D("1.0")
    assert post(AUTUMN_START, reductions=decided("6")).terms_required == D("1.0")
    assert post(AUTUMN_START, reductions=decided("9")).terms_required == D("1.0")


def test_extensions_and_reductions_cannot_be_negative() -> None:
    # refused when the decision is made (InvalidDecisionError), as terms_required refused them
    with pytest.raises(InvalidDecisionError):
        TermsDecision(D(-1), date(2025, 9, 1))
    with pytest.raises(InvalidDecisionError):
        TermsDecision(D("-0.5"), date(2025, 9, 1))
    assert issubclass(InvalidDecisionError, StatutoryRuleError)


def test_terms_remaining_is_the_difference_to_one_decimal_place_and_never_negative() -> None:
    mid_summer, end_of_summer = date(2026, 6, 8), date(2026, 7, 28)
    assert post(AUTUMN_START, as_of=mid_summer).terms_remaining == D("3.5")  # 2.5 served
    past_the_end = post(AUTUMN_START, as_of=date(2027, 9, 20))
    assert (past_the_end.terms_served, past_the_end.terms_remaining) == (D("6.2"), D("0.0"))
    six_served = post(AUTUMN_START, as_of=date(2027, 7, 16), extensions=decided("1"))
    assert (six_served.terms_served, six_served.terms_remaining) == (D("6.0"), D("1.0"))
    # Changed from terms_remaining(1.25, 2.0) = 0.8: the clock keeps terms served to one decimal
    # place first, as the AB records them (2.34): 2.5 terms at 0.5 is 1.3 served, 0.7 to go.
    half_time = post(AUTUMN_START, as_of=mid_summer, fte=0.5, reductions=decided("4"))
    assert (half_time.terms_served, half_time.terms_required, half_time.terms_remaining) == (
        D("1.3"), D("2.0"), D("0.7"))
    assert str(post(AUTUMN_START, as_of=end_of_summer).terms_remaining) == "3.0"


def test_the_first_day_of_year_two_is_where_three_terms_have_been_served():
    start = date(2025, 9, 1)
    for fte in (1.0, 0.5):
        clock = post(start, calendar=DEFAULT, fte=fte)
        boundary = clock.year_two_starts
        assert boundary is not None
        assert clock.induction_year_at(boundary) == 2
        day_before = boundary - timedelta(days=1)
        assert clock.induction_year_at(day_before) == 1
        assert post(start, calendar=DEFAULT, fte=fte, as_of=day_before).terms_served == D("3.0")
