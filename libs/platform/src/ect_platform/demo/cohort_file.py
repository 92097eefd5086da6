"""The demo's induction files, as a hub would export them from its spreadsheet for
``POST /imports/inductions`` (the columns in README, 'Importing a cohort already in induction').

Two files, because the history of a period can be loaded only while it is open: the first
holds every ECT's first period, still open; the second, uploaded once the history of those
periods is in, closes a transferring ECT's first period (released, with the AB's number of
terms) and adds the new period with the other AB.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from ect_platform.demo.hub import Dates, Ect, Hub

COLUMNS = (
    "TRN", "Name", "Date of birth", "School URN", "School name", "Subject", "Phase", "QTS date",
    "Appropriate body", "Induction programme", "Registered on", "Induction period start date",
    "Induction period end date", "Number of terms", "FTE", "Induction tutor", "Outcome",
)


def _row(hub: Hub, dates: Dates, ect: Ect, period: int, *, closed: bool) -> dict[str, str]:
    (start, end) = dates.periods(ect)[period]
    school = hub.school(ect.schools[period])
    ab = ect.appropriate_body if period == 0 else ect.transfer.to_appropriate_body  # type: ignore[union-attr]
    first_start = dates.periods(ect)[0][0]
    terms = ect.transfer.first_period_terms if closed and ect.transfer else None
    return {
        "TRN": ect.trn, "Name": ect.name, "Date of birth": ect.date_of_birth.isoformat(),
        "School URN": school.urn, "School name": school.name, "Subject": ect.subject or "",
        "Phase": school.phase, "QTS date": dates.qts_date(first_start).isoformat(),
        "Appropriate body": ab, "Induction programme": ect.programme,
        "Registered on": dates.registered_on(start).isoformat(),
        "Induction period start date": start.isoformat(),
        "Induction period end date": end.isoformat() if closed and end else "",
        "Number of terms": str(terms) if terms is not None else "",
        "FTE": f"{ect.fte:g}", "Induction tutor": school.tutor_id, "Outcome": "",
    }


def first_file_rows(hub: Hub, dates: Dates) -> list[dict[str, str]]:
    """Every ECT's first period, open."""
    return [_row(hub, dates, ect, 0, closed=False) for ect in hub.ects]


def transfer_file_rows(hub: Hub, dates: Dates) -> list[dict[str, str]]:
    """For each transferring ECT: the first period as it ended (released) and the open one."""
    rows = []
    for ect in hub.ects:
        if ect.transfer is not None:
            rows += [_row(hub, dates, ect, 0, closed=True), _row(hub, dates, ect, 1, closed=False)]
    return rows


def hub_file_rows(hub: Hub, dates: Dates) -> list[dict[str, str]]:
    """Every period as the hub holds them once loaded: what a second run checks against."""
    moving = {ect.trn for ect in hub.ects if ect.transfer is not None}
    return ([row for row in first_file_rows(hub, dates) if row["TRN"] not in moving]
            + transfer_file_rows(hub, dates))


def as_csv(rows: Iterable[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
