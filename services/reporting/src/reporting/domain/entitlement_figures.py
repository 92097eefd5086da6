"""The entitlement figures of one ECT, to date and per term, with their status and reasons.

Pure: an ``EctHistory``, the schools' calendars, the mentor's training and a date in; plain
dicts out, ready to store. Terms served and required, the year of induction, the coaching
owed, absence by year and the reports due all come from the induction clock
(``statutory.timeline``, through ``InductionClock``), with the breakdown that produced them
so an AB can check a figure by hand. The status rules are in ``entitlement_rules``.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from reporting.domain import entitlement_rules as rules
from reporting.domain.end_of_induction_steps import end_of_induction_steps
from reporting.domain.induction_clock import InductionClock
from reporting.domain.reports_owed import Submission
from statutory.absence import THRESHOLD_DAYS
from statutory.timeline import InductionTerm
from statutory.timetable import limit_percent

EXCUSED = "ect_absent"  # a session missed because the ECT was absent is no gap in provision


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _expected(clock: InductionClock, last: date) -> int:
    """Sessions expected from the start to ``last`` (in post only: weeks between posts owe none)."""
    return clock.sessions_expected(last)


def to_date(clock: InductionClock, items: list[Submission], training: dict[str, dict[str, int]],
            thresholds: rules.Thresholds) -> dict[str, Any]:
    history, as_of = clock.history, clock.as_of
    verdict = rules.Verdict()
    if not clock.started:
        return {"as_of": as_of, "status": rules.GREEN, "induction_status": history.status,
                "reasons": [{"level": rules.GREEN, "rule": "not_started",
                             "reason": f"induction starts on {clock.start}"}],
                "term_number": 0, "induction_year": 1}
    year = clock.year()  # year 3 exists only in an AB's extension (the clock says so)
    expected = _expected(clock, as_of)
    held = [s for s in history.sessions.values() if s.held_on <= as_of]
    missed = Counter(m.reason for m in history.missed.values() if m.due_on <= as_of)
    shortfall = max(expected - len(held) - missed[EXCUSED], 0)
    last_session = max((s.held_on for s in held), default=None)
    # a session missed because the ECT was absent still counts as contact: no gap in provision
    excused_on = [m.due_on for m in history.missed.values() if m.reason == EXCUSED and m.due_on <= as_of]
    last_contact = max([*([last_session] if last_session else []), *excused_on], default=None)
    since = _monday(last_contact) + timedelta(weeks=1) if last_contact else clock.start
    weeks_without = len(clock.calendar.teaching_weeks(since, as_of)) if since <= as_of else 0
    catch_ups_overdue = sum(1 for c in history.catch_ups.values()
                            if c.completed_on is None and c.due_by < as_of)
    timeline = clock.timeline
    absence_days = timeline.counted_absence_days(year)
    if history.status == "open":
        rules.judge_coaching(verdict, thresholds, shortfall, expected, len(held), missed[EXCUSED])
        rules.judge_recent_session(verdict, thresholds, weeks_without, year, last_session)
        rules.judge_mentor(verdict, thresholds, history, as_of, training)
        rules.judge_catch_ups(verdict, thresholds, catch_ups_overdue)
        rules.judge_absence(verdict, thresholds, absence_days, year)
        rules.judge_reports(verdict, thresholds, items, clock.today)
        rules.judge_progress(verdict, history)
        rules.judge_timetable(verdict, year, history.timetable.get(min(year, 2)))
    else:
        verdict.reasons.append({"level": rules.GREEN, "rule": "closed",
                                "reason": f"induction {history.status} on {as_of}; figures as of then"})
    ect_training = Counter((t.kind, t.attended) for t in history.training.values())
    return {
        "as_of": as_of,
        "induction_status": history.status,
        "induction_year": year,
        "term_number": len(clock.terms()),
        "terms_served": float(clock.served()),
        "terms_required": float(clock.required()),
        "terms_remaining": float(clock.remaining()),
        "sessions_expected": expected,
        "sessions_held": len(held),
        "sessions_missed": sum(missed.values()),
        "missed_by_reason": dict(sorted(missed.items())),
        "session_shortfall": shortfall,
        "minutes_coached": sum(s.minutes for s in held),
        "last_session_on": last_session,
        "days_since_last_session": (as_of - last_session).days if last_session else None,
        "teaching_weeks_without_session": weeks_without,
        "drop_ins": sum(1 for d in history.drop_ins.values() if d <= as_of),
        "mentor_assigned_on": history.mentor_assigned_on,
        "mentor_training": training,
        "ect_training": {f"{kind}_{'attended' if attended else 'missed'}": n
                         for (kind, attended), n in sorted(ect_training.items())},
        "catch_ups_open": sum(1 for c in history.catch_ups.values() if c.completed_on is None),
        "catch_ups_overdue": catch_ups_overdue,
        "catch_ups_completed": sum(1 for c in history.catch_ups.values() if c.completed_on),
        "absence_days_counted": absence_days,
        "absence_threshold_days": float(THRESHOLD_DAYS),
        "absence_extension_days": sum(line.days or 0.0 for line in timeline.plan.extensions
                                      if line.source == "absence"),
        "statutory_leave_extension_days": sum(days for _, days in history.statutory_leave_extension),
        "year_two_starts": timeline.year_two_starts,
        "timetable_percent": history.timetable.get(min(year, 2)),
        "timetable_limit_percent": limit_percent(year),
        "breakdown": timeline.breakdown(),
        "reports_submitted": len(history.reports),
        "support_plans_shared": len(history.support_plans),
        "reports_missing": sum(1 for i in items if i.state == "missing"),
        "status": verdict.status,
        "reasons": verdict.reasons,
        # the ECT's own record shows every step of the end of induction and whose it is
        "end_of_induction": end_of_induction_steps(history, clock.final_assessment(), clock.today),
    }


def per_term(clock: InductionClock, items: list[Submission],
             thresholds: rules.Thresholds) -> list[dict[str, Any]]:
    if not clock.started:
        return []
    terms = clock.terms()
    return [_term(clock, number, term, items, thresholds, terms[number - 2] if number > 1 else None)
            for number, term in enumerate(terms, start=1)]


def _term(clock: InductionClock, number: int, term: InductionTerm, items: list[Submission],
          thresholds: rules.Thresholds, previous: InductionTerm | None) -> dict[str, Any]:
    history, as_of = clock.history, clock.as_of
    last = min(term.end, as_of)
    # the holiday between two terms has no teaching week, so nothing is owed in it: what was
    # expected before this term is what was expected by the end of the previous one
    before = _expected(clock, min(previous.end, as_of)) if previous else 0
    expected = _expected(clock, last) - before
    held = [s for s in history.sessions.values() if term.start <= s.held_on <= last]
    missed = Counter(m.reason for m in history.missed.values() if term.start <= m.due_on <= last)
    shortfall = max(expected - len(held) - missed[EXCUSED], 0)
    mine = [i for i in items if i.term_number == number]
    verdict = rules.Verdict()
    rules.judge_coaching(verdict, thresholds, shortfall, expected, len(held), missed[EXCUSED])
    rules.judge_reports(verdict, thresholds, mine, clock.today)
    rules.judge_progress(verdict, history, term_number=number)
    absence = sum(a.days for a in history.absences.values()
                  if a.counts and term.start <= a.first_day <= term.end)
    return {
        "term_number": number,
        "school_term": term.label,
        "term_start": term.start,
        "term_end": term.end,
        "complete": term.end <= as_of,
        "sessions_expected": expected,
        "sessions_held": len(held),
        "sessions_missed": sum(missed.values()),
        "missed_by_reason": dict(sorted(missed.items())),
        "session_shortfall": shortfall,
        "minutes_coached": sum(s.minutes for s in held),
        "drop_ins": sum(1 for d in history.drop_ins.values() if term.start <= d <= last),
        "absence_days_counted": absence,
        "reports": [{"kind": i.kind, "state": i.state, "due_on": i.due_on, "received_on": i.received_on}
                    for i in mine],
        "status": verdict.status,
        "reasons": verdict.reasons,
    }
