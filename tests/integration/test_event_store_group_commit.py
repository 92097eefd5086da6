"""Group commit on real PostgreSQL: writers that share a transaction each get exactly their outcome."""

from __future__ import annotations

import asyncio
import threading
from datetime import date, timedelta
from uuid import UUID, uuid4

import asyncpg
import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from ect_platform import chain
from ect_platform.chain import ChainKey
from ect_platform.database import ensure_schema
from ect_platform.event_store import GroupCommitRecorder
from scheduling.bootstrap import build_application
from scheduling.settings import SchedulingSettings
from tests.conftest import CHAIN_KEY
from tests.unit.scheduling_fixtures import START, Clock, ect_details, provenance

pytestmark = pytest.mark.integration


@pytest.fixture
async def app(database_url):  # type: ignore[no-untyped-def]
    settings = SchedulingSettings(database_url=database_url, kafka_bootstrap_servers="unused:9092",
                                  jwt_secret="unused-here-but-at-least-32-bytes-long")
    await ensure_schema(database_url, settings.db_schema)
    application = build_application(settings)
    conn = await asyncpg.connect(database_url)
    await chain.install(conn, chain.event_log(settings.db_schema,
                                              application.recorder.events_table_name),
                        settings.chain())
    await conn.close()
    yield application
    application.close()


def _event(originator: UUID, version: int) -> StoredEvent:
    return StoredEvent(originator_id=originator, originator_version=version, topic="t", state=b"{}")


def _all_at_once(calls):  # type: ignore[no-untyped-def]
    """Runs the calls on threads released together; each call's result or exception."""
    start = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def run(index: int) -> None:
        start.wait()
        try:
            outcomes[index] = calls[index]()
        except Exception as error:
            outcomes[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


async def test_scheduling_stores_through_the_group_commit_recorder(app):
    assert isinstance(app.recorder, GroupCommitRecorder)


async def test_each_writer_gets_its_own_ids_or_its_own_clash(app):
    recorder = app.recorder
    taken = uuid4()
    recorder.insert_events([_event(taken, 1)])
    fresh = [uuid4() for _ in range(12)]
    calls = [lambda o=o: recorder.insert_events([_event(o, 1), _event(o, 2)]) for o in fresh]
    calls += [lambda: recorder.insert_events([_event(taken, 1)])] * 3  # versions already stored
    outcomes = await asyncio.to_thread(_all_at_once, calls)

    stored, clashes = outcomes[:12], outcomes[12:]
    assert all(isinstance(outcome, IntegrityError) for outcome in clashes)
    assert all(isinstance(outcome, list) and len(outcome) == 2 for outcome in stored)
    for originator, ids in zip(fresh, stored, strict=True):
        assert ids[1] == ids[0] + 1, "a writer's events are contiguous in the log"
        notifications = recorder.select_notifications(start=ids[0], limit=2)
        assert [(n.originator_id, n.originator_version) for n in notifications] == [
            (originator, 1), (originator, 2)]
    assert len(recorder.select_events(taken)) == 1


async def test_saving_no_events_touches_nothing(app):
    before = app.recorder.max_notification_id()
    assert app.recorder.insert_events([]) == []
    assert app.recorder.max_notification_id() == before


async def test_concurrent_commands_on_one_app_lose_nothing_and_keep_the_chain(app, database_url):
    app.today = Clock(START)
    ects = [app.register_ect(provenance=provenance(), **ect_details(trn=f"34000{n:02d}"))
            for n in range(3)]
    app.today = Clock(date(2026, 7, 1))

    def record(week: int):  # type: ignore[no-untyped-def]
        return app.record_session(ects[week % 3], request_id=f"w{week}",
                                  held_on=START + timedelta(weeks=week // 3), minutes=60,
                                  observation_included=False, action_step=None,
                                  provenance=provenance("hub_lead"))

    calls = [lambda week=week: record(week) for week in range(36)]
    outcomes = await asyncio.to_thread(_all_at_once, calls)
    assert all(isinstance(outcome, tuple) and outcome[1] for outcome in outcomes), outcomes
    for ect_id in ects:
        assert app.get_induction(ect_id).sessions_held == 12
    again = await asyncio.to_thread(record, 0)
    assert again == (outcomes[0][0], False), "the same request is recorded once"  # type: ignore[index]

    conn = await asyncpg.connect(database_url)
    verdict = await chain.verify(conn, chain.event_log("scheduling", app.recorder.events_table_name),
                                 ChainKey.from_text(CHAIN_KEY))
    await conn.close()
    assert verdict.intact and verdict.checked == 3 * 2 + 36
