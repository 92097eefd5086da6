"""An ECT whose recompute keeps failing is quarantined; the others, and the partition, go on."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from contracts import Role
from contracts.topics import ALL_TOPICS
from ect_platform.kafka import ensure_topics
from reporting.projections import backlog
from tests.conftest import JWT_SECRET, Stack
from tests.integration.test_reporting_harness import AUDITOR, LEAD, Hub, headers, open_hub
from tests.integration.test_reporting_scenarios import START

pytestmark = pytest.mark.integration


@pytest.fixture
async def hub(database_url):  # type: ignore[no-untyped-def]
    hub = await open_hub(database_url, START)
    yield hub
    await hub.pool.close()


async def test_one_ects_failing_recompute_is_quarantined_and_the_others_are_projected(hub: Hub):
    good = hub.register()
    bad = hub.register(trn="7654329", name="Grace Kelly")
    await hub.deliver()  # both projected while the code is sound
    compute = hub.projections._compute_many

    async def with_a_bug(conn: Any, ect_ids: Any, *args: Any, **kwargs: Any) -> Any:
        if bad in ect_ids:
            raise ZeroDivisionError("a bug this ECT's facts bring out")
        return await compute(conn, ect_ids, *args, **kwargs)

    hub.projections._compute_many = with_a_bug  # type: ignore[method-assign]
    hub.on(date(2025, 9, 10))
    hub.sessions(good, [date(2025, 9, 8)])
    hub.sessions(bad, [date(2025, 9, 8)])
    await hub.deliver()  # the consumer neither raises (redelivery for ever) nor stalls
    assert (await hub.entitlement(good))["sessions_held"] == 1
    quarantine = await hub.get("/projection-quarantine", AUDITOR)
    [held] = quarantine["items"]
    assert (held["ect_id"], held["name"]) == (str(bad), "Grace Kelly")
    assert "ZeroDivisionError: a bug this ECT's facts bring out" in held["error"]
    assert (await hub.http.get("/projection-quarantine", headers=LEAD)).status_code == 200
    page = (await hub.http.get("/dashboard", headers={**LEAD, "Accept": "text/html"})).text
    notice = page.split('id="quarantine-heading"', 1)[1].split("</section>", 1)[0]
    assert "1 teacher&#39;s record could not be brought up to date" in notice
    assert f'<a href="/dashboard/ects/{bad}">Grace Kelly</a> (TRN 7654329)' in notice
    mentor = headers(Role.MENTOR, "m-1")  # not told: it is the hub's to act on
    assert "quarantine-heading" not in (
        await hub.http.get("/dashboard", headers={**mentor, "Accept": "text/html"})).text

    # fixed: the next fact about it recomputes it and takes it out of quarantine
    hub.projections._compute_many = compute  # type: ignore[method-assign]
    hub.sessions(bad, [date(2025, 9, 9)])
    await hub.deliver()
    assert (await hub.get("/projection-quarantine", AUDITOR))["items"] == []
    assert (await hub.entitlement(bad))["sessions_held"] == 2


async def test_a_retry_after_a_fix_recomputes_the_quarantined_without_waiting_for_a_new_fact(hub: Hub):
    bad = hub.register(trn="7654329", name="Grace Kelly")
    await hub.deliver()
    compute = hub.projections._compute_many

    async def with_a_bug(conn: Any, ect_ids: Any, *args: Any, **kwargs: Any) -> Any:
        raise ZeroDivisionError("a bug")

    hub.projections._compute_many = with_a_bug  # type: ignore[method-assign]
    hub.on(date(2025, 9, 10))
    hub.sessions(bad, [date(2025, 9, 8)])
    await hub.deliver()
    assert len((await hub.get("/projection-quarantine", AUDITOR))["items"]) == 1

    hub.projections._compute_many = compute  # type: ignore[method-assign]  # the fix deployed
    async with hub.pool.acquire() as conn:
        assert await backlog.retry(conn) == 1  # what `ect dlq replay` asks reporting to do
    await hub.consumer.drain()  # as the refresh loop does
    assert (await hub.get("/projection-quarantine", AUDITOR))["items"] == []
    assert (await hub.entitlement(bad))["sessions_held"] == 1


def ect(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The operator's command, as a separate process on the same database and broker."""
    return subprocess.run([sys.executable, "-c", "from ect_platform.cli import main; main()", *args],
                          env=env, capture_output=True, text=True, timeout=180, check=False)


async def test_ect_dlq_list_names_the_quarantined_and_dlq_replay_puts_them_back(
        hub: Hub, stack: Stack, topic_prefix: str, tmp_path: Path):
    bad = hub.register(trn="7654329", name="Grace Kelly")
    await hub.deliver()

    async def with_a_bug(conn: Any, ect_ids: Any, *args: Any, **kwargs: Any) -> Any:
        raise ZeroDivisionError("a bug this ECT's facts bring out")

    hub.projections._compute_many = with_a_bug  # type: ignore[method-assign]
    hub.on(date(2025, 9, 10))
    hub.sessions(bad, [date(2025, 9, 8)])
    await hub.deliver()
    await ensure_topics(stack.bootstrap_servers, ALL_TOPICS, topic_prefix)  # nothing parked there
    env = dict(os.environ, DATABASE_URL=hub.database_url, KAFKA_BOOTSTRAP_SERVERS=stack.bootstrap_servers,
               KAFKA_TOPIC_PREFIX=topic_prefix, JWT_SECRET=JWT_SECRET, ECT_STATE_DIR=str(tmp_path))

    listed = await asyncio.to_thread(ect, "dlq", "list", env=env)
    assert listed.returncode == 0, listed.stderr
    assert "0 parked message(s)" in listed.stdout
    assert "1 quarantined ECT(s)" in listed.stdout
    [line] = [line for line in listed.stdout.splitlines() if "Grace Kelly (TRN 7654329)" in line]
    assert "ZeroDivisionError: a bug this ECT's facts bring out" in line and str(bad) not in line

    replayed = await asyncio.to_thread(ect, "dlq", "replay", env=env)
    assert replayed.returncode == 0, replayed.stderr
    assert "1 quarantined ECT(s) put back for reporting to recompute" in replayed.stdout
    backlog_now = await hub.pool.fetch("SELECT ect_id FROM reporting.projection_backlog")
    assert [row["ect_id"] for row in backlog_now] == [bad]
