"""Entitlement status per ECT, to date (``entitlement``) and per induction term (``entitlement_terms``).

Rows are recomputed from the facts (``refresh``) whenever an event about the ECT, its mentor
or its school arrives, and again each day (a status depends on the date: a session becomes
overdue without any event). The columns the dashboard filters on are columns; the rest of
the figures are in ``details``. ``computed_on`` says which day the status describes.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

import asyncpg

from reporting.domain.history import EctHistory
from reporting.projections import directory

DDL = """
CREATE TABLE IF NOT EXISTS entitlement (
    ect_id                  uuid PRIMARY KEY,
    trn                     text,
    name                    text,
    school_id               text,
    appropriate_body_id     text,
    induction_programme     text,
    induction_start_date    date,
    fte                     double precision,
    mentor_id               uuid,
    induction_status        text NOT NULL DEFAULT 'open',
    induction_year          integer NOT NULL DEFAULT 1,
    term_number             integer NOT NULL DEFAULT 0,
    terms_served            double precision NOT NULL DEFAULT 0,
    terms_remaining         double precision NOT NULL DEFAULT 6,
    sessions_expected       integer NOT NULL DEFAULT 0,
    sessions_held           integer NOT NULL DEFAULT 0,
    sessions_missed         integer NOT NULL DEFAULT 0,
    minutes_coached         integer NOT NULL DEFAULT 0,
    drop_ins                integer NOT NULL DEFAULT 0,
    last_session_on         date,
    reports_submitted       integer NOT NULL DEFAULT 0,
    status                  text NOT NULL DEFAULT 'green',
    reasons                 jsonb NOT NULL DEFAULT '[]',
    details                 jsonb NOT NULL DEFAULT '{}',
    computed_on             date
);
CREATE INDEX IF NOT EXISTS entitlement_school ON entitlement (school_id);
CREATE INDEX IF NOT EXISTS entitlement_ab ON entitlement (appropriate_body_id);
CREATE INDEX IF NOT EXISTS entitlement_status ON entitlement (status);
CREATE INDEX IF NOT EXISTS entitlement_mentor ON entitlement (mentor_id);
CREATE INDEX IF NOT EXISTS entitlement_computed ON entitlement (computed_on);
CREATE TABLE IF NOT EXISTS entitlement_terms (
    ect_id               uuid NOT NULL,
    term_number          integer NOT NULL,
    school_id            text,
    appropriate_body_id  text,
    school_term          text NOT NULL,
    status               text NOT NULL,
    reasons              jsonb NOT NULL,
    figures              jsonb NOT NULL,
    PRIMARY KEY (ect_id, term_number)
);
CREATE INDEX IF NOT EXISTS entitlement_terms_term ON entitlement_terms (term_number, status);
"""

COLUMNS = (
    "ect_id", "trn", "name", "school_id", "appropriate_body_id", "induction_programme",
    "induction_start_date", "fte", "mentor_id", "induction_status", "induction_year", "term_number",
    "terms_served", "terms_remaining", "sessions_expected", "sessions_held", "sessions_missed",
    "minutes_coached", "drop_ins", "last_session_on", "reports_submitted", "status", "reasons",
    "details", "computed_on",
)
_AS_COLUMNS = frozenset(COLUMNS)
log = logging.getLogger(__name__)


def dumps(value: Any) -> str:
    return json.dumps(value, default=str, sort_keys=True)


async def setup(conn: asyncpg.Connection) -> None:
    # The first cut of this table (counters only) is set aside rather than altered: its rows
    # cannot be recomputed without the facts, which only a replay of the topics restores.
    old_shape = await conn.fetchval(
        "SELECT count(*) = 0 FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = 'entitlement' AND column_name = 'status'")
    exists = await conn.fetchval("SELECT to_regclass('entitlement') IS NOT NULL")
    if exists and old_shape:
        log.warning("entitlement: the first-cut table is kept as entitlement_v0; to rebuild the "
                    "projections, replay the topics with a new REPORTING_CONSUMER_GROUP")
        await conn.execute("ALTER TABLE entitlement RENAME TO entitlement_v0")
        await conn.execute("ALTER INDEX IF EXISTS entitlement_school RENAME TO entitlement_v0_school")
        await conn.execute("ALTER INDEX IF EXISTS entitlement_ab RENAME TO entitlement_v0_ab")
    await conn.execute(DDL)


TERM_COLUMNS = ("ect_id", "term_number", "school_id", "appropriate_body_id", "school_term", "status",
                "reasons", "figures")


def _row(history: EctHistory, figures: dict[str, Any], today: date) -> tuple[Any, ...]:
    details = {k: v for k, v in figures.items() if k not in _AS_COLUMNS}
    fte = history.fte_history[-1].fte if history.fte_history else None
    return (
        history.ect_id, history.trn, history.name, history.school_id, history.appropriate_body_id,
        history.induction_programme, history.induction_start_date, fte, history.mentor_id,
        figures["induction_status"], figures["induction_year"], figures["term_number"],
        figures.get("terms_served", 0.0), figures.get("terms_remaining", 6.0),
        figures.get("sessions_expected", 0), figures.get("sessions_held", 0),
        figures.get("sessions_missed", 0), figures.get("minutes_coached", 0),
        figures.get("drop_ins", 0), figures.get("last_session_on"),
        figures.get("reports_submitted", 0), figures["status"], dumps(figures["reasons"]),
        dumps(details), today,
    )


def _term_rows(history: EctHistory, terms: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(history.ect_id, t["term_number"], history.school_id, history.appropriate_body_id,
             t["school_term"], t["status"], dumps(t["reasons"]),
             dumps({k: v for k, v in t.items() if k not in ("status", "reasons")})) for t in terms]


async def write_many(conn: asyncpg.Connection,
                     computed: Sequence[tuple[EctHistory, dict[str, Any], list[dict[str, Any]]]],
                     today: date) -> None:
    """Replace the rows of several ECTs: one DELETE and one COPY per table, whatever their number
    (statement count, not row count, was what a batch of recomputes paid for)."""
    if not computed:
        return
    await forget_many(conn, [history.ect_id for history, _, _ in computed])
    await conn.copy_records_to_table(
        "entitlement", columns=COLUMNS,
        records=[_row(history, figures, today) for history, figures, _ in computed])
    terms = [row for history, _, found in computed for row in _term_rows(history, found)]
    if terms:
        await conn.copy_records_to_table("entitlement_terms", columns=TERM_COLUMNS, records=terms)


async def forget_many(conn: asyncpg.Connection, ect_ids: Sequence[UUID]) -> None:
    await conn.execute("DELETE FROM entitlement WHERE ect_id = ANY($1::uuid[])", ect_ids)
    await conn.execute("DELETE FROM entitlement_terms WHERE ect_id = ANY($1::uuid[])", ect_ids)


def as_view(row: asyncpg.Record) -> dict[str, Any]:
    """A stored row as the API answers it: columns, then the details spread alongside."""
    view = {k: row[k] for k in COLUMNS if k not in ("details", "reasons")}
    view["reasons"] = json.loads(row["reasons"])
    view.update(json.loads(row["details"]))
    return view


async def get(pool: asyncpg.Pool, ect_id: UUID) -> dict[str, Any] | None:
    async with pool.acquire() as conn:
        row = await conn.fetchrow(
            f"SELECT {', '.join(COLUMNS)} FROM entitlement WHERE ect_id = $1", ect_id  # noqa: S608
        )
        if row is None:
            return None
        view = as_view(row)
        await directory.name_rows(conn, [view])
        terms = await conn.fetch(
            "SELECT term_number, status, reasons, figures FROM entitlement_terms WHERE ect_id = $1 "
            "ORDER BY term_number", ect_id)
    view["terms"] = [{**json.loads(t["figures"]), "status": t["status"],
                      "reasons": json.loads(t["reasons"])} for t in terms]
    return view
