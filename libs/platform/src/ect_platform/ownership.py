"""Who owns the chained tables: never the role the services run as.

PostgreSQL lets a table's owner (and a superuser) disable or drop its triggers, so a service
that owned its event log could insert around the chain. With ``DATABASE_OWNER_URL`` set, a
service's start-up creates its schema and its chained tables as that owner, installs the
chain there, and grants the service's own role (the ``DATABASE_URL`` user) only what running
needs: to read and append (and ``UPDATE``, which PostgreSQL requires for the exclusive lock
writers take, and which a guard trigger then refuses: a chained row is never changed), plus
``CREATE`` on the schema and database for the projections and a replay's rebuild schema.
The service's role can then neither alter the chained tables nor set
``session_replication_role`` (which would silence every trigger).

Without ``DATABASE_OWNER_URL`` everything runs as one role, as in a test database.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Sequence

import asyncpg

from ect_platform import chain
from ect_platform.chain import ChainKey, Log
from ect_platform.database import PostgresLocation

Create = Callable[[asyncpg.Connection], Awaitable[None]]


def _guard_sql(log: Log) -> str:
    function = f'"{log.schema}"."{log.table}_unchanged"'
    # identifiers only, each checked by Log, nothing from a request
    return f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $guard$
BEGIN
    -- the owner (and so a superuser) may still repair by hand; the services' role may not
    IF NOT pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID),
                       'MEMBER') THEN
        RAISE EXCEPTION '{log.name} is append-only: a chained record is never changed or removed'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$guard$;
DROP TRIGGER IF EXISTS chain_unchanged ON {log.qualified};
CREATE TRIGGER chain_unchanged BEFORE UPDATE OR DELETE ON {log.qualified}
    FOR EACH ROW EXECUTE FUNCTION {function}();
"""  # noqa: S608


async def prepare(owner_url: str | None, service_url: str, schema: str, logs: Sequence[Log],
                  key: ChainKey, create: Create) -> None:
    """Create ``schema``'s chained tables (``create``) and chain them. As the owner, granting
    the service's role its share, when ``owner_url`` is given; otherwise as the service."""
    conn = await asyncpg.connect(owner_url or service_url)
    try:
        # the services start together, and two GRANTs on one database at once fail ("tuple
        # concurrently updated"): one preparation at a time, server-wide
        await conn.execute("SELECT pg_advisory_lock(hashtext('ect.ownership.prepare'))")
        quoted = await conn.fetchval("SELECT quote_ident($1)", schema)
        await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {quoted}")
        await conn.execute(f"SET search_path = {quoted}, public")
        await create(conn)
        for log in logs:
            await chain.install(conn, log, key)
            await conn.execute(_guard_sql(log))
        if owner_url is None:
            return
        service = await conn.fetchval("SELECT quote_ident($1)",
                                      PostgresLocation.from_url(service_url).user)
        database = await conn.fetchval("SELECT quote_ident(current_database())")
        owner = await conn.fetchval("SELECT quote_ident(current_user)")
        if service == owner:
            raise ValueError("DATABASE_OWNER_URL and DATABASE_URL name the same role: the services "
                             "must run as a role that does not own the chained tables")
        await conn.execute(f"GRANT CONNECT, CREATE ON DATABASE {database} TO {service}")
        await conn.execute(f"GRANT USAGE, CREATE ON SCHEMA {quoted} TO {service}")
        for log in logs:
            await conn.execute(f"GRANT SELECT, INSERT, UPDATE ON {log.qualified} TO {service}")
            await conn.execute(f"REVOKE DELETE, TRUNCATE, REFERENCES, TRIGGER ON {log.qualified} "
                               f"FROM {service}")
        await conn.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {quoted} TO {service}")
    finally:
        await conn.close()  # and with it the advisory lock



async def development_service_role(owner_url: str, role: str = "ect_service") -> str | None:
    """For ``ect up``: a login role for the services beside the owner the URL names, and the
    URL to reach the database as it; None where the server will not let it log in without a
    password (then everything runs as the one role, as before)."""
    import dataclasses

    owner = await asyncpg.connect(owner_url)
    try:
        if not await owner.fetchval("SELECT rolcreaterole OR rolsuper FROM pg_roles "
                                    "WHERE rolname = current_user"):
            return None
        if not await owner.fetchval("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)",
                                    role):
            quoted = await owner.fetchval("SELECT quote_ident($1)", role)
            # another platform on this server may make it meanwhile
            with contextlib.suppress(asyncpg.DuplicateObjectError, asyncpg.UniqueViolationError):
                await owner.execute(f"CREATE ROLE {quoted} LOGIN")
    finally:
        await owner.close()
    url = dataclasses.replace(PostgresLocation.from_url(owner_url), user=role).url()
    try:
        await (await asyncpg.connect(url)).close()
    except (asyncpg.InvalidPasswordError, asyncpg.InvalidAuthorizationSpecificationError):
        return None
    return url
