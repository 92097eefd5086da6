"""When an appropriate body may set an ECT's induction start (statutory rule 4, guidance 2.11-2.16).

The window, as the platform enforces it:
- the claim must be received by the AB no later than today, and recorded within
  ``RECEIPT_GRACE_DAYS`` of receipt (an AB's inbox is not always cleared the same day);
- the start may not be backdated before the claim was received (2.16);
- the start may not lie beyond the end of the term in which the claim was received (or, when
  it was received in a holiday, the next term): the AB registers an ECT for the term they start.
"""

from __future__ import annotations

from datetime import date, timedelta

from scheduling.domain.errors import StartDateOutsideWindowError
from statutory.calendar import SchoolCalendar

RECEIPT_GRACE_DAYS = 30


def latest_allowed_start(calendar: SchoolCalendar, received_on: date) -> date:
    """The last day of the term the claim was received in, or of the next term in a holiday."""
    term = calendar.term_at(received_on)
    if term is not None:
        return term.end
    upcoming = calendar.terms_between(received_on, received_on + timedelta(days=200))
    if not upcoming:
        raise StartDateOutsideWindowError(f"no term follows {received_on} in the school calendar")
    return upcoming[0].end


def check_start_date(*, start: date, received_on: date, today: date, calendar: SchoolCalendar) -> None:
    if received_on > today:
        raise StartDateOutsideWindowError(
            f"the claim cannot be received in the future ({received_on} is after {today})"
        )
    if (today - received_on).days > RECEIPT_GRACE_DAYS:
        raise StartDateOutsideWindowError(
            f"the claim was received on {received_on}, more than {RECEIPT_GRACE_DAYS} days ago; "
            "record claims promptly"
        )
    if start < received_on:
        raise StartDateOutsideWindowError(
            f"the induction start {start} cannot be backdated before the claim was received on "
            f"{received_on} (statutory guidance 2.16)"
        )
    latest = latest_allowed_start(calendar, received_on)
    if start > latest:
        raise StartDateOutsideWindowError(
            f"the induction start {start} is beyond the current term, which ends on {latest}; "
            "register the ECT in the term they start (statutory guidance 2.12-2.13)"
        )
