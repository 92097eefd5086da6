"""The benchmark harness still runs: every measure at a tiny size on the suite's embedded services.

No timing thresholds: a shared machine's speed says nothing about the code. These only show
that each measure drives the real path to completion and reports a figure and a ratio.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from bench.commands import measure_commands
from bench.infra import Infra
from bench.ingest import measure_ingest
from bench.rebuild import measure_rebuild
from bench.relay import measure_relay

pytestmark = pytest.mark.integration

EVENTS = 200


@pytest.fixture
async def infra(embedded_stack) -> AsyncIterator[Infra]:  # type: ignore[no-untyped-def]
    infra = Infra(embedded_stack.server_url, embedded_stack.bootstrap_servers,
                  prefix=f"t{uuid.uuid4().hex[:10]}.", postgres_kind="embedded", kafka_kind="embedded")
    yield infra
    await infra.drop_databases()


async def test_the_relay_measure_publishes_every_event_and_reports_a_rate_and_a_ratio(infra):
    measurement = await measure_relay(infra, EVENTS, seed=1)

    [row] = measurement.rows
    details = measurement.details
    # what the bench measured, not what it was asked: the relay pumped, and its rate is every
    # event over the relay's own time (the baseline over the raw producer's)
    assert details["pump_calls"] >= 1
    assert row.figure == pytest.approx(EVENTS / details["relay_seconds"])
    assert row.baseline == pytest.approx(EVENTS / details["raw_seconds"])
    assert row.ratio > 0


async def test_the_ingest_measure_fills_the_projection_and_reports_a_rate_and_a_ratio(infra):
    measurement = await measure_ingest(infra, EVENTS, seed=1)

    [row] = measurement.rows
    assert measurement.details["path"] == "faststream subscribe"
    assert row.figure > 0 and row.baseline > 0
    assert row.ratio > 0


async def test_the_rebuild_measure_replays_every_event_and_reports_a_rate_and_a_ratio(infra):
    measurement = await measure_rebuild(infra, EVENTS, seed=1)

    [row] = measurement.rows
    details = measurement.details
    # the replay reported its progress, and the rate is the events it replayed over its own time
    assert details["progress_calls"] >= 1
    assert row.figure == pytest.approx(details["events"] / details["seconds"])
    assert row.baseline == pytest.approx(details["events"] / details["raw_seconds"])


async def test_the_commands_and_memory_measures_report_each_rate_and_each_service(infra):
    found = await measure_commands(infra, seed=1, rates=(20,), seconds=0.5, scale=0.05)

    commands, memory = found["commands"], found["memory"]
    achieved, p50, p99, e2e_p50, e2e_p99 = commands.rows
    assert commands.details["platform"][0]["requests"] == 10
    assert achieved.unit == "req/s" and achieved.figure > 0 and achieved.baseline > 0
    assert p50.unit == p99.unit == "ms" and p99.figure >= p50.figure
    # the tracer's sessions were seen in the projection: at least one, timed
    assert commands.details["platform"][0]["e2e_samples"] >= 1
    assert e2e_p50.unit == e2e_p99.unit == "ms" and e2e_p99.figure >= e2e_p50.figure > 0
    assert [row.name.split()[0] for row in memory.rows] == ["scheduling", "reporting", "notifications"]
    assert all(row.figure > 0 and row.baseline > 0 for row in memory.rows)
