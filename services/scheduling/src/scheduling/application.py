"""Use cases of scheduling: thin, primitive in and out, one aggregate change per command.

The eventsourcing store is synchronous; async entrypoints call these methods through
``asyncio.to_thread``. Commands on an existing ECT take an ``authorize`` callback that sees
the loaded aggregate before anything is decided, so access rules (which school, which AB,
which mentor) are checked against the same state the command changes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Mapper

from ect_platform.integration_events import register_transcodings
from ect_platform.keystore import Keystore, MemoryKeystore
from ect_platform.sealing import SealingMapper
from scheduling.concurrency import retrying
from scheduling.domain.appropriate_body import AppropriateBody, appropriate_body_record_id
from scheduling.domain.clock import CalendarFor
from scheduling.domain.errors import (
    EctNotFoundError,
    MentorNotFoundError,
    MentorPolicyBreachError,
    PersonalDataErasedError,
    TrnAlreadyRegisteredError,
)
from scheduling.domain.induction import EctTrnIndex, Induction, Status
from scheduling.domain.induction import index_id as ect_index_id
from scheduling.domain.mentor import Mentor, MentorTrnIndex
from scheduling.domain.mentor import index_id as mentor_index_id
from scheduling.domain.mentor_policy import MentorPolicy
from scheduling.domain.provenance import Provenance
from scheduling.domain.registration_window import check_start_date
from scheduling.domain.school_terms import SchoolTerms, academic_year, school_terms_id
from scheduling.personal_data import PERSONAL
from statutory.calendar import SchoolCalendar
from statutory.timeline import Timeline

T = TypeVar("T")
Authorize = Callable[[Induction], None]
LONDON = ZoneInfo("Europe/London")


def today_in_england() -> date:
    return datetime.now(LONDON).date()


def allow_all(_: Induction) -> None:
    return None


class SchedulingApplication(Application):
    name = "scheduling"

    def __init__(self, env: dict[str, str] | None = None, policy: MentorPolicy | None = None,
                 clock: Callable[[], date] = today_in_england, keystore: Keystore | None = None):
        self.keystore: Keystore = keystore or MemoryKeystore()  # before the mapper is built
        super().__init__(env)
        self.policy = policy or MentorPolicy()
        self.today = clock

    def construct_mapper(self) -> Mapper[UUID]:  # personal data sealed with its person's key
        return SealingMapper(self.construct_transcoder(), self.keystore, PERSONAL)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_transcodings(transcoder, Provenance)

    # -- calendars -----------------------------------------------------------------------------

    def calendar_for(self, school_id: str) -> SchoolCalendar:
        try:
            terms: SchoolTerms = self.repository.get(school_terms_id(school_id))
        except AggregateNotFoundError:
            return SchoolCalendar({})
        return terms.calendar()

    def calendars(self) -> CalendarFor:
        """``calendar_for``, each school read once: the clock asks for every school the ECT
        served at, and one question may ask for the same school more than once."""
        found: dict[str, SchoolCalendar] = {}

        def calendar_for(school_id: str) -> SchoolCalendar:
            if school_id not in found:
                found[school_id] = self.calendar_for(school_id)
            return found[school_id]

        return calendar_for

    def set_term_dates(self, school_id: str, start_year: int, terms: list[dict[str, Any]],
                       provenance: Provenance) -> bool:
        year = academic_year(start_year, terms)

        def command() -> bool:
            try:
                record: SchoolTerms = self.repository.get(school_terms_id(school_id))
            except AggregateNotFoundError:
                record = SchoolTerms(school_id=school_id)
            changed = record.set_term_dates(year, provenance)
            self.save(record)
            return changed

        return retrying(command)

    # -- the directory: schools and appropriate bodies by name -------------------------------------

    def name_school(self, school_id: str, name: str, provenance: Provenance) -> bool:
        """Give the school (its URN) the name people read; False when it already had it."""

        def command() -> bool:
            try:
                record: SchoolTerms = self.repository.get(school_terms_id(school_id))
            except AggregateNotFoundError:
                record = SchoolTerms(school_id=school_id)
            changed = record.register_name(name, provenance)
            self.save(record)
            return changed

        return retrying(command)

    def school_name(self, school_id: str) -> str | None:
        try:
            record: SchoolTerms = self.repository.get(school_terms_id(school_id))
        except AggregateNotFoundError:
            return None
        return record.name

    def name_appropriate_body(self, appropriate_body_id: str, name: str, provenance: Provenance) -> bool:
        def command() -> bool:
            try:
                record: AppropriateBody = self.repository.get(
                    appropriate_body_record_id(appropriate_body_id))
            except AggregateNotFoundError:
                record = AppropriateBody(appropriate_body_id=appropriate_body_id)
            changed = record.register_name(name, provenance)
            self.save(record)
            return changed

        return retrying(command)

    def appropriate_body_name(self, appropriate_body_id: str) -> str | None:
        try:
            record: AppropriateBody = self.repository.get(appropriate_body_record_id(appropriate_body_id))
        except AggregateNotFoundError:
            return None
        return record.name

    # -- registration and the induction period -------------------------------------------------

    def register_ect(self, *, trn: str, provenance: Provenance, received_on: date | None = None,
                     **details: Any) -> UUID:
        """A claim: a new ECT, or a new period for one another AB released (rule 4)."""
        received = received_on or self.today()
        start = details["induction_start_date"]
        check_start_date(start=start, received_on=received, today=self.today(),
                         calendar=self.calendar_for(details["school_id"]))
        existing = self.ect_id_for(trn)
        if existing is None:
            ect = Induction.register(trn=trn, provenance=provenance, **details)
            self._save_new(ect, EctTrnIndex(trn=trn, ect_id=ect.id), trn=trn, kind="ECT")
            return ect.id

        def claim(ect: Induction) -> UUID:
            if ect.status == Status.OPEN and ect.appropriate_body_id == details["appropriate_body_id"]:
                raise TrnAlreadyRegisteredError(trn, "ECT")
            ect.claim(appropriate_body_id=details["appropriate_body_id"], period_start_date=start,
                      school_id=details["school_id"], fte=details["fte"],
                      induction_programme=details["induction_programme"],
                      induction_tutor_id=details["induction_tutor_id"], provenance=provenance)
            return ect.id

        return self.change_ect(existing, allow_all, claim)

    def register_mentor(self, *, trn: str, provenance: Provenance, **details: Any) -> UUID:
        if self._exists(mentor_index_id(trn)):
            raise TrnAlreadyRegisteredError(trn, "mentor")
        mentor = Mentor(trn=trn, provenance=provenance, **details)
        self._save_new(mentor, MentorTrnIndex(trn=trn, mentor_id=mentor.id), trn=trn, kind="mentor")
        return mentor.id

    def assign_mentor(self, ect_id: UUID, mentor_id: UUID, *, assigned_on: date,
                      override_reason: str | None, provenance: Provenance,
                      authorize: Authorize = allow_all) -> bool:
        mentor = self.get_mentor(mentor_id)
        if mentor.erased:
            raise PersonalDataErasedError("mentor", mentor_id)

        def assign(ect: Induction) -> bool:
            breaches = self.policy.breaches(ect, mentor)
            if breaches and not override_reason:
                raise MentorPolicyBreachError(breaches)
            return ect.assign_mentor(mentor_id, assigned_on, override_reason if breaches else None,
                                     provenance)

        return self.change_ect(ect_id, authorize, assign)

    def record_mentor_training(self, mentor_id: UUID, *, request_id: str | None, kind: str,
                               held_on: date, attended: bool, provenance: Provenance
                               ) -> tuple[UUID, bool]:
        training_id = Induction.record_id_for(mentor_id, "mentor-training", request_id or str(uuid4()))

        def command() -> bool:
            mentor = self.get_mentor(mentor_id)
            if mentor.erased:
                raise PersonalDataErasedError("mentor", mentor_id)
            changed = mentor.record_training(training_id, kind, held_on, attended, provenance)
            self.save(mentor)
            return changed

        return training_id, retrying(command)

    # -- the programme of one ECT ---------------------------------------------------------------

    def record_session(self, ect_id: UUID, *, request_id: str | None, held_on: date, minutes: int,
                       observation_included: bool, action_step: str | None, provenance: Provenance,
                       authorize: Authorize = allow_all) -> tuple[UUID, bool]:
        session_id = Induction.record_id_for(ect_id, "session", request_id or str(uuid4()))
        return session_id, self.change_ect(ect_id, authorize, lambda ect: ect.record_session(
            session_id, held_on, minutes, observation_included, action_step, self.today(), provenance))

    def record_missed_session(self, ect_id: UUID, *, request_id: str | None, due_on: date,
                              reason: str, note: str | None, provenance: Provenance,
                              authorize: Authorize = allow_all) -> tuple[UUID, bool]:
        session_id = Induction.record_id_for(ect_id, "session", request_id or str(uuid4()))
        return session_id, self.change_ect(ect_id, authorize, lambda ect: ect.record_missed_session(
            session_id, due_on, reason, note, self.today(), provenance))

    def record_drop_in(self, ect_id: UUID, *, request_id: str | None, observed_on: date,
                       focus_area: str, strengths: str, development_areas: str,
                       next_step: str | None, provenance: Provenance,
                       authorize: Authorize = allow_all) -> tuple[UUID, bool]:
        drop_in_id = Induction.record_id_for(ect_id, "drop-in", request_id or str(uuid4()))
        return drop_in_id, self.change_ect(ect_id, authorize, lambda ect: ect.record_drop_in(
            drop_in_id, observed_on, provenance.actor_id, provenance.actor_role, focus_area,
            strengths, development_areas, next_step, self.today(), provenance))

    def record_ect_training(self, ect_id: UUID, *, request_id: str | None, kind: str, held_on: date,
                            attended: bool, provenance: Provenance,
                            authorize: Authorize = allow_all) -> tuple[UUID, UUID | None, bool]:
        training_id = Induction.record_id_for(ect_id, "training", request_id or str(uuid4()))
        catch_up_id = Induction.record_id_for(ect_id, "catch-up", str(training_id))
        created = self.change_ect(ect_id, authorize, lambda ect: ect.record_training(
            training_id, kind, held_on, attended, catch_up_id, self.today(), provenance))
        assigned = kind == "clinic" and not attended
        return training_id, catch_up_id if assigned else None, created

    def complete_catch_up(self, ect_id: UUID, catch_up_id: UUID, *, completed_on: date,
                          provenance: Provenance, authorize: Authorize = allow_all) -> bool:
        return self.change_ect(ect_id, authorize, lambda ect: ect.complete_catch_up(
            catch_up_id, completed_on, self.today(), provenance))

    def record_absence(self, ect_id: UUID, *, request_id: str | None, first_day: date, days: float,
                       reason: str, provenance: Provenance,
                       authorize: Authorize = allow_all) -> tuple[UUID, bool]:
        absence_id = Induction.record_id_for(ect_id, "absence", request_id or str(uuid4()))

        def record(ect: Induction) -> bool:
            return ect.record_absence(absence_id, first_day, days, reason, self.calendars(),
                                      self.today(), provenance)

        return absence_id, self.change_ect(ect_id, authorize, record)

    def opt_to_extend(self, ect_id: UUID, *, extension_days: float, provenance: Provenance,
                      authorize: Authorize = allow_all) -> None:
        self.change_ect(ect_id, authorize, lambda ect: ect.opt_to_extend(
            extension_days, self.today(), provenance))

    def record_timetable(self, ect_id: UUID, *, induction_year: int, timetable_percent: float,
                         provenance: Provenance, authorize: Authorize = allow_all) -> bool:
        return self.change_ect(ect_id, authorize, lambda ect: ect.record_timetable(
            induction_year, timetable_percent, self.today(), provenance))

    def change_working_pattern(self, ect_id: UUID, *, fte: float, effective_from: date,
                               provenance: Provenance, authorize: Authorize = allow_all) -> bool:
        return self.change_ect(ect_id, authorize, lambda ect: ect.change_working_pattern(
            fte, effective_from, provenance))

    def transfer(self, ect_id: UUID, *, to_school_id: str, effective_on: date,
                 induction_tutor_id: str, provenance: Provenance,
                 authorize: Authorize = allow_all) -> None:
        self.change_ect(ect_id, authorize, lambda ect: ect.transfer(
            to_school_id, effective_on, induction_tutor_id, provenance))

    def release(self, ect_id: UUID, *, released_on: date, reason: str, provenance: Provenance,
                authorize: Authorize = allow_all, number_of_terms: Decimal | None = None) -> None:
        self.change_ect(ect_id, authorize, lambda ect: ect.release(
            released_on, reason, self.calendars(), provenance, number_of_terms))

    def leave(self, ect_id: UUID, *, left_on: date, reason: str, provenance: Provenance,
              authorize: Authorize = allow_all) -> None:
        self.change_ect(ect_id, authorize, lambda ect: ect.leave(
            left_on, reason, self.calendars(), self.today(), provenance))

    def record_outcome(self, ect_id: UUID, *, outcome: str, decided_on: date,
                       provenance: Provenance) -> bool:
        """Reporting published the AB's decision; scheduling keeps it to refuse a second claim."""
        return self.change_ect(ect_id, allow_all, lambda ect: ect.record_outcome(
            outcome, decided_on, provenance), erased_ok=True)

    def learn_appeal_outcome(self, ect_id: UUID, *, decision_id: UUID, appeal_outcome: str,
                             decided_on: date, extension_terms: float | None,
                             provenance: Provenance) -> bool:
        """Reporting published the TRA's decision on an appeal: allowed or extended reopens the
        induction record, extended also lengthens it (regulation 14)."""
        return self.change_ect(ect_id, allow_all, lambda ect: ect.learn_appeal_outcome(
            decision_id, appeal_outcome, decided_on, extension_terms, provenance), erased_ok=True)

    def record_extension(self, ect_id: UUID, *, decision_id: UUID, extension_terms: float,
                         decided_on: date, provenance: Provenance) -> bool:
        """Reporting published the AB's extension (3.8): the clock lengthens the induction."""
        return self.change_ect(ect_id, allow_all, lambda ect: ect.record_extension(
            decision_id, extension_terms, decided_on, provenance), erased_ok=True)

    def record_reduction(self, ect_id: UUID, *, decision_id: UUID, reduction_terms: float,
                         decided_on: date, provenance: Provenance) -> bool:
        """Reporting published the AB's reduction (3.2-3.4): the clock shortens the induction."""
        return self.change_ect(ect_id, allow_all, lambda ect: ect.record_reduction(
            decision_id, reduction_terms, decided_on, provenance), erased_ok=True)

    # -- generic change of one ECT ----------------------------------------------------------------

    def change_ect(self, ect_id: UUID, authorize: Authorize, change: Callable[[Induction], T],
                   *, erased_ok: bool = False) -> T:
        """Load, authorize, decide, save; on a version clash, decide again on fresh state.
        Nothing more is recorded about an erased person, but for the AB's decisions learnt from
        reporting (``erased_ok``), which hold no personal data and keep the statistics whole."""

        def command() -> T:
            ect = self.get_induction(ect_id)
            authorize(ect)
            if ect.erased and not erased_ok:
                raise PersonalDataErasedError("ECT", ect_id)
            result = change(ect)
            self.save(ect)
            return result

        return retrying(command)

    # -- queries ---------------------------------------------------------------------------------

    def get_induction(self, ect_id: UUID) -> Induction:
        try:
            ect: Any = self.repository.get(ect_id)
        except AggregateNotFoundError:
            raise EctNotFoundError(ect_id) from None
        if not isinstance(ect, Induction):
            raise EctNotFoundError(ect_id)
        return ect

    def coaching_events(self, ect_id: UUID) -> list[Any]:
        """The ECT's stored events, for what was written in them (``scheduling.coaching_record``)."""
        return list(self.repository.event_store.get(ect_id))

    def mentor_name(self, mentor_id: UUID) -> str | None:
        try:
            return self.get_mentor(mentor_id).name
        except MentorNotFoundError:
            return None

    def timeline_of(self, ect: Induction, as_of: date) -> Timeline:
        """The induction clock for ``ect`` on ``as_of``, on the calendar of every school it served at."""
        return ect.timeline(self.calendars(), as_of)

    def get_mentor(self, mentor_id: UUID) -> Mentor:
        try:
            mentor: Any = self.repository.get(mentor_id)
        except AggregateNotFoundError:
            raise MentorNotFoundError(mentor_id) from None
        if not isinstance(mentor, Mentor):
            raise MentorNotFoundError(mentor_id)
        return mentor

    # -- plumbing ----------------------------------------------------------------------------------

    def ect_id_for(self, trn: str) -> UUID | None:
        try:
            index: EctTrnIndex = self.repository.get(ect_index_id(trn))
        except AggregateNotFoundError:
            return None
        return index.ect_id

    def _exists(self, aggregate_id: UUID) -> bool:
        return bool(self.recorder.select_events(aggregate_id, limit=1))

    def _save_new(self, *aggregates: Any, trn: str, kind: str) -> None:
        try:
            self.save(*aggregates)
        except IntegrityError:
            raise TrnAlreadyRegisteredError(trn, kind) from None
