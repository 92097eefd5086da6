"""A delivery's outcome as an integration event: NotificationSent or NotificationFailed.

The envelope's aggregate is the notification; it reaches exactly one outcome, so its event
is version 1 of it and its id ``uuid5(notifications, notification id, 1)``: a replayed or
re-recorded outcome keeps its id, and consumers drop the copy.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from contracts import Actor, EventEnvelope, Role
from contracts.notifications.v1 import Channel, FailureReason, NotificationFailed, NotificationSent
from ect_platform.integration_events import event_id_for

SOURCE = "notifications"
ACTOR = Actor(id="notifications", role=Role.SYSTEM)


def _envelope(row: dict[str, Any], payload: NotificationSent | NotificationFailed, at: datetime,
              recorded_at: datetime) -> EventEnvelope[Any]:
    notification_id: UUID = row["id"]
    envelope_type: Any = EventEnvelope[type(payload)]  # type: ignore[misc]
    return envelope_type(
        event_id=event_id_for(SOURCE, notification_id, 1), event_type=payload.event_type,
        event_version=payload.event_version, occurred_at=at, recorded_at=recorded_at, source=SOURCE,
        aggregate_id=notification_id, aggregate_version=1, ect_id=row["ect_id"], actor=ACTOR,
        correlation_id=row["correlation_id"], causation_id=row["event_id"], payload=payload,
    )


def _common(row: dict[str, Any]) -> dict[str, Any]:
    return {"notification_id": row["id"], "rule": row["rule"], "recipient_role": Role(row["recipient_role"]),
            "recipient_id": row["recipient_id"], "statutory": row["statutory"], "due_on": row["due_on"]}


def notification_sent(row: dict[str, Any], *, channel: Channel, attempts: int, at: datetime,
                      recorded_at: datetime) -> EventEnvelope[Any]:
    payload = NotificationSent(**_common(row), channel=channel, attempts=attempts, sent_at=at)
    return _envelope(row, payload, at, recorded_at)


def notification_failed(row: dict[str, Any], *, channel: Channel | None, attempts: int,
                        reason: FailureReason, detail: str, at: datetime,
                        recorded_at: datetime) -> EventEnvelope[Any]:
    payload = NotificationFailed(**_common(row), channel=channel, attempts=attempts, reason=reason,
                                 detail=detail, failed_at=at)
    return _envelope(row, payload, at, recorded_at)
