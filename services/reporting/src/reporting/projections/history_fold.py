"""Integration events -> the plain facts the rules compute with (``EctHistory``, calendars, training).

Folds are pure and total: given the same events they give the same answer, whatever order
the events were delivered in, because they sort first (``ordered``). An ECT's scheduling
events all come from one aggregate, so its version orders them; reporting's reports are
separate aggregates whose order does not matter (they are kept by id).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from contracts import EventEnvelope
from contracts.reporting import v1 as rv1
from contracts.scheduling import v1
from reporting.domain.history import (
    AppealFact,
    CatchUpFact,
    EctHistory,
    ExtensionFact,
    MissedFact,
    NoticeFact,
    OutcomeFact,
    Period,
    ReductionFact,
    ReportFact,
    RepresentationsFact,
    SessionFact,
    SupportPlanFact,
    TrainingFact,
)
from statutory.absence import AbsenceFact, AbsenceReason
from statutory.calendar import AcademicYear, SchoolCalendar, Term, TermName
from statutory.service import END, START, TRANSFER, PostChange
from statutory.terms_served import FteChange

Envelope = EventEnvelope[Any]


def ordered(envelopes: Iterable[Envelope]) -> list[Envelope]:
    return sorted(envelopes, key=lambda e: (e.recorded_at, str(e.aggregate_id), e.aggregate_version))


def fold_history(ect_id: UUID, envelopes: Iterable[Envelope]) -> EctHistory:
    history = EctHistory(ect_id)
    for envelope in ordered(envelopes):
        handler = _HANDLERS.get(type(envelope.payload))
        if handler is not None:
            handler(history, envelope.payload)
    return history


def learn(history: EctHistory, payload: Any) -> None:
    """One more fact, as a command just recorded it (the fold does the same on delivery)."""
    handler = _HANDLERS.get(type(payload))
    if handler is not None:
        handler(history, payload)


def _end_period(h: EctHistory, end: date, reason: str) -> None:
    if h.periods and h.periods[-1].end is None:
        last = h.periods[-1]
        h.periods[-1] = Period(last.appropriate_body_id, last.start, last.induction_programme, end, reason)


def _registered(h: EctHistory, p: v1.EctRegistered) -> None:
    h.trn, h.name, h.date_of_birth = p.trn, p.name, p.date_of_birth
    h.school_id, h.appropriate_body_id = p.school_id, p.appropriate_body_id
    h.induction_programme, h.induction_tutor_id = p.induction_programme.value, p.induction_tutor_id
    h.induction_start_date = p.induction_start_date
    h.fte_history = [FteChange(p.induction_start_date, p.fte)]
    h.periods = [Period(p.appropriate_body_id, p.induction_start_date, p.induction_programme.value)]
    h.schools = [(p.school_id, p.induction_start_date)]
    h.posts = [PostChange(START, p.induction_start_date, p.appropriate_body_id, p.school_id)]
    h.unmentored_since = p.induction_start_date if h.mentor_id is None else None


def _claimed(h: EctHistory, p: v1.EctClaimed) -> None:
    h.appropriate_body_id, h.school_id = p.appropriate_body_id, p.school_id
    h.induction_programme, h.induction_tutor_id = p.induction_programme.value, p.induction_tutor_id
    h.periods.append(Period(p.appropriate_body_id, p.period_start_date, p.induction_programme.value))
    h.fte_history.append(FteChange(p.period_start_date, p.fte))
    h.schools.append((p.school_id, p.period_start_date))
    h.posts.append(PostChange(START, p.period_start_date, p.appropriate_body_id, p.school_id))
    h.left_on, h.interim_assessment_due = None, False
    h.mentor_id, h.unmentored_since = None, p.period_start_date


def _released(h: EctHistory, p: v1.EctReleased) -> None:
    _end_period(h, p.released_on, "released")
    recorded = Decimal(repr(p.terms_recorded)) if p.terms_recorded is not None else None
    h.posts.append(PostChange(END, p.released_on, recorded_terms=recorded))


def _transferred(h: EctHistory, p: v1.EctTransferred) -> None:
    h.school_id, h.induction_tutor_id = p.to_school_id, p.induction_tutor_id
    h.schools.append((p.to_school_id, p.effective_on))
    h.posts.append(PostChange(TRANSFER, p.effective_on, school_id=p.to_school_id))
    h.mentor_id, h.unmentored_since = None, p.effective_on


def _pattern(h: EctHistory, p: v1.WorkingPatternChanged) -> None:
    # appended in order, as every service keeps it: of two on one day, the later wins (the clock)
    h.fte_history.append(FteChange(p.effective_from, p.fte))


def _left(h: EctHistory, p: v1.EctLeft) -> None:
    h.left_on, h.interim_assessment_due = p.left_on, p.interim_assessment_due
    _end_period(h, p.left_on, "left")
    h.posts.append(PostChange(END, p.left_on))


def _mentor(h: EctHistory, p: v1.MentorAssigned) -> None:
    h.mentor_id, h.mentor_assigned_on, h.unmentored_since = p.mentor_id, p.assigned_on, None


def _session(h: EctHistory, p: v1.SessionHeld) -> None:
    h.sessions[p.session_id] = SessionFact(p.held_on, p.minutes, p.mentor_id)


def _missed(h: EctHistory, p: v1.SessionMissed) -> None:
    h.missed[p.session_id] = MissedFact(p.due_on, p.reason.value)


def _drop_in(h: EctHistory, p: v1.DropInRecorded) -> None:
    h.drop_ins[p.drop_in_id] = p.observed_on


def _training(h: EctHistory, p: v1.EctTrainingRecorded) -> None:
    h.training[p.training_id] = TrainingFact(p.kind.value, p.held_on, p.attended)


def _catch_up(h: EctHistory, p: v1.CatchUpAssigned) -> None:
    previous = h.catch_ups.get(p.catch_up_id)
    h.catch_ups[p.catch_up_id] = CatchUpFact(p.due_by, previous.completed_on if previous else None)


def _catch_up_done(h: EctHistory, p: v1.CatchUpCompleted) -> None:
    previous = h.catch_ups.get(p.catch_up_id)
    h.catch_ups[p.catch_up_id] = CatchUpFact(previous.due_by if previous else p.completed_on,
                                             p.completed_on)


def _absence(h: EctHistory, p: v1.AbsenceRecorded) -> None:
    # the year of induction is the clock's to decide, from every fact (an extension moves it)
    h.absences[p.absence_id] = AbsenceFact(p.first_day, p.days, AbsenceReason(p.reason.value))


def _statutory_leave(h: EctHistory, p: v1.StatutoryLeaveExtensionGranted) -> None:
    h.statutory_leave_extension.append((p.requested_on, p.extension_days))


def _timetable(h: EctHistory, p: v1.TimetableRecorded) -> None:
    h.timetable[p.induction_year] = p.timetable_percent


def _report(h: EctHistory, p: rv1.TermReportSubmitted) -> None:
    h.reports[p.report_id] = ReportFact(
        p.report_id, p.kind.value, p.term_number, p.on_track, p.submitted_on,
        p.recommendation.value if p.recommendation else None,
        getattr(p, "assessment_meeting_on", None), bool(getattr(p, "fully_signed", True)))


def _plan(h: EctHistory, p: rv1.SupportPlanShared) -> None:
    h.support_plans[p.plan_id] = SupportPlanFact(p.plan_id, p.report_id, p.shared_on)


def _outcome(h: EctHistory, p: rv1.InductionOutcomeRecorded) -> None:
    h.outcome = OutcomeFact(p.outcome.value, p.decided_on, p.appropriate_body_id, p.terms_served,
                            p.notice_due_by)
    _end_period(h, p.decided_on, p.outcome.value)


def _outcome_imported(h: EctHistory, p: v1.InductionOutcomeImported) -> None:
    """A decision made before the platform held the record: the induction ended with it, and
    no notice is owed from here (it was given when the decision was made)."""
    h.outcome = OutcomeFact(p.outcome, p.decided_on, p.appropriate_body_id, p.terms_served, None)
    _end_period(h, p.decided_on, p.outcome)


def _extended(h: EctHistory, p: rv1.InductionExtended) -> None:
    h.extensions.append(ExtensionFact(Decimal(repr(p.extension_terms)), p.reason, p.decided_on,
                                      p.appropriate_body_id))


def _reduced(h: EctHistory, p: rv1.InductionReduced) -> None:
    h.reductions.append(ReductionFact(Decimal(repr(p.reduction_terms)), p.reason, p.ect_consented_on,
                                      p.decided_on, p.appropriate_body_id))


def _representations(h: EctHistory, p: rv1.EctRepresentationsMade) -> None:
    h.representations.append(RepresentationsFact(p.received_on, p.recommendation_received_on, p.late,
                                                  p.recorded_on_behalf))


def _notice(h: EctHistory, p: rv1.DecisionNoticeRecorded) -> None:
    h.notices.append(NoticeFact(p.decision.value, p.decided_on, tuple(r.value for r in p.recipients),
                                p.given_on, p.method.value, p.late, p.appeal_due_by))


def _appeal_lodged(h: EctHistory, p: rv1.AppealLodged) -> None:
    h.appeals.append(AppealFact(p.decision.value, p.lodged_on, p.appeal_due_by, p.late))


def _appeal_decided(h: EctHistory, p: rv1.AppealDecided) -> None:
    if h.appeals:
        last = h.appeals[-1]
        h.appeals[-1] = AppealFact(last.decision, last.lodged_on, last.appeal_due_by, last.late,
                                   p.appeal_outcome.value, p.decided_on)
    if p.appeal_outcome == rv1.AppealOutcome.DISMISSED:
        return
    # allowed or extended: the decision appealed is set aside and the induction is open again
    if h.outcome is not None:
        h.outcome = None
        if h.periods and h.periods[-1].end_reason in ("passed", "failed"):
            last_period = h.periods[-1]
            h.periods[-1] = Period(last_period.appropriate_body_id, last_period.start,
                                   last_period.induction_programme)
    if p.appeal_outcome == rv1.AppealOutcome.EXTENDED and p.extension_terms is not None:
        h.extensions.append(ExtensionFact(Decimal(repr(p.extension_terms)),
                                          p.reason or "extended on appeal by the TRA", p.decided_on,
                                          p.appropriate_body_id))


_HANDLERS: dict[type[Any], Any] = {
    v1.EctRegistered: _registered, v1.EctClaimed: _claimed, v1.EctReleased: _released,
    v1.EctTransferred: _transferred, v1.WorkingPatternChanged: _pattern, v1.EctLeft: _left,
    v1.MentorAssigned: _mentor, v1.SessionHeld: _session, v1.SessionMissed: _missed,
    v1.DropInRecorded: _drop_in, v1.EctTrainingRecorded: _training, v1.CatchUpAssigned: _catch_up,
    v1.CatchUpCompleted: _catch_up_done, v1.AbsenceRecorded: _absence,
    v1.StatutoryLeaveExtensionGranted: _statutory_leave, v1.TimetableRecorded: _timetable,
    rv1.TermReportSubmitted: _report, rv1.SupportPlanShared: _plan,
    rv1.InductionOutcomeRecorded: _outcome, v1.InductionOutcomeImported: _outcome_imported,
    rv1.InductionExtended: _extended,
    rv1.InductionReduced: _reduced,
    rv1.EctRepresentationsMade: _representations, rv1.DecisionNoticeRecorded: _notice,
    rv1.AppealLodged: _appeal_lodged, rv1.AppealDecided: _appeal_decided,
}
HANDLED_TYPES = frozenset(cls.event_type for cls in _HANDLERS)


def fold_calendar(envelopes: Iterable[Envelope]) -> SchoolCalendar:
    """A school's calendar: for each academic year, the TermDatesSet of the highest version."""
    latest: dict[int, tuple[int, v1.TermDatesSet]] = {}
    for envelope in envelopes:
        payload = envelope.payload
        if isinstance(payload, v1.TermDatesSet):
            known = latest.get(payload.academic_year)
            if known is None or known[0] < envelope.aggregate_version:
                latest[payload.academic_year] = (envelope.aggregate_version, payload)
    calendar = SchoolCalendar()
    for year, (_, payload) in sorted(latest.items()):
        terms = [Term(TermName(t.name.value), t.start, t.end,
                      (t.half_term_start, t.half_term_end)
                      if t.half_term_start and t.half_term_end else None) for t in payload.terms]
        calendar = calendar.with_year(AcademicYear(year, *terms))
    return calendar


def fold_mentor_training(envelopes: Iterable[Envelope]) -> dict[str, dict[str, int]]:
    """Attended and missed, per kind of training, for one mentor (the latest record per session)."""
    latest: dict[UUID, tuple[int, v1.MentorTrainingAttended]] = {}
    for envelope in envelopes:
        payload = envelope.payload
        if isinstance(payload, v1.MentorTrainingAttended):
            known = latest.get(payload.training_id)
            if known is None or known[0] < envelope.aggregate_version:
                latest[payload.training_id] = (envelope.aggregate_version, payload)
    progress: dict[str, dict[str, int]] = {}
    for _, payload in latest.values():
        tally = progress.setdefault(payload.kind.value, {"attended": 0, "missed": 0})
        tally["attended" if payload.attended else "missed"] += 1
    return progress
