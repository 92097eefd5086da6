"""Use cases of scheduling: thin, primitive in and out, one aggregate change per command.

The eventsourcing store is synchronous; async entrypoints call these methods through
``asyncio.to_thread``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, JSONTranscoder

from ect_platform.outbox import register_transcodings
from scheduling.domain.errors import (
    EctNotFoundError,
    MentorNotFoundError,
    MentorPolicyBreachError,
    TrnAlreadyRegisteredError,
)
from scheduling.domain.induction import EctTrnIndex, Induction
from scheduling.domain.induction import index_id as ect_index_id
from scheduling.domain.mentor import Mentor, MentorTrnIndex
from scheduling.domain.mentor import index_id as mentor_index_id
from scheduling.domain.mentor_policy import MentorPolicy
from scheduling.domain.provenance import Provenance

T = TypeVar("T")


class ConcurrentChangeError(Exception):
    """Another writer kept changing the same record; the client may retry."""


class SchedulingApplication(Application):
    name = "scheduling"

    def __init__(self, env: dict[str, str] | None = None, policy: MentorPolicy | None = None):
        super().__init__(env)
        self.policy = policy or MentorPolicy()

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_transcodings(transcoder, Provenance)

    # -- commands ------------------------------------------------------------------

    def register_ect(self, *, trn: str, provenance: Provenance, **details: Any) -> UUID:
        if self._exists(ect_index_id(trn)):
            raise TrnAlreadyRegisteredError(trn, "ECT")
        ect = Induction.register(trn=trn, provenance=provenance, **details)
        # Saving the index with the ECT makes the TRN unique: a concurrent second
        # registration of the same TRN fails on the index's version 1.
        self._save_new(ect, EctTrnIndex(trn=trn, ect_id=ect.id), trn=trn, kind="ECT")
        return ect.id

    def register_mentor(self, *, trn: str, provenance: Provenance, **details: Any) -> UUID:
        if self._exists(mentor_index_id(trn)):
            raise TrnAlreadyRegisteredError(trn, "mentor")
        mentor = Mentor(trn=trn, provenance=provenance, **details)
        self._save_new(mentor, MentorTrnIndex(trn=trn, mentor_id=mentor.id), trn=trn,
                       kind="mentor")
        return mentor.id

    def assign_mentor(
        self, ect_id: UUID, mentor_id: UUID, *, assigned_on: date, override_reason: str | None,
        provenance: Provenance,
    ) -> bool:
        def command() -> bool:
            ect = self.get_induction(ect_id)
            mentor = self.get_mentor(mentor_id)
            breaches = self.policy.breaches(ect, mentor)
            if breaches and not override_reason:
                raise MentorPolicyBreachError(breaches)
            changed = ect.assign_mentor(
                mentor_id, assigned_on, override_reason if breaches else None, provenance
            )
            self.save(ect)
            return changed

        return self._retrying(command)

    def record_session(
        self, ect_id: UUID, *, request_id: str | None, held_on: date, minutes: int,
        observation_included: bool, action_step: str | None, provenance: Provenance,
    ) -> tuple[UUID, bool]:
        session_id = Induction.session_id_for(ect_id, request_id or str(uuid4()))

        def command() -> tuple[UUID, bool]:
            ect = self.get_induction(ect_id)
            if provenance.actor_role == "mentor":
                ect.check_may_record_as_mentor(provenance.actor_id)
            created = ect.record_session(
                session_id, held_on, minutes, observation_included, action_step, provenance
            )
            self.save(ect)
            return session_id, created

        return self._retrying(command)

    def record_drop_in(
        self, ect_id: UUID, *, request_id: str | None, observed_on: date, focus_area: str,
        strengths: str, development_areas: str, next_step: str | None, provenance: Provenance,
    ) -> tuple[UUID, bool]:
        drop_in_id = Induction.session_id_for(ect_id, "drop-in:" + (request_id or str(uuid4())))

        def command() -> tuple[UUID, bool]:
            ect = self.get_induction(ect_id)
            if provenance.actor_role == "mentor":
                ect.check_may_record_as_mentor(provenance.actor_id)
            created = ect.record_drop_in(
                drop_in_id, observed_on, provenance.actor_id, provenance.actor_role, focus_area,
                strengths, development_areas, next_step, provenance,
            )
            self.save(ect)
            return drop_in_id, created

        return self._retrying(command)

    # -- queries ---------------------------------------------------------------------

    def get_induction(self, ect_id: UUID) -> Induction:
        try:
            ect = self.repository.get(ect_id)
        except AggregateNotFoundError:
            raise EctNotFoundError(ect_id) from None
        if not isinstance(ect, Induction):
            raise EctNotFoundError(ect_id)
        return ect

    def get_mentor(self, mentor_id: UUID) -> Mentor:
        try:
            mentor = self.repository.get(mentor_id)
        except AggregateNotFoundError:
            raise MentorNotFoundError(mentor_id) from None
        if not isinstance(mentor, Mentor):
            raise MentorNotFoundError(mentor_id)
        return mentor

    # -- plumbing ----------------------------------------------------------------------

    def _exists(self, aggregate_id: UUID) -> bool:
        return bool(self.recorder.select_events(aggregate_id, limit=1))

    def _save_new(self, *aggregates: Any, trn: str, kind: str) -> None:
        try:
            self.save(*aggregates)
        except IntegrityError:
            raise TrnAlreadyRegisteredError(trn, kind) from None

    @staticmethod
    def _retrying(command: Callable[[], T], attempts: int = 5) -> T:
        """Optimistic concurrency: on a version clash, decide again on fresh state."""
        for _ in range(attempts):
            try:
                return command()
            except IntegrityError:
                continue
        raise ConcurrentChangeError("the record kept changing under concurrent writers; retry")
