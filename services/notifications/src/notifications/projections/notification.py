"""The notifications recorded so far, one row per (rule, subject, occasion, recipient).

Rows come from two writers: the consumer (event-driven rules, inside the inbox
transaction) and the scheduler (time-driven rules). The row id is derived from the key and
inserts do nothing on conflict, so neither a redelivered event, nor a restarted scheduler,
nor two instances of either can record a notification twice. The delivery worker
(``notifications.delivery``) then moves each row from ``pending`` to ``sent``, ``failed``
or ``suppressed``; ``delivery_attempt`` keeps every try.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import asyncpg

from notifications.message import Notification, Rule

STATUSES = ("pending", "sending", "sent", "failed", "suppressed")

DDL = """
CREATE TABLE IF NOT EXISTS notification (
    id              uuid PRIMARY KEY,
    rule            text NOT NULL,
    recipient_role  text NOT NULL,
    recipient_id    text NOT NULL,
    ect_id          uuid,
    subject         text NOT NULL,
    body            text NOT NULL,
    event_id        uuid,
    correlation_id  uuid NOT NULL,
    status          text NOT NULL DEFAULT 'pending',
    -- clock_timestamp(), not now(): rows of one batch share a transaction, and newest-first
    -- must still follow the order they were recorded in.
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp()
);
-- Added after the first release; each statement is idempotent, so any instance may run them.
ALTER TABLE notification ALTER COLUMN event_id DROP NOT NULL;
ALTER TABLE notification ALTER COLUMN status SET DEFAULT 'pending';
ALTER TABLE notification
    ADD COLUMN IF NOT EXISTS subject_key     text,
    ADD COLUMN IF NOT EXISTS occasion        text,
    ADD COLUMN IF NOT EXISTS statutory       boolean NOT NULL DEFAULT false,
    ADD COLUMN IF NOT EXISTS due_on          date,
    ADD COLUMN IF NOT EXISTS channel         text,
    ADD COLUMN IF NOT EXISTS attempts        integer NOT NULL DEFAULT 0,
    -- -infinity: due at once, whatever clock the delivery worker is given
    ADD COLUMN IF NOT EXISTS next_attempt_at timestamptz NOT NULL DEFAULT '-infinity',
    ADD COLUMN IF NOT EXISTS claimed_until   timestamptz,
    ADD COLUMN IF NOT EXISTS claim_token     uuid,
    ADD COLUMN IF NOT EXISTS last_error      text,
    ADD COLUMN IF NOT EXISTS delivered_at    timestamptz,
    ADD COLUMN IF NOT EXISTS failure_reason  text;
UPDATE notification SET status = 'pending' WHERE status = 'recorded';
CREATE INDEX IF NOT EXISTS notification_newest ON notification (created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS notification_ect ON notification (ect_id, created_at DESC);
CREATE INDEX IF NOT EXISTS notification_recipient ON notification (recipient_id, created_at DESC);
CREATE INDEX IF NOT EXISTS notification_to_deliver ON notification (next_attempt_at)
    WHERE status IN ('pending', 'sending');
CREATE TABLE IF NOT EXISTS delivery_attempt (
    notification_id uuid NOT NULL REFERENCES notification (id),
    attempt         integer NOT NULL,
    channel         text,
    outcome         text NOT NULL,  -- sent, retry, failed, suppressed
    detail          text,  -- internal: may quote the server, so it stays in this service
    at              timestamptz NOT NULL,
    PRIMARY KEY (notification_id, attempt)
);
"""

COLUMNS = (
    "id", "rule", "recipient_role", "recipient_id", "ect_id", "subject", "body", "event_id",
    "correlation_id", "status", "created_at", "statutory", "occasion", "due_on", "channel",
    "attempts", "delivered_at", "failure_reason",
)


async def setup(conn: asyncpg.Connection) -> None:
    await conn.execute(DDL)


async def insert(conn: asyncpg.Connection, notifications: Iterable[Notification]) -> int:
    """Record each notification unless its id is already there; returns how many were new."""
    new = 0
    for n in notifications:
        status = await conn.execute(
            """
            INSERT INTO notification (id, rule, recipient_role, recipient_id, ect_id, subject,
                                      body, event_id, correlation_id, statutory, subject_key,
                                      occasion, due_on)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
            ON CONFLICT (id) DO NOTHING
            """,
            n.id, n.rule.value, n.recipient_role.value, n.recipient_id, n.ect_id, n.subject,
            n.body, n.event_id, n.correlation_id, n.statutory, n.subject_key, n.occasion, n.due_on,
        )
        new += status == "INSERT 0 1"
    return new


@dataclass(frozen=True)
class Scope:
    """The rows one caller may read, as reporting scopes its lists (``reporting.access``).

    ``everything``: an auditor, or a hub lead whose token names no schools. Otherwise the rows
    addressed to the caller (``recipient``: role and id) and the rows about ECTs the caller
    may read: an appropriate body's (``ab``: ECTs whose induction it holds or held, from the
    ECT's posts in ``induction``) or their schools' (``schools``: the ECT's current school).
    A mentor has neither, so reads only what was addressed to them. Nothing is stored for this:
    it is asked of the ``induction`` projection, so rows recorded before it was written are
    scoped as well (an ECT whose state is being refolded is, meanwhile, its recipients' only).
    """

    everything: bool = False
    recipient: tuple[str, str] | None = None
    ab: str | None = None
    schools: tuple[str, ...] | None = None

    def clause(self, first: int) -> tuple[str | None, list[Any]]:
        """A condition with parameters numbered from ``first``; None when nothing is limited."""
        if self.everything:
            return None, []
        ors: list[str] = []
        args: list[Any] = []

        def arg(value: Any) -> str:
            args.append(value)
            return f"${first + len(args) - 1}"

        if self.recipient is not None:
            role, rid = self.recipient
            ors.append(f"(recipient_role = {arg(role)} AND recipient_id = {arg(rid)})")
        if self.ab is not None:
            # held now or before: any post with this AB; a state stored before posts were kept
            # names it at the top level
            ab = arg(self.ab)
            # only placeholders are formatted in: the values travel as bind parameters
            ors.append("ect_id IN (SELECT ect_id FROM induction WHERE state->'posts' @> "  # noqa: S608
                       f"jsonb_build_array(jsonb_build_object('appropriate_body_id', {ab}::text)) "
                       f"OR state->>'appropriate_body_id' = {ab}::text)")
        if self.schools is not None:
            ors.append("ect_id IN (SELECT ect_id FROM induction WHERE school_id = "  # noqa: S608
                       f"ANY({arg(list(self.schools))}::text[]))")
        return "(" + (" OR ".join(ors) or "false") + ")", args


@dataclass(frozen=True)
class Filters:
    ect_id: UUID | None = None
    recipient_id: str | None = None
    rule: Rule | None = None
    status: str | None = None

    def where(self, scope: Scope | None = None) -> tuple[str, list[Any]]:
        """A WHERE clause over fixed column names, within ``scope``; the values travel only as
        bind parameters."""
        wanted = {"ect_id": self.ect_id, "recipient_id": self.recipient_id,
                  "rule": self.rule.value if self.rule else None, "status": self.status}
        args = [value for value in wanted.values() if value is not None]
        names = [name for name, value in wanted.items() if value is not None]
        clauses = [f"{name} = ${i}" for i, name in enumerate(names, start=1)]
        if scope is not None:
            limited, scope_args = scope.clause(len(args) + 1)
            if limited is not None:
                clauses.append(limited)
                args += scope_args
        return ("WHERE " + " AND ".join(clauses) if clauses else ""), args


async def search(pool: asyncpg.Pool, filters: Filters, *, limit: int, offset: int,
                 scope: Scope | None = None) -> tuple[list[dict[str, Any]], int]:
    """One page, newest first, and how many match in all, of the rows within ``scope``."""
    where, args = filters.where(scope)
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


async def get(pool: asyncpg.Pool, notification_id: UUID, scope: Scope | None = None
              ) -> dict[str, Any] | None:
    """One notification with its delivery attempts, oldest first; None if not within ``scope``."""
    limited, args = scope.clause(2) if scope is not None else (None, [])
    within = f" AND {limited}" if limited else ""
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        row = await conn.fetchrow(
            f"SELECT {', '.join(COLUMNS)} FROM notification WHERE id = $1{within}",  # noqa: S608
            notification_id, *args)
        if row is None:
            return None
        attempts = await conn.fetch(
            "SELECT attempt, channel, outcome, at FROM delivery_attempt "
            "WHERE notification_id = $1 ORDER BY attempt", notification_id)
    return {**dict(row), "delivery_attempts": [dict(a) for a in attempts]}
