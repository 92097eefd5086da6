"""The ECTs whose projection rows owe a recompute: marked when their facts are filed, cleared
when their rows are recomputed.

Marking happens in the transaction that files the facts (with the inbox), so an event is never
filed without its ECT owing a recompute, whatever crashes afterwards. Many events about one
ECT while the consumer catches up make one mark, hence one recompute.
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


async def size(conn: asyncpg.Connection) -> int:
    return int(await conn.fetchval("SELECT count(*) FROM projection_backlog"))
