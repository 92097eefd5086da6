"""The induction clock's answer for one ECT from notifications' state: the facts
``notifications.induction.InductionState`` keeps, turned into ``statutory.timeline``'s
``InductionFacts`` exactly as scheduling and reporting turn theirs (pure)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING

from statutory.absence import AbsenceFact, AbsenceReason
from statutory.calendar import SchoolCalendar
from statutory.service import PostChange, service_periods
from statutory.terms_served import FteChange
from statutory.timeline import InductionFacts, TermsDecision, Timeline, induction_timeline
from statutory.timeline import LeaveExtension as LeaveExtensionFact

if TYPE_CHECKING:
    from notifications.induction import InductionState


def induction_facts(state: InductionState,
                    calendar_for: Callable[[str], SchoolCalendar]) -> InductionFacts:
    """What the induction clock computes with, from the state alone (pure).

    The same fold of the same events as scheduling's and reporting's: claims and
    registrations start a post, a transfer moves it, a release or leaving ends it
    (``statutory.service.service_periods``), each on its school's calendar.
    """
    posts = [PostChange(p.kind, p.on, p.appropriate_body_id, p.school_id, p.recorded_terms)
             for p in state.posts]
    absences = (AbsenceFact(a.first_day, a.days, AbsenceReason(a.reason)) for a in state.absences.values())
    # each list as its one topic gave it, in order, as scheduling and reporting keep theirs
    return InductionFacts(
        periods=service_periods(posts, calendar_for),
        fte_history=tuple(FteChange(f.effective_from, f.fte) for f in state.fte_history),
        absences=tuple(sorted(absences, key=lambda a: (a.first_day, a.days))),
        leave_extensions=tuple(LeaveExtensionFact(x.requested_on, x.days) for x in state.leave_extensions),
        extensions=tuple(TermsDecision(d.terms, d.decided_on) for d in state.extensions),
        reductions=tuple(TermsDecision(d.terms, d.decided_on) for d in state.reductions),
        completed_on=state.completed_on,
    )


def timeline_of(state: InductionState, calendars: Mapping[str, SchoolCalendar], as_of: date) -> Timeline:
    """The induction clock for the ECT, each post on its school's calendar (England's default
    for a school that set no term dates)."""
    facts = induction_facts(state, lambda school: calendars.get(school) or SchoolCalendar())
    return induction_timeline(facts, as_of)
