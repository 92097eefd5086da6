"""The key store on real PostgreSQL: keys kept wrapped, one per person however many processes
ask at once, destroyed for good on erasure, and a tombstone no process makes a key over."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import pytest

from ect_platform.keystore import KeyEncryptionKey, PostgresKeystore

pytestmark = pytest.mark.integration
KEK = KeyEncryptionKey(b"a key-encryption key of 32 bytes or more")


@pytest.fixture
def store(database_url):  # type: ignore[no-untyped-def]
    opened = PostgresKeystore(database_url, KEK, cache_seconds=60)
    opened.setup()
    yield opened
    opened.close()


async def test_a_key_is_kept_wrapped_so_the_database_alone_opens_nothing(store, database_url):
    person = uuid.uuid4()
    key = store.key(person, create=True)
    assert key is not None and len(key) == 32
    conn = await asyncpg.connect(database_url)
    try:
        wrapped = await conn.fetchval("SELECT wrapped FROM keystore.data_keys WHERE key_id = $1", person)
        everything = await conn.fetchval("SELECT string_agg(t::text, '') FROM keystore.data_keys t")
    finally:
        await conn.close()
    assert key not in wrapped and key.hex() not in everything
    other = PostgresKeystore(database_url, KeyEncryptionKey(b"another key-encryption key, 32+ bytes"))
    with pytest.raises(Exception):  # noqa: B017 - the tag does not verify under another KEK
        other.key(person)
    other.close()


async def test_processes_asking_at_once_all_get_the_one_key(store, database_url):
    person = uuid.uuid4()
    stores = [PostgresKeystore(database_url, KEK) for _ in range(4)]
    try:
        keys = await asyncio.gather(*(asyncio.to_thread(s.key, person, create=True) for s in stores))
    finally:
        for s in stores:
            s.close()
    assert len(set(keys)) == 1 and store.key(person) == keys[0]


def test_an_erased_key_is_gone_for_every_process_and_never_made_again(store, database_url):
    person = uuid.uuid4()
    elsewhere = PostgresKeystore(database_url, KEK, cache_seconds=60)
    try:
        assert elsewhere.key(person, create=True) == store.key(person, create=True)
        erasure = store.erase(person)
        assert erasure.destroyed_now and store.erase(person).destroyed_now is False
        assert store.key(person, create=True) is None and store.erased(person)
        # another process that remembered the key forgets it when told of the erasure
        assert elsewhere.key(person) is not None
        elsewhere.forget(person)
        assert elsewhere.key(person, create=True) is None
        unknown = uuid.uuid4()
        assert elsewhere.keys([person, unknown]) == {person: None, unknown: None}
    finally:
        elsewhere.close()
    nobody = uuid.uuid4()
    store.erase(nobody)  # a tombstone even for a person no key was made for
    assert store.key(nobody, create=True) is None
