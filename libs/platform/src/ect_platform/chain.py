"""Tamper evidence: each stored event commits to its predecessor (a hash chain).

A trigger on a service's events table stamps every new row with ``chain_prev`` (the hash
of the row before it, in notification order) and ``chain_hash`` = sha256(chain_prev ||
"originator:version:topic" || state). eventsourcing inserts under an exclusive table
lock, so "the row before" is well defined. ``ect audit verify`` walks the chain and names
the first record that was altered, or the first place a record was removed or reordered.

What it proves: that nobody edited the table with plain SQL without also rewriting every
later hash. Anchoring the head hash elsewhere (a printout, another system) closes that gap.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from typing import Any

import asyncpg

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
log = logging.getLogger(__name__)


def _checked(*names: str) -> None:
    """Schema and table names come from settings, never from a request; still, only plain
    identifiers are accepted, because they cannot be bind parameters."""
    for name in names:
        if not _IDENTIFIER.match(name):
            raise ValueError(f"not a plain SQL identifier: {name!r}")


def _sql(schema: str, table: str) -> str:
    _checked(schema, table)
    qualified = f'"{schema}"."{table}"'
    function = f'"{schema}"."{table}_chain"'
    return f"""
ALTER TABLE {qualified} ADD COLUMN IF NOT EXISTS chain_prev bytea;
ALTER TABLE {qualified} ADD COLUMN IF NOT EXISTS chain_hash bytea;
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $chain$
DECLARE previous bytea;
BEGIN
    SELECT chain_hash INTO previous FROM {qualified}
     WHERE notification_id < NEW.notification_id
     ORDER BY notification_id DESC LIMIT 1;
    NEW.chain_prev := coalesce(previous, '\\x'::bytea);
    NEW.chain_hash := sha256(NEW.chain_prev
        || convert_to(NEW.originator_id::text || ':' || NEW.originator_version::text || ':'
                      || coalesce(NEW.topic, ''), 'UTF8')
        || coalesce(NEW.state, '\\x'::bytea));
    RETURN NEW;
END
$chain$;
DROP TRIGGER IF EXISTS chain_events ON {qualified};
CREATE TRIGGER chain_events BEFORE INSERT ON {qualified}
    FOR EACH ROW EXECUTE FUNCTION {function}();
"""


def link(previous: bytes, originator_id: Any, version: int, topic: str | None, state: bytes | None
         ) -> bytes:
    """The hash a row must carry, computed exactly as the trigger does."""
    content = f"{originator_id}:{version}:{topic or ''}".encode()
    return hashlib.sha256(previous + content + (state or b"")).digest()


async def install(conn: asyncpg.Connection, schema: str, table: str) -> None:
    """Add the chain to an events table (idempotent). The rows of a log stored before the chain
    existed are chained when it is first installed; once any row is chained, a row without a
    hash was inserted around the trigger, and start-up never heals it: it stays for
    ``verify`` to name (and is logged here)."""
    _checked(schema, table)
    async with conn.transaction():
        await conn.execute(f'LOCK TABLE "{schema}"."{table}" IN EXCLUSIVE MODE')
        await conn.execute(_sql(schema, table))
        unchained = await conn.fetch(
            f'SELECT notification_id, originator_id, originator_version, topic, state '
            f'FROM "{schema}"."{table}" WHERE chain_hash IS NULL ORDER BY notification_id')
        if not unchained:
            return
        chained = await conn.fetchval(
            f'SELECT EXISTS (SELECT 1 FROM "{schema}"."{table}" WHERE chain_hash IS NOT NULL)')
        if chained:
            first = unchained[0]
            log.error("%s.%s: %d record(s) carry no chain hash, the first %s (aggregate %s version %s): "
                      "inserted around the trigger; left as found for `ect audit verify`", schema,
                      table, len(unchained), first["notification_id"], first["originator_id"],
                      first["originator_version"])
            return
        previous = await conn.fetchval(
            f'SELECT chain_hash FROM "{schema}"."{table}" WHERE chain_hash IS NOT NULL '
            f'AND notification_id < $1 ORDER BY notification_id DESC LIMIT 1',
            unchained[0]["notification_id"]) or b""
        for row in unchained:
            digest = link(previous, row["originator_id"], row["originator_version"], row["topic"],
                          row["state"])
            await conn.execute(
                f'UPDATE "{schema}"."{table}" SET chain_prev = $1, chain_hash = $2 '
                f'WHERE notification_id = $3', previous, digest, row["notification_id"])
            previous = digest


@dataclass(frozen=True)
class Verdict:
    checked: int
    head: bytes | None
    problem: str | None = None  # None: the chain is intact

    @property
    def intact(self) -> bool:
        return self.problem is None


async def verify(conn: asyncpg.Connection, schema: str, table: str, batch: int = 5000) -> Verdict:
    """Walk the chain in notification order; stop at the first broken link and name it."""
    _checked(schema, table)
    previous = b""
    checked = 0
    after = 0
    while True:
        rows = await conn.fetch(
            f'SELECT notification_id, originator_id, originator_version, topic, state, chain_prev, '
            f'chain_hash FROM "{schema}"."{table}" WHERE notification_id > $1 '
            f'ORDER BY notification_id LIMIT $2', after, batch)
        if not rows:
            return Verdict(checked, previous or None)
        for row in rows:
            where = (f"record {row['notification_id']} (aggregate {row['originator_id']} "
                     f"version {row['originator_version']})")
            if row["chain_hash"] is None:
                return Verdict(checked, previous, f"{where} carries no chain hash: it was inserted "
                               "around the trigger")
            if bytes(row["chain_prev"]) != previous:
                return Verdict(checked, previous, f"the chain breaks before {where}: a record before "
                               "it was removed, or records were reordered")
            expected = link(previous, row["originator_id"], row["originator_version"], row["topic"],
                            bytes(row["state"]) if row["state"] is not None else None)
            if bytes(row["chain_hash"]) != expected:
                return Verdict(checked, previous, f"{where} was altered after it was stored")
            previous = expected
            checked += 1
            after = row["notification_id"]
