"""Run one service process: its HTTP API and its background loops on one event loop.

uvicorn owns the signals (SIGINT/SIGTERM); when it stops serving, the loops are told to
stop and are awaited, so a relay never dies half-way through recording a position.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import Callable, Coroutine, Iterator, Sequence
from typing import Any

import uvicorn
from fastapi import FastAPI

log = logging.getLogger(__name__)

Loop = Callable[[asyncio.Event], Coroutine[Any, Any, None]]


class _Server(uvicorn.Server):
    """uvicorn re-raises a captured SIGTERM/SIGINT once it stops serving, which would kill
    the process before the loops below are stopped; we exit normally after cleaning up."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        with super().capture_signals():
            yield
            self._captured_signals.clear()


GC_FIRST_GENERATION = 50_000


def tune_gc() -> None:
    """The garbage collector set for a long-lived service process, once it has started.

    Reference counting frees almost everything a request or a batch allocates; the cyclic
    collector only finds cycles, yet by default it runs every 700 net allocations and each
    full pass walks every object the process holds, start-up's included (modules, pydantic
    models, pools). Profiled, that was about 15% of the relay's time. ``gc.freeze`` takes what
    start-up built out of the collector's walks, and a first generation of 50,000 makes the
    young collections rarer; cycles are still collected, a little later.
    """
    gc.freeze()
    gc.set_threshold(GC_FIRST_GENERATION, *gc.get_threshold()[1:])


async def serve(api: FastAPI | None, host: str, port: int, loops: Sequence[Loop]) -> None:
    tune_gc()
    stop = asyncio.Event()
    tasks = [asyncio.create_task(loop(stop)) for loop in loops]
    try:
        if api is not None:
            config = uvicorn.Config(api, host=host, port=port, log_level="warning",
                                    lifespan="off", access_log=False)
            await _Server(config).serve()
        else:
            await _until_signalled()
    finally:
        stop.set()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException) and not isinstance(result, asyncio.CancelledError):
                log.error("background loop ended with %r", result)


def broker_loop(broker: Any) -> Loop:
    """A faststream broker's consumers as a background loop: started, then stopped on shutdown."""

    async def consume(stop: asyncio.Event) -> None:
        await broker.start()
        try:
            await stop.wait()
        finally:
            await broker.stop()

    return consume


async def _until_signalled() -> None:
    import signal

    loop = asyncio.get_running_loop()
    done = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, done.set)
    await done.wait()


def configure_logging(service: str) -> None:
    logging.basicConfig(
        level=logging.INFO,
        format=f"%(asctime)s {service} %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("aiokafka").setLevel(logging.WARNING)
    logging.getLogger("faststream").setLevel(logging.WARNING)
