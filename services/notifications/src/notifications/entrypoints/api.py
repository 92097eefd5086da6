"""notifications' HTTP API: the recorded notifications, filtered and paged, newest first."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import asyncpg
from fastapi import FastAPI, Query
from pydantic import BaseModel

from contracts import Role
from ect_platform.identity import Caller, TokenIssuer
from ect_platform.problems import install_problem_handlers
from ect_platform.web import Check, health_router, install_correlation
from notifications.projections import notification
from notifications.rules import Rule


class NotificationOut(BaseModel):
    id: UUID
    rule: Rule
    recipient_role: Role
    recipient_id: str
    ect_id: UUID | None
    subject: str
    body: str
    event_id: UUID
    correlation_id: UUID
    status: str
    created_at: datetime


class NotificationPage(BaseModel):
    items: list[NotificationOut]
    total: int


def create_api(pool: asyncpg.Pool, issuer: TokenIssuer,
               readiness: dict[str, Check] | None = None) -> FastAPI:
    api = FastAPI(title="ECT induction: notifications", version="1.0.0",
                  description="Who was told what, and why: every notification, recorded once.")
    api.state.token_issuer = issuer  # read by ect_platform.identity.Caller
    install_correlation(api)
    install_problem_handlers(api, {})
    api.include_router(health_router(readiness or {}))

    @api.get("/notifications")
    async def list_notifications(
        _: Caller,
        ect_id: UUID | None = None,
        recipient_id: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
        rule: Rule | None = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> NotificationPage:
        rows, total = await notification.search(
            pool, notification.Filters(ect_id=ect_id, recipient_id=recipient_id, rule=rule),
            limit=limit, offset=offset,
        )
        return NotificationPage(items=[NotificationOut(**row) for row in rows], total=total)

    return api
