"""How long an induction's records are kept, and so when a person may be erased.

The appropriate body keeps assessment reports for at least 6 years (statutory guidance 2.77).
The platform counts the 6 years from the day the induction record closed: the outcome's date
for a completed induction, or the last day of the last induction period for one that stopped
without an outcome (the ECT left, or was released and never claimed again). While a record is
open nothing is counted: the induction may still run, and every record of it is still needed.

"At least 6 years" is kept on the safe side: the records are kept to the same day 6 years on
(a 29 February to 1 March, the first day that is surely 6 years later), and may be erased
from the day after. A hub may keep them longer (``years``), never shorter.
"""

from __future__ import annotations

from datetime import date, timedelta

ASSESSMENT_RECORDS_YEARS = 6
"""Statutory guidance 2.77: assessment reports are kept for at least 6 years."""


class RetentionTooShortError(ValueError):
    """A retention period shorter than statutory guidance 2.77 allows."""


def kept_until(closed_on: date, years: int = ASSESSMENT_RECORDS_YEARS) -> date:
    """The last day the records of an induction closed on ``closed_on`` are kept (2.77)."""
    if years < ASSESSMENT_RECORDS_YEARS:
        raise RetentionTooShortError(
            f"assessment reports are kept at least {ASSESSMENT_RECORDS_YEARS} years after the "
            f"induction (statutory guidance 2.77), not {years}")
    try:
        return closed_on.replace(year=closed_on.year + years)
    except ValueError:  # 29 February, in a year that has none
        return date(closed_on.year + years, 3, 1)


def retention_runs(closed_on: date | None, today: date,
                   years: int = ASSESSMENT_RECORDS_YEARS) -> bool:
    """Whether the records must still be kept on ``today``: always while the record is open."""
    return closed_on is None or today <= kept_until(closed_on, years)


def erasable_from(closed_on: date, years: int = ASSESSMENT_RECORDS_YEARS) -> date:
    """The first day the person's records may be erased under the retention schedule."""
    return kept_until(closed_on, years) + timedelta(days=1)
