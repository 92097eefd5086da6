"""The reduced timetable an ECT is entitled to (statutory rule 3, guidance 2.20-2.21).

An ECT teaches at most 90% of the timetable of the school's existing teachers on a main-pay
range contract in the first year of induction, and at most 95% in the second; the time off
is for their induction programme. A year 3 exists only in an AB's extension and keeps year
2's limit. The share is recorded per year of induction; whether it is over is this module's
question, and how serious: some reduction but too little, or none at all.
"""

from __future__ import annotations

from enum import StrEnum

from statutory.errors import StatutoryRuleError

LIMIT_PERCENT = {1: 90.0, 2: 95.0}  # 2.20 and 2.21
FULL_TIMETABLE_PERCENT = 100.0


class InvalidTimetableError(StatutoryRuleError):
    """A share of a timetable outside (0, 100], or for a year that is not one of induction."""


class TimetableStanding(StrEnum):
    WITHIN = "within"  # at or under the limit
    TOO_LITTLE_REDUCTION = "too_little_reduction"  # reduced, but less than the guidance asks
    NO_REDUCTION = "no_reduction"  # a full timetable


def limit_percent(induction_year: int) -> float:
    """The most an ECT may teach in ``induction_year``, as a share of a normal timetable."""
    if induction_year < 1:
        raise InvalidTimetableError(f"there is no year {induction_year} of induction")
    return LIMIT_PERCENT[min(induction_year, 2)]


def standing(induction_year: int, timetable_percent: float) -> TimetableStanding:
    """Where a timetable of ``timetable_percent`` stands against the year's limit."""
    if not 0 < timetable_percent <= FULL_TIMETABLE_PERCENT:
        raise InvalidTimetableError(
            f"a timetable is more than 0% and at most 100% of a normal one, not {timetable_percent}%")
    if timetable_percent <= limit_percent(induction_year):
        return TimetableStanding.WITHIN
    if timetable_percent < FULL_TIMETABLE_PERCENT:
        return TimetableStanding.TOO_LITTLE_REDUCTION
    return TimetableStanding.NO_REDUCTION
