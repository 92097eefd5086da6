"""Entitlement status: per ECT, is the programme being delivered? (first cut: the spine)

Sessions held, minutes coached, drop-ins, last session date and current mentor, kept
by an idempotent consumer (see ect_platform.inbox). Every statement is an upsert that
commutes, so a redelivered or reordered event cannot corrupt the row: counters are
guarded by the inbox, and the mentor is taken from the newest MentorAssigned by
aggregate version.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg

from contracts import EventEnvelope
from contracts.reporting import v1 as reporting_v1
from contracts.scheduling import v1

DDL = """
CREATE TABLE IF NOT EXISTS entitlement (
    ect_id                  uuid PRIMARY KEY,
    trn                     text,
    name                    text,
    school_id               text,
    appropriate_body_id     text,
    induction_start_date    date,
    fte                     double precision,
    mentor_id               uuid,
    mentor_version          integer NOT NULL DEFAULT 0,
    sessions_held           integer NOT NULL DEFAULT 0,
    minutes_coached         integer NOT NULL DEFAULT 0,
    drop_ins                integer NOT NULL DEFAULT 0,
    last_session_on         date,
    reports_submitted       integer NOT NULL DEFAULT 0,
    updated_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS entitlement_school ON entitlement (school_id);
CREATE INDEX IF NOT EXISTS entitlement_ab ON entitlement (appropriate_body_id);
"""

COLUMNS = (
    "ect_id", "trn", "name", "school_id", "appropriate_body_id", "induction_start_date", "fte",
    "mentor_id", "sessions_held", "minutes_coached", "drop_ins", "last_session_on",
    "reports_submitted",
)


async def setup(conn: asyncpg.Connection) -> None:
    await conn.execute(DDL)


async def apply(conn: asyncpg.Connection, envelope: EventEnvelope[Any]) -> None:
    payload = envelope.payload
    ect_id = envelope.ect_id
    if ect_id is None:
        return  # e.g. MentorRegistered: about no single ECT
    if isinstance(payload, v1.EctRegistered):
        await conn.execute(
            """
            INSERT INTO entitlement (ect_id, trn, name, school_id, appropriate_body_id,
                                     induction_start_date, fte)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (ect_id) DO UPDATE SET
                trn = EXCLUDED.trn, name = EXCLUDED.name, school_id = EXCLUDED.school_id,
                appropriate_body_id = EXCLUDED.appropriate_body_id,
                induction_start_date = EXCLUDED.induction_start_date, fte = EXCLUDED.fte,
                updated_at = now()
            """,
            ect_id, payload.trn, payload.name, payload.school_id, payload.appropriate_body_id,
            payload.induction_start_date, payload.fte,
        )
    elif isinstance(payload, v1.MentorAssigned):
        await conn.execute(
            """
            INSERT INTO entitlement (ect_id, mentor_id, mentor_version) VALUES ($1, $2, $3)
            ON CONFLICT (ect_id) DO UPDATE SET
                mentor_id = EXCLUDED.mentor_id, mentor_version = EXCLUDED.mentor_version,
                updated_at = now()
            WHERE entitlement.mentor_version < EXCLUDED.mentor_version
            """,
            ect_id, payload.mentor_id, envelope.aggregate_version,
        )
    elif isinstance(payload, v1.SessionHeld):
        await conn.execute(
            """
            INSERT INTO entitlement (ect_id, sessions_held, minutes_coached, last_session_on)
            VALUES ($1, 1, $2, $3)
            ON CONFLICT (ect_id) DO UPDATE SET
                sessions_held = entitlement.sessions_held + 1,
                minutes_coached = entitlement.minutes_coached + EXCLUDED.minutes_coached,
                last_session_on = GREATEST(entitlement.last_session_on, EXCLUDED.last_session_on),
                updated_at = now()
            """,
            ect_id, payload.minutes, payload.held_on,
        )
    elif isinstance(payload, v1.DropInRecorded):
        await conn.execute(
            """
            INSERT INTO entitlement (ect_id, drop_ins) VALUES ($1, 1)
            ON CONFLICT (ect_id) DO UPDATE SET
                drop_ins = entitlement.drop_ins + 1, updated_at = now()
            """,
            ect_id,
        )
    elif isinstance(payload, reporting_v1.TermReportSubmitted):
        await conn.execute(
            """
            INSERT INTO entitlement (ect_id, reports_submitted) VALUES ($1, 1)
            ON CONFLICT (ect_id) DO UPDATE SET
                reports_submitted = entitlement.reports_submitted + 1, updated_at = now()
            """,
            ect_id,
        )


async def get(pool: asyncpg.Pool, ect_id: UUID) -> dict[str, Any] | None:
    async with pool.acquire() as conn:
        row = await conn.fetchrow(
            f"SELECT {', '.join(COLUMNS)} FROM entitlement WHERE ect_id = $1", ect_id  # noqa: S608
        )
    return dict(row) if row else None
