"""The notifications recorded so far, one row per (rule, event), and queries over them.

``record`` runs inside the inbox transaction (see ect_platform.inbox), so the event id
and its notifications commit together. The row id is derived from the rule and the event,
and inserts do nothing on conflict: even an event that slipped past the inbox (e.g. a
rebuilt inbox) cannot notify anyone twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

import asyncpg

from contracts import EventEnvelope
from notifications.rules import Rule, notifications_for

DDL = """
CREATE TABLE IF NOT EXISTS notification (
    id              uuid PRIMARY KEY,
    rule            text NOT NULL,
    recipient_role  text NOT NULL,
    recipient_id    text NOT NULL,
    ect_id          uuid,
    subject         text NOT NULL,
    body            text NOT NULL,
    event_id        uuid NOT NULL,
    correlation_id  uuid NOT NULL,
    status          text NOT NULL DEFAULT 'recorded',
    -- clock_timestamp(), not now(): rows of one batch share a transaction, and newest-first
    -- must still follow the order they were recorded in.
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX IF NOT EXISTS notification_newest ON notification (created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS notification_ect ON notification (ect_id, created_at DESC);
CREATE INDEX IF NOT EXISTS notification_recipient ON notification (recipient_id, created_at DESC);
"""

COLUMNS = (
    "id", "rule", "recipient_role", "recipient_id", "ect_id", "subject", "body", "event_id",
    "correlation_id", "status", "created_at",
)


async def setup(conn: asyncpg.Connection) -> None:
    await conn.execute(DDL)


async def record(conn: asyncpg.Connection, envelope: EventEnvelope[Any]) -> None:
    for n in notifications_for(envelope):
        await conn.execute(
            """
            INSERT INTO notification (id, rule, recipient_role, recipient_id, ect_id, subject,
                                      body, event_id, correlation_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (id) DO NOTHING
            """,
            n.id, n.rule.value, n.recipient_role.value, n.recipient_id, n.ect_id, n.subject,
            n.body, n.event_id, n.correlation_id,
        )


@dataclass(frozen=True)
class Filters:
    ect_id: UUID | None = None
    recipient_id: str | None = None
    rule: Rule | None = None

    def where(self) -> tuple[str, list[Any]]:
        """A WHERE clause over fixed column names; the values travel only as bind parameters."""
        wanted = {"ect_id": self.ect_id, "recipient_id": self.recipient_id,
                  "rule": self.rule.value if self.rule else None}
        args = [value for value in wanted.values() if value is not None]
        names = [name for name, value in wanted.items() if value is not None]
        clauses = [f"{name} = ${i}" for i, name in enumerate(names, start=1)]
        return ("WHERE " + " AND ".join(clauses) if clauses else ""), args


async def search(pool: asyncpg.Pool, filters: Filters, *, limit: int, offset: int
                 ) -> tuple[list[dict[str, Any]], int]:
    """One page, newest first, and how many match in all."""
    where, args = filters.where()
    n = len(args)
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        # One snapshot for both queries, so the total agrees with the page.
        total = await conn.fetchval(f"SELECT count(*) FROM notification {where}", *args)  # noqa: S608
        rows = await conn.fetch(
            f"SELECT {', '.join(COLUMNS)} FROM notification {where} "  # noqa: S608
            f"ORDER BY created_at DESC, id DESC LIMIT ${n + 1} OFFSET ${n + 2}",
            *args, limit, offset,
        )
    return [dict(row) for row in rows], int(total)
