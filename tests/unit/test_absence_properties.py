"""The 30-day threshold (statutory rule 9) against a running sum, for any order or splitting."""

from __future__ import annotations

from datetime import date, timedelta
from random import Random

from hypothesis import given, settings
from hypothesis import strategies as st

from statutory.absence import (
    STATUTORY_LEAVE,
    THRESHOLD_DAYS,
    Absence,
    AbsenceReason,
    automatic_extension_days,
    counted_days,
    crosses_threshold,
)

MODEST = settings(max_examples=200, deadline=None)
YEARS = (1, 2, 3)

half_days = st.integers(1, 40).map(lambda n: n / 2)  # half a day to twenty days
absences = st.builds(
    Absence,
    first_day=st.integers(0, 700).map(lambda n: date(2025, 9, 1) + timedelta(days=n)),
    days=half_days,
    reason=st.sampled_from(AbsenceReason),
    induction_year=st.sampled_from(YEARS),
)
statutory_leave = st.builds(
    Absence,
    first_day=st.just(date(2026, 1, 5)),
    days=half_days,
    reason=st.sampled_from(sorted(STATUTORY_LEAVE)),
    induction_year=st.sampled_from(YEARS),
)


def firings(recorded: list[Absence]) -> list[tuple[int, int]]:
    """(index, year) of each absence for which crosses_threshold says the event fires."""
    return [(i, a.induction_year) for i, a in enumerate(recorded) if crosses_threshold(recorded[:i], a)]


def reference_firings(recorded: list[Absence]) -> list[tuple[int, int]]:
    """The rule by hand: keep a running total per year; fire when it first reaches 30."""
    running: dict[int, float] = dict.fromkeys(YEARS, 0.0)
    fired = []
    for i, a in enumerate(recorded):
        if a.reason in STATUTORY_LEAVE:
            continue
        before = running[a.induction_year]
        running[a.induction_year] += a.days
        if before < THRESHOLD_DAYS <= running[a.induction_year]:
            fired.append((i, a.induction_year))
    return fired


def reference_total(recorded: list[Absence], year: int) -> float:
    """The counted days by hand, absence by absence: statutory leave never counts."""
    total = 0.0
    for a in recorded:
        if a.induction_year == year and a.reason not in STATUTORY_LEAVE:
            total += a.days
    return total


def split(recorded: list[Absence], cuts: list[int]) -> list[Absence]:
    """Each absence recorded as two pieces where it is long enough (a return, then a relapse)."""
    pieces = []
    for a, cut in zip(recorded, cuts, strict=False):
        halves = int(a.days * 2)
        first = min(cut, halves - 1)
        if first < 1:
            pieces.append(a)
            continue
        pieces.append(Absence(a.first_day, first / 2, a.reason, a.induction_year))
        rest = Absence(a.first_day + timedelta(days=first), (halves - first) / 2, a.reason, a.induction_year)
        pieces.append(rest)
    return pieces


@MODEST
@given(st.lists(absences, max_size=25))
def test_the_threshold_fires_where_a_running_sum_first_reaches_thirty_statutory_rule_9(
    recorded: list[Absence],
) -> None:
    assert firings(recorded) == reference_firings(recorded)


@MODEST
@given(st.lists(absences, max_size=25), st.randoms(use_true_random=False),
       st.lists(st.integers(0, 40), min_size=25, max_size=25))
def test_the_threshold_fires_once_a_year_whatever_the_order_or_splitting_statutory_rule_9(
    recorded: list[Absence], rng: Random, cuts: list[int]
) -> None:
    reordered = list(recorded)
    rng.shuffle(reordered)
    expected = {year for year in YEARS if reference_total(recorded, year) >= THRESHOLD_DAYS}

    for variant in (recorded, reordered, split(recorded, cuts), split(reordered, cuts)):
        fired_years = [year for _, year in firings(variant)]
        assert sorted(fired_years) == sorted(expected)


@MODEST
@given(st.lists(absences, max_size=25), st.lists(statutory_leave, min_size=1, max_size=5), st.data())
def test_statutory_leave_never_counts_statutory_rule_9(
    recorded: list[Absence], leave: list[Absence], data: st.DataObject
) -> None:
    with_leave = list(recorded)
    for a in leave:
        with_leave.insert(data.draw(st.integers(0, len(with_leave))), a)

    for year in YEARS:
        assert counted_days(with_leave, year) == counted_days(recorded, year)
        assert automatic_extension_days(with_leave, year) == automatic_extension_days(recorded, year)
    assert sorted(y for _, y in firings(with_leave)) == sorted(y for _, y in firings(recorded))
    assert not any(crosses_threshold(with_leave[:i], a) for i, a in enumerate(with_leave) if a in leave)


@MODEST
@given(st.lists(absences, max_size=25))
def test_the_automatic_extension_is_the_counted_total_once_the_threshold_is_reached_statutory_rule_9(
    recorded: list[Absence],
) -> None:
    for year in YEARS:
        total = reference_total(recorded, year)
        assert counted_days(recorded, year) == total
        assert automatic_extension_days(recorded, year) == (total if total >= THRESHOLD_DAYS else 0)
    for i, year in firings(recorded):
        # the year is extended by every counted day so far, reckoned here, not by counted_days
        assert automatic_extension_days(recorded[: i + 1], year) == reference_total(recorded[: i + 1], year)
        assert automatic_extension_days(recorded[: i + 1], year) >= THRESHOLD_DAYS
        assert automatic_extension_days(recorded[:i], year) == 0
