"""Who must hear about an integration event, and what the message says.

Pure functions from an envelope to the notifications it calls for: no I/O, no clock, so
the same event always yields the same notifications, with the same ids. Each message says
what happened, what is now due and, where the date follows from the event alone, by when.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from contracts import EventEnvelope, Role
from contracts.reporting.v1 import Recommendation, TermReportKind, TermReportSubmitted
from contracts.scheduling.v1 import MentorAssigned

# Fixed forever: changing it would give every past notification a new id, and a replayed
# topic would then notify everyone a second time.
NAMESPACE = uuid5(NAMESPACE_URL, "https://ect-platform.example/notifications")

FIRST_SESSION_WITHIN = timedelta(days=7)  # hub policy: weekly coaching in year 1


class Rule(StrEnum):
    """Why a notification exists; one rule addresses one recipient per event."""

    MENTOR_ASSIGNED = "mentor_assigned"
    TERM_REPORT_SUBMITTED = "term_report_submitted"


@dataclass(frozen=True)
class Notification:
    id: UUID
    rule: Rule
    recipient_role: Role
    recipient_id: str
    ect_id: UUID | None
    subject: str
    body: str
    event_id: UUID
    correlation_id: UUID


def notification_id(rule: Rule, event_id: UUID) -> UUID:
    """Deterministic: the rule and the occasion (the event) identify the notification."""
    return uuid5(NAMESPACE, f"{rule.value}:{event_id}")


def _long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"  # e.g. Monday 8 September 2025


def _notification(envelope: EventEnvelope[Any], rule: Rule, recipient_role: Role,
                  recipient_id: str, subject: str, body: str) -> Notification:
    return Notification(
        id=notification_id(rule, envelope.event_id), rule=rule, recipient_role=recipient_role,
        recipient_id=recipient_id, ect_id=envelope.ect_id, subject=subject, body=body,
        event_id=envelope.event_id, correlation_id=envelope.correlation_id,
    )


def mentor_assigned(envelope: EventEnvelope[Any], payload: MentorAssigned) -> list[Notification]:
    """The new mentor learns whom they coach, from when, and when the first session is due."""
    first_session_by = payload.assigned_on + FIRST_SESSION_WITHIN
    lines = [f"You are the mentor of ECT {envelope.ect_id} from {_long_date(payload.assigned_on)}."]
    if payload.previous_mentor_id is not None:
        lines.append("You take over from their previous mentor.")
    lines.append(
        "Observation and instructional coaching (about 60 minutes) is due weekly in year 1 and "
        f"fortnightly in year 2; hold the first session by {_long_date(first_session_by)}."
    )
    if payload.policy_override_reason:
        lines.append(f"Hub policy was set aside for this assignment: {payload.policy_override_reason}")
    return [_notification(envelope, Rule.MENTOR_ASSIGNED, Role.MENTOR, str(payload.mentor_id),
                          "You have been assigned an ECT", " ".join(lines))]


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
    """What the appropriate body must now do. Deadlines in working days are stated as such:
    turning them into dates needs England's bank holidays, which this service does not keep."""
    due = []
    if payload.recommendation is not None:
        due.append(
            f"It recommends {_RECOMMENDATION[payload.recommendation]}. Your decision (pass, extend "
            "or fail) is due within 20 working days of receiving it, and written notice of it "
            "within 3 working days after that (guidance 2.67-2.69)."
        )
    if not payload.on_track:
        due.append("The ECT is not on track: a support plan is due, and must be shared with you "
                   "(guidance 4.1).")
    if payload.kind is TermReportKind.INTERIM_ASSESSMENT:
        due.append("The ECT is leaving before their next formal assessment; keep this with their "
                   "induction record for the next appropriate body (guidance 2.62-2.63).")
    return due


def term_report_submitted(envelope: EventEnvelope[Any],
                          payload: TermReportSubmitted) -> list[Notification]:
    """The appropriate body receives every review and assessment (guidance 2.54, 2.61)."""
    if payload.appropriate_body_id is None:
        # Reports published before the field existed name no appropriate body; there is no
        # one to address, and guessing would tell the wrong body about someone else's ECT.
        return []
    kind = _KIND[payload.kind]
    article = "An" if kind[0] in "aeiou" else "A"
    happened = (f"The induction tutor submitted a {kind} for term {payload.term_number} of ECT "
                f"{envelope.ect_id} on {_long_date(payload.submitted_on)}.")
    standing = "The ECT is on track." if payload.on_track else ""
    body = " ".join(part for part in [happened, standing, *_term_report_due(payload)] if part)
    return [_notification(envelope, Rule.TERM_REPORT_SUBMITTED, Role.APPROPRIATE_BODY,
                          payload.appropriate_body_id,
                          f"{article} {kind} for term {payload.term_number} was submitted", body)]


_RULES: dict[type[Any], Callable[[EventEnvelope[Any], Any], list[Notification]]] = {
    MentorAssigned: mentor_assigned,
    TermReportSubmitted: term_report_submitted,
}


def notifications_for(envelope: EventEnvelope[Any]) -> list[Notification]:
    """Every notification ``envelope`` calls for; most events call for none."""
    rule = _RULES.get(type(envelope.payload))
    return rule(envelope, envelope.payload) if rule else []
