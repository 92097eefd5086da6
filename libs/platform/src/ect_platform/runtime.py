"""Run one service process: its HTTP API and its background loops on one event loop.

uvicorn owns the signals (SIGINT/SIGTERM); when it stops serving, the loops are told to
stop and are awaited, so a relay never dies half-way through recording a position.

A background loop (relay, consumer, scheduler, delivery) that ends by itself, whether it
raised or returned, takes the process down with ``BackgroundLoopDied``: a process whose
relay is dead must not go on answering ``ready`` while nothing moves. The orchestrator (or
``ect up``) sees it exit and restarts it.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import Awaitable, Callable, Coroutine, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import uvicorn
from fastapi import FastAPI

from ect_platform.kafka import readiness_checks
from ect_platform.metrics import Exposition, serving

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


class BackgroundLoopDied(RuntimeError):
    """A background loop ended while the process was meant to run: the process exits."""


async def serve(api: FastAPI | None, host: str, port: int, loops: Sequence[Loop]) -> None:
    tune_gc()
    stop = asyncio.Event()
    ended_early = asyncio.Event()
    died: list[asyncio.Task[None]] = []
    server: _Server | None = None

    def on_done(task: asyncio.Task[None]) -> None:
        if stop.is_set():
            return  # told to stop: the shutdown below awaits it
        died.append(task)
        ended_early.set()
        if server is not None:
            server.should_exit = True

    tasks = [asyncio.create_task(loop(stop), name=_name(loop)) for loop in loops]
    for task in tasks:
        task.add_done_callback(on_done)
    try:
        if api is not None:
            config = uvicorn.Config(api, host=host, port=port, log_level="warning",
                                    lifespan="off", access_log=False)
            server = _Server(config)
            if not ended_early.is_set():
                await server.serve()
        else:
            await _until_signalled(ended_early)
    finally:
        stop.set()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException) and not isinstance(result, asyncio.CancelledError):
                log.error("background loop ended with %r", result)
    if died:
        first = died[0]
        why = repr(first.exception()) if not first.cancelled() and first.exception() else "returned"
        raise BackgroundLoopDied(f"background loop {first.get_name()} ended ({why}); the process "
                                 "exits so that it is restarted rather than answer ready with it dead")


async def pause(stop: asyncio.Event, wake: asyncio.Event | None, seconds: float) -> None:
    """Until stopped, woken (``wake``, if any) or ``seconds`` are up, whichever comes first."""
    waiters = [asyncio.ensure_future(stop.wait())]
    if wake is not None:
        waiters.append(asyncio.ensure_future(wake.wait()))
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()


async def run_periodically(
    step: Callable[[], Awaitable[object]], *, stop: asyncio.Event, wake: asyncio.Event | None,
    every: float, first_backoff: float, max_backoff: float,
    retry_on: tuple[type[Exception], ...], on_failure: Callable[[Exception, float], None],
    backoff_heeds_wake: bool = True,
) -> None:
    """A background loop: one ``step``, then wait; until ``stop`` is set.

    After a step the loop waits ``every`` seconds or until ``wake`` is set (cleared before each
    step, so a nudge that arrives mid-step is not lost); a step that returns something true
    has more waiting and goes again at once. A step that raises one of ``retry_on`` is told to
    ``on_failure`` (the error, the wait) and retried after a wait that doubles up to
    ``max_backoff`` and starts again from ``first_backoff`` after a success: the loop outlives
    outages. Any other exception ends the loop, and so the process (``serve``)."""
    backoff = first_backoff
    while not stop.is_set():
        if wake is not None:
            wake.clear()
        try:
            more = await step()
            backoff = first_backoff
        except retry_on as exc:
            on_failure(exc, backoff)
            await pause(stop, wake if backoff_heeds_wake else None, backoff)
            backoff = min(backoff * 2, max_backoff)
            continue
        if not more:
            await pause(stop, wake, every)


@dataclass(frozen=True)
class Parts:
    """What one process of a service runs: its API (None without the api part), its
    background loops, and what its ``/metrics`` shows."""

    api: FastAPI | None
    loops: Sequence[Loop]
    exposition: Exposition


class ProcessSettings(Protocol):
    @property
    def host(self) -> str: ...
    @property
    def port(self) -> int: ...
    @property
    def metrics_port(self) -> int | None: ...


class RunningService(Protocol):
    """A service as its bootstrap built it: its pool and producer (for readiness), and close."""

    @property
    def pool(self) -> Any: ...
    @property
    def producer(self) -> Any: ...
    async def close(self) -> None: ...


SettingsT = TypeVar("SettingsT", bound=ProcessSettings)
ServiceT = TypeVar("ServiceT", bound=RunningService)


async def run_service(settings: SettingsT, bootstrap: Callable[[SettingsT], Awaitable[ServiceT]],
                      parts: Callable[[ServiceT], Parts]) -> None:
    """One service process: build the service, choose its parts, serve them until a signal
    (or a loop's death, ``serve``), then close the service whatever happened."""
    service = await bootstrap(settings)
    try:
        chosen = parts(service)
        served, port = serving(chosen.api, chosen.exposition, settings.port, settings.metrics_port,
                               readiness=readiness_checks(service.pool, service.producer))
        await serve(served, settings.host, port, chosen.loops)
    finally:
        await service.close()


def _name(loop: Loop) -> str:
    return getattr(loop, "__qualname__", None) or getattr(loop, "__name__", None) or repr(loop)


def broker_loop(broker: Any) -> Loop:
    """A faststream broker's consumers as a background loop: started, then stopped on shutdown."""

    async def consume(stop: asyncio.Event) -> None:
        await broker.start()
        try:
            await stop.wait()
        finally:
            await broker.stop()

    return consume


async def _until_signalled(done: asyncio.Event) -> None:
    """Until SIGINT or SIGTERM, or ``done`` is set by someone else."""
    import signal

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, done.set)
    try:
        await done.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


def configure_logging(service: str, part: str = "all") -> None:
    """Readable lines, or JSON lines with LOG_FORMAT=json (``ect_platform.logs``); and traces
    over OTLP where ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set (``ect_platform.tracing``)."""
    from ect_platform import logs, tracing

    logs.configure(service, part)
    tracing.configure(service, part)
