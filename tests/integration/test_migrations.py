"""Versioned migrations on real PostgreSQL: a database made by the previous schema version is
upgraded with its data kept; one from before versions were recorded is adopted; a newer one
is refused; instances starting together apply each version once."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

from ect_platform.migrations import Migration, NewerSchemaError, applied, migrate
from reporting.migrations import MIGRATIONS
from scheduling.migrations import MIGRATIONS as SCHEDULING_MIGRATIONS

pytestmark = pytest.mark.integration

MENTOR = uuid.UUID("00000000-0000-4000-8000-00000000a0a1")
ECT = uuid.UUID("00000000-0000-4000-8000-00000000e0e1")


@pytest.fixture
async def conn(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(database_url)
    await connection.execute("CREATE SCHEMA reporting; SET search_path = reporting")
    try:
        yield connection
    finally:
        await connection.close()


async def _held_by_the_previous_version(conn: asyncpg.Connection) -> None:
    """What a database of schema version 1 holds: a mentor registered on the clear contract,
    and an ECT's entitlement row."""
    envelope = {"event_type": "MentorRegistered", "event_version": 1,
                "payload": {"mentor_id": str(MENTOR), "trn": "7654321", "name": "Grace Hopper",
                            "school_id": "100001", "phase": "secondary", "years_teaching": 8}}
    await conn.execute(
        "INSERT INTO facts (event_id, subject_kind, subject, event_type, recorded_at, aggregate_id, "
        "aggregate_version, envelope) VALUES ($1, 'mentor', $2, 'MentorRegistered', now(), $3, 1, $4)",
        uuid.uuid4(), str(MENTOR), MENTOR, json.dumps(envelope))
    await conn.execute("INSERT INTO entitlement (ect_id, name, sessions_held, status) "
                       "VALUES ($1, 'Ada Lovelace', 7, 'amber')", ECT)


async def test_a_database_of_the_previous_version_is_upgraded_and_keeps_its_data(conn):
    assert await migrate(conn, "reporting", MIGRATIONS, to=len(MIGRATIONS) - 1) == [1]
    await _held_by_the_previous_version(conn)
    assert await conn.fetchval("SELECT to_regclass('mentors')") is None

    assert await migrate(conn, "reporting", MIGRATIONS) == [2]

    assert await applied(conn) == [1, 2]
    assert await conn.fetchval("SELECT name FROM mentors WHERE mentor_id = $1", MENTOR) == "Grace Hopper"
    row = await conn.fetchrow("SELECT name, sessions_held, status FROM entitlement WHERE ect_id = $1", ECT)
    assert tuple(row) == ("Ada Lovelace", 7, "amber")
    assert await conn.fetchval("SELECT count(*) FROM facts") == 1
    assert await migrate(conn, "reporting", MIGRATIONS) == []  # nothing twice


async def test_a_database_from_before_versions_were_recorded_is_adopted(conn):
    await MIGRATIONS[0].apply(conn)  # as the release before versions made it, no ledger
    await _held_by_the_previous_version(conn)

    assert await migrate(conn, "reporting", MIGRATIONS) == [1, 2]
    assert await conn.fetchval("SELECT name FROM mentors WHERE mentor_id = $1", MENTOR) == "Grace Hopper"
    assert await conn.fetchval("SELECT sessions_held FROM entitlement WHERE ect_id = $1", ECT) == 7


async def test_a_database_a_newer_release_migrated_is_refused_and_left_alone(conn):
    await migrate(conn, "reporting", MIGRATIONS)
    await conn.execute("INSERT INTO schema_migrations (version, name) VALUES (99, 'from the future')")
    with pytest.raises(NewerSchemaError, match="version 99"):
        await migrate(conn, "reporting", MIGRATIONS)
    assert await applied(conn) == [1, 2, 99]


async def test_a_failing_migration_leaves_the_database_at_the_last_version_that_completed(conn):
    async def broken(c: asyncpg.Connection) -> None:
        await c.execute("CREATE TABLE half_done (x int)")
        raise RuntimeError("the migration's second statement failed")

    with pytest.raises(RuntimeError):
        await migrate(conn, "reporting", (*MIGRATIONS, Migration(3, "broken", broken)))
    assert await applied(conn) == [1, 2]
    assert await conn.fetchval("SELECT to_regclass('half_done')") is None  # rolled back whole


async def test_instances_starting_together_apply_each_version_once(database_url):
    first, second = await asyncpg.connect(database_url), await asyncpg.connect(database_url)
    try:
        for c in (first, second):
            await c.execute("CREATE SCHEMA IF NOT EXISTS scheduling; SET search_path = scheduling")
        done = await asyncio.gather(migrate(first, "scheduling", SCHEDULING_MIGRATIONS),
                                    migrate(second, "scheduling", SCHEDULING_MIGRATIONS))
        assert sorted(done) == [[], [1]]
        assert await applied(first) == [1]
    finally:
        await first.close()
        await second.close()


def test_every_service_lists_its_versions_from_one_in_order():
    from notifications.migrations import MIGRATIONS as NOTIFICATIONS_MIGRATIONS

    for service in (MIGRATIONS, SCHEDULING_MIGRATIONS, NOTIFICATIONS_MIGRATIONS):
        assert [m.version for m in service] == list(range(1, len(service) + 1))
