"""How an HTTP route hands work to a service's application: one object, the same in every service.

The applications (eventsourcing's) are synchronous, so a command runs in a worker thread, as one
span of the request's trace, and the service is told once it has committed (scheduling nudges its
relay; reporting its projections). A read runs in a worker thread too, without the nudge. Each
service subclasses this in its ``entrypoints/deps.py`` to add what its routes also need (a
provenance, a pool, a clock) and to translate its store's own errors.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from ect_platform import tracing


class Commands:
    """Run a command or a read of one service's application off the event loop."""

    service: str = "service"  # named in each command's span

    def __init__(self, on_commit: Callable[[], None] = lambda: None) -> None:
        self._on_commit = on_commit

    async def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """A command: run, committed, then the service told (it may publish what was recorded)."""
        with tracing.span(f"command {getattr(fn, '__name__', 'call')}", service=self.service):
            result = await asyncio.to_thread(fn, *args, **kwargs)
        self._on_commit()
        return result

    @staticmethod
    async def read(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """A read of the service's own records (the store is synchronous)."""
        return await asyncio.to_thread(fn, *args, **kwargs)
