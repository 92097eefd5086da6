"""``run_periodically``: the one wait-and-backoff of every background loop."""

from __future__ import annotations

import asyncio
import gc

import pytest

from ect_platform.runtime import run_periodically


async def test_it_waits_the_interval_or_a_nudge_and_stops_promptly():
    stop, wake, passes = asyncio.Event(), asyncio.Event(), []

    async def step() -> None:
        passes.append(1)

    loop = asyncio.create_task(run_periodically(
        step, stop=stop, wake=wake, every=60, first_backoff=1, max_backoff=30,
        retry_on=(OSError,), on_failure=lambda exc, wait: None))
    await asyncio.sleep(0.05)
    assert len(passes) == 1  # waiting the interval
    wake.set()
    await asyncio.sleep(0.05)
    assert len(passes) == 2  # the nudge started the next pass
    stop.set()
    await asyncio.wait_for(loop, timeout=1)


async def test_a_failure_backs_off_doubling_to_the_cap_and_a_success_resets_it():
    stop, waits = asyncio.Event(), []
    outcomes = [OSError("down")] * 4 + [None, OSError("down")]

    async def step() -> None:
        outcome = outcomes.pop(0)
        if not outcomes:
            stop.set()
        if outcome is not None:
            raise outcome

    await asyncio.wait_for(run_periodically(
        step, stop=stop, wake=None, every=0.001, first_backoff=0.001, max_backoff=0.004,
        retry_on=(OSError,), on_failure=lambda exc, wait: waits.append(wait)), timeout=2)
    assert waits == [0.001, 0.002, 0.004, 0.004, 0.001]


async def test_an_unexpected_error_ends_the_loop_and_a_true_step_goes_again_at_once():
    stop, passes = asyncio.Event(), []

    async def step() -> bool:
        passes.append(1)
        if len(passes) == 3:
            raise KeyError("a bug")
        return True

    with pytest.raises(KeyError):
        await asyncio.wait_for(run_periodically(
            step, stop=stop, wake=None, every=60, first_backoff=1, max_backoff=30,
            retry_on=(OSError,), on_failure=lambda exc, wait: None), timeout=1)


@pytest.fixture
def keep_the_collector():  # type: ignore[no-untyped-def]
    """``serve`` tunes the garbage collector for a service process; give the test's back."""
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


@pytest.mark.usefixtures("keep_the_collector")
async def test_run_service_serves_the_chosen_parts_and_closes_the_service_after():
    from types import SimpleNamespace

    from ect_platform.metrics import Exposition
    from ect_platform.runtime import BackgroundLoopDied, Parts, run_service

    closed, chosen_for = [], []

    class Service:
        pool = producer = None

        async def close(self) -> None:
            closed.append(True)

    async def bootstrap(settings: object) -> Service:
        return Service()

    async def dies(stop: asyncio.Event) -> None:
        raise RuntimeError("a loop that dies")

    def parts(service: Service) -> Parts:
        chosen_for.append(service)
        return Parts(None, [dies], Exposition())

    settings = SimpleNamespace(host="127.0.0.1", port=0, metrics_port=None)
    with pytest.raises(BackgroundLoopDied):
        await asyncio.wait_for(run_service(settings, bootstrap, parts), timeout=5)
    assert len(chosen_for) == 1 and closed == [True]
