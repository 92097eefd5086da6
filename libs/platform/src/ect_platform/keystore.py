"""The key store: each person's data key, apart from the events it seals, destroyed on erasure.

Every personal field a service stores or publishes is sealed with the data key of the person
it is about (``ect_platform.sealing``, ``contracts.sealed``); the key's id is the person's id
(the ECT's, or the mentor's). Erasing a person destroys their key here and leaves a
tombstone, so no copy of their sealed fields (in an event store, on a topic, in a projection,
the audit trail, a dead letter or a backup of any of those) can be read again, and no new key
is ever made for them.

Keys are kept wrapped (AES-256-GCM) under a key-encryption key the database never sees:
``PERSONAL_DATA_KEY``, or one derived from ``CHAIN_KEY`` when that is not set, so a dump of
the key store alone opens nothing. The store is the ``keystore`` schema, by default in the
platform's database (``KEYSTORE_URL`` puts it in another one); its backups must be kept
apart from the event stores' and expire sooner, or an erased key would survive in one.

The services read keys often (every stored or published event with personal fields), so a
process remembers a key for ``cache_seconds``; an erasure in the same process forgets it at
once, and a tombstone, being final, is remembered for good.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

import psycopg
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from contracts.sealed import new_key

DDL = """
CREATE SCHEMA IF NOT EXISTS keystore;
CREATE TABLE IF NOT EXISTS keystore.data_keys (
    key_id      uuid PRIMARY KEY,
    wrapped     bytea,              -- null once the person is erased: the tombstone
    created_at  timestamptz NOT NULL DEFAULT now(),
    erased_at   timestamptz
);
"""

_WRAP_NONCE = 12


class KeyEncryptionKey:
    """Wraps and unwraps data keys; the database holds only what it wrapped."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 32:
            raise ValueError("the personal data key must be at least 32 bytes: generate one with "
                             "`openssl rand -hex 32`")
        self._aead = AESGCM(HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                                 info=b"ect-platform personal data keys").derive(secret))

    def wrap(self, key_id: UUID, key: bytes) -> bytes:
        nonce = os.urandom(_WRAP_NONCE)
        return nonce + self._aead.encrypt(nonce, key, key_id.bytes)

    def unwrap(self, key_id: UUID, wrapped: bytes) -> bytes:
        return self._aead.decrypt(wrapped[:_WRAP_NONCE], wrapped[_WRAP_NONCE:], key_id.bytes)


@dataclass(frozen=True)
class Erasure:
    """What ``erase`` did: when the key was destroyed, and whether it was this call."""

    key_id: UUID
    erased_at: datetime | None
    destroyed_now: bool


class Keystore(Protocol):
    def key(self, key_id: UUID, *, create: bool = False) -> bytes | None:
        """The person's data key; None once erased (or, without ``create``, never made)."""
        ...

    def keys(self, key_ids: Iterable[UUID]) -> dict[UUID, bytes | None]:
        """Several keys in one look-up; an erased or unknown person maps to None."""
        ...

    def erase(self, key_id: UUID) -> Erasure:
        """Destroy the key for good and leave a tombstone (idempotent)."""
        ...

    def erased(self, key_id: UUID) -> bool: ...

    def forget(self, key_id: UUID) -> None:
        """Drop a remembered key, so the next look-up asks the store (a consumer told of an
        erasure does this before it recomputes anything about the person)."""
        ...

    def close(self) -> None:
        """Let go of what the store holds (PostgreSQL's: a connection of its own)."""
        ...


class _Cache:
    """Keys remembered for a while; tombstones for good (an erasure is never undone)."""

    def __init__(self, seconds: float) -> None:
        self._seconds = seconds
        self._keys: dict[UUID, tuple[float, bytes]] = {}
        self._erased: set[UUID] = set()
        self._lock = threading.Lock()

    def get(self, key_id: UUID) -> tuple[bool, bytes | None]:
        """(known, key): known with None for a tombstone, unknown when not remembered."""
        with self._lock:
            if key_id in self._erased:
                return True, None
            found = self._keys.get(key_id)
            if found is not None and time.monotonic() - found[0] < self._seconds:
                return True, found[1]
            return False, None

    def drop(self, key_id: UUID) -> None:
        with self._lock:
            self._keys.pop(key_id, None)

    def put(self, key_id: UUID, key: bytes | None) -> None:
        with self._lock:
            if key is None:
                self._erased.add(key_id)
                self._keys.pop(key_id, None)
            elif self._seconds > 0:
                self._keys[key_id] = (time.monotonic(), key)


class MemoryKeystore:
    """In-process keys, for unit tests and the in-memory event store."""

    def __init__(self) -> None:
        self._keys: dict[UUID, bytes | None] = {}
        self._erased_at: dict[UUID, datetime] = {}
        self._lock = threading.Lock()

    def key(self, key_id: UUID, *, create: bool = False) -> bytes | None:
        with self._lock:
            if key_id not in self._keys and create:
                self._keys[key_id] = new_key()
            return self._keys.get(key_id)

    def keys(self, key_ids: Iterable[UUID]) -> dict[UUID, bytes | None]:
        with self._lock:
            return {key_id: self._keys.get(key_id) for key_id in key_ids}

    def erase(self, key_id: UUID) -> Erasure:
        with self._lock:
            if key_id in self._erased_at:
                return Erasure(key_id, self._erased_at[key_id], destroyed_now=False)
            self._keys[key_id] = None
            self._erased_at[key_id] = datetime.now().astimezone()
            return Erasure(key_id, self._erased_at[key_id], destroyed_now=True)

    def erased(self, key_id: UUID) -> bool:
        return key_id in self._erased_at

    def forget(self, key_id: UUID) -> None:
        return None  # nothing remembered apart from the store itself

    def close(self) -> None:
        return None  # holds no connection


class PostgresKeystore:
    """The ``keystore`` schema, through one connection of its own (psycopg, synchronous: the
    event stores' mappers call it from eventsourcing's threads; async callers use a thread)."""

    def __init__(self, url: str, kek: KeyEncryptionKey, *, cache_seconds: float = 1.0) -> None:
        self._url = url
        self._kek = kek
        self._cache = _Cache(cache_seconds)
        self._lock = threading.Lock()
        self._conn: psycopg.Connection[tuple[object, ...]] | None = None

    def setup(self) -> None:
        with self._connection() as conn, conn.transaction():
            # the services start together: one creates the schema, the others wait for it
            conn.execute("SELECT pg_advisory_xact_lock(hashtext('ect.keystore.setup'))")
            conn.execute(DDL)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def key(self, key_id: UUID, *, create: bool = False) -> bytes | None:
        known, key = self._cache.get(key_id)
        if known:
            return key
        select = "SELECT wrapped, erased_at FROM keystore.data_keys WHERE key_id = %s"
        with self._connection() as conn:
            row = conn.execute(select, (key_id,)).fetchone()
            if row is None and create:  # the first of the person's records: make their key
                conn.execute(
                    "INSERT INTO keystore.data_keys (key_id, wrapped) VALUES (%s, %s) "
                    "ON CONFLICT (key_id) DO NOTHING", (key_id, self._kek.wrap(key_id, new_key())))
                row = conn.execute(select, (key_id,)).fetchone()  # ours, or a racing writer's
        if row is None:
            return None
        return self._remember(key_id, row[0], row[1])  # type: ignore[arg-type]

    def keys(self, key_ids: Iterable[UUID]) -> dict[UUID, bytes | None]:
        found: dict[UUID, bytes | None] = {}
        wanted: list[UUID] = []
        for key_id in set(key_ids):
            known, key = self._cache.get(key_id)
            if known:
                found[key_id] = key
            else:
                wanted.append(key_id)
        if wanted:
            with self._connection() as conn:
                rows = conn.execute("SELECT key_id, wrapped, erased_at FROM keystore.data_keys "
                                    "WHERE key_id = ANY(%s)", (wanted,)).fetchall()
            for row in rows:
                found[row[0]] = self._remember(*row)  # type: ignore[arg-type, index]
            for key_id in wanted:
                found.setdefault(key_id, None)
        return found

    def erase(self, key_id: UUID) -> Erasure:
        with self._connection() as conn:
            with conn.transaction():
                row = conn.execute("SELECT erased_at FROM keystore.data_keys WHERE key_id = %s "
                                   "FOR UPDATE", (key_id,)).fetchone()
                done = row is not None and row[0] is not None
                if not done:
                    # a tombstone even for a person no key was ever made for: none ever will be
                    row = conn.execute(
                        "INSERT INTO keystore.data_keys (key_id, wrapped, erased_at) "
                        "VALUES (%s, NULL, now()) ON CONFLICT (key_id) DO UPDATE "
                        "SET wrapped = NULL, erased_at = now() RETURNING erased_at",
                        (key_id,)).fetchone()
            if not done:
                # the old row version still holds the wrapped key until vacuumed; the owner
                # may vacuum, a service role that does not own the table leaves it to autovacuum
                with contextlib.suppress(psycopg.Error):
                    conn.execute("VACUUM keystore.data_keys")
        self._cache.put(key_id, None)
        assert row is not None
        return Erasure(key_id, row[0], destroyed_now=not done)  # type: ignore[arg-type]

    def erased(self, key_id: UUID) -> bool:
        known, key = self._cache.get(key_id)
        if known:
            return key is None
        with self._connection() as conn:
            row = conn.execute("SELECT erased_at IS NOT NULL FROM keystore.data_keys "
                               "WHERE key_id = %s", (key_id,)).fetchone()
        return bool(row and row[0])

    def forget(self, key_id: UUID) -> None:
        self._cache.drop(key_id)

    def _remember(self, key_id: UUID, wrapped: bytes | None, erased_at: datetime | None
                  ) -> bytes | None:
        key = None if wrapped is None or erased_at is not None else self._kek.unwrap(key_id, wrapped)
        self._cache.put(key_id, key)
        return key

    class _Held:
        def __init__(self, store: PostgresKeystore) -> None:
            self._store = store

        def __enter__(self) -> psycopg.Connection[tuple[object, ...]]:
            store = self._store
            store._lock.acquire()
            try:
                if store._conn is None or store._conn.closed:
                    store._conn = psycopg.connect(store._url, autocommit=True)
                return store._conn
            except BaseException:
                store._lock.release()
                raise

        def __exit__(self, kind: object, error: BaseException | None, tb: object) -> None:
            store = self._store
            try:
                if isinstance(error, psycopg.OperationalError) and store._conn is not None:
                    store._conn.close()  # a broken connection: the next call opens another
                    store._conn = None
            finally:
                store._lock.release()

    def _connection(self) -> PostgresKeystore._Held:
        return PostgresKeystore._Held(self)

