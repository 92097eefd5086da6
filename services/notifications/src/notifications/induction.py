"""What notifications knows of one ECT's induction: the facts the induction clock needs.

``InductionState`` is folded from the integration events of scheduling and reporting by
``evolve``, a pure function; the projection (``projections.induction``) stores it as JSON
and the scheduler reads it back. It keeps *facts*, never a rule: the posts (claims,
transfers, releases, leaving), the working pattern, each absence, the leave extensions, the
AB's extensions and reductions with their dates, the completion, the reports submitted.
``induction_facts`` turns them into ``statutory.timeline.InductionFacts``, exactly as
scheduling and reporting do, and the clock says what is due.

Each event is applied once (the inbox sees to that), but events of the two topics may
interleave in any order, so every change commutes with the other topic's: each topic
writes its own fields, and what both read is a set, a maximum or a list sorted by date.
Scheduling's facts about the ECT's record (posts, working pattern, mentor) are kept in the
order of that record's version (``aggregate_version``), so they fold the same whatever
order they arrive in; a refold (``begin_refold``) relies on it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

from contracts import EventEnvelope
from contracts.reporting import v1 as reporting
from contracts.scheduling import v1 as scheduling
from contracts.sealed import ERASED
from notifications.decision_steps import DecisionSteps
from notifications.induction_entries import (
    AbsenceEntry,
    Decision,
    DraftReport,
    FteEntry,
    LeaveExtension,
    PostEntry,
    SubmittedReport,
)
from notifications.message import Contacts, headteacher_of
from statutory import signing
from statutory.calendar import SchoolCalendar
from statutory.service import END, START, TRANSFER
from statutory.timeline import InductionFacts

# The shape of the facts kept. A state stored before the facts were kept (version 0: no
# posts, absences only as totals) loads, but the clock cannot be asked about it: it is
# ``stale`` until refolded from the topics (docs/notifications.md, "Upgrading").
FACTS_VERSION = 1
# Fields every state stored before then has (they were all dumped), and none has since.
_LEGACY_FIELDS = frozenset({"start", "period_start", "terms_reported", "absence_days_by_year",
                            "sessions_in_period"})


class InductionState(BaseModel):
    model_config = ConfigDict(extra="ignore")

    ect_id: UUID
    facts_version: int = FACTS_VERSION
    # -- who, for the people reading the messages (None: not told yet, or stored before names
    # were kept; a refold fills them in)
    name: str | None = None
    trn: str | None = None
    mentor_name: str | None = None  # from MentorRegistered, which may arrive after the assignment
    school_name: str | None = None  # of the current school, from SchoolRegistered (likewise)
    # -- scheduling: the record, in the order of its versions
    posts: list[PostEntry] = Field(default_factory=list)
    fte_history: list[FteEntry] = Field(default_factory=list)
    mentor_id: str | None = None
    mentor_seq: int = 0  # the version that last set (or, by a transfer, cleared) the mentor
    # -- scheduling: the programme
    absences: dict[str, AbsenceEntry] = Field(default_factory=dict)  # by absence id
    leave_extensions: list[LeaveExtension] = Field(default_factory=list)  # statutory leave (3.7)
    sessions_on: list[date] = Field(default_factory=list)  # each coaching session held, sorted
    # -- reporting
    extensions: list[Decision] = Field(default_factory=list)  # by the AB (3.8)
    reductions: list[Decision] = Field(default_factory=list)  # for previous experience (3.2-3.4)
    outcome: str | None = None  # passed / failed: induction is over
    completed_on: date | None = None  # the outcome's decision date
    reports: list[SubmittedReport] = Field(default_factory=list)
    drafts: dict[str, DraftReport] = Field(default_factory=dict)  # by report id, until submitted
    recommendation_received_on: date | None = None  # the final assessment's recommendation
    decided_on: date | None = None  # the AB's latest decision (outcome or extension)
    notice_due_by: date | None = None
    steps: DecisionSteps = Field(default_factory=DecisionSteps)  # around the latest decision

    @model_validator(mode="before")
    @classmethod
    def _stored_before_the_facts(cls, data: Any) -> Any:
        """A state stored before the facts were kept loads as version 0, with what it knew of
        who holds each role as its one post, so event-driven rules still find the AB."""
        if not isinstance(data, dict) or "facts_version" in data or not _LEGACY_FIELDS & data.keys():
            return data
        legacy = dict(data, facts_version=0)
        start = legacy.get("period_start") or legacy.get("start")
        if start is not None and "posts" not in legacy:
            legacy["posts"] = [{"kind": START, "on": start,
                                "appropriate_body_id": legacy.get("appropriate_body_id") or "",
                                "school_id": legacy.get("school_id") or "",
                                "induction_tutor_id": legacy.get("induction_tutor_id")}]
        return legacy

    # -- what the record says now -------------------------------------------------------------

    @property
    def stale(self) -> bool:
        """Stored before the facts were kept: refold it before asking the clock (see docs)."""
        return self.facts_version < FACTS_VERSION

    def _latest(self, *kinds: str) -> PostEntry | None:
        return next((p for p in reversed(self.posts) if p.kind in kinds), None)

    @property
    def appropriate_body_id(self) -> str | None:
        """The AB of the latest claim: it holds the ECT's record until another claims them."""
        claim = self._latest(START)
        return (claim.appropriate_body_id or None) if claim else None

    @property
    def school_id(self) -> str | None:
        post = self._latest(START, TRANSFER)
        return (post.school_id or None) if post else None

    @property
    def induction_tutor_id(self) -> str | None:
        post = self._latest(START, TRANSFER)
        return post.induction_tutor_id if post else None

    @property
    def claimed_on(self) -> date | None:
        """The start of the current AB's period: nothing before it is theirs to be reminded of."""
        claim = self._latest(START)
        return claim.on if claim else None

    def tutor_at(self, day: date) -> str | None:
        """The induction tutor of the post held on ``day`` (or the latest before it)."""
        found = None
        for post in self.posts:
            if post.kind != END and post.on <= day:
                found = post.induction_tutor_id
        return found if found is not None else self.induction_tutor_id

    def induction_facts(self, calendar_for: Callable[[str], SchoolCalendar]) -> InductionFacts:
        return induction_facts(self, calendar_for)

    def school_ids(self) -> list[str]:
        """Every school the ECT was in post at: each one's calendar counts their service there."""
        return sorted({p.school_id for p in self.posts if p.school_id})

    @property
    def erased(self) -> bool:
        """The ECT's personal data was erased (``PersonalDataErased``, or a refold that opened
        their events without the destroyed key): nothing more is said about them."""
        return self.name == ERASED

    @property
    def contacts(self) -> Contacts:
        # an erased mentor is told nothing more (their contact details are gone too)
        mentor_id = None if self.mentor_name == ERASED else self.mentor_id
        return Contacts(mentor_id=mentor_id, induction_tutor_id=self.induction_tutor_id,
                        appropriate_body_id=self.appropriate_body_id, ect_id=str(self.ect_id),
                        headteacher_id=headteacher_of(self.school_id))

    @property
    def registered(self) -> bool:
        return self.claimed_on is not None and bool(self.fte_history)

    @property
    def in_progress(self) -> bool:
        """Registered with an AB, and no outcome yet (in post, or between posts)."""
        return self.registered and self.outcome is None

    @property
    def in_post(self) -> bool:
        """In an open post: the latest change of post is not a leaving or a release."""
        return bool(self.posts) and self.posts[-1].kind != END

    @property
    def being_coached(self) -> bool:
        return self.in_progress and self.in_post

    def sessions_since(self, first_day: date) -> int:
        """Coaching sessions held on or after ``first_day``."""
        return sum(1 for day in self.sessions_on if day >= first_day)

    def submitted(self, kind: str, term_number: int) -> bool:
        return any(r.kind == kind and r.term_number == term_number for r in self.reports)

    def draft_for(self, kind: str, term_number: int | None) -> DraftReport | None:
        """The report of this kind and term the school is writing, if any (an interim
        assessment: the earliest drafted, as interims are matched by kind)."""
        found = sorted((d for d in self.drafts.values() if d.kind == kind and (
            term_number is None or kind == reporting.TermReportKind.INTERIM_ASSESSMENT.value
            or d.term_number == term_number)), key=lambda d: (d.drafted_on, str(d.report_id)))
        return found[0] if found else None

    def interims_submitted_since(self, day: date) -> int:
        """Interim assessments that went to the AB on or after ``day`` (matched by kind, 2.62)."""
        return sum(1 for r in self.reports
                   if r.kind == reporting.TermReportKind.INTERIM_ASSESSMENT.value and r.submitted_on >= day)


def evolve(state: InductionState, envelope: EventEnvelope[Any]) -> InductionState:
    """The state after ``envelope``; events that change nothing here return it unchanged."""
    apply = _APPLY.get(type(envelope.payload))
    if apply is None:
        return state
    changed = state.model_copy(deep=True)
    apply(changed, envelope.payload, envelope.aggregate_version)
    return changed


def _in_order(entries: list[Any], entry: Any) -> None:
    """Insert after every entry of an earlier or the same version: the record's order, and of
    two given the same version (never so at scheduling), the order they came in."""
    index = len(entries)
    while index and entries[index - 1].seq > entry.seq:
        index -= 1
    entries.insert(index, entry)


def _post(s: InductionState, seq: int, kind: str, on: date, **fields: Any) -> None:
    _in_order(s.posts, PostEntry(kind=kind, on=on, seq=seq, **fields))


def _add_fte(s: InductionState, seq: int, effective_from: date, fte: float) -> None:
    # Of two changes on one day, the later one wins (terms_served): the record's order.
    _in_order(s.fte_history, FteEntry(effective_from=effective_from, fte=fte, seq=seq))


def _registered(s: InductionState, p: scheduling.EctRegistered, seq: int) -> None:
    s.name, s.trn = p.name, p.trn
    _post(s, seq, START, p.induction_start_date, appropriate_body_id=p.appropriate_body_id,
          school_id=p.school_id, induction_tutor_id=p.induction_tutor_id)
    _add_fte(s, seq, p.induction_start_date, p.fte)


def _claimed(s: InductionState, p: scheduling.EctClaimed, seq: int) -> None:
    _post(s, seq, START, p.period_start_date, appropriate_body_id=p.appropriate_body_id,
          school_id=p.school_id, induction_tutor_id=p.induction_tutor_id)
    _add_fte(s, seq, p.period_start_date, p.fte)
    _clear_mentor(s, seq)  # a new period: its school assigns a mentor


def _transferred(s: InductionState, p: scheduling.EctTransferred, seq: int) -> None:
    _post(s, seq, TRANSFER, p.effective_on, school_id=p.to_school_id,
          induction_tutor_id=p.induction_tutor_id)
    _clear_mentor(s, seq)  # a mentor coaches ECTs at their own school: to be reassigned


def _clear_mentor(s: InductionState, seq: int) -> None:
    if seq >= s.mentor_seq:
        s.mentor_id, s.mentor_seq, s.mentor_name = None, seq, None


def _released(s: InductionState, p: scheduling.EctReleased, seq: int) -> None:
    recorded = Decimal(repr(p.terms_recorded)) if p.terms_recorded is not None else None
    _post(s, seq, END, p.released_on, recorded_terms=recorded)


def _left(s: InductionState, p: scheduling.EctLeft, seq: int) -> None:
    _post(s, seq, END, p.left_on)


def _pattern_changed(s: InductionState, p: scheduling.WorkingPatternChanged, seq: int) -> None:
    _add_fte(s, seq, p.effective_from, p.fte)


def _mentor_assigned(s: InductionState, p: scheduling.MentorAssigned, seq: int) -> None:
    if seq >= s.mentor_seq:
        s.mentor_id, s.mentor_seq = str(p.mentor_id), seq
        s.mentor_name = None  # looked up in the mentors' names when the assignment is stored


def _session_held(s: InductionState, p: scheduling.SessionHeld, seq: int) -> None:
    s.sessions_on = sorted([*s.sessions_on, p.held_on])


def _absence(s: InductionState, p: scheduling.AbsenceRecorded, seq: int) -> None:
    # Every absence, statutory leave included: the clock decides what counts (3.6, 3.7) and
    # which year it falls in, and postpones a report due while the ECT is away (2.56).
    s.absences[str(p.absence_id)] = AbsenceEntry(first_day=p.first_day, days=p.days,
                                                 reason=p.reason.value)


def _leave_extension(s: InductionState, p: scheduling.StatutoryLeaveExtensionGranted, seq: int) -> None:
    s.leave_extensions.append(LeaveExtension(requested_on=p.requested_on, days=p.extension_days))


def _drafted(s: InductionState, p: reporting.TermReportDrafted, seq: int) -> None:
    s.drafts[str(p.report_id)] = DraftReport(report_id=p.report_id, kind=p.kind.value,
                                             term_number=p.term_number, drafted_on=p.drafted_on,
                                             headteacher_id=p.headteacher_id)


def _signed(s: InductionState, report_id: UUID, signatory: str | None) -> None:
    """A signature added (or, ``None``, every signature taken off by a correction). One topic
    gives a report's steps in order, so they apply as they come."""
    draft = s.drafts.get(str(report_id))
    if draft is not None:
        signed = tuple(sorted({*draft.signed, signatory})) if signatory else ()
        s.drafts[str(report_id)] = draft.model_copy(update={"signed": signed})


def _corrected(s: InductionState, p: reporting.TermReportCorrected, seq: int) -> None:
    _signed(s, p.report_id, None)


def _signed_by_ect(s: InductionState, p: reporting.TermReportSignedByEct, seq: int) -> None:
    _signed(s, p.report_id, signing.ECT)


def _signed_by_headteacher(s: InductionState, p: reporting.TermReportSignedByHeadteacher, seq: int) -> None:
    _signed(s, p.report_id, signing.HEADTEACHER)


def _report(s: InductionState, p: reporting.TermReportSubmitted, seq: int) -> None:
    s.drafts.pop(str(p.report_id), None)  # submitted: nobody's step any more
    s.reports.append(SubmittedReport(kind=p.kind.value, term_number=p.term_number,
                                     submitted_on=p.submitted_on))
    if p.recommendation is not None:
        s.recommendation_received_on = max(filter(None, [s.recommendation_received_on, p.submitted_on]))


def _decided(s: InductionState, decided_on: date, notice_due_by: date | None,
             decision: str | None = None) -> None:
    if s.decided_on is None or decided_on >= s.decided_on:
        s.decided_on, s.notice_due_by = decided_on, notice_due_by
        s.steps.decided(decision)


def _outcome(s: InductionState, p: reporting.InductionOutcomeRecorded, seq: int) -> None:
    s.outcome, s.completed_on = p.outcome.value, p.decided_on
    _decided(s, p.decided_on, p.notice_due_by, p.outcome.value)


def _outcome_imported(s: InductionState, p: scheduling.InductionOutcomeImported, seq: int) -> None:
    # decided before the platform held the record: the induction is over, and no notice is
    # owed from here, so nothing is reminded
    s.outcome, s.completed_on = p.outcome, p.decided_on


def _extended(s: InductionState, p: reporting.InductionExtended, seq: int) -> None:
    s.extensions.append(Decision(terms=Decimal(str(p.extension_terms)), decided_on=p.decided_on))
    _decided(s, p.decided_on, p.notice_due_by, "extended")


def _reduced(s: InductionState, p: reporting.InductionReduced, seq: int) -> None:
    # Not a decision on the outcome: no written notice is due of it (2.69).
    s.reductions.append(Decision(terms=Decimal(str(p.reduction_terms)), decided_on=p.decided_on))


def _appeal_decided(s: InductionState, p: reporting.AppealDecided, seq: int) -> None:
    if p.appeal_outcome == reporting.AppealOutcome.DISMISSED:
        return
    # allowed or extended: the decision is set aside and the induction goes on (regulation 14)
    s.outcome, s.completed_on = None, None
    if p.extension_terms is not None:
        s.extensions.append(Decision(terms=Decimal(str(p.extension_terms)), decided_on=p.decided_on))


_APPLY: dict[type[Any], Callable[[InductionState, Any, int], None]] = {
    scheduling.EctRegistered: _registered,
    scheduling.EctClaimed: _claimed,
    scheduling.EctReleased: _released,
    scheduling.EctTransferred: _transferred,
    scheduling.WorkingPatternChanged: _pattern_changed,
    scheduling.EctLeft: _left,
    scheduling.MentorAssigned: _mentor_assigned,
    scheduling.SessionHeld: _session_held,
    scheduling.AbsenceRecorded: _absence,
    scheduling.StatutoryLeaveExtensionGranted: _leave_extension,
    reporting.TermReportSubmitted: _report,
    reporting.TermReportDrafted: _drafted,
    reporting.TermReportCorrected: _corrected,
    reporting.TermReportSignedByEct: _signed_by_ect,
    reporting.TermReportSignedByHeadteacher: _signed_by_headteacher,
    reporting.InductionOutcomeRecorded: _outcome,
    scheduling.InductionOutcomeImported: _outcome_imported,
    reporting.InductionExtended: _extended,
    reporting.InductionReduced: _reduced,
    reporting.EctRepresentationsMade: lambda s, p, seq: s.steps.representations_made(p),
    reporting.DecisionNoticeRecorded: lambda s, p, seq: s.steps.notice_recorded(p, s.decided_on),
    reporting.AppealLodged: lambda s, p, seq: s.steps.appeal_lodged(p),
    reporting.AppealDecided: _appeal_decided,
}


# the clock's answer from this state lives beside it; importers read it from here too
from notifications.induction_clock import induction_facts, timeline_of  # noqa: E402, F401
