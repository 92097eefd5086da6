"""The stored logs are hash-chained under a key kept outside PostgreSQL, and anchored by signed
checkpoints kept outside it too: an edit (even with every later hash recomputed), a removal,
a reordering, a row inserted around the trigger and the removal of the newest rows are each
found and named; a session without the key cannot write at all."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import uuid
from datetime import UTC, date, datetime

import asyncpg
import pytest

from ect_platform import audit_trail, chain
from ect_platform.chain import ChainKey, ChainKeyError
from ect_platform.checkpoint import CheckpointBook, CheckpointError, take
from ect_platform.database import PostgresLocation, create_pool
from scheduling.bootstrap import bootstrap
from scheduling.settings import SchedulingSettings
from tests.conftest import CHAIN_KEY
from tests.contracts.examples import PAYLOADS, envelope_of
from tests.unit.scheduling_fixtures import START, Clock, ect_details, provenance, session

pytestmark = pytest.mark.integration

TABLE = "scheduling_events"
LOG = chain.event_log("scheduling", TABLE)
KEY = ChainKey.from_text(CHAIN_KEY)


def settings_for(database_url: str, stack, topic_prefix: str, **more) -> SchedulingSettings:  # type: ignore[no-untyped-def]
    return SchedulingSettings(database_url=database_url, kafka_bootstrap_servers=stack.bootstrap_servers,
                              jwt_secret="unused-here-but-at-least-32-bytes-long",
                              kafka_topic_prefix=topic_prefix, **more)


@pytest.fixture
async def scheduling(stack, database_url, topic_prefix):  # type: ignore[no-untyped-def]
    service = await bootstrap(settings_for(database_url, stack, topic_prefix))
    service.app.today = Clock(START)
    ect_id = service.app.register_ect(provenance=provenance(), **ect_details(trn="3300001"))
    service.app.today = Clock(date(2026, 1, 30))
    for week in range(4):
        session(service.app, ect_id, date(2025, 9, 8 + 7 * week))
    yield service
    await service.close()


@pytest.fixture
async def conn(scheduling, database_url):  # type: ignore[no-untyped-def]
    connection = await asyncpg.connect(database_url)  # the database's administrator: no chain key
    yield connection
    await connection.close()


async def test_an_untouched_log_verifies(conn):
    verdict = await chain.verify(conn, LOG, KEY)
    assert verdict.intact and verdict.checked == 6  # registration, TRN index, four sessions


async def test_an_edited_event_is_found_and_named(conn):
    edited = await conn.fetchval(
        f"UPDATE scheduling.{TABLE} SET state = convert_to(replace(convert_from(state, 'UTF8'), "
        "'\"minutes\":60', '\"minutes\":90'), 'UTF8') "
        "WHERE notification_id = (SELECT notification_id FROM scheduling.scheduling_events "
        "ORDER BY notification_id OFFSET 3 LIMIT 1) RETURNING notification_id")
    verdict = await chain.verify(conn, LOG, KEY)
    assert not verdict.intact
    assert f"record {edited} " in verdict.problem and "altered" in verdict.problem
    assert verdict.checked == 3


async def test_an_edit_with_every_later_hash_recomputed_is_still_found(conn):
    """Without the key, an editor can only recompute the hashes the unkeyed way (or with a key
    of their own): the chain under the services' key no longer holds from the edited row."""
    rows = await conn.fetch(f"SELECT notification_id, originator_id, originator_version, topic, "
                            f"state FROM scheduling.{TABLE} ORDER BY notification_id")
    forged_key = ChainKey(b"the editor's own key, 32 bytes or more")
    previous = b""
    async with conn.transaction():
        for index, row in enumerate(rows):
            state = bytes(row["state"])
            if index == 3:
                state = state.replace(b'"minutes":60', b'"minutes":90')
                await conn.execute(f"UPDATE scheduling.{TABLE} SET state = $1 "
                                   "WHERE notification_id = $2", state, row["notification_id"])
            content = (f"{row['originator_id']}:{row['originator_version']}:{row['topic']}".encode()
                       + state)
            digest = forged_key.link(previous, content)
            await conn.execute(f"UPDATE scheduling.{TABLE} SET chain_prev = $1, chain_hash = $2 "
                               "WHERE notification_id = $3", previous, digest, row["notification_id"])
            previous = digest
    verdict = await chain.verify(conn, LOG, KEY)
    assert not verdict.intact and verdict.checked == 0 and "altered" in verdict.problem
    # and the plain sha256 chain of the previous release is no better
    previous = b""
    for row in rows:
        content = (f"{row['originator_id']}:{row['originator_version']}:{row['topic']}".encode()
                   + bytes(row["state"]))
        digest = hashlib.sha256(previous + content).digest()
        await conn.execute(f"UPDATE scheduling.{TABLE} SET chain_prev = $1, chain_hash = $2 "
                           "WHERE notification_id = $3", previous, digest, row["notification_id"])
        previous = digest
    assert not (await chain.verify(conn, LOG, KEY)).intact


async def test_a_removed_event_is_found(conn):
    removed = await conn.fetchval(
        f"DELETE FROM scheduling.{TABLE} WHERE notification_id = (SELECT notification_id FROM "
        f"scheduling.{TABLE} ORDER BY notification_id OFFSET 2 LIMIT 1) RETURNING notification_id")
    verdict = await chain.verify(conn, LOG, KEY)
    assert not verdict.intact and "removed" in verdict.problem
    assert str(removed) not in verdict.problem.split("before")[0]


async def test_reordered_events_are_found(conn):
    ids = [r[0] for r in await conn.fetch(
        f"SELECT notification_id FROM scheduling.{TABLE} ORDER BY notification_id")]
    move = f"UPDATE scheduling.{TABLE} SET notification_id = $1 WHERE notification_id = $2"
    async with conn.transaction():  # swap two records' places in the log
        await conn.execute(move, -1, ids[4])
        await conn.execute(move, ids[4], ids[5])
        await conn.execute(move, ids[5], -1)
    verdict = await chain.verify(conn, LOG, KEY)
    assert not verdict.intact and "reordered" in verdict.problem


async def test_a_record_inserted_around_the_trigger_is_not_healed_by_a_restart(conn):
    async with conn.transaction():  # someone with the rights disables the trigger and inserts
        await conn.execute(f"ALTER TABLE scheduling.{TABLE} DISABLE TRIGGER chain_events")
        inserted = await conn.fetchval(
            f"INSERT INTO scheduling.{TABLE} (originator_id, originator_version, topic, state) "
            f"SELECT originator_id, originator_version + 100, topic, state FROM scheduling.{TABLE} "
            "ORDER BY notification_id DESC LIMIT 1 RETURNING notification_id")
        await conn.execute(f"ALTER TABLE scheduling.{TABLE} ENABLE TRIGGER chain_events")
    await chain.install(conn, LOG, KEY)  # what every start-up does
    verdict = await chain.verify(conn, LOG, KEY)
    assert not verdict.intact
    assert f"record {inserted} " in verdict.problem and "inserted around the trigger" in verdict.problem
    assert (await chain.head(conn, LOG))[0] != inserted  # still unchained: nothing healed it


async def test_a_session_without_the_key_cannot_write_to_a_chained_log(conn):
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="holds no chain key"):
        await conn.execute(
            f"INSERT INTO scheduling.{TABLE} (originator_id, originator_version, topic, state) "
            f"SELECT originator_id, originator_version + 100, topic, state FROM scheduling.{TABLE} "
            "ORDER BY notification_id DESC LIMIT 1")
    assert (await chain.verify(conn, LOG, KEY)).checked == 6


async def test_a_service_given_another_key_refuses_to_start(scheduling, stack, database_url,
                                                             topic_prefix):
    settings = settings_for(database_url, stack, topic_prefix, chain_key="x" * 40)
    with pytest.raises(ChainKeyError, match="not sealed with this CHAIN_KEY"):
        await bootstrap(settings)


async def test_a_key_shorter_than_32_bytes_is_refused():
    with pytest.raises(ChainKeyError, match="at least 32 bytes"):
        ChainKey(b"short")


async def test_removing_the_newest_records_is_found_by_the_checkpoints(scheduling, conn, tmp_path):
    book = CheckpointBook(tmp_path, KEY)
    [checkpoint] = await take(scheduling.pool, [LOG], book, datetime(2026, 1, 30, 9, tzinfo=UTC))
    assert (await chain.verify(conn, LOG, KEY, book.anchors(LOG.name))).intact
    assert await take(scheduling.pool, [LOG], book) == []  # the head has not moved
    await conn.execute(f"DELETE FROM scheduling.{TABLE} WHERE notification_id IN (SELECT "
                       f"notification_id FROM scheduling.{TABLE} ORDER BY notification_id DESC "
                       "LIMIT 2)")
    assert (await chain.verify(conn, LOG, KEY)).intact  # a shorter chain is still whole...
    verdict = await chain.verify(conn, LOG, KEY, book.anchors(LOG.name))
    assert not verdict.intact  # ...but it no longer reaches the checkpoint
    assert f"reach record {checkpoint.place}" in verdict.problem
    assert "2026-01-30T09:00:00+00:00" in verdict.problem and "removed" in verdict.problem


async def test_a_checkpointed_record_removed_before_newer_ones_were_chained_is_found(
        scheduling, conn, tmp_path):
    book = CheckpointBook(tmp_path, KEY)
    [checkpoint] = await take(scheduling.pool, [LOG], book)
    await conn.execute(f"DELETE FROM scheduling.{TABLE} WHERE notification_id = $1",
                       checkpoint.place)
    scheduling.app.today = Clock(START)
    ect_id = scheduling.app.register_ect(provenance=provenance(), **ect_details(trn="3300002"))
    assert ect_id  # chained on from the record before the removed one: a whole chain again
    verdict = await chain.verify(conn, LOG, KEY, book.anchors(LOG.name))
    assert not verdict.intact and f"record {checkpoint.place}, which the checkpoint" in verdict.problem


async def test_an_altered_checkpoint_file_is_refused(scheduling, tmp_path):
    book = CheckpointBook(tmp_path, KEY)
    await take(scheduling.pool, [LOG], book)
    path = book.path(LOG.name)
    path.write_text(path.read_text().replace('"place": ', '"place": 1', 1))
    with pytest.raises(CheckpointError, match="not signed with the chain key"):
        book.anchors(LOG.name)


async def test_the_audit_trail_is_chained_in_the_order_its_writers_commit(database_url):
    """Concurrent writers each take their place under the trigger's lock: one chain, no fork."""
    pool = await create_pool(database_url, "public", chain_key=KEY, max_size=4)
    log = chain.audit_trail_log("public")
    try:
        async with pool.acquire() as c:
            await audit_trail.setup(c)
            await chain.install(c, log, KEY)
        example = envelope_of(PAYLOADS[0])

        async def write() -> None:
            async with pool.acquire() as c, c.transaction():
                await audit_trail.apply(c, example.model_copy(update={"event_id": uuid.uuid4()}))

        await asyncio.gather(*(write() for _ in range(40)))
        async with pool.acquire() as c:
            verdict = await chain.verify(c, log, KEY)
            assert verdict.intact and verdict.checked == 40
            await c.execute("UPDATE audit_trail SET envelope = jsonb_set(envelope, '{actor,id}', "
                            "'\"someone-else\"') WHERE chain_seq = (SELECT min(chain_seq) + 7 "
                            "FROM audit_trail)")
            assert "altered" in (await chain.verify(c, log, KEY)).problem
    finally:
        await pool.close()


@pytest.fixture
async def service_role(database_url):  # type: ignore[no-untyped-def]
    """A login role of the services' own, as production runs them (the suite's server trusts
    local logins); dropped with everything it made afterwards."""
    role = f"ect_service_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(database_url)
    await admin.execute(f"CREATE ROLE {role} LOGIN")
    yield role, dataclasses.replace(PostgresLocation.from_url(database_url), user=role).url()
    await admin.execute(f"REASSIGN OWNED BY {role} TO current_user")
    await admin.execute(f"DROP OWNED BY {role}")
    await admin.execute(f"DROP ROLE {role}")
    await admin.close()


async def test_the_services_own_role_can_neither_silence_nor_change_the_chain(
        stack, database_url, topic_prefix, service_role):
    role, service_url = service_role
    service = await bootstrap(settings_for(service_url, stack, topic_prefix,
                                           database_owner_url=database_url))
    try:
        service.app.today = Clock(START)
        service.app.register_ect(provenance=provenance(), **ect_details(trn="3300003"))
        as_service = await asyncpg.connect(service_url)
        try:
            assert await as_service.fetchval("SELECT current_user") == role
            table = f"scheduling.{TABLE}"
            for statement in (f"ALTER TABLE {table} DISABLE TRIGGER chain_events",
                              f"DROP TRIGGER chain_events ON {table}",
                              f"ALTER TABLE {table} DISABLE TRIGGER ALL",
                              "SET session_replication_role = replica",
                              f"DELETE FROM {table}", f"TRUNCATE {table}"):
                with pytest.raises(asyncpg.InsufficientPrivilegeError):
                    await as_service.execute(statement)
            # UPDATE is granted only because the writers' exclusive lock needs it; the guard refuses it
            with pytest.raises(asyncpg.InsufficientPrivilegeError, match="append-only"):
                await as_service.execute(f"UPDATE {table} SET state = state")
        finally:
            await as_service.close()
        owner = await asyncpg.connect(database_url)
        try:
            assert await owner.fetchval(
                "SELECT tableowner FROM pg_tables WHERE schemaname = 'scheduling' AND tablename = $1",
                TABLE) != role
            verdict = await chain.verify(owner, LOG, KEY)
            assert verdict.intact and verdict.checked == 2  # the registration and the TRN index
        finally:
            await owner.close()
    finally:
        await service.close()
