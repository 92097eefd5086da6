"""What notifications knows of one ECT's induction: enough to work out what is due.

``InductionState`` is folded from the integration events of scheduling and reporting by
``evolve``, a pure function; the projection (``projections.induction``) stores it as JSON
and the scheduler reads it back. Each event is applied once (the inbox sees to that), but
events of the two topics may interleave in any order, so every change is one that commutes
with the other topic's: sets, sums, maxima, and fields only one topic writes.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from contracts import EventEnvelope
from contracts.reporting import v1 as reporting
from contracts.scheduling import v1 as scheduling
from notifications.message import Contacts
from statutory.terms_served import FteChange


class FteEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    effective_from: date
    fte: float


class LeaveExtension(BaseModel):
    """Days the ECT chose to extend by after statutory leave (3.7), and when they asked."""

    model_config = ConfigDict(frozen=True)

    requested_on: date
    days: float


class InductionState(BaseModel):
    model_config = ConfigDict(extra="ignore")

    ect_id: UUID
    school_id: str | None = None
    appropriate_body_id: str | None = None
    induction_tutor_id: str | None = None
    mentor_id: str | None = None
    start: date | None = Field(default=None, description="The induction start, first period")
    period_start: date | None = Field(default=None, description="The current AB's period start")
    fte_history: list[FteEntry] = Field(default_factory=list)
    left_on: date | None = None
    interim_assessment_due: bool = False
    released_on: date | None = None
    outcome: str | None = None  # passed / failed: induction is over
    extension_terms: Decimal = Decimal(0)  # decided by the AB (3.8)
    absence_days_by_year: dict[int, float] = Field(default_factory=dict)  # counted days (3.6)
    leave_extensions: list[LeaveExtension] = Field(default_factory=list)  # statutory leave (3.7)
    sessions_held: int = 0
    sessions_in_period: int = 0  # since the current AB's claim: what coaching is counted against
    last_session_on: date | None = None
    terms_reported: list[int] = Field(default_factory=list)  # term numbers with a report
    interim_submitted: bool = False
    recommendation_received_on: date | None = None  # the final assessment's recommendation
    decided_on: date | None = None  # the AB's latest decision (outcome or extension)
    notice_due_by: date | None = None

    @property
    def contacts(self) -> Contacts:
        return Contacts(mentor_id=self.mentor_id, induction_tutor_id=self.induction_tutor_id,
                        appropriate_body_id=self.appropriate_body_id)

    def fte_changes(self) -> list[FteChange]:
        return [FteChange(entry.effective_from, entry.fte) for entry in self.fte_history]

    @property
    def in_progress(self) -> bool:
        """Registered, with an AB holding the period, and no outcome yet."""
        return (self.start is not None and bool(self.fte_history) and self.outcome is None
                and self.released_on is None)

    @property
    def being_coached(self) -> bool:
        return self.in_progress and self.left_on is None


def evolve(state: InductionState, envelope: EventEnvelope[Any]) -> InductionState:
    """The state after ``envelope``; events that change nothing here return it unchanged."""
    apply = _APPLY.get(type(envelope.payload))
    if apply is None:
        return state
    changed = state.model_copy(deep=True)
    apply(changed, envelope.payload)
    return changed


def _registered(s: InductionState, p: scheduling.EctRegistered) -> None:
    s.school_id, s.appropriate_body_id = p.school_id, p.appropriate_body_id
    s.induction_tutor_id = p.induction_tutor_id
    s.start = s.period_start = p.induction_start_date
    _add_fte(s, p.induction_start_date, p.fte)


def _claimed(s: InductionState, p: scheduling.EctClaimed) -> None:
    s.appropriate_body_id, s.school_id = p.appropriate_body_id, p.school_id
    s.induction_tutor_id, s.period_start = p.induction_tutor_id, p.period_start_date
    s.released_on = s.left_on = None
    s.interim_assessment_due = s.interim_submitted = False
    s.sessions_in_period = 0  # scheduling's events are ordered per ECT: no session is lost here
    if s.start is None:
        s.start = p.period_start_date
    _add_fte(s, p.period_start_date, p.fte)


def _released(s: InductionState, p: scheduling.EctReleased) -> None:
    s.released_on = p.released_on


def _transferred(s: InductionState, p: scheduling.EctTransferred) -> None:
    s.school_id, s.induction_tutor_id = p.to_school_id, p.induction_tutor_id
    s.mentor_id = None  # to be reassigned at the new school


def _pattern_changed(s: InductionState, p: scheduling.WorkingPatternChanged) -> None:
    _add_fte(s, p.effective_from, p.fte)


def _add_fte(s: InductionState, effective_from: date, fte: float) -> None:
    # Appended in order: of two changes on one day, the later one given wins (terms_served).
    s.fte_history.append(FteEntry(effective_from=effective_from, fte=fte))


def _left(s: InductionState, p: scheduling.EctLeft) -> None:
    s.left_on, s.interim_assessment_due = p.left_on, p.interim_assessment_due


def _mentor_assigned(s: InductionState, p: scheduling.MentorAssigned) -> None:
    s.mentor_id = str(p.mentor_id)


def _session_held(s: InductionState, p: scheduling.SessionHeld) -> None:
    s.sessions_held += 1
    s.sessions_in_period += 1
    s.last_session_on = max(filter(None, [s.last_session_on, p.held_on]))


def _absence(s: InductionState, p: scheduling.AbsenceRecorded) -> None:
    if not p.statutory_leave:
        year = p.induction_year
        s.absence_days_by_year[year] = max(s.absence_days_by_year.get(year, 0.0), p.days_counted_in_year)


def _threshold(s: InductionState, p: scheduling.AbsenceThresholdReached) -> None:
    year = p.induction_year
    s.absence_days_by_year[year] = max(s.absence_days_by_year.get(year, 0.0), p.extension_days)


def _leave_extension(s: InductionState, p: scheduling.StatutoryLeaveExtensionGranted) -> None:
    s.leave_extensions.append(LeaveExtension(requested_on=p.requested_on, days=p.extension_days))


def _report(s: InductionState, p: reporting.TermReportSubmitted) -> None:
    if p.kind is reporting.TermReportKind.INTERIM_ASSESSMENT:
        s.interim_submitted = True
    else:
        s.terms_reported = sorted({*s.terms_reported, p.term_number})
    if p.recommendation is not None:
        s.recommendation_received_on = max(filter(None, [s.recommendation_received_on, p.submitted_on]))


def _decided(s: InductionState, decided_on: date, notice_due_by: date | None) -> None:
    if s.decided_on is None or decided_on >= s.decided_on:
        s.decided_on, s.notice_due_by = decided_on, notice_due_by


def _outcome(s: InductionState, p: reporting.InductionOutcomeRecorded) -> None:
    s.outcome = p.outcome.value
    _decided(s, p.decided_on, p.notice_due_by)


def _extended(s: InductionState, p: reporting.InductionExtended) -> None:
    s.extension_terms += Decimal(repr(p.extension_terms))
    _decided(s, p.decided_on, None)


_APPLY: dict[type[Any], Any] = {
    scheduling.EctRegistered: _registered,
    scheduling.EctClaimed: _claimed,
    scheduling.EctReleased: _released,
    scheduling.EctTransferred: _transferred,
    scheduling.WorkingPatternChanged: _pattern_changed,
    scheduling.EctLeft: _left,
    scheduling.MentorAssigned: _mentor_assigned,
    scheduling.SessionHeld: _session_held,
    scheduling.AbsenceRecorded: _absence,
    scheduling.AbsenceThresholdReached: _threshold,
    scheduling.StatutoryLeaveExtensionGranted: _leave_extension,
    reporting.TermReportSubmitted: _report,
    reporting.InductionOutcomeRecorded: _outcome,
    reporting.InductionExtended: _extended,
}
