"""An ECT's induction: the aggregate every programme event of one ECT belongs to.

Public methods decide (check the rules, raise a domain error naming the rule); the
``@event`` methods only apply state, because they run again on every replay. Rules that
need the school calendar receive it as an argument: the aggregate has no I/O and no clock.
Coaching, engagement and absence live in ``programme.py`` as a mixin of this class.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from scheduling.domain.errors import (
    DateOutsideInductionError,
    InductionAlreadyCompletedError,
    InductionNotOpenError,
    NotAssignedMentorError,
    OpenInductionElsewhereError,
    StartBeforeQtsError,
)
from scheduling.domain.programme import Programme
from scheduling.domain.provenance import Provenance
from statutory.calendar import SchoolCalendar
from statutory.terms_served import FteChange, meets_minimum_period, terms_served


class Status:
    OPEN = "open"
    RELEASED = "released"
    LEFT = "left"
    PASSED = "passed"
    FAILED = "failed"


COMPLETED = (Status.PASSED, Status.FAILED)


@dataclass(frozen=True)
class Period:
    """One appropriate body's induction period for this ECT."""

    appropriate_body_id: str
    start: date
    end: date | None = None


class Induction(Programme, Aggregate):
    @classmethod
    def register(cls, *, qts_date: date, induction_start_date: date, provenance: Provenance,
                 **details: Any) -> Induction:
        if induction_start_date < qts_date:
            raise StartBeforeQtsError(
                f"induction cannot start on {induction_start_date} before the QTS date "
                f"{qts_date} (statutory guidance 2.10)"
            )
        return cls(qts_date=qts_date, induction_start_date=induction_start_date,
                   provenance=provenance, **details)

    @event("EctRegistered")
    def __init__(
        self, *, trn: str, name: str, date_of_birth: date, school_id: str, subject: str | None,
        phase: str, qts_date: date, induction_start_date: date, fte: float,
        appropriate_body_id: str, induction_programme: str, induction_tutor_id: str,
        provenance: Provenance,
    ) -> None:
        self.trn = trn
        self.name = name
        self.date_of_birth = date_of_birth
        self.school_id = school_id
        self.subject = subject
        self.phase = phase
        self.qts_date = qts_date
        self.induction_start_date = induction_start_date
        self.appropriate_body_id = appropriate_body_id
        self.induction_programme = induction_programme
        self.induction_tutor_id = induction_tutor_id
        self.status = Status.OPEN
        self.periods = [Period(appropriate_body_id, induction_start_date)]
        self.fte_history = [FteChange(induction_start_date, fte)]
        self.left_on: date | None = None
        self.mentor_id: UUID | None = None
        self.start_programme()

    # -- the induction period ----------------------------------------------------------------

    @property
    def fte(self) -> float:
        return self.fte_history[-1].fte

    def served(self, calendar: SchoolCalendar, as_of: date) -> Decimal:
        """FTE-weighted terms served to ``as_of``, one decimal place (statutory rule 1)."""
        return terms_served(calendar, self.induction_start_date, as_of, self.fte_history,
                            end=self.left_on or self._released_on())

    def _released_on(self) -> date | None:
        return self.periods[-1].end if self.status == Status.RELEASED else None

    def check_open(self, action: str) -> None:
        if self.status != Status.OPEN:
            raise InductionNotOpenError(f"cannot {action}: the ECT's induction is {self.status}")

    def check_within(self, day: date, today: date, what: str) -> None:
        """A record must fall inside the open period and not in the future."""
        if day < self.periods[-1].start:
            raise DateOutsideInductionError(
                f"{what} on {day} predates the induction start {self.periods[-1].start}")
        if self.left_on is not None and day > self.left_on:
            raise DateOutsideInductionError(f"{what} on {day} follows the leaving date {self.left_on}")
        if day > today:
            raise DateOutsideInductionError(f"{what} on {day} is in the future (today is {today})")

    def claim(self, *, appropriate_body_id: str, period_start_date: date, school_id: str, fte: float,
              induction_programme: str, induction_tutor_id: str, provenance: Provenance) -> None:
        """A new AB's claim after the previous one released the ECT (one open period at a time)."""
        if self.status in COMPLETED:
            raise InductionAlreadyCompletedError(
                f"the teacher {self.status} induction; one induction per teacher, so they cannot "
                "be claimed again (statutory rule 4)")
        if self.status == Status.OPEN:
            raise OpenInductionElsewhereError(
                f"the ECT has an open induction with appropriate body {self.appropriate_body_id}, "
                "which must release them first"
            )
        if period_start_date < (self.periods[-1].end or self.periods[-1].start):
            raise DateOutsideInductionError(
                f"the new period cannot start on {period_start_date}, before the last one ended")
        self._claimed(appropriate_body_id=appropriate_body_id, period_start_date=period_start_date,
                      school_id=school_id, fte=fte, induction_programme=induction_programme,
                      induction_tutor_id=induction_tutor_id, provenance=provenance)

    @event("EctClaimed")
    def _claimed(self, appropriate_body_id: str, period_start_date: date, school_id: str, fte: float,
                 induction_programme: str, induction_tutor_id: str, provenance: Provenance) -> None:
        self.status = Status.OPEN
        self.left_on = None
        self.appropriate_body_id = appropriate_body_id
        self.school_id = school_id
        self.induction_programme = induction_programme
        self.induction_tutor_id = induction_tutor_id
        self.periods.append(Period(appropriate_body_id, period_start_date))
        self.fte_history.append(FteChange(period_start_date, fte))
        self.mentor_id = None

    def release(self, released_on: date, reason: str, calendar: SchoolCalendar,
                provenance: Provenance) -> None:
        self.check_open("release the ECT")
        if released_on < self.periods[-1].start:
            raise DateOutsideInductionError(f"release on {released_on} predates the period start")
        served = terms_served(calendar, self.induction_start_date, released_on, self.fte_history)
        self._released(appropriate_body_id=self.appropriate_body_id, released_on=released_on,
                       reason=reason, terms_served=float(served), provenance=provenance)

    @event("EctReleased")
    def _released(self, appropriate_body_id: str, released_on: date, reason: str,
                  terms_served: float, provenance: Provenance) -> None:
        self.status = Status.RELEASED
        self.periods[-1] = Period(self.periods[-1].appropriate_body_id, self.periods[-1].start,
                                  released_on)

    def transfer(self, to_school_id: str, effective_on: date, induction_tutor_id: str,
                 provenance: Provenance) -> None:
        self.check_open("transfer the ECT")
        if to_school_id == self.school_id:
            return
        self._transferred(from_school_id=self.school_id, to_school_id=to_school_id,
                          effective_on=effective_on, induction_tutor_id=induction_tutor_id,
                          previous_mentor_id=self.mentor_id, provenance=provenance)

    @event("EctTransferred")
    def _transferred(self, from_school_id: str, to_school_id: str, effective_on: date,
                     induction_tutor_id: str, previous_mentor_id: UUID | None,
                     provenance: Provenance) -> None:
        self.school_id = to_school_id
        self.induction_tutor_id = induction_tutor_id
        self.mentor_id = None  # a mentor coaches ECTs at their own school

    def change_working_pattern(self, fte: float, effective_from: date, provenance: Provenance) -> bool:
        self.check_open("change the working pattern")
        if effective_from < self.fte_history[-1].effective_from:
            raise DateOutsideInductionError(
                f"a change effective {effective_from} predates the last change, effective "
                f"{self.fte_history[-1].effective_from}; the history is kept, not rewritten")
        if fte == self.fte:
            return False
        self._working_pattern_changed(fte=fte, effective_from=effective_from, provenance=provenance)
        return True

    @event("WorkingPatternChanged")
    def _working_pattern_changed(self, fte: float, effective_from: date, provenance: Provenance) -> None:
        if self.fte_history[-1].effective_from == effective_from:
            self.fte_history[-1] = FteChange(effective_from, fte)
        else:
            self.fte_history.append(FteChange(effective_from, fte))

    def leave(self, left_on: date, reason: str, calendar: SchoolCalendar, today: date,
              provenance: Provenance) -> None:
        """An interim assessment is due when at least one term was served (guidance 2.62)."""
        self.check_open("record the ECT leaving")
        self.check_within(left_on, today, "leaving")
        served = terms_served(calendar, self.induction_start_date, left_on, self.fte_history)
        # At least one term of employment in this period, whatever the FTE (2.33, 2.62).
        due = meets_minimum_period(calendar, self.periods[-1].start, left_on)
        self._left(left_on=left_on, reason=reason, terms_served=float(served),
                   interim_assessment_due=due, provenance=provenance)

    @event("EctLeft")
    def _left(self, left_on: date, reason: str, terms_served: float, interim_assessment_due: bool,
              provenance: Provenance) -> None:
        self.status = Status.LEFT
        self.left_on = left_on
        self.periods[-1] = Period(self.periods[-1].appropriate_body_id, self.periods[-1].start, left_on)

    def record_outcome(self, outcome: str, decided_on: date, provenance: Provenance) -> bool:
        """The AB's decision, learnt from reporting; after it the ECT can never be claimed again."""
        if self.status == outcome:
            return False  # a redelivered decision
        self._outcome_recorded(outcome=outcome, decided_on=decided_on, provenance=provenance)
        return True

    @event("InductionCompleted")
    def _outcome_recorded(self, outcome: str, decided_on: date, provenance: Provenance) -> None:
        self.status = outcome
        self.periods[-1] = Period(self.periods[-1].appropriate_body_id, self.periods[-1].start,
                                  self.periods[-1].end or decided_on)

    # -- mentoring -------------------------------------------------------------------------

    def assign_mentor(self, mentor_id: UUID, assigned_on: date, override_reason: str | None,
                      provenance: Provenance) -> bool:
        """Returns False (and records nothing) when the mentor is already assigned."""
        self.check_open("assign a mentor")
        if mentor_id == self.mentor_id:
            return False
        self._mentor_assigned(mentor_id=mentor_id, previous_mentor_id=self.mentor_id,
                              assigned_on=assigned_on, policy_override_reason=override_reason,
                              provenance=provenance)
        return True

    @event("MentorAssigned")
    def _mentor_assigned(self, mentor_id: UUID, previous_mentor_id: UUID | None, assigned_on: date,
                         policy_override_reason: str | None, provenance: Provenance) -> None:
        self.mentor_id = mentor_id

    def check_may_record_as_mentor(self, actor_id: str) -> None:
        if self.mentor_id is None or actor_id != str(self.mentor_id):
            raise NotAssignedMentorError(f"mentor {actor_id} is not the mentor assigned to ECT {self.id}")

    @staticmethod
    def record_id_for(ect_id: UUID, kind: str, request_id: str) -> UUID:
        """The same client request always names the same record, so a retry records nothing."""
        return uuid5(NAMESPACE_URL, f"ect-platform:{kind}:{ect_id}:{request_id}")


class EctTrnIndex(Aggregate):
    """Private: one induction record per teacher. Its id is derived from the TRN."""

    @staticmethod
    def create_id(trn: str) -> UUID:
        return index_id(trn)

    @event("Indexed")
    def __init__(self, *, trn: str, ect_id: UUID) -> None:
        self.ect_id = ect_id


def index_id(trn: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"ect-platform:ect-trn:{trn}")
