"""The few reads the dashboard needs that reporting's queries do not offer (yet).

Kept here, beside the dashboard, so reporting's tables are read in one more place only:
search by name or TRN, the next report due per ECT on a page, the values the filters offer,
and a cheap signature of the entitlement projection that changes whenever a row is written.
Scoping follows ``reporting.access.list_scope`` exactly as ``queries`` applies it.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg

from contracts import decode
from ect_platform.sealing import EnvelopeSealer
from reporting.projections import directory, facts
from reporting.projections.entitlement import COLUMNS, as_view
from reporting.projections.queries import Where


def _scoped(where: Where, scope: dict[str, Any]) -> None:
    where.add("e.appropriate_body_id = {}", scope.get("ab"))
    where.add("e.school_id = ANY({}::text[])", scope.get("schools"))
    where.add("e.mentor_id::text = {}", scope.get("mentor"))
    where.add("e.ect_id::text = {}", scope.get("ect"))


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


async def search_entitlement(pool: asyncpg.Pool, *, text: str, school: str | None, ab: str | None,
                             status: str | None, induction_status: str | None, scope: dict[str, Any],
                             limit: int, offset: int) -> dict[str, Any]:
    """``queries.list_entitlement`` (to date) narrowed to names containing ``text`` or that TRN."""
    where = Where()
    where.add("e.school_id = {}", school)
    where.add("e.appropriate_body_id = {}", ab)
    where.add("e.status = {}", status)
    where.add("e.induction_status = {}", induction_status)
    _scoped(where, scope)
    where.args.extend([_like(text.strip()), text.strip()])
    n = len(where.args)
    where.clauses.append(f"(e.name ILIKE ${n - 1} OR e.trn = ${n})")
    columns = ", ".join(f"e.{c}" for c in COLUMNS)
    sql = (f"SELECT {columns}, count(*) OVER () AS total FROM entitlement e {where.sql()} "  # noqa: S608
           f"ORDER BY e.name, e.ect_id {where.page(limit, offset)}")
    async with pool.acquire() as conn:
        rows = await conn.fetch(sql, *where.args)
        items = [as_view(r) for r in rows]
        await directory.name_rows(conn, items)
    return {"items": items, "total": rows[0]["total"] if rows else 0,
            "limit": limit, "offset": offset}


async def next_reports_due(pool: asyncpg.Pool, ect_ids: list[UUID]) -> dict[UUID, dict[str, Any]]:
    """For each ECT, the earliest review or assessment not yet received and not yet late."""
    if not ect_ids:
        return {}
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT DISTINCT ON (ect_id) ect_id, kind, term_number, due_on FROM ab_submissions "
            "WHERE ect_id = ANY($1::uuid[]) AND state = 'due' ORDER BY ect_id, due_on NULLS LAST",
            ect_ids)
    return {row["ect_id"]: dict(row) for row in rows}


async def filter_choices(pool: asyncpg.Pool, scope: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The schools and appropriate bodies of the ECTs this caller may see."""
    where = Where()
    _scoped(where, scope)
    sql = ("SELECT array_agg(DISTINCT e.school_id) FILTER (WHERE e.school_id IS NOT NULL) AS schools, "  # noqa: S608
           "array_agg(DISTINCT e.appropriate_body_id) FILTER (WHERE e.appropriate_body_id IS NOT NULL) "
           f"AS abs FROM entitlement e {where.sql()}")
    async with pool.acquire() as conn:
        row = await conn.fetchrow(sql, *where.args)
    return sorted(row["schools"] or []), sorted(row["abs"] or [])


async def signature(pool: asyncpg.Pool) -> str:
    """Changes whenever the projection does: every recomputation deletes and re-inserts an
    ECT's rows (a new ``xmin``), and a forgotten ECT lowers the count. One pass over one row
    per ECT; the live feed runs it once a second per process, only while a page listens."""
    async with pool.acquire() as conn:
        row = await conn.fetchrow(
            "SELECT count(*) AS n, coalesce(max(xmin::text::bigint), 0) AS x FROM entitlement")
    return f"{row['n']}-{row['x']}"


async def coaching_written(pool: asyncpg.Pool, ect_id: UUID, sealer: EnvelopeSealer
                           ) -> dict[str, list[dict[str, Any]]]:
    """What mentors and observers wrote about the ECT, from the facts filed: each session's
    action step and each drop-in's feedback, newest first (the mentor is named by the page).
    What they wrote is the ECT's personal data, sealed in the facts: opened to be shown."""
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT envelope FROM facts WHERE subject_kind = 'ect' "
            "AND subject = $1 AND event_type = ANY($2::text[])", str(ect_id),
            ["SessionHeld", "DropInRecorded"])
    sessions, drop_ins = [], []
    for envelope in await facts.opened(sealer, [decode(row["envelope"].encode()) for row in rows]):
        payload = envelope.payload.model_dump(mode="json")
        if envelope.event_type == "SessionHeld":
            if payload.get("action_step"):
                sessions.append(payload)
        else:
            drop_ins.append(payload)
    sessions.sort(key=lambda p: p["held_on"], reverse=True)
    drop_ins.sort(key=lambda p: p["observed_on"], reverse=True)
    return {"action_steps": sessions, "drop_ins": drop_ins}
