"""The ECTs whose projection rows owe a recompute: marked when their facts are filed, cleared
when their rows are recomputed.

Marking happens in the transaction that files the facts (with the inbox), so an event is never
filed without its ECT owing a recompute, whatever crashes afterwards. Many events about one
ECT while the consumer catches up make one mark, hence one recompute.

An ECT whose recompute keeps failing (a bug its facts bring out) is *quarantined*: taken off
the backlog with the error, so the others are recomputed and the partition moves on instead of
redelivering for ever. A new fact about it marks it again, and a fixed build recomputes it; the
quarantine lists who is waiting, and why, for the hub and the engineers.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from uuid import UUID

import asyncpg

DDL = """
CREATE TABLE IF NOT EXISTS projection_backlog (
    ect_id     uuid PRIMARY KEY,
    marked_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS projection_quarantine (
    ect_id          uuid PRIMARY KEY,
    error           text NOT NULL,
    quarantined_at  timestamptz NOT NULL DEFAULT now(),
    attempts        integer NOT NULL DEFAULT 1
);
"""


async def setup(conn: asyncpg.Connection) -> None:
    await conn.execute(DDL)


async def mark(conn: asyncpg.Connection, ect_ids: Collection[UUID]) -> None:
    if ect_ids:
        # DO UPDATE, not DO NOTHING: it waits for a drain holding the row (``take``) and, once
        # that drain has deleted it, inserts it again, so a fact filed while its ECT was being
        # recomputed from the facts before it still leaves the ECT marked. Sorted: two
        # transactions marking overlapping ECTs take the row locks in one order.
        await conn.execute(
            "INSERT INTO projection_backlog (ect_id) SELECT unnest($1::uuid[]) "
            "ON CONFLICT (ect_id) DO UPDATE SET marked_at = projection_backlog.marked_at",
            sorted(ect_ids))


async def take(conn: asyncpg.Connection, limit: int) -> list[UUID]:
    """Up to ``limit`` marked ECTs, locked until the caller's transaction ends; ECTs another
    transaction holds are skipped, so concurrent drains share the work."""
    rows = await conn.fetch(
        "SELECT ect_id FROM projection_backlog ORDER BY marked_at, ect_id LIMIT $1 "
        "FOR UPDATE SKIP LOCKED", limit)
    return [row["ect_id"] for row in rows]


async def clear(conn: asyncpg.Connection, ect_ids: Sequence[UUID]) -> None:
    await conn.execute("DELETE FROM projection_backlog WHERE ect_id = ANY($1::uuid[])", list(ect_ids))


async def quarantine(conn: asyncpg.Connection, ect_id: UUID, error: str) -> None:
    """Off the backlog, with why: its rows stay as they were last computed."""
    await conn.execute(
        "INSERT INTO projection_quarantine (ect_id, error) VALUES ($1, $2) ON CONFLICT (ect_id) DO "
        "UPDATE SET error = EXCLUDED.error, quarantined_at = now(), "
        "attempts = projection_quarantine.attempts + 1", ect_id, error[:2000])
    await clear(conn, [ect_id])


async def release(conn: asyncpg.Connection, ect_ids: Sequence[UUID]) -> None:
    """Recomputed at last: out of quarantine."""
    await conn.execute("DELETE FROM projection_quarantine WHERE ect_id = ANY($1::uuid[])", list(ect_ids))


async def quarantined(conn: asyncpg.Connection, schools: Collection[str] | None = None
                      ) -> list[dict[str, object]]:
    """The quarantined ECTs, by name and school as their rows last showed them (``schools``:
    only those at these schools)."""
    rows = await conn.fetch(
        "SELECT q.ect_id, e.name, e.trn, e.school_id, q.error, q.quarantined_at, q.attempts "
        "FROM projection_quarantine q LEFT JOIN entitlement e USING (ect_id) "
        "WHERE $1::text[] IS NULL OR e.school_id = ANY($1::text[]) ORDER BY q.quarantined_at",
        sorted(schools) if schools is not None else None)
    return [dict(row) for row in rows]


async def retry(conn: asyncpg.Connection) -> int:
    """Every quarantined ECT back on the backlog (after a fix is deployed): the next drain
    recomputes each, which releases it, or quarantines it again with the new error. How many."""
    ect_ids = [row["ect_id"] for row in await conn.fetch("SELECT ect_id FROM projection_quarantine")]
    await mark(conn, ect_ids)
    return len(ect_ids)


async def size(conn: asyncpg.Connection) -> int:
    return int(await conn.fetchval("SELECT count(*) FROM projection_backlog"))
