"""Absence and the 30-day threshold (statutory rule 9), worked by hand."""

from __future__ import annotations

from datetime import date

import pytest

from statutory.absence import (
    STATUTORY_LEAVE,
    THRESHOLD_DAYS,
    Absence,
    AbsenceReason,
    InvalidAbsenceError,
    automatic_extension_days,
    counted_days,
    crosses_threshold,
)
from statutory.errors import StatutoryRuleError

SICKNESS, MATERNITY = AbsenceReason.SICKNESS, AbsenceReason.MATERNITY


def absence(days: float, reason: AbsenceReason = SICKNESS, year: int = 1,
            first_day: date = date(2025, 10, 6)) -> Absence:
    return Absence(first_day=first_day, days=days, reason=reason, induction_year=year)


def test_the_threshold_is_thirty_days_statutory_rule_9() -> None:
    assert THRESHOLD_DAYS == 30


def test_the_statutory_leave_kinds_are_exactly_those_the_guidance_names_statutory_rule_9() -> None:
    assert {reason.value for reason in STATUTORY_LEAVE} == {
        "maternity", "paternity", "adoption", "shared_parental", "parental_bereavement", "carers"}
    assert {reason.value for reason in set(AbsenceReason) - STATUTORY_LEAVE} == {
        "sickness", "compassionate", "unauthorised", "other"}


@pytest.mark.parametrize("reason", sorted(STATUTORY_LEAVE))
def test_statutory_leave_does_not_count_towards_the_threshold_statutory_rule_9(reason: AbsenceReason) -> None:
    absences = [absence(10), absence(100, reason), absence(5)]

    assert counted_days(absences, 1) == 15
    assert not crosses_threshold([absence(29.5)], absence(100, reason))
    assert automatic_extension_days([absence(29.5), absence(100, reason)], 1) == 0


@pytest.mark.parametrize("reason", sorted(set(AbsenceReason) - STATUTORY_LEAVE))
def test_other_absences_count_towards_the_threshold_statutory_rule_9(reason: AbsenceReason) -> None:
    assert counted_days([absence(3, reason), absence(0.5, reason)], 1) == 3.5


def test_only_the_given_year_of_induction_is_counted_statutory_rule_9() -> None:
    absences = [absence(20, year=1), absence(15, year=2), absence(12, year=1)]

    assert counted_days(absences, 1) == 32
    assert counted_days(absences, 2) == 15
    assert counted_days(absences, 3) == 0


def test_the_absence_that_takes_the_year_to_thirty_days_crosses_the_threshold_statutory_rule_9() -> None:
    assert crosses_threshold([absence(20), absence(9.5)], absence(0.5))
    assert crosses_threshold([absence(20)], absence(25))
    assert crosses_threshold([], absence(30))


def test_absences_that_stay_below_thirty_days_do_not_cross_statutory_rule_9() -> None:
    assert not crosses_threshold([absence(20), absence(9)], absence(0.5))
    assert not crosses_threshold([], absence(29.5))


def test_the_threshold_is_crossed_only_once_a_year_statutory_rule_9() -> None:
    assert not crosses_threshold([absence(30)], absence(1))
    assert not crosses_threshold([absence(25), absence(6)], absence(3))


def test_absences_in_another_year_do_not_help_cross_this_years_threshold_statutory_rule_9() -> None:
    previous = [absence(29, year=1)]

    assert not crosses_threshold(previous, absence(5, year=2))
    assert crosses_threshold([*previous, absence(5, year=2)], absence(1, year=1))
    assert crosses_threshold([absence(31, year=1)], absence(30, year=2))


def test_the_year_is_extended_by_all_counted_days_once_it_reaches_thirty_statutory_rule_9() -> None:
    absences = [absence(12), absence(18), absence(40, MATERNITY), absence(4, year=2)]

    assert automatic_extension_days(absences, 1) == 30
    assert automatic_extension_days([*absences, absence(6.5)], 1) == 36.5
    assert automatic_extension_days(absences, 2) == 0


def test_no_extension_below_thirty_days_statutory_rule_9() -> None:
    assert automatic_extension_days([absence(29.5)], 1) == 0
    assert automatic_extension_days([], 1) == 0


@pytest.mark.parametrize("days", [0, -1, 0.25, 1.3, float("nan"), float("inf")])
def test_an_absence_lasts_a_positive_number_of_half_days(days: float) -> None:
    with pytest.raises(InvalidAbsenceError, match="positive number of half days"):
        absence(days)


def test_an_absence_belongs_to_a_year_of_induction() -> None:
    with pytest.raises(InvalidAbsenceError, match="no year 0 of induction"):
        absence(1, year=0)


def test_a_reason_given_as_text_is_read_as_an_absence_reason_and_unknown_ones_are_refused() -> None:
    recorded = Absence(date(2025, 10, 6), 2, "maternity", 1)  # type: ignore[arg-type]

    assert recorded.reason is AbsenceReason.MATERNITY
    assert recorded.days == 2.0 and isinstance(recorded.days, float)
    assert not recorded.counts
    with pytest.raises(ValueError, match="'holiday' is not a valid AbsenceReason"):
        Absence(date(2025, 10, 6), 2, "holiday", 1)  # type: ignore[arg-type]


def test_absence_errors_are_domain_errors() -> None:
    assert issubclass(InvalidAbsenceError, StatutoryRuleError)
