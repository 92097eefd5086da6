"""The names people read for schools, appropriate bodies and mentors, from the facts filed.

Names are read when a page or list is asked for, never copied into the rows: a registration
that arrives late (or a school renamed) names everyone at once, and no recompute is owed.
Where a name is not known yet, the school is shown by its URN and the AB by its id, said as such.
A mentor's name is personal and comes sealed, so it is read from ``mentors``, where it was
opened once (and shows "(erased)" once the mentor is erased).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import asyncpg

from reporting.projections import mentors as mentor_names
from reporting.projections.facts import DIRECTORY

SCHOOL_KEY, AB_KEY = "school:", "appropriate-body:"


@dataclass(frozen=True)
class Directory:
    schools: dict[str, str] = field(default_factory=dict)
    appropriate_bodies: dict[str, str] = field(default_factory=dict)
    mentors: dict[UUID, str] = field(default_factory=dict)

    def school(self, urn: str | None) -> str:
        """'Oakwood Primary School (URN 100001)'; 'school URN 100001' while its name is unknown."""
        if not urn:
            return "no school recorded"
        name = self.schools.get(urn)
        return f"{name} (URN {urn})" if name else f"school URN {urn}"

    def appropriate_body(self, ab: str | None) -> str:
        if not ab:
            return "no appropriate body recorded"
        return self.appropriate_bodies.get(ab) or f"appropriate body {ab}"


async def _latest_names(conn: asyncpg.Connection, kind: str, subjects: Collection[str]) -> dict[str, str]:
    if not subjects:
        return {}
    rows = await conn.fetch(
        "SELECT DISTINCT ON (subject) subject, envelope->'payload'->>'name' AS name FROM facts "
        "WHERE subject_kind = $1 AND subject = ANY($2::text[]) "
        "AND event_type IN ('SchoolRegistered', 'AppropriateBodyRegistered') "
        "ORDER BY subject, aggregate_version DESC", kind, sorted(subjects))
    return {row["subject"]: row["name"] for row in rows}


async def look_up(conn: asyncpg.Connection, *, schools: Iterable[str | None] = (),
                  appropriate_bodies: Iterable[str | None] = (),
                  mentors: Iterable[UUID | None] = ()) -> Directory:
    """The names of these schools, ABs and mentors (each absent where none is known yet)."""
    wanted_schools = {s for s in schools if s}
    wanted_abs = {a for a in appropriate_bodies if a}
    directory = await _latest_names(conn, DIRECTORY, {SCHOOL_KEY + s for s in wanted_schools}
                                    | {AB_KEY + a for a in wanted_abs})
    named = await mentor_names.names(conn, sorted({m for m in mentors if m}))
    return Directory(
        schools={key.removeprefix(SCHOOL_KEY): name for key, name in directory.items()
                 if key.startswith(SCHOOL_KEY)},
        appropriate_bodies={key.removeprefix(AB_KEY): name for key, name in directory.items()
                            if key.startswith(AB_KEY)},
        mentors=named)


async def for_rows(conn: asyncpg.Connection, rows: Sequence[dict[str, Any]]) -> Directory:
    """The directory of every school, AB and mentor these rows name."""
    return await look_up(conn, schools=[r.get("school_id") for r in rows],
                         appropriate_bodies=[r.get("appropriate_body_id") for r in rows]
                         + [r.get("now_with") for r in rows],
                         mentors=[r.get("mentor_id") for r in rows])


async def name_rows(conn: asyncpg.Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Give each row the names of its school, AB and mentor (``school_name``,
    ``appropriate_body_name``, ``mentor_name``; None where not known yet), as the API answers."""
    found = await for_rows(conn, rows)
    for row in rows:
        if "school_id" in row:
            row["school_name"] = found.schools.get(row["school_id"])
        if "appropriate_body_id" in row:
            row["appropriate_body_name"] = found.appropriate_bodies.get(row["appropriate_body_id"])
        if "mentor_id" in row:
            row["mentor_name"] = found.mentors.get(row["mentor_id"]) if row["mentor_id"] else None
