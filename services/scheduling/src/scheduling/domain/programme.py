"""The programme an ECT receives: coaching sessions, drop-ins, hub training, catch-ups, absence.

A base of the ``Induction`` aggregate, kept apart so each file stays readable. It relies on
``Induction`` for ``check_open`` and ``check_within`` (the period's dates) and on the clock
(``clock.py``) for the year an absence falls in and what it adds up to.
"""

from __future__ import annotations

from copy import deepcopy
from datetime import date, timedelta
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from scheduling.domain.errors import CatchUpNotFoundError, NoStatutoryLeaveError
from scheduling.domain.provenance import Provenance
from statutory.absence import AbsenceFact, AbsenceReason
from statutory.service import PostChange
from statutory.terms_served import FteChange
from statutory.timeline import LeaveExtension, TermsDecision
from statutory.timetable import standing

if TYPE_CHECKING:
    from scheduling.domain.clock import CalendarFor
    from statutory.timeline import Timeline

CATCH_UP_DAYS = 28  # a missed clinic's catch-up work is due four weeks later (hub policy)


# the facts are frozen dataclasses of immutable values: a copy may share them
_IMMUTABLE = (UUID, date, str, int, float, Decimal, Enum, type(None),
              PostChange, FteChange, AbsenceFact, LeaveExtension, TermsDecision)


def _copied(value: Any, memo: dict[int, Any]) -> Any:
    """``deepcopy(value)``, but a set, list or dict holding only immutable values (ids,
    dates, numbers, text) is copied flat: ``deepcopy`` rebuilds every UUID through its
    reduce protocol, the bulk of copying an ECT with a year of sessions."""
    if isinstance(value, _IMMUTABLE):
        return value
    kind = type(value)
    if kind in (set, list) and all(isinstance(item, _IMMUTABLE) for item in value):
        return kind(value)
    if kind is dict and all(isinstance(key, _IMMUTABLE) and isinstance(item, _IMMUTABLE)
                            for key, item in value.items()):
        return dict(value)
    return deepcopy(value, memo)


class Programme(Aggregate):
    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        """The repository copies a cached ECT for every command; see ``_copied``."""
        clone = object.__new__(type(self))
        memo[id(self)] = clone
        clone.__dict__.update({name: _copied(value, memo) for name, value in self.__dict__.items()})
        return clone

    if TYPE_CHECKING:
        mentor_id: UUID | None

        def check_open(self, action: str) -> None: ...
        def check_within(self, day: date, today: date, what: str) -> None: ...
        def timeline(self, calendar_for: CalendarFor, as_of: date, *,
                     then: PostChange | AbsenceFact | None = None) -> Timeline: ...

    def start_programme(self) -> None:
        """Called by the creating event: the programme's state starts empty."""
        self.session_ids: set[UUID] = set()
        self.sessions_held = 0
        self.sessions_missed = 0
        self.minutes_coached = 0
        self.last_session_on: date | None = None
        self.drop_in_ids: set[UUID] = set()
        self.training_ids: set[UUID] = set()
        self.open_catch_ups: dict[UUID, date] = {}
        self.completed_catch_ups: set[UUID] = set()
        self.absences: dict[UUID, AbsenceFact] = {}
        self.threshold_years: set[int] = set()  # AbsenceThresholdReached fires once a year
        self.leave_extensions: list[LeaveExtension] = []
        self.timetable: dict[int, float] = {}  # year of induction -> % of a normal timetable

    # -- coaching sessions -------------------------------------------------------------------

    def record_session(self, session_id: UUID, held_on: date, minutes: int,
                       observation_included: bool, action_step: str | None, today: date,
                       provenance: Provenance) -> bool:
        """Returns False when this session was already recorded (an idempotent retry)."""
        if session_id in self.session_ids:
            return False
        self.check_open("record a session")
        self.check_within(held_on, today, "a session")
        self._session_held(session_id=session_id, mentor_id=self.mentor_id, held_on=held_on,
                           minutes=minutes, observation_included=observation_included,
                           action_step=action_step, provenance=provenance)
        return True

    @event("SessionHeld")
    def _session_held(self, session_id: UUID, mentor_id: UUID | None, held_on: date, minutes: int,
                      observation_included: bool, action_step: str | None,
                      provenance: Provenance) -> None:
        self.session_ids.add(session_id)
        self.sessions_held += 1
        self.minutes_coached += minutes
        if self.last_session_on is None or held_on > self.last_session_on:
            self.last_session_on = held_on

    def record_missed_session(self, session_id: UUID, due_on: date, reason: str, note: str | None,
                              today: date, provenance: Provenance) -> bool:
        if session_id in self.session_ids:
            return False
        self.check_open("record a missed session")
        self.check_within(due_on, today, "a missed session")
        self._session_missed(session_id=session_id, mentor_id=self.mentor_id, due_on=due_on,
                             reason=reason, note=note, provenance=provenance)
        return True

    @event("SessionMissed")
    def _session_missed(self, session_id: UUID, mentor_id: UUID | None, due_on: date, reason: str,
                        note: str | None, provenance: Provenance) -> None:
        self.session_ids.add(session_id)
        self.sessions_missed += 1

    # -- drop-ins ----------------------------------------------------------------------------

    def record_drop_in(self, drop_in_id: UUID, observed_on: date, observer_id: str,
                       observer_role: str, focus_area: str, strengths: str, development_areas: str,
                       next_step: str | None, today: date, provenance: Provenance) -> bool:
        if drop_in_id in self.drop_in_ids:
            return False
        self.check_open("record a drop-in")
        self.check_within(observed_on, today, "a drop-in")
        self._drop_in_recorded(
            drop_in_id=drop_in_id, observed_on=observed_on, observer_id=observer_id,
            observer_role=observer_role, focus_area=focus_area, strengths=strengths,
            development_areas=development_areas, next_step=next_step, provenance=provenance)
        return True

    @event("DropInRecorded")
    def _drop_in_recorded(self, drop_in_id: UUID, observed_on: date, observer_id: str,
                          observer_role: str, focus_area: str, strengths: str,
                          development_areas: str, next_step: str | None,
                          provenance: Provenance) -> None:
        self.drop_in_ids.add(drop_in_id)

    # -- hub clinics, conferences and catch-up work --------------------------------------------

    def record_training(self, training_id: UUID, kind: str, held_on: date, attended: bool,
                        catch_up_id: UUID, today: date, provenance: Provenance) -> bool:
        """A missed clinic also assigns catch-up work (hub policy)."""
        if training_id in self.training_ids:
            return False
        self.check_open("record hub training")
        self.check_within(held_on, today, "training")
        self._training_recorded(training_id=training_id, kind=kind, held_on=held_on,
                                attended=attended, provenance=provenance)
        if kind == "clinic" and not attended:
            self._catch_up_assigned(catch_up_id=catch_up_id, training_id=training_id,
                                    due_by=held_on + timedelta(days=CATCH_UP_DAYS),
                                    provenance=provenance)
        return True

    @event("EctTrainingRecorded")
    def _training_recorded(self, training_id: UUID, kind: str, held_on: date, attended: bool,
                           provenance: Provenance) -> None:
        self.training_ids.add(training_id)

    @event("CatchUpAssigned")
    def _catch_up_assigned(self, catch_up_id: UUID, training_id: UUID, due_by: date,
                           provenance: Provenance) -> None:
        self.open_catch_ups[catch_up_id] = due_by

    def complete_catch_up(self, catch_up_id: UUID, completed_on: date, today: date,
                          provenance: Provenance) -> bool:
        if catch_up_id not in self.open_catch_ups:
            if catch_up_id in self.completed_catch_ups:
                return False
            raise CatchUpNotFoundError(catch_up_id)
        self.check_within(completed_on, today, "catch-up work")
        self._catch_up_completed(catch_up_id=catch_up_id, completed_on=completed_on,
                                 provenance=provenance)
        return True

    @event("CatchUpCompleted")
    def _catch_up_completed(self, catch_up_id: UUID, completed_on: date, provenance: Provenance) -> None:
        del self.open_catch_ups[catch_up_id]
        self.completed_catch_ups.add(catch_up_id)

    # -- absence (statutory rule 9, guidance 3.6-3.7) --------------------------------------------

    def record_absence(self, absence_id: UUID, first_day: date, days: float, reason: str,
                       calendar_for: CalendarFor, today: date, provenance: Provenance) -> bool:
        """Filed in the year of induction the clock places it in, as the facts stand with it;
        the headteacher tells the AB once a year reaches the threshold (3.6, 5.4)."""
        if absence_id in self.absences:
            return False
        self.check_open("record an absence")
        self.check_within(first_day, today, "an absence")
        absence = AbsenceFact(first_day=first_day, days=days, reason=AbsenceReason(reason))
        timeline = self.timeline(calendar_for, today, then=absence)
        year = timeline.year_of_absence(first_day)
        counted = timeline.counted_absence_days(year)
        self._absence_recorded(absence_id=absence_id, first_day=first_day, days=days, reason=reason,
                               statutory_leave=not absence.counts, induction_year=year,
                               days_counted_in_year=counted, provenance=provenance)
        # the clock extends a year by absence once its counted days reach 30 (3.6): the first
        # absence to make it do so is the one the AB is told of, once for that year (5.4)
        extended = next((line for line in timeline.plan.extensions
                         if line.source == "absence" and line.induction_year == year), None)
        if extended is not None and year not in self.threshold_years:
            self._absence_threshold_reached(induction_year=year, days_counted=counted,
                                            extension_days=extended.days or counted,
                                            provenance=provenance)
        return True

    @event("AbsenceRecorded")
    def _absence_recorded(self, absence_id: UUID, first_day: date, days: float, reason: str,
                          statutory_leave: bool, induction_year: int, days_counted_in_year: float,
                          provenance: Provenance) -> None:
        # the year is the clock's to give, from all the facts: a later extension may move it
        self.absences[absence_id] = AbsenceFact(first_day=first_day, days=days,
                                                reason=AbsenceReason(reason))

    @event("AbsenceThresholdReached")
    def _absence_threshold_reached(self, induction_year: int, days_counted: float,
                                   extension_days: float, provenance: Provenance) -> None:
        self.threshold_years.add(induction_year)

    @property
    def statutory_leave_days(self) -> float:
        return sum(a.days for a in self.absences.values() if not a.counts)

    @property
    def statutory_extension_days(self) -> float:
        return sum(extension.days for extension in self.leave_extensions)

    def opt_to_extend(self, extension_days: float, requested_on: date, provenance: Provenance) -> None:
        """An ECT back from statutory leave may extend; the request is always granted (3.7)."""
        available = self.statutory_leave_days - self.statutory_extension_days
        if available <= 0:
            raise NoStatutoryLeaveError(
                "only an ECT who took statutory leave (maternity, paternity, adoption, shared "
                "parental, parental bereavement or carer's) may opt to extend (guidance 3.7)")
        if extension_days > available:
            raise NoStatutoryLeaveError(
                f"an extension of {extension_days} days exceeds the {available} days of statutory "
                "leave not yet covered by an extension")
        self._statutory_leave_extension_granted(extension_days=extension_days,
                                                requested_on=requested_on, provenance=provenance)

    # -- the reduced timetable (statutory rule 3, guidance 2.20-2.21) ---------------------------

    def record_timetable(self, induction_year: int, timetable_percent: float, recorded_on: date,
                         provenance: Provenance) -> bool:
        """The share of a normal timetable taught in a year; False when it is already so. A
        share over the limit is recorded as it is: the entitlement shows the breach."""
        self.check_open("record the timetable")
        standing(induction_year, timetable_percent)  # refuses an impossible share or year
        if self.timetable.get(induction_year) == timetable_percent:
            return False
        self._timetable_recorded(induction_year=induction_year, timetable_percent=timetable_percent,
                                 recorded_on=recorded_on, provenance=provenance)
        return True

    @event("TimetableRecorded")
    def _timetable_recorded(self, induction_year: int, timetable_percent: float, recorded_on: date,
                            provenance: Provenance) -> None:
        self.timetable[induction_year] = timetable_percent

    @event("StatutoryLeaveExtensionGranted")
    def _statutory_leave_extension_granted(self, extension_days: float, requested_on: date,
                                           provenance: Provenance) -> None:
        self.leave_extensions.append(LeaveExtension(requested_on, extension_days))
