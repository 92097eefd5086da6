"""The event log is hash-chained: an edit, a removal or a reordering in PostgreSQL is found and named."""

from __future__ import annotations

from datetime import date

import asyncpg
import pytest

from ect_platform import chain
from scheduling.bootstrap import bootstrap
from scheduling.settings import SchedulingSettings
from tests.unit.scheduling_fixtures import START, Clock, ect_details, provenance, session

pytestmark = pytest.mark.integration


@pytest.fixture
async def scheduling(stack, database_url, topic_prefix):  # type: ignore[no-untyped-def]
    settings = SchedulingSettings(database_url=database_url, kafka_bootstrap_servers=stack.bootstrap_servers,
                                  jwt_secret="unused-here-but-at-least-32-bytes-long",
                                  kafka_topic_prefix=topic_prefix)
    service = await bootstrap(settings)
    service.app.today = Clock(START)
    ect_id = service.app.register_ect(provenance=provenance(), **ect_details(trn="3300001"))
    service.app.today = Clock(date(2026, 1, 30))
    for week in range(4):
        session(service.app, ect_id, date(2025, 9, 8 + 7 * week))
    yield service
    await service.close()


TABLE = "scheduling_events"


async def test_an_untouched_log_verifies(scheduling, database_url):
    conn = await asyncpg.connect(database_url)
    verdict = await chain.verify(conn, "scheduling", TABLE)
    await conn.close()
    assert verdict.intact and verdict.checked == 6  # registration, TRN index, four sessions


async def test_an_edited_event_is_found_and_named(scheduling, database_url):
    conn = await asyncpg.connect(database_url)
    edited = await conn.fetchval(
        f"UPDATE scheduling.{TABLE} SET state = convert_to(replace(convert_from(state, 'UTF8'), "
        "'\"minutes\":60', '\"minutes\":90'), 'UTF8') "
        "WHERE notification_id = (SELECT notification_id FROM scheduling.scheduling_events "
        "ORDER BY notification_id OFFSET 3 LIMIT 1) RETURNING notification_id")
    verdict = await chain.verify(conn, "scheduling", TABLE)
    await conn.close()
    assert not verdict.intact
    assert f"record {edited} " in verdict.problem and "altered" in verdict.problem
    assert verdict.checked == 3


async def test_a_removed_event_is_found(scheduling, database_url):
    conn = await asyncpg.connect(database_url)
    removed = await conn.fetchval(
        f"DELETE FROM scheduling.{TABLE} WHERE notification_id = (SELECT notification_id FROM "
        f"scheduling.{TABLE} ORDER BY notification_id OFFSET 2 LIMIT 1) RETURNING notification_id")
    verdict = await chain.verify(conn, "scheduling", TABLE)
    await conn.close()
    assert not verdict.intact and "removed" in verdict.problem
    assert str(removed) not in verdict.problem.split("before")[0]


async def test_reordered_events_are_found(scheduling, database_url):
    conn = await asyncpg.connect(database_url)
    ids = [r[0] for r in await conn.fetch(
        f"SELECT notification_id FROM scheduling.{TABLE} ORDER BY notification_id")]
    move = f"UPDATE scheduling.{TABLE} SET notification_id = $1 WHERE notification_id = $2"
    async with conn.transaction():  # swap two records' places in the log
        await conn.execute(move, -1, ids[4])
        await conn.execute(move, ids[4], ids[5])
        await conn.execute(move, ids[5], -1)
    verdict = await chain.verify(conn, "scheduling", TABLE)
    await conn.close()
    assert not verdict.intact and "reordered" in verdict.problem


async def test_a_record_inserted_around_the_trigger_is_not_healed_by_a_restart(scheduling, database_url):
    conn = await asyncpg.connect(database_url)
    async with conn.transaction():  # someone with the rights disables the trigger and inserts
        await conn.execute(f"ALTER TABLE scheduling.{TABLE} DISABLE TRIGGER chain_events")
        inserted = await conn.fetchval(
            f"INSERT INTO scheduling.{TABLE} (originator_id, originator_version, topic, state) "
            f"SELECT originator_id, originator_version + 100, topic, state FROM scheduling.{TABLE} "
            "ORDER BY notification_id DESC LIMIT 1 RETURNING notification_id")
        await conn.execute(f"ALTER TABLE scheduling.{TABLE} ENABLE TRIGGER chain_events")
    await chain.install(conn, "scheduling", TABLE)  # what every start-up does
    verdict = await chain.verify(conn, "scheduling", TABLE)
    await conn.close()
    assert not verdict.intact
    assert f"record {inserted} " in verdict.problem and "inserted around the trigger" in verdict.problem
