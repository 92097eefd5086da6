"""Where an ECT's end of induction stands: each step, whose it is, its last day and its state.

The steps and their parties: the headteacher's recommendation (the final assessment report,
due 10 working days after the final assessment meeting, 2.61/2.65), the ECT's representations
(10 working days, regulation 11(4)), the AB's decision (20 working days, 2.67), the AB's written
notice (3 working days, to each of those owed it, 2.69) and the ECT's appeal to the TRA
(20 working days of the notice, after a fail or an extension, regulation 14). Every last day
is the kernel's (``statutory.timeline`` for the report, ``statutory.end_of_induction`` for the
rest); this module only reads the facts against them. Shown on the ECT's entitlement record
and on the AB's ``GET /outcomes``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from reporting.domain.history import AppealFact, EctHistory, NoticeFact, ReportFact
from statutory.end_of_induction import end_of_induction_clocks, notice_recipients
from statutory.timeline import ReportDue

# the party whose step each one is, as notifications reminds them
PARTIES = {"recommendation": "headteacher", "representations": "ect", "decision": "appropriate_body",
           "notice": "appropriate_body", "appeal": "ect"}


# a step past its last day and not taken: missing for a duty; a right simply not exercised
NOT_TAKEN = {"representations": "not_made", "appeal": "closed"}


def _state(due: date | None, done: date | None, today: date, *, optional: str = "missing") -> str:
    """not_started (its clock has not begun), due, on_time, late; ``optional``: the state of a
    step not taken by its last day (missing for a duty, not_made or closed for a right)."""
    if due is None:
        return "not_started"
    if done is not None:
        return "on_time" if done <= due else "late"
    return optional if today > due else "due"


def current_recommendation(history: EctHistory) -> ReportFact | None:
    finals = [r for r in history.reports.values() if r.recommendation is not None]
    return max(finals, key=lambda r: r.submitted_on) if finals else None


def current_decision(history: EctHistory, received_on: date | None) -> tuple[str, date] | None:
    """(passed/failed/extended, decided_on) on the current recommendation, if decided."""
    if history.outcome is not None:
        return history.outcome.outcome, history.outcome.decided_on
    if received_on is None:
        return None
    later = sorted(e.decided_on for e in history.extensions if e.decided_on >= received_on)
    return ("extended", later[0]) if later else None


def end_of_induction_steps(history: EctHistory, final_assessment: ReportDue | None,
                           today: date) -> dict[str, Any]:
    recommendation = current_recommendation(history)
    received = recommendation.submitted_on if recommendation else None
    decided = current_decision(history, received)
    notices: list[NoticeFact] = [n for n in history.notices
                                 if decided is not None and (n.decision, n.decided_on) == decided]
    given: dict[str, date] = {}
    for notice in sorted(notices, key=lambda n: n.given_on):
        for recipient in notice.recipients:
            given.setdefault(recipient, notice.given_on)
    representations = [r for r in history.representations
                       if received is not None and r.recommendation_received_on == received]
    appeal: AppealFact | None = history.appeals[-1] if history.appeals else None
    clocks = end_of_induction_clocks(
        recommendation_received_on=received,
        decided_on=decided[1] if decided else None, decision=decided[0] if decided else None,
        notice_on=given.get("ect"))
    report_due = final_assessment.due_on if final_assessment else None
    owed = [r for r in notice_recipients(decided[0]) if r not in given] if decided else []
    last_notice = max(given.values(), default=None) if decided and not owed else None
    first_made = min((r.received_on for r in representations), default=None)
    return {
        "recommendation": {
            "party": PARTIES["recommendation"], "due_by": report_due, "received_on": received,
            "recommendation": recommendation.recommendation if recommendation else None,
            "state": _state(report_due, received, today)},
        "representations": {
            "party": PARTIES["representations"], "due_by": clocks.representations_due_by,
            "received_on": first_made, "count": len(representations),
            "late": any(r.late for r in representations),
            "state": _state(clocks.representations_due_by, first_made, today,
                            optional=NOT_TAKEN["representations"])},
        "decision": {
            "party": PARTIES["decision"], "due_by": clocks.decision_due_by,
            "decided_on": decided[1] if decided else None, "decision": decided[0] if decided else None,
            "representations_considered": bool(representations) if decided else None,
            "state": _state(clocks.decision_due_by, decided[1] if decided else None, today)},
        "notice": {
            "party": PARTIES["notice"], "due_by": clocks.notice_due_by,
            "given": {r: d for r, d in sorted(given.items())}, "owed": owed,
            "state": _state(clocks.notice_due_by, last_notice, today)},
        "appeal": {
            "party": PARTIES["appeal"],
            "due_by": clocks.appeal_due_by or (appeal.appeal_due_by if appeal else None),
            "lodged_on": appeal.lodged_on if appeal else None,
            "late": appeal.late if appeal else False,
            "outcome": appeal.outcome if appeal else None,
            "outcome_on": appeal.decided_on if appeal else None,
            "state": _state(clocks.appeal_due_by or (appeal.appeal_due_by if appeal else None),
                            appeal.lodged_on if appeal else None, today,
                            optional=NOT_TAKEN["appeal"])},
    }


def steps_as_of(steps: dict[str, Any], today: date) -> dict[str, Any]:
    """Stored steps with their states as of ``today``: a row is worked out when its ECT last
    changed, and a step waiting then may have passed its last day since (``_state``'s rule)."""
    answer = {}
    for name, step in steps.items():
        due_by = step.get("due_by")
        if step.get("state") == "due" and due_by and date.fromisoformat(str(due_by)[:10]) < today:
            step = {**step, "state": NOT_TAKEN.get(name, "missing")}
        answer[name] = step
    return answer
