"""Optimistic concurrency for scheduling's commands: decide again on fresh state after a clash."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from eventsourcing.persistence import IntegrityError

T = TypeVar("T")


class ConcurrentChangeError(Exception):
    """Another writer kept changing the same record; the client may retry."""


def retrying(command: Callable[[], T], attempts: int = 10) -> T:
    """Run ``command``; on a version clash, run it again on fresh state, up to ``attempts``.

    A short, jittered, growing pause between attempts lets a burst of writers on one
    ECT drain instead of colliding again in lockstep.
    """
    for attempt in range(attempts):
        try:
            return command()
        except IntegrityError:
            time.sleep(min(0.2, 0.005 * 2**attempt) * random.random())
    raise ConcurrentChangeError("the record kept changing under concurrent writers; retry")
