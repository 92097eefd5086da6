"""An ECT's induction: the aggregate every programme event of one ECT belongs to.

Public methods decide (check the rules, raise a domain error naming the rule); the
``@event`` methods only apply state, because they run again on every replay. The statutory
figures (terms served, the years, what is due) are the kernel's clock's, asked with the
facts this aggregate keeps (``clock.py``) and each school's calendar, given as an argument:
the aggregate has no I/O and no clock. Coaching, engagement and absence live in
``programme.py``, the facts and the AB's decisions learnt from reporting in ``clock.py``,
both mixins of this class.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from scheduling.domain.clock import CalendarFor, InductionClock
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
from statutory.service import END, START, TRANSFER, PostChange
from statutory.terms_served import FteChange
from statutory.timeline import INTERIM_ASSESSMENT

ERASED = "(erased)"  # how an erased person's name and TRN read (contracts.sealed says the same)


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


class Induction(Programme, InductionClock, Aggregate):
    erased = False  # until the person's personal data is erased (an ECT stored before: never)

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
        self.date_of_birth: date | None = date_of_birth
        self.school_id = school_id
        self.subject = subject
        self.phase = phase
        self.qts_date = qts_date
        self.induction_start_date = induction_start_date
        self.appropriate_body_id = appropriate_body_id
        self.induction_programme = induction_programme
        self.induction_tutor_id = induction_tutor_id
        self.status = Status.OPEN
        self.left_on: date | None = None
        self.mentor_id: UUID | None = None
        self.start_clock()
        self.posts.append(PostChange(START, induction_start_date, appropriate_body_id, school_id))
        self.fte_history.append(FteChange(induction_start_date, fte))
        self.start_programme()

    # -- the induction period ----------------------------------------------------------------

    @property
    def fte(self) -> float:
        return self.fte_history[-1].fte

    def served(self, calendar_for: CalendarFor, as_of: date) -> Decimal:
        """FTE-weighted terms served to ``as_of``, as the clock counts them (statutory rules 1-2)."""
        return self.timeline(calendar_for, as_of).terms_served

    @property
    def periods(self) -> list[Period]:
        """The appropriate bodies' induction periods: a claim opens one, a release or leaving
        closes it (a transfer does not: the AB keeps the ECT), and so does the outcome."""
        found: list[Period] = []
        for change in self.posts:
            if change.kind == START:
                found.append(Period(change.appropriate_body_id, change.on))
            elif change.kind == END and found:
                found[-1] = replace(found[-1], end=change.on)
        if self.completed_on is not None and found and found[-1].end is None:
            found[-1] = replace(found[-1], end=self.completed_on)
        return found

    @property
    def closed_on(self) -> date | None:
        """The day the induction record closed (the outcome, or the end of the last period when
        it stopped without one); None while it is open. Retention counts from it (2.77)."""
        if self.status == Status.OPEN:
            return None
        return self.completed_on or self.periods[-1].end

    def erase_personal_data(self, *, reason: str, retained_until: date | None,
                            legal_basis: str | None, provenance: Provenance) -> bool:
        """Record that the person's data key was destroyed; False when it already was."""
        if self.erased:
            return False
        self._personal_data_erased(reason=reason, retained_until=retained_until,
                                   legal_basis=legal_basis, provenance=provenance)
        return True

    @event("PersonalDataErased")
    def _personal_data_erased(self, reason: str, retained_until: date | None,
                              legal_basis: str | None, provenance: Provenance) -> None:
        self.erased = True
        # a copy of this record kept in a process's memory forgets them too, as it catches up
        self.trn, self.name, self.date_of_birth = ERASED, ERASED, None

    @property
    def post_start(self) -> date:
        """The first day of the current post (the latest claim or transfer)."""
        return max(c.on for c in self.posts if c.kind in (START, TRANSFER))

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
        if period_start_date < self.qts_date:
            # asked before the overlap, so a start before QTS is refused for the statutory reason
            raise StartBeforeQtsError(
                f"induction cannot start on {period_start_date} before the QTS date "
                f"{self.qts_date} (statutory guidance 2.10)")
        last = self.periods[-1]
        if period_start_date <= (last.end or last.start):
            # the release or leaving date is the last day in the old post: one post at a time
            raise DateOutsideInductionError(
                f"the new period cannot start on {period_start_date}: the last one ended on "
                f"{last.end or last.start}, its last day in post")
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
        self.posts.append(PostChange(START, period_start_date, appropriate_body_id, school_id))
        self.fte_history.append(FteChange(period_start_date, fte))
        self.mentor_id = None

    def release(self, released_on: date, reason: str, calendar_for: CalendarFor,
                provenance: Provenance, number_of_terms: Decimal | None = None) -> None:
        """``number_of_terms``: the AB's own figure for the period it closes, which then counts
        as recorded (2.31)."""
        self.check_open("release the ECT")
        if released_on < self.post_start:
            raise DateOutsideInductionError(
                f"release on {released_on} predates the current post, from {self.post_start}")
        # as the clock counts it once the release is a fact: a post shorter than a term that
        # ends here counts for nothing (2.33), unless the AB recorded a figure for it (2.31)
        ended = PostChange(END, released_on, recorded_terms=number_of_terms)
        served = self.timeline(calendar_for, released_on, then=ended)
        self._released(appropriate_body_id=self.appropriate_body_id, released_on=released_on,
                       reason=reason, terms_served=float(served.terms_served), provenance=provenance,
                       terms_recorded=float(number_of_terms) if number_of_terms is not None else None)

    @event("EctReleased")
    def _released(self, appropriate_body_id: str, released_on: date, reason: str,
                  terms_served: float, provenance: Provenance, terms_recorded: float | None = None) -> None:
        # ``terms_recorded`` defaults so the releases stored before it existed still read
        self.status = Status.RELEASED
        recorded = Decimal(str(terms_recorded)) if terms_recorded is not None else None
        self.posts.append(PostChange(END, released_on, recorded_terms=recorded))

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
        self.posts.append(PostChange(TRANSFER, effective_on, school_id=to_school_id))

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
        # kept in the order they happened: of two on one day the later wins, in the kernel
        self.fte_history.append(FteChange(effective_from, fte))

    def leave(self, left_on: date, reason: str, calendar_for: CalendarFor, today: date,
              provenance: Provenance) -> None:
        """An interim assessment is due when the clock owes one on the leaving day (2.62)."""
        self.check_open("record the ECT leaving")
        self.check_within(left_on, today, "leaving")
        if left_on < self.post_start:
            raise DateOutsideInductionError(
                f"leaving on {left_on} predates the current post, from {self.post_start}")
        timeline = self.timeline(calendar_for, left_on, then=PostChange(END, left_on))
        # the interim assessment of the post ending here, if the clock owes one: held on the
        # leaving day, or on the last day of term when the ECT leaves in the holidays
        due = any(r.kind == INTERIM_ASSESSMENT and self.post_start <= r.held_on <= left_on
                  for r in timeline.reports)
        self._left(left_on=left_on, reason=reason, terms_served=float(timeline.terms_served),
                   interim_assessment_due=due, provenance=provenance)

    @event("EctLeft")
    def _left(self, left_on: date, reason: str, terms_served: float, interim_assessment_due: bool,
              provenance: Provenance) -> None:
        self.status = Status.LEFT
        self.left_on = left_on
        self.posts.append(PostChange(END, left_on))

    def record_outcome(self, outcome: str, decided_on: date, provenance: Provenance) -> bool:
        """The AB's decision, learnt from reporting; after it the ECT can never be claimed again."""
        if self.status == outcome:
            return False  # a redelivered decision
        self._outcome_recorded(outcome=outcome, decided_on=decided_on, provenance=provenance)
        return True

    @event("InductionCompleted")
    def _outcome_recorded(self, outcome: str, decided_on: date, provenance: Provenance) -> None:
        self.status = outcome
        self.completed_on = decided_on

    def learn_appeal_outcome(self, decision_id: UUID, appeal_outcome: str, decided_on: date,
                             extension_terms: float | None, provenance: Provenance) -> bool:
        """The TRA's decision on an appeal, learnt from reporting (regulation 14): allowed or
        extended sets the AB's fail or extension aside, so a closed record is open again (the ECT
        continues, or can be claimed); extended also lengthens the induction, as an AB extension
        does. False when this decision was already learnt (a redelivery) or changes nothing."""
        if decision_id in self.decisions_learnt or appeal_outcome == "dismissed":
            return False
        if appeal_outcome == "extended" and extension_terms is not None:
            self.record_extension(decision_id, extension_terms, decided_on, provenance)
        if self.status in COMPLETED:
            self._reopened(decision_id=decision_id, appeal_outcome=appeal_outcome,
                           decided_on=decided_on, provenance=provenance)
        return True

    @event("InductionReopened")
    def _reopened(self, decision_id: UUID, appeal_outcome: str, decided_on: date,
                  provenance: Provenance) -> None:
        self.decisions_learnt.add(decision_id)
        self.status = Status.OPEN
        self.completed_on = None

    def import_outcome(self, outcome: str, decided_on: date, terms_served: float,
                       provenance: Provenance) -> None:
        """An AB's decision made before the platform held the record (an imported file): a
        fact of its own, published, because reporting, which owns live decisions, never made
        it. Like a learnt outcome, it closes the induction for good."""
        if self.status in COMPLETED:
            return
        self._outcome_imported(outcome=outcome, decided_on=decided_on,
                               appropriate_body_id=self.appropriate_body_id,
                               terms_served=terms_served, provenance=provenance)

    @event("InductionOutcomeImported")
    def _outcome_imported(self, outcome: str, decided_on: date, appropriate_body_id: str,
                          terms_served: float, provenance: Provenance) -> None:
        self.status = outcome
        self.completed_on = decided_on

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
