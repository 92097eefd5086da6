"""The scheduler: evaluates every ECT's deadlines for the day and records what is due.

It works from its own projection of what is due (``projections.induction``), never from
another service's data. A pass takes a batch of ECT rows that changed or have not been
looked at today (``FOR UPDATE SKIP LOCKED``, so two schedulers split the work), asks
``reminders.reminders_for`` what the day calls for, records those notifications with
deterministic ids (``ON CONFLICT DO NOTHING``) and marks the rows evaluated, all in one
transaction. Killed half-way, it evaluates the same rows again and records nothing twice.
The clock is injected: tests move it by hand.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import date

import asyncpg

from ect_platform.runtime import run_periodically
from notifications.clock import Clock, business_day
from notifications.message import Notification
from notifications.policy import Policy
from notifications.projections import induction, notification
from notifications.reminders import reminders_for
from statutory.calendar import SchoolCalendar

log = logging.getLogger(__name__)


class Scheduler:
    def __init__(self, pool: asyncpg.Pool, policy: Policy, clock: Clock, *,
                 day_starts_at_hour: int = 0, batch_size: int = 50,
                 interval_seconds: float = 60.0) -> None:
        self._pool = pool
        self._policy = policy
        self._clock = clock
        self._day_starts_at_hour = day_starts_at_hour
        self._batch_size = batch_size
        self._interval = interval_seconds
        self._wake = asyncio.Event()
        self.recorded = 0
        self.unreadable = 0
        self.stale = 0

    def today(self) -> date:
        return business_day(self._clock.now(), self._day_starts_at_hour)

    def nudge(self) -> None:
        """Called when the projection changed, so the change is evaluated without waiting."""
        self._wake.set()

    async def run_once(self) -> int:
        """Evaluate every row due an evaluation; returns how many notifications were new."""
        today = self.today()
        new = 0
        while True:
            async with self._pool.acquire() as conn, conn.transaction():
                batch = await induction.claim_due(conn, today, self._batch_size)
                if not batch:
                    return new
                # every school each ECT was in post at: past service counts on its calendar
                schools = sorted({school for item in batch for school in item.state.school_ids()})
                calendars = await induction.calendars(conn, schools)
                # Some milliseconds of date arithmetic per ECT: off the event loop, so the API
                # and the consumer sharing this process stay responsive.
                due = await asyncio.to_thread(self._evaluate, batch, calendars, today)
                recorded = await notification.insert(conn, due)
                await induction.mark_evaluated(conn, batch, today)
            new += recorded
            self.recorded += recorded

    def _evaluate(self, batch: list[induction.ToEvaluate], calendars: dict[str, SchoolCalendar],
                  today: date) -> list[Notification]:
        due: list[Notification] = []
        for item in batch:
            if item.state.school_id is None:
                continue  # heard of before their registration: nothing is due yet
            if item.state.erased:
                continue  # their personal data was erased: no reminder about them, to anyone
            if item.state.stale:
                # Stored before the facts were kept: the clock cannot be asked until the state
                # is refolded (`python -m notifications refold`, docs/notifications.md).
                self.stale += 1
                log.warning("ECT %s: state stored before the induction facts were kept; no "
                            "reminders until it is refolded", item.state.ect_id)
                continue
            try:
                due += reminders_for(item.state, calendars, today, self._policy)
            except Exception:
                # One ECT whose record the rules cannot read must not stop everyone's reminders:
                # it is logged (with the ECT) and looked at again when its record next changes.
                self.unreadable += 1
                log.exception("cannot evaluate the deadlines of ECT %s", item.state.ect_id)
        return due

    async def run(self, stop: asyncio.Event, on_recorded: Callable[[], None] | None = None) -> None:
        def failed(exc: Exception, backoff: float) -> None:
            # Database trouble: nothing half-done was committed; try again shortly.
            log.warning("scheduler pass failed, retrying in %.0fs: %s", backoff, exc)

        async def step() -> None:
            if await self.run_once() and on_recorded:
                on_recorded()

        await run_periodically(step, stop=stop, wake=self._wake, every=self._interval,
                               first_backoff=1.0, max_backoff=30.0,
                               retry_on=(OSError, asyncpg.PostgresError), on_failure=failed)
