"""Live updates: one poller per process tells every open page when the projection changed.

Pages listen on ``/dashboard/events`` (server-sent events). The feed probes a cheap
signature of the projection every ``INTERVAL`` seconds, and only while at least one page
listens, so the database sees one probe a second however many pages are open. Each event
carries the signature as its id: a page that reconnects sends it back (``Last-Event-ID``)
and hears at once about anything it missed.

A stream ends after ``STREAM_SECONDS`` and the browser reconnects by itself (``retry``).
Bounded streams matter because the HTTP server waits for open responses when it shuts down:
an endless stream would hold a stopping service until it is killed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

import asyncpg

log = logging.getLogger(__name__)

INTERVAL = 1.0
STREAM_SECONDS = 5.0
RETRY_MS = 250


class ChangeFeed:
    def __init__(self, probe: Callable[[], Awaitable[str]], interval: float = INTERVAL) -> None:
        self._probe = probe
        self.interval = interval
        self.signature: str | None = None
        self._changed = asyncio.Event()
        self._listeners = 0
        self._task: asyncio.Task[None] | None = None

    async def changes(self, since: str | None, seconds: float) -> AsyncIterator[str]:
        """Each signature different from the last one seen (``since`` first), for ``seconds``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        self._listeners += 1
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._poll())
        try:
            seen = since
            while (left := deadline - loop.time()) > 0:
                if self.signature is not None and self.signature != seen:
                    seen = self.signature
                    yield seen
                    continue
                changed = self._changed  # replaced on each change: wait on this round's
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(changed.wait(), left)
        finally:
            self._listeners -= 1

    async def _poll(self) -> None:
        while self._listeners > 0:
            try:
                signature = await self._probe()
            except (OSError, asyncpg.PostgresError) as exc:  # the next round tries again
                log.warning("dashboard change probe failed: %s", exc)
            else:
                if signature != self.signature:
                    self.signature = signature
                    self._changed.set()
                    self._changed = asyncio.Event()
            await asyncio.sleep(self.interval)


async def event_stream(feed: ChangeFeed, since: str | None,
                       seconds: float | None = None) -> AsyncIterator[str]:
    yield f"retry: {RETRY_MS}\n\n"
    async for signature in feed.changes(since, STREAM_SECONDS if seconds is None else seconds):
        yield f"id: {signature}\nevent: changed\ndata: {signature}\n\n"
