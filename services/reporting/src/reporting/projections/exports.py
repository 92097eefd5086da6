"""What an appropriate body sends on: the TRA termly return and the DfE bulk-upload files.

- **TRA termly return** (rule 12, guidance 5.11): for one AB and one school term, every ECT
  who started, completed (pass or fail), was extended, or left part-way, with the type of
  induction (provider-led or school-led). The term runs from its first day (England default
  dates) to the day before the next term starts, so holidays belong to the term before.
- **DfE claims** ("Record inductions as an appropriate body" bulk claim): ``TRN, Date of
  birth, Induction programme, Induction period start date`` for each period the AB opened.
- **DfE outcomes** (bulk action): ``TRN, Date of birth, Induction period end date, Number of
  terms, Outcome`` for each period the AB closed with a pass, or by a release (left or
  released), with the FTE terms served in the period to one decimal place. A fail is not in
  it: the DfE service refuses a fail in bulk ("Fail cannot be recorded in bulk upload"); it
  has its own journey there, and the TRA return lists it.

Dates are ISO 8601 (YYYY-MM-DD) as the DfE templates take them. Each export is a list of
rows (JSON) or the same rows as CSV, every cell safe to open in a spreadsheet
(``ect_platform.csv_safety``). The DfE service takes at most 1,000 rows a file and no TRN
twice in one (``process_batch_form``), so its two files come in parts (``dfe_files``).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import asyncpg

from ect_platform import csv_safety
from statutory.calendar import TermName, england_default

PROGRAMME = {"provider_led": "provider-led", "school_led": "school-led"}
# what the DfE's bulk action file takes (it matches /pass/i and /release/i); no fail (see above)
DFE_OUTCOME = {"passed": "Pass", "left": "Release", "released": "Release"}
DFE_MAX_ROWS = 1000
CLAIM_COLUMNS = ("TRN", "Date of birth", "Induction programme", "Induction period start date")
OUTCOME_COLUMNS = ("TRN", "Date of birth", "Induction period end date", "Number of terms", "Outcome")
TRA_COLUMNS = ("TRN", "Name", "Event", "Date", "Induction type", "Number of terms")


class NoSuchPartError(ValueError):
    """Asked for a part of a DfE file beyond the parts it has."""


def dfe_part(rows: list[dict[str, Any]], part: int) -> list[dict[str, Any]]:
    """Part ``part`` (from 1) of ``dfe_files(rows)``."""
    files = dfe_files(rows)
    if not 1 <= part <= len(files):
        raise NoSuchPartError(f"this export comes in {len(files)} part(s) of at most "
                              f"{DFE_MAX_ROWS} rows with no TRN twice; there is no part {part}")
    return files[part - 1]


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
    return csv_safety.write(columns, rows)


def dfe_files(rows: list[dict[str, Any]], limit: int = DFE_MAX_ROWS) -> list[list[dict[str, Any]]]:
    """The rows in as few files as the DfE service accepts: each at most ``limit`` rows and no
    TRN twice (an ECT the AB claimed, released and claimed again has two periods). Each row goes
    to the first file with room that does not hold its TRN yet, so the order is kept within a
    file; there is always at least one file, empty when there are no rows."""
    files: list[list[dict[str, Any]]] = [[]]
    trns: list[set[str]] = [set()]
    for row in rows:
        index = next((i for i, held in enumerate(trns)
                      if row["TRN"] not in held and len(files[i]) < limit), None)
        if index is None:
            files.append([])
            trns.append(set())
            index = len(files) - 1
        files[index].append(row)
        trns[index].add(row["TRN"])
    return files


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
