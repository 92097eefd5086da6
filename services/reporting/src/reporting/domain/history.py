"""What reporting knows of one ECT: the facts learnt from scheduling's and its own topic.

Plain values, no contracts and no I/O: ``projections.history_fold`` builds an ``EctHistory``
from stored integration events, and the pure rules (``entitlement_rules``, ``reports_owed``)
compute every figure and status from it. Rebuilding from the same events gives the same
history, whatever order they were delivered in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from uuid import UUID

from statutory.absence import AbsenceFact
from statutory.calendar import SchoolCalendar
from statutory.service import PostChange, service_periods
from statutory.terms_served import FteChange
from statutory.timeline import InductionFacts, LeaveExtension, TermsDecision


@dataclass(frozen=True)
class Period:
    """One appropriate body's induction period; ``end_reason``: released, left, passed, failed."""

    appropriate_body_id: str
    start: date
    induction_programme: str
    end: date | None = None
    end_reason: str | None = None


@dataclass(frozen=True)
class SessionFact:
    held_on: date
    minutes: int
    mentor_id: UUID | None


@dataclass(frozen=True)
class MissedFact:
    due_on: date
    reason: str


@dataclass(frozen=True)
class TrainingFact:
    kind: str
    held_on: date
    attended: bool


@dataclass(frozen=True)
class CatchUpFact:
    due_by: date
    completed_on: date | None = None


@dataclass(frozen=True)
class ReportFact:
    """A term report as the AB received it."""

    report_id: UUID
    kind: str
    term_number: int
    on_track: bool
    submitted_on: date
    recommendation: str | None = None
    assessment_meeting_on: date | None = None
    fully_signed: bool = True


@dataclass(frozen=True)
class SupportPlanFact:
    plan_id: UUID
    report_id: UUID | None
    shared_on: date


@dataclass(frozen=True)
class OutcomeFact:
    outcome: str  # passed, failed
    decided_on: date
    appropriate_body_id: str
    terms_served: float | None = None
    notice_due_by: date | None = None


@dataclass(frozen=True)
class ExtensionFact:
    extension_terms: Decimal
    reason: str
    decided_on: date
    appropriate_body_id: str


@dataclass(frozen=True)
class ReductionFact:
    reduction_terms: Decimal
    reason: str
    ect_consented_on: date
    decided_on: date
    appropriate_body_id: str


@dataclass(frozen=True)
class RepresentationsFact:
    """The ECT's written representations on a recommendation (regulation 11(4))."""

    received_on: date
    recommendation_received_on: date | None
    late: bool
    recorded_on_behalf: bool


@dataclass(frozen=True)
class NoticeFact:
    """Written notice of a decision to some of those owed it (2.69)."""

    decision: str
    decided_on: date
    recipients: tuple[str, ...]
    given_on: date
    method: str
    late: bool
    appeal_due_by: date | None


@dataclass(frozen=True)
class AppealFact:
    """An appeal to the TRA against a fail or an extension, and its outcome (regulation 14)."""

    decision: str
    lodged_on: date
    appeal_due_by: date | None
    late: bool
    outcome: str | None = None
    decided_on: date | None = None


@dataclass
class EctHistory:
    ect_id: UUID
    trn: str | None = None
    name: str | None = None
    date_of_birth: date | None = None
    school_id: str | None = None
    appropriate_body_id: str | None = None
    induction_programme: str | None = None
    induction_start_date: date | None = None
    induction_tutor_id: str | None = None
    fte_history: list[FteChange] = field(default_factory=list)
    periods: list[Period] = field(default_factory=list)
    schools: list[tuple[str, date]] = field(default_factory=list)  # (school, from)
    posts: list[PostChange] = field(default_factory=list)  # claims, transfers, ends, in order
    left_on: date | None = None
    interim_assessment_due: bool = False
    mentor_id: UUID | None = None
    mentor_assigned_on: date | None = None
    unmentored_since: date | None = None  # the start, or the transfer that cleared the mentor
    sessions: dict[UUID, SessionFact] = field(default_factory=dict)
    missed: dict[UUID, MissedFact] = field(default_factory=dict)
    drop_ins: dict[UUID, date] = field(default_factory=dict)
    training: dict[UUID, TrainingFact] = field(default_factory=dict)
    catch_ups: dict[UUID, CatchUpFact] = field(default_factory=dict)
    absences: dict[UUID, AbsenceFact] = field(default_factory=dict)
    statutory_leave_extension: list[tuple[date, float]] = field(default_factory=list)  # (on, days)
    timetable: dict[int, float] = field(default_factory=dict)  # year of induction -> % taught (2.20)
    reports: dict[UUID, ReportFact] = field(default_factory=dict)
    support_plans: dict[UUID, SupportPlanFact] = field(default_factory=dict)
    extensions: list[ExtensionFact] = field(default_factory=list)
    reductions: list[ReductionFact] = field(default_factory=list)
    outcome: OutcomeFact | None = None
    representations: list[RepresentationsFact] = field(default_factory=list)
    notices: list[NoticeFact] = field(default_factory=list)
    appeals: list[AppealFact] = field(default_factory=list)

    @property
    def registered(self) -> bool:
        return self.trn is not None and self.induction_start_date is not None

    @property
    def status(self) -> str:
        """open, released, left, passed or failed."""
        if self.outcome is not None:
            return self.outcome.outcome
        if self.periods and self.periods[-1].end is not None:
            return self.periods[-1].end_reason or "released"
        return "open"

    @property
    def end(self) -> date | None:
        """The last day of the induction as far as time served goes (leaving or release)."""
        if self.left_on is not None:
            return self.left_on
        if self.periods and self.periods[-1].end is not None and self.outcome is None:
            return self.periods[-1].end
        return None

    @property
    def school_ids(self) -> set[str]:
        """Every school the ECT was in post at: each post is counted on its own calendar."""
        return {c.school_id for c in self.posts if c.school_id} | (
            {self.school_id} if self.school_id else set())

    def induction_facts(self, calendar_for: Callable[[str], SchoolCalendar]) -> InductionFacts:
        """What the induction clock (``statutory.timeline``) computes with."""
        return InductionFacts(
            periods=service_periods(self.posts, calendar_for),
            fte_history=tuple(self.fte_history),
            absences=tuple(sorted(self.absences.values(), key=lambda a: (a.first_day, a.days))),
            leave_extensions=tuple(LeaveExtension(on, days) for on, days in self.statutory_leave_extension),
            extensions=tuple(TermsDecision(e.extension_terms, e.decided_on, e.reason)
                             for e in self.extensions),
            reductions=tuple(TermsDecision(r.reduction_terms, r.decided_on, r.reason)
                             for r in self.reductions),
            completed_on=self.outcome.decided_on if self.outcome is not None else None,
        )
