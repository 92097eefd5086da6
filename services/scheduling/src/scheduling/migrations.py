"""Scheduling's schema, version by version (``ect_platform.migrations``). Never edit a shipped
version: add the next one. The event store's table is eventsourcing's (made by its owner where
one owns the chained tables, ``ect_platform.ownership``) and the key store has a schema of its
own (``ect_platform.keystore``); what scheduling itself adds is listed here.

1. the tables as they stood when versions were first recorded: the relay's position.
"""

from __future__ import annotations

import asyncpg

from ect_platform.migrations import Migration
from ect_platform.relay import POSITION_DDL


async def _baseline(conn: asyncpg.Connection) -> None:
    await conn.execute(POSITION_DDL)


MIGRATIONS = (Migration(1, "baseline: the relay's position", _baseline),)
