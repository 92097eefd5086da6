"""The auditor's history: every integration event of every service, kept as published.

An append-only projection (one row per event id, written by an idempotent consumer) from
which ``GET /audit/ects/{ect_id}`` answers: who (id and role) did what, when it was recorded,
when it happened, and the correlation id that links a request to all its consequences.
Nothing here is ever updated in place. Domain-free: any service consuming the topics can
host it (reporting does).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field

from contracts import EventEnvelope, Role, decode
from ect_platform.identity import allow
from ect_platform.sealing import EnvelopeSealer

DDL = """
CREATE TABLE IF NOT EXISTS audit_trail (
    event_id        uuid PRIMARY KEY,
    ect_id          uuid,
    aggregate_id    uuid NOT NULL,
    aggregate_version integer NOT NULL,
    source          text NOT NULL,
    event_type      text NOT NULL,
    event_version   integer NOT NULL,
    occurred_at     timestamptz NOT NULL,
    recorded_at     timestamptz NOT NULL,
    actor_id        text NOT NULL,
    actor_role      text NOT NULL,
    correlation_id  uuid NOT NULL,
    causation_id    uuid,
    envelope        jsonb NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_trail_ect ON audit_trail (ect_id, recorded_at);
CREATE INDEX IF NOT EXISTS audit_trail_correlation ON audit_trail (correlation_id);
"""

COLUMNS = ("event_id", "ect_id", "aggregate_id", "aggregate_version", "source", "event_type",
           "event_version", "occurred_at", "recorded_at", "actor_id", "actor_role",
           "correlation_id", "causation_id")


async def setup(conn: asyncpg.Connection) -> None:
    # Made once: where a separate role owns the chained tables (ect_platform.ownership) it made
    # this one, and the service's own role may not so much as add an index to it.
    if await conn.fetchval("SELECT to_regclass(quote_ident(current_schema()) || '.audit_trail')"
                           ) is None:
        await conn.execute(DDL)


async def apply(conn: asyncpg.Connection, envelope: EventEnvelope[Any]) -> None:
    await conn.execute(
        """
        INSERT INTO audit_trail (event_id, ect_id, aggregate_id, aggregate_version, source,
            event_type, event_version, occurred_at, recorded_at, actor_id, actor_role,
            correlation_id, causation_id, envelope)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::jsonb)
        ON CONFLICT (event_id) DO NOTHING
        """,
        envelope.event_id, envelope.ect_id, envelope.aggregate_id, envelope.aggregate_version,
        envelope.source, envelope.event_type, envelope.event_version, envelope.occurred_at,
        envelope.recorded_at, envelope.actor.id, envelope.actor.role.value,
        envelope.correlation_id, envelope.causation_id, envelope.model_dump_json(),
    )


async def apply_many(conn: asyncpg.Connection, envelopes: Sequence[EventEnvelope[Any]]) -> None:
    """``apply`` for a batch, in one statement (an event already kept is skipped, as there)."""
    if not envelopes:
        return
    await conn.execute(
        """
        INSERT INTO audit_trail (event_id, ect_id, aggregate_id, aggregate_version, source,
            event_type, event_version, occurred_at, recorded_at, actor_id, actor_role,
            correlation_id, causation_id, envelope)
        SELECT event_id, ect_id, aggregate_id, aggregate_version, source, event_type,
               event_version, occurred_at, recorded_at, actor_id, actor_role, correlation_id,
               causation_id, envelope::jsonb
          FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::integer[], $5::text[], $6::text[],
                      $7::integer[], $8::timestamptz[], $9::timestamptz[], $10::text[],
                      $11::text[], $12::uuid[], $13::uuid[], $14::text[])
               AS t(event_id, ect_id, aggregate_id, aggregate_version, source, event_type,
                    event_version, occurred_at, recorded_at, actor_id, actor_role,
                    correlation_id, causation_id, envelope)
        ON CONFLICT (event_id) DO NOTHING
        """,
        [e.event_id for e in envelopes], [e.ect_id for e in envelopes],
        [e.aggregate_id for e in envelopes], [e.aggregate_version for e in envelopes],
        [e.source for e in envelopes], [e.event_type for e in envelopes],
        [e.event_version for e in envelopes], [e.occurred_at for e in envelopes],
        [e.recorded_at for e in envelopes], [e.actor.id for e in envelopes],
        [e.actor.role.value for e in envelopes], [e.correlation_id for e in envelopes],
        [e.causation_id for e in envelopes], [e.model_dump_json() for e in envelopes],
    )


async def history(pool: asyncpg.Pool, ect_id: UUID, as_of: datetime | None = None,
                  sealer: EnvelopeSealer | None = None) -> list[dict[str, Any]]:
    """The ECT's events in the order they were recorded (source, then version, on a tie), each
    payload with its personal fields opened with ``sealer``'s keys (read as erased once the
    person is erased); without one, as stored."""
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            f"""
            SELECT {", ".join(COLUMNS)}, envelope FROM audit_trail
             WHERE ect_id = $1 AND ($2::timestamptz IS NULL OR recorded_at <= $2)
             ORDER BY recorded_at, source, aggregate_version
            """,  # noqa: S608 - the column list is a constant
            ect_id, as_of,
        )
    if sealer is None:
        payloads = [json.loads(row["envelope"])["payload"] for row in rows]
    else:
        envelopes = [decode(row["envelope"].encode()) for row in rows]
        # one key look-up for the whole trail; the store is synchronous: off the event loop
        opened = await asyncio.to_thread(sealer.open_all, envelopes)
        payloads = [e.payload.model_dump(mode="json") for e in opened]
    return [{**{k: v for k, v in dict(row).items() if k != "envelope"}, "payload": payload}
            for row, payload in zip(rows, payloads, strict=True)]


class AuditedEvent(BaseModel):
    event_id: UUID
    ect_id: UUID | None
    aggregate_id: UUID
    aggregate_version: int
    source: str
    event_type: str
    event_version: int
    occurred_at: datetime
    recorded_at: datetime
    actor_id: str
    actor_role: str
    correlation_id: UUID
    causation_id: UUID | None
    payload: dict[str, Any] = Field(description="As the event's contract has it, its personal "
                                    "fields opened (\"(erased)\" once the person is erased)")


class AuditTrail(BaseModel):
    ect_id: UUID
    as_of: datetime | None
    events: list[AuditedEvent]


def as_table(events: list[dict[str, Any]]) -> str:
    """A readable, fixed-width rendering for people (the JSON is for machines)."""
    lines = [f"{'recorded at':<26} {'happened':<10} {'source':<13} {'event':<30} "
             f"{'actor':<32} correlation"]
    for event in events:
        actor = f"{event['actor_id']} ({event['actor_role']})"
        lines.append(f"{event['recorded_at'].isoformat():<26.26} "
                     f"{event['occurred_at'].date().isoformat():<10} {event['source']:<13} "
                     f"{event['event_type']:<30} {actor:<32.32} {event['correlation_id']}")
    return "\n".join(lines) + "\n"


def router(pool: asyncpg.Pool, sealer: EnvelopeSealer | None = None) -> APIRouter:
    routes = APIRouter(tags=["Audit"])

    @routes.get("/audit/ects/{ect_id}", dependencies=[allow(Role.AUDITOR, action="read the audit trail")],
                response_model=AuditTrail)
    async def ect_history(
        ect_id: UUID,
        as_of: datetime | None = Query(default=None, description="Only what was recorded by then"),
        format: str = Query(default="json", pattern="^(json|table)$"),
    ) -> Any:
        """Every event about the ECT from every service, in order, with who, when and why."""
        events = await history(pool, ect_id, as_of, sealer)
        if format == "table":
            return PlainTextResponse(as_table(events))
        return {"ect_id": ect_id, "as_of": as_of, "events": events}

    return routes
