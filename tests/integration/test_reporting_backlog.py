"""reporting's recompute backlog on real PostgreSQL: deferred while catching up, never lost.

The consumer files facts and marks ECTs in the inbox's transaction, and recomputes the marked
ECTs when a batch comes in short (caught up), when its lag bound passes, or when a later
process drains what a crash left. These tests hold it to that, and show that a mark made
while a drain holds the ECT survives the drain.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import date

import asyncpg
import pytest

from contracts import encode
from ect_platform.database import create_pool, ensure_schema
from ect_platform.keystore import MemoryKeystore
from ect_platform.sealing import EnvelopeSealer
from reporting.projections import backlog, entitlement
from reporting.projections import consumer as projections
from reporting.projections.consumer import ReportingConsumer, ReportingProjections
from tests.integration.test_entitlement_consumer import scheduling_events
from tests.integration.test_reporting_harness import record
from tests.support import eventually

pytestmark = pytest.mark.integration

TODAY = date(2026, 7, 1)
# the relay's keys and every consumer's here: one key store, as the services share one
SEALER = EnvelopeSealer(MemoryKeystore())


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    await ensure_schema(database_url, "reporting")
    pool = await create_pool(database_url, "reporting")
    async with pool.acquire() as conn:
        await projections.setup(conn)
    consumer = ReportingConsumer(pool, ReportingProjections(lambda: TODAY, sealer=SEALER), name="setup")
    await consumer.setup()
    yield pool
    await pool.close()


def consumer(pool: asyncpg.Pool, **policy: float) -> ReportingConsumer:
    return ReportingConsumer(pool, ReportingProjections(lambda: TODAY, sealer=SEALER), name="backlog-test",
                             **policy)  # type: ignore[arg-type]


def values(sessions: int) -> tuple[uuid.UUID, list[bytes]]:
    ect_id, envelopes = scheduling_events(sessions=sessions, trn="3000001", sealer=SEALER)
    return ect_id, [encode(e) for e in envelopes]


async def held(pool: asyncpg.Pool, ect_id: uuid.UUID) -> int | None:
    row = await entitlement.get(pool, ect_id)
    return row["sessions_held"] if row else None


async def owing(pool: asyncpg.Pool) -> int:
    async with pool.acquire() as conn:
        return await backlog.size(conn)


async def test_full_batches_defer_the_recompute_until_a_short_batch_says_it_caught_up(pool):
    ect_id, messages = values(sessions=5)
    assert len(messages) == 6  # the registration and five sessions
    reading = consumer(pool, catch_up_batch=3, max_lag_seconds=3600)

    await reading.handle([record(v, n) for n, v in enumerate(messages[:3])])
    await reading.handle([record(v, n) for n, v in enumerate(messages[3:6], start=3)])
    assert await held(pool, ect_id) is None and await owing(pool) == 1  # filed, not yet shown

    await reading.handle([record(messages[-1], 5)])  # a short batch (a redelivery): caught up
    assert await held(pool, ect_id) == 5 and await owing(pool) == 0


async def test_a_full_batch_that_ends_a_burst_is_recomputed_within_the_lag_bound(pool):
    ect_id, messages = values(sessions=2)
    assert len(messages) == 3
    reading = consumer(pool, catch_up_batch=3, max_lag_seconds=0.2)

    await reading.handle([record(v, n) for n, v in enumerate(messages)])  # exactly full
    assert await held(pool, ect_id) is None

    assert await eventually(lambda: held(pool, ect_id)) == 2  # no batch came: the timer drained
    assert await owing(pool) == 0


async def test_what_a_crash_left_on_the_backlog_is_recomputed_by_the_next_process(pool):
    ect_id, messages = values(sessions=3)
    crashed = consumer(pool, catch_up_batch=100, auto_drain=False)
    await crashed.handle([record(v, n) for n, v in enumerate(messages)])
    del crashed  # gone before it drained: the facts and the marks are committed, nothing shown
    assert await held(pool, ect_id) is None

    assert await consumer(pool).drain() == 1
    assert await held(pool, ect_id) == 3


async def test_an_ect_marked_while_a_drain_holds_it_stays_marked(pool):
    ect_id = uuid.uuid4()
    async with pool.acquire() as setup:
        await backlog.mark(setup, [ect_id])
    async with pool.acquire() as drainer, pool.acquire() as filer:
        drain = drainer.transaction()
        await drain.start()
        assert await backlog.take(drainer, 10) == [ect_id]

        async def file_more() -> None:
            async with filer.transaction():
                await backlog.mark(filer, [ect_id])  # waits for the drain's row lock

        filing = asyncio.create_task(file_more())
        await asyncio.sleep(0.3)
        assert not filing.done()  # it did wait, rather than see the mark and do nothing
        await backlog.clear(drainer, [ect_id])
        await drain.commit()
        await asyncio.wait_for(filing, 5)

    async with pool.acquire() as conn:
        assert await backlog.take(conn, 10) == [ect_id]


async def test_a_full_batch_after_a_drain_that_overtook_the_timer_is_still_recomputed(pool):
    """The timer armed by one full batch must not be spent by a drain that comes in between:
    a full batch filed after that drain, with the timer still pending, is shown all the same."""
    ect_id, messages = values(sessions=7)
    assert len(messages) == 8
    reading = consumer(pool, catch_up_batch=2, max_lag_seconds=0.3)
    b0, b1, b2, b3 = ([record(v, n) for n, v in enumerate(messages)][i:i + 2] for i in range(0, 8, 2))
    await asyncio.sleep(0.3)
    await reading.handle(b0)  # the lag has passed: drained at once
    await asyncio.sleep(0.15)
    await reading.handle(b1)  # within the lag: a timer is armed
    await asyncio.sleep(0.2)
    await reading.handle(b2)  # the lag has passed again: drained, before the timer is due
    await reading.handle(b3)  # within the lag, the timer still pending

    # nobody else will come: the pending timer must show the last batch (polled, with a deadline)
    async def all_seven() -> bool:
        return await held(pool, ect_id) == 7

    await eventually(all_seven, within=10)
    assert await owing(pool) == 0
