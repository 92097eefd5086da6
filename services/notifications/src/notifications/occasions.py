"""Occasions of a deadline: when its reminders go out (see ``notifications.reminders``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from notifications.policy import Policy


@dataclass(frozen=True)
class Deadline:
    subject_key: str  # what it is about, e.g. "<ect>/report/term-3"
    what: str  # "the formal assessment for term 3"
    due_on: date
    opens_on: date  # nobody is reminded of it before this day
    chase_overdue: bool  # weekly reminders after the due date (something will say it is done)
    tutor_id: str | None = None  # the tutor who owes it, if not the current one (an earlier post)
    kind: str = ""  # a report's kind and term: which draft of it the school may be writing
    term_number: int | None = None


def current_occasion(deadline: Deadline, today: date, policy: Policy) -> str | None:
    """The latest reminder occasion on or before ``today``, or None if none has come."""
    due, opens = deadline.due_on, deadline.opens_on
    if today < opens or due < opens:
        return None
    if today > due:
        if not deadline.chase_overdue:
            return None
        periods = (today - due).days // policy.overdue_every_days
        if periods >= 1:
            return f"overdue-{periods}@{due.isoformat()}"
    come = [days for days in policy.days_before if opens <= due - timedelta(days=days) <= today]
    if not come:
        return None
    days = min(come)
    label = "on-the-day" if days == 0 else f"{days}-days-before"
    return f"{label}@{due.isoformat()}"
