"""How a subject access request finds a person by TRN now that registrations carry it sealed.

Each registration's TRN is kept as a keyed digest (HMAC-SHA-256 under a key of the key store
that is no person's), beside the person's id: it finds them while their key exists and after
it is destroyed, so the hub can show an erased person what is left of their records (dates,
counts, "(erased)" where their data was). The digest alone gives no TRN back: the key lives
in the key store, wrapped under a key the database never sees.

Filed once, when a registration arrives in clear (a registration received after its person
was erased has no TRN to file). Unlike the projections it is not rebuilt by a replay, which
could no longer read an erased person's TRN: it is kept, as the audit trail is.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from collections.abc import Sequence
from typing import Any
from uuid import UUID

import asyncpg

from contracts import EventEnvelope
from contracts.sealed import ERASED
from ect_platform.keystore import Keystore

DDL = """
CREATE TABLE IF NOT EXISTS trn_index (
    digest        bytea NOT NULL,
    subject_kind  text NOT NULL,
    subject       text NOT NULL,
    PRIMARY KEY (digest, subject_kind, subject)
);
"""

# the digest key's id in the key store: fixed, so every reporting process digests alike
DIGEST_KEY_ID = UUID("5e0c1a55-7e11-5a11-8000-0000000007e1")


async def setup(conn: asyncpg.Connection) -> None:
    await conn.execute(DDL)


async def _key(keystore: Keystore) -> bytes:
    key = await asyncio.to_thread(keystore.key, DIGEST_KEY_ID, create=True)
    assert key is not None, "the TRN index's key is no person's and is never erased"
    return key


def _digest(key: bytes, trn: str) -> bytes:
    return hmac.new(key, trn.encode(), hashlib.sha256).digest()


async def file(conn: asyncpg.Connection, keystore: Keystore,
               registrations: Sequence[EventEnvelope[Any]]) -> None:
    """Index opened ``EctRegistered``/``MentorRegistered`` envelopes by their TRN."""
    kinds = {"EctRegistered": "ect", "MentorRegistered": "mentor"}
    found = [e for e in registrations if e.payload.trn != ERASED]
    if not found:
        return
    key = await _key(keystore)
    rows = [(_digest(key, e.payload.trn), kinds[e.event_type],
             str(e.ect_id if e.event_type == "EctRegistered" else e.payload.mentor_id)) for e in found]
    if rows:
        await conn.executemany("INSERT INTO trn_index (digest, subject_kind, subject) "
                               "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", rows)


async def subjects(conn: asyncpg.Connection, keystore: Keystore, trn: str) -> list[tuple[str, str]]:
    """(kind, subject) of every registration filed with this TRN."""
    rows = await conn.fetch("SELECT subject_kind, subject FROM trn_index WHERE digest = $1",
                            _digest(await _key(keystore), trn))
    return [(row["subject_kind"], row["subject"]) for row in rows]
