"""An ECT's induction: the aggregate every programme event of one ECT belongs to.

Public methods decide (check the rules, raise a domain error); the ``@event`` methods
only apply state, because they run again on every replay.
"""

from __future__ import annotations

from datetime import date
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from scheduling.domain.errors import (
    NotAssignedMentorError,
    SessionBeforeInductionStartError,
    StartBeforeQtsError,
)
from scheduling.domain.provenance import Provenance


class Induction(Aggregate):
    @classmethod
    def register(
        cls,
        *,
        trn: str,
        name: str,
        date_of_birth: date,
        school_id: str,
        subject: str | None,
        phase: str,
        qts_date: date,
        induction_start_date: date,
        fte: float,
        appropriate_body_id: str,
        induction_programme: str,
        induction_tutor_id: str,
        provenance: Provenance,
    ) -> Induction:
        if induction_start_date < qts_date:
            raise StartBeforeQtsError(
                f"induction cannot start on {induction_start_date} before the QTS date "
                f"{qts_date} (statutory guidance 2.10)"
            )
        return cls(
            trn=trn,
            name=name,
            date_of_birth=date_of_birth,
            school_id=school_id,
            subject=subject,
            phase=phase,
            qts_date=qts_date,
            induction_start_date=induction_start_date,
            fte=fte,
            appropriate_body_id=appropriate_body_id,
            induction_programme=induction_programme,
            induction_tutor_id=induction_tutor_id,
            provenance=provenance,
        )

    @event("EctRegistered")
    def __init__(
        self,
        *,
        trn: str,
        name: str,
        date_of_birth: date,
        school_id: str,
        subject: str | None,
        phase: str,
        qts_date: date,
        induction_start_date: date,
        fte: float,
        appropriate_body_id: str,
        induction_programme: str,
        induction_tutor_id: str,
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
        self.fte = fte
        self.appropriate_body_id = appropriate_body_id
        self.induction_programme = induction_programme
        self.induction_tutor_id = induction_tutor_id
        self.mentor_id: UUID | None = None
        self.session_ids: set[UUID] = set()
        self.sessions_held = 0
        self.minutes_coached = 0
        self.last_session_on: date | None = None
        self.drop_in_ids: set[UUID] = set()

    # -- mentoring ---------------------------------------------------------------

    def assign_mentor(
        self, mentor_id: UUID, assigned_on: date, override_reason: str | None,
        provenance: Provenance,
    ) -> bool:
        """Returns False (and records nothing) when the mentor is already assigned."""
        if mentor_id == self.mentor_id:
            return False
        self._mentor_assigned(
            mentor_id=mentor_id,
            previous_mentor_id=self.mentor_id,
            assigned_on=assigned_on,
            policy_override_reason=override_reason,
            provenance=provenance,
        )
        return True

    @event("MentorAssigned")
    def _mentor_assigned(
        self, mentor_id: UUID, previous_mentor_id: UUID | None, assigned_on: date,
        policy_override_reason: str | None, provenance: Provenance,
    ) -> None:
        self.mentor_id = mentor_id

    def check_may_record_as_mentor(self, actor_id: str) -> None:
        if self.mentor_id is None or actor_id != str(self.mentor_id):
            raise NotAssignedMentorError(
                f"mentor {actor_id} is not the mentor assigned to ECT {self.id}"
            )

    # -- coaching sessions ---------------------------------------------------------

    @staticmethod
    def session_id_for(ect_id: UUID, request_id: str) -> UUID:
        """The same client request always names the same session, so a retry records nothing."""
        return uuid5(NAMESPACE_URL, f"ect-platform:session:{ect_id}:{request_id}")

    def record_session(
        self, session_id: UUID, held_on: date, minutes: int, observation_included: bool,
        action_step: str | None, provenance: Provenance,
    ) -> bool:
        """Returns False when this session was already recorded (an idempotent retry)."""
        if session_id in self.session_ids:
            return False
        if held_on < self.induction_start_date:
            raise SessionBeforeInductionStartError(
                f"a session on {held_on} predates the induction start "
                f"{self.induction_start_date}"
            )
        self._session_held(
            session_id=session_id,
            mentor_id=self.mentor_id,
            held_on=held_on,
            minutes=minutes,
            observation_included=observation_included,
            action_step=action_step,
            provenance=provenance,
        )
        return True

    @event("SessionHeld")
    def _session_held(
        self, session_id: UUID, mentor_id: UUID | None, held_on: date, minutes: int,
        observation_included: bool, action_step: str | None, provenance: Provenance,
    ) -> None:
        self.session_ids.add(session_id)
        self.sessions_held += 1
        self.minutes_coached += minutes
        if self.last_session_on is None or held_on > self.last_session_on:
            self.last_session_on = held_on

    # -- drop-ins --------------------------------------------------------------------

    def record_drop_in(
        self, drop_in_id: UUID, observed_on: date, observer_id: str, observer_role: str,
        focus_area: str, strengths: str, development_areas: str, next_step: str | None,
        provenance: Provenance,
    ) -> bool:
        if drop_in_id in self.drop_in_ids:
            return False
        if observed_on < self.induction_start_date:
            raise SessionBeforeInductionStartError(
                f"a drop-in on {observed_on} predates the induction start "
                f"{self.induction_start_date}"
            )
        self._drop_in_recorded(
            drop_in_id=drop_in_id, observed_on=observed_on, observer_id=observer_id,
            observer_role=observer_role, focus_area=focus_area, strengths=strengths,
            development_areas=development_areas, next_step=next_step, provenance=provenance,
        )
        return True

    @event("DropInRecorded")
    def _drop_in_recorded(
        self, drop_in_id: UUID, observed_on: date, observer_id: str, observer_role: str,
        focus_area: str, strengths: str, development_areas: str, next_step: str | None,
        provenance: Provenance,
    ) -> None:
        self.drop_in_ids.add(drop_in_id)


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
