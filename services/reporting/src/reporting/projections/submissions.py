"""Appropriate-body submissions: per AB and term, what is due, received on time or late, missing.

Three tables, all recomputed per ECT from the facts (``refresh``):

- ``ab_submissions``: one row per review or assessment due (or received unscheduled);
- ``ab_outcomes``: the AB's decision on a final recommendation, with its 20- and 3-working-day clocks;
- ``ab_periods``: each AB's induction periods (claimed, released, left, passed, failed), with the
  teacher's details the DfE exports need.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from uuid import UUID

import asyncpg

from reporting.domain.history import EctHistory
from reporting.domain.periods import PeriodRow
from reporting.domain.reports_owed import OutcomeDue, Submission

DDL = """
CREATE TABLE IF NOT EXISTS ab_submissions (
    ect_id               uuid NOT NULL,
    kind                 text NOT NULL,
    term_number          integer NOT NULL,
    appropriate_body_id  text NOT NULL,
    school_id            text NOT NULL,
    school_term          text NOT NULL,
    trn                  text,
    name                 text,
    due_on               date,
    report_id            uuid,
    received_on          date,
    state                text NOT NULL,
    days_late            integer,
    fully_signed         boolean,
    PRIMARY KEY (ect_id, kind, term_number)
);
CREATE INDEX IF NOT EXISTS ab_submissions_ab ON ab_submissions (appropriate_body_id, school_term);
CREATE TABLE IF NOT EXISTS ab_outcomes (
    ect_id                      uuid PRIMARY KEY,
    appropriate_body_id         text NOT NULL,
    school_id                   text,
    trn                         text,
    name                        text,
    recommendation              text NOT NULL,
    recommendation_received_on  date NOT NULL,
    decision_due_by             date NOT NULL,
    decided_on                  date,
    decision                    text,
    state                       text NOT NULL,
    notice_due_by               date
);
CREATE INDEX IF NOT EXISTS ab_outcomes_ab ON ab_outcomes (appropriate_body_id);
-- the steps around the decision (representations, notice, appeal), added to the first shape
ALTER TABLE ab_outcomes ADD COLUMN IF NOT EXISTS representations_due_by date;
ALTER TABLE ab_outcomes ADD COLUMN IF NOT EXISTS notice_owed text[];
ALTER TABLE ab_outcomes ADD COLUMN IF NOT EXISTS appeal_due_by date;
ALTER TABLE ab_outcomes ADD COLUMN IF NOT EXISTS end_of_induction jsonb;
CREATE TABLE IF NOT EXISTS ab_periods (
    ect_id               uuid NOT NULL,
    period_index         integer NOT NULL,
    appropriate_body_id  text NOT NULL,
    school_id            text,
    trn                  text,
    name                 text,
    date_of_birth        date,
    induction_programme  text NOT NULL,
    started_on           date NOT NULL,
    ended_on             date,
    end_reason           text,
    terms_served         numeric(4, 1) NOT NULL,
    extended_terms       numeric(4, 1) NOT NULL DEFAULT 0,
    extended_on          date,
    PRIMARY KEY (ect_id, period_index)
);
CREATE INDEX IF NOT EXISTS ab_periods_ab ON ab_periods (appropriate_body_id);
"""


async def setup(conn: asyncpg.Connection) -> None:
    await conn.execute(DDL)


SUBMISSION_COLUMNS = ("ect_id", "kind", "term_number", "appropriate_body_id", "school_id",
                      "school_term", "trn", "name", "due_on", "report_id", "received_on", "state",
                      "days_late", "fully_signed")
OUTCOME_COLUMNS = ("ect_id", "appropriate_body_id", "school_id", "trn", "name", "recommendation",
                   "recommendation_received_on", "decision_due_by", "decided_on", "decision", "state",
                   "notice_due_by", "representations_due_by", "notice_owed", "appeal_due_by",
                   "end_of_induction")
PERIOD_COLUMNS = ("ect_id", "period_index", "appropriate_body_id", "school_id", "trn", "name",
                  "date_of_birth", "induction_programme", "started_on", "ended_on", "end_reason",
                  "terms_served", "extended_terms", "extended_on")
Computed = tuple[EctHistory, list[Submission], OutcomeDue | None, list[PeriodRow]]


async def forget_many(conn: asyncpg.Connection, ect_ids: Sequence[UUID]) -> None:
    for table in ("ab_submissions", "ab_outcomes", "ab_periods"):
        await conn.execute(f"DELETE FROM {table} WHERE ect_id = ANY($1::uuid[])", ect_ids)  # noqa: S608


async def write_many(conn: asyncpg.Connection, computed: Sequence[Computed]) -> None:
    """Replace the rows of several ECTs: one DELETE and one COPY per table."""
    if not computed:
        return
    await forget_many(conn, [history.ect_id for history, _, _, _ in computed])
    submissions = [row for c in computed for row in _submission_rows(*c[:2])]
    outcomes = [_outcome_row(history, outcome) for history, _, outcome, _ in computed if outcome]
    periods = [row for history, _, _, found in computed for row in _period_rows(history, found)]
    for table, columns, records in (("ab_submissions", SUBMISSION_COLUMNS, submissions),
                                    ("ab_outcomes", OUTCOME_COLUMNS, outcomes),
                                    ("ab_periods", PERIOD_COLUMNS, periods)):
        if records:
            await conn.copy_records_to_table(table, columns=columns, records=records)


def _submission_rows(history: EctHistory, items: list[Submission]) -> list[tuple[Any, ...]]:
    rows: dict[tuple[str, int], tuple[Any, ...]] = {}
    for i in items:
        # one row per (kind, term), the first listed winning, as the INSERT ... ON CONFLICT DO
        # NOTHING this COPY replaced kept it
        rows.setdefault((i.kind, i.term_number), (
            history.ect_id, i.kind, i.term_number, i.appropriate_body_id, i.school_id, i.school_term,
            history.trn, history.name, i.due_on, i.report_id, i.received_on, i.state, i.days_late,
            i.fully_signed))
    return list(rows.values())


def _outcome_row(history: EctHistory, outcome: OutcomeDue) -> tuple[Any, ...]:
    steps = outcome.steps
    return (history.ect_id, outcome.appropriate_body_id, history.school_id, history.trn, history.name,
            outcome.recommendation, outcome.recommendation_received_on, outcome.decision_due_by,
            outcome.decided_on, outcome.decision, outcome.state, outcome.notice_due_by,
            steps["representations"]["due_by"] if steps else None,
            steps["notice"]["owed"] if steps else None, steps["appeal"]["due_by"] if steps else None,
            json.dumps(steps, default=str, sort_keys=True) if steps else None)


def _period_rows(history: EctHistory, periods: list[PeriodRow]) -> list[tuple[Any, ...]]:
    rows = []
    for p in periods:
        extensions = [e for e in history.extensions
                      if e.decided_on >= p.start and (p.end is None or e.decided_on <= p.end)]
        rows.append((history.ect_id, p.index, p.appropriate_body_id, history.school_id, history.trn,
                     history.name, history.date_of_birth, p.induction_programme, p.start, p.end,
                     p.end_reason, p.terms_served, sum((e.extension_terms for e in extensions), 0),
                     max((e.decided_on for e in extensions), default=None)))
    return rows
