"""Recipients' contact details and preferences: the only personal data this service keeps.

A recipient is anyone a rule addresses, by the id the rest of the platform knows them by (a
mentor's id, an induction tutor's or hub lead's user id, an appropriate body's id). Here,
and only here, that id maps to an email address or a webhook URL, a preferred channel and
an opt-out of non-statutory reminders. Nothing of it leaves this service: events name the
recipient id only. Deleting a recipient erases their details (the right to erasure), and in
the same transaction their address and name wherever a delivery record quoted them (a server's
refusal may name the address it refused): the attempts stay, with their time and outcome, the
address replaced by ``ERASED``. Notifications to them then fail as "no contact details", visibly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from contracts import sealed
from contracts.notifications.v1 import Channel

DDL = """
CREATE TABLE IF NOT EXISTS recipient (
    recipient_id            text PRIMARY KEY,
    name                    text,
    email                   text,
    webhook_url             text,
    channel                 text NOT NULL,
    opted_out_of_reminders  boolean NOT NULL DEFAULT false,
    updated_at              timestamptz NOT NULL,
    updated_by              text NOT NULL
);
"""


@dataclass(frozen=True)
class Recipient:
    recipient_id: str
    channel: Channel
    name: str | None = None
    email: str | None = None
    webhook_url: str | None = None
    opted_out_of_reminders: bool = False  # non-statutory ones only: statutory notices always go


async def setup(conn: asyncpg.Connection) -> None:
    await conn.execute(DDL)


def _recipient(row: asyncpg.Record) -> Recipient:
    return Recipient(recipient_id=row["recipient_id"], channel=Channel(row["channel"]), name=row["name"],
                     email=row["email"], webhook_url=row["webhook_url"],
                     opted_out_of_reminders=row["opted_out_of_reminders"])


async def get(conn: asyncpg.Connection | asyncpg.Pool, recipient_id: str) -> Recipient | None:
    row = await conn.fetchrow("SELECT * FROM recipient WHERE recipient_id = $1", recipient_id)
    return _recipient(row) if row else None


async def get_many(conn: asyncpg.Connection | asyncpg.Pool, ids: list[str]) -> dict[str, Recipient]:
    rows = await conn.fetch("SELECT * FROM recipient WHERE recipient_id = ANY($1::text[])", ids)
    return {row["recipient_id"]: _recipient(row) for row in rows}


async def put(pool: asyncpg.Pool, recipient: Recipient, *, by: str, at: datetime) -> bool:
    """Create or replace; returns True if it was new."""
    row = await pool.fetchrow(
        """
        INSERT INTO recipient (recipient_id, name, email, webhook_url, channel,
                               opted_out_of_reminders, updated_at, updated_by)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        ON CONFLICT (recipient_id) DO UPDATE SET name = EXCLUDED.name, email = EXCLUDED.email,
            webhook_url = EXCLUDED.webhook_url, channel = EXCLUDED.channel,
            opted_out_of_reminders = EXCLUDED.opted_out_of_reminders,
            updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by
        RETURNING (xmax = 0) AS inserted
        """,
        recipient.recipient_id, recipient.name, recipient.email, recipient.webhook_url,
        recipient.channel.value, recipient.opted_out_of_reminders, at, by,
    )
    assert row is not None
    return bool(row["inserted"])


ERASED = sealed.ERASED  # as the platform shows any personal text once erased


async def delete(pool: asyncpg.Pool, recipient_id: str) -> bool:
    """Erase the recipient and scrub what delivery records quoted of them; False if unknown."""
    async with pool.acquire() as conn, conn.transaction():
        return await erase(conn, recipient_id)


async def erase(conn: asyncpg.Connection, recipient_id: str) -> bool:
    """``delete`` inside the caller's transaction (a person's erasure folded by the consumer
    commits with its inbox row); False if unknown. Deleting the row waits for a delivery
    holding it (``still_held``), so nothing recorded afterwards quotes them."""
    row = await conn.fetchrow(
        "DELETE FROM recipient WHERE recipient_id = $1 RETURNING email, webhook_url, name",
        recipient_id)
    if row is None:
        return False
    # longest first, so an address is not half-replaced by a name it contains
    quoted = sorted({text for text in (row["email"], row["webhook_url"], row["name"]) if text},
                    key=len, reverse=True)
    for text in quoted:
        await _scrub(conn, recipient_id, text)
    return True


async def still_held(conn: asyncpg.Connection, recipient: Recipient) -> bool:
    """Whether the recipient is still registered, holding their row until the transaction ends:
    an erasure then waits, and scrubs what this transaction records, or has already happened,
    and the caller must record nothing that quotes them (``unquoted``)."""
    found = await conn.fetchval("SELECT true FROM recipient WHERE recipient_id = $1 FOR SHARE",
                                recipient.recipient_id)
    return found is True


def unquoted(text: str, recipient: Recipient) -> str:
    for quoted in sorted({t for t in (recipient.email, recipient.webhook_url, recipient.name) if t},
                         key=len, reverse=True):
        text = text.replace(quoted, ERASED)
    return text


async def _scrub(conn: asyncpg.Connection, recipient_id: str, text: str) -> None:
    mine = "SELECT id FROM notification WHERE recipient_id = $1"
    await conn.execute(
        f"UPDATE delivery_attempt SET detail = replace(detail, $2, $3) "  # noqa: S608 - constant
        f"WHERE notification_id IN ({mine}) AND strpos(detail, $2) > 0", recipient_id, text, ERASED)
    for column in ("last_error", "failure_reason"):
        await conn.execute(
            f"UPDATE notification SET {column} = replace({column}, $2, $3) "  # noqa: S608
            f"WHERE recipient_id = $1 AND strpos({column}, $2) > 0", recipient_id, text, ERASED)


async def at_schools(conn: asyncpg.Connection | asyncpg.Pool, recipient_id: str,
                     schools: list[str]) -> bool:
    """Whether ``recipient_id`` is someone at one of ``schools``: the mentor or an induction
    tutor of an ECT whose current school it is (as the ``induction`` projection knows them)."""
    found = await conn.fetchval(
        """
        SELECT true FROM induction
        WHERE school_id = ANY($2::text[])
          AND (state->>'mentor_id' = $1
               OR state->'posts' @> jsonb_build_array(jsonb_build_object('induction_tutor_id', $1::text))
               OR state->>'induction_tutor_id' = $1)
        LIMIT 1
        """, recipient_id, schools)
    return found is True


def as_dict(recipient: Recipient) -> dict[str, Any]:
    return {"recipient_id": recipient.recipient_id, "name": recipient.name, "email": recipient.email,
            "webhook_url": recipient.webhook_url, "channel": recipient.channel.value,
            "opted_out_of_reminders": recipient.opted_out_of_reminders}
