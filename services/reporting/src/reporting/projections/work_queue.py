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
- **claims waiting**: a claim naming this AB whose induction period has not begun: the claim
  is recorded (by the AB, or for it by the school's hub lead, which the item says) and the
  start date is still ahead. Before it comes the AB checks the start it sets (2.12-2.13) and
  that the ECT will hold QTS (2.10). A claim may start as late as the end of the term it was
  received in, so this is where a claim waits. Done on the start date.
- **no QTS**: an ECT this AB holds whose QTS date (on ``EctRegistered``, the date QTS is
  awarded) is after today. A claim may not start before the QTS date, so this can only be a
  claim not yet begun whose QTS is still to come: the AB confirms with the TRA that it was
  awarded. Done on the QTS date.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import asyncpg

from reporting.projections.queries import Where

LEAVERS_WINDOW_DAYS = 90
SHOWN = 100  # items listed per task; ``count`` is always the whole number
_QTS = "f.envelope->'payload'->>'qts_date'"
# Who recorded the claim that opened the period: its event's actor, kept in the facts (the
# rows do not copy it). The AB itself, or a hub lead naming the AB for the school.
_OPENED_BY = (
    "LEFT JOIN LATERAL (SELECT f.envelope->'actor' AS actor FROM facts f "
    "WHERE f.subject_kind = 'ect' AND f.subject = p.ect_id::text "
    "AND f.event_type IN ('EctRegistered', 'EctClaimed') "
    "ORDER BY f.aggregate_version DESC LIMIT 1) AS opened ON true")
_CLAIMED_BY = "opened.actor->>'role' AS claimed_by_role, opened.actor->>'id' AS claimed_by"
_CLAIMS = ("SELECT p.ect_id, p.name, p.trn, p.school_id, p.started_on AS starts_on, "  # noqa: S608
           f"p.induction_programme, {_CLAIMED_BY} FROM ab_periods p {_OPENED_BY}")
_NO_QTS = (f"SELECT p.ect_id, p.name, p.trn, p.school_id, ({_QTS})::date AS qts_date, "  # noqa: S608
           "p.started_on AS starts_on FROM facts f JOIN ab_periods p ON p.ect_id::text = f.subject")


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

        where = _where(ab, scope, "p.")
        where.clauses.append("p.ended_on IS NULL")
        where.add("p.started_on > {}", today)
        tasks["claims_waiting"] = await _task(
            conn, _CLAIMS, where, "p.started_on, p.name, p.ect_id")
        for item in tasks["claims_waiting"]["items"]:
            item["days_to_start"] = (item["starts_on"] - today).days

        where = _where(ab, scope, "p.")
        where.clauses.append("p.ended_on IS NULL")
        where.clauses.append("f.subject_kind = 'ect' AND f.event_type = 'EctRegistered'")
        # ISO dates compare as text, in date order; so the partial index facts_qts_date serves it
        where.add(f"{_QTS} > {{}}", today.isoformat())
        tasks["no_qts"] = await _task(
            conn, _NO_QTS, where, "qts_date, p.name, p.ect_id")
    return {"appropriate_body_id": ab, "as_of": today, "tasks": tasks,
            "total": sum(task["count"] for task in tasks.values())}
