"""What the appropriate body is owed, and what it received: reviews, assessments, outcomes.

Due reports come from ``statutory.reports_due`` (rules 5 and 6); an interim assessment is
due when an ECT leaves after at least a term (rule 7, 2.62), within 10 working days of
leaving (the deadline of an assessment report, 2.61, applied to the interim one). A formal
assessment that gives its meeting date is due 10 working days after the meeting rather than
after the end of term. Each due report is matched with the report of the same kind and
induction term, and is then:

- ``on_time``: received on or before its due date;
- ``late``: received after it;
- ``missing``: not received and past its due date (the AB chases it, 2.74);
- ``due``: not received and not yet due;
- ``postponed``: not received, and the ECT was absent on the last day of its term, when the
  meeting would have been held (2.56): the next report covers the time instead.

A report received that nothing made due (an extra review) is listed as ``unscheduled``.

Outcomes: the final formal assessment (the one with a recommendation) starts the AB's clock:
a decision within 20 working days of receiving it, written notice within 3 working days of
the decision (2.67-2.69).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from reporting.domain.history import EctHistory, ReportFact
from reporting.domain.induction_clock import InductionClock, absent_on, term_label
from statutory.calendar import Term
from statutory.reports_due import ASSESSMENT_DEADLINE_WORKING_DAYS, FORMAL_ASSESSMENT, reports_due
from statutory.working_days import add_working_days

INTERIM_ASSESSMENT = "interim_assessment"
DECISION_WORKING_DAYS = 20  # 2.67
NOTICE_WORKING_DAYS = 3  # 2.69


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


def _state(due_on: date | None, received_on: date | None, today: date, postponed: bool) -> str:
    if received_on is not None:
        if due_on is None:
            return "unscheduled"
        return "on_time" if received_on <= due_on else "late"
    if postponed:
        return "postponed"
    return "missing" if due_on is not None and due_on < today else "due"


def _ab_at(history: EctHistory, day: date) -> str:
    """The AB whose period covers ``day`` (the latest that started by then), else the current one."""
    holder = history.appropriate_body_id or ""
    for period in history.periods:
        if period.start <= day:
            holder = period.appropriate_body_id
    return holder


def _school_at(history: EctHistory, day: date) -> str:
    school = history.school_id or ""
    for school_id, since in history.schools:
        if since <= day:
            school = school_id
    return school


def submissions(history: EctHistory, clock: InductionClock) -> list[Submission]:
    if not history.registered or not clock.started:
        return []
    until = clock.as_of
    due = reports_due(clock.calendar, clock.start, history.fte_history, until=until, end=clock.end,
                      extension_terms=history.ab_extension_terms,
                      year_extension_terms=clock.year_extension_terms())
    received = {(r.kind, r.term_number): r for r in history.reports.values()}
    terms = {n: t for n, t in enumerate(clock.calendar.terms_between(clock.start, max(until, clock.today)),
                                        start=1)}
    rows: list[Submission] = []
    matched: set[UUID] = set()
    for item in due:
        report = received.get((item.kind, item.term_number))
        due_on = item.due_on
        if report is not None and item.kind == FORMAL_ASSESSMENT and report.assessment_meeting_on:
            due_on = add_working_days(report.assessment_meeting_on, ASSESSMENT_DEADLINE_WORKING_DAYS)
        rows.append(_row(history, item.kind, item.term_number, term_label_of(terms, item.term_number),
                         item.term_end, due_on, report, clock.today))
        if report is not None:
            matched.add(report.report_id)
    if history.left_on is not None and history.interim_assessment_due:
        number = clock.term_number_at(history.left_on)
        report = next((r for r in history.reports.values() if r.kind == INTERIM_ASSESSMENT), None)
        due_on = add_working_days(history.left_on, ASSESSMENT_DEADLINE_WORKING_DAYS)
        rows.append(_row(history, INTERIM_ASSESSMENT, number, term_label_of(terms, number),
                         history.left_on, due_on, report, clock.today))
        if report is not None:
            matched.add(report.report_id)
    for report in sorted(history.reports.values(), key=lambda r: (r.term_number, r.kind)):
        if report.report_id not in matched:
            rows.append(_row(history, report.kind, report.term_number,
                             term_label_of(terms, report.term_number), report.submitted_on, None,
                             report, clock.today))
    return rows


def term_label_of(terms: dict[int, Term], number: int) -> str:
    term = terms.get(number)
    return term_label(term) if term is not None else f"term-{number}"


def _row(history: EctHistory, kind: str, number: int, label: str, anchor: date, due_on: date | None,
         report: ReportFact | None, today: date) -> Submission:
    received_on = report.submitted_on if report else None
    late = (received_on or today) - due_on if due_on else None
    return Submission(
        appropriate_body_id=_ab_at(history, anchor), school_id=_school_at(history, anchor), kind=kind,
        term_number=number, school_term=label, due_on=due_on,
        report_id=report.report_id if report else None, received_on=received_on,
        state=_state(due_on, received_on, today, kind != INTERIM_ASSESSMENT and absent_on(history, anchor)),
        days_late=late.days if late is not None and late.days > 0 else None,
        fully_signed=report.fully_signed if report else None,
    )


def outcome_due(history: EctHistory, today: date) -> OutcomeDue | None:
    """The AB's decision on the final recommendation, if one was received."""
    finals = sorted((r for r in history.reports.values() if r.recommendation is not None),
                    key=lambda r: r.submitted_on)
    if not finals:
        return None
    final = finals[-1]
    due_by = add_working_days(final.submitted_on, DECISION_WORKING_DAYS)
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
        notice_due_by=add_working_days(decided_on, NOTICE_WORKING_DAYS) if decided_on else None,
    )
