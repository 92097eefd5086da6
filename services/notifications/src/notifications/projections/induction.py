"""What is due per ECT: each ECT's ``InductionState`` and each school's term dates.

``apply`` runs inside the inbox transaction, like the notification projection: it folds
the event into the ECT's state (``induction.evolve``) under a row lock and bumps the row's
``version``. The scheduler evaluates a row when its version moved since it last looked or a
new day has begun (``evaluated_on``), so a quiet ECT costs one evaluation a day.
A school's new term dates bump every ECT who is or was in post at that school: their
service there is counted on its calendar, so their deadlines may have moved.

A refold (``begin_refold``) empties the states so that scheduling's and reporting's topics,
republished from their event stores, fold them again from the first event: the ids of the
events already applied are kept aside (``refolding``), so those events fold the state but do
not notify anyone a second time (``refolded``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

import asyncpg
from pydantic import TypeAdapter

from contracts import EventEnvelope
from contracts.scheduling.v1 import (
    MentorAssigned,
    MentorRegistered,
    SchoolRegistered,
    TermDates,
    TermDatesSet,
)
from notifications.induction import InductionState, evolve
from statutory.calendar import AcademicYear, SchoolCalendar, Term, TermName

DDL = """
CREATE TABLE IF NOT EXISTS induction (
    ect_id             uuid PRIMARY KEY,
    school_id          text,
    state              jsonb NOT NULL,
    version            bigint NOT NULL DEFAULT 1,
    evaluated_version  bigint NOT NULL DEFAULT 0,
    evaluated_on       date
);
CREATE INDEX IF NOT EXISTS induction_school ON induction (school_id);
CREATE TABLE IF NOT EXISTS school_calendar (
    school_id      text NOT NULL,
    academic_year  integer NOT NULL,
    terms          jsonb NOT NULL,
    source_version integer NOT NULL,
    PRIMARY KEY (school_id, academic_year)
);
CREATE TABLE IF NOT EXISTS school (
    school_id  text PRIMARY KEY,
    name       text NOT NULL
);
CREATE TABLE IF NOT EXISTS mentor (
    mentor_id  uuid PRIMARY KEY,
    name       text NOT NULL
);
CREATE TABLE IF NOT EXISTS refolding (
    event_id uuid PRIMARY KEY
);
"""

# The topics whose events the states are folded from.
FOLDED_SOURCES = ["scheduling", "reporting"]

_TERMS = TypeAdapter(list[TermDates])


async def setup(conn: asyncpg.Connection) -> None:
    await conn.execute(DDL)


async def apply(conn: asyncpg.Connection, envelope: EventEnvelope[Any]) -> InductionState | None:
    """Fold ``envelope`` into its ECT's state; returns the state after it (None: about no ECT)."""
    if isinstance(envelope.payload, TermDatesSet):
        await _term_dates_set(conn, envelope.payload, envelope.aggregate_version)
        return None
    if isinstance(envelope.payload, MentorRegistered):
        await _mentor_registered(conn, envelope.payload)
        return None
    if isinstance(envelope.payload, SchoolRegistered):
        await _school_registered(conn, envelope.payload)
        return None
    if envelope.ect_id is None:
        return None
    raw = await conn.fetchval("SELECT state FROM induction WHERE ect_id = $1 FOR UPDATE",
                              envelope.ect_id)
    before = (InductionState.model_validate_json(raw) if raw is not None
              else InductionState(ect_id=envelope.ect_id))
    after = evolve(before, envelope)
    if isinstance(envelope.payload, MentorAssigned) and after.mentor_id and after.mentor_name is None:
        # the mentor's own events are keyed by the mentor, so may come before or after this
        after.mentor_name = await conn.fetchval("SELECT name FROM mentor WHERE mentor_id = $1",
                                                UUID(after.mentor_id))
    if after.school_id != before.school_id or (after.school_id and after.school_name is None):
        # the school's name, kept in the state so a message can say it (None: not known yet)
        after.school_name = await conn.fetchval("SELECT name FROM school WHERE school_id = $1",
                                                after.school_id)
    if after != before or raw is None:
        await conn.execute(
            """
            INSERT INTO induction (ect_id, school_id, state) VALUES ($1, $2, $3::jsonb)
            ON CONFLICT (ect_id) DO UPDATE SET school_id = EXCLUDED.school_id,
                state = EXCLUDED.state, version = induction.version + 1
            """,
            envelope.ect_id, after.school_id, after.model_dump_json(),
        )
    return after


async def _mentor_registered(conn: asyncpg.Connection, payload: MentorRegistered) -> None:
    """Keep the mentor's name, and give it to the ECTs they were assigned before it came."""
    await conn.execute(
        "INSERT INTO mentor (mentor_id, name) VALUES ($1, $2) "
        "ON CONFLICT (mentor_id) DO UPDATE SET name = EXCLUDED.name", payload.mentor_id, payload.name)
    await conn.execute(
        "UPDATE induction SET state = jsonb_set(state, '{mentor_name}', to_jsonb($2::text)), "
        "version = version + 1 WHERE state->>'mentor_id' = $1 "
        "AND state->>'mentor_name' IS DISTINCT FROM $2",
        str(payload.mentor_id), payload.name)


async def _school_registered(conn: asyncpg.Connection, payload: SchoolRegistered) -> None:
    """Keep the school's name, and give it to the ECTs in post there now."""
    await conn.execute(
        "INSERT INTO school (school_id, name) VALUES ($1, $2) "
        "ON CONFLICT (school_id) DO UPDATE SET name = EXCLUDED.name", payload.school_id, payload.name)
    await conn.execute(
        "UPDATE induction SET state = jsonb_set(state, '{school_name}', to_jsonb($2::text)), "
        "version = version + 1 WHERE school_id = $1 AND state->>'school_name' IS DISTINCT FROM $2",
        payload.school_id, payload.name)


async def _term_dates_set(conn: asyncpg.Connection, payload: TermDatesSet, version: int) -> None:
    status = await conn.execute(
        """
        INSERT INTO school_calendar (school_id, academic_year, terms, source_version)
        VALUES ($1, $2, $3::jsonb, $4)
        ON CONFLICT (school_id, academic_year) DO UPDATE
            SET terms = EXCLUDED.terms, source_version = EXCLUDED.source_version
            WHERE school_calendar.source_version < EXCLUDED.source_version
        """,
        payload.school_id, payload.academic_year,
        _TERMS.dump_json(payload.terms).decode(), version,
    )
    if status.endswith(" 1"):
        await conn.execute(
            "UPDATE induction SET version = version + 1 WHERE school_id = $1 OR state->'posts' @> $2::jsonb",
            payload.school_id, json.dumps([{"school_id": payload.school_id}]))


def _term(dates: TermDates) -> Term:
    half = ((dates.half_term_start, dates.half_term_end)
            if dates.half_term_start and dates.half_term_end else None)
    return Term(TermName(dates.name.value), dates.start, dates.end, half)


async def calendars(conn: asyncpg.Connection, school_ids: Sequence[str]) -> dict[str, SchoolCalendar]:
    """Each school's calendar: its own term dates where it set them, England's default otherwise."""
    rows = await conn.fetch(
        "SELECT school_id, academic_year, terms FROM school_calendar WHERE school_id = ANY($1::text[])",
        list(school_ids))
    years: dict[str, dict[int, AcademicYear]] = {school: {} for school in school_ids}
    for row in rows:
        autumn, spring, summer = (_term(t) for t in _TERMS.validate_json(row["terms"]))
        years[row["school_id"]][row["academic_year"]] = AcademicYear(
            row["academic_year"], autumn, spring, summer)
    return {school: SchoolCalendar(own) for school, own in years.items()}


@dataclass(frozen=True)
class ToEvaluate:
    state: InductionState
    version: int


async def claim_due(conn: asyncpg.Connection, today: date, limit: int) -> list[ToEvaluate]:
    """Rows not yet evaluated for ``today`` at their current version, locked for this transaction.

    SKIP LOCKED lets two schedulers share the work instead of queueing on the same rows;
    a row the consumer is updating is skipped now and picked up on the next pass.
    """
    rows = await conn.fetch(
        """
        SELECT state, version FROM induction
        WHERE evaluated_on IS DISTINCT FROM $1 OR evaluated_version < version
        ORDER BY ect_id LIMIT $2 FOR UPDATE SKIP LOCKED
        """,
        today, limit,
    )
    return [ToEvaluate(InductionState.model_validate_json(row["state"]), row["version"])
            for row in rows]


async def mark_evaluated(conn: asyncpg.Connection, evaluated: Sequence[ToEvaluate], today: date) -> None:
    await conn.executemany(
        "UPDATE induction SET evaluated_on = $2, evaluated_version = $3 WHERE ect_id = $1",
        [(item.state.ect_id, today, item.version) for item in evaluated],
    )


async def get(pool: asyncpg.Pool, ect_id: UUID) -> InductionState | None:
    async with pool.acquire() as conn:
        raw = await conn.fetchval("SELECT state FROM induction WHERE ect_id = $1", ect_id)
    return InductionState.model_validate_json(raw) if raw is not None else None


async def begin_refold(conn: asyncpg.Connection) -> tuple[int, int]:
    """Empty every ECT's state and forget which of the folded topics' events were applied, so
    that those topics, republished, fold each state again from its first event; returns
    (states emptied, events to fold again). The ids are kept in ``refolding``: those events
    were notified about the first time. School calendars and notifications are kept."""
    async with conn.transaction():
        moved = await conn.fetchval(
            """
            WITH forgotten AS (DELETE FROM inbox WHERE source = ANY($1::text[]) RETURNING event_id),
                 kept AS (INSERT INTO refolding SELECT event_id FROM forgotten
                          ON CONFLICT (event_id) DO NOTHING RETURNING 1)
            SELECT count(*) FROM kept
            """, FOLDED_SOURCES)
        emptied = await conn.execute("DELETE FROM induction")
    return int(emptied.split()[-1]), int(moved)


async def refolded(conn: asyncpg.Connection, event_id: UUID) -> bool:
    """Whether the event was applied before a refold (and so notified about then): asked once."""
    return await conn.fetchval("DELETE FROM refolding WHERE event_id = $1 RETURNING true", event_id) is True
