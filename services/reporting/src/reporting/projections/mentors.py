"""Each mentor's name as their latest registration gives it, for the pages that name a mentor
(``directory``); nothing more of theirs is copied here.

The registrations are filed sealed with the mentor's own key, so the name is opened here, once
per registration or erasure, rather than on every page; once the mentor is erased their row
reads "(erased)". Like every row, a pure function of the facts: a rebuild gives the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import asyncpg

from contracts.scheduling import v1
from ect_platform.sealing import EnvelopeSealer
from reporting.projections import facts

DDL = """
CREATE TABLE IF NOT EXISTS mentors (
    mentor_id   uuid PRIMARY KEY,
    name        text NOT NULL
);
"""


async def setup(conn: asyncpg.Connection) -> None:
    await conn.execute(DDL)


async def refresh(conn: asyncpg.Connection, mentor_ids: Sequence[UUID], sealer: EnvelopeSealer
                  ) -> None:
    """Recompute these mentors' rows from their facts (a mentor never registered has none)."""
    if not mentor_ids:
        return
    found = await facts.load_many(conn, facts.MENTOR, [str(m) for m in mentor_ids], sealer=sealer)
    rows = []
    for subject, envelopes in found.items():
        registered = [e for e in envelopes if isinstance(e.payload, v1.MentorRegistered)]
        if registered:
            latest = max(registered, key=lambda e: e.aggregate_version).payload
            rows.append((UUID(subject), latest.name))
    await conn.execute("DELETE FROM mentors WHERE mentor_id = ANY($1::uuid[])", list(mentor_ids))
    await conn.executemany("INSERT INTO mentors (mentor_id, name) VALUES ($1, $2)", rows)


async def names(conn: asyncpg.Connection, mentor_ids: Sequence[UUID]) -> dict[UUID, str]:
    if not mentor_ids:
        return {}
    rows = await conn.fetch("SELECT mentor_id, name FROM mentors WHERE mentor_id = ANY($1::uuid[])",
                            list(mentor_ids))
    return {row["mentor_id"]: row["name"] for row in rows}
