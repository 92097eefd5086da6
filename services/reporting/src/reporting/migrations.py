"""Reporting's schema, version by version (``ect_platform.migrations``). Never edit a shipped
version: add the next one.

1. the tables as they stood when versions were first recorded: the audit trail (made by its
   owner where one owns the chained tables), the facts, the projection backlog, the
   entitlement and appropriate-body projections, the inbox and the relay's position;
2. mentors' names (``projections/mentors``) and the TRN digest index (``projections/trn_index``),
   which sealing made necessary: a mentor's name and an ECT's TRN no longer travel in clear.
   Mentors registered before are filled in from their facts, which still hold the name in
   clear (they came on the version 1 contracts).
"""

from __future__ import annotations

import asyncpg

from ect_platform import audit_trail
from ect_platform.inbox import INBOX_DDL
from ect_platform.migrations import Migration
from ect_platform.relay import POSITION_DDL
from reporting.projections import backlog, entitlement, facts, mentors, submissions, trn_index


async def _baseline(conn: asyncpg.Connection) -> None:
    await audit_trail.setup(conn)
    await facts.setup(conn)
    await backlog.setup(conn)
    await entitlement.setup(conn)
    await submissions.setup(conn)
    await conn.execute(INBOX_DDL)
    await conn.execute(POSITION_DDL)


async def _people(conn: asyncpg.Connection) -> None:
    await mentors.setup(conn)
    await trn_index.setup(conn)
    await conn.execute(
        """
        INSERT INTO mentors (mentor_id, name)
        SELECT DISTINCT ON (subject) subject::uuid, envelope->'payload'->>'name'
          FROM facts
         WHERE subject_kind = 'mentor' AND event_type = 'MentorRegistered'
           AND envelope->'payload' ? 'name'
         ORDER BY subject, aggregate_version DESC
        ON CONFLICT (mentor_id) DO NOTHING
        """)


MIGRATIONS = (
    Migration(1, "baseline: audit trail, facts, backlog, entitlement, submissions, inbox, relay",
              _baseline),
    Migration(2, "mentors' names and the TRN digest index, for sealed personal data", _people),
)
