"""Which of the reviews and assessments the clock made due the demo's school sends, when,
and what they say: on time, one late, one never sent, one not on track.

The reports due (kind, term, held and due dates, final) are scheduling's answer
(``GET /ects/{id}``, ``reports_due``), never worked out here. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ect_platform.demo.hub import School, Story, is_teaching_day

LATE_BY = timedelta(days=21)
MISSING_AFTER = timedelta(days=10)  # longer overdue than the AB's chasing allows (2.74): red
PLAN_AFTER = timedelta(days=7)


@dataclass(frozen=True)
class Report:
    kind: str
    term_number: int
    submitted_on: date
    on_track: bool
    final: bool
    support_plan_on: date | None = None  # a support plan shared with the AB (4.1)


def held_by(reports_due: list[dict[str, Any]], first: date, last: date) -> list[dict[str, Any]]:
    """The reports held from ``first`` to ``last`` (a period as loaded), in the clock's order,
    with their dates as ``date``."""
    found = []
    for item in reports_due:
        held, due = date.fromisoformat(str(item["held_on"])), date.fromisoformat(str(item["due_on"]))
        if first <= held <= last:
            found.append({**item, "held_on": held, "due_on": due})
    return found


def sent(story: Story, due: list[dict[str, Any]], today: date) -> list[Report]:
    """The reports the school sends of those held by today (``held_by``), as the story has them."""
    held = [item for item in due if item["held_on"] <= today]
    skipped = None
    if story.missing_report:
        overdue = [item for item in held if item["due_on"] < today - MISSING_AFTER]
        skipped = overdue[-1] if overdue else None
    reports = []
    for index, item in enumerate(held):
        if item is skipped:
            continue
        on = min(item["due_on"], today)
        if story.late_report and index == 1 and item["due_on"] + LATE_BY <= today:
            on = item["due_on"] + LATE_BY
        reports.append(Report(item["kind"], item["term_number"], on, True, bool(item["final"])))
    if story.not_on_track and reports:
        latest = reports[-1]
        plan_on = _plan_day(latest.submitted_on, today) if story.not_on_track == "plan" else None
        reports[-1] = Report(latest.kind, latest.term_number, latest.submitted_on, False,
                             latest.final, plan_on)
    return reports


def _plan_day(reported_on: date, today: date) -> date:
    """A week after the report, on a teaching day (a plan is agreed in school, not in the
    holidays), and never after today."""
    day = reported_on + PLAN_AFTER
    while day < today and not is_teaching_day(day):
        day += timedelta(days=1)
    return min(day, today)


def body(report: Report, ect_name: str, school: School) -> dict[str, Any]:
    """The ``POST /ects/{id}/term-reports`` body, signed by the tutor, head and ECT."""
    what, signed = report.kind.replace("_", " ").capitalize(), report.submitted_on.isoformat()
    payload: dict[str, Any] = {
        "kind": report.kind, "term_number": report.term_number, "on_track": report.on_track,
        "submitted_on": report.submitted_on.isoformat(),
        "evidence_summary": (f"{what} for term {report.term_number}: "
                             + ("lessons observed are well planned and pupils settle quickly"
                                if report.on_track else
                                "behaviour routines are not yet consistent and several lessons "
                                "observed lost pace")),
        "targets": ("Check understanding before moving on; use cold calling"
                    if report.on_track else
                    "Establish the entry routine in every lesson; plan for the first ten minutes"),
        "ect_comments": f"{ect_name}: I agree with the targets.",
        "sign_offs": [
            {"role": "induction_tutor", "name": school.tutor_name, "signed_on": signed},
            {"role": "headteacher", "name": school.headteacher, "signed_on": signed},
            {"role": "ect", "name": ect_name, "signed_on": signed},
        ],
    }
    if report.final:
        payload["recommendation"] = "satisfactory" if report.on_track else "extension"
    return payload
