"""The time, injected: the scheduler decides what is due "today" from a clock it is given.

Tests pass a ``FixedClock`` they move by hand, so a reminder's timing is proved without
sleeping through real days; every process otherwise reads ``SystemClock``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

ENGLAND = ZoneInfo("Europe/London")


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until moved: ``set`` or ``advance``."""

    def __init__(self, now: datetime) -> None:
        if now.tzinfo is None:
            raise ValueError("a FixedClock needs a timezone-aware datetime")
        self._now = now

    def now(self) -> datetime:
        return self._now

    def set(self, now: datetime) -> None:
        if now.tzinfo is None:
            raise ValueError("a FixedClock needs a timezone-aware datetime")
        self._now = now

    def advance(self, delta: timedelta) -> None:
        self._now += delta


def business_day(now: datetime, day_starts_at_hour: int = 0) -> date:
    """The day in England whose reminders are due at ``now``.

    A day's reminders go out from ``day_starts_at_hour`` (local time), not at midnight: before
    that hour it is still, for reminders, the day before.
    """
    return (now.astimezone(ENGLAND) - timedelta(hours=day_starts_at_hour)).date()
