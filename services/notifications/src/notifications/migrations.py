"""Notifications' schema, version by version (``ect_platform.migrations``). Never edit a shipped
version: add the next one.

1. the tables as they stood when versions were first recorded: notifications and their
   delivery attempts, the folded inductions (with the schools' calendars and names and the
   mentors' names), the recipients, the outbox (made by its owner where one owns the chained
   tables), the inbox and the relay's position.
"""

from __future__ import annotations

import asyncpg

from ect_platform.inbox import INBOX_DDL
from ect_platform.migrations import Migration
from ect_platform.relay import POSITION_DDL
from notifications import recipients
from notifications.integration import outbox
from notifications.projections import induction, notification


async def _baseline(conn: asyncpg.Connection) -> None:
    for module in (notification, induction, recipients, outbox):
        await module.setup(conn)
    await conn.execute(INBOX_DDL)
    await conn.execute(POSITION_DDL)


MIGRATIONS = (
    Migration(1, "baseline: notifications, inductions, recipients, outbox, inbox, relay", _baseline),
)
