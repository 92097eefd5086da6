"""notifications' HTTP API: the notifications recorded and their delivery, and recipients'
contact details and preferences (``routes_recipients``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

import asyncpg
from fastapi import FastAPI, Query
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from contracts import Role
from ect_platform import asyncapi_page
from ect_platform.identity import Caller, TokenIssuer, allow
from ect_platform.metrics import install_metrics
from ect_platform.problems import install_problem_handlers
from ect_platform.web import Check, health_router, install_edge
from notifications import access, retention
from notifications.adapters.webhook import WebhookGuard
from notifications.clock import Clock, SystemClock
from notifications.entrypoints import routes_privacy, routes_recipients
from notifications.integration import asyncapi
from notifications.message import Rule
from notifications.projections import notification

Status = Literal["pending", "sending", "sent", "failed", "suppressed"]


class NotificationOut(BaseModel):
    id: UUID
    rule: Rule
    recipient_role: Role
    recipient_id: str
    ect_id: UUID | None
    subject: str
    body: str
    event_id: UUID | None
    correlation_id: UUID
    status: Status
    created_at: datetime
    statutory: bool
    occasion: str | None
    due_on: date | None
    channel: str | None
    attempts: int
    delivered_at: datetime | None
    failure_reason: str | None


class AttemptOut(BaseModel):
    attempt: int
    channel: str | None
    outcome: str
    at: datetime


class NotificationDetail(NotificationOut):
    delivery_attempts: list[AttemptOut]


class NotificationPage(BaseModel):
    """The one page shape of every paged list on the platform (reporting's too)."""

    items: list[NotificationOut]
    total: int
    limit: int
    offset: int


# Who may call at all (the route gate); who may see whose details is decided per request.
READERS = access.READERS


def create_api(pool: asyncpg.Pool, issuer: TokenIssuer, readiness: dict[str, Check] | None = None,
               clock: Clock | None = None, webhook_allowed_hosts: Sequence[str] = (),
               hub_lead_ids: Sequence[str] = (), webhook_guard: WebhookGuard | None = None,
               topic_prefix: str = "", retention_days: int = retention.DEFAULT_DAYS) -> FastAPI:
    """``webhook_guard``: where webhooks may go (production's rules when not given, with
    ``webhook_allowed_hosts`` as the allow-list); ``topic_prefix``: the environment's
    ``KAFKA_TOPIC_PREFIX``, for ``/asyncapi.json``; ``retention_days``:
    ``NOTIFICATION_RETENTION_DAYS``, for the retention schedule."""
    api = FastAPI(title="ECT induction: notifications", version="1.0.0",
                  description="Who was told what, why and whether it arrived: every notification, "
                  "recorded once and delivered once; recipients' contact details and preferences.")
    api.state.token_issuer = issuer  # read by ect_platform.identity.Caller
    install_edge(api)
    install_metrics(api, "notifications")  # after the edge, so it runs first
    install_problem_handlers(api, {})
    api.include_router(health_router(readiness or {}))
    guard = webhook_guard or WebhookGuard(allowed_hosts=tuple(webhook_allowed_hosts))
    api.include_router(routes_recipients.router(pool, clock or SystemClock(), guard, hub_lead_ids))
    api.include_router(routes_privacy.router(pool, clock, retention_days))

    @api.get("/notifications", tags=["notifications"],
             dependencies=[allow(*READERS, action="read notifications")])
    async def list_notifications(
        caller: Caller,
        ect_id: UUID | None = None,
        recipient_id: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
        rule: Rule | None = None,
        status: Status | None = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
        offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    ) -> NotificationPage:
        rows, total = await notification.search(
            pool, notification.Filters(ect_id=ect_id, recipient_id=recipient_id, rule=rule, status=status),
            limit=limit, offset=offset, scope=access.notification_scope(caller),
        )
        return NotificationPage(items=[NotificationOut(**row) for row in rows], total=total,
                                limit=limit, offset=offset)

    @api.get("/notifications/{notification_id}", tags=["notifications"],
             dependencies=[allow(*READERS, action="read a notification")])
    async def get_notification(notification_id: UUID, caller: Caller) -> NotificationDetail:
        """One notification with each delivery attempt (when, which channel, what came of it).
        Outside the caller's scope it is not found, as if it did not exist: a 403 would say it does."""
        row = await notification.get(pool, notification_id, access.notification_scope(caller))
        if row is None:
            raise HTTPException(404, "Notification not found")
        return NotificationDetail(**row)

    api.include_router(asyncapi_page.router(lambda: asyncapi.document(topic_prefix)))  # public
    return api
