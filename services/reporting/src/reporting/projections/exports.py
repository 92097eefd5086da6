"""What an appropriate body sends on: the TRA termly return and the DfE bulk-upload files.

- **TRA termly return** (rule 12, guidance 5.11): for one AB and one school term, every ECT
  who started, completed (pass or fail), was extended, or left part-way, with the type of
  induction (provider-led or school-led). The term runs from its first day (England default
  dates) to the day before the next term starts, so holidays belong to the term before.
- **DfE claims** ("Record inductions as an appropriate body" bulk claim): ``TRN, Date of
  birth, Induction programme, Induction period start date`` for each period the AB opened.
- **DfE outcomes** (bulk action): ``TRN, Date of birth, Induction period end date, Number of
  terms, Outcome`` for each period the AB closed: Pass, Fail, or Release (left or released),
  with the FTE terms served in the period to one decimal place.

Dates are ISO 8601 (YYYY-MM-DD) as the DfE templates take them. Each export is a list of
rows (JSON) or the same rows as CSV.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

import asyncpg

from statutory.calendar import TermName, england_default

PROGRAMME = {"provider_led": "provider-led", "school_led": "school-led"}
DFE_OUTCOME = {"passed": "Pass", "failed": "Fail", "left": "Release", "released": "Release"}
CLAIM_COLUMNS = ("TRN", "Date of birth", "Induction programme", "Induction period start date")
OUTCOME_COLUMNS = ("TRN", "Date of birth", "Induction period end date", "Number of terms", "Outcome")
TRA_COLUMNS = ("TRN", "Name", "Event", "Date", "Induction type", "Number of terms")


class UnknownTermError(ValueError):
    """A term is named ``<calendar year>-<autumn|spring|summer>``, e.g. ``2025-autumn``, ``2026-spring``."""


def term_window(label: str) -> tuple[date, date]:
    """First and last day a termly return covers: the term and the holiday after it."""
    try:
        year_text, name_text = label.split("-", 1)
        year, name = int(year_text), TermName(name_text)
    except ValueError:
        raise UnknownTermError(f"{label!r} is not a term such as 2025-autumn") from None
    start_year = year if name == TermName.AUTUMN else year - 1  # the academic year it belongs to
    terms = england_default(start_year).terms
    index = list(TermName).index(name)
    following = terms[index + 1] if index < 2 else england_default(start_year + 1).autumn
    return terms[index].start, following.start - timedelta(days=1)


def to_csv(columns: tuple[str, ...], rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row[c] is None else str(row[c]) for c in columns])
    return out.getvalue()


async def _periods(pool: asyncpg.Pool, ab: str) -> list[asyncpg.Record]:
    async with pool.acquire() as conn:
        return await conn.fetch(
            "SELECT * FROM ab_periods WHERE appropriate_body_id = $1 ORDER BY trn, period_index", ab)


def _within(day: date | None, window: tuple[date, date] | None) -> bool:
    return day is not None and (window is None or window[0] <= day <= window[1])


async def dfe_claims(pool: asyncpg.Pool, ab: str, term: str | None) -> list[dict[str, Any]]:
    window = term_window(term) if term else None
    return [{"TRN": p["trn"], "Date of birth": p["date_of_birth"],
             "Induction programme": PROGRAMME.get(p["induction_programme"], p["induction_programme"]),
             "Induction period start date": p["started_on"]}
            for p in await _periods(pool, ab) if _within(p["started_on"], window)]


async def dfe_outcomes(pool: asyncpg.Pool, ab: str, term: str | None) -> list[dict[str, Any]]:
    window = term_window(term) if term else None
    return [{"TRN": p["trn"], "Date of birth": p["date_of_birth"],
             "Induction period end date": p["ended_on"], "Number of terms": f"{p['terms_served']:.1f}",
             "Outcome": DFE_OUTCOME[p["end_reason"]]}
            for p in await _periods(pool, ab)
            if p["end_reason"] in DFE_OUTCOME and _within(p["ended_on"], window)]


async def tra_return(pool: asyncpg.Pool, ab: str, term: str) -> dict[str, Any]:
    window = term_window(term)
    rows: list[dict[str, Any]] = []
    for p in await _periods(pool, ab):
        events = []
        if _within(p["started_on"], window):
            events.append(("started", p["started_on"]))
        if p["end_reason"] in ("passed", "failed") and _within(p["ended_on"], window):
            events.append((f"completed_{'pass' if p['end_reason'] == 'passed' else 'fail'}", p["ended_on"]))
        if p["end_reason"] in ("left", "released") and _within(p["ended_on"], window):
            events.append(("left_part_way", p["ended_on"]))
        if _within(p["extended_on"], window):
            events.append(("extended", p["extended_on"]))
        rows.extend({"TRN": p["trn"], "Name": p["name"], "Event": event, "Date": day,
                     "Induction type": PROGRAMME.get(p["induction_programme"], p["induction_programme"]),
                     "Number of terms": f"{p['terms_served']:.1f}"} for event, day in events)
    counts = {event: sum(1 for r in rows if r["Event"] == event)
              for event in ("started", "completed_pass", "completed_fail", "extended", "left_part_way")}
    counts["provider_led"] = len({r["TRN"] for r in rows if r["Induction type"] == "provider-led"})
    counts["school_led"] = len({r["TRN"] for r in rows if r["Induction type"] == "school-led"})
    return {"appropriate_body_id": ab, "term": term, "from": window[0], "to": window[1],
            "counts": counts, "rows": rows}
