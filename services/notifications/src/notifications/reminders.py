"""Time-driven rules: what is due for one ECT on a given day, and whom to remind.

Pure: the scheduler gives the ECT's state, the calendars of the schools they were in post
at, the day and the policy, and gets back the notifications that day calls for. Every date
comes from the one induction clock (``statutory.timeline``): this module decides only
whom to remind of it and when. Each deadline has a series of *occasions*: ``days_before``
its due date (by default a week before, the day before and on the day), then every
``overdue_every_days`` while it is overdue. On any day only the latest occasion that has
come is current, so a scheduler that was down for a while sends one reminder, dated and
worded for the day it is sent, rather than a backlog of stale ones. Occasions carry the due
date in their key: a deadline that moves (a new working pattern, an absence, an extension)
is reminded of afresh.

- Reviews and assessments, interim assessments included (``Timeline.reports``): those the
  current AB holds and has not received; the tutor of the post is reminded, the AB hears
  once when one is late. A report the school has in draft is chased, on the same occasions,
  with whoever's step it is (``statutory.signing``): the ECT to comment and sign, then for
  an assessment the headteacher named on it, then the tutor to submit it.
- The AB's outcome clocks (``statutory.end_of_induction``): the decision within 20 working
  days of the final recommendation (2.67), written notice within 3 working days of it (2.69),
  until every recipient owed it has it.
- The other parties' steps at the end of induction: the headteacher's recommendation (the
  final assessment, due 10 working days after the final assessment meeting, 2.61/2.65); the
  ECT's right to make representations within 10 working days of it (regulation 11(4)) and to appeal
  a fail or an extension within 20 working days of the notice (regulation 14). A right is
  told once, when its window opens (or the first day the scheduler runs inside it).
- Entitlement (hub policy): a coaching session owed in a teaching week of the current post
  (``Timeline.plan.coaching``) and not held by the end of that week plus the grace days puts
  the entitlement at risk: the mentor and the induction tutor hear; a second window missed
  reaches the hub lead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from contracts import Role
from notifications import people
from notifications.end_of_induction import listed, owed_notice, recommendation_messages, rights_messages
from notifications.induction import DraftReport, InductionState, timeline_of
from notifications.message import Message, Notification, Rule, address, long_date, when
from notifications.occasions import Deadline, current_occasion
from notifications.policy import Policy
from statutory import signing
from statutory.calendar import SchoolCalendar
from statutory.end_of_induction import (
    DECISION_WORKING_DAYS,
    NOTICE_WORKING_DAYS,
    decision_due_by,
    notice_due_by,
)
from statutory.reports_due import FORMAL_ASSESSMENT, PROGRESS_REVIEW
from statutory.timeline import INTERIM_ASSESSMENT, ReportDue, Timeline

ONE_DAY = timedelta(days=1)

_KIND = {PROGRESS_REVIEW: "progress review", FORMAL_ASSESSMENT: "formal assessment"}


def reminders_for(state: InductionState, calendars: Mapping[str, SchoolCalendar], today: date,
                  policy: Policy) -> list[Notification]:
    """Every notification ``today`` calls for; recording them twice changes nothing."""
    messages = [*_outcome_messages(state, today, policy), *rights_messages(state, today, policy)]
    if state.in_progress:
        timeline = timeline_of(state, calendars, today)
        messages = [*_report_messages(state, timeline, today, policy), *messages,
                    *recommendation_messages(state, timeline, today, policy),
                    *_entitlement_messages(state, timeline, today, policy)]
    notifications = []
    for message in messages:
        notifications += address(message, audience=policy.audience(message.rule),
                                 hub_lead_ids=policy.hub_lead_ids, contacts=state.contacts,
                                 ect_id=state.ect_id)
    return notifications


# -- reviews and assessments -------------------------------------------------------------


def report_deadlines(state: InductionState, timeline: Timeline) -> list[Deadline]:
    """Reports the current AB holds and has not received, in the clock's order.

    A review or formal assessment is received when a report of its kind for its term was
    submitted. Interim assessments are matched by kind: one is owed on leaving each post (a
    transfer included, 2.62), so the AB's first n interims are received once n were
    submitted since its claim.
    """
    opens, ab = state.claimed_on, state.appropriate_body_id
    if not state.in_progress or opens is None or ab is None:
        return []
    interims_received = state.interims_submitted_since(opens)
    deadlines = []
    for report in timeline.reports:
        if report.appropriate_body_id != ab:
            continue
        if report.kind == INTERIM_ASSESSMENT:
            interims_received -= 1
            if interims_received >= 0:
                continue
        elif state.submitted(report.kind, report.term_number):
            continue
        deadlines.append(Deadline(
            subject_key=f"{state.ect_id}/report/{_subject(report)}", what=_what(report),
            due_on=report.due_on, opens_on=opens, chase_overdue=True,
            tutor_id=state.tutor_at(report.held_on), kind=report.kind, term_number=report.term_number))
    return deadlines


def _subject(report: ReportDue) -> str:
    return "interim" if report.kind == INTERIM_ASSESSMENT else f"term-{report.term_number}"


def _what(report: ReportDue) -> str:
    if report.kind == INTERIM_ASSESSMENT:
        return "the interim assessment"
    return f"the {_KIND.get(report.kind, 'progress review')} for term {report.term_number}"


def _report_messages(state: InductionState, timeline: Timeline, today: date,
                     policy: Policy) -> list[Message]:
    messages = []
    for deadline in report_deadlines(state, timeline):
        occasion = current_occasion(deadline, today, policy)
        known = {Role.INDUCTION_TUTOR: deadline.tutor_id} if deadline.tutor_id else {}
        draft = state.draft_for(deadline.kind, deadline.term_number)
        step = _step_message(state, deadline, draft, occasion, today, policy) if draft else None
        if step is not None:
            messages.append(step)
        elif occasion and policy.enabled(Rule.REPORT_DUE):
            overdue = today > deadline.due_on
            messages.append(Message(
                Rule.REPORT_DUE, deadline.subject_key, occasion,
                title=f"{_capital(deadline.what)} is {'overdue' if overdue else 'due'} "
                      f"(due {long_date(deadline.due_on)})",
                body=(f"{_capital(deadline.what)} of {people.ect(state)} is due "
                      f"{when(deadline.due_on, today)}. " + _draft_standing(draft)
                      + ("It is overdue: please submit it to the appropriate body now; they are "
                         "told when a report is late (guidance 2.74). " if overdue else
                         "Please submit it to the appropriate body by then. ")
                      + "You will be reminded until it is submitted."),
                due_on=deadline.due_on, known=known))
        if today > deadline.due_on >= deadline.opens_on and policy.enabled(Rule.REPORT_LATE):
            messages.append(Message(
                Rule.REPORT_LATE, deadline.subject_key, f"late@{deadline.due_on.isoformat()}",
                title=f"Late: {deadline.what} of an ECT you hold",
                body=(f"{_capital(deadline.what)} of {people.ect(state)} was due "
                      f"{when(deadline.due_on, today)} and has not been submitted. The induction "
                      "tutor is being reminded weekly; the appropriate body chases late reports "
                      "(guidance 2.74)."),
                due_on=deadline.due_on, known=known))
    return messages


def _step_message(state: InductionState, deadline: Deadline, draft: DraftReport, occasion: str | None,
                  today: date, policy: Policy) -> Message | None:
    """A due report in draft waiting for a signature: the ECT, or the headteacher, hears on the
    occasions the tutor would (same subject and occasion, so each hears each occasion once).
    None when it is the tutor's step (submitting), or the headteacher's and nobody named them:
    the tutor is reminded then."""
    step = draft.step
    if occasion is None:
        return None
    overdue = today > deadline.due_on
    urgency = ("It is overdue at the appropriate body, which chases unsigned and late reports "
               "(guidance 2.74). " if overdue else "")
    due = f"The report is due at the appropriate body {when(deadline.due_on, today)}. "
    if step == signing.ECT_TO_SIGN and policy.enabled(Rule.REPORT_ECT_SIGNATURE_DUE):
        return Message(
            Rule.REPORT_ECT_SIGNATURE_DUE, deadline.subject_key, occasion,
            title=f"Please read and sign {deadline.what} (due {long_date(deadline.due_on)})",
            body=(f"Your induction tutor has written {deadline.what} of {people.ect(state)}. Please "
                  "read it, add your comments and sign it, so that it can go to the appropriate "
                  f"body. {due}{urgency}You will be reminded until you have signed it."),
            due_on=deadline.due_on, known={Role.ECT: str(state.ect_id)})
    if (step == signing.HEADTEACHER_TO_SIGN and draft.headteacher_id
            and policy.enabled(Rule.REPORT_HEADTEACHER_SIGNATURE_DUE)):
        return Message(
            Rule.REPORT_HEADTEACHER_SIGNATURE_DUE, deadline.subject_key, occasion,
            title=f"Your signature: {deadline.what} of {people.ect(state)}",
            body=(f"{_capital(deadline.what)} of {people.ect(state)} is signed by the ECT and waits "
                  f"for your signature as headteacher. {due}{urgency}You will be reminded until you "
                  "have signed it."),
            due_on=deadline.due_on, known={Role.HEADTEACHER: draft.headteacher_id})
    return None


def _draft_standing(draft: DraftReport | None) -> str:
    """What the tutor is told of a draft that waits for them."""
    if draft is None:
        return ""
    if draft.step == signing.HEADTEACHER_TO_SIGN:
        return ("The draft is signed by the ECT and waits for the headteacher's signature; no "
                "headteacher was named on it, so please have them sign it. ")
    if draft.step == signing.TUTOR_TO_SUBMIT:
        return "The draft is signed and ready to submit. "
    return ""


# -- the appropriate body's outcome clocks -----------------------------------------------


def outcome_deadlines(state: InductionState) -> list[tuple[Rule, Deadline]]:
    deadlines = []
    received, decided = state.recommendation_received_on, state.decided_on
    if received is not None and (decided is None or decided < received):
        deadlines.append((Rule.OUTCOME_DECISION_DUE, Deadline(
            subject_key=f"{state.ect_id}/outcome-decision/{received.isoformat()}",
            what="your decision on the induction (pass, extend or fail)",
            due_on=decision_due_by(received), opens_on=received, chase_overdue=True)))
    if decided is not None and owed_notice(state):
        due = state.notice_due_by or notice_due_by(decided)
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
            body = (f"The final assessment of {people.ect(state)} recommended an outcome on "
                    f"{long_date(deadline.opens_on)}. Your decision (pass, extend or fail) is due "
                    f"within {DECISION_WORKING_DAYS} working days, {when(deadline.due_on, today)} "
                    f"(guidance 2.67); written notice follows within {NOTICE_WORKING_DAYS} working "
                    "days of it.")
        elif state.steps.decision is None:  # decided before this service kept the decision's kind
            body = (f"You decided on the induction of {people.ect(state)} on "
                    f"{long_date(deadline.opens_on)}. Written notice to the ECT, the headteacher, "
                    f"the employer and the TRA is due within {NOTICE_WORKING_DAYS} working days, "
                    f"{when(deadline.due_on, today)} (guidance 2.69).")
        else:
            body = (f"You decided on the induction of {people.ect(state)} on "
                    f"{long_date(deadline.opens_on)} ({state.steps.decision}). Written notice is due "
                    f"within {NOTICE_WORKING_DAYS} working days, {when(deadline.due_on, today)} "
                    f"(guidance 2.69); still owed it: {listed(owed_notice(state))}.")
        messages.append(Message(rule, deadline.subject_key, occasion,
                                title=f"Due {long_date(deadline.due_on)}: {deadline.what}",
                                body=body, due_on=deadline.due_on))
    return messages


# -- entitlement to coaching (hub policy) -------------------------------------------------


@dataclass(frozen=True)
class Coaching:
    """Coaching in the current post: owed by the clock's schedule, and held."""

    post_start: date
    owed_before: int  # sessions the schedule owed before the post began (other posts' weeks)
    held: int  # sessions held since the post began


def _coaching(state: InductionState, timeline: Timeline) -> Coaching | None:
    if not state.being_coached or not timeline.plan.ledger.periods:
        return None
    post = timeline.plan.ledger.periods[-1].period
    if post.end is not None:
        return None
    owed_before = timeline.plan.coaching.expected(post.start - ONE_DAY)
    return Coaching(post.start, owed_before, state.sessions_since(post.start))


def missed_windows(state: InductionState, timeline: Timeline, today: date, policy: Policy) -> list[date]:
    """The Mondays of the teaching weeks whose owed session is missed, past grace: at most two.

    Counted in the current post: the sessions the clock's schedule owes by today, less those
    it owed before the post began, against the sessions held since. Weeks between posts owe
    nothing; year 2's fortnightly cadence starts on the clock's first day of year 2, moved by
    every extension.
    """
    coaching = _coaching(state, timeline)
    if coaching is None:
        return []
    schedule = timeline.plan.coaching
    missed = []
    for held in (coaching.held, coaching.held + 1):
        week = schedule.monday_of_week_owing(coaching.owed_before + held + 1, search_until=today)
        if week is None or today < week + timedelta(days=7) + policy.grace:
            break
        missed.append(week)
    return missed


def _entitlement_messages(state: InductionState, timeline: Timeline, today: date,
                          policy: Policy) -> list[Message]:
    missed = missed_windows(state, timeline, today, policy)
    coaching = _coaching(state, timeline)
    if not missed or coaching is None:
        return []
    expected = timeline.plan.coaching.expected(today) - coaching.owed_before
    hold_by = today + timedelta(days=(4 - today.weekday()) % 7)  # this Friday, or the next
    held = coaching.held
    standing = (f"{expected} coaching session{'s' if expected != 1 else ''} were expected by "
                f"{long_date(today)} and {held} held.")
    mentor = "" if state.mentor_id else " No mentor is assigned: assign one first."
    messages = [Message(
        Rule.ENTITLEMENT_AT_RISK, f"{state.ect_id}/coaching",
        f"session-{held + 1}@{missed[0].isoformat()}",
        title="Coaching entitlement at risk: a session was missed",
        body=(f"{_capital(people.ect(state))} had no coaching session in the week beginning "
              f"{long_date(missed[0])}, when one was owed (weekly in year 1, fortnightly in year 2). "
              f"{standing} Please hold the next session (about 60 minutes of observation and "
              f"instructional coaching) by {long_date(hold_by)}.{mentor}"),
        due_on=hold_by)]
    if len(missed) == 2:
        messages.append(Message(
            Rule.ENTITLEMENT_ESCALATED, f"{state.ect_id}/coaching",
            f"session-{held + 2}@{missed[1].isoformat()}",
            title="Coaching entitlement: a second window missed",
            body=(f"{_capital(people.ect(state))} at {people.school(state)} has missed two "
                  f"coaching windows in a row: the weeks beginning {long_date(missed[0])} and "
                  f"{long_date(missed[1])}. "
                  f"{standing} Mentor: {people.mentor(state)}; induction tutor: "
                  f"{state.induction_tutor_id}. The mentor and the tutor were told; please follow "
                  f"up with the school so a session is held by {long_date(hold_by)}."),
            due_on=hold_by))
    return messages


_capital = people.capital
