"""What notifications holds about a person (UK GDPR Art. 15).

Notifications knows an ECT's TRN from the induction it folds; a mentor or any other recipient
only by the id the rest of the platform gives them, so the request may name those ids too
(``ect privacy export`` passes the mentor id scheduling answered). Under those ids: the folded
induction and mentor rows, the person's contact details, every notification about them or
addressed to them (subject and body), and each delivery attempt of those notifications.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from uuid import UUID

import asyncpg

from notifications.projections.notification import COLUMNS


def _uuids(ids: Sequence[str]) -> list[UUID]:
    found = []
    for value in ids:
        try:
            found.append(UUID(value))
        except ValueError:
            continue  # a user id that is not a uuid (an AB's, a hub lead's) names no mentor
    return found


async def held_about(pool: asyncpg.Pool, trn: str, known_as: Sequence[str] = ()) -> dict[str, Any]:
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        inductions = [dict(r) for r in await conn.fetch(
            "SELECT ect_id, school_id, state FROM induction WHERE state ->> 'trn' = $1 "
            "ORDER BY ect_id", trn)]
        ects = [r["ect_id"] for r in inductions]
        ids = sorted({*(str(e) for e in ects), *known_as})
        mentors = [dict(r) for r in await conn.fetch(
            "SELECT mentor_id, name FROM mentor WHERE mentor_id = ANY($1::uuid[])", _uuids(ids))]
        contacts = [dict(r) for r in await conn.fetch(
            "SELECT * FROM recipient WHERE recipient_id = ANY($1::text[]) ORDER BY recipient_id", ids)]
        notifications = [dict(r) for r in await conn.fetch(
            f"SELECT {', '.join(COLUMNS)} FROM notification "  # noqa: S608 - a constant list
            "WHERE ect_id = ANY($1::uuid[]) OR recipient_id = ANY($2::text[]) "
            "ORDER BY created_at, id", ects, ids)]
        attempts = [dict(r) for r in await conn.fetch(
            "SELECT notification_id, attempt, channel, outcome, detail, at FROM delivery_attempt "
            "WHERE notification_id = ANY($1::uuid[]) ORDER BY notification_id, attempt",
            [n["id"] for n in notifications])]
    for row in inductions:  # asyncpg answers jsonb as text
        row["state"] = json.loads(row["state"])
    return {"ect_ids": ects, "known_as": ids, "inductions": inductions, "mentors": mentors,
            "recipients": contacts, "notifications": notifications, "delivery_attempts": attempts}
