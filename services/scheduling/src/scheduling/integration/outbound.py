"""Scheduling's domain events -> public integration events (contracts v1).

Most payloads are a field-by-field copy of the domain event, so one generic mapping serves
them; each entry says which date is the business date and whether the event is about an ECT.
Private events (the TRN indexes, a school calendar's creation) have no contract: they only
make a TRN unique or open a record, and tell a subscriber nothing it needs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from contracts import EventPayload
from contracts.scheduling import v1
from contracts.scheduling.privacy import ErasedSubject, PersonalDataErased
from ect_platform.integration_events import Translate, Translation, Translator, build_payload
from scheduling.domain.appropriate_body import AppropriateBody
from scheduling.domain.clock import InductionClock
from scheduling.domain.induction import EctTrnIndex, Induction
from scheduling.domain.mentor import Mentor, MentorTrnIndex
from scheduling.domain.programme import Programme
from scheduling.domain.school_terms import SchoolTerms

SOURCE = "scheduling"
_MISSING = object()


def copied(payload_cls: type[EventPayload], *, happened: str | None, about_ect: bool = True,
           extra: Callable[[Any], dict[str, Any]] | None = None) -> Translate:
    """A translation copying every payload field the domain event has under the same name."""

    names = tuple(payload_cls.model_fields)  # read once: pydantic computes it on each access

    def translate(e: Any) -> Translation:
        fields = {name: value for name in names
                  if (value := getattr(e, name, _MISSING)) is not _MISSING}
        if extra:
            fields.update(extra(e))
        return Translation(build_payload(payload_cls, fields), getattr(e, happened) if happened else None,
                           e.originator_id if about_ect else None)

    return translate


def _mentor_is_originator(e: Any) -> dict[str, Any]:
    return {"mentor_id": e.originator_id}


def _erased(subject: ErasedSubject, *, about_ect: bool) -> Translate:
    """The erasure, about whoever the record is (the ECT's induction, or the mentor)."""

    def translate(e: Any) -> Translation:
        return Translation(PersonalDataErased(
            subject=subject, subject_id=e.originator_id, reason=e.reason,
            retained_until=e.retained_until, legal_basis=e.legal_basis), None,
            e.originator_id if about_ect else None)

    return translate


# The @event decorator creates these classes (mypy cannot see them). Programme events are
# stored under the base class that declares them, so they are looked up there.
ev: Any = Induction
prog: Any = Programme
mentor_ev: Any = Mentor
terms_ev: Any = SchoolTerms
clock_ev: Any = InductionClock
ab_ev: Any = AppropriateBody

to_integration_event = Translator(
    SOURCE,
    {
        ev.EctRegistered: copied(v1.EctRegistered, happened="induction_start_date"),
        ev.EctClaimed: copied(v1.EctClaimed, happened="period_start_date"),
        ev.EctReleased: copied(v1.EctReleased, happened="released_on"),
        ev.InductionOutcomeImported: copied(v1.InductionOutcomeImported, happened="decided_on"),
        ev.EctTransferred: copied(v1.EctTransferred, happened="effective_on"),
        ev.WorkingPatternChanged: copied(v1.WorkingPatternChanged, happened="effective_from"),
        ev.EctLeft: copied(v1.EctLeft, happened="left_on"),
        ev.MentorAssigned: copied(v1.MentorAssigned, happened="assigned_on"),
        prog.SessionHeld: copied(v1.SessionHeld, happened="held_on"),
        prog.SessionMissed: copied(v1.SessionMissed, happened="due_on"),
        prog.DropInRecorded: copied(v1.DropInRecorded, happened="observed_on"),
        prog.EctTrainingRecorded: copied(v1.EctTrainingRecorded, happened="held_on"),
        prog.CatchUpAssigned: copied(v1.CatchUpAssigned, happened=None),
        prog.CatchUpCompleted: copied(v1.CatchUpCompleted, happened="completed_on"),
        prog.AbsenceRecorded: copied(v1.AbsenceRecorded, happened="first_day"),
        prog.AbsenceThresholdReached: copied(v1.AbsenceThresholdReached, happened=None),
        prog.StatutoryLeaveExtensionGranted: copied(v1.StatutoryLeaveExtensionGranted,
                                                  happened="requested_on"),
        prog.TimetableRecorded: copied(v1.TimetableRecorded, happened="recorded_on"),
        ev.PersonalDataErased: _erased(ErasedSubject.ECT, about_ect=True),
        mentor_ev.PersonalDataErased: _erased(ErasedSubject.MENTOR, about_ect=False),
        mentor_ev.MentorRegistered: copied(v1.MentorRegistered, happened=None, about_ect=False,
                                           extra=_mentor_is_originator),
        mentor_ev.MentorTrainingAttended: copied(v1.MentorTrainingAttended, happened="held_on",
                                                 about_ect=False, extra=_mentor_is_originator),
        terms_ev.TermDatesSet: copied(v1.TermDatesSet, happened=None, about_ect=False),
        terms_ev.SchoolRegistered: copied(v1.SchoolRegistered, happened=None, about_ect=False),
        ab_ev.AppropriateBodyRegistered: copied(v1.AppropriateBodyRegistered, happened=None,
                                                about_ect=False),
    },
)

PRIVATE_EVENTS: dict[type, str] = {
    EctTrnIndex.Indexed: "makes a TRN unique among ECTs; its id derives from the TRN",  # type: ignore[attr-defined]
    MentorTrnIndex.Indexed: "makes a TRN unique among mentors; its id derives from the TRN",  # type: ignore[attr-defined]
    terms_ev.Started: "opens a school's record; SchoolRegistered and TermDatesSet carry what it holds",
    ab_ev.Started: "opens an appropriate body's record; AppropriateBodyRegistered carries its name",
    ev.InductionCompleted: "scheduling's copy of reporting's InductionOutcomeRecorded, kept to refuse "
    "a second claim; republishing it would only echo reporting's event",
    ev.InductionReopened: "scheduling's copy of reporting's AppealDecided (allowed or extended), "
    "kept to let the ECT continue or be claimed; republishing it would only echo reporting's event",
    clock_ev.InductionExtended: "scheduling's copy of reporting's InductionExtended, a fact its clock "
    "needs; republishing it would only echo reporting's event",
    clock_ev.InductionReduced: "scheduling's copy of reporting's InductionReduced, a fact its clock "
    "needs; republishing it would only echo reporting's event",
}
"""Stored events with no contract, and why (a test checks every stored event is one or the other)."""
