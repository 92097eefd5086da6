"""Event-driven rules: who must hear about an integration event, and what they are told.

Pure functions from an envelope (and what this service knows of the ECT) to notifications:
no I/O, no clock, so the same event always yields the same notifications with the same ids.
Each message says what happened, what is now due and by when. Time-driven reminders (due,
overdue, missed coaching) are in ``reminders``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any

from contracts import EventEnvelope, Role
from contracts.reporting.v1 import (
    Recommendation,
    SupportPlanShared,
    TermReportKind,
    TermReportSubmitted,
)
from contracts.scheduling.v1 import AbsenceThresholdReached, EctLeft, MentorAssigned
from notifications import people
from notifications.induction import InductionState, timeline_of
from notifications.message import (
    Contacts,
    Message,
    Notification,
    Rule,
    address,
    long_date,
    notification_id,
)
from notifications.policy import Policy
from statutory.calendar import SchoolCalendar
from statutory.end_of_induction import DECISION_WORKING_DAYS, NOTICE_WORKING_DAYS, decision_due_by
from statutory.timeline import INTERIM_ASSESSMENT

__all__ = ["Notification", "Rule", "notification_id", "notifications_for"]

FIRST_SESSION_WITHIN = timedelta(days=7)  # hub policy: weekly coaching in year 1

# A rule: the event, its payload, and what this service knows of the ECT (to name them).
Say = Callable[[EventEnvelope[Any], Any, InductionState | None], Message | None]


def _about(envelope: EventEnvelope[Any]) -> tuple[str, str]:
    """(subject, occasion) of an event-driven notification: the ECT, and the event itself."""
    return str(envelope.ect_id or envelope.aggregate_id), f"event:{envelope.event_id}"


def mentor_assigned(envelope: EventEnvelope[Any], payload: MentorAssigned,
                    context: InductionState | None = None) -> Message:
    """The new mentor learns whom they coach, from when, and when the first session is due."""
    first_session_by = payload.assigned_on + FIRST_SESSION_WITHIN
    lines = [f"You are the mentor of {people.ect(context)} from {long_date(payload.assigned_on)}."]
    if payload.previous_mentor_id is not None:
        lines.append("You take over from their previous mentor.")
    lines.append(
        "Observation and instructional coaching (about 60 minutes) is due weekly in year 1 and "
        f"fortnightly in year 2; hold the first session by {long_date(first_session_by)}."
    )
    if payload.policy_override_reason:
        lines.append(f"Hub policy was set aside for this assignment: {payload.policy_override_reason}")
    return Message(Rule.MENTOR_ASSIGNED, *_about(envelope), title="You have been assigned an ECT",
                   body=" ".join(lines), due_on=first_session_by,
                   known={Role.MENTOR: str(payload.mentor_id)})


_KIND = {
    TermReportKind.PROGRESS_REVIEW: "progress review",
    TermReportKind.FORMAL_ASSESSMENT: "formal assessment",
    TermReportKind.INTERIM_ASSESSMENT: "interim assessment",
}

_RECOMMENDATION = {
    Recommendation.SATISFACTORY: "that induction be passed (satisfactory)",
    Recommendation.UNSATISFACTORY: "that induction be failed (unsatisfactory)",
    Recommendation.EXTENSION: "an extension",
}


def _term_report_due(payload: TermReportSubmitted) -> list[str]:
    """What the appropriate body must now do, with dates in England's working days."""
    due = []
    if payload.recommendation is not None:
        decide_by = decision_due_by(payload.submitted_on)
        due.append(
            f"It recommends {_RECOMMENDATION[payload.recommendation]}. Your decision (pass, extend "
            f"or fail) is due within {DECISION_WORKING_DAYS} working days of receiving it, by "
            f"{long_date(decide_by)}, and written notice of it within {NOTICE_WORKING_DAYS} working "
            "days after that (guidance 2.67-2.69)."
        )
    if not payload.on_track:
        due.append("The ECT is not on track: a support plan is due, and must be shared with you "
                   "(guidance 4.1).")
    if payload.kind is TermReportKind.INTERIM_ASSESSMENT:
        due.append("The ECT is leaving before their next formal assessment; keep this with their "
                   "induction record for the next appropriate body (guidance 2.62-2.63).")
    return due


def term_report_submitted(envelope: EventEnvelope[Any], payload: TermReportSubmitted,
                          context: InductionState | None = None) -> Message | None:
    """The appropriate body receives every review and assessment (guidance 2.54, 2.61)."""
    kind = _KIND[payload.kind]
    article = "An" if kind[0] in "aeiou" else "A"
    happened = (f"The induction tutor submitted a {kind} for term {payload.term_number} of "
                f"{people.ect(context)} on {long_date(payload.submitted_on)}.")
    standing = "The ECT is on track." if payload.on_track else ""
    body = " ".join(part for part in [happened, standing, *_term_report_due(payload)] if part)
    known = {Role.APPROPRIATE_BODY: payload.appropriate_body_id} if payload.appropriate_body_id else {}
    return Message(Rule.TERM_REPORT_SUBMITTED, *_about(envelope),
                   title=f"{article} {kind} for term {payload.term_number} was submitted", body=body,
                   known=known)


def support_plan_shared(envelope: EventEnvelope[Any], payload: SupportPlanShared,
                        context: InductionState | None = None) -> Message:
    """Not on track: the AB and the hub lead see the plan and when it is reviewed (guidance 4.1)."""
    review = (f"It is reviewed by {long_date(payload.review_on)}; the mentor's coaching should "
              "support its targets until then." if payload.review_on else
              "It names no review date: agree one with the school.")
    known = {Role.APPROPRIATE_BODY: payload.appropriate_body_id} if payload.appropriate_body_id else {}
    return Message(
        Rule.SUPPORT_PLAN_SHARED, *_about(envelope),
        title="An ECT not on track has a support plan",
        body=(f"{people.capital(people.ect(context))} is not on track, and the school shared a "
              "support plan on "
              f"{long_date(payload.shared_on)} (guidance 4.1): {payload.summary} {review}"),
        due_on=payload.review_on, known=known)


def absence_threshold_reached(envelope: EventEnvelope[Any], payload: AbsenceThresholdReached,
                              context: InductionState | None = None) -> Message:
    """30 days' absence in a year: the AB must be told at once (guidance 3.6, 5.4)."""
    on = envelope.occurred_at.date()
    return Message(
        Rule.ABSENCE_THRESHOLD_REACHED, *_about(envelope),
        title=f"Absence reached 30 days in year {payload.induction_year} of an ECT's induction",
        body=(f"The absences of {people.ect(context)} in year {payload.induction_year} of "
              f"induction reached {payload.days_counted:g} days on {long_date(on)}. That year is "
              f"automatically extended by {payload.extension_days:g} days (guidance 3.6), and "
              "its formal assessment moves with it. The headteacher must tell you as soon as "
              "this happens (guidance 5.4): this is that notice. Statutory leave is not counted."))


def interim_due_on(payload: EctLeft, context: InductionState | None,
                   calendars: Mapping[str, SchoolCalendar] | None) -> date | None:
    """When the interim assessment for the post ending on ``left_on`` is due, as the induction
    clock has it (None: none is owed, 2.62). Without the ECT's record or their schools'
    calendars, what scheduling's clock said when the ECT left."""
    said = payload.left_on if payload.interim_assessment_due else None
    if context is None or calendars is None or context.stale or not context.registered:
        return said
    timeline = timeline_of(context, calendars, payload.left_on)
    post = next((c.period for c in timeline.plan.ledger.periods if c.period.end == payload.left_on), None)
    if post is None:
        return said
    return next((r.due_on for r in timeline.reports if r.kind == INTERIM_ASSESSMENT
                 and post.start <= r.held_on <= payload.left_on), None)


def ect_left(envelope: EventEnvelope[Any], payload: EctLeft, context: InductionState | None = None,
             calendars: Mapping[str, SchoolCalendar] | None = None) -> Message:
    """An ECT leaving part-way: the AB learns whether an interim assessment is due (2.62-2.63),
    and by when, as the induction clock has it (the date the tutor is reminded of)."""
    due_on = interim_due_on(payload, context, calendars)
    due = (f"An interim assessment is due from the induction tutor by {long_date(due_on)}, made "
           "before they go: progress, induction served and days absent since the last "
           "assessment (guidance 2.62-2.63). You will be told if it is late."
           if due_on is not None else
           "They served less than a term in the post, or a formal assessment this term covers "
           "it, so no interim assessment is due (guidance 2.62).")
    return Message(
        Rule.ECT_LEFT, *_about(envelope), title="An ECT is leaving their school part-way",
        body=(f"{people.capital(people.ect(context))} leaves their school on "
              f"{long_date(payload.left_on)} "
              f"({payload.reason}), having served {payload.terms_served:g} terms of induction. {due}"),
        due_on=due_on)


_RULES: dict[type[Any], Say] = {
    MentorAssigned: mentor_assigned,
    TermReportSubmitted: term_report_submitted,
    SupportPlanShared: support_plan_shared,
    AbsenceThresholdReached: absence_threshold_reached,
}
# Rules whose message gives a date the induction clock decides: they are given the ECT's
# record and the calendars of their schools, which the consumer reads for them.
SayWithTheClock = Callable[[EventEnvelope[Any], Any, InductionState | None,
                            Mapping[str, SchoolCalendar] | None], Message | None]
_CLOCK_RULES: dict[type[Any], SayWithTheClock] = {EctLeft: ect_left}
ASKS_THE_CLOCK: frozenset[type[Any]] = frozenset(_CLOCK_RULES)


def notifications_for(envelope: EventEnvelope[Any], context: InductionState | None = None,
                      policy: Policy | None = None,
                      calendars: Mapping[str, SchoolCalendar] | None = None) -> list[Notification]:
    """Every notification ``envelope`` calls for; most events call for none.

    ``context`` is what this service knows of the ECT, the event already applied: it names
    the holders of roles the event does not (the AB of an ECT who left, say). ``calendars``
    (of the ECT's schools) let a rule in ``ASKS_THE_CLOCK`` give the clock's date.
    """
    policy = policy or Policy()
    say, with_clock = _RULES.get(type(envelope.payload)), _CLOCK_RULES.get(type(envelope.payload))
    if with_clock is not None:
        message = with_clock(envelope, envelope.payload, context, calendars)
    else:
        message = say(envelope, envelope.payload, context) if say else None
    if message is None:
        return []
    return address(message, audience=policy.audience(message.rule), hub_lead_ids=policy.hub_lead_ids,
                   contacts=context.contacts if context else Contacts(), ect_id=envelope.ect_id,
                   event_id=envelope.event_id, correlation_id=envelope.correlation_id)
