"""What a notification is: a rule's message about one occasion, addressed to one recipient.

A rule produces a ``Message`` (what happened, what is due and by when) for an occasion and
says which roles should hear it; ``address`` turns it into one ``Notification`` per
recipient, resolving roles to recipient ids from what the event and the ECT's record say
and from the policy (who the hub leads are, which audience each rule has).

The key of a notification is (rule, subject, occasion, recipient): ``notification_id`` is a
uuid5 of it, so the same occasion always yields the same id. Whoever records it first wins
(``INSERT ... ON CONFLICT DO NOTHING``), which is what makes redelivered events, a restarted
scheduler and two instances running at once notify each person once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

from contracts import Role

# Fixed forever: changing it would give every past notification a new id, and a replayed
# topic or a re-run scheduler would then notify everyone a second time.
NAMESPACE = uuid5(NAMESPACE_URL, "https://ect-platform.example/notifications")


class Rule(StrEnum):
    """Why a notification exists. Event-driven rules first, then time-driven ones."""

    MENTOR_ASSIGNED = "mentor_assigned"
    TERM_REPORT_SUBMITTED = "term_report_submitted"
    SUPPORT_PLAN_SHARED = "support_plan_shared"
    ABSENCE_THRESHOLD_REACHED = "absence_threshold_reached"
    ECT_LEFT = "ect_left"
    REPORT_DUE = "report_due"
    REPORT_LATE = "report_late"
    REPORT_ECT_SIGNATURE_DUE = "report_ect_signature_due"
    REPORT_HEADTEACHER_SIGNATURE_DUE = "report_headteacher_signature_due"
    ENTITLEMENT_AT_RISK = "entitlement_at_risk"
    ENTITLEMENT_ESCALATED = "entitlement_escalated"
    OUTCOME_DECISION_DUE = "outcome_decision_due"
    OUTCOME_NOTICE_DUE = "outcome_notice_due"
    RECOMMENDATION_DUE = "recommendation_due"
    REPRESENTATIONS_DUE = "representations_due"
    APPEAL_WINDOW = "appeal_window"


@dataclass(frozen=True)
class RuleInfo:
    statutory: bool  # statutory guidance calls for it: recipients cannot opt out
    audience: tuple[Role, ...]  # who hears it unless the policy says otherwise


AB, TUTOR, MENTOR, LEAD = Role.APPROPRIATE_BODY, Role.INDUCTION_TUTOR, Role.MENTOR, Role.HUB_LEAD
HEAD, ECT = Role.HEADTEACHER, Role.ECT

RULES: Mapping[Rule, RuleInfo] = {
    Rule.MENTOR_ASSIGNED: RuleInfo(statutory=False, audience=(MENTOR,)),
    Rule.TERM_REPORT_SUBMITTED: RuleInfo(statutory=True, audience=(AB,)),  # 2.54, 2.61
    Rule.SUPPORT_PLAN_SHARED: RuleInfo(statutory=True, audience=(AB, LEAD)),  # 4.1
    Rule.ABSENCE_THRESHOLD_REACHED: RuleInfo(statutory=True, audience=(AB,)),  # 3.6, 5.4
    Rule.ECT_LEFT: RuleInfo(statutory=True, audience=(AB,)),  # 2.62-2.63
    Rule.REPORT_DUE: RuleInfo(statutory=True, audience=(TUTOR,)),  # 2.48, 2.55-2.61
    Rule.REPORT_LATE: RuleInfo(statutory=True, audience=(AB,)),  # 2.74: the AB chases
    # a due report in draft: whoever's step it is hears instead of the tutor (statutory.signing)
    Rule.REPORT_ECT_SIGNATURE_DUE: RuleInfo(statutory=True, audience=(Role.ECT,)),  # 2.74
    Rule.REPORT_HEADTEACHER_SIGNATURE_DUE: RuleInfo(statutory=True, audience=(Role.HEADTEACHER,)),
    # Coaching cadence is hub policy, not statute: recipients may opt out of these.
    Rule.ENTITLEMENT_AT_RISK: RuleInfo(statutory=False, audience=(MENTOR, TUTOR)),
    Rule.ENTITLEMENT_ESCALATED: RuleInfo(statutory=False, audience=(LEAD,)),
    Rule.OUTCOME_DECISION_DUE: RuleInfo(statutory=True, audience=(AB,)),  # 2.67
    Rule.OUTCOME_NOTICE_DUE: RuleInfo(statutory=True, audience=(AB,)),  # 2.69
    Rule.RECOMMENDATION_DUE: RuleInfo(statutory=True, audience=(HEAD,)),  # 2.61, 2.65
    Rule.REPRESENTATIONS_DUE: RuleInfo(statutory=True, audience=(ECT,)),  # regulation 11(4)
    Rule.APPEAL_WINDOW: RuleInfo(statutory=True, audience=(ECT,)),  # regulation 14
}


@dataclass(frozen=True)
class Message:
    """What one rule says about one occasion, before it is addressed to anyone.

    ``subject_key`` and ``occasion`` are the notification's key with the rule: the subject is
    what it is about (an ECT, one of their reports, an outcome clock), the occasion which
    moment (an event id, "7 days before the due date of ..."). ``known`` are recipients the
    occasion itself names (the mentor just assigned, the AB a report went to): they win over
    the ECT's record, which may lag behind.
    """

    rule: Rule
    subject_key: str
    occasion: str
    title: str
    body: str
    due_on: date | None = None
    known: Mapping[Role, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Notification:
    id: UUID
    rule: Rule
    recipient_role: Role
    recipient_id: str
    ect_id: UUID | None
    subject: str
    body: str
    event_id: UUID | None  # the event that caused it; None for a time-driven reminder
    correlation_id: UUID
    statutory: bool
    subject_key: str
    occasion: str
    due_on: date | None


@dataclass(frozen=True)
class Contacts:
    """Who holds each role for one ECT, as far as this service knows."""

    mentor_id: str | None = None
    induction_tutor_id: str | None = None
    appropriate_body_id: str | None = None
    # the ECT themself: their recipient id is their ECT id, as their token's sub is
    ect_id: str | None = None
    # the headteacher of the ECT's school: no event names them, so they are the recipient
    # registered as "headteacher:<school id>" (docs/notifications.md)
    headteacher_id: str | None = None

    def holder(self, role: Role) -> str | None:
        return {MENTOR: self.mentor_id, TUTOR: self.induction_tutor_id,
                AB: self.appropriate_body_id, ECT: self.ect_id, HEAD: self.headteacher_id}.get(role)


def headteacher_of(school_id: str | None) -> str | None:
    return f"headteacher:{school_id}" if school_id else None


def notification_id(rule: Rule, subject_key: str, occasion: str, recipient_role: Role,
                    recipient_id: str) -> UUID:
    """Deterministic: the same rule, subject, occasion and recipient give the same id."""
    return uuid5(NAMESPACE, f"{rule.value}|{subject_key}|{occasion}|{recipient_role.value}:{recipient_id}")


def address(message: Message, *, audience: tuple[Role, ...], hub_lead_ids: tuple[str, ...],
            contacts: Contacts, ect_id: UUID | None, event_id: UUID | None = None,
            correlation_id: UUID | None = None) -> list[Notification]:
    """One notification per recipient of ``audience``; a role nobody holds is skipped."""
    recipients: list[tuple[Role, str]] = []
    for role in audience:
        if role == LEAD:
            recipients += [(role, lead) for lead in hub_lead_ids]
            continue
        holder = message.known.get(role) or contacts.holder(role)
        if holder:
            recipients.append((role, holder))
    info = RULES[message.rule]
    notifications = []
    for role, recipient_id in dict.fromkeys(recipients):  # each person once, in order
        nid = notification_id(message.rule, message.subject_key, message.occasion, role, recipient_id)
        notifications.append(Notification(
            id=nid, rule=message.rule, recipient_role=role, recipient_id=recipient_id,
            ect_id=ect_id, subject=message.title, body=message.body, event_id=event_id,
            # A reminder has no request behind it; its own id correlates its outcome events.
            correlation_id=correlation_id or nid, statutory=info.statutory,
            subject_key=message.subject_key, occasion=message.occasion, due_on=message.due_on,
        ))
    return notifications


def long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"  # e.g. Monday 8 September 2025


def when(due_on: date, today: date) -> str:
    """A due date said both ways, so a message read a day late is still true."""
    days = (due_on - today).days
    if days == 0:
        return f"today, {long_date(due_on)}"
    if days == 1:
        return f"tomorrow, {long_date(due_on)}"
    if days > 1:
        return f"in {days} days, on {long_date(due_on)}"
    late = -days
    return f"on {long_date(due_on)}, {late} day{'s' if late != 1 else ''} ago"
