"""Concurrent writers on one ECT, on real PostgreSQL: every accepted command is kept, none is lost."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest

from scheduling.bootstrap import build_application
from scheduling.settings import SchedulingSettings
from tests.unit.scheduling_fixtures import START, Clock, ect_details, provenance

pytestmark = pytest.mark.integration


async def test_concurrent_sessions_on_one_ect_are_all_recorded_by_optimistic_retry(stack, database_url):
    from ect_platform.database import ensure_schema

    settings = SchedulingSettings(database_url=database_url, kafka_bootstrap_servers="unused:9092",
                                  jwt_secret="unused-here-but-at-least-32-bytes-long")
    await ensure_schema(database_url, settings.db_schema)
    writers = [build_application(settings) for _ in range(4)]  # four processes' worth of stores
    for app in writers:
        app.today = Clock(START)
    ect_id = writers[0].register_ect(provenance=provenance(), **ect_details(trn="3200001"))
    for app in writers:
        app.today = Clock(date(2026, 7, 1))

    def record(app, week: int):  # type: ignore[no-untyped-def]
        return app.record_session(ect_id, request_id=f"w{week}", held_on=START + timedelta(weeks=week),
                                  minutes=60, observation_included=True, action_step=None,
                                  provenance=provenance("hub_lead"))

    results = await asyncio.gather(*[asyncio.to_thread(record, writers[week % 4], week)
                                     for week in range(24)])
    assert all(created for _, created in results)
    ect = writers[0].get_induction(ect_id)
    assert ect.sessions_held == 24, "no update was lost"
    assert ect.version == 25
    for app in writers:
        app.close()
