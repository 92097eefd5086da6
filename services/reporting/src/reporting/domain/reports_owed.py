"""What the appropriate body is owed, and what it received: reviews, assessments, outcomes.

Every report due, with its date and the AB and school in post when it is held, comes from the
induction clock (``statutory.timeline``): reviews, formal assessments (due 10 working days
after the assessment point, 2.61, whatever date the meeting was given), interim assessments
on leaving a post after a term (2.62), each postponed while the ECT is absent (2.56). Each
due report is matched with the report of the same kind and induction term, and is then:

- ``on_time``: received on or before its due date;
- ``late``: received after it;
- ``missing``: not received and past its due date (the AB chases it, 2.74);
- ``due``: not received and not yet due;
- ``postponed``: not received, the ECT absent when it was to be held, and not yet due on the
  date the clock moved it to (the ECT's return, 2.56).

A report received that nothing made due (an extra review) is listed as ``unscheduled``.

Outcomes: the final formal assessment (the one with a recommendation) starts the AB's clock:
a decision within 20 working days of receiving it, written notice within 3 working days of
the decision (2.67-2.69; ``statutory.end_of_induction``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from reporting.domain.end_of_induction_steps import end_of_induction_steps
from reporting.domain.history import EctHistory, ReportFact
from reporting.domain.induction_clock import InductionClock
from statutory.end_of_induction import decision_due_by, notice_due_by
from statutory.timeline import INTERIM_ASSESSMENT, ReportDue


@dataclass(frozen=True)
class Submission:
    appropriate_body_id: str
    school_id: str
    kind: str
    term_number: int
    school_term: str
    due_on: date | None
    report_id: UUID | None
    received_on: date | None
    state: str
    days_late: int | None
    fully_signed: bool | None


@dataclass(frozen=True)
class OutcomeDue:
    appropriate_body_id: str
    recommendation: str
    recommendation_received_on: date
    decision_due_by: date
    decided_on: date | None
    decision: str | None  # passed, failed, extended
    state: str  # due, missing, on_time, late
    notice_due_by: date | None
    # every step of the end of induction (``end_of_induction_steps``): representations, notice
    # and the recipients still owed it, the appeal window
    steps: dict[str, Any] | None = None


def _state(due_on: date | None, received_on: date | None, today: date, postponed: bool) -> str:
    if received_on is not None:
        if due_on is None:
            return "unscheduled"
        return "on_time" if received_on <= due_on else "late"
    if due_on is not None and due_on < today:
        return "missing"
    return "postponed" if postponed else "due"


def _ab_at(history: EctHistory, day: date) -> str:
    """The AB whose period covers ``day`` (the latest that started by then), else the current one."""
    holder = history.appropriate_body_id or ""
    for period in history.periods:
        if period.start <= day:
            holder = period.appropriate_body_id
    return holder


def submissions(history: EctHistory, clock: InductionClock) -> list[Submission]:
    if not history.registered or not clock.started:
        return []
    received = {(r.kind, r.term_number): r for r in history.reports.values()}
    interims = sorted((r for r in history.reports.values() if r.kind == INTERIM_ASSESSMENT),
                      key=lambda r: r.submitted_on)
    rows: list[Submission] = []
    matched: set[UUID] = set()
    for item in clock.reports_due():
        report = received.get((item.kind, item.term_number))
        if report is None and item.kind == INTERIM_ASSESSMENT:
            # an interim assessment is matched by kind: the school may number its term either way
            report = next((r for r in interims if r.report_id not in matched), None)
        rows.append(_row(item, report, clock.today))
        if report is not None:
            matched.add(report.report_id)
    terms = {t.number: t.label for t in clock.timeline.terms}
    for report in sorted(history.reports.values(), key=lambda r: (r.term_number, r.kind)):
        if report.report_id not in matched:
            rows.append(Submission(
                appropriate_body_id=_ab_at(history, report.submitted_on),
                school_id=history.school_id or "", kind=report.kind, term_number=report.term_number,
                school_term=terms.get(report.term_number, f"term-{report.term_number}"), due_on=None,
                report_id=report.report_id, received_on=report.submitted_on, state="unscheduled",
                days_late=None, fully_signed=report.fully_signed))
    return rows


def _row(item: ReportDue, report: ReportFact | None, today: date) -> Submission:
    received_on = report.submitted_on if report else None
    late = (received_on or today) - item.due_on
    return Submission(
        appropriate_body_id=item.appropriate_body_id, school_id=item.school_id, kind=item.kind,
        term_number=item.term_number, school_term=item.term_label, due_on=item.due_on,
        report_id=report.report_id if report else None, received_on=received_on,
        state=_state(item.due_on, received_on, today, item.postponed_until is not None),
        days_late=late.days if late.days > 0 else None,
        fully_signed=report.fully_signed if report else None,
    )


def outcome_due(history: EctHistory, today: date,
                final_assessment: ReportDue | None = None) -> OutcomeDue | None:
    """The AB's decision on the final recommendation, if one was received."""
    finals = sorted((r for r in history.reports.values() if r.recommendation is not None),
                    key=lambda r: r.submitted_on)
    if not finals:
        return None
    final = finals[-1]
    due_by = decision_due_by(final.submitted_on)
    decided_on: date | None = None
    decision: str | None = None
    if history.outcome is not None:
        decided_on, decision = history.outcome.decided_on, history.outcome.outcome
    else:
        later = [e for e in history.extensions if e.decided_on >= final.submitted_on]
        if later:
            decided_on, decision = later[0].decided_on, "extended"
    if decided_on is None:
        state = "missing" if due_by < today else "due"
    else:
        state = "on_time" if decided_on <= due_by else "late"
    return OutcomeDue(
        appropriate_body_id=_ab_at(history, final.submitted_on), recommendation=final.recommendation or "",
        recommendation_received_on=final.submitted_on, decision_due_by=due_by, decided_on=decided_on,
        decision=decision, state=state,
        notice_due_by=notice_due_by(decided_on) if decided_on else None,
        steps=end_of_induction_steps(history, final_assessment, today),
    )
