"""Read-side queries: filtered, paginated, answered from the projection tables by index.

Every list answers ``{"items": [...], "total": n, "limit": l, "offset": o}``; ``total`` counts
every row that matches, so a dashboard can page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import asyncpg

from reporting.projections import directory
from reporting.projections.entitlement import COLUMNS, as_view


@dataclass
class Where:
    """A WHERE clause built one condition at a time, with numbered parameters."""

    clauses: list[str] = field(default_factory=list)
    args: list[Any] = field(default_factory=list)

    def add(self, template: str, value: Any) -> None:
        if value is None:
            return
        self.args.append(value)
        self.clauses.append(template.format(f"${len(self.args)}"))

    def sql(self) -> str:
        return ("WHERE " + " AND ".join(self.clauses)) if self.clauses else ""

    def page(self, limit: int, offset: int) -> str:
        self.args.extend([limit, offset])
        return f"LIMIT ${len(self.args) - 1} OFFSET ${len(self.args)}"


def _scoped(where: Where, scope: dict[str, Any], prefix: str, *, mentor: bool = True) -> None:
    where.add(prefix + "appropriate_body_id = {}", scope.get("ab"))
    where.add(prefix + "school_id = ANY({}::text[])", scope.get("schools"))
    if mentor:
        where.add(prefix + "mentor_id::text = {}", scope.get("mentor"))
    where.add(prefix + "ect_id::text = {}", scope.get("ect"))


def _page(rows: list[asyncpg.Record], items: list[dict[str, Any]], limit: int,
          offset: int) -> dict[str, Any]:
    return {"items": items, "total": rows[0]["total"] if rows else 0, "limit": limit, "offset": offset}


async def _fetch(pool: asyncpg.Pool, sql: str, args: list[Any]) -> list[asyncpg.Record]:
    async with pool.acquire() as conn:
        return list(await conn.fetch(sql, *args))


async def list_entitlement(pool: asyncpg.Pool, *, school: str | None, ab: str | None,
                           status: str | None, term: int | None, induction_status: str | None,
                           scope: dict[str, Any], limit: int, offset: int) -> dict[str, Any]:
    where = Where()
    where.add("e.school_id = {}", school)
    where.add("e.appropriate_body_id = {}", ab)
    where.add("e.induction_status = {}", induction_status)
    _scoped(where, scope, "e.")
    columns = ", ".join(f"e.{c}" for c in COLUMNS)
    if term is None:
        where.add("e.status = {}", status)
        sql = (f"SELECT {columns}, count(*) OVER () AS total FROM entitlement e {where.sql()} "  # noqa: S608
               f"ORDER BY e.name, e.ect_id {where.page(limit, offset)}")
        async with pool.acquire() as conn:
            rows = await conn.fetch(sql, *where.args)
            views = [as_view(r) for r in rows]
            await directory.name_rows(conn, views)
        return _page(rows, views, limit, offset)
    where.add("t.term_number = {}", term)
    where.add("t.status = {}", status)
    sql = (f"SELECT {columns}, t.status AS term_status, t.reasons AS term_reasons, t.figures, "  # noqa: S608
           f"count(*) OVER () AS total FROM entitlement_terms t JOIN entitlement e USING (ect_id) "
           f"{where.sql()} ORDER BY e.name, e.ect_id {where.page(limit, offset)}")
    items = []
    rows = await _fetch(pool, sql, where.args)
    for row in rows:
        view = {k: row[k] for k in ("ect_id", "trn", "name", "school_id", "appropriate_body_id",
                                    "mentor_id", "induction_status")}
        view.update(json.loads(row["figures"]))
        view["status"], view["reasons"] = row["term_status"], json.loads(row["term_reasons"])
        items.append(view)
    async with pool.acquire() as conn:
        await directory.name_rows(conn, items)
    return _page(rows, items, limit, offset)


SUBMISSION_COLUMNS = ("ect_id", "trn", "name", "appropriate_body_id", "school_id", "school_term",
                      "term_number", "kind", "due_on", "received_on", "state", "days_late",
                      "fully_signed", "report_id")


async def list_submissions(pool: asyncpg.Pool, *, school: str | None, ab: str | None,
                           state: str | None, term: str | None, term_number: int | None,
                           kind: str | None, scope: dict[str, Any], limit: int,
                           offset: int) -> dict[str, Any]:
    where = Where()
    where.add("school_id = {}", school)
    where.add("appropriate_body_id = {}", ab)
    where.add("state = {}", state)
    where.add("school_term = {}", term)
    where.add("term_number = {}", term_number)
    where.add("kind = {}", kind)
    _scoped(where, scope, "", mentor=False)
    sql = (f"SELECT {', '.join(SUBMISSION_COLUMNS)}, count(*) OVER () AS total "  # noqa: S608
           f"FROM ab_submissions {where.sql()} ORDER BY due_on NULLS LAST, name, ect_id, kind "
           f"{where.page(limit, offset)}")
    async with pool.acquire() as conn:
        rows = await conn.fetch(sql, *where.args)
    return _page(rows, [{k: r[k] for k in SUBMISSION_COLUMNS} for r in rows], limit, offset)


async def submission_summary(pool: asyncpg.Pool, *, ab: str | None, term: str | None,
                             scope: dict[str, Any]) -> list[dict[str, Any]]:
    """Per AB and school term: how many reports are due, on time, late, missing."""
    where = Where()
    where.add("appropriate_body_id = {}", ab)
    where.add("school_term = {}", term)
    _scoped(where, scope, "", mentor=False)
    sql = (f"SELECT appropriate_body_id, school_term, state, count(*) AS n FROM ab_submissions "  # noqa: S608
           f"{where.sql()} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3")
    async with pool.acquire() as conn:
        rows = await conn.fetch(sql, *where.args)
    summary: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        key = (row["appropriate_body_id"], row["school_term"])
        entry = summary.setdefault(key, {"appropriate_body_id": key[0], "school_term": key[1],
                                         "due": 0, "on_time": 0, "late": 0, "missing": 0,
                                         "postponed": 0, "unscheduled": 0})
        entry[row["state"]] = row["n"]
    return list(summary.values())


OUTCOME_COLUMNS = ("ect_id", "trn", "name", "appropriate_body_id", "school_id", "recommendation",
                   "recommendation_received_on", "decision_due_by", "decided_on", "decision", "state",
                   "notice_due_by", "representations_due_by", "notice_owed", "appeal_due_by",
                   "end_of_induction")


async def list_outcomes(pool: asyncpg.Pool, *, ab: str | None, state: str | None,
                        scope: dict[str, Any], limit: int, offset: int) -> dict[str, Any]:
    where = Where()
    where.add("appropriate_body_id = {}", ab)
    where.add("state = {}", state)
    _scoped(where, scope, "", mentor=False)
    sql = (f"SELECT {', '.join(OUTCOME_COLUMNS)}, count(*) OVER () AS total FROM ab_outcomes "  # noqa: S608
           f"{where.sql()} ORDER BY decision_due_by, ect_id {where.page(limit, offset)}")
    async with pool.acquire() as conn:
        rows = await conn.fetch(sql, *where.args)
    return _page(rows, [_outcome_item(r) for r in rows], limit, offset)


def _outcome_item(row: asyncpg.Record) -> dict[str, Any]:
    item = {k: row[k] for k in OUTCOME_COLUMNS}
    # every step around the decision, for the AB (the same record the ECT's entitlement shows)
    item["end_of_induction"] = json.loads(row["end_of_induction"]) if row["end_of_induction"] else None
    item["notice_owed"] = list(row["notice_owed"] or [])
    return item


PERIOD_COLUMNS = ("ect_id", "period_index", "trn", "name", "appropriate_body_id", "school_id",
                  "induction_programme", "started_on", "ended_on", "end_reason", "terms_served")


async def list_periods(pool: asyncpg.Pool, *, ab: str | None, school: str | None,
                       window: tuple[date, date] | None, scope: dict[str, Any], limit: int,
                       offset: int) -> dict[str, Any]:
    """Each AB's induction periods; with a term, those claimed or ended in it, and counts of
    ECTs claimed, released, left, passed and failed there."""
    where = Where()
    where.add("appropriate_body_id = {}", ab)
    where.add("school_id = {}", school)
    _scoped(where, scope, "", mentor=False)
    counts_sql = None
    if window is not None:
        where.args.extend(window)
        first, last = f"${len(where.args) - 1}", f"${len(where.args)}"
        started, ended = f"started_on BETWEEN {first} AND {last}", f"ended_on BETWEEN {first} AND {last}"
        where.clauses.append(f"({started} OR {ended})")
        counts = [f"count(*) FILTER (WHERE {started}) AS claimed"] + [
            f"count(*) FILTER (WHERE end_reason = '{reason}' AND {ended}) AS {reason}"
            for reason in ("released", "left", "passed", "failed")]
        counts_sql = f"SELECT {', '.join(counts)} FROM ab_periods {where.sql()}"  # noqa: S608
    counted_args = list(where.args)
    sql = (f"SELECT {', '.join(PERIOD_COLUMNS)}, count(*) OVER () AS total FROM ab_periods "  # noqa: S608
           f"{where.sql()} ORDER BY started_on, trn, period_index {where.page(limit, offset)}")
    async with pool.acquire() as conn:
        rows = await conn.fetch(sql, *where.args)
        totals = await conn.fetchrow(counts_sql, *counted_args) if counts_sql else None
    items = [{k: (float(r[k]) if k == "terms_served" else r[k]) for k in PERIOD_COLUMNS} for r in rows]
    answer = _page(rows, items, limit, offset)
    if totals is not None:
        answer["counts"] = dict(totals)
    return answer
