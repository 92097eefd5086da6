"""A service process whose background loop dies exits instead of answering ready without it."""

from __future__ import annotations

import asyncio
import gc

import httpx
import pytest
from fastapi import FastAPI

from ect_platform.embedded import free_port
from ect_platform.runtime import BackgroundLoopDied, serve


@pytest.fixture(autouse=True)
def keep_the_collector():  # type: ignore[no-untyped-def]
    """``serve`` tunes the garbage collector for a service process; give the test's back."""
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


async def relay_with_a_bug(stop: asyncio.Event) -> None:
    await asyncio.sleep(0.05)
    raise KeyError("a bug the loop's own retries do not catch")


async def loop_that_returns(stop: asyncio.Event) -> None:
    await asyncio.sleep(0.05)


async def steady(stop: asyncio.Event) -> None:
    await stop.wait()


async def test_a_background_loop_that_raises_takes_the_process_down_naming_it():
    with pytest.raises(BackgroundLoopDied, match="relay_with_a_bug") as died:
        await asyncio.wait_for(serve(None, "127.0.0.1", 0, [steady, relay_with_a_bug]), timeout=5)
    assert "KeyError" in str(died.value)


async def test_a_background_loop_that_returns_early_takes_the_process_down_too():
    with pytest.raises(BackgroundLoopDied, match="returned"):
        await asyncio.wait_for(serve(None, "127.0.0.1", 0, [loop_that_returns]), timeout=5)


async def test_the_http_server_stops_when_a_loop_dies_so_the_api_does_not_answer_ready_alone():
    api = FastAPI()

    @api.get("/health/ready")
    async def ready() -> dict[str, str]:
        return {"status": "ready"}

    port = free_port()

    async def dies_once_serving(stop: asyncio.Event) -> None:
        async with httpx.AsyncClient() as client:
            for _ in range(100):  # until the server answers
                try:
                    assert (await client.get(f"http://127.0.0.1:{port}/health/ready")).status_code == 200
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.05)
        raise RuntimeError("delivery loop crashed")

    with pytest.raises(BackgroundLoopDied, match="delivery loop crashed"):
        await asyncio.wait_for(serve(api, "127.0.0.1", port, [steady, dies_once_serving]), timeout=10)
    async with httpx.AsyncClient() as client:
        with pytest.raises(httpx.ConnectError):
            await client.get(f"http://127.0.0.1:{port}/health/ready")
