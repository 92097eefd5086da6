"""Tamper evidence: every record of a chained log commits to the one before it, under a key.

A trigger on each chained table (the services' event stores, notifications' outbox,
reporting's audit trail) stamps every new row with ``chain_prev`` (the hash of the row
before it, in the log's order) and ``chain_hash`` = HMAC-SHA-256(key, chain_prev || content).
The key is never stored in PostgreSQL: each service holds it (``CHAIN_KEY``) and hands it
to the server per connection (asyncpg's start-up settings) or per transaction (the event
store's recorder), as the two halves of HMAC's padded key, ``ect.chain_inner`` and
``ect.chain_outer``; the trigger refuses a write from a session that lacks them. So whoever
edits a row with plain SQL cannot recompute the later hashes, and ``ect audit verify``
(which holds the key) names the first record altered, removed, reordered or inserted around
the trigger. Removing the newest records leaves a shorter chain that is still whole; the
signed checkpoints kept outside PostgreSQL (``ect_platform.checkpoint``) catch that.

Rows go in the log's order: eventsourcing and the outbox insert under an exclusive table
lock, so their ids are in commit order; the audit trail, written by concurrent consumers,
takes its place (``chain_seq``) inside the trigger under a transaction-scoped advisory lock.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import asyncpg

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
SCHEME = "ect-chain hmac-sha256 v2"  # kept as the table's comment: which rule its hashes follow
MIN_KEY_BYTES = 32
_BLOCK = 64  # SHA-256's block size, HMAC's padded key length
logger = logging.getLogger(__name__)


class ChainKeyError(RuntimeError):
    """The chain key is missing, too short, or not the one the log was sealed with."""


class ChainKey:
    """The secret the chain's hashes are keyed with (HMAC-SHA-256)."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < MIN_KEY_BYTES:
            raise ChainKeyError(f"the chain key must be at least {MIN_KEY_BYTES} bytes, got "
                                f"{len(secret)}: generate one with `openssl rand -hex 32`")
        self._secret = secret
        padded = (hashlib.sha256(secret).digest() if len(secret) > _BLOCK else secret).ljust(
            _BLOCK, b"\0")
        # HMAC(k, m) = H((k ^ opad) || H((k ^ ipad) || m)): the trigger needs only the two pads
        self._inner = bytes(b ^ 0x36 for b in padded)
        self._outer = bytes(b ^ 0x5C for b in padded)

    @classmethod
    def from_text(cls, text: str) -> ChainKey:
        return cls(text.strip().encode())

    def link(self, previous: bytes, content: bytes) -> bytes:
        """The hash a row must carry, exactly as the trigger computes it."""
        return hmac.new(self._secret, previous + content, hashlib.sha256).digest()

    def sign(self, text: str) -> str:
        return hmac.new(self._secret, text.encode(), hashlib.sha256).hexdigest()

    def server_settings(self) -> dict[str, str]:
        """What a session needs to write to a chained table (asyncpg ``server_settings``)."""
        return {"ect.chain_inner": self._inner.hex(), "ect.chain_outer": self._outer.hex()}

    SET_LOCAL = ("SELECT set_config('ect.chain_inner', %s, true), "
                 "set_config('ect.chain_outer', %s, true)")

    def set_local_parameters(self) -> tuple[str, str]:
        """Bind parameters of ``SET_LOCAL`` (psycopg): the key for one transaction, never in
        the statement's text, so it shows in no activity view or statement log line."""
        return self._inner.hex(), self._outer.hex()

    def __repr__(self) -> str:  # never print the secret
        return "ChainKey(…)"


def _checked(*names: str) -> None:
    """Schema and table names come from code and settings, never from a request; still, only
    plain identifiers are accepted, because they cannot be bind parameters."""
    for name in names:
        if not _IDENTIFIER.match(name):
            raise ValueError(f"not a plain SQL identifier: {name!r}")


@dataclass(frozen=True)
class Log:
    """A chained table: its order column and what of a row its hash covers (an SQL
    expression over ``{row}``, so the trigger and ``verify`` compute the same bytes)."""

    schema: str
    table: str
    order: str
    content: str
    assigns_order: bool = False  # the trigger gives each row its place (chain_seq)

    def __post_init__(self) -> None:
        _checked(self.schema, self.table, self.order)

    @property
    def name(self) -> str:
        return f"{self.schema}.{self.table}"

    @property
    def qualified(self) -> str:
        return f'"{self.schema}"."{self.table}"'

    def content_of(self, row: str) -> str:
        return self.content.format(row=row)


def event_log(schema: str, table: str) -> Log:
    """An eventsourcing events table (notification ids in commit order)."""
    return Log(schema, table, "notification_id",
               "convert_to({row}.originator_id::text || ':' || {row}.originator_version::text || ':' "
               "|| coalesce({row}.topic, ''), 'UTF8') || coalesce({row}.state, '\\x'::bytea)")


def outbox_log(schema: str) -> Log:
    """notifications' outbox (positions in commit order under its table lock)."""
    return Log(schema, "outbox", "position",
               "convert_to({row}.event_id::text || ':' || {row}.message, 'UTF8')")


def audit_trail_log(schema: str) -> Log:
    """The auditor's history: each envelope exactly as kept."""
    return Log(schema, "audit_trail", "chain_seq",
               "convert_to({row}.event_id::text || ':' || {row}.envelope::text, 'UTF8')",
               assigns_order=True)


def _install_sql(log: Log) -> str:
    function = f'"{log.schema}"."{log.table}_chain"'
    sequence = f'"{log.schema}"."{log.table}_chain_seq"'
    place = ""
    columns = ""
    if log.assigns_order:
        columns = (f"ALTER TABLE {log.qualified} ADD COLUMN IF NOT EXISTS chain_seq bigint;\n"
                   f"CREATE SEQUENCE IF NOT EXISTS {sequence};\n"
                   f"CREATE UNIQUE INDEX IF NOT EXISTS {log.table}_chain_seq_key "
                   f"ON {log.qualified} (chain_seq);\n")
        # one writer at a time through this section, so each row's place follows the previous
        # writer's commit and "the row before" is the newest committed one
        place = (f"PERFORM pg_advisory_xact_lock(hashtext('ect.chain:{log.name}'));\n"
                 f"    NEW.chain_seq := nextval('{log.schema}.{log.table}_chain_seq');\n")
    return f"""
ALTER TABLE {log.qualified} ADD COLUMN IF NOT EXISTS chain_prev bytea;
ALTER TABLE {log.qualified} ADD COLUMN IF NOT EXISTS chain_hash bytea;
{columns}
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $chain$
DECLARE
    previous bytea;
    inner_pad bytea := decode(nullif(current_setting('ect.chain_inner', true), ''), 'hex');
    outer_pad bytea := decode(nullif(current_setting('ect.chain_outer', true), ''), 'hex');
BEGIN
    IF inner_pad IS NULL OR outer_pad IS NULL THEN
        RAISE EXCEPTION '{log.name} is hash-chained: this session holds no chain key'
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'only the platform''s services (which hold CHAIN_KEY) write to it';
    END IF;
    {place}SELECT chain_hash INTO previous FROM {log.qualified}
     WHERE {log.order} < NEW.{log.order} ORDER BY {log.order} DESC LIMIT 1;
    NEW.chain_prev := coalesce(previous, '\\x'::bytea);
    NEW.chain_hash := sha256(outer_pad || sha256(inner_pad || NEW.chain_prev || {log.content_of('NEW')}));
    RETURN NEW;
END
$chain$;
DROP TRIGGER IF EXISTS chain_events ON {log.qualified};
CREATE TRIGGER chain_events BEFORE INSERT ON {log.qualified}
    FOR EACH ROW EXECUTE FUNCTION {function}();
COMMENT ON TABLE {log.qualified} IS '{SCHEME}';
"""


def _legacy_link(previous: bytes, row: Mapping[str, Any]) -> bytes:
    """The unkeyed hash event logs carried before the chain was keyed (sha256, same content)."""
    content = f"{row['originator_id']}:{row['originator_version']}:{row['topic'] or ''}".encode()
    state = bytes(row["state"]) if row["state"] is not None else b""
    return hashlib.sha256(previous + content + state).digest()


async def install(conn: asyncpg.Connection, log: Log, key: ChainKey) -> None:
    """Chain ``log`` (idempotent; every start-up). Refuses to start with a key that is not the
    one the log was sealed with. The rows of a log stored before the chain existed are sealed
    when it is first installed (and an event log sealed under the older unkeyed rule is
    checked whole, then sealed again under the key); once the keyed chain is in place, a row
    without a hash was inserted around the trigger, and start-up never heals it: it stays
    for ``verify`` to name (and is logged here)."""
    async with conn.transaction():
        await conn.execute(f"LOCK TABLE {log.qualified} IN EXCLUSIVE MODE")
        scheme = await conn.fetchval("SELECT obj_description($1::regclass, 'pg_class')",
                                     log.qualified)
        had_hashes = await _has_column(conn, log, "chain_hash")
        await conn.execute(_install_sql(log))
        if scheme == SCHEME:
            await _refuse_another_key(conn, log, key)
            unchained = await conn.fetchval(
                f"SELECT count(*) FROM {log.qualified} WHERE chain_hash IS NULL")
            if unchained:
                log_error(log, unchained)
            return
        # First keyed install: seal what is there, in the log's order.
        if had_hashes and log.order == "notification_id":
            await _check_legacy_chain(conn, log)
        await _seal_all(conn, log, key)


async def _has_column(conn: asyncpg.Connection, log: Log, column: str) -> bool:
    return bool(await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = $1 "
        "AND table_name = $2 AND column_name = $3)", log.schema, log.table, column))


def log_error(chained: Log, unchained: int) -> None:
    logger.error("%s: %d record(s) carry no chain hash: inserted around the trigger; left as found "
              "for `ect audit verify`", chained.name, unchained)


async def _refuse_another_key(conn: asyncpg.Connection, log: Log, key: ChainKey) -> None:
    newest = await conn.fetchrow(
        f"SELECT chain_prev, chain_hash, {log.content_of('t')} AS content FROM {log.qualified} t "
        f"WHERE chain_hash IS NOT NULL ORDER BY {log.order} DESC LIMIT 1")
    if newest and key.link(bytes(newest["chain_prev"]), bytes(newest["content"])) != bytes(
            newest["chain_hash"]):
        raise ChainKeyError(
            f"{log.name}: its newest record was not sealed with this CHAIN_KEY. Start the service "
            "with the key the log was sealed with (or, if that record was altered, run "
            "`ect audit verify` to see where)")


async def _check_legacy_chain(conn: asyncpg.Connection, log: Log) -> None:
    previous = b""
    rows = await conn.fetch(
        f"SELECT notification_id, originator_id, originator_version, topic, state, chain_hash "
        f"FROM {log.qualified} ORDER BY notification_id")
    for row in rows:
        if row["chain_hash"] is None and previous == b"":
            continue  # stored before any chain existed
        expected = _legacy_link(previous, row)
        if row["chain_hash"] is None or bytes(row["chain_hash"]) != expected:
            raise ChainKeyError(
                f"{log.name}: record {row['notification_id']} breaks the unkeyed chain the log was "
                "sealed with before; it is not sealed again under the key. Investigate with the "
                "previous release's `ect audit verify`")
        previous = expected


async def _seal_all(conn: asyncpg.Connection, log: Log, key: ChainKey) -> None:
    if log.assigns_order:
        await conn.execute(
            f"UPDATE {log.qualified} t SET chain_seq = ranked.place FROM ("
            f"SELECT ctid, nextval('{log.schema}.{log.table}_chain_seq') AS place FROM ("
            f"SELECT ctid FROM {log.qualified} WHERE chain_seq IS NULL ORDER BY recorded_at, "
            f"event_id) o) ranked WHERE t.ctid = ranked.ctid")
    rows = await conn.fetch(
        f"SELECT {log.order} AS place, {log.content_of('t')} AS content FROM {log.qualified} t "
        f"ORDER BY {log.order}")
    previous = b""
    for row in rows:
        digest = key.link(previous, bytes(row["content"]))
        await conn.execute(
            f"UPDATE {log.qualified} SET chain_prev = $1, chain_hash = $2 "
            f"WHERE {log.order} = $3", previous, digest, row["place"])
        previous = digest
    if rows:
        logger.info("%s: %d stored record(s) sealed into the keyed chain", log.name, len(rows))


@dataclass(frozen=True)
class Verdict:
    checked: int
    head: bytes | None
    position: int | None = None  # the order value of the newest record checked
    problem: str | None = None  # None: the chain is intact
    anchored_at: int | None = None  # the newest checkpoint the chain reached

    @property
    def intact(self) -> bool:
        return self.problem is None


async def head(conn: asyncpg.Connection, log: Log) -> tuple[int, bytes] | None:
    """The newest chained record's place and hash (what a checkpoint anchors)."""
    row = await conn.fetchrow(
        f"SELECT {log.order} AS place, chain_hash FROM {log.qualified} "
        f"WHERE chain_hash IS NOT NULL ORDER BY {log.order} DESC LIMIT 1")
    return (row["place"], bytes(row["chain_hash"])) if row else None


async def verify(conn: asyncpg.Connection, log: Log, key: ChainKey,
                 anchors: Iterable[tuple[int, bytes, str]] = (), batch: int = 5000) -> Verdict:
    """Walk the chain in order; stop at the first broken link and name it. ``anchors``
    (place, hash, when) are signed checkpoints: the chain must pass through each of them,
    so records removed from the end since a checkpoint are found too."""
    expected_at = {place: (digest, when) for place, digest, when in anchors}
    stray = await conn.fetchrow(
        f"SELECT {log.order} AS place FROM {log.qualified} WHERE chain_hash IS NULL "
        f"ORDER BY {log.order} NULLS FIRST LIMIT 1")
    previous = b""
    checked = 0
    after: int | None = None
    reached: set[int] = set()  # the checkpoints' places the chain passed through

    def verdict(problem: str | None) -> Verdict:
        return Verdict(checked, previous or None, after, problem, max(reached, default=None))

    while True:
        rows = await conn.fetch(
            f"SELECT {log.order} AS place, chain_prev, chain_hash, {log.content_of('t')} AS content "
            f"FROM {log.qualified} t WHERE chain_hash IS NOT NULL AND {log.order} > $1 "
            f"ORDER BY {log.order} LIMIT $2", after if after is not None else -(2**62), batch)
        if not rows:
            break
        for row in rows:
            where = f"record {row['place']}"
            if bytes(row["chain_prev"]) != previous:
                return verdict(f"the chain breaks before {where}: a record before it was removed, "
                               "or records were reordered")
            expected = key.link(previous, bytes(row["content"]))
            if bytes(row["chain_hash"]) != expected:
                return verdict(f"{where} was altered after it was stored (or sealed with another "
                               "key)")
            if row["place"] in expected_at:
                digest, when = expected_at[row["place"]]
                if digest != expected:
                    return verdict(f"{where} does not match the checkpoint of {when}: the log was "
                                   "rewritten up to it")
                reached.add(row["place"])
            previous = expected
            checked += 1
            after = row["place"]
    if stray is not None:
        place = stray["place"]
        return verdict(f"record {place if place is not None else '(with no place)'} carries no chain "
                       "hash: it was inserted around the trigger")
    unmet = sorted((place, when) for place, (_, when) in expected_at.items() if place not in reached)
    for place, when in unmet:
        if after is None or place > after:
            return verdict(f"the log ends at record {after if after is not None else '(none)'} but "
                           f"the checkpoint of {when} saw it reach record {place}: newer records "
                           "were removed")
        return verdict(f"record {place}, which the checkpoint of {when} saw, is gone: records were "
                       "removed and the chain carried on without them")
    return verdict(None)
