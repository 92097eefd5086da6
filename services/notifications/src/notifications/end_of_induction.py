"""Reminders of the steps at the end of induction that are not the AB's: the headteacher's
recommendation (the final assessment, due 10 working days after the final assessment meeting,
2.61/2.65), and the ECT's rights: written representations within 10 working days of the
recommendation (regulation 11(4)), an appeal to the TRA against a fail or an extension within 20
working days of the notice (regulation 14). Also who is still owed the AB's notice (2.69).

A duty (the recommendation) is reminded on the usual occasions and chased while overdue; a
right is told once, when its window opens (or on the first day the scheduler runs inside it),
and never after it closes. Every date is the kernel's (``statutory``).
"""

from __future__ import annotations

from datetime import date

from notifications import people
from notifications.induction import InductionState
from notifications.message import Message, Rule, long_date, when
from notifications.occasions import Deadline, current_occasion
from notifications.policy import Policy
from statutory.end_of_induction import (
    APPEAL_WORKING_DAYS,
    RECOMMENDATION_WORKING_DAYS,
    REPRESENTATIONS_WORKING_DAYS,
    appealable,
    recipients_owed,
    representations_due_by,
)
from statutory.timeline import Timeline

_capital = people.capital


_RECIPIENT = {"ect": "the ECT", "headteacher": "the headteacher", "employer": "the employer",
              "tra": "the TRA"}


def owed_notice(state: InductionState) -> tuple[str, ...]:
    """Who is still owed written notice of the latest decision (all of them if its kind is not
    known: a decision folded before this service kept it)."""
    if state.steps.decision is None:
        return ("ect", "headteacher", "employer", "tra")
    return recipients_owed(state.steps.decision, set(state.steps.noticed))


def listed(recipients: tuple[str, ...]) -> str:
    names = [_RECIPIENT.get(r, r) for r in recipients]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


# -- the headteacher's recommendation and the ECT's rights ---------------------------------


def recommendation_deadline(state: InductionState, timeline: Timeline) -> Deadline | None:
    """The final assessment's recommendation, owed by the headteacher 10 working days after the
    final assessment meeting: the clock's due date for the final report (2.61, 2.65)."""
    final = timeline.final_assessment
    if (final is None or final.appropriate_body_id != state.appropriate_body_id
            or state.submitted(final.kind, final.term_number) or state.claimed_on is None):
        return None
    meeting = final.postponed_until or final.held_on
    return Deadline(subject_key=f"{state.ect_id}/recommendation/term-{final.term_number}",
                    what="the final assessment and its recommendation", due_on=final.due_on,
                    opens_on=max(meeting, state.claimed_on), chase_overdue=True)


def recommendation_messages(state: InductionState, timeline: Timeline, today: date,
                             policy: Policy) -> list[Message]:
    deadline = recommendation_deadline(state, timeline)
    if deadline is None or not policy.enabled(Rule.RECOMMENDATION_DUE):
        return []
    occasion = current_occasion(deadline, today, policy)
    if occasion is None:
        return []
    return [Message(
        Rule.RECOMMENDATION_DUE, deadline.subject_key, occasion,
        title=f"Due {long_date(deadline.due_on)}: your recommendation on the induction of "
              f"{people.ect(state)}",
        body=(f"The final assessment of {people.ect(state)} was held on "
              f"{long_date(deadline.opens_on)}. Your recommendation (satisfactory, unsatisfactory "
              f"or an extension) reaches the appropriate body with it within "
              f"{RECOMMENDATION_WORKING_DAYS} working days, {when(deadline.due_on, today)} "
              "(guidance 2.61, 2.65). The ECT may then make written representations on it."),
        due_on=deadline.due_on)]


def rights_deadlines(state: InductionState) -> list[tuple[Rule, Deadline]]:
    """The ECT's rights with a window open: representations on the recommendation the AB has not
    decided on yet (none made), and an appeal against a fail or an extension (none lodged)."""
    found = []
    received, decided = state.recommendation_received_on, state.decided_on
    if (received is not None and (decided is None or decided < received)
            and received not in state.steps.representations_on):
        found.append((Rule.REPRESENTATIONS_DUE, Deadline(
            subject_key=f"{state.ect_id}/representations/{received.isoformat()}",
            what="your written representations on the recommendation",
            due_on=representations_due_by(received), opens_on=received, chase_overdue=False)))
    if (state.steps.appeal_due_by is not None and state.steps.appeal_lodged_on is None and decided is not None
            and state.steps.decision is not None and appealable(state.steps.decision)):
        found.append((Rule.APPEAL_WINDOW, Deadline(
            subject_key=f"{state.ect_id}/appeal/{decided.isoformat()}",
            what="an appeal to the Teaching Regulation Agency", due_on=state.steps.appeal_due_by,
            opens_on=decided, chase_overdue=False)))
    return found


def rights_messages(state: InductionState, today: date, policy: Policy) -> list[Message]:
    messages = []
    for rule, deadline in rights_deadlines(state):
        # told once: one occasion for the whole window, whatever day it is first sent on
        if not deadline.opens_on <= today <= deadline.due_on or not policy.enabled(rule):
            continue
        if rule is Rule.REPRESENTATIONS_DUE:
            body = (f"{_capital(people.ect(state))}: the final assessment's recommendation on your "
                    f"induction reached the appropriate body on {long_date(deadline.opens_on)}. You "
                    f"may make written representations on it within {REPRESENTATIONS_WORKING_DAYS} "
                    f"working days, {when(deadline.due_on, today)} (the Induction Regulations, "
                    "regulation 11(4)); the appropriate body considers them with its decision.")
        else:
            body = (f"{_capital(people.ect(state))}: the appropriate body's decision on your "
                    f"induction ({state.steps.decision}) may be appealed to the Teaching Regulation "
                    f"Agency within {APPEAL_WORKING_DAYS} working days of your written notice, "
                    f"{when(deadline.due_on, today)} (the Induction Regulations, regulation 14).")
        messages.append(Message(rule, deadline.subject_key, f"window@{deadline.due_on.isoformat()}",
                                title=f"By {long_date(deadline.due_on)}: {deadline.what}",
                                body=body, due_on=deadline.due_on))
    return messages
