"""An appropriate body's work queue: what it has to do now, read off its own projections.

The rows are as last computed: the refresh loop brings statuses computed on an earlier day
up to date each day, so a report becomes missing here the day after it was due.

Each task says what the AB must do, and leaves the queue by itself once it is done:

- **decisions due**: a final recommendation received and no decision yet (due within 20
  working days of receipt, 2.67); overdue ones first. Done when the AB records its decision.
- **notices owed**: a decision (pass, fail, extension) decided within the last
  ``LEAVERS_WINDOW_DAYS`` of which someone owed written notice (the ECT, the headteacher, the
  employer, the TRA for a fail or an extension) has not had it (due within 3 working days,
  2.69); overdue ones first. Done when the AB records the last notice. The window keeps
  decisions recorded before notices were, which no notice will ever follow here, off it.
- **reports missing**: a review or assessment past its due date and not received (2.54, 2.61).
  Done when the school submits it.
- **reports not fully signed**: received without every signature (2.58). A report is
  submitted once, so it stays until signing after submission exists (the AB follows it up).
- **leavers**: an ECT left their school part-way within the last ``LEAVERS_WINDOW_DAYS``: the
  end of the induction period, with its terms, goes to the DfE as a release (the DfE actions
  export lists it) and an interim assessment is owed where the clock says so (2.62). It drops
  off after the window, by which time the DfE has been told.
- **claimed by another AB**: an ECT whose period with this AB ended and whom another AB now
  holds, within the same window: their record goes to the new AB (2.62-2.63).

What the DfE's service also lists, claims waiting for the AB and ECTs without QTS, cannot
arise here: the AB makes the claim itself, and a claim without QTS before the start is refused.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import asyncpg

from reporting.projections.queries import Where

LEAVERS_WINDOW_DAYS = 90
SHOWN = 100  # items listed per task; ``count`` is always the whole number


def _where(ab: str, scope: dict[str, Any], alias: str = "") -> Where:
    """This AB's rows; a hub lead or tutor scoped to schools sees only theirs (as every AB list)."""
    where = Where()
    where.add(f"{alias}appropriate_body_id = {{}}", ab)
    where.add(f"{alias}school_id = ANY({{}}::text[])", scope.get("schools"))
    return where


async def _task(conn: asyncpg.Connection, select: str, where: Where, order: str) -> dict[str, Any]:
    """Up to SHOWN items, the first in ``order``, and how many there are in all."""
    # only this module's constants and numbered parameters are put into the text
    sql = f"{select} {where.sql()}"
    rows = await conn.fetch(f"{sql} ORDER BY {order} {where.page(SHOWN, 0)}", *where.args)
    count = len(rows)
    if count == SHOWN:  # there may be more: only then is the whole count worth a query
        count = await conn.fetchval(f"SELECT count(*) FROM ({sql}) AS listed",  # noqa: S608
                                    *where.args[:-2])  # the page's limit and offset left off
    return {"count": count, "items": [dict(row) for row in rows]}


async def work_queue(pool: asyncpg.Pool, ab: str, scope: dict[str, Any], today: date
                     ) -> dict[str, Any]:
    """Every task of ``ab`` as of ``today``, by kind, each with its count and first items."""
    since = today - timedelta(days=LEAVERS_WINDOW_DAYS)
    tasks: dict[str, dict[str, Any]] = {}
    async with pool.acquire() as conn:
        where = _where(ab, scope)
        where.clauses.append("decided_on IS NULL")
        tasks["decisions_due"] = await _task(
            conn, "SELECT ect_id, name, trn, school_id, recommendation, recommendation_received_on, "
            "decision_due_by FROM ab_outcomes", where, "decision_due_by, name, ect_id")
        for item in tasks["decisions_due"]["items"]:
            item["overdue"] = item["decision_due_by"] < today

        where = _where(ab, scope)
        where.clauses.append("decided_on IS NOT NULL AND cardinality(notice_owed) > 0")
        where.add("decided_on >= {}", since)
        tasks["notices_owed"] = await _task(
            conn, "SELECT ect_id, name, trn, school_id, decision, decided_on, notice_due_by, "
            "notice_owed FROM ab_outcomes", where, "notice_due_by, name, ect_id")
        for item in tasks["notices_owed"]["items"]:
            item["overdue"] = item["notice_due_by"] < today

        where = _where(ab, scope)
        where.clauses.append("state = 'missing'")
        tasks["reports_missing"] = await _task(
            conn, "SELECT ect_id, name, trn, school_id, kind, term_number, school_term, due_on "
            "FROM ab_submissions", where, "due_on, name, ect_id")
        for item in tasks["reports_missing"]["items"]:
            item["days_overdue"] = (today - item["due_on"]).days

        where = _where(ab, scope)
        where.clauses.append("received_on IS NOT NULL AND fully_signed IS FALSE")
        tasks["reports_not_fully_signed"] = await _task(
            conn, "SELECT ect_id, name, trn, school_id, kind, term_number, school_term, received_on "
            "FROM ab_submissions", where, "received_on, name, ect_id")

        where = _where(ab, scope)
        where.clauses.append("end_reason = 'left'")
        where.add("ended_on >= {}", since)
        tasks["leavers"] = await _task(
            conn, "SELECT ect_id, name, trn, school_id, ended_on AS left_on, terms_served "
            "FROM ab_periods", where, "ended_on DESC, name, ect_id")

        where = _where(ab, scope, "p.")
        where.add("p.ended_on >= {}", since)
        where.add("e.appropriate_body_id <> {}", ab)
        where.clauses.append("e.induction_status = 'open'")
        tasks["claimed_by_another_ab"] = await _task(
            conn, "SELECT p.ect_id, p.name, p.trn, p.school_id, p.ended_on, e.appropriate_body_id "
            "AS now_with FROM ab_periods p JOIN entitlement e USING (ect_id)", where,
            "p.ended_on DESC, p.name, p.ect_id")
    return {"appropriate_body_id": ab, "as_of": today, "tasks": tasks,
            "total": sum(task["count"] for task in tasks.values())}
