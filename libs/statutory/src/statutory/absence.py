"""Absence and the 30-day threshold (statutory rule 9).

When an ECT's absences in one year of induction reach 30 days or more, that year is
automatically extended by the total days absent (guidance 3.6), and the headteacher tells the
appropriate body as soon as it happens (5.4), hence an event that fires exactly once per
year. Statutory maternity, paternity, adoption, shared parental, parental bereavement and
carer's leave never count: the ECT may choose to extend instead, and must be allowed to (3.7).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from statutory.errors import StatutoryRuleError
from statutory.working_days import add_working_days

THRESHOLD_DAYS = 30  # guidance 3.6


class InvalidAbsenceError(StatutoryRuleError):
    """An absence of no length, of a part-day other than a half, or in no year of induction."""


class AbsenceReason(StrEnum):
    SICKNESS = "sickness"
    COMPASSIONATE = "compassionate"
    UNAUTHORISED = "unauthorised"
    OTHER = "other"
    # statutory leave (3.7)
    MATERNITY = "maternity"
    PATERNITY = "paternity"
    ADOPTION = "adoption"
    SHARED_PARENTAL = "shared_parental"
    PARENTAL_BEREAVEMENT = "parental_bereavement"
    CARERS = "carers"


STATUTORY_LEAVE: frozenset[AbsenceReason] = frozenset(
    {
        AbsenceReason.MATERNITY,
        AbsenceReason.PATERNITY,
        AbsenceReason.ADOPTION,
        AbsenceReason.SHARED_PARENTAL,
        AbsenceReason.PARENTAL_BEREAVEMENT,
        AbsenceReason.CARERS,
    }
)


@dataclass(frozen=True)
class AbsenceFact:
    """``days`` absent from ``first_day`` (whole or half days), before any year is given to it.

    The induction clock (``statutory.timeline``) decides the year of induction each absence
    falls in, from every fact it knows, so an extension that moves the year boundary moves
    the absences with it.
    """

    first_day: date
    days: float
    reason: AbsenceReason

    def __post_init__(self) -> None:
        object.__setattr__(self, "reason", AbsenceReason(self.reason))
        object.__setattr__(self, "days", float(self.days))
        if not self.days > 0 or not float(self.days * 2).is_integer():
            raise InvalidAbsenceError(f"an absence lasts a positive number of half days, not {self.days}")

    @property
    def counts(self) -> bool:
        return self.reason not in STATUTORY_LEAVE

    @property
    def last_day(self) -> date:
        """The last day away: the first day and the working days after it, as many as it lasts
        (a half day is a day here: the ECT is not there for the meeting)."""
        return add_working_days(self.first_day, max(math.ceil(self.days) - 1, 0))

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    def in_year(self, induction_year: int) -> Absence:
        return Absence(self.first_day, self.days, self.reason, induction_year)


@dataclass(frozen=True)
class Absence(AbsenceFact):
    """An absence in the year of induction the clock placed it in.

    The year is the induction clock's (``statutory.timeline``): it places every absence from all
    the facts, so an extension that moves a year's end moves the absences with it. Scheduling
    publishes the year it gave when the absence was recorded; the clock decides it afresh.
    """

    induction_year: int

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.induction_year < 1:
            raise InvalidAbsenceError(f"there is no year {self.induction_year} of induction")


def counted(absences: Iterable[AbsenceFact]) -> float:
    """Days absent that count towards the 30-day threshold: all but statutory leave (3.7)."""
    # Sums of half days are exact in binary floating point, so no rounding creeps in.
    return sum((a.days for a in absences if a.counts), 0.0)


def extension_days(absences: Iterable[AbsenceFact]) -> float:
    """Days a year is extended by for the absences in it: all the counted days once they
    reach 30 (3.6), every later one included; else none."""
    total = counted(absences)
    return total if total >= THRESHOLD_DAYS else 0.0


def counted_days(absences: Iterable[Absence], induction_year: int) -> float:
    """Days absent in ``induction_year`` that count towards the 30-day threshold."""
    return counted(a for a in absences if a.induction_year == induction_year)


def crosses_threshold(previous: Sequence[Absence], new: Absence) -> bool:
    """Whether recording ``new`` takes its year from under 30 counted days to 30 or more.

    ``previous`` is every absence recorded before ``new`` (any year; ``new`` not among them).
    True at most once per year of induction, so ``AbsenceThresholdReached`` is raised once,
    whatever the order or the splitting of the absences.
    """
    if not new.counts:
        return False
    before = counted_days(previous, new.induction_year)
    return before < THRESHOLD_DAYS <= before + new.days


def automatic_extension_days(absences: Iterable[Absence], induction_year: int) -> float:
    """Days the year is extended by: the total counted days once they reach 30 (3.6), else 0."""
    return extension_days(a for a in absences if a.induction_year == induction_year)
