"""Versioned schema migrations: each service's tables, from any earlier release's to this one's.

A service lists its migrations in order (``<service>/migrations.py``). Version 1 is the schema
as it stood when versions were first recorded, every statement of it idempotent, so a database
made by a release before that is adopted as it is; each later version is one change an
earlier database needs (a table, a column, a backfill), written once and never edited after it
ships. They are applied at start-up and by ``ect migrate``: each in its own transaction with its
version recorded in the service schema's ``schema_migrations``, so a failure leaves the
database at the last version that completed, under a session advisory lock, so instances
starting together apply each once. A database a newer release migrated is refused rather than
run against by code that does not know its tables.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import asyncpg

from ect_platform.database import create_pool

LEDGER = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version     integer PRIMARY KEY,
    name        text NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now()
)
"""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: Callable[[asyncpg.Connection], Awaitable[None]]


class NewerSchemaError(RuntimeError):
    """The database was migrated by a newer release than the one starting."""


def check_order(migrations: Sequence[Migration]) -> None:
    versions = [m.version for m in migrations]
    if versions != list(range(1, len(versions) + 1)):
        raise ValueError(f"migrations must be numbered 1, 2, 3... in order, got {versions}")


async def applied(conn: asyncpg.Connection) -> list[int]:
    """The versions recorded in the connection's schema (none before any migration ran)."""
    if await conn.fetchval("SELECT to_regclass('schema_migrations')") is None:
        return []
    return [row["version"] for row in
            await conn.fetch("SELECT version FROM schema_migrations ORDER BY version")]


async def migrate(conn: asyncpg.Connection, service: str, migrations: Sequence[Migration],
                  *, to: int | None = None) -> list[int]:
    """Apply, in the connection's schema, every migration not yet recorded (up to ``to``, for
    a test that builds an earlier release's schema); returns the versions applied now."""
    check_order(migrations)
    target = len(migrations) if to is None else to
    lock = f"ect.migrate.{service}"
    await conn.execute("SELECT pg_advisory_lock(hashtext($1 || current_schema()))", lock)
    try:
        await conn.execute(LEDGER)
        done = set(await applied(conn))
        newer = sorted(v for v in done if v > len(migrations))
        if newer:
            raise NewerSchemaError(
                f"{service}: the database's schema is at version {max(newer)}, newer than this "
                f"release knows ({len(migrations)}): run the release that migrated it, or a later one")
        now: list[int] = []
        for migration in migrations[:target]:
            if migration.version in done:
                continue
            async with conn.transaction():
                await migration.apply(conn)
                await conn.execute("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                                   migration.version, migration.name)
            now.append(migration.version)
        return now
    finally:
        await conn.execute("SELECT pg_advisory_unlock(hashtext($1 || current_schema()))", lock)


async def migrate_database(url: str, schema: str, service: str, migrations: Sequence[Migration]
                           ) -> list[int]:
    """``migrate`` on a connection of its own to ``schema`` of the database at ``url``."""
    pool = await create_pool(url, schema, max_size=1)
    try:
        async with pool.acquire() as conn:
            return await migrate(conn, service, migrations)
    finally:
        await pool.close()


def migrated(service: str, now: Sequence[int], migrations: Sequence[Migration]) -> None:
    """What ``python -m <service> migrate`` prints."""
    applied_now = ", ".join(f"{m.version} ({m.name})" for m in migrations if m.version in now)
    print(f"{service}: schema at version {len(migrations)}"
          + (f"; applied now: {applied_now}" if applied_now else "; nothing to apply"))
