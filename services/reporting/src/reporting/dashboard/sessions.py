"""The dashboard's own sign-in sessions, kept in reporting's schema.

A browser never holds the API's bearer token: signing in trades it for an opaque random id
(the cookie), and the row behind that id holds who signed in and until when. Only a SHA-256
of the id is stored, so reading the table gives no one a working cookie. Signing out deletes
the row, so a copied cookie stops working at once; a session also ends with the token it was
opened with, and after ``SESSION_SECONDS`` at most.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import time
from datetime import UTC, datetime

import asyncpg

from contracts import Actor, Role
from ect_platform.identity import Principal

SESSION_SECONDS = 8 * 3600
"""A working day: the longest a dashboard session lasts, however long its token had left."""

DDL = """
CREATE TABLE IF NOT EXISTS dashboard_sessions (
    id_hash     text PRIMARY KEY,
    user_id     text NOT NULL,
    role        text NOT NULL,
    schools     text[],
    ab          text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
)
"""


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class DashboardSessions:
    def __init__(self, pool: asyncpg.Pool, *, max_seconds: int = SESSION_SECONDS) -> None:
        self.pool = pool
        self.max_seconds = max_seconds
        self._ready = False
        self._setup = asyncio.Lock()

    async def _ensure_table(self) -> None:
        # on first use rather than at start-up: the table is the dashboard's alone
        if self._ready:
            return
        async with self._setup:
            if not self._ready:
                async with self.pool.acquire() as conn:
                    await conn.execute(DDL)
                self._ready = True

    async def open(self, principal: Principal, token_expires: float) -> tuple[str, datetime]:
        """A new session for ``principal``: its id (for the cookie only) and when it ends."""
        await self._ensure_table()
        session_id = secrets.token_urlsafe(32)
        ends = datetime.fromtimestamp(min(token_expires, time.time() + self.max_seconds), UTC)
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute("DELETE FROM dashboard_sessions WHERE expires_at <= now()")
            await conn.execute(
                "INSERT INTO dashboard_sessions (id_hash, user_id, role, schools, ab, expires_at)"
                " VALUES ($1, $2, $3, $4, $5, $6)",
                _hash(session_id), principal.id, principal.role.value,
                sorted(principal.schools) if principal.schools is not None else None,
                principal.appropriate_body_id, ends)
        return session_id, ends

    async def principal(self, session_id: str) -> Principal | None:
        """Who the session speaks for, or None if there is no such session or it has ended."""
        await self._ensure_table()
        row = await self.pool.fetchrow(
            "SELECT user_id, role, schools, ab FROM dashboard_sessions"
            " WHERE id_hash = $1 AND expires_at > now()", _hash(session_id))
        if row is None:
            return None
        return Principal(actor=Actor(id=row["user_id"], role=Role(row["role"])),
                         schools=frozenset(row["schools"]) if row["schools"] is not None else None,
                         appropriate_body_id=row["ab"])

    async def close(self, session_id: str) -> None:
        await self._ensure_table()
        await self.pool.execute("DELETE FROM dashboard_sessions WHERE id_hash = $1", _hash(session_id))
