"""Time-driven rules: what is due for one ECT on a given day, and whom to remind.

Pure: the scheduler gives the ECT's state, their school's calendar, the day and the policy,
and gets back the notifications that day calls for. Each deadline has a series of
*occasions*: ``days_before`` its due date (by default a week before, the day before and on
the day), then every ``overdue_every_days`` while it is overdue. On any day only the latest
occasion that has come is current, so a scheduler that was down for a while sends one
reminder, dated and worded for the day it is sent, rather than a backlog of stale ones.
Occasions carry the due date in their key: a deadline that moves (a new working pattern, an
extension) is reminded of afresh.

- Reviews and assessments (``statutory.reports_due``), and an interim assessment when the
  ECT leaves: the induction tutor is reminded; the AB hears once when one is late.
- The AB's outcome clocks: the decision within 20 working days of the final recommendation
  (2.67), written notice within 3 working days of the decision (2.69).
- Entitlement (hub policy): a coaching session owed in a teaching week (``statutory.cadence``)
  and not held by the end of that week plus the grace days puts the entitlement at risk:
  the mentor and the induction tutor hear; a second window missed reaches the hub lead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from notifications.induction import InductionState
from notifications.message import Message, Notification, Rule, address, long_date, when
from notifications.policy import Policy
from statutory.cadence import next_session_due, sessions_expected
from statutory.calendar import SchoolCalendar
from statutory.reports_due import FORMAL_ASSESSMENT, extension_days_as_terms, reports_due
from statutory.terms_served import induction_year_at
from statutory.working_days import add_working_days

DECISION_WORKING_DAYS = 20  # guidance 2.67
NOTICE_WORKING_DAYS = 3  # guidance 2.69
ABSENCE_THRESHOLD_DAYS = 30  # guidance 3.6

_KIND = {FORMAL_ASSESSMENT: "formal assessment"}


@dataclass(frozen=True)
class Deadline:
    subject_key: str  # what it is about, e.g. "<ect>/report/term-3"
    what: str  # "the formal assessment for term 3"
    due_on: date
    opens_on: date  # nobody is reminded of it before this day
    chase_overdue: bool  # weekly reminders after the due date (something will say it is done)


def current_occasion(deadline: Deadline, today: date, policy: Policy) -> str | None:
    """The latest reminder occasion on or before ``today``, or None if none has come."""
    due, opens = deadline.due_on, deadline.opens_on
    if today < opens or due < opens:
        return None
    if today > due:
        if not deadline.chase_overdue:
            return None
        periods = (today - due).days // policy.overdue_every_days
        if periods >= 1:
            return f"overdue-{periods}@{due.isoformat()}"
    come = [days for days in policy.days_before if opens <= due - timedelta(days=days) <= today]
    if not come:
        return None
    days = min(come)
    label = "on-the-day" if days == 0 else f"{days}-days-before"
    return f"{label}@{due.isoformat()}"


def reminders_for(state: InductionState, calendar: SchoolCalendar, today: date,
                  policy: Policy) -> list[Notification]:
    """Every notification ``today`` calls for; recording them twice changes nothing."""
    messages = [*_report_messages(state, calendar, today, policy),
                *_outcome_messages(state, today, policy),
                *_entitlement_messages(state, calendar, today, policy)]
    notifications = []
    for message in messages:
        notifications += address(message, audience=policy.audience(message.rule),
                                 hub_lead_ids=policy.hub_lead_ids, contacts=state.contacts,
                                 ect_id=state.ect_id)
    return notifications


# -- reviews and assessments -------------------------------------------------------------


def report_deadlines(state: InductionState, calendar: SchoolCalendar, today: date,
                     policy: Policy) -> list[Deadline]:
    """Reports the induction tutor still owes the current AB, in term order."""
    if not state.in_progress or state.start is None or state.period_start is None:
        return []
    fte = state.fte_changes()
    horizon = today + timedelta(days=max(policy.days_before, default=0))
    due = reports_due(calendar, state.start, fte, until=horizon, end=state.left_on,
                      extension_terms=state.extension_terms,
                      year_extension_terms=_year_extensions(state, calendar))
    deadlines = [
        Deadline(subject_key=f"{state.ect_id}/report/term-{report.term_number}",
                 what=f"the {_KIND.get(report.kind, 'progress review')} for term {report.term_number}",
                 due_on=report.due_on, opens_on=state.period_start, chase_overdue=True)
        for report in due if report.term_number not in state.terms_reported
    ]
    if state.left_on and state.interim_assessment_due and not state.interim_submitted:
        # Before the ECT goes (2.62): due on their last day.
        deadlines.append(Deadline(subject_key=f"{state.ect_id}/report/interim",
                                  what="the interim assessment", due_on=state.left_on,
                                  opens_on=state.period_start, chase_overdue=True))
    return deadlines


def _year_extensions(state: InductionState, calendar: SchoolCalendar) -> dict[int, Decimal]:
    days = {year: total for year, total in state.absence_days_by_year.items()
            if total >= ABSENCE_THRESHOLD_DAYS}
    if state.start is not None and state.fte_history:
        for leave in state.leave_extensions:
            year = induction_year_at(calendar, state.start, leave.requested_on, state.fte_changes())
            days[year] = days.get(year, 0.0) + leave.days
    return {year: extension_days_as_terms(total) for year, total in days.items()}


def _report_messages(state: InductionState, calendar: SchoolCalendar, today: date,
                     policy: Policy) -> list[Message]:
    messages = []
    for deadline in report_deadlines(state, calendar, today, policy):
        occasion = current_occasion(deadline, today, policy)
        if occasion and policy.enabled(Rule.REPORT_DUE):
            overdue = today > deadline.due_on
            messages.append(Message(
                Rule.REPORT_DUE, deadline.subject_key, occasion,
                title=f"{_capital(deadline.what)} is {'overdue' if overdue else 'due'} "
                      f"(due {long_date(deadline.due_on)})",
                body=(f"{_capital(deadline.what)} of ECT {state.ect_id} is due "
                      f"{when(deadline.due_on, today)}. "
                      + ("It is overdue: please submit it to the appropriate body now; they are "
                         "told when a report is late (guidance 2.74). " if overdue else
                         "Please submit it to the appropriate body by then. ")
                      + "You will be reminded until it is submitted."),
                due_on=deadline.due_on))
        if today > deadline.due_on >= deadline.opens_on and policy.enabled(Rule.REPORT_LATE):
            messages.append(Message(
                Rule.REPORT_LATE, deadline.subject_key, f"late@{deadline.due_on.isoformat()}",
                title=f"Late: {deadline.what} of an ECT you hold",
                body=(f"{_capital(deadline.what)} of ECT {state.ect_id} was due "
                      f"{when(deadline.due_on, today)} and has not been submitted. The induction "
                      "tutor is being reminded weekly; the appropriate body chases late reports "
                      "(guidance 2.74)."),
                due_on=deadline.due_on))
    return messages


# -- the appropriate body's outcome clocks -----------------------------------------------


def outcome_deadlines(state: InductionState) -> list[tuple[Rule, Deadline]]:
    deadlines = []
    received, decided = state.recommendation_received_on, state.decided_on
    if received is not None and (decided is None or decided < received):
        deadlines.append((Rule.OUTCOME_DECISION_DUE, Deadline(
            subject_key=f"{state.ect_id}/outcome-decision/{received.isoformat()}",
            what="your decision on the induction (pass, extend or fail)",
            due_on=add_working_days(received, DECISION_WORKING_DAYS), opens_on=received,
            chase_overdue=True)))
    if decided is not None:
        due = state.notice_due_by or add_working_days(decided, NOTICE_WORKING_DAYS)
        # Nothing tells this service that notice went out, so it is not chased once due.
        deadlines.append((Rule.OUTCOME_NOTICE_DUE, Deadline(
            subject_key=f"{state.ect_id}/outcome-notice/{decided.isoformat()}",
            what="written notice of your decision", due_on=due, opens_on=decided,
            chase_overdue=False)))
    return deadlines


def _outcome_messages(state: InductionState, today: date, policy: Policy) -> list[Message]:
    messages = []
    for rule, deadline in outcome_deadlines(state):
        occasion = current_occasion(deadline, today, policy)
        if occasion is None or not policy.enabled(rule):
            continue
        if rule is Rule.OUTCOME_DECISION_DUE:
            body = (f"The final assessment of ECT {state.ect_id} recommended an outcome on "
                    f"{long_date(deadline.opens_on)}. Your decision (pass, extend or fail) is due "
                    f"within {DECISION_WORKING_DAYS} working days, {when(deadline.due_on, today)} "
                    "(guidance 2.67); written notice follows within 3 working days of it.")
        else:
            body = (f"You decided on the induction of ECT {state.ect_id} on "
                    f"{long_date(deadline.opens_on)}. Written notice to the ECT, the headteacher, "
                    f"the employer and the TRA is due within {NOTICE_WORKING_DAYS} working days, "
                    f"{when(deadline.due_on, today)} (guidance 2.69).")
        messages.append(Message(rule, deadline.subject_key, occasion,
                                title=f"Due {long_date(deadline.due_on)}: {deadline.what}",
                                body=body, due_on=deadline.due_on))
    return messages


# -- entitlement to coaching (hub policy) -------------------------------------------------


def missed_windows(state: InductionState, calendar: SchoolCalendar, today: date,
                   policy: Policy) -> list[date]:
    """The Mondays of the teaching weeks whose owed session is missed, past grace: at most two.

    Counted from the current AB's period (a claim after a release starts afresh, so weeks
    between the two periods owe nothing); within it, year 1's weekly cadence applies until
    three FTE terms of the period are served, an approximation for a re-claimed ECT.
    """
    if not state.being_coached or state.period_start is None:
        return []
    fte = state.fte_changes()
    missed = []
    for held in (state.sessions_in_period, state.sessions_in_period + 1):
        week = next_session_due(calendar, state.period_start, today, fte, held)
        if week is None or today < week + timedelta(days=7) + policy.grace:
            break
        missed.append(week)
    return missed


def _entitlement_messages(state: InductionState, calendar: SchoolCalendar, today: date,
                          policy: Policy) -> list[Message]:
    missed = missed_windows(state, calendar, today, policy)
    if not missed or state.period_start is None:
        return []
    expected = sessions_expected(calendar, state.period_start, today, state.fte_changes())
    hold_by = today + timedelta(days=(4 - today.weekday()) % 7)  # this Friday, or the next
    held = state.sessions_in_period
    standing = (f"{expected} coaching session{'s' if expected != 1 else ''} were expected by "
                f"{long_date(today)} and {held} held.")
    mentor = "" if state.mentor_id else " No mentor is assigned: assign one first."
    messages = [Message(
        Rule.ENTITLEMENT_AT_RISK, f"{state.ect_id}/coaching",
        f"session-{held + 1}@{missed[0].isoformat()}",
        title="Coaching entitlement at risk: a session was missed",
        body=(f"ECT {state.ect_id} had no coaching session in the week beginning "
              f"{long_date(missed[0])}, when one was owed (weekly in year 1, fortnightly in year 2). "
              f"{standing} Please hold the next session (about 60 minutes of observation and "
              f"instructional coaching) by {long_date(hold_by)}.{mentor}"),
        due_on=hold_by)]
    if len(missed) == 2:
        messages.append(Message(
            Rule.ENTITLEMENT_ESCALATED, f"{state.ect_id}/coaching",
            f"session-{held + 2}@{missed[1].isoformat()}",
            title="Coaching entitlement: a second window missed",
            body=(f"ECT {state.ect_id} at school {state.school_id} has missed two coaching windows "
                  f"in a row: the weeks beginning {long_date(missed[0])} and {long_date(missed[1])}. "
                  f"{standing} Mentor: {state.mentor_id or 'none assigned'}; induction tutor: "
                  f"{state.induction_tutor_id}. The mentor and the tutor were told; please follow "
                  f"up with the school so a session is held by {long_date(hold_by)}."),
            due_on=hold_by))
    return messages


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]

