"""The retention schedule's part in notifications (UK GDPR storage limitation, Art. 5(1)(e)).

A notification's ``subject`` and ``body`` are rendered text: names, TRNs, what is due. They
are kept ``NOTIFICATION_RETENTION_DAYS`` after the notification was **settled** (sent, failed
or suppressed), long enough to answer "what were we told?"; after that the schedule replaces
both with ``EXPIRED``, and the ``detail`` of each of its delivery attempts (what a server said,
which may quote an address) too. Everything else stays, so the metrics and the audit of what
was sent do: rule, status, the times, the counts, channel, recipient id (an id, not a person's
details), each attempt's outcome, and ``failure_reason``/``last_error``, which are the same
text ``NotificationFailed`` already carries on the topic, written to hold no personal data.

When a notification was settled: no column says so for every status (``delivered_at`` is set
for a sent one only), so it is read as its delivery time, else its last attempt's, else (a
notification suppressed by an erasure before any attempt) when it was recorded; the day is
England's, as every other date here. A pending or sending notification is never touched,
nor is the hash-chained ``outbox`` (append-only, and holding no subject or body).

Idempotent: a notification already blanked (or erased, whose text reads ``ERASED``) is not
counted again, so applying twice blanks nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import asyncpg

from contracts.sealed import ERASED

EXPIRED = "(expired)"  # what a blanked subject, body or attempt detail reads
DEFAULT_DAYS = 365
MIN_DAYS = 30  # under a month, a recipient asking "what was that message?" finds nothing

SETTLED = ("sent", "failed", "suppressed")

# $1: the first day still kept (settled on or after it), $2: EXPIRED, $3: ERASED
_SETTLED_ON = ("(coalesce(n.delivered_at, (SELECT max(a.at) FROM delivery_attempt a "
               "WHERE a.notification_id = n.id), n.created_at) AT TIME ZONE 'Europe/London')::date")
_DUE = f"""
SELECT n.id, {_SETTLED_ON} AS settled_on
  FROM notification n
 WHERE n.status = ANY($4::text[])
   AND {_SETTLED_ON} < $1
   AND (n.subject NOT IN ($2, $3) OR n.body NOT IN ($2, $3)
        OR EXISTS (SELECT 1 FROM delivery_attempt d WHERE d.notification_id = n.id
                   AND d.detail IS NOT NULL AND d.detail <> $2))
"""  # noqa: S608 - only the constant expression above is formatted in


@dataclass(frozen=True)
class Due:
    """What the schedule blanks on ``as_of``: how many notifications, settled between
    ``oldest`` and ``newest`` (never their text)."""

    as_of: date
    days: int
    count: int
    oldest: date | None
    newest: date | None

    @property
    def kept_from(self) -> date:
        """The first settled day whose text is still kept on ``as_of``."""
        return kept_from(self.as_of, self.days)


def kept_from(as_of: date, days: int) -> date:
    # kept for ``days`` whole days after the day it was settled: blanked from day days + 1
    return as_of - timedelta(days=days)


def _found(as_of: date, days: int, rows: list[asyncpg.Record]) -> Due:
    settled = [row["settled_on"] for row in rows]
    return Due(as_of=as_of, days=days, count=len(rows), oldest=min(settled, default=None),
               newest=max(settled, default=None))


async def due(pool: asyncpg.Pool, as_of: date, days: int) -> Due:
    """The dry run: what applying the schedule on ``as_of`` would blank; changes nothing."""
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        rows = await conn.fetch(_DUE, kept_from(as_of, days), EXPIRED, ERASED, list(SETTLED))
    return _found(as_of, days, rows)


async def apply(pool: asyncpg.Pool, as_of: date, days: int) -> Due:
    """Blank what ``due`` finds, in one transaction; the answer counts what was blanked."""
    async with pool.acquire() as conn, conn.transaction():
        # FOR UPDATE: an erasure blanking the same rows waits, or is waited for; either way
        # each row ends up holding no personal text.
        rows = await conn.fetch(_DUE + " FOR UPDATE OF n", kept_from(as_of, days), EXPIRED,
                                ERASED, list(SETTLED))
        ids = [row["id"] for row in rows]
        # an erased text stays "(erased)": it says more (the person asked) and holds nothing
        await conn.execute(
            "UPDATE notification SET "
            "subject = CASE WHEN subject IN ($2, $3) THEN subject ELSE $2 END, "
            "body = CASE WHEN body IN ($2, $3) THEN body ELSE $2 END "
            "WHERE id = ANY($1::uuid[])", ids, EXPIRED, ERASED)
        await conn.execute(
            "UPDATE delivery_attempt SET detail = $2 WHERE notification_id = ANY($1::uuid[]) "
            "AND detail IS NOT NULL AND detail <> $2", ids, EXPIRED)
    return _found(as_of, days, rows)
