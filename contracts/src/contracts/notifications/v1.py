"""Version 1 of the events notifications publishes on ``ect.notifications.events.v1``.

Each notification ends in exactly one of these: it reached its recipient's channel, or it
could not be delivered. Personal data stays in notifications: a recipient is named by their
platform id only (a mentor's id, an appropriate body's id), never by an address, and a
failure's ``detail`` names what went wrong (``SMTP 550``, ``HTTP 410``), never whom.
The envelope's ``aggregate_id`` is the notification's id; its ``ect_id`` the ECT it concerns.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from pydantic import Field

from contracts.base import EventPayload, Role


class Channel(StrEnum):
    EMAIL = "email"
    WEBHOOK = "webhook"


class FailureReason(StrEnum):
    REJECTED = "rejected"  # the channel refused it for good (SMTP 5xx, webhook 4xx)
    RETRIES_EXHAUSTED = "retries_exhausted"  # temporary failures until the retry cap
    NO_CONTACT_DETAILS = "no_contact_details"  # the recipient gave no address for their channel


class NotificationSent(EventPayload):
    """A notification reached its recipient's channel: the SMTP server accepted the message,
    or the webhook answered 2xx."""

    event_type: ClassVar[str] = "NotificationSent"
    event_version: ClassVar[int] = 1

    notification_id: UUID
    rule: str = Field(description="Why it was sent, e.g. report_due, entitlement_at_risk, "
                      "mentor_assigned; new rules may appear, so read it as an open set.")
    recipient_role: Role
    recipient_id: str = Field(description="The recipient's platform id, never an address.")
    statutory: bool = Field(description="Whether statutory guidance calls for it (recipients "
                            "cannot opt out of these).")
    due_on: date | None = Field(default=None, description="The deadline it is about, if any.")
    channel: Channel
    attempts: int = Field(ge=1, description="Delivery attempts it took, this one included.")
    sent_at: datetime


class NotificationFailed(EventPayload):
    """A notification could not be delivered and will not be retried: recorded, never dropped."""

    event_type: ClassVar[str] = "NotificationFailed"
    event_version: ClassVar[int] = 1

    notification_id: UUID
    rule: str = Field(description="As in NotificationSent.")
    recipient_role: Role
    recipient_id: str = Field(description="The recipient's platform id, never an address.")
    statutory: bool
    due_on: date | None = None
    channel: Channel | None = Field(description="None when there was no channel to try.")
    attempts: int = Field(ge=0, description="Delivery attempts made.")
    reason: FailureReason
    detail: str = Field(description="What went wrong, without personal data, e.g. 'SMTP 550' "
                        "or 'HTTP 410' or 'connection refused'.")
    failed_at: datetime
